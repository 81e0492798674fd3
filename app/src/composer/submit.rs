//! The composer's server function, in a file of its own: it takes one argument per form field
//! (the form posts without JavaScript too), more than clippy's default of seven, and the lint
//! can only be allowed around the code the `#[server]` macro generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use sms::procedure::Procedure;

use super::Intent;
use crate::error::Result;
use crate::messages::Category;
#[cfg(feature = "ssr")]
use {
    super::check,
    crate::error::{AppError, Field, Problem},
};

/// Saves a draft or queues the message for sending, then opens the messages list. A message to
/// send has its macros filled for the recipient, as the procedure it is written from offers
/// them, and is refused if any cannot be; a draft keeps them as written. `without_polish`
/// replaces Polish and typographic characters in the filled text when that saves parts.
/// `send_at` is a time chosen in the company's zone (`YYYY-MM-DDTHH:MM`), empty for now; a
/// marketing message waits for the sending hours unless `urgent`.
#[server(endpoint = "submit_message")]
pub async fn submit_message(
    draft_id: Option<i64>,
    phone: String,
    body: String,
    intent: Intent,
    #[server(default)] subject_id: Option<i64>,
    #[server(default)] representative_id: Option<i64>,
    #[server(default)] document_id: Option<i64>,
    #[server(default)] task_id: Option<i64>,
    #[server(default)] procedure: Option<Procedure>,
    #[server(default)] template_id: Option<i64>,
    #[server(default)] without_polish: bool,
    #[server(default)] category: Category,
    #[server(default)] urgent: bool,
    #[server(default)] send_at: String,
    #[server(default)] from_number: bool,
) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let links = super::ssr::MessageLinks {
            subject_id,
            representative_id,
            document_id,
            task_id,
            template_id,
            procedure: Some(procedure.unwrap_or(Procedure::SmsForm)),
        };
        let db = &state.db;
        let checked = match intent {
            Intent::Send => {
                super::ssr::to_send(db, &operator, &phone, &body, &links, without_polish).await?
            }
            Intent::Draft => {
                let checked = check(&phone, &body, intent)?;
                // The browser's light check passed; the server also asks libphonenumber.
                if !checked.phone.is_empty() {
                    crate::phone::ssr::validate(&checked.phone)
                        .map_err(|e| AppError::invalid(Field::Phone, Problem::Phone(e)))?;
                }
                checked
            }
        };
        let timing = super::ssr::Timing {
            category,
            urgent,
            send_at: super::ssr::parse_send_at(&send_at)?,
            now: state.clock.now_ms(),
            from_number,
        };
        let id =
            super::ssr::store(db, &operator, draft_id, &checked, intent, links, timing).await?;
        if intent == Intent::Send {
            state.outbox.notify_one();
        }
        leptos_axum::redirect("/messages");
        Ok(id)
    })
    .await
}
