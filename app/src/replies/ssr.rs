//! Incoming messages and opt-out: a reply is stored, tied to the company whose message it
//! answers, to that message and to the subject, and a STOP or START in it changes the number's
//! opt-out, with every change kept. Every query is scoped to a company.

use sms::reply::Keyword;
use sqlx::AnyConnection;

use super::{Answered, OptOutChange, Replies, ReplyRow};
use crate::error::Result;
use crate::messages::ssr::{preview, record_event};
use crate::messages::{Category, Status};
use crate::ssr::{local_time, now_ms, Db};

/// One received part of an incoming message. A single part is stored as a message at once; a
/// part of a long one waits until all its parts have arrived, then they are stored as one
/// message in order (a part delivered twice counts once), and filed as a reply. Returns the
/// message's id once stored.
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
    .bind(&body)
    .bind(parts)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    file_reply(&mut tx, id, gateway, sender, &body, now).await?;
    tx.commit().await?;
    Ok(Some(id))
}

#[derive(sqlx::FromRow)]
struct AnsweredMessage {
    id: i64,
    company_id: i64,
    subject_id: Option<i64>,
}

/// Ties the incoming message `id` to what it answers: the last message sent to its number
/// through the same connection, that message's company and subject (or the company's subject
/// with this number). A reply that answers none of our messages is kept with no company: no
/// company may be shown a stranger's text on a guess.
async fn file_reply(
    conn: &mut AnyConnection,
    id: i64,
    gateway: &str,
    sender: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    let answered: Option<AnsweredMessage> = sqlx::query_as(
        "SELECT m.id, m.company_id, m.subject_id FROM messages m \
         WHERE m.phone = $1 AND m.status <> 'draft' \
           AND EXISTS (SELECT 1 FROM message_parts p WHERE p.message_id = m.id AND p.gateway = $2) \
         ORDER BY m.id DESC LIMIT 1",
    )
    .bind(sender)
    .bind(gateway)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(answered) = answered else {
        tracing::info!(incoming_id = id, "a reply to none of our messages");
        return Ok(());
    };
    let subject_id = match answered.subject_id {
        Some(subject_id) => Some(subject_id),
        None => subject_with_phone(conn, answered.company_id, sender).await?,
    };
    let words: String = sqlx::query_scalar("SELECT opt_out_words FROM companies WHERE id = $1")
        .bind(answered.company_id)
        .fetch_one(&mut *conn)
        .await?;
    let change = match sms::reply::keyword(body, sms::reply::words(&words)) {
        None => None,
        Some(keyword) => {
            let opted_out = keyword == Keyword::OptOut;
            let how = How::Reply {
                incoming_id: id,
                message_id: answered.id,
            };
            change_opt_out(conn, answered.company_id, sender, opted_out, how, now)
                .await?
                .then_some(if opted_out { "out" } else { "in" })
        }
    };
    sqlx::query(
        "UPDATE incoming_messages SET company_id = $1, subject_id = $2, message_id = $3, \
                                      opt_change = $4 WHERE id = $5",
    )
    .bind(answered.company_id)
    .bind(subject_id)
    .bind(answered.id)
    .bind(change)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The company's subject whose SMS phone (or a representative's) is `phone`.
async fn subject_with_phone(
    conn: &mut AnyConnection,
    company_id: i64,
    phone: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT s.id FROM subjects s WHERE s.company_id = $1 AND (s.sms_phone = $2 \
             OR EXISTS (SELECT 1 FROM representatives r WHERE r.subject_id = s.id AND r.sms_phone = $2)) \
         ORDER BY s.active DESC, s.id LIMIT 1",
    )
    .bind(company_id)
    .bind(phone)
    .fetch_optional(conn)
    .await?)
}

/// How a number's opt-out changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The recipient's reply `incoming_id`, to our message `message_id`.
    Reply { incoming_id: i64, message_id: i64 },
    /// An operator of the company.
    Operator(i64),
}

/// Opts `phone` out of the company's messages, or back in, and keeps the change. Messages to
/// it that wait to be sent and may no longer go are refused at once (scheduled ones, or ones
/// held back by quiet hours). Returns whether anything changed.
pub async fn change_opt_out(
    conn: &mut AnyConnection,
    company_id: i64,
    phone: &str,
    opted_out: bool,
    how: How,
    now: i64,
) -> Result<bool> {
    let changed = if opted_out {
        sqlx::query(
            "INSERT INTO opt_outs (company_id, phone, since) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(company_id)
        .bind(phone)
        .bind(now)
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query("DELETE FROM opt_outs WHERE company_id = $1 AND phone = $2")
            .bind(company_id)
            .bind(phone)
            .execute(&mut *conn)
            .await?
    }
    .rows_affected()
        > 0;
    if !changed {
        return Ok(false);
    }
    let (how_name, incoming_id, message_id, operator_id) = match how {
        How::Reply {
            incoming_id,
            message_id,
        } => ("reply", Some(incoming_id), Some(message_id), None),
        How::Operator(operator_id) => ("operator", None, None, Some(operator_id)),
    };
    sqlx::query(
        "INSERT INTO opt_out_changes (company_id, phone, opted_out, how, at, incoming_id, \
                                      message_id, operator_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(company_id)
    .bind(phone)
    .bind(i64::from(opted_out))
    .bind(how_name)
    .bind(now)
    .bind(incoming_id)
    .bind(message_id)
    .bind(operator_id)
    .execute(&mut *conn)
    .await?;
    tracing::info!(company_id, opted_out, how = how_name, "opt-out changed");
    if opted_out {
        refuse_waiting(conn, company_id, phone, now).await?;
    }
    Ok(true)
}

/// The reason a message refused for an opt-out carries.
pub const OPTED_OUT: &str = "the recipient opted out (STOP)";

/// Refuses the company's messages to `phone` that wait to be sent, none of whose parts has been
/// passed to the gateway, and that an opted-out number may not get.
async fn refuse_waiting(
    conn: &mut AnyConnection,
    company_id: i64,
    phone: &str,
    now: i64,
) -> Result<()> {
    let everything = stops_everything(conn, company_id).await?;
    let refused: Vec<i64> = sqlx::query_scalar(&format!(
        "UPDATE messages SET status = 'rejected', error = $1, done_at = $2, updated_at = $2 \
         WHERE company_id = $3 AND phone = $4 AND {} AND ($5 = 1 OR category = 'marketing') \
         RETURNING id",
        crate::messages::ssr::not_passed_on("$2")
    ))
    .bind(OPTED_OUT)
    .bind(now)
    .bind(company_id)
    .bind(phone)
    .bind(i64::from(everything))
    .fetch_all(&mut *conn)
    .await?;
    for id in refused {
        sqlx::query(
            "UPDATE message_parts SET status = 'rejected', error = $1, done_at = $2 \
             WHERE message_id = $3",
        )
        .bind(OPTED_OUT)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        record_event(conn, id, Status::Rejected, Some(OPTED_OUT), now).await?;
    }
    Ok(())
}

/// Since when `phone` is opted out of the company's messages, if it is.
pub async fn opted_out_since(
    conn: &mut AnyConnection,
    company_id: i64,
    phone: &str,
) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT since FROM opt_outs WHERE company_id = $1 AND phone = $2")
            .bind(company_id)
            .bind(phone)
            .fetch_optional(conn)
            .await?,
    )
}

/// Whether a message of `category` may not go to `phone`: the number opted out, and the
/// message is marketing or the company keeps opted-out numbers from every message.
pub async fn refuses(
    conn: &mut AnyConnection,
    company_id: i64,
    phone: &str,
    category: Category,
) -> Result<bool> {
    if opted_out_since(conn, company_id, phone).await?.is_none() {
        return Ok(false);
    }
    Ok(category == Category::Marketing || stops_everything(conn, company_id).await?)
}

/// Whether the company keeps opted-out numbers from every message, not only from marketing.
async fn stops_everything(conn: &mut AnyConnection, company_id: i64) -> Result<bool> {
    let everything: i64 =
        sqlx::query_scalar("SELECT opt_out_everything FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(conn)
            .await?;
    Ok(everything == 1)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    received_at: i64,
    sender: String,
    body: String,
    opt_change: Option<String>,
    subject_id: Option<i64>,
    subject_code: Option<String>,
    subject_name: Option<String>,
    message_id: Option<i64>,
    message_body: Option<String>,
    document_id: Option<i64>,
    document_number: Option<String>,
    task_id: Option<i64>,
    task_title: Option<String>,
}

/// The company's replies, newest first, at most `limit`.
pub async fn list(db: &Db, company_id: i64, which: Replies, limit: i64) -> Result<Vec<ReplyRow>> {
    let (condition, id) = match which {
        Replies::All => ("", None),
        Replies::OfSubject(id) => ("AND i.subject_id = $3", Some(id)),
        Replies::AboutDocument(id) => ("AND m.document_id = $3", Some(id)),
        Replies::AboutTask(id) => ("AND m.task_id = $3", Some(id)),
    };
    let sql = format!(
        "SELECT i.id, i.received_at, i.sender, i.body, i.opt_change, i.subject_id, \
                s.code AS subject_code, s.name AS subject_name, i.message_id, \
                m.body AS message_body, m.document_id, d.number AS document_number, \
                m.task_id, t.title AS task_title \
         FROM incoming_messages i \
         LEFT JOIN subjects s ON s.id = i.subject_id \
         LEFT JOIN messages m ON m.id = i.message_id \
         LEFT JOIN documents d ON d.id = m.document_id \
         LEFT JOIN tasks t ON t.id = m.task_id \
         WHERE i.company_id = $1 {condition} \
         ORDER BY i.received_at DESC, i.id DESC LIMIT $2"
    );
    let mut query = sqlx::query_as(&sql).bind(company_id).bind(limit);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let rows: Vec<Row> = query.fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| ReplyRow {
            id: row.id,
            received_at: local_time(row.received_at),
            phone: row.sender,
            body: row.body,
            opt_change: row.opt_change.map(|change| change == "out"),
            subject: row.subject_id.map(|id| {
                (
                    id,
                    row.subject_code.unwrap_or_default(),
                    row.subject_name.unwrap_or_default(),
                )
            }),
            answered: row.message_id.map(|id| Answered {
                id,
                body: preview(row.message_body.unwrap_or_default()).0,
                document: row
                    .document_id
                    .map(|id| (id, row.document_number.unwrap_or_default())),
                task: row
                    .task_id
                    .map(|id| (id, row.task_title.unwrap_or_default())),
            }),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    phone: String,
    opted_out: i64,
    how: String,
    at: i64,
    reply: Option<String>,
    message_id: Option<i64>,
    operator: Option<String>,
}

/// The company's opt-out changes, newest first, at most `limit`.
pub async fn changes(db: &Db, company_id: i64, limit: i64) -> Result<Vec<OptOutChange>> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT c.phone, c.opted_out, c.how, c.at, i.body AS reply, c.message_id, \
                o.name AS operator \
         FROM opt_out_changes c \
         LEFT JOIN incoming_messages i ON i.id = c.incoming_id \
         LEFT JOIN operators o ON o.id = c.operator_id \
         WHERE c.company_id = $1 ORDER BY c.at DESC, c.id DESC LIMIT $2",
    )
    .bind(company_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OptOutChange {
            phone: row.phone,
            opted_out: row.opted_out == 1,
            at: local_time(row.at),
            by_reply: row.how == "reply",
            reply: row.reply,
            message_id: row.message_id,
            operator: row.operator,
        })
        .collect())
}
