//! The one error type of server functions. Variants are what the browser may see; details of
//! internal failures are logged on the server and never sent.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use sms::PhoneError;

use crate::i18n::Lang;

pub mod texts;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// No valid session: the operator must log in.
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("wrong login or password")]
    WrongCredentials,
    /// Too many failed logins: try again in `minutes`.
    #[error("too many failed logins")]
    TooManyAttempts { minutes: u32 },
    /// The server has too much of this work at hand (password checks): try again shortly.
    #[error("too busy")]
    Busy,
    #[error("invalid {field:?}: {problem:?}")]
    Invalid { field: Field, problem: Problem },
    /// Several fields of a form or API object, each with its problem.
    #[error("invalid fields: {0:?}")]
    InvalidFields(Vec<FieldError>),
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("communication: {0}")]
    Communication(String),
}

/// The form field an error is about, so the UI can name it and put the message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Login,
    Password,
    Phone,
    Body,
    /// A subject's SMS phone.
    SmsPhone,
    Kind,
    Code,
    Name,
    Email,
    Address,
    Notes,
    Nip,
    ExternalId,
    Attributes,
    NotificationNumber,
    CountryCode,
    Representatives,
    RepresentativeName,
    RepresentativeRole,
    RepresentativePhone,
    RepresentativeEmail,
    Query,
    Role,
    Companies,
    StampName,
    // Documents and tasks.
    Number,
    IssueDate,
    DueDate,
    Currency,
    SubjectExternalId,
    Title,
    StartsAt,
    EndsAt,
    OperatorLogin,
    /// An uploaded file as a whole (the address book import).
    File,
    Procedures,
    /// A report's period.
    PeriodFrom,
    PeriodTo,
    /// When a scheduled message goes.
    SendAt,
    /// A company's quiet hours: the window and the days.
    QuietFrom,
    QuietTo,
    QuietDays,
    /// A company's own opt-out words.
    OptOutWords,
    /// A number of credits (a correction).
    Amount,
    /// The pool's low-balance threshold.
    AlertBelow,
    /// How many SMS packages to buy.
    Packages,
    /// The payment provider.
    Provider,
    SenderName,
    /// The owner's statement of a sender name (accepted or not).
    Statement,
    /// The rows of a list selected for a serial send.
    Recipients,
    /// The HTTP API's `Idempotency-Key` header.
    IdempotencyKey,
    /// A template, by id or name.
    Template,
    DocumentExternalId,
    TaskExternalId,
    WebhookUrl,
    Host,
    Port,
    FromName,
    FromAddress,
    EmailTitle,
    MinutesBefore,
    Recurrence,
    RecurrenceUntil,
    ReceivedOn,
    CorrespondenceSender,
    Description,
    NotificationText,
    Items,
}

impl Field {
    /// The field's name for the operator, in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        (texts::texts(lang).field_names)(self)
    }

    /// The field's name in JSON (the HTTP API and form field names).
    pub fn key(self) -> &'static str {
        match self {
            Field::Login => "login",
            Field::Password => "password",
            Field::Phone => "phone",
            Field::SmsPhone => "sms_phone",
            Field::Body => "body",
            Field::Kind => "kind",
            Field::Code => "code",
            Field::Name => "name",
            Field::Email => "email",
            Field::Address => "address",
            Field::Notes => "notes",
            Field::Nip => "nip",
            Field::ExternalId => "external_id",
            Field::Attributes => "attributes",
            Field::NotificationNumber => "notification_numbers.phone",
            Field::CountryCode => "notification_numbers.country_code",
            Field::Representatives => "representatives",
            Field::RepresentativeName => "representatives.name",
            Field::RepresentativeRole => "representatives.role",
            Field::RepresentativePhone => "representatives.sms_phone",
            Field::RepresentativeEmail => "representatives.email",
            Field::Query => "q",
            Field::Role => "role",
            Field::Companies => "company_ids",
            Field::StampName => "stamp_name",
            Field::Number => "number",
            Field::IssueDate => "issue_date",
            Field::DueDate => "due_date",
            Field::Currency => "currency",
            Field::SubjectExternalId => "subject_external_id",
            Field::Title => "title",
            Field::StartsAt => "starts_at",
            Field::EndsAt => "ends_at",
            Field::OperatorLogin => "operator_login",
            Field::File => "file",
            Field::Procedures => "procedures",
            Field::PeriodFrom => "from",
            Field::PeriodTo => "to",
            Field::SendAt => "send_at",
            Field::QuietFrom => "quiet_from",
            Field::QuietTo => "quiet_to",
            Field::QuietDays => "quiet_days",
            Field::OptOutWords => "opt_out_words",
            Field::Amount => "amount",
            Field::AlertBelow => "alert_below",
            Field::Packages => "packages",
            Field::Provider => "provider",
            Field::SenderName => "sender_name",
            Field::Statement => "accept",
            Field::Recipients => "recipients",
            Field::IdempotencyKey => "Idempotency-Key",
            Field::Template => "template",
            Field::DocumentExternalId => "document_external_id",
            Field::TaskExternalId => "task_external_id",
            Field::WebhookUrl => "url",
            Field::Host => "host",
            Field::Port => "port",
            Field::FromName => "from_name",
            Field::FromAddress => "from_address",
            Field::EmailTitle => "title",
            Field::MinutesBefore => "minutes_before",
            Field::Recurrence => "recurrence",
            Field::RecurrenceUntil => "recurrence_until",
            Field::ReceivedOn => "items.received_on",
            Field::CorrespondenceSender => "items.sender",
            Field::Description => "items.description",
            Field::NotificationText => "text",
            Field::Items => "items",
        }
    }
}

/// One field's problem; `index` is the position in the list the field belongs to
/// (representatives, notification numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub index: Option<u32>,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self::at(field, None, problem)
    }

    pub fn at(field: Field, index: Option<u32>, problem: Problem) -> Self {
        Self {
            field,
            index,
            problem,
        }
    }

    /// The field's path in JSON, e.g. `representatives[2].sms_phone`.
    pub fn path(&self) -> String {
        let key = self.field.key();
        match (self.index, key.split_once('.')) {
            (Some(index), Some((list, field))) => format!("{list}[{index}].{field}"),
            (Some(index), None) => format!("{key}[{index}]"),
            (None, _) => key.to_string(),
        }
    }

    /// "Field: problem" in the UI language, with the position in its list when there is one.
    pub fn message(&self, lang: Lang) -> String {
        let position = self
            .index
            .map(|i| format!(" {}", i + 1))
            .unwrap_or_default();
        format!(
            "{}{position}: {}",
            self.field.name(lang),
            problem_message(&self.problem, lang)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    Phone(PhoneError),
    TooManyParts {
        parts: u32,
        max: u32,
    },
    /// Neither a phone nor a text: nothing worth saving.
    EmptyDraft,
    /// The message was already sent and can no longer be changed.
    AlreadySent,
    TooLong {
        max: u32,
    },
    TooMany {
        max: u32,
    },
    InvalidEmail,
    InvalidNip,
    /// Another subject of the same kind in this company has this code.
    CodeTaken,
    /// Representatives are kept for contractors only.
    OnlyForContractors,
    /// A notification number typed with "+" and another country than the one chosen.
    CountryCodeMismatch,
    /// Attribute names are lower-case letters, digits and `_` (they become template paths).
    InvalidAttributeName,
    TooShort {
        min: u32,
    },
    /// Logins are 3–40 lower-case letters, digits, `.`, `_` or `-`.
    InvalidLogin,
    LoginTaken,
    /// An administrator may not deactivate themself or drop their own administrator role.
    CannotLockYourselfOut,
    /// Not a `YYYY-MM-DD` date.
    InvalidDate,
    /// Not an RFC 3339 date and time.
    InvalidInstant,
    /// Not a three-letter ISO 4217 code.
    InvalidCurrency,
    /// No subject of the company has this external id.
    UnknownSubject,
    /// No operator of the company has this login.
    UnknownOperator,
    /// A task that would end before it starts.
    EndsBeforeStart,
    /// Control characters (an external id is a key, printed and sent in URLs).
    ControlCharacters,
    /// A subject kind that is none of contractor, employee, office, bank (import files).
    UnknownKind,
    /// A second row of an import file with the code of an earlier one.
    DuplicateInFile {
        first_row: u32,
    },
    FileTooLarge {
        max_mb: u32,
    },
    TooManyRows {
        max: u32,
    },
    /// An import file with no rows (or no contacts) in it.
    EmptyFile,
    /// Not base64 as sent by the page, or no text in any supported encoding.
    UnreadableFile,
    /// Another visible template of the company has this name.
    NameTaken,
    /// A template's body has macros its procedures do not offer, or unpaired braces.
    TemplateErrors(Vec<sms::template::Problem>),
    /// A message to send has macros that cannot be filled for its recipient (a draft may).
    UnfilledMacros(Vec<sms::template::Problem>),
    /// A template must stay attached to at least one procedure.
    LastProcedure,
    /// A new password typed twice differently.
    PasswordsDiffer,
    /// The number opted out (STOP) of the company's marketing, or of every message.
    OptedOut,
    /// A time that has already passed.
    InThePast,
    /// Not a time of day (`H:MM`).
    InvalidClock,
    /// The account's pool has fewer credits than the message needs; `draft`: the message was
    /// kept as this draft.
    NoCredit {
        needed: u32,
        left: u32,
        draft: Option<i64>,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not available here now (a payment provider not set up, or not answering).
    Unavailable,
    SenderName(sms::sender::SenderNameError),
    /// A sender name still waiting for the gateway operator's authorisation.
    NotAuthorised,
    /// Allowed again from this time.
    TooSoon {
        from: crate::format::LocalTime,
    },
    /// A message needs exactly one of a text, a template id and a template name.
    BodyOrTemplate,
    /// No record of the company has this id or name.
    UnknownRecord,
    /// An idempotency key already used for another request.
    KeyReused,
    /// Not an http(s) address.
    InvalidUrl,
    /// A text that must have no Polish letters (a notification).
    PolishCharacters,
    /// Mail needs an e-mail account, and none is set up.
    NoEmailAccount,
}

impl Problem {
    /// A stable code for programs (the HTTP API).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Phone(_) => "invalid_phone",
            Problem::TooManyParts { .. } => "too_many_parts",
            Problem::EmptyDraft => "empty_draft",
            Problem::AlreadySent => "already_sent",
            Problem::TooLong { .. } => "too_long",
            Problem::TooMany { .. } => "too_many",
            Problem::InvalidEmail => "invalid_email",
            Problem::InvalidNip => "invalid_nip",
            Problem::CodeTaken => "code_taken",
            Problem::OnlyForContractors => "only_for_contractors",
            Problem::CountryCodeMismatch => "country_code_mismatch",
            Problem::InvalidAttributeName => "invalid_attribute_name",
            Problem::TooShort { .. } => "too_short",
            Problem::InvalidLogin => "invalid_login",
            Problem::LoginTaken => "login_taken",
            Problem::CannotLockYourselfOut => "cannot_lock_yourself_out",
            Problem::InvalidDate => "invalid_date",
            Problem::InvalidInstant => "invalid_instant",
            Problem::InvalidCurrency => "invalid_currency",
            Problem::UnknownSubject => "unknown_subject",
            Problem::UnknownOperator => "unknown_operator",
            Problem::EndsBeforeStart => "ends_before_start",
            Problem::ControlCharacters => "control_characters",
            Problem::UnknownKind => "unknown_kind",
            Problem::DuplicateInFile { .. } => "duplicate_in_file",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::TooManyRows { .. } => "too_many_rows",
            Problem::EmptyFile => "empty_file",
            Problem::UnreadableFile => "unreadable_file",
            Problem::NameTaken => "name_taken",
            Problem::TemplateErrors(_) => "template_errors",
            Problem::UnfilledMacros(_) => "unfilled_macros",
            Problem::LastProcedure => "last_procedure",
            Problem::PasswordsDiffer => "passwords_differ",
            Problem::OptedOut => "opted_out",
            Problem::InThePast => "in_the_past",
            Problem::InvalidClock => "invalid_clock",
            Problem::NoCredit { .. } => "no_credit",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::Unavailable => "unavailable",
            Problem::SenderName(_) => "invalid_sender_name",
            Problem::NotAuthorised => "not_authorised",
            Problem::TooSoon { .. } => "too_soon",
            Problem::BodyOrTemplate => "body_or_template",
            Problem::UnknownRecord => "unknown_record",
            Problem::KeyReused => "key_reused",
            Problem::InvalidUrl => "invalid_url",
            Problem::PolishCharacters => "polish_characters",
            Problem::NoEmailAccount => "no_email_account",
        }
    }
}

/// The problem alone, without its field's name, in the UI language.
pub fn problem_message(problem: &Problem, lang: Lang) -> String {
    let t = texts::texts(lang);
    match problem {
        Problem::Required => t.error_required.to_string(),
        Problem::Phone(e) => (t.phone_error)(e),
        Problem::TooManyParts { parts, max } => (t.error_too_many_parts)(*parts, *max),
        Problem::EmptyDraft => t.error_empty_draft.to_string(),
        Problem::AlreadySent => t.error_already_sent.to_string(),
        Problem::TooLong { max } => (t.error_too_long)(*max),
        Problem::TooMany { max } => (t.error_too_many)(*max),
        Problem::InvalidEmail => t.error_invalid_email.to_string(),
        Problem::InvalidNip => t.error_invalid_nip.to_string(),
        Problem::CodeTaken => t.error_code_taken.to_string(),
        Problem::OnlyForContractors => t.error_only_for_contractors.to_string(),
        Problem::CountryCodeMismatch => t.error_country_code_mismatch.to_string(),
        Problem::InvalidAttributeName => t.error_invalid_attribute_name.to_string(),
        Problem::TooShort { min } => (t.error_too_short)(*min),
        Problem::InvalidLogin => t.error_invalid_login.to_string(),
        Problem::LoginTaken => t.error_login_taken.to_string(),
        Problem::CannotLockYourselfOut => t.error_lock_yourself_out.to_string(),
        Problem::InvalidDate => t.error_invalid_date.to_string(),
        Problem::InvalidInstant => t.error_invalid_instant.to_string(),
        Problem::InvalidCurrency => t.error_invalid_currency.to_string(),
        Problem::UnknownSubject => t.error_unknown_subject.to_string(),
        Problem::UnknownOperator => t.error_unknown_operator.to_string(),
        Problem::EndsBeforeStart => t.error_ends_before_start.to_string(),
        Problem::ControlCharacters => t.error_control_characters.to_string(),
        Problem::UnknownKind => t.error_unknown_kind.to_string(),
        Problem::DuplicateInFile { first_row } => (t.error_duplicate_in_file)(*first_row),
        Problem::FileTooLarge { max_mb } => (t.error_file_too_large)(*max_mb),
        Problem::TooManyRows { max } => (t.error_too_many_rows)(*max),
        Problem::EmptyFile => t.error_empty_file.to_string(),
        Problem::UnreadableFile => t.error_unreadable_file.to_string(),
        Problem::NameTaken => t.error_name_taken.to_string(),
        Problem::TemplateErrors(problems) => {
            format!(
                "{} {}",
                t.error_template_errors,
                macro_problems(problems, lang)
            )
        }
        Problem::UnfilledMacros(problems) => {
            format!(
                "{} {}",
                t.error_unfilled_macros,
                macro_problems(problems, lang)
            )
        }
        Problem::LastProcedure => t.error_last_procedure.to_string(),
        Problem::PasswordsDiffer => t.error_passwords_differ.to_string(),
        Problem::OptedOut => t.error_opted_out.to_string(),
        Problem::InThePast => t.error_in_the_past.to_string(),
        Problem::InvalidClock => t.error_invalid_clock.to_string(),
        Problem::NoCredit {
            needed,
            left,
            draft,
        } => (t.error_no_credit)(*needed, *left, draft.is_some()),
        Problem::OutOfRange { min, max } => (t.error_out_of_range)(*min, *max),
        Problem::Unavailable => t.error_unavailable.to_string(),
        Problem::SenderName(e) => (t.sender_name_error)(e),
        Problem::NotAuthorised => t.error_not_authorised.to_string(),
        Problem::TooSoon { from } => (t.error_too_soon)(&from.format(lang)),
        Problem::BodyOrTemplate => t.error_body_or_template.to_string(),
        Problem::UnknownRecord => t.error_unknown_record.to_string(),
        Problem::KeyReused => t.error_key_reused.to_string(),
        Problem::InvalidUrl => t.error_invalid_url.to_string(),
        Problem::PolishCharacters => t.error_polish_characters.to_string(),
        Problem::NoEmailAccount => t.error_no_email_account.to_string(),
    }
}

/// The template engine's sentences for `problems`, in the UI language.
fn macro_problems(problems: &[sms::template::Problem], lang: Lang) -> String {
    problems
        .iter()
        .map(|p| lang.pick(&p.message()))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    pub fn invalid(field: Field, problem: Problem) -> Self {
        Self::Invalid { field, problem }
    }

    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Invalid { field, .. } => Some(*field),
            Self::InvalidFields(errors) => errors.first().map(|e| e.field),
            _ => None,
        }
    }

    /// Whether this error is about `field` (any of its positions).
    pub fn concerns(&self, field: Field) -> bool {
        match self {
            Self::Invalid { field: f, .. } => *f == field,
            Self::InvalidFields(errors) => errors.iter().any(|e| e.field == field),
            _ => false,
        }
    }

    /// The message shown to the operator, in the UI language.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts::texts(lang);
        match self {
            Self::NotFound => t.error_not_found.to_string(),
            Self::Unauthorized => t.error_unauthorized.to_string(),
            Self::Forbidden => t.error_forbidden.to_string(),
            Self::WrongCredentials => t.error_wrong_credentials.to_string(),
            Self::TooManyAttempts { minutes } => (t.error_too_many_attempts)(*minutes),
            Self::Busy => t.error_busy.to_string(),
            Self::Internal => t.error_internal.to_string(),
            Self::Communication(_) => t.error_communication.to_string(),
            Self::Invalid { field, problem } => {
                format!("{}: {}", field.name(lang), problem_message(problem, lang))
            }
            Self::InvalidFields(errors) => errors
                .iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Arguments the server cannot read are the caller's mistake: 400, not a server error.
        #[cfg(feature = "ssr")]
        if matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        ) {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::BAD_REQUEST);
            }
        }
        Self::Communication(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::WrongCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::TooManyAttempts { .. } | Self::Busy => StatusCode::TOO_MANY_REQUESTS,
            Self::Invalid { .. } | Self::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Internal | Self::Communication(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Gives a server function's failure its HTTP status (bad input is a 4xx, never a 500). A form
/// posted without JavaScript keeps the redirect the framework answers it with.
#[cfg(feature = "ssr")]
pub async fn respond<T>(result: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let result = result.await;
    if let Err(e) = &result {
        if !crate::ssr::is_plain_form_post() {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(e.status());
            }
        }
    }
    result
}
