//! The e-mail channel: SMTP accounts (the company's, and an operator's own so replies reach
//! them), e-mail templates (a subject and a body with the SMS templates' macros, fixed
//! attachments), e-mail written about a document or task (its printout proposed), and every
//! e-mail kept with its status. Mail is queued here and sent by the server's outbox, which
//! retries temporary SMTP failures.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;

use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::format::LocalTime;

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use pages::{EmailComposePage, EmailSettingsPage, SentEmailsPage};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tls {
    /// Plain, then STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on the same machine or network.
    None,
}

impl Tls {
    pub const ALL: [Tls; 3] = [Tls::Starttls, Tls::Tls, Tls::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Tls::Starttls => "starttls",
            Tls::Tls => "tls",
            Tls::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Tls> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// An SMTP account as the administrator (or the operator, for their own) writes it. An empty
/// password keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInput {
    pub host: String,
    pub port: String,
    pub tls: String,
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: String,
    pub from_name: String,
    pub from_address: String,
}

/// An account that passed `validate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAccount {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub login: String,
    pub password: String,
    pub from_name: String,
    pub from_address: String,
}

impl AccountInput {
    pub fn validate(&self) -> std::result::Result<ValidAccount, Vec<FieldError>> {
        let mut errors = vec![];
        let host = crate::input::text(&mut errors, Field::Host, &self.host, true, 253);
        if host.contains(|c: char| c.is_whitespace() || c == '/' || c == ':') {
            errors.push(FieldError::new(Field::Host, Problem::InvalidUrl));
        }
        let port = match self.port.trim().parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => {
                let problem = Problem::OutOfRange { min: 1, max: 65535 };
                errors.push(FieldError::new(Field::Port, problem));
                0
            }
        };
        let tls = Tls::parse(&self.tls).unwrap_or_default();
        let login = crate::input::text(&mut errors, Field::Login, &self.login, false, 200);
        let from_name =
            crate::input::text(&mut errors, Field::FromName, &self.from_name, true, 100);
        let from_address = crate::input::text(
            &mut errors,
            Field::FromAddress,
            &self.from_address,
            true,
            254,
        );
        if !from_address.is_empty() && !crate::input::looks_like_email(&from_address) {
            errors.push(FieldError::new(Field::FromAddress, Problem::InvalidEmail));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidAccount {
            host,
            port,
            tls,
            login,
            password: self.password.clone(),
            from_name,
            from_address,
        })
    }
}

/// A stored account as it is shown: never its password, only whether it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub login: String,
    pub has_password: bool,
    pub from_name: String,
    pub from_address: String,
}

/// A file mail carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub id: i64,
    pub name: String,
    pub size: i64,
}

/// An e-mail template: for one procedure, its subject and body with macros, its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTemplate {
    pub id: i64,
    pub procedure: Procedure,
    pub name: String,
    pub title: String,
    pub body: String,
    pub is_default: bool,
    pub files: Vec<FileRef>,
}

/// Checks a template's texts against its procedure's macros.
pub fn validate_template(
    name: &str,
    procedure: Procedure,
    title: &str,
    body: &str,
) -> std::result::Result<(), Vec<FieldError>> {
    let mut errors = vec![];
    crate::input::text(&mut errors, Field::Name, name, true, 100);
    crate::input::text(&mut errors, Field::EmailTitle, title, true, 200);
    crate::input::text(&mut errors, Field::Body, body, true, 20_000);
    for (field, text) in [(Field::EmailTitle, title), (Field::Body, body)] {
        let problems = sms::template::check(&sms::template::parse(text), &[procedure]);
        if !problems.is_empty() {
            errors.push(FieldError::new(field, Problem::TemplateErrors(problems)));
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}

/// The e-mail settings page: the company's account, the operator's own, the templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    pub company: Option<AccountView>,
    pub own: Option<AccountView>,
    pub templates: Vec<EmailTemplate>,
    pub is_administrator: bool,
}

/// Where an e-mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    Queued,
    Sent,
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Queued => "queued",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> EmailStatus {
        match s {
            "sent" => EmailStatus::Sent,
            "failed" => EmailStatus::Failed,
            _ => EmailStatus::Queued,
        }
    }
}

/// An e-mail in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentEmail {
    pub id: i64,
    pub created: LocalTime,
    pub to: String,
    pub from: String,
    pub title: String,
    pub body: String,
    pub status: EmailStatus,
    pub attempts: i64,
    /// The SMTP server's answer to the last attempt that failed.
    pub error: Option<String>,
    pub files: Vec<String>,
    pub subject_name: Option<String>,
}

/// What an e-mail is written about: its macros and the files it proposes come from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    #[serde(default)]
    pub subject_id: Option<i64>,
    #[serde(default)]
    pub document_id: Option<i64>,
    #[serde(default)]
    pub task_id: Option<i64>,
}

/// The e-mail form as it opens: the recipient's address, the procedure's templates, the
/// document's printout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailStart {
    pub to: String,
    pub about_label: Option<String>,
    pub templates: Vec<EmailTemplate>,
    pub printout: Option<FileRef>,
    /// The account it would go from ("Name <address>"), or none set up.
    pub from: Option<String>,
}

/// A template filled for the recipient: what the form shows to edit, and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledTemplate {
    pub title: String,
    pub body: String,
    pub files: Vec<FileRef>,
}

#[server(endpoint = "load_email_settings")]
pub async fn load_email_settings() -> Result<EmailSettings> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::settings(&crate::ssr::app_state().db, &operator).await
    })
    .await
}

/// Saves the company's account (administrators) or, with `own`, the operator's own.
#[server(endpoint = "save_email_account")]
pub async fn save_email_account(#[server(default)] own: bool, account: AccountInput) -> Result<()> {
    crate::error::respond(async move {
        let operator = match own {
            true => crate::auth::ssr::require_operator()?,
            false => crate::auth::ssr::require_administrator()?,
        };
        let valid = account.validate().map_err(AppError::InvalidFields)?;
        let state = crate::ssr::app_state();
        ssr::save_account(&state.db, &state.sealing_key, &operator, own, &valid).await?;
        tracing::info!(
            company_id = operator.company_id,
            own,
            "e-mail account saved"
        );
        Ok(())
    })
    .await
}

#[server(endpoint = "remove_email_account")]
pub async fn remove_email_account(#[server(default)] own: bool) -> Result<()> {
    crate::error::respond(async move {
        let operator = match own {
            true => crate::auth::ssr::require_operator()?,
            false => crate::auth::ssr::require_administrator()?,
        };
        ssr::remove_account(&crate::ssr::app_state().db, &operator, own).await
    })
    .await
}

/// Creates (`id` 0) or changes an e-mail template.
#[server(endpoint = "save_email_template")]
pub async fn save_email_template(
    #[server(default)] id: i64,
    name: String,
    procedure: String,
    title: String,
    body: String,
    #[server(default)] is_default: bool,
) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let procedure = Procedure::from_id(&procedure)
            .ok_or_else(|| AppError::invalid(Field::Procedures, Problem::Required))?;
        validate_template(&name, procedure, &title, &body).map_err(AppError::InvalidFields)?;
        let db = &crate::ssr::app_state().db;
        let input = ssr::TemplateInput {
            name: name.trim(),
            procedure,
            title: title.trim(),
            body: &body,
            is_default,
        };
        ssr::save_template(db, operator.company_id, id, &input).await
    })
    .await
}

#[server(endpoint = "delete_email_template")]
pub async fn delete_email_template(id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        ssr::delete_template(&crate::ssr::app_state().db, operator.company_id, id).await
    })
    .await
}

/// Adds a fixed attachment to a template (the browser reads the file and sends it as base64).
#[server(endpoint = "add_email_template_file")]
pub async fn add_email_template_file(
    template_id: i64,
    name: String,
    content_type: String,
    content: String,
) -> Result<()> {
    crate::error::respond(async move {
        use base64::Engine;
        let operator = crate::auth::ssr::require_administrator()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content.trim())
            .map_err(|_| AppError::invalid(Field::File, Problem::UnreadableFile))?;
        let db = &crate::ssr::app_state().db;
        let file = ssr::NewFile {
            name: &name,
            content_type: &content_type,
            content: &bytes,
        };
        ssr::attach_to_template(db, operator.company_id, template_id, &file).await
    })
    .await
}

#[server(endpoint = "remove_email_template_file")]
pub async fn remove_email_template_file(template_id: i64, file_id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let db = &crate::ssr::app_state().db;
        ssr::detach_from_template(db, operator.company_id, template_id, file_id).await
    })
    .await
}

#[server(endpoint = "start_email")]
pub async fn start_email(about: About) -> Result<EmailStart> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::start(&crate::ssr::app_state().db, &operator, about).await
    })
    .await
}

#[server(endpoint = "fill_email_template")]
pub async fn fill_email_template(template_id: i64, about: About) -> Result<FilledTemplate> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::fill_template(&crate::ssr::app_state().db, &operator, template_id, about).await
    })
    .await
}

/// Queues an e-mail the operator wrote; `files`: the ids of the attachments kept.
#[server(endpoint = "send_email")]
pub async fn send_email(
    to: String,
    title: String,
    body: String,
    #[server(default)] about: About,
    #[server(default)] template_id: Option<i64>,
    #[server(default)] files: Vec<i64>,
) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let mail = ssr::Outgoing {
            to: to.trim().to_string(),
            title: title.trim().to_string(),
            body,
            about,
            template_id,
            files,
        };
        ssr::check_outgoing(&mail)?;
        let now = state.clock.now_ms();
        let id = ssr::send_as_operator(&state.db, &operator, &mail, now).await?;
        state.email_outbox.notify_one();
        Ok(id)
    })
    .await
}

#[server(endpoint = "list_emails")]
pub async fn list_emails(#[server(default)] before: Option<i64>) -> Result<Vec<SentEmail>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::list(&crate::ssr::app_state().db, operator.company_id, before).await
    })
    .await
}

/// The procedures e-mail templates can be for.
pub const EMAIL_PROCEDURES: [Procedure; 5] = [
    Procedure::TaskForm,
    Procedure::SalesInvoiceForm,
    Procedure::OrderForm,
    Procedure::ContractorForm,
    Procedure::SmsForm,
];
