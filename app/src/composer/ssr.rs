//! Storing what the composer submits. Every query is scoped to the operator's company.

use super::{Checked, Draft, Intent};
use crate::auth::ssr::Operator;
use crate::error::{AppError, Field, Problem, Result};
use crate::messages::ssr::record_event;
use crate::messages::Status;
use crate::ssr::{now_ms, Db};

/// Inserts the message, or updates the operator's draft `draft_id`, as a draft or queued for
/// sending. Returns the message id.
pub async fn store(
    db: &Db,
    operator: &Operator,
    draft_id: Option<i64>,
    message: &Checked,
    intent: Intent,
) -> Result<i64> {
    let now = now_ms();
    let (status, queued_at) = match intent {
        Intent::Send => (Status::Pending, Some(now)),
        Intent::Draft => (Status::Draft, None),
    };
    let encoding = match message.analysis.encoding {
        sms::Encoding::Gsm7 => "gsm7",
        sms::Encoding::Ucs2 => "ucs2",
    };
    let mut tx = db.pool.begin().await?;
    let id: Option<i64> = match draft_id {
        None => Some(
            sqlx::query_scalar(
                "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                       created_at, updated_at, queued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
            )
            .bind(operator.company_id)
            .bind(operator.id)
            .bind(&message.phone)
            .bind(&message.body)
            .bind(encoding)
            .bind(i64::from(message.analysis.segments))
            .bind(status.as_str())
            .bind(now)
            .bind(queued_at)
            .fetch_one(&mut *tx)
            .await?,
        ),
        Some(draft_id) => {
            sqlx::query_scalar(
                "UPDATE messages SET phone = $1, body = $2, encoding = $3, parts = $4, status = $5, \
                                     updated_at = $6, queued_at = $7 \
                 WHERE id = $8 AND company_id = $9 AND status = 'draft' RETURNING id",
            )
            .bind(&message.phone)
            .bind(&message.body)
            .bind(encoding)
            .bind(i64::from(message.analysis.segments))
            .bind(status.as_str())
            .bind(now)
            .bind(queued_at)
            .bind(draft_id)
            .bind(operator.company_id)
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let Some(id) = id else {
        // Not a draft of this company: gone, someone else's, or already sent.
        let sent: Option<String> =
            sqlx::query_scalar("SELECT status FROM messages WHERE id = $1 AND company_id = $2")
                .bind(draft_id)
                .bind(operator.company_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match sent {
            Some(_) => AppError::invalid(Field::Body, Problem::AlreadySent),
            None => AppError::NotFound,
        });
    };
    record_event(&mut tx, id, status, None, now).await?;
    tx.commit().await?;
    tracing::info!(
        message_id = id,
        operator_id = operator.id,
        status = status.as_str(),
        parts = message.analysis.segments,
        "message stored"
    );
    Ok(id)
}

pub async fn load_draft(db: &Db, company_id: i64, id: i64) -> Result<Draft> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, phone, body FROM messages WHERE id = $1 AND company_id = $2 AND status = 'draft'",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(id, phone, body)| Draft { id, phone, body })
        .ok_or(AppError::NotFound)
}
