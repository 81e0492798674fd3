//! Storing what the composer submits. Every query is scoped to the operator's company.

use sqlx::AnyConnection;

use sms::procedure::Procedure;
use sms::quiet::{Allowed, QuietHours};

use super::{About, Checked, Draft, Intent, Recipient, Topic, TopicInfo};
use crate::auth::ssr::Operator;
use crate::documents::DocumentKind;
use crate::error::{AppError, Field, Problem, Result};
use crate::messages::ssr::{record_event, unchangeable};
use crate::messages::{Category, Status};
use crate::replies::ssr::refuses;
use crate::ssr::{Db, TIME_ZONE};

/// What a message is written to (subject and representative), from (procedure and template)
/// and about (document or task), as the browser names them.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageLinks {
    pub subject_id: Option<i64>,
    pub representative_id: Option<i64>,
    pub document_id: Option<i64>,
    pub task_id: Option<i64>,
    pub template_id: Option<i64>,
    /// `None` for messages not written in the composer.
    pub procedure: Option<Procedure>,
}

/// Checks that the template, document, task and recipient are the company's own (a
/// representative of that subject), so a message cannot be linked to another company's data.
async fn check_links(
    conn: &mut AnyConnection,
    company_id: i64,
    links: MessageLinks,
) -> Result<MessageLinks> {
    let owned = [
        ("templates", links.template_id),
        ("documents", links.document_id),
        ("tasks", links.task_id),
    ];
    for (table, id) in owned {
        let Some(id) = id else { continue };
        sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM {table} WHERE id = $1 AND company_id = $2"
        ))
        .bind(id)
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    }
    let Some(subject_id) = links.subject_id else {
        return Ok(MessageLinks {
            representative_id: None,
            ..links
        });
    };
    let found: Option<i64> = match links.representative_id {
        None => {
            sqlx::query_scalar("SELECT id FROM subjects WHERE id = $1 AND company_id = $2")
                .bind(subject_id)
                .bind(company_id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Some(representative_id) => {
            sqlx::query_scalar(
                "SELECT s.id FROM subjects s JOIN representatives r ON r.subject_id = s.id \
             WHERE s.id = $1 AND s.company_id = $2 AND r.id = $3",
            )
            .bind(subject_id)
            .bind(company_id)
            .bind(representative_id)
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    found.map(|_| links).ok_or(AppError::NotFound)
}

/// The text to send: `body` with its macros filled for the recipient and the document or task,
/// as the procedure offers them. Refused, naming each macro, if any cannot be filled.
pub async fn fill_macros(
    conn: &mut AnyConnection,
    operator: &Operator,
    body: &str,
    links: &MessageLinks,
) -> Result<String> {
    let context = crate::templates::ssr::context_for(conn, operator, links).await?;
    let template = sms::template::parse(body);
    let procedure = links.procedure.unwrap_or(Procedure::SmsForm);
    sms::template::render(&template, &context, &[procedure])
        .into_result()
        .map_err(|e| AppError::invalid(Field::Body, Problem::UnfilledMacros(e.problems)))
}

/// A message ready to send: its macros filled for the recipient as its procedure offers
/// them, Polish characters replaced when `without_polish` saves parts, and its number checked
/// by libphonenumber as well.
pub async fn to_send(
    db: &Db,
    operator: &Operator,
    phone: &str,
    body: &str,
    links: &MessageLinks,
    without_polish: bool,
) -> Result<Checked> {
    let mut conn = db.pool.acquire().await?;
    let filled = fill_macros(&mut conn, operator, body, links).await?;
    drop(conn);
    let body = match without_polish {
        // Never costs more parts: the text stays as it is unless replacing saves some.
        true => sms::transliterate(&filled, &super::sending_options()).text,
        false => filled,
    };
    let checked = super::check(phone, &body, Intent::Send)?;
    crate::phone::ssr::validate(&checked.phone)
        .map_err(|e| AppError::invalid(Field::Phone, Problem::Phone(e)))?;
    Ok(checked)
}

/// Sends the company's draft `id` as it was saved (the list's "Wyślij").
pub async fn send_draft(db: &Db, operator: &Operator, id: i64, now: i64) -> Result<i64> {
    let draft = load_draft(db, operator.company_id, id).await?;
    let links = MessageLinks {
        subject_id: draft.recipient.as_ref().map(|r| r.subject_id),
        representative_id: draft.recipient.and_then(|r| r.representative_id),
        document_id: draft.about.document_id,
        task_id: draft.about.task_id,
        template_id: draft.template_id,
        procedure: Some(draft.procedure.unwrap_or(Procedure::SmsForm)),
    };
    let checked = to_send(db, operator, &draft.phone, &draft.body, &links, false).await?;
    let timing = Timing {
        category: draft.category,
        now,
        ..Timing::default()
    };
    store(
        db,
        operator,
        Some(id),
        &checked,
        Intent::Send,
        links,
        timing,
    )
    .await
}

/// What a message is for, when it goes and from whom.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    pub category: Category,
    /// Goes now even in quiet hours (an operator's single message).
    pub urgent: bool,
    /// The time the operator chose (epoch ms); `None`: at once.
    pub send_at: Option<i64>,
    /// When it is being stored (the app's clock).
    pub now: i64,
    /// From the connection's own number (recipients can reply to it), not the sender name.
    pub from_number: bool,
}

impl Timing {
    /// A transactional message, at once, by the system clock.
    pub fn now() -> Timing {
        Timing {
            now: crate::ssr::now_ms(),
            ..Timing::default()
        }
    }
}

/// When a message to send may go, `None` for at once: at the time chosen, and for marketing
/// that is not urgent, not before the company's quiet hours end.
pub async fn send_at(
    conn: &mut AnyConnection,
    company_id: i64,
    timing: Timing,
) -> Result<Option<i64>> {
    if let Some(at) = timing.send_at.filter(|at| *at <= timing.now) {
        tracing::debug!(at, "a time in the past");
        return Err(AppError::invalid(Field::SendAt, Problem::InThePast));
    }
    let earliest = timing.send_at.unwrap_or(timing.now);
    let held = timing.category == Category::Marketing && !timing.urgent;
    let released = match held {
        true => held_until(&quiet_hours(conn, company_id).await?, earliest),
        false => None,
    };
    Ok(released.or(timing.send_at))
}

/// The company's quiet hours.
pub async fn quiet_hours(conn: &mut AnyConnection, company_id: i64) -> Result<QuietHours> {
    let (from, to, days): (i64, i64, i64) =
        sqlx::query_as("SELECT quiet_from, quiet_to, quiet_days FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(conn)
            .await?;
    Ok(QuietHours {
        from: from as u16,
        to: to as u16,
        days: days as u8,
    })
}

/// The first instant after `at` (epoch ms) that `quiet` allows, in the companies' time zone;
/// `None` if `at` is allowed.
pub fn held_until(quiet: &QuietHours, at: i64) -> Option<i64> {
    use chrono::{Datelike, TimeZone, Timelike};
    let local = TIME_ZONE.timestamp_millis_opt(at).single()?;
    let minute = (local.hour() * 60 + local.minute()) as u16;
    let weekday = local.weekday().num_days_from_monday() as u8;
    let Allowed::Later { days, minute } = quiet.next_allowed(weekday, minute) else {
        return None;
    };
    let day = local.date_naive() + chrono::Days::new(u64::from(days));
    let wall = day.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    // A start inside the spring-forward gap goes an hour later.
    let instant = (TIME_ZONE.from_local_datetime(&wall).earliest()).or_else(|| {
        TIME_ZONE
            .from_local_datetime(&(wall + chrono::Duration::hours(1)))
            .earliest()
    })?;
    Some(instant.timestamp_millis())
}

/// A time as the browser's `datetime-local` field sends it (`YYYY-MM-DDTHH:MM`), in the
/// companies' time zone, as epoch ms; an empty text is `None` (at once).
pub fn parse_send_at(text: &str) -> Result<Option<i64>> {
    use chrono::TimeZone;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || AppError::invalid(Field::SendAt, Problem::InvalidInstant);
    let wall = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| invalid())?;
    let instant = TIME_ZONE
        .from_local_datetime(&wall)
        .earliest()
        .ok_or_else(invalid)?;
    Ok(Some(instant.timestamp_millis()))
}

/// Inserts the message, or updates the operator's draft `draft_id`, as a draft or queued for
/// sending. Returns the message id. A message the recipient opted out of is refused. A message
/// to send holds its credits (one per part) from the account's pool; when the pool has too few
/// it is refused and kept as a draft, whose id the error carries.
pub async fn store(
    db: &Db,
    operator: &Operator,
    draft_id: Option<i64>,
    message: &Checked,
    intent: Intent,
    links: MessageLinks,
    timing: Timing,
) -> Result<i64> {
    match store_as(db, operator, draft_id, message, intent, links, timing).await {
        Err(AppError::Invalid {
            field,
            problem: Problem::NoCredit { needed, left, .. },
        }) => {
            let draft = Intent::Draft;
            let id = store_as(db, operator, draft_id, message, draft, links, timing).await?;
            let draft = Some(id);
            let problem = Problem::NoCredit {
                needed,
                left,
                draft,
            };
            Err(AppError::invalid(field, problem))
        }
        stored => stored,
    }
}

async fn store_as(
    db: &Db,
    operator: &Operator,
    draft_id: Option<i64>,
    message: &Checked,
    intent: Intent,
    links: MessageLinks,
    timing: Timing,
) -> Result<i64> {
    let now = timing.now;
    let (status, queued_at) = match intent {
        Intent::Send => (Status::Pending, Some(now)),
        Intent::Draft => (Status::Draft, None),
    };
    let encoding = encoding_name(message.analysis.encoding);
    let mut tx = db.begin_write().await?;
    let links = check_links(&mut tx, operator.company_id, links).await?;
    let procedure = links.procedure.map(Procedure::id);
    let (send_at, sender) = match intent {
        Intent::Send => {
            let company_id = operator.company_id;
            if refuses(&mut tx, company_id, &message.phone, timing.category).await? {
                return Err(AppError::invalid(Field::Phone, Problem::OptedOut));
            }
            let sender = match timing.from_number {
                true => None,
                false => crate::sender_names::ssr::sender_of(&mut tx, company_id).await?,
            };
            (send_at(&mut tx, company_id, timing).await?, sender)
        }
        Intent::Draft => (None, None),
    };
    let category = timing.category.as_str();
    let id: i64 = match draft_id {
        None => {
            let new = NewMessage {
                company_id: operator.company_id,
                operator_id: operator.id,
                message,
                status,
                links,
                category: timing.category,
                send_at,
                sender: sender.as_deref(),
                now,
            };
            insert(&mut tx, &new).await?
        }
        Some(draft_id) => {
            let updated: Option<i64> = sqlx::query_scalar(
                "UPDATE messages SET phone = $1, body = $2, encoding = $3, parts = $4, status = $5, \
                                     updated_at = $6, queued_at = $7, subject_id = $10, \
                                     representative_id = $11, template_id = $12, procedure = $13, \
                                     document_id = $14, task_id = $15, operator_id = $16, \
                                     category = $17, send_at = $18, sender = $19 \
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
            .bind(links.subject_id)
            .bind(links.representative_id)
            .bind(links.template_id)
            .bind(procedure)
            .bind(links.document_id)
            .bind(links.task_id)
            // A draft is sent (and kept) in the name of whoever saved it last.
            .bind(operator.id)
            .bind(category)
            .bind(send_at)
            .bind(&sender)
            .fetch_optional(&mut *tx)
            .await?;
            match updated {
                Some(id) => {
                    record_event(&mut tx, id, status, None, now).await?;
                    id
                }
                // Not a draft of this company: gone, someone else's, or already sent.
                None => return Err(unchangeable(&mut tx, operator.company_id, draft_id).await?),
            }
        }
    };
    if status == Status::Pending {
        let parts = message.analysis.segments;
        let about = crate::credits::ssr::About {
            company_id: Some(operator.company_id),
            operator_id: Some(operator.id),
            message_id: Some(id),
            order_id: None,
        };
        crate::messages::ssr::queue_parts(&mut tx, operator.account_id, about, parts, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        message_id = id,
        operator_id = operator.id,
        status = status.as_str(),
        category,
        send_at,
        parts = message.analysis.segments,
        "message stored"
    );
    Ok(id)
}

/// A message as it is first stored.
pub struct NewMessage<'a> {
    pub company_id: i64,
    pub operator_id: i64,
    pub message: &'a Checked,
    /// Draft, or pending (queued: the caller holds its credits and gives it its parts).
    pub status: Status,
    pub links: MessageLinks,
    pub category: Category,
    pub send_at: Option<i64>,
    pub sender: Option<&'a str>,
    pub now: i64,
}

/// Inserts a message in the caller's transaction, with the first event of its history.
pub async fn insert(conn: &mut AnyConnection, new: &NewMessage<'_>) -> Result<i64> {
    let queued_at = (new.status == Status::Pending).then_some(new.now);
    let id = sqlx::query_scalar(
        "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                               created_at, updated_at, queued_at, subject_id, representative_id, \
                               template_id, procedure, document_id, task_id, category, \
                               send_at, sender) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18) \
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(new.operator_id)
    .bind(&new.message.phone)
    .bind(&new.message.body)
    .bind(encoding_name(new.message.analysis.encoding))
    .bind(i64::from(new.message.analysis.segments))
    .bind(new.status.as_str())
    .bind(new.now)
    .bind(queued_at)
    .bind(new.links.subject_id)
    .bind(new.links.representative_id)
    .bind(new.links.template_id)
    .bind(new.links.procedure.map(Procedure::id))
    .bind(new.links.document_id)
    .bind(new.links.task_id)
    .bind(new.category.as_str())
    .bind(new.send_at)
    .bind(new.sender)
    .fetch_one(&mut *conn)
    .await?;
    record_event(conn, id, new.status, None, new.now).await?;
    Ok(id)
}

fn encoding_name(encoding: sms::Encoding) -> &'static str {
    match encoding {
        sms::Encoding::Gsm7 => "gsm7",
        sms::Encoding::Ucs2 => "ucs2",
    }
}

/// When the company last sent `template_id` to `phone` about `document_id`, if it did.
pub async fn sent_before(
    db: &Db,
    company_id: i64,
    template_id: i64,
    document_id: i64,
    phone: &str,
) -> Result<Option<crate::format::LocalTime>> {
    let Ok(phone) = sms::normalize(phone) else {
        return Ok(None);
    };
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(COALESCE(submitted_at, queued_at)) FROM messages \
         WHERE company_id = $1 AND template_id = $2 AND document_id = $3 AND phone = $4 \
           AND status <> 'draft'",
    )
    .bind(company_id)
    .bind(template_id)
    .bind(document_id)
    .bind(phone)
    .fetch_one(&db.pool)
    .await?;
    Ok(at.map(crate::ssr::local_time))
}

/// How long a composer link opens the composer.
pub const LINK_TTL_MS: i64 = 10 * 60 * 1000;

/// A link that opens the composer about the company's document or task (the ERP's "Send SMS"
/// button): its secret token and when it expires.
pub async fn create_link(
    db: &Db,
    company_id: i64,
    about: About,
    now: i64,
) -> Result<(String, i64)> {
    let token = crate::auth::ssr::new_token();
    let expires_at = now + LINK_TTL_MS;
    sqlx::query(
        "INSERT INTO composer_links (token_hash, company_id, document_id, task_id, expires_at, \
                                     created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::auth::ssr::token_hash(&token))
    .bind(company_id)
    .bind(about.document_id)
    .bind(about.task_id)
    .bind(expires_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok((token, expires_at))
}

/// Where a link takes the operator: the composer about its topic, in the link's company (the
/// operator's session moves there), or `None` when the link is unknown, expired, or of a
/// company the operator does not work in.
pub async fn follow_link(
    db: &Db,
    operator: &Operator,
    session: &str,
    token: &str,
    now: i64,
) -> Result<Option<String>> {
    let Some((company_id, about)) = open_link(db, token, now).await? else {
        return Ok(None);
    };
    let allowed: Option<i64> = sqlx::query_scalar(
        "SELECT oc.company_id FROM operator_companies oc JOIN companies c ON c.id = oc.company_id \
         WHERE oc.operator_id = $1 AND oc.company_id = $2 AND c.account_id = $3",
    )
    .bind(operator.id)
    .bind(company_id)
    .bind(operator.account_id)
    .fetch_optional(&db.pool)
    .await?;
    if allowed.is_none() {
        return Ok(None);
    }
    if company_id != operator.company_id {
        crate::auth::ssr::move_session(db, session, company_id).await?;
    }
    Ok(Some(match about {
        About {
            document_id: Some(id),
            ..
        } => format!("/?document={id}"),
        About {
            task_id: Some(id), ..
        } => format!("/?task={id}"),
        _ => "/".to_string(),
    }))
}

/// The company and topic of an unexpired link, or `None`.
pub async fn open_link(db: &Db, token: &str, now: i64) -> Result<Option<(i64, About)>> {
    let found: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT company_id, document_id, task_id FROM composer_links \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(crate::auth::ssr::token_hash(token))
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.map(|(company_id, document_id, task_id)| {
        (
            company_id,
            About {
                document_id,
                task_id,
            },
        )
    }))
}

/// The document or task a message is about, the procedure it is written from and its subject;
/// `None` when `about` names neither. An id of another company's record is not found.
pub async fn topic(
    conn: &mut AnyConnection,
    company_id: i64,
    about: About,
) -> Result<Option<TopicInfo>> {
    let (topic, procedure, subject) = if let Some(id) = about.document_id {
        let listed = crate::documents::ssr::by_id(&mut *conn, company_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let document = listed.document;
        let procedure = match document.kind {
            DocumentKind::SalesInvoice => Procedure::SalesInvoiceForm,
            DocumentKind::Order | DocumentKind::TransportOrder => Procedure::OrderForm,
            // No procedure offers a contract's fields yet.
            DocumentKind::Contract | DocumentKind::Other => Procedure::SmsForm,
        };
        let topic = Topic::Document {
            id,
            kind: document.kind,
            number: document.number,
        };
        (topic, procedure, listed.subject)
    } else if let Some(id) = about.task_id {
        let listed = crate::tasks::ssr::by_id(&mut *conn, company_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let topic = Topic::Task {
            id,
            title: listed.task.title,
        };
        (topic, Procedure::TaskForm, listed.subject)
    } else {
        return Ok(None);
    };
    let (recipient, suggestions) = match subject {
        None => (None, Vec::new()),
        Some(subject) => {
            let phone: Option<String> =
                sqlx::query_scalar("SELECT sms_phone FROM subjects WHERE id = $1")
                    .bind(subject.id)
                    .fetch_one(&mut *conn)
                    .await?;
            let label = format!("{} — {}", subject.code, subject.name);
            let recipient = Recipient {
                subject_id: subject.id,
                representative_id: None,
                label: label.clone(),
            };
            let phone = phone.unwrap_or_default();
            let mut suggestions = Vec::new();
            if !phone.is_empty() {
                suggestions.push((recipient.clone(), phone.clone()));
            }
            let representatives: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT id, name, sms_phone FROM representatives \
                 WHERE subject_id = $1 AND active = 1 ORDER BY name",
            )
            .bind(subject.id)
            .fetch_all(&mut *conn)
            .await?;
            for (id, name, phone) in representatives {
                let Some(phone) = phone.filter(|p| !p.is_empty()) else {
                    continue;
                };
                let representative = Recipient {
                    subject_id: subject.id,
                    representative_id: Some(id),
                    label: format!("{label} / {name}"),
                };
                suggestions.push((representative, phone));
            }
            (Some((recipient, phone)), suggestions)
        }
    };
    Ok(Some(TopicInfo {
        topic,
        procedure,
        recipient,
        suggestions,
    }))
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    phone: String,
    body: String,
    subject_id: Option<i64>,
    representative_id: Option<i64>,
    subject_code: Option<String>,
    subject_name: Option<String>,
    representative_name: Option<String>,
    template_id: Option<i64>,
    procedure: Option<String>,
    document_id: Option<i64>,
    task_id: Option<i64>,
    category: String,
}

pub async fn load_draft(db: &Db, company_id: i64, id: i64) -> Result<Draft> {
    load(db, company_id, id, " AND m.status = 'draft'").await
}

/// A new message copied from the company's message `id`, sent or not (the list's "Kopiuj"):
/// its recipient, number, text and topic. It keeps the template only when that template is
/// attached to the SMS form, where the copy is edited; otherwise the text alone.
pub async fn load_copy(db: &Db, company_id: i64, id: i64) -> Result<Draft> {
    let mut copy = load(db, company_id, id, "").await?;
    if let Some(template_id) = copy.template_id {
        let attached: Option<i64> = sqlx::query_scalar(
            "SELECT template_id FROM template_procedures \
             WHERE template_id = $1 AND company_id = $2 AND procedure = $3",
        )
        .bind(template_id)
        .bind(company_id)
        .bind(Procedure::SmsForm.id())
        .fetch_optional(&db.pool)
        .await?;
        copy.template_id = attached;
    }
    copy.procedure = Some(Procedure::SmsForm);
    Ok(copy)
}

async fn load(db: &Db, company_id: i64, id: i64, condition: &str) -> Result<Draft> {
    let row: DraftRow = sqlx::query_as(&format!(
        "SELECT m.id, m.phone, m.body, m.subject_id, m.representative_id, \
                s.code AS subject_code, s.name AS subject_name, r.name AS representative_name, \
                m.template_id, m.procedure, m.document_id, m.task_id, m.category \
         FROM messages m \
         LEFT JOIN subjects s ON s.id = m.subject_id \
         LEFT JOIN representatives r ON r.id = m.representative_id \
         WHERE m.id = $1 AND m.company_id = $2{condition}"
    ))
    .bind(id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let recipient = row.subject_id.map(|subject_id| {
        let mut label = format!(
            "{} — {}",
            row.subject_code.unwrap_or_default(),
            row.subject_name.unwrap_or_default()
        );
        if let Some(name) = &row.representative_name {
            label.push_str(&format!(" / {name}"));
        }
        Recipient {
            subject_id,
            representative_id: row.representative_id,
            label,
        }
    });
    Ok(Draft {
        id: row.id,
        phone: row.phone,
        body: row.body,
        recipient,
        template_id: row.template_id,
        procedure: row.procedure.as_deref().and_then(Procedure::from_id),
        category: Category::parse(&row.category).unwrap_or_default(),
        about: About {
            document_id: row.document_id,
            task_id: row.task_id,
        },
    })
}
