//! The webhooks in the database: settings, the status changes still to post, and each attempt.
//! A post is claimed with a lease, so several servers on one database post each change once
//! and in order; the cursor moves only when the ERP took the post.

use serde::Serialize;

use super::{Attempt, WebhookView};
use crate::error::{AppError, Field, Problem, Result};
use crate::ssr::{local_time, Db};

/// Status changes one post carries at most.
pub const EVENTS_PER_POST: i64 = 100;
/// How long a server may take over one post before another may try.
const LEASE_MS: i64 = 60_000;
/// Attempts the administrator sees.
const ATTEMPTS_SHOWN: i64 = 20;

pub async fn view(db: &Db, account_id: i64) -> Result<WebhookView> {
    let hook: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT url, failures, next_at FROM webhooks WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        at: i64,
        events: i64,
        status_code: Option<i64>,
        error: Option<String>,
        delivered: i64,
    }
    let attempts: Vec<Row> = sqlx::query_as(
        "SELECT at, events, status_code, error, delivered FROM webhook_attempts \
         WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(ATTEMPTS_SHOWN)
    .fetch_all(&db.pool)
    .await?;
    let (url, failures, next_at) = match hook {
        Some((url, failures, next_at)) => (Some(url), failures, next_at),
        None => (None, 0, 0),
    };
    Ok(WebhookView {
        url,
        failures,
        next_at: (failures > 0).then(|| local_time(next_at)),
        attempts: (attempts.into_iter())
            .map(|row| Attempt {
                at: local_time(row.at),
                events: row.events,
                status_code: row.status_code,
                error: row.error,
                delivered: row.delivered != 0,
            })
            .collect(),
    })
}

/// Sets the account's webhook URL, or removes the webhook for an empty one. Returns the new
/// secret when one was made (a new webhook, or asked for). A new webhook starts with the
/// changes from now on, not the account's whole history.
pub async fn save(db: &Db, account_id: i64, url: &str, new_secret: bool) -> Result<Option<String>> {
    let url = url.trim();
    let mut tx = db.begin_write().await?;
    if url.is_empty() {
        sqlx::query("DELETE FROM webhooks WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(None);
    }
    let host = (url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://")))
    .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let plain = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if host.is_none_or(str::is_empty) || !plain || url.len() > 2000 {
        return Err(AppError::invalid(Field::WebhookUrl, Problem::InvalidUrl));
    }
    let now = crate::ssr::now_ms();
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT account_id FROM webhooks WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let secret = (exists.is_none() || new_secret).then(new_secret_text);
    match exists {
        None => {
            let cursor: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM message_events",
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO webhooks (account_id, url, secret, cursor, updated_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account_id)
            .bind(url)
            .bind(secret.as_deref())
            .bind(cursor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        Some(_) => {
            sqlx::query(
                "UPDATE webhooks SET url = $1, secret = COALESCE($2, secret), failures = 0, \
                                     next_at = 0, updated_at = $3 WHERE account_id = $4",
            )
            .bind(url)
            .bind(secret.as_deref())
            .bind(now)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(secret)
}

fn new_secret_text() -> String {
    format!("whsec_{}", crate::auth::ssr::new_token())
}

/// One status change as the webhook posts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: i64,
    pub message_id: i64,
    pub company_id: i64,
    pub status: String,
    pub detail: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// A post to make: the account's webhook and the changes it carries.
pub struct Due {
    pub account_id: i64,
    pub url: String,
    pub secret: String,
    pub lease: i64,
    pub events: Vec<Event>,
}

/// Claims the next account whose webhook has changes to post and is due (not waiting after
/// failures, not being posted by another server), with up to `EVENTS_PER_POST` changes.
pub async fn claim_due(db: &Db, now: i64) -> Result<Option<Due>> {
    let lease = now + LEASE_MS;
    let claimed: Option<(i64, String, String, i64)> = sqlx::query_as(
        "UPDATE webhooks SET lease_until = $1 \
         WHERE account_id = (SELECT w.account_id FROM webhooks w \
                             WHERE w.next_at <= $2 AND (w.lease_until IS NULL OR w.lease_until < $2) \
                               AND EXISTS (SELECT 1 FROM message_events e \
                                           JOIN messages m ON m.id = e.message_id \
                                           JOIN companies c ON c.id = m.company_id \
                                           WHERE c.account_id = w.account_id AND e.id > w.cursor) \
                             ORDER BY w.next_at LIMIT 1) \
           AND (lease_until IS NULL OR lease_until < $2) \
         RETURNING account_id, url, secret, cursor",
    )
    .bind(lease)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some((account_id, url, secret, cursor)) = claimed else {
        return Ok(None);
    };
    let rows: Vec<(i64, i64, i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT e.id, e.message_id, m.company_id, e.status, e.detail, e.at \
         FROM message_events e JOIN messages m ON m.id = e.message_id \
         JOIN companies c ON c.id = m.company_id \
         WHERE c.account_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3",
    )
    .bind(account_id)
    .bind(cursor)
    .bind(EVENTS_PER_POST)
    .fetch_all(&db.pool)
    .await?;
    let events = (rows.into_iter())
        .map(|(id, message_id, company_id, status, detail, at)| Event {
            id,
            message_id,
            company_id,
            status,
            detail,
            at: crate::api_sending::rfc3339(at),
        })
        .collect();
    Ok(Some(Due {
        account_id,
        url,
        secret,
        lease,
        events,
    }))
}

/// What came of a post: the ERP's HTTP status, and the error when it did not take it.
pub struct Outcome {
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

/// Records a post: taken (2xx) moves the cursor past its changes; otherwise the next try waits
/// longer after each failure in a row (10 s, 20 s, 40 s… up to an hour).
pub async fn record(db: &Db, due: &Due, outcome: &Outcome, now: i64) -> Result<()> {
    let delivered = outcome.status_code.is_some_and(|c| (200..300).contains(&c));
    let (first, last) = match (due.events.first(), due.events.last()) {
        (Some(first), Some(last)) => (first.id, last.id),
        _ => (0, 0),
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (account_id, at, first_event, last_event, events, \
                                       status_code, error, delivered) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(due.account_id)
    .bind(now)
    .bind(first)
    .bind(last)
    .bind(due.events.len() as i64)
    .bind(outcome.status_code.map(i64::from))
    .bind(&outcome.error)
    .bind(i64::from(delivered))
    .execute(&mut *tx)
    .await?;
    let update = match delivered {
        true => {
            "UPDATE webhooks SET cursor = $1, failures = 0, next_at = 0, lease_until = NULL \
                 WHERE account_id = $2 AND lease_until = $3"
        }
        false => {
            "UPDATE webhooks SET failures = failures + 1, \
                        next_at = $1, lease_until = NULL \
                 WHERE account_id = $2 AND lease_until = $3"
        }
    };
    let value = match delivered {
        true => last,
        false => {
            let failures: i64 =
                sqlx::query_scalar("SELECT failures FROM webhooks WHERE account_id = $1")
                    .bind(due.account_id)
                    .fetch_one(&mut *tx)
                    .await?;
            now + retry_after_ms(failures + 1)
        }
    };
    sqlx::query(update)
        .bind(value)
        .bind(due.account_id)
        .bind(due.lease)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The wait after `failures` failed posts in a row.
pub fn retry_after_ms(failures: i64) -> i64 {
    let doubled = 10_000i64.saturating_mul(1 << failures.clamp(1, 20).saturating_sub(1));
    doubled.min(3_600_000)
}
