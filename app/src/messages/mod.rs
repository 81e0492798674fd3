//! The messages list: one row per message (a long message is one row although it is sent as
//! several SMS), drafts in green, statuses updated as delivery reports arrive.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use page::MessagesPage;

/// Where a message (or one of its SMS parts) is. A status only moves forward: draft → pending
/// → sent → delivered, or to one of the other final ones: undelivered (the network could not
/// deliver it), expired (not delivered, or not even accepted by the gateway, within its validity
/// period) or rejected (refused for good at submission). `Unknown` is a message whose submission
/// may or may not have reached the SMS centre (the answer never came): it is not sent again
/// unless the operator asks to, or a late delivery report settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Pending,
    Sent,
    Delivered,
    Undelivered,
    Expired,
    Rejected,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Pending,
        Status::Sent,
        Status::Delivered,
        Status::Undelivered,
        Status::Expired,
        Status::Rejected,
        Status::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Delivered => "delivered",
            Status::Undelivered => "undelivered",
            Status::Expired => "expired",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Nothing will change a final status any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::Undelivered | Status::Expired | Status::Rejected
        )
    }

    /// Every status a message has once it is sent (all but draft).
    pub fn sent() -> impl Iterator<Item = Status> {
        Self::ALL
            .into_iter()
            .filter(|status| *status != Status::Draft)
    }

    /// Still on its way: the list keeps asking for news.
    pub fn is_in_progress(self) -> bool {
        matches!(self, Status::Pending | Status::Sent)
    }
}

/// What a message is for: transactional ones (an invoice, an order, an appointment) go to
/// everyone; marketing ones never to a number that opted out, and wait for the company's
/// sending hours. Stored, and posted by forms, by its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    #[default]
    Transactional,
    Marketing,
}

impl Category {
    pub const ALL: [Category; 2] = [Category::Transactional, Category::Marketing];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Transactional => "transactional",
            Category::Marketing => "marketing",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Which messages the list shows: all, those sent (any status but draft), drafts, or those with
/// one delivery status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StatusFilter {
    #[default]
    All,
    Sent,
    Drafts,
    Is(Status),
}

impl StatusFilter {
    /// Every filter, in the order the list offers them.
    fn all() -> impl Iterator<Item = StatusFilter> {
        [StatusFilter::All, StatusFilter::Sent, StatusFilter::Drafts]
            .into_iter()
            .chain(Status::sent().map(StatusFilter::Is))
    }

    /// The filter in the list's URL (`?status=`).
    pub fn code(self) -> String {
        match self {
            StatusFilter::All => "all".into(),
            StatusFilter::Sent => "sent".into(),
            StatusFilter::Drafts => "drafts".into(),
            StatusFilter::Is(status) => format!("is-{}", status.as_str()),
        }
    }

    pub fn from_code(code: &str) -> StatusFilter {
        Self::all().find(|f| f.code() == code).unwrap_or_default()
    }
}

/// What the messages list shows: the filters (status, subject, a text, days written) and
/// the page, as the messages older than `before` (keyset paging: a page is read from the
/// index, however many messages came before it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageQuery {
    #[serde(default)]
    pub status: StatusFilter,
    #[serde(default)]
    pub subject_id: Option<i64>,
    /// Words of the text, the number, or the subject's code or name.
    #[serde(default)]
    pub q: String,
    /// The first and last day written (`YYYY-MM-DD`), either may be empty.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The last row of the page before (its `cursor`).
    #[serde(default)]
    pub before: Option<String>,
}

impl MessageQuery {
    /// The days as epoch ms: from the first day's start to the end of the last.
    #[cfg(feature = "ssr")]
    pub fn period(&self) -> Result<(Option<i64>, Option<i64>)> {
        use crate::error::{AppError, Field, Problem};
        let day = |text: &str, field: Field| -> Result<Option<chrono::NaiveDate>> {
            match text.trim() {
                "" => Ok(None),
                text => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| AppError::invalid(field, Problem::InvalidDate)),
            }
        };
        let from = day(&self.from, Field::PeriodFrom)?;
        let to = day(&self.to, Field::PeriodTo)?;
        Ok((
            from.map(crate::ssr::start_of_day),
            to.map(|to| crate::ssr::start_of_day(to + chrono::Days::new(1))),
        ))
    }

    /// When the last row of the page before was written, and its id.
    pub fn cursor(&self) -> Option<(i64, i64)> {
        let (at, id) = self.before.as_deref()?.split_once('.')?;
        Some((at.parse().ok()?, id.parse().ok()?))
    }

    /// The list's URL for this query (and the page after `before`).
    pub fn url(&self) -> String {
        use crate::layout::query_value;
        let mut url = format!("/messages?status={}", self.status.code());
        if let Some(id) = self.subject_id {
            url.push_str(&format!("&subject={id}"));
        }
        for (key, value) in [("q", &self.q), ("from", &self.from), ("to", &self.to)] {
            if !value.is_empty() {
                url.push_str(&format!("&{key}={}", query_value(value)));
            }
        }
        if let Some(before) = &self.before {
            url.push_str(&format!("&before={}", query_value(before)));
        }
        url
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    /// Where the next page starts when this is a page's last row (`MessageQuery::before`).
    pub cursor: String,
    pub status: Status,
    /// Sent date for sent messages, save date for drafts.
    pub date: LocalTime,
    /// E.164, or empty for a draft without a number.
    pub phone: String,
    /// The whole text, or its first `ssr::PREVIEW_CHARS` characters when `complete` is false.
    pub body: String,
    pub complete: bool,
    pub parts: u32,
    /// The gateway's reason for an undelivered message.
    pub error: Option<String>,
    pub category: Category,
    /// When it goes, for a message waiting for its time.
    pub scheduled_for: Option<LocalTime>,
    /// The sender name it went (or goes) with; `None`: the gateway's number.
    pub sender: Option<String>,
    pub subject_code: Option<String>,
    pub subject_name: Option<String>,
}

#[server(endpoint = "list_messages")]
pub async fn list_messages(
    #[server(default)] query: MessageQuery,
    #[server(default)] show: Option<i64>,
) -> Result<crate::layout::Paged<MessageRow>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::list(&state.db, operator.company_id, &query, show, now).await
    })
    .await
}

/// Sends a message in doubt again: the operator has checked that it did not arrive.
#[server(endpoint = "resend_message")]
pub async fn resend_message(id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::resend_in_doubt(&state.db, operator.company_id, id, operator.id).await?;
        tracing::info!(
            message_id = id,
            operator_id = operator.id,
            "message in doubt sent again"
        );
        state.outbox.notify_one();
        Ok(())
    })
    .await
}

/// Takes a scheduled message back as a draft, before it is passed to the gateway.
#[server(endpoint = "cancel_message")]
pub async fn cancel_message(id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::cancel(&state.db, operator.company_id, id, operator.id, now).await
    })
    .await
}

/// What sending drafts from the list did: how many went, and each refused one's number (or
/// text) with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftsSent {
    pub sent: u32,
    pub refused: Vec<(String, crate::error::AppError)>,
}

/// Sends the company's drafts `ids` one after another, each as it was saved; one that cannot go
/// (no number, a macro without value, no credit…) stays a draft and is reported.
#[server(endpoint = "send_drafts")]
pub async fn send_drafts(ids: Vec<i64>) -> Result<DraftsSent> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let mut report = DraftsSent {
            sent: 0,
            refused: Vec::new(),
        };
        for id in ids.into_iter().take(ssr::LIST_PAGE as usize * 20) {
            let now = state.clock.now_ms();
            match crate::composer::ssr::send_draft(&state.db, &operator, id, now).await {
                Ok(_) => report.sent += 1,
                Err(e) => {
                    let label = ssr::label(&state.db, operator.company_id, id).await?;
                    report.refused.push((label, e));
                }
            }
        }
        if report.sent > 0 {
            state.outbox.notify_one();
        }
        Ok(report)
    })
    .await
}

/// Deletes the company's drafts among `ids`; sent messages are kept. How many were deleted.
#[server(endpoint = "delete_drafts")]
pub async fn delete_drafts(ids: Vec<i64>) -> Result<u64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        let deleted = ssr::delete_drafts(db, operator.company_id, &ids).await?;
        tracing::info!(operator_id = operator.id, deleted, "drafts deleted");
        Ok(deleted)
    })
    .await
}
