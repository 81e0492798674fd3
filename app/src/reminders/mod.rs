//! The reminder automaton (automat przypomnień): before a CRM task starts (Termin od), its
//! client and its operator are reminded by SMS or e-mail, as the company's defaults or the
//! task's own settings say, recurring tasks at each occurrence. A background service in the
//! server sends each reminder once; the dry run shows beforehand who gets what on a day, from
//! the same plan the service follows; every reminder taken is logged with its outcome.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::format::LocalTime;

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use pages::{RemindersPage, TaskReminders};

/// Who a reminder goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The task's subject (the client).
    Client,
    /// The task's operator (an employee).
    Operator,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Client, Audience::Operator];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Client => "client",
            Audience::Operator => "operator",
        }
    }
}

/// How a reminder goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Channel {
        match s {
            "email" => Channel::Email,
            _ => Channel::Sms,
        }
    }
}

/// How one audience is reminded: on or off, the channel, and for each channel its template
/// and how long before the task's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub channel: Channel,
    #[serde(default, deserialize_with = "crate::input::optional_id")]
    pub sms_template_id: Option<i64>,
    pub sms_minutes_before: i64,
    #[serde(default, deserialize_with = "crate::input::optional_id")]
    pub email_template_id: Option<i64>,
    pub email_minutes_before: i64,
}

/// Reminders go at most this long before the task.
pub const MAX_MINUTES_BEFORE: i64 = 30 * 24 * 60;

impl Default for Rule {
    /// Off; by SMS; a day before either way.
    fn default() -> Self {
        Rule {
            enabled: false,
            channel: Channel::Sms,
            sms_template_id: None,
            sms_minutes_before: 24 * 60,
            email_template_id: None,
            email_minutes_before: 24 * 60,
        }
    }
}

impl Rule {
    /// How long before the start the chosen channel's reminder goes.
    pub fn minutes_before(&self) -> i64 {
        match self.channel {
            Channel::Sms => self.sms_minutes_before,
            Channel::Email => self.email_minutes_before,
        }
    }

    fn check(&self, errors: &mut Vec<FieldError>, index: u32) {
        for minutes in [self.sms_minutes_before, self.email_minutes_before] {
            if !(0..=MAX_MINUTES_BEFORE).contains(&minutes) {
                let problem = Problem::OutOfRange {
                    min: 0,
                    max: MAX_MINUTES_BEFORE,
                };
                errors.push(FieldError::at(Field::MinutesBefore, Some(index), problem));
                return;
            }
        }
    }
}

/// Checks both audiences' rules (0: clients, 1: operators).
pub fn check_rules(client: &Rule, operator: &Rule) -> Result<()> {
    let mut errors = vec![];
    client.check(&mut errors, 0);
    operator.check(&mut errors, 1);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(AppError::InvalidFields(errors)),
    }
}

/// The company's automaton.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub enabled: bool,
    /// On whose behalf reminders go (their name fills no macro; the company's does).
    pub operator_id: Option<i64>,
    /// The account reminder e-mail goes from (none: the company's).
    pub email_account_id: Option<i64>,
    pub client: Rule,
    pub operator: Rule,
}

/// A choice in a list: an id and what to call it.
pub type Choice = (i64, String);

/// Whether the service runs: its last cycle, the next, the last error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceState {
    pub last_started: Option<LocalTime>,
    pub last_finished: Option<LocalTime>,
    pub next: Option<LocalTime>,
    pub error: Option<String>,
    /// A cycle finished lately (within three of its periods).
    pub running: bool,
}

/// The settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub operators: Vec<Choice>,
    pub accounts: Vec<Choice>,
    pub sms_templates: Vec<Choice>,
    pub email_templates: Vec<Choice>,
    pub service: ServiceState,
}

/// Why a reminder was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    NoPhone,
    InvalidPhone,
    NoEmail,
    OptedOut,
    NoCredit,
    /// The template's macros that have no value, named.
    UnfilledMacros(String),
    NoEmailAccount,
    /// Something else refused it (the text too long…), in words.
    Refused(String),
}

impl Skip {
    /// As stored in the log.
    pub fn code(&self) -> String {
        match self {
            Skip::NoPhone => "no_phone".into(),
            Skip::InvalidPhone => "invalid_phone".into(),
            Skip::NoEmail => "no_email".into(),
            Skip::OptedOut => "opted_out".into(),
            Skip::NoCredit => "no_credit".into(),
            Skip::UnfilledMacros(names) => format!("unfilled_macros:{names}"),
            Skip::NoEmailAccount => "no_email_account".into(),
            Skip::Refused(why) => format!("refused:{why}"),
        }
    }

    pub fn parse(code: &str) -> Skip {
        match code.split_once(':') {
            Some(("unfilled_macros", names)) => Skip::UnfilledMacros(names.into()),
            Some((_, why)) => Skip::Refused(why.into()),
            None => match code {
                "no_phone" => Skip::NoPhone,
                "invalid_phone" => Skip::InvalidPhone,
                "no_email" => Skip::NoEmail,
                "opted_out" => Skip::OptedOut,
                "no_credit" => Skip::NoCredit,
                "no_email_account" => Skip::NoEmailAccount,
                other => Skip::Refused(other.into()),
            },
        }
    }
}

/// A reminder of the plan: what would go (or went) to whom and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    pub task_id: i64,
    pub task_title: String,
    /// The start of the occurrence reminded of.
    pub occurrence: LocalTime,
    pub audience: Audience,
    pub recipient: String,
    /// The number or address.
    pub to: String,
    pub channel: Channel,
    pub minutes_before: i64,
    pub due: LocalTime,
    /// When it goes: at its due time, or at the end of quiet hours.
    pub goes: LocalTime,
    /// The e-mail's subject (SMS: none).
    pub title: Option<String>,
    pub text: String,
    /// SMS it takes (the credits it holds); e-mail: 0.
    pub parts: u32,
    pub skip: Option<Skip>,
    /// Already taken by the service: how it ended.
    pub done: Option<Outcome>,
}

/// What the service did with a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Sent,
    Skipped,
}

/// The dry run of a day: every reminder due that day, and what the SMS among them need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DryRun {
    pub reminders: Vec<Planned>,
    pub credits_needed: u32,
    pub credits_left: i64,
    pub enabled: bool,
    /// Clients or operators are reminded by default (else only tasks with their own settings).
    pub defaults_on: bool,
}

/// One entry of the service's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: LocalTime,
    pub task_id: i64,
    pub task_title: String,
    pub occurrence: LocalTime,
    pub recipient: String,
    pub channel: Channel,
    pub outcome: Outcome,
    pub skip: Option<Skip>,
    /// The message's or e-mail's status now (queued, delivered, failed…).
    pub status: Option<String>,
    pub message_id: Option<i64>,
}

/// A task's own reminders, or the company's defaults filled in to start from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRemindersView {
    pub own: bool,
    pub client: Rule,
    pub operator: Rule,
    pub sms_templates: Vec<Choice>,
    pub email_templates: Vec<Choice>,
    pub automaton_enabled: bool,
    /// The reminders of the task's coming occurrences (next 30 days).
    pub coming: Vec<Planned>,
}

/// Which day the dry run shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    #[default]
    Today,
    Tomorrow,
}

#[server(endpoint = "load_reminder_settings")]
pub async fn load_reminder_settings() -> Result<SettingsView> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let state = crate::ssr::app_state();
        ssr::settings_view(&state.db, operator.company_id, state.clock.now_ms()).await
    })
    .await
}

#[server(endpoint = "save_reminder_settings")]
pub async fn save_reminder_settings(
    #[server(default)] enabled: bool,
    #[server(default)] operator_id: String,
    #[server(default)] email_account_id: String,
    client: Rule,
    operator: Rule,
) -> Result<()> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        check_rules(&client, &operator)?;
        let settings = Settings {
            enabled,
            operator_id: operator_id.trim().parse().ok(),
            email_account_id: email_account_id.trim().parse().ok(),
            client,
            operator,
        };
        ssr::save_settings(&crate::ssr::app_state().db, admin.company_id, &settings).await?;
        tracing::info!(
            company_id = admin.company_id,
            enabled,
            "reminder settings saved"
        );
        Ok(())
    })
    .await
}

#[server(endpoint = "reminder_dry_run")]
pub async fn reminder_dry_run(day: Day) -> Result<DryRun> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::dry_run(&state.db, &operator, day, state.clock.now_ms()).await
    })
    .await
}

#[server(endpoint = "reminder_log")]
pub async fn reminder_log(#[server(default)] before: Option<i64>) -> Result<Vec<LogEntry>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::log(&crate::ssr::app_state().db, operator.company_id, before).await
    })
    .await
}

#[server(endpoint = "load_task_reminders")]
pub async fn load_task_reminders(task_id: i64) -> Result<TaskRemindersView> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::task_view(&state.db, &operator, task_id, state.clock.now_ms()).await
    })
    .await
}

/// Gives the task its own reminders, or with `own` false makes it follow the defaults again.
#[server(endpoint = "save_task_reminders")]
pub async fn save_task_reminders(
    task_id: i64,
    #[server(default)] own: bool,
    client: Rule,
    operator: Rule,
) -> Result<()> {
    crate::error::respond(async move {
        let editor = crate::auth::ssr::require_operator()?;
        check_rules(&client, &operator)?;
        let db = &crate::ssr::app_state().db;
        let rules = own.then_some((&client, &operator));
        ssr::save_task_rules(db, editor.company_id, task_id, rules).await
    })
    .await
}
