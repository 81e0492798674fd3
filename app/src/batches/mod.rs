//! Serial sends (wysyłanie seryjne): one message per selected row of the address book or the
//! documents list, written once in the composer with `{podmiot}` and `{telefon}` standing for
//! each row's subject and phone. Before anything goes, a batch is prepared on the server in
//! the background (every recipient's filled text, its SMS count, and why a row cannot be sent)
//! and shown as a preview with the batch's cost; the operator then sends the valid rows or
//! saves every row as a draft.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;

use crate::error::Result;
use crate::messages::Category;

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use page::{BatchPage, SerialRecipients};

/// The list a selection was made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Subjects,
    Documents,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Subjects => "subjects",
            Source::Documents => "documents",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        [Source::Subjects, Source::Documents]
            .into_iter()
            .find(|source| source.as_str() == s)
    }
}

/// The rows an operator selected in a list: the ticked ones, or (`all`) every row matching the
/// list's search, given by the list's own filters. Carried in the composer's URL
/// (`/?serial=subjects&id=3&id=5`, `/?serial=documents&all=1&q=…&unpaid=1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub source: Source,
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
    #[serde(default)]
    pub q: String,
    /// The subject or document kind the list shows.
    #[serde(default)]
    pub kind: Option<String>,
    /// The address book's "show inactive".
    #[serde(default)]
    pub inactive: bool,
    /// The documents list's "unpaid only".
    #[serde(default)]
    pub unpaid: bool,
}

impl Selection {
    /// The procedure a serial message from this list is written from: its macros are offered.
    pub fn procedure(&self) -> Procedure {
        match (self.source, self.kind.as_deref()) {
            (Source::Subjects, Some("employee")) => Procedure::EmployeeList,
            (Source::Subjects, _) => Procedure::ContractorList,
            (Source::Documents, Some("order" | "transport_order")) => Procedure::OrderForm,
            (Source::Documents, _) => Procedure::SalesInvoiceList,
        }
    }
}

/// What the composer says of a selection: how many recipients, and the key that makes a
/// repeated "preview" (double click, reload, retry) open the same batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionInfo {
    pub count: u32,
    pub key: String,
}

#[server(endpoint = "describe_selection")]
pub async fn describe_selection(selection: Selection) -> Result<SelectionInfo> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        let ids = ssr::resolve(db, operator.company_id, &selection).await?;
        Ok(SelectionInfo {
            count: ids.len() as u32,
            key: ssr::new_key(),
        })
    })
    .await
}

/// Where a batch is: being prepared, waiting for the operator's word, its messages being made,
/// its messages sent (queued) or saved as drafts, or thrown away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Preparing,
    Ready,
    Sending,
    Saving,
    Sent,
    Saved,
    Discarded,
}

impl BatchState {
    const ALL: [BatchState; 7] = [
        BatchState::Preparing,
        BatchState::Ready,
        BatchState::Sending,
        BatchState::Saving,
        BatchState::Sent,
        BatchState::Saved,
        BatchState::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Preparing => "preparing",
            BatchState::Ready => "ready",
            BatchState::Sending => "sending",
            BatchState::Saving => "saving",
            BatchState::Sent => "sent",
            BatchState::Saved => "saved",
            BatchState::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<BatchState> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// The background job still works on it: the page keeps asking for progress.
    pub fn is_working(self) -> bool {
        matches!(
            self,
            BatchState::Preparing | BatchState::Sending | BatchState::Saving
        )
    }
}

/// Why a row of a batch cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    /// A document without a counterparty, or a subject since deleted.
    NoSubject,
    NoPhone,
    InvalidPhone,
    /// The number opted out of the company's marketing (or of every message).
    OptedOut,
    /// Macros without a value for this row.
    Unfilled(Vec<sms::template::Problem>),
    /// An earlier row of the batch goes to the same number.
    Duplicate,
    /// Over the most parts one message may take.
    TooLong,
}

/// One recipient of a batch as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    pub seq: i64,
    /// "Code — name" of the subject.
    pub subject: Option<String>,
    /// The document's number, for a batch from the documents list.
    pub document: Option<String>,
    pub phone: String,
    pub text: String,
    pub parts: u32,
    pub problem: Option<RowProblem>,
}

/// A batch: its settings, progress, cost and one page of its rows (those that cannot be sent
/// first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchView {
    pub id: i64,
    pub source: Source,
    pub state: BatchState,
    pub category: Category,
    pub total: u32,
    pub prepared: u32,
    /// Messages made so far (sent or saved).
    pub made: u32,
    pub valid: u32,
    pub invalid: u32,
    /// SMS per valid message: least, most, and all of them (the credits the batch holds).
    pub min_parts: u32,
    pub max_parts: u32,
    pub total_parts: u32,
    /// All of them without Polish characters.
    pub plain_parts: u32,
    pub without_polish: bool,
    /// Credits left in the account's pool.
    pub credits_left: i64,
    pub rows: Vec<BatchRow>,
    pub offset: u32,
    pub has_more: bool,
}

#[server(endpoint = "load_batch")]
pub async fn load_batch(id: i64, offset: u32) -> Result<BatchView> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::view(&crate::ssr::app_state().db, &operator, id, offset).await
    })
    .await
}

/// What the serial composer wrote: the text (or template), what it is for and when it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SerialMessage {
    pub body: String,
    #[serde(default)]
    pub template_id: Option<i64>,
    #[serde(default)]
    pub category: Category,
    #[serde(default)]
    pub urgent: bool,
    /// `YYYY-MM-DDTHH:MM` in the company's zone, empty for at once.
    #[serde(default)]
    pub send_at: String,
    #[serde(default)]
    pub from_number: bool,
}

/// Prepares a serial send of the message to the selection and opens its preview. `key` (from
/// `describe_selection`) makes the same request twice one batch.
#[server(endpoint = "create_batch")]
pub async fn create_batch(
    key: String,
    selection: Selection,
    message: SerialMessage,
) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let settings = ssr::Settings {
            body: message.body,
            template_id: message.template_id,
            procedure: selection.procedure(),
            category: message.category,
            urgent: message.urgent,
            send_at: crate::composer::ssr::parse_send_at(&message.send_at)?,
            from_number: message.from_number,
        };
        let id = ssr::create(&state.db, &operator, &key, &selection, &settings).await?;
        ssr::start_work(&state);
        leptos_axum::redirect(&format!("/batches/{id}"));
        Ok(id)
    })
    .await
}

/// What the operator does with a prepared batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Send the valid rows, with Polish characters or without.
    Send {
        without_polish: bool,
    },
    /// Save every row as a draft.
    SaveDrafts,
    Discard,
}

#[server(endpoint = "decide_batch")]
pub async fn decide_batch(id: i64, decision: Decision) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::decide(&state.db, &operator, id, decision, now).await?;
        ssr::start_work(&state);
        Ok(())
    })
    .await
}
