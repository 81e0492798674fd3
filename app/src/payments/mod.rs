//! Buying SMS packages online (Zakup SMS): an administrator orders packages of 300 SMS, pays
//! through Przelewy24 or PayU, and the credits are added once the provider's notification is
//! verified — exactly once, however often it comes. Every order keeps its history.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;

pub mod page;
pub mod provider;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use page::{OrderPage, Purchase};
pub use provider::{Offer, Price, Provider};

/// SMS in one package.
pub const CREDITS_PER_PACKAGE: i64 = 300;
/// The most packages one order may buy.
pub const MAX_PACKAGES: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    New,
    Paid,
    Failed,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Paid => "paid",
            OrderStatus::Failed => "failed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        [
            OrderStatus::New,
            OrderStatus::Paid,
            OrderStatus::Failed,
            OrderStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// What happened to an order, in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvent {
    /// Ordered; the payment registered with the provider and the buyer sent to pay.
    Registered,
    /// The provider's notification, verified: paid, the credits added.
    Paid,
    /// The same payment notified again: nothing added.
    Repeated,
    /// A notification that did not match the order (amount, currency): nothing added.
    Refused,
    /// The provider could not register the payment.
    Failed,
    Cancelled,
}

impl OrderEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderEvent::Registered => "registered",
            OrderEvent::Paid => "paid",
            OrderEvent::Repeated => "repeated",
            OrderEvent::Refused => "refused",
            OrderEvent::Failed => "failed",
            OrderEvent::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OrderEvent> {
        [
            OrderEvent::Registered,
            OrderEvent::Paid,
            OrderEvent::Repeated,
            OrderEvent::Refused,
            OrderEvent::Failed,
            OrderEvent::Cancelled,
        ]
        .into_iter()
        .find(|e| e.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: i64,
    pub provider: Provider,
    pub packages: i64,
    pub credits: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub currency: String,
    pub status: OrderStatus,
    pub created_at: LocalTime,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderHistory {
    pub at: LocalTime,
    pub event: OrderEvent,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub order: OrderRow,
    pub history: Vec<OrderHistory>,
}

/// The prices and providers, and the account's orders, newest first (administrators).
#[server(endpoint = "load_purchases")]
pub async fn load_purchases() -> Result<(Offer, Vec<OrderRow>)> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let state = crate::ssr::app_state();
        let orders = ssr::orders(&state.db, operator.account_id).await?;
        Ok((state.payments.offer(), orders))
    })
    .await
}

/// Orders `packages` packages paid in `currency` through `provider`, registers the payment
/// and sends the buyer to pay (administrators). Returns where to.
#[server(endpoint = "buy_credits")]
pub async fn buy_credits(packages: u32, currency: String, provider: Provider) -> Result<String> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let state = crate::ssr::app_state();
        let ip = crate::auth::ssr::client_address();
        let url = ssr::buy(&state, &operator, packages, &currency, provider, &ip).await?;
        leptos_axum::redirect(&url);
        Ok(url)
    })
    .await
}

/// One order of the account with its history (administrators).
#[server(endpoint = "load_order")]
pub async fn load_order(id: i64) -> Result<OrderDetail> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        ssr::order(&crate::ssr::app_state().db, operator.account_id, id).await
    })
    .await
}
