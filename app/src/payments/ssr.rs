//! Orders and their payments: the providers behind one interface (the server implements them),
//! and the one place an order becomes paid and its credits are added.

pub use super::provider::{Payment, PaymentProvider, Payments, Registered, Registering};
use super::{
    OrderDetail, OrderEvent, OrderHistory, OrderRow, OrderStatus, Provider, CREDITS_PER_PACKAGE,
    MAX_PACKAGES,
};
use crate::auth::ssr::Operator;
use crate::credits::{ssr as credits, EntryKind};
use crate::error::{AppError, Field, Problem, Result};
use crate::ssr::{local_time, AppState, Db};

/// Orders packages and registers their payment; the address the buyer pays at. A provider
/// that fails or does not answer leaves the order failed, with its answer in the history.
pub async fn buy(
    state: &AppState,
    operator: &Operator,
    packages: u32,
    currency: &str,
    provider: Provider,
    customer_ip: &str,
) -> Result<String> {
    if !(1..=MAX_PACKAGES).contains(&packages) {
        let problem = Problem::OutOfRange {
            min: 1,
            max: i64::from(MAX_PACKAGES),
        };
        return Err(AppError::invalid(Field::Packages, problem));
    }
    let payments = &state.payments;
    let Some(price) = payments.prices.iter().find(|p| p.currency == currency) else {
        return Err(AppError::invalid(Field::Currency, Problem::InvalidCurrency));
    };
    let Some(client) = payments.providers.iter().find(|p| p.provider() == provider) else {
        return Err(AppError::invalid(Field::Provider, Problem::Unavailable));
    };
    let db = &state.db;
    let now = state.clock.now_ms();
    let amount = price.unit_price * i64::from(packages);
    let credits = CREDITS_PER_PACKAGE * i64::from(packages);
    let session_id = new_session_id();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO credit_orders (account_id, operator_id, provider, packages, credits, \
                                    unit_price, amount, currency, session_id, status, \
                                    created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $10) RETURNING id",
    )
    .bind(operator.account_id)
    .bind(operator.id)
    .bind(provider.as_str())
    .bind(i64::from(packages))
    .bind(credits)
    .bind(price.unit_price)
    .bind(amount)
    .bind(currency)
    .bind(&session_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM operators WHERE id = $1")
        .bind(operator.id)
        .fetch_optional(&db.pool)
        .await?;
    let payment = Payment {
        session_id,
        amount,
        currency: currency.to_string(),
        description: format!("Esemes: {credits} SMS ({packages} × {CREDITS_PER_PACKAGE})"),
        email: email.unwrap_or_default(),
        return_url: format!("{}/credits/orders/{id}", payments.public_url),
        customer_ip: customer_ip.to_string(),
    };
    match client.register(&payment).await {
        Ok(registered) => {
            sqlx::query("UPDATE credit_orders SET provider_ref = $1 WHERE id = $2")
                .bind(&registered.provider_ref)
                .bind(id)
                .execute(&db.pool)
                .await?;
            let reference = registered.provider_ref.as_deref();
            record(&db.pool, id, OrderEvent::Registered, reference, now).await?;
            tracing::info!(
                order_id = id,
                provider = provider.as_str(),
                amount,
                "payment registered"
            );
            Ok(registered.redirect_url)
        }
        Err(answer) => {
            tracing::warn!(order_id = id, provider = provider.as_str(), %answer, "payment not registered");
            let mut tx = db.begin_write().await?;
            sqlx::query(
                "UPDATE credit_orders SET status = 'failed', updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            record(&mut *tx, id, OrderEvent::Failed, Some(&answer), now).await?;
            tx.commit().await?;
            Err(AppError::invalid(Field::Provider, Problem::Unavailable))
        }
    }
}

/// 32 random hexadecimal digits.
fn new_session_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

async fn record<'c, E>(
    executor: E,
    order_id: i64,
    event: OrderEvent,
    detail: Option<&str>,
    at: i64,
) -> Result<()>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO credit_order_events (order_id, status, detail, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(order_id)
    .bind(event.as_str())
    .bind(detail)
    .bind(at)
    .execute(executor)
    .await?;
    Ok(())
}

/// An order as a provider's notification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered {
    pub id: i64,
    pub amount: i64,
    pub currency: String,
    pub status: OrderStatus,
}

/// The order `provider` knows by `session_id`; `None` for a session we never made.
pub async fn by_session(db: &Db, provider: Provider, session_id: &str) -> Result<Option<Ordered>> {
    let row: Option<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, amount, currency, status FROM credit_orders \
         WHERE provider = $1 AND session_id = $2",
    )
    .bind(provider.as_str())
    .bind(session_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, amount, currency, status)| Ordered {
        id,
        amount,
        currency,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::New),
    }))
}

/// What a verified notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notified {
    /// Paid this much (minor units) in this currency; the provider's id of the payment.
    Paid {
        amount: i64,
        currency: String,
        provider_ref: String,
    },
    /// The buyer gave up or the provider refused the payment.
    Cancelled { reason: String },
}

/// What a notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The order is paid now and its credits added.
    Credited,
    /// It was paid already: nothing added.
    AlreadyPaid,
    /// The amount or currency is not the order's: nothing added.
    Refused,
    Cancelled,
    /// No such order of this provider.
    Unknown,
}

/// Applies a notification `provider` sent about `session_id` and that the caller verified
/// (its signature, and with the provider where it offers that). The order becomes paid and
/// its credits are added in one transaction, once: a repeated notification adds nothing.
pub async fn settle(
    db: &Db,
    provider: Provider,
    session_id: &str,
    notified: &Notified,
    now: i64,
) -> Result<Settled> {
    let Some(order) = by_session(db, provider, session_id).await? else {
        tracing::warn!(
            provider = provider.as_str(),
            "notification about no order of ours"
        );
        return Ok(Settled::Unknown);
    };
    let mut tx = db.begin_write().await?;
    let settled = match notified {
        Notified::Paid {
            amount,
            currency,
            provider_ref,
        } => {
            if *amount != order.amount || *currency != order.currency {
                let detail = format!("{amount} {currency} ≠ {} {}", order.amount, order.currency);
                record(&mut *tx, order.id, OrderEvent::Refused, Some(&detail), now).await?;
                tracing::warn!(order_id = order.id, %detail, "notification refused");
                Settled::Refused
            } else {
                // Paid even if given up before: the buyer's money came.
                let paid: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE credit_orders SET status = 'paid', provider_ref = $1, updated_at = $2 \
                     WHERE id = $3 AND status <> 'paid' RETURNING account_id, credits",
                )
                .bind(provider_ref)
                .bind(now)
                .bind(order.id)
                .fetch_optional(&mut *tx)
                .await?;
                match paid {
                    Some((account_id, credits)) => {
                        let about = credits::About {
                            order_id: Some(order.id),
                            ..Default::default()
                        };
                        let reason = format!("{} {provider_ref}", provider.name());
                        let kind = EntryKind::Purchase;
                        credits::add_in(&mut tx, account_id, kind, credits, about, &reason, now)
                            .await?;
                        record(
                            &mut *tx,
                            order.id,
                            OrderEvent::Paid,
                            Some(provider_ref),
                            now,
                        )
                        .await?;
                        tracing::info!(order_id = order.id, credits, "order paid");
                        Settled::Credited
                    }
                    None => {
                        record(
                            &mut *tx,
                            order.id,
                            OrderEvent::Repeated,
                            Some(provider_ref),
                            now,
                        )
                        .await?;
                        Settled::AlreadyPaid
                    }
                }
            }
        }
        Notified::Cancelled { reason } => {
            let cancelled = sqlx::query(
                "UPDATE credit_orders SET status = 'cancelled', updated_at = $1 \
                 WHERE id = $2 AND status = 'new'",
            )
            .bind(now)
            .bind(order.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if cancelled > 0 {
                record(&mut *tx, order.id, OrderEvent::Cancelled, Some(reason), now).await?;
            }
            Settled::Cancelled
        }
    };
    tx.commit().await?;
    Ok(settled)
}

#[derive(sqlx::FromRow)]
struct OrderSql {
    id: i64,
    provider: String,
    packages: i64,
    credits: i64,
    unit_price: i64,
    amount: i64,
    currency: String,
    status: String,
    created_at: i64,
    operator: String,
}

impl From<OrderSql> for OrderRow {
    fn from(row: OrderSql) -> OrderRow {
        OrderRow {
            id: row.id,
            provider: Provider::parse(&row.provider).unwrap_or_default(),
            packages: row.packages,
            credits: row.credits,
            unit_price: row.unit_price,
            amount: row.amount,
            currency: row.currency,
            status: OrderStatus::parse(&row.status).unwrap_or(OrderStatus::New),
            created_at: local_time(row.created_at),
            operator: row.operator,
        }
    }
}

const ORDER_COLUMNS: &str = "o.id, o.provider, o.packages, o.credits, o.unit_price, o.amount, \
                             o.currency, o.status, o.created_at, op.name AS operator \
                             FROM credit_orders o JOIN operators op ON op.id = o.operator_id";

/// The account's last 50 orders, newest first.
pub async fn orders(db: &Db, account_id: i64) -> Result<Vec<OrderRow>> {
    let rows: Vec<OrderSql> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} WHERE o.account_id = $1 ORDER BY o.id DESC LIMIT 50"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(OrderRow::from).collect())
}

/// The account's order `id` with its history, oldest first.
pub async fn order(db: &Db, account_id: i64, id: i64) -> Result<OrderDetail> {
    let row: OrderSql = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} WHERE o.account_id = $1 AND o.id = $2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let events: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT at, status, detail FROM credit_order_events WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(OrderDetail {
        order: row.into(),
        history: events
            .into_iter()
            .filter_map(|(at, event, detail)| {
                Some(OrderHistory {
                    at: local_time(at),
                    event: OrderEvent::parse(&event)?,
                    detail,
                })
            })
            .collect(),
    })
}
