//! Messages the host ERP sends through the HTTP API: to a number or to a subject by its
//! external id, with a text or a template, about a document or task, at once or at a time.
//! A request's messages are checked first and then queued in one transaction, with their
//! credits held at once; with an `Idempotency-Key` the answer is stored in that same
//! transaction, so a retried request makes nothing new and gets the first answer again.

use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;
use sqlx::AnyConnection;

use crate::auth::ssr::Operator;
use crate::composer::ssr::{MessageLinks, NewMessage, Timing};
use crate::documents::DocumentKind;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::messages::{Category, Status};
use crate::ssr::{Db, Placeholders};

/// One message as the ERP asks for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The number; without it, the subject's SMS phone.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub subject_external_id: Option<String>,
    /// The text, or a template by id or name (exactly one of the three).
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub template_id: Option<i64>,
    #[serde(default)]
    pub template_name: Option<String>,
    #[serde(default)]
    pub document_external_id: Option<String>,
    #[serde(default)]
    pub task_external_id: Option<String>,
    #[serde(default)]
    pub category: Category,
    /// RFC 3339; absent: at once.
    #[serde(default)]
    pub send_at: Option<String>,
    /// Replace Polish characters when that saves parts.
    #[serde(default)]
    pub without_polish: bool,
}

/// A message as the API shows it, with each part's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageOutput {
    pub id: i64,
    /// `Status::as_str`: pending, sent, delivered…
    pub status: String,
    pub phone: String,
    pub body: String,
    pub category: Category,
    pub subject_external_id: Option<String>,
    pub document_external_id: Option<String>,
    pub task_external_id: Option<String>,
    pub sender: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub send_at: Option<String>,
    pub error: Option<String>,
    pub parts: Vec<PartOutput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartOutput {
    pub seq: i64,
    pub status: String,
    pub error: Option<String>,
}

/// A message that passed its checks, ready to queue.
struct Ready {
    message: crate::composer::Checked,
    links: MessageLinks,
    category: Category,
    send_at: Option<i64>,
}

/// The problems of the `index`th message, each named as a field of `items[index]` (`None`: a
/// request of one message, named as the body's own fields).
pub type ItemErrors = Vec<(Option<usize>, FieldError)>;

/// The operator the API's messages are written in the name of: whoever created the token, or
/// the account's first administrator.
pub async fn operator_for(db: &Db, token_id: i64, company_id: i64) -> Result<Operator> {
    let mut conn = db.pool.acquire().await?;
    let created_by: Option<i64> =
        sqlx::query_scalar("SELECT created_by FROM api_tokens WHERE id = $1")
            .bind(token_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    crate::auth::ssr::acting_operator(&mut conn, company_id, created_by).await
}

/// What a stored idempotent request answered: its status and body.
pub struct Answered {
    pub status: u16,
    pub body: String,
}

/// The answer stored for `key`, if the key was used; `Err` when it was used for another request.
pub async fn answered(
    conn: &mut AnyConnection,
    company_id: i64,
    key: &str,
    request_hash: &str,
) -> Result<Option<Answered>> {
    let found: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, answer FROM api_requests \
         WHERE company_id = $1 AND idempotency_key = $2",
    )
    .bind(company_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    match found {
        None => Ok(None),
        Some((hash, _, _)) if hash != request_hash => {
            Err(AppError::invalid(Field::IdempotencyKey, Problem::KeyReused))
        }
        Some((_, status, body)) => Ok(Some(Answered {
            status: status as u16,
            body,
        })),
    }
}

/// Checks every message, then queues them all in one transaction (credits held at once) and
/// returns their ids in order; nothing is queued when any is refused. `key`: the request's
/// idempotency key, its hash, and a function making the answer stored with it.
pub async fn send(
    db: &Db,
    operator: &Operator,
    items: &[MessageInput],
    now: i64,
    idempotency: Option<(&str, &str)>,
    answer: impl FnOnce(&[i64]) -> (u16, String),
) -> std::result::Result<Sent, SendError> {
    let mut ready = Vec::with_capacity(items.len());
    let mut problems: ItemErrors = Vec::new();
    let single = items.len() == 1;
    let mut conn = db.pool.acquire().await.map_err(AppError::from)?;
    for (i, item) in items.iter().enumerate() {
        let at = (!single).then_some(i);
        match prepare(&mut conn, db, operator, item, now).await {
            Ok(r) => ready.push(r),
            Err(AppError::Invalid { field, problem }) => {
                problems.push((at, FieldError::new(field, problem)))
            }
            Err(AppError::InvalidFields(errors)) => {
                problems.extend(errors.into_iter().map(|e| (at, e)))
            }
            Err(e) => return Err(SendError::App(e)),
        }
    }
    drop(conn);
    if !problems.is_empty() {
        return Err(SendError::Items(problems));
    }
    let mut tx = db.begin_write().await.map_err(AppError::from)?;
    if let Some((key, hash)) = idempotency {
        // A retry that arrived while the first was being checked.
        if let Some(answered) = answered(&mut tx, operator.company_id, key, hash).await? {
            return Ok(Sent::Repeated(answered));
        }
    }
    let mut ids = Vec::with_capacity(ready.len());
    let mut credits = 0u32;
    for (i, r) in ready.iter().enumerate() {
        let at = (!single).then_some(i);
        let company_id = operator.company_id;
        if crate::replies::ssr::refuses(&mut tx, company_id, &r.message.phone, r.category).await? {
            let problem = FieldError::new(Field::Phone, Problem::OptedOut);
            return Err(SendError::Items(vec![(at, problem)]));
        }
        let sender = crate::sender_names::ssr::sender_of(&mut tx, company_id).await?;
        let timing = Timing {
            category: r.category,
            send_at: r.send_at,
            now,
            ..Timing::default()
        };
        let send_at = crate::composer::ssr::send_at(&mut tx, company_id, timing).await?;
        let new = NewMessage {
            company_id,
            operator_id: operator.id,
            message: &r.message,
            status: Status::Pending,
            links: r.links,
            category: r.category,
            send_at,
            sender: sender.as_deref(),
            now,
        };
        let id = crate::composer::ssr::insert(&mut tx, &new).await?;
        crate::messages::ssr::insert_parts(&mut tx, id, r.message.analysis.segments).await?;
        credits += r.message.analysis.segments;
        ids.push(id);
    }
    let about = crate::credits::ssr::About {
        company_id: Some(operator.company_id),
        operator_id: Some(operator.id),
        message_id: (ids.len() == 1).then(|| ids[0]),
        order_id: None,
    };
    crate::credits::ssr::hold(&mut tx, operator.account_id, credits, about, now).await?;
    if let Some((key, hash)) = idempotency {
        let (status, body) = answer(&ids);
        sqlx::query(
            "INSERT INTO api_requests (company_id, idempotency_key, request_hash, status, answer, \
                                       created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(operator.company_id)
        .bind(key)
        .bind(hash)
        .bind(i64::from(status))
        .bind(&body)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        return Ok(Sent::New {
            ids,
            stored: Some(Answered { status, body }),
        });
    }
    tx.commit().await.map_err(AppError::from)?;
    Ok(Sent::New { ids, stored: None })
}

/// What `send` did.
pub enum Sent {
    /// Queued these messages (and stored this answer for the key).
    New {
        ids: Vec<i64>,
        stored: Option<Answered>,
    },
    /// The key's request was already done: its answer.
    Repeated(Answered),
}

#[derive(Debug)]
pub enum SendError {
    /// Messages refused, each problem with the message's position.
    Items(ItemErrors),
    App(AppError),
}

impl From<AppError> for SendError {
    fn from(e: AppError) -> Self {
        SendError::App(e)
    }
}

/// One message checked: its recipient, topic and template found in the company, its macros
/// filled, its number valid.
async fn prepare(
    conn: &mut AnyConnection,
    db: &Db,
    operator: &Operator,
    item: &MessageInput,
    now: i64,
) -> Result<Ready> {
    let company_id = operator.company_id;
    let mut errors = Vec::new();
    let given = [
        (Field::Phone, &item.phone),
        (Field::SubjectExternalId, &item.subject_external_id),
        (Field::Body, &item.body),
        (Field::Template, &item.template_name),
        (Field::DocumentExternalId, &item.document_external_id),
        (Field::TaskExternalId, &item.task_external_id),
        (Field::SendAt, &item.send_at),
    ];
    for (field, text) in given {
        // No database stores a NUL, and none belongs in an SMS or a key.
        if text.as_deref().is_some_and(|t| t.contains('\0')) {
            errors.push(FieldError::new(field, Problem::ControlCharacters));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    let texts = [
        item.body.is_some(),
        item.template_id.is_some(),
        item.template_name.is_some(),
    ];
    if texts.iter().filter(|given| **given).count() != 1 {
        errors.push(FieldError::new(Field::Body, Problem::BodyOrTemplate));
    }
    if item.phone.is_none() && item.subject_external_id.is_none() {
        errors.push(FieldError::new(Field::Phone, Problem::Required));
    }
    let send_at =
        (item.send_at.as_deref()).map(|at| crate::input::instant(&mut errors, Field::SendAt, at));
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    if send_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid(Field::SendAt, Problem::InThePast));
    }
    let subject = match &item.subject_external_id {
        Some(external_id) => {
            let field = Field::SubjectExternalId;
            let id = crate::documents::ssr::subject_id_by_external_id(
                conn,
                company_id,
                external_id,
                field,
            )
            .await?;
            let phone: Option<String> =
                sqlx::query_scalar("SELECT sms_phone FROM subjects WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
            Some((id, phone.unwrap_or_default()))
        }
        None => None,
    };
    let document = match &item.document_external_id {
        Some(id) => {
            Some(record_id(conn, "documents", company_id, id, Field::DocumentExternalId).await?)
        }
        None => None,
    };
    let task = match &item.task_external_id {
        Some(id) => Some(record_id(conn, "tasks", company_id, id, Field::TaskExternalId).await?),
        None => None,
    };
    let kind = match document {
        Some(id) => {
            sqlx::query_scalar::<_, String>("SELECT kind FROM documents WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let procedure = match (&kind, &task) {
        (Some(kind), _) => match DocumentKind::parse(kind) {
            Some(DocumentKind::SalesInvoice) => Procedure::SalesInvoiceForm,
            Some(DocumentKind::Order | DocumentKind::TransportOrder) => Procedure::OrderForm,
            _ => Procedure::SmsForm,
        },
        (None, Some(_)) => Procedure::TaskForm,
        (None, None) => Procedure::SmsForm,
    };
    let template = match (&item.template_id, &item.template_name) {
        (Some(id), _) => Some(
            crate::templates::ssr::get(conn, company_id, *id)
                .await
                .map_err(|_| AppError::invalid(Field::Template, Problem::UnknownRecord))?,
        ),
        (None, Some(name)) => {
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM templates WHERE company_id = $1 AND name = $2 AND hidden = 0",
            )
            .bind(company_id)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
            let id =
                id.ok_or_else(|| AppError::invalid(Field::Template, Problem::UnknownRecord))?;
            Some(crate::templates::ssr::get(conn, company_id, id).await?)
        }
        (None, None) => None,
    };
    let body = match (&item.body, &template) {
        (Some(body), _) => body.clone(),
        (None, Some(template)) => template.template.body.clone(),
        (None, None) => String::new(),
    };
    let links = MessageLinks {
        subject_id: subject.as_ref().map(|(id, _)| *id),
        representative_id: None,
        document_id: document,
        task_id: task,
        template_id: template.map(|t| t.id),
        procedure: Some(procedure),
    };
    let phone = match (&item.phone, &subject) {
        (Some(phone), _) => phone.clone(),
        (None, Some((_, phone))) if !phone.is_empty() => phone.clone(),
        (None, _) => return Err(AppError::invalid(Field::SmsPhone, Problem::Required)),
    };
    let message =
        crate::composer::ssr::to_send(db, operator, &phone, &body, &links, item.without_polish)
            .await?;
    Ok(Ready {
        message,
        links,
        category: item.category,
        send_at,
    })
}

/// The id of the company's document or task with this external id.
pub async fn record_id(
    conn: &mut AnyConnection,
    table: &str,
    company_id: i64,
    external_id: &str,
    field: Field,
) -> Result<i64> {
    let sql = format!("SELECT id FROM {table} WHERE company_id = $1 AND external_id = $2");
    sqlx::query_scalar(&sql)
        .bind(company_id)
        .bind(external_id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| AppError::invalid(field, Problem::UnknownRecord))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    status: String,
    phone: String,
    body: String,
    category: String,
    subject_external_id: Option<String>,
    document_external_id: Option<String>,
    task_external_id: Option<String>,
    sender: Option<String>,
    created_at: i64,
    send_at: Option<i64>,
    error: Option<String>,
}

/// The company's messages `ids` as the API shows them, in the order given (unknown ids left out).
pub async fn messages(db: &Db, company_id: i64, ids: &[i64]) -> Result<Vec<MessageOutput>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut p = Placeholders::new(db.backend);
    let sql = format!(
        "SELECT m.id, m.status, m.phone, m.body, m.category, s.external_id AS subject_external_id, \
                d.external_id AS document_external_id, t.external_id AS task_external_id, \
                m.sender, m.created_at, m.send_at, m.error \
         FROM messages m \
         LEFT JOIN subjects s ON s.id = m.subject_id \
         LEFT JOIN documents d ON d.id = m.document_id \
         LEFT JOIN tasks t ON t.id = m.task_id \
         WHERE m.company_id = {} AND m.id IN ({})",
        p.one(),
        p.list(ids.len())
    );
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(company_id);
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut p = Placeholders::new(db.backend);
    let sql = format!(
        "SELECT message_id, seq, status, error FROM message_parts WHERE message_id IN ({}) \
         ORDER BY message_id, seq",
        p.list(ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64, String, Option<String>)>(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let mut parts: std::collections::HashMap<i64, Vec<PartOutput>> = Default::default();
    for (message_id, seq, status, error) in query.fetch_all(&db.pool).await? {
        let status = part_status(&status).as_str().to_string();
        parts
            .entry(message_id)
            .or_default()
            .push(PartOutput { seq, status, error });
    }
    let mut by_id: std::collections::HashMap<i64, MessageOutput> = rows
        .into_iter()
        .map(|row| {
            let output = MessageOutput {
                id: row.id,
                status: row.status,
                phone: row.phone,
                body: row.body,
                category: Category::parse(&row.category).unwrap_or_default(),
                subject_external_id: row.subject_external_id,
                document_external_id: row.document_external_id,
                task_external_id: row.task_external_id,
                sender: row.sender,
                created_at: rfc3339(row.created_at),
                send_at: row.send_at.map(rfc3339),
                error: row.error,
                parts: parts.remove(&row.id).unwrap_or_default(),
            };
            (row.id, output)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A part's stored status as the message statuses name it (a part being submitted is pending).
fn part_status(stored: &str) -> Status {
    Status::parse(stored).unwrap_or(Status::Pending)
}

pub fn rfc3339(epoch_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch_ms)
        .map(|t| t.with_timezone(&crate::ssr::TIME_ZONE).to_rfc3339())
        .unwrap_or_default()
}

/// The company's messages whose status changed after event `since` (at most `limit`), and the
/// event to ask from next time: the API's feed of statuses.
pub async fn changed_since(
    db: &Db,
    company_id: i64,
    since: i64,
    limit: i64,
) -> Result<(Vec<MessageOutput>, i64)> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.id, e.message_id FROM message_events e JOIN messages m ON m.id = e.message_id \
         WHERE m.company_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3",
    )
    .bind(company_id)
    .bind(since)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let next = rows.last().map_or(since, |(event, _)| *event);
    let mut ids: Vec<i64> = Vec::new();
    for (_, message_id) in rows {
        if !ids.contains(&message_id) {
            ids.push(message_id);
        }
    }
    Ok((messages(db, company_id, &ids).await?, next))
}
