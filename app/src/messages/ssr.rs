//! Message storage: the list, the outbox the dispatcher drains, and delivery reports.
//! Every change of status appends to `message_events`, the message's history.

use sqlx::{Any, AnyConnection, Transaction};

use super::{MessageRow, Status, StatusFilter};
use crate::error::{AppError, Result};
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
            let (body, complete) = if show == Some(row.id) {
                (row.body, true)
            } else {
                preview(row.body)
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

/// The first `PREVIEW_CHARS` characters of a text, and whether that is all of it. The lists
/// select one character more (`substr(body, 1, PREVIEW_CHARS + 1)`) to tell.
pub fn preview(mut text: String) -> (String, bool) {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => {
            text.truncate(end);
            (text, false)
        }
        None => (text, true),
    }
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
    pub queued_at: i64,
}

/// Gives a message queued for sending its parts, each `pending`, in the transaction that queues
/// it: from then on every part has its own state.
pub async fn queue_parts(conn: &mut AnyConnection, message_id: i64, parts: u32) -> Result<()> {
    for seq in 0..i64::from(parts) {
        sqlx::query(
            "INSERT INTO message_parts (message_id, seq, status) VALUES ($1, $2, 'pending')",
        )
        .bind(message_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
         RETURNING id, company_id, phone, body, attempts, COALESCE(queued_at, created_at) AS queued_at"
    ))
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// A part still to be submitted (`pending`), or one whose submission was under way when its
/// dispatcher stopped (`submitting`: in doubt).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenPart {
    pub seq: i64,
    pub status: String,
    pub attempts: i64,
    pub retry_at: Option<i64>,
    pub error: Option<String>,
}

pub async fn open_parts(db: &Db, message_id: i64) -> Result<Vec<OpenPart>> {
    Ok(sqlx::query_as(
        "SELECT seq, status, attempts, retry_at, error FROM message_parts \
         WHERE message_id = $1 AND status IN ('pending', 'submitting') ORDER BY seq",
    )
    .bind(message_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Written before a part leaves: if the server dies before the answer is recorded, the part is
/// known to be in doubt. False when the part is no longer pending (another dispatcher has it).
pub async fn begin_submission(db: &Db, message_id: i64, seq: i64) -> Result<bool> {
    let now = now_ms();
    let updated = sqlx::query(
        "UPDATE message_parts SET status = 'submitting', attempts = attempts + 1, \
                submitting_at = $1, retry_at = NULL \
         WHERE message_id = $2 AND seq = $3 AND status = 'pending'",
    )
    .bind(now)
    .bind(message_id)
    .bind(seq)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// What became of one submission of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartOutcome {
    /// The gateway accepted it and gave it this id.
    Accepted { gateway: String, id: String },
    /// Certainly not accepted, to be tried again at `retry_at` (throttled, gateway down).
    Retry { error: String, retry_at: i64 },
    /// Refused for good.
    Rejected(String),
    /// Not accepted within the validity period.
    Expired(String),
    /// The answer never came: it may have been accepted. Held for the operator to decide.
    InDoubt(String),
}

/// Records what became of a part's submission (a part `submitting`, or `pending` for an
/// expiry) and settles its message. Returns the message's status afterwards.
pub async fn record_part(
    db: &Db,
    message_id: i64,
    seq: i64,
    outcome: &PartOutcome,
) -> Result<Status> {
    let now = now_ms();
    let query = match outcome {
        PartOutcome::Accepted { gateway, id } => sqlx::query(
            "UPDATE message_parts SET status = 'sent', gateway = $1, gateway_message_id = $2, \
                    sent_at = $3, error = NULL \
             WHERE message_id = $4 AND seq = $5 AND status = 'submitting'",
        )
        .bind(gateway)
        .bind(id)
        .bind(now),
        PartOutcome::Retry { error, retry_at } => sqlx::query(
            "UPDATE message_parts SET status = 'pending', error = $1, retry_at = $2 \
             WHERE message_id = $3 AND seq = $4 AND status = 'submitting'",
        )
        .bind(error)
        .bind(*retry_at),
        PartOutcome::Rejected(error)
        | PartOutcome::Expired(error)
        | PartOutcome::InDoubt(error) => sqlx::query(
            "UPDATE message_parts SET status = $1, error = $2, done_at = $3 \
                 WHERE message_id = $4 AND seq = $5 AND status IN ('pending', 'submitting')",
        )
        .bind(part_status(outcome))
        .bind(error)
        .bind(now),
    };
    let mut tx = db.begin_write().await?;
    query.bind(message_id).bind(seq).execute(&mut *tx).await?;
    let status = settle_message(&mut tx, message_id, now).await?;
    tx.commit().await?;
    Ok(status)
}

fn part_status(outcome: &PartOutcome) -> &'static str {
    match outcome {
        PartOutcome::Accepted { .. } => "sent",
        PartOutcome::Retry { .. } => "pending",
        PartOutcome::Rejected(_) => "rejected",
        PartOutcome::Expired(_) => "expired",
        PartOutcome::InDoubt(_) => "unknown",
    }
}

/// The message goes back to the outbox at `retry_at` (its parts wait for it anyway).
pub async fn release(db: &Db, message_id: i64, retry_at: i64) -> Result<()> {
    sqlx::query("UPDATE messages SET claimed_until = $1 WHERE id = $2 AND status = 'pending'")
        .bind(retry_at)
        .bind(message_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The operator's decision to send a message in doubt again: its parts in doubt go back to the
/// outbox. Only this company's messages, only while in doubt.
pub async fn resend_in_doubt(
    db: &Db,
    company_id: i64,
    message_id: i64,
    operator_id: i64,
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE messages SET status = 'pending', claimed_until = NULL, error = NULL, updated_at = $1 \
         WHERE id = $2 AND company_id = $3 AND status = 'unknown'",
    )
    .bind(now)
    .bind(message_id)
    .bind(company_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE message_parts SET status = 'pending', done_at = NULL, retry_at = NULL \
         WHERE message_id = $1 AND status = 'unknown'",
    )
    .bind(message_id)
    .execute(&mut *tx)
    .await?;
    let detail = format!("operator {operator_id} sends it again");
    record_event(&mut tx, message_id, Status::Pending, Some(&detail), now).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    Delivered,
    Undelivered(String),
    Expired(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    /// The part's status moved forward.
    Applied,
    /// The part already had a final status: a duplicate or late report, ignored.
    Ignored,
    /// No part has this gateway id (yet): the submission may not be recorded yet. Try again.
    UnknownPart,
}

/// Applies a delivery report for one part (sent, or in doubt: the report shows it did leave),
/// then settles the message. Statuses never move backwards.
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
        ReportOutcome::Expired(e) => ("expired", Some(e.as_str())),
    };
    let mut tx = db.begin_write().await?;
    // SMS centres reuse ids: the report is about the latest part sent with this one.
    let message_id: Option<i64> = sqlx::query_scalar(
        "UPDATE message_parts SET status = $1, error = $2, done_at = $3 \
         WHERE (message_id, seq) = (SELECT message_id, seq FROM message_parts \
                                    WHERE gateway = $4 AND gateway_message_id = $5 \
                                    ORDER BY sent_at DESC LIMIT 1) \
           AND status IN ('sent', 'unknown') \
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
        // The part may have been recorded between the UPDATE and this read (on PostgreSQL each
        // statement sees the latest commits): only a part already final ignores the report.
        let known: Option<String> = sqlx::query_scalar(
            "SELECT status FROM message_parts WHERE gateway = $1 AND gateway_message_id = $2 \
             ORDER BY sent_at DESC LIMIT 1",
        )
        .bind(gateway)
        .bind(gateway_message_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Ok(match known.as_deref().and_then(Status::parse) {
            Some(status) if status.is_final() => ReportEffect::Ignored,
            _ => ReportEffect::UnknownPart,
        });
    };
    settle_message(&mut tx, message_id, at).await?;
    tx.commit().await?;
    Ok(ReportEffect::Applied)
}

/// The message's status from its parts': rejected, undelivered or expired as soon as one part
/// is (its parts not yet submitted are then not sent: they share the outcome), delivered when
/// all are, in doubt when nothing is left to submit and a part is in doubt, sent when every
/// part is accepted. A final status is never changed. Returns the status afterwards.
async fn settle_message(
    tx: &mut Transaction<'static, Any>,
    message_id: i64,
    at: i64,
) -> Result<Status> {
    // Two parts of one message can be settled at the same moment; on PostgreSQL each would
    // count the other's part as unchanged. Locking the message row first makes the second wait.
    let current: String = sqlx::query_scalar(
        "UPDATE messages SET updated_at = updated_at WHERE id = $1 RETURNING status",
    )
    .bind(message_id)
    .fetch_one(&mut **tx)
    .await?;
    let current = Status::parse(&current).unwrap_or(Status::Pending);
    if current.is_final() {
        return Ok(current);
    }
    let parts: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, error FROM message_parts WHERE message_id = $1 ORDER BY seq",
    )
    .bind(message_id)
    .fetch_all(&mut **tx)
    .await?;
    let statuses: Vec<Status> = parts
        .iter()
        .map(|(s, _)| Status::parse(s).unwrap_or(Status::Pending))
        .collect();
    let first = |wanted: Status| {
        parts
            .iter()
            .zip(&statuses)
            .find(|(_, status)| **status == wanted)
            .map(|((_, error), _)| error.clone())
    };
    // "submitting" is no message status: it reads as pending, still open.
    let open = statuses.contains(&Status::Pending);
    let (status, error) = if let Some(error) = first(Status::Rejected) {
        (Status::Rejected, error)
    } else if let Some(error) = first(Status::Undelivered) {
        (Status::Undelivered, error)
    } else if let Some(error) = first(Status::Expired) {
        (Status::Expired, error)
    } else if !statuses.is_empty() && statuses.iter().all(|s| *s == Status::Delivered) {
        (Status::Delivered, None)
    } else if open {
        (Status::Pending, None)
    } else if let Some(error) = first(Status::Unknown) {
        (Status::Unknown, error)
    } else {
        (Status::Sent, None)
    };
    if status == current {
        return Ok(current);
    }
    if status.is_final() {
        // Parts not yet submitted are not sent any more: they share the message's outcome.
        sqlx::query(
            "UPDATE message_parts SET status = $1, error = $2, done_at = $3 \
             WHERE message_id = $4 AND status = 'pending'",
        )
        .bind(status.as_str())
        .bind("not sent: another part of the message failed")
        .bind(at)
        .bind(message_id)
        .execute(&mut **tx)
        .await?;
    }
    let (done_at, submitted_at) = (
        status.is_final().then_some(at),
        (status == Status::Sent).then_some(at),
    );
    sqlx::query(
        "UPDATE messages SET status = $1, error = $2, updated_at = $3, \
                done_at = COALESCE($4, done_at), submitted_at = COALESCE(submitted_at, $5), \
                claimed_until = CASE WHEN $1 = 'pending' THEN claimed_until ELSE NULL END \
         WHERE id = $6",
    )
    .bind(status.as_str())
    .bind(error.as_deref())
    .bind(at)
    .bind(done_at)
    .bind(submitted_at)
    .bind(message_id)
    .execute(&mut **tx)
    .await?;
    record_event(tx, message_id, status, error.as_deref(), at).await?;
    Ok(status)
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

/// One received part of an incoming message. A single part is stored as a message at once; a
/// part of a long one waits until all its parts have arrived, then they are stored as one
/// message in order (a part delivered twice counts once). Returns the message's id once stored.
pub async fn receive_part(
    db: &Db,
    gateway: &str,
    sender: &str,
    recipient: &str,
    part: &sms::receive::ReceivedPart,
) -> Result<Option<i64>> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let (body, parts) = match part.concatenation {
        None => (part.text.clone(), 1),
        Some(c) => {
            let key = (i64::from(c.reference), i64::from(c.total));
            sqlx::query(
                "INSERT INTO incoming_parts (gateway, sender, reference, total, seq, recipient, text, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            )
            .bind(gateway)
            .bind(sender)
            .bind(key.0)
            .bind(key.1)
            .bind(i64::from(c.seq))
            .bind(recipient)
            .bind(&part.text)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let texts: Vec<String> = sqlx::query_scalar(
                "SELECT text FROM incoming_parts \
                 WHERE gateway = $1 AND sender = $2 AND reference = $3 AND total = $4 ORDER BY seq",
            )
            .bind(gateway)
            .bind(sender)
            .bind(key.0)
            .bind(key.1)
            .fetch_all(&mut *tx)
            .await?;
            if texts.len() < usize::from(c.total) {
                tx.commit().await?;
                return Ok(None);
            }
            sqlx::query(
                "DELETE FROM incoming_parts \
                 WHERE gateway = $1 AND sender = $2 AND reference = $3 AND total = $4",
            )
            .bind(gateway)
            .bind(sender)
            .bind(key.0)
            .bind(key.1)
            .execute(&mut *tx)
            .await?;
            (texts.concat(), key.1)
        }
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incoming_messages (gateway, sender, recipient, body, parts, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(gateway)
    .bind(sender)
    .bind(recipient)
    .bind(body)
    .bind(parts)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}
