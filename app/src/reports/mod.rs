//! The delivery report ("Raport wysłanych SMS"): every message sent in a period with its status,
//! recipient, text, when it was passed to the gateway, accepted by it and delivered, and the
//! gateway's error; each row opens to its parts. Filters and paging are a GET form and links,
//! so the page works without JavaScript; the same rows download as CSV.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;
use crate::messages::Status;

pub mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use page::ReportPage;

/// What the report shows, as the page's URL carries it. Empty texts take the defaults: the
/// last seven days, every status, every subject.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// `YYYY-MM-DD`, the first day.
    #[serde(default)]
    pub from: String,
    /// `YYYY-MM-DD`, the last day.
    #[serde(default)]
    pub to: String,
    /// A status's code, or empty for all.
    #[serde(default)]
    pub status: String,
    /// Words of the subject's code or name (case and Polish letters ignored).
    #[serde(default)]
    pub subject: String,
    /// Where the page starts (keyset paging, newest first): `MS.ID` of the last row before it.
    #[serde(default)]
    pub before: String,
    /// A message whose parts are shown.
    #[serde(default)]
    pub parts: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub status: Status,
    pub phone: String,
    /// Code and name of the subject it was sent to.
    pub subject: Option<(String, String)>,
    pub body: String,
    pub parts: u32,
    /// Queued by the operator (or the ERP).
    pub queued_at: LocalTime,
    /// The first part passed to the gateway.
    pub passed_at: Option<LocalTime>,
    /// The last part accepted by the gateway.
    pub accepted_at: Option<LocalTime>,
    pub delivered_at: Option<LocalTime>,
    pub error: Option<String>,
    /// Its parts, when the query asked for them.
    pub part_details: Vec<PartDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartDetail {
    /// From 1.
    pub number: u32,
    /// `Status::Pending` also stands for a part being submitted.
    pub status: Status,
    pub gateway_id: Option<String>,
    pub attempts: u32,
    pub accepted_at: Option<LocalTime>,
    pub done_at: Option<LocalTime>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The period as it was applied (defaults filled in), `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    pub rows: Vec<ReportRow>,
    /// The `before` of the next page, when there is one.
    pub next: Option<String>,
}

#[leptos::server(endpoint = "delivery_report")]
pub async fn delivery_report(query: ReportQuery) -> Result<Report> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::report(
            &crate::ssr::app_state().db,
            operator.company_id,
            &query,
            ssr::PAGE,
        )
        .await
    })
    .await
}
