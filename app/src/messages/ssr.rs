//! Message storage: the list, the outbox the dispatcher drains, and delivery reports.
//! Every change of status appends to `message_events`, the message's history.

use sqlx::{Any, AnyConnection, Transaction};

use super::{MessageRow, Status, StatusFilter};
use crate::error::Result;
use crate::ssr::{local_time, now_ms, Backend, Db};

const LIST_LIMIT: i64 = 200;
/// The list carries the start of each text (a message may be ten SMS long, and 200 of them
/// would weigh much); the whole text of one message is asked for with `show`.
pub const PREVIEW_CHARS: usize = 160;

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    status: String,
    date: i64,
    phone: String,
    body: String,
    parts: i64,
    error: Option<String>,
}

pub async fn list(
    db: &Db,
    company_id: i64,
    filter: StatusFilter,
    show: Option<i64>,
) -> Result<Vec<MessageRow>> {
    let status_condition = match filter {
        StatusFilter::All => "",
        StatusFilter::Sent => "AND status <> 'draft'",
        StatusFilter::Drafts => "AND status = 'draft'",
    };
    let rows: Vec<ListRow> = sqlx::query_as(&format!(
        "SELECT id, status, COALESCE(submitted_at, queued_at, updated_at) AS date, phone, \
                CASE WHEN id = $3 THEN body ELSE substr(body, 1, {}) END AS body, parts, error \
         FROM messages WHERE company_id = $1 {status_condition} \
         ORDER BY date DESC, id DESC LIMIT $2",
        PREVIEW_CHARS + 1
    ))
    .bind(company_id)
    .bind(LIST_LIMIT)
    .bind(show.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (body, complete) = match row.body.char_indices().nth(PREVIEW_CHARS) {
                Some((end, _)) if show != Some(row.id) => (row.body[..end].to_string(), false),
                _ => (row.body, true),
            };
            MessageRow {
                id: row.id,
                status: Status::parse(&row.status).unwrap_or(Status::Pending),
                date: local_time(row.date),
                phone: row.phone,
                body,
                complete,
                parts: row.parts as u32,
                error: row.error,
            }
        })
        .collect())
}

pub async fn record_event(
    conn: &mut AnyConnection,
    message_id: i64,
    status: Status,
    detail: Option<&str>,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO message_events (message_id, status, detail, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(message_id)
    .bind(status.as_str())
    .bind(detail)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message the dispatcher has claimed for submission to the gateway.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub company_id: i64,
    pub phone: String,
    pub body: String,
    pub attempts: i64,
}

/// Claims up to `limit` pending messages for `lease_ms`. Messages claimed by a dispatcher that
/// died come back when its lease runs out. On PostgreSQL, concurrent servers skip each other's
/// rows instead of waiting for them.
pub async fn claim_pending(db: &Db, limit: i64, lease_ms: i64) -> Result<Vec<Outgoing>> {
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let now = now_ms();
    Ok(sqlx::query_as(&format!(
        "UPDATE messages SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM messages \
                      WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < $2) \
                      ORDER BY id LIMIT $3 {lock}) \
         RETURNING id, company_id, phone, body, attempts"
    ))
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// The gateway accepted the message: one gateway id per SMS part.
pub async fn mark_submitted(
    db: &Db,
    message_id: i64,
    gateway: &str,
    part_ids: &[String],
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE messages SET status = 'sent', submitted_at = $1, updated_at = $1, \
                claimed_until = NULL, error = NULL \
         WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(message_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 1 {
        for (seq, part_id) in part_ids.iter().enumerate() {
            sqlx::query(
                "INSERT INTO message_parts (message_id, seq, gateway, gateway_message_id, status) \
                 VALUES ($1, $2, $3, $4, 'sent')",
            )
            .bind(message_id)
            .bind(seq as i64)
            .bind(gateway)
            .bind(part_id)
            .execute(&mut *tx)
            .await?;
        }
        record_event(&mut tx, message_id, Status::Sent, Some(gateway), now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The gateway refused the message for good (invalid number, blocked content…).
pub async fn mark_rejected(db: &Db, message_id: i64, error: &str) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE messages SET status = 'undelivered', error = $1, done_at = $2, updated_at = $2, \
                claimed_until = NULL \
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(error)
    .bind(now)
    .bind(message_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 1 {
        record_event(&mut tx, message_id, Status::Undelivered, Some(error), now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The gateway could not take the message now; it stays pending and is tried again at `retry_at`.
pub async fn postpone(db: &Db, message_id: i64, error: &str, retry_at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE messages SET claimed_until = $1, error = $2 WHERE id = $3 AND status = 'pending'",
    )
    .bind(retry_at)
    .bind(error)
    .bind(message_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    Delivered,
    Undelivered(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    /// The part's status moved forward.
    Applied,
    /// The part already had a final status: a duplicate or late report, ignored.
    Ignored,
    /// No part has this gateway id (yet): the submission may not be recorded yet.
    UnknownPart,
}

/// Applies a delivery report for one part, then settles the message: undelivered as soon as one
/// part is, delivered when all parts are. Statuses never move backwards.
pub async fn apply_delivery_report(
    db: &Db,
    gateway: &str,
    gateway_message_id: &str,
    outcome: &ReportOutcome,
    at: i64,
) -> Result<ReportEffect> {
    let (status, error) = match outcome {
        ReportOutcome::Delivered => ("delivered", None),
        ReportOutcome::Undelivered(e) => ("undelivered", Some(e.as_str())),
    };
    let mut tx = db.begin_write().await?;
    let message_id: Option<i64> = sqlx::query_scalar(
        "UPDATE message_parts SET status = $1, error = $2, done_at = $3 \
         WHERE gateway = $4 AND gateway_message_id = $5 AND status = 'sent' \
         RETURNING message_id",
    )
    .bind(status)
    .bind(error)
    .bind(at)
    .bind(gateway)
    .bind(gateway_message_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(message_id) = message_id else {
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT message_id FROM message_parts WHERE gateway = $1 AND gateway_message_id = $2",
        )
        .bind(gateway)
        .bind(gateway_message_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Ok(if known.is_some() {
            ReportEffect::Ignored
        } else {
            ReportEffect::UnknownPart
        });
    };
    settle_message(&mut tx, message_id, at).await?;
    tx.commit().await?;
    Ok(ReportEffect::Applied)
}

async fn settle_message(
    tx: &mut Transaction<'static, Any>,
    message_id: i64,
    at: i64,
) -> Result<()> {
    // Reports for two parts of one message can be applied at the same moment; on PostgreSQL
    // each would count the other's part as still sent and neither would settle the message.
    // Locking the message row first makes the second wait and then count the first's part.
    sqlx::query("UPDATE messages SET updated_at = updated_at WHERE id = $1")
        .bind(message_id)
        .execute(&mut **tx)
        .await?;
    let (total, delivered, first_error): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), \
                COALESCE(SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0), \
                MIN(error) \
         FROM message_parts WHERE message_id = $1",
    )
    .bind(message_id)
    .fetch_one(&mut **tx)
    .await?;
    let (status, error) = match first_error {
        Some(error) => (Status::Undelivered, Some(error)),
        None if delivered == total => (Status::Delivered, None),
        None => return Ok(()),
    };
    let updated = sqlx::query(
        "UPDATE messages SET status = $1, error = $2, done_at = $3, updated_at = $3 \
         WHERE id = $4 AND status = 'sent'",
    )
    .bind(status.as_str())
    .bind(error.as_deref())
    .bind(at)
    .bind(message_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 1 {
        record_event(tx, message_id, status, error.as_deref(), at).await?;
    }
    Ok(())
}

/// A message's status history, oldest first.
pub async fn history(db: &Db, message_id: i64) -> Result<Vec<(Status, Option<String>)>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, detail FROM message_events WHERE message_id = $1 ORDER BY id",
    )
    .bind(message_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, d)| Some((Status::parse(&s)?, d)))
        .collect())
}
