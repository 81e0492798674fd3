//! Prepaid credits (pula SMS): one pool per account shared by its companies, one credit per SMS
//! part. A queued message holds its credits, the gateway's acceptance of a part settles (charges)
//! its credit, and a part that will never be sent gives its credit back. The balance stands
//! under the composer's counter; administrators see the pool, usage and the ledger on `/credits`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;

pub mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use page::{CreditsLeft, CreditsPage, LowCreditBanner, PoolSummary};

/// Ledger entries a page shows.
#[cfg(feature = "ssr")]
const PAGE: i64 = 100;
/// The most entries a CSV export holds.
#[cfg(feature = "ssr")]
const MAX_EXPORT: i64 = 100_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Credits that can be spent now.
    pub available: i64,
    /// Credits held by messages waiting to be sent (or in doubt).
    pub held: i64,
    /// Below this the administrators are warned (0: never).
    pub alert_below: i64,
}

impl Balance {
    pub fn is_low(&self) -> bool {
        self.available < self.alert_below
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Purchase,
    Hold,
    Settle,
    Release,
    Correction,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Purchase => "purchase",
            EntryKind::Hold => "hold",
            EntryKind::Settle => "settle",
            EntryKind::Release => "release",
            EntryKind::Correction => "correction",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        [
            EntryKind::Purchase,
            EntryKind::Hold,
            EntryKind::Settle,
            EntryKind::Release,
            EntryKind::Correction,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: EntryKind,
    /// The change of the credits available.
    pub amount: i64,
    /// The change of the credits held.
    pub held: i64,
    pub at: LocalTime,
    pub company: Option<String>,
    pub operator: Option<String>,
    pub message_id: Option<i64>,
    pub reason: Option<String>,
}

/// Credits charged in one month for one company's operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    /// `YYYY-MM`.
    pub month: String,
    pub company: String,
    pub operator: String,
    pub credits: i64,
}

/// What the credits page shows, as its URL carries it. Empty texts take the defaults: the
/// twelve months up to this one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsQuery {
    /// `YYYY-MM`, the first month.
    #[serde(default)]
    pub from: String,
    /// `YYYY-MM`, the last month.
    #[serde(default)]
    pub to: String,
    /// The ledger page starts after this entry (keyset paging, newest first).
    #[serde(default)]
    pub before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credits {
    pub balance: Balance,
    /// The period as applied (defaults filled in), `YYYY-MM`.
    pub from: String,
    pub to: String,
    pub usage: Vec<UsageRow>,
    pub ledger: Vec<LedgerEntry>,
    /// The `before` of the ledger's next page, when there is one.
    pub next: Option<i64>,
}

/// The pool of the operator's account (any operator: the composer shows it).
#[server(endpoint = "credit_balance")]
pub async fn credit_balance() -> Result<Balance> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        ssr::balance(&mut conn, operator.account_id).await
    })
    .await
}

/// What is left, when the operator is an administrator (who can top it up) and the pool is
/// below their threshold; otherwise nothing.
#[server(endpoint = "low_credit")]
pub async fn low_credit() -> Result<Option<i64>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        if !operator.is_administrator() {
            return Ok(None);
        }
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        let balance = ssr::balance(&mut conn, operator.account_id).await?;
        Ok(balance.is_low().then_some(balance.available))
    })
    .await
}

/// The pool, its usage and its ledger (administrators).
#[server(endpoint = "load_credits")]
pub async fn load_credits(query: CreditsQuery) -> Result<Credits> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let db = &crate::ssr::app_state().db;
        let months = ssr::months(&query)?;
        let period = ssr::span(&months);
        let mut conn = db.pool.acquire().await?;
        let balance = ssr::balance(&mut conn, operator.account_id).await?;
        drop(conn);
        let usage = ssr::usage(db, operator.account_id, &months).await?;
        let mut ledger =
            ssr::ledger(db, operator.account_id, period, query.before, PAGE + 1).await?;
        let next = (ledger.len() as i64 > PAGE).then(|| {
            ledger.truncate(PAGE as usize);
            ledger.last().map(|e| e.id)
        });
        Ok(Credits {
            balance,
            from: months.last().map(|m| m.0.clone()).unwrap_or_default(),
            to: months.first().map(|m| m.0.clone()).unwrap_or_default(),
            usage,
            ledger,
            next: next.flatten(),
        })
    })
    .await
}

/// Sets the low-balance threshold (administrators).
#[server(endpoint = "set_credit_alert")]
pub async fn set_credit_alert(alert_below: i64) -> Result<()> {
    crate::error::respond(async move {
        use crate::error::{AppError, Field, Problem};
        let operator = crate::auth::ssr::require_administrator()?;
        if !(0..=10_000_000).contains(&alert_below) {
            return Err(AppError::invalid(
                Field::AlertBelow,
                Problem::OutOfRange {
                    min: 0,
                    max: 10_000_000,
                },
            ));
        }
        ssr::set_alert(
            &crate::ssr::app_state().db,
            operator.account_id,
            alert_below,
        )
        .await?;
        tracing::info!(
            operator_id = operator.id,
            alert_below,
            "low-balance threshold set"
        );
        Ok(())
    })
    .await
}
