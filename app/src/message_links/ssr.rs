//! A message's links in the database. Every query checks that the message, and what it is
//! linked to, are the operator's company's own.

use super::{Candidate, LinkKind, Linked};
use crate::auth::ssr::Operator;
use crate::error::{AppError, Field, Problem, Result};
use crate::ssr::Db;

/// The company's message `id`: its subject and the document or task it was written about.
async fn message(
    db: &Db,
    company_id: i64,
    id: i64,
) -> Result<(Option<i64>, Option<i64>, Option<i64>)> {
    sqlx::query_as(
        "SELECT subject_id, document_id, task_id FROM messages WHERE id = $1 AND company_id = $2",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// What the message is linked to: first what it was written about, then the links in the
/// order they were made.
pub async fn links(db: &Db, company_id: i64, message_id: i64) -> Result<Vec<Linked>> {
    let (_, document_id, task_id) = message(db, company_id, message_id).await?;
    let mut linked = Vec::new();
    let topic = [(LinkKind::Document, document_id), (LinkKind::Task, task_id)];
    for (kind, id) in topic {
        if let Some(id) = id {
            if let Some(label) = label(db, company_id, kind, id).await? {
                linked.push(Linked {
                    kind,
                    id,
                    label,
                    topic: true,
                });
            }
        }
    }
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, target_id FROM message_links WHERE message_id = $1 ORDER BY created_at, kind, target_id",
    )
    .bind(message_id)
    .fetch_all(&db.pool)
    .await?;
    for (kind, id) in rows {
        let Some(kind) = LinkKind::parse(&kind) else {
            continue;
        };
        if let Some(label) = label(db, company_id, kind, id).await? {
            linked.push(Linked {
                kind,
                id,
                label,
                topic: false,
            });
        }
    }
    Ok(linked)
}

/// How a document, task or contact of the company is named, or `None` when it is not the
/// company's.
async fn label(db: &Db, company_id: i64, kind: LinkKind, id: i64) -> Result<Option<String>> {
    let sql = match kind {
        LinkKind::Document => "SELECT number FROM documents WHERE id = $1 AND company_id = $2",
        LinkKind::Task => "SELECT title FROM tasks WHERE id = $1 AND company_id = $2",
        LinkKind::Contact => "SELECT note FROM contacts WHERE id = $1 AND company_id = $2",
    };
    let found: Option<String> = sqlx::query_scalar(sql)
        .bind(id)
        .bind(company_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(found.map(|text| text.chars().take(80).collect()))
}

/// Links (`linked`) the company's document, task or contact to its message, or unlinks it;
/// linking again changes nothing.
pub async fn set_link(
    db: &Db,
    company_id: i64,
    message_id: i64,
    kind: LinkKind,
    id: i64,
    linked: bool,
) -> Result<()> {
    message(db, company_id, message_id).await?;
    if linked && label(db, company_id, kind, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    // Delete, then insert when linking: one link per record, whatever was there.
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM message_links WHERE message_id = $1 AND kind = $2 AND target_id = $3")
        .bind(message_id)
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if linked {
        sqlx::query(
            "INSERT INTO message_links (message_id, kind, target_id, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(message_id)
        .bind(kind.as_str())
        .bind(id)
        .bind(crate::ssr::now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Documents or tasks of the company matching `q`, or the contacts with the message's subject,
/// to link to the message.
pub async fn candidates(
    db: &Db,
    company_id: i64,
    message_id: i64,
    kind: LinkKind,
    q: &str,
) -> Result<Vec<Candidate>> {
    let (subject_id, _, _) = message(db, company_id, message_id).await?;
    Ok(match kind {
        LinkKind::Document => {
            let query = crate::documents::DocumentQuery {
                q: q.to_string(),
                ..Default::default()
            };
            (crate::documents::ssr::search(db, company_id, &query)
                .await?
                .rows
                .into_iter())
            .map(|row| Candidate {
                id: row.document.id,
                label: match row.subject {
                    Some(s) => format!("{} — {}", row.document.number, s.name),
                    None => row.document.number,
                },
            })
            .collect()
        }
        LinkKind::Task => {
            let query = crate::tasks::TaskQuery {
                q: q.to_string(),
                status: crate::tasks::TaskStatus::All,
                offset: 0,
            };
            (crate::tasks::ssr::search(db, company_id, &query)
                .await?
                .rows
                .into_iter())
            .map(|row| Candidate {
                id: row.task.id,
                label: row.task.title,
            })
            .collect()
        }
        LinkKind::Contact => {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, note FROM contacts WHERE company_id = $1 \
                 AND (subject_id = $2 OR $2 IS NULL) ORDER BY at DESC LIMIT 20",
            )
            .bind(company_id)
            .bind(subject_id)
            .fetch_all(&db.pool)
            .await?;
            (rows.into_iter())
                .map(|(id, note)| Candidate {
                    id,
                    label: note.chars().take(80).collect(),
                })
                .collect()
        }
    })
}

/// Writes a contact-log entry with the message's subject and links it to the message.
pub async fn add_contact(
    db: &Db,
    operator: &Operator,
    message_id: i64,
    note: &str,
    now: i64,
) -> Result<i64> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::invalid(Field::Notes, Problem::Required));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::invalid(
            Field::Notes,
            Problem::TooLong { max: 2000 },
        ));
    }
    let (subject_id, _, _) = message(db, operator.company_id, message_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (company_id, subject_id, operator_id, note, at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(operator.company_id)
    .bind(subject_id)
    .bind(operator.id)
    .bind(note)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    set_link(
        db,
        operator.company_id,
        message_id,
        LinkKind::Contact,
        id,
        true,
    )
    .await?;
    Ok(id)
}
