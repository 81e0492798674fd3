//! Correspondence (letters and parcels received for a client) and the SMS notifications about
//! it: a company turns notifications on with a sender name and a default text using `[klient]`
//! and `[nadawca]`, without Polish letters; registering items for a client sends that client
//! one notification naming every sender, to each of its notification numbers, when the client
//! wants notifications. Items are registered here or by the host ERP through the HTTP API.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::documents::SubjectRef;
use crate::error::{Field, FieldError, Problem, Result};
use crate::format::LocalTime;

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use pages::CorrespondencePage;

/// The text a company starts from.
pub const DEFAULT_TEXT: &str =
    "Dzien dobry, [klient]: czeka na Panstwa nowa korespondencja od: [nadawca]. Zapraszamy.";

/// Items registered at once at most.
pub const MAX_ITEMS: usize = 50;

/// Polish letters a notification text may not have (it goes in the GSM alphabet).
pub fn has_polish_letters(text: &str) -> bool {
    text.chars().any(|c| "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".contains(c))
}

/// One item as it is registered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub sender: String,
    #[serde(default)]
    pub description: String,
}

/// Items registered for one client at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub subject_id: i64,
    pub items: Vec<ItemInput>,
    /// The notification as the operator edited it; empty: the company's text.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub notify: bool,
}

/// Checks the items (indexed) and an edited text.
pub fn validate(registration: &Registration) -> std::result::Result<(), Vec<FieldError>> {
    let mut errors = vec![];
    if registration.items.is_empty() {
        errors.push(FieldError::new(Field::Items, Problem::Required));
    } else if registration.items.len() > MAX_ITEMS {
        let max = MAX_ITEMS as u32;
        errors.push(FieldError::new(Field::Items, Problem::TooMany { max }));
    }
    for (i, item) in registration.items.iter().enumerate() {
        let at = Some(i as u32);
        if chrono::NaiveDate::parse_from_str(item.received_on.trim(), "%Y-%m-%d").is_err() {
            errors.push(FieldError::at(Field::ReceivedOn, at, Problem::InvalidDate));
        }
        let sender = item.sender.trim();
        if sender.is_empty() {
            errors.push(FieldError::at(
                Field::CorrespondenceSender,
                at,
                Problem::Required,
            ));
        } else if sender.chars().count() > 200 {
            let problem = Problem::TooLong { max: 200 };
            errors.push(FieldError::at(Field::CorrespondenceSender, at, problem));
        }
        if item.description.chars().count() > 500 {
            let problem = Problem::TooLong { max: 500 };
            errors.push(FieldError::at(Field::Description, at, problem));
        }
    }
    check_text(&mut errors, &registration.text);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}

fn check_text(errors: &mut Vec<FieldError>, text: &str) {
    if has_polish_letters(text) {
        errors.push(FieldError::new(
            Field::NotificationText,
            Problem::PolishCharacters,
        ));
    } else if text.chars().count() > 1000 {
        let problem = Problem::TooLong { max: 1000 };
        errors.push(FieldError::new(Field::NotificationText, problem));
    }
}

/// The company's notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub enabled: bool,
    /// The sender name notifications go from (none: the company's usual sender).
    pub sender: Option<String>,
    pub text: String,
}

/// The settings with what the page shows beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: NotificationSettings,
    /// The account's sender names that may be used.
    pub senders: Vec<String>,
    /// SMS one notification takes (each number), with a typical client and sender.
    pub parts: u32,
    pub credits_left: i64,
    pub is_administrator: bool,
    /// Today on the company's clock (`YYYY-MM-DD`), the date items are received by default.
    pub today: String,
}

/// What became of a registration's notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub sent: bool,
    /// Why not: `not_requested`, `disabled`, `client_declined`, `no_numbers`, `no_credit`,
    /// `opted_out`.
    pub reason: Option<String>,
    pub text: String,
    pub message_ids: Vec<i64>,
}

/// What registering did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    pub item_ids: Vec<i64>,
    pub notice: Notice,
}

/// An item in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedItem {
    pub id: i64,
    pub received_on: String,
    pub sender: String,
    pub description: String,
    pub subject: SubjectRef,
    pub registered: LocalTime,
    /// The notification: sent, or the reason it was not.
    pub notice: Option<(bool, Option<String>)>,
}

/// What the register form shows for a client: the text it would get, and whether it gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub text: String,
    pub parts: u32,
    pub numbers: Vec<String>,
    /// Why no notification would go (as `Notice::reason`), if not.
    pub blocked: Option<String>,
}

#[server(endpoint = "load_notification_settings")]
pub async fn load_notification_settings() -> Result<SettingsView> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::settings_view(&state.db, &operator, state.clock.now_ms()).await
    })
    .await
}

#[server(endpoint = "save_notification_settings")]
pub async fn save_notification_settings(
    #[server(default)] enabled: bool,
    #[server(default)] sender: String,
    text: String,
) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let mut errors = vec![];
        crate::input::text(&mut errors, Field::NotificationText, &text, true, 1000);
        check_text(&mut errors, &text);
        if !errors.is_empty() {
            return Err(crate::error::AppError::InvalidFields(errors));
        }
        let settings = NotificationSettings {
            enabled,
            sender: Some(sender.trim().to_string()).filter(|s| !s.is_empty()),
            text: text.trim().to_string(),
        };
        let db = &crate::ssr::app_state().db;
        ssr::save_settings(db, &operator, &settings).await
    })
    .await
}

/// The notification a client would get for items from these senders.
#[server(endpoint = "preview_notification")]
pub async fn preview_notification(
    subject_id: i64,
    #[server(default)] senders: Vec<String>,
    #[server(default)] text: String,
) -> Result<Preview> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        ssr::preview(db, &operator, subject_id, &senders, &text).await
    })
    .await
}

#[server(endpoint = "register_correspondence")]
pub async fn register_correspondence(registration: Registration) -> Result<Registered> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        validate(&registration).map_err(crate::error::AppError::InvalidFields)?;
        let state = crate::ssr::app_state();
        let registered =
            ssr::register(&state.db, &operator, &registration, state.clock.now_ms()).await?;
        if registered.notice.sent {
            state.outbox.notify_waiters();
        }
        Ok(registered)
    })
    .await
}

#[server(endpoint = "list_correspondence")]
pub async fn list_correspondence(
    #[server(default)] before: Option<i64>,
) -> Result<Vec<ListedItem>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::list(&crate::ssr::app_state().db, operator.company_id, before).await
    })
    .await
}
