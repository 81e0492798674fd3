//! Correspondence in the database: the company's notification settings, registering items
//! with their one notification (its messages queued and credits held in the same
//! transaction), and the list.

use sms::procedure::Procedure;
use sms::template::Context;
use sqlx::AnyConnection;

use super::{
    ListedItem, Notice, NotificationSettings, Preview, Registered, Registration, SettingsView,
    DEFAULT_TEXT,
};
use crate::auth::ssr::Operator;
use crate::composer::ssr::{MessageLinks, NewMessage};
use crate::composer::{Checked, Intent};
use crate::documents::SubjectRef;
use crate::error::{AppError, Field, Problem, Result};
use crate::messages::{Category, Status};
use crate::ssr::{local_time, Db};

pub async fn settings(conn: &mut AnyConnection, company_id: i64) -> Result<NotificationSettings> {
    let row: Option<(i64, Option<String>, String)> = sqlx::query_as(
        "SELECT enabled, sender, text FROM notification_settings WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some((enabled, sender, text)) => NotificationSettings {
            enabled: enabled != 0,
            sender,
            text,
        },
        None => NotificationSettings {
            enabled: false,
            sender: None,
            text: DEFAULT_TEXT.to_string(),
        },
    })
}

/// The account's authorised sender names.
async fn senders(conn: &mut AnyConnection, account_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM sender_names WHERE account_id = $1 AND status = 'authorised' \
         ORDER BY name",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?)
}

pub async fn settings_view(db: &Db, operator: &Operator, now: i64) -> Result<SettingsView> {
    let mut conn = db.pool.acquire().await?;
    let settings = settings(&mut conn, operator.company_id).await?;
    let sample = fill(
        &settings.text,
        "Przykładowy Klient Sp. z o.o.",
        &["Urząd Skarbowy"],
    );
    let parts = sms::analyze(&sample, &crate::composer::sending_options()).segments;
    Ok(SettingsView {
        senders: senders(&mut conn, operator.account_id).await?,
        credits_left: (crate::credits::ssr::balance(&mut conn, operator.account_id).await?)
            .available,
        settings,
        parts,
        is_administrator: operator.is_administrator(),
        today: (local_time(now).naive())
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
    })
}

pub async fn save_settings(
    db: &Db,
    operator: &Operator,
    settings: &NotificationSettings,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if let Some(sender) = &settings.sender {
        if !senders(&mut tx, operator.account_id)
            .await?
            .contains(sender)
        {
            return Err(AppError::invalid(Field::SenderName, Problem::NotAuthorised));
        }
    }
    sqlx::query(
        "INSERT INTO notification_settings (company_id, enabled, sender, text, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id) DO UPDATE \
         SET enabled = $2, sender = $3, text = $4, updated_at = $5",
    )
    .bind(operator.company_id)
    .bind(i64::from(settings.enabled))
    .bind(&settings.sender)
    .bind(&settings.text)
    .bind(crate::ssr::now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        company_id = operator.company_id,
        enabled = settings.enabled,
        "notification settings saved"
    );
    Ok(())
}

/// The notification text with `[klient]` and `[nadawca]` (and the other macros of
/// notifications) filled, every sender named once, and the values' Polish letters replaced
/// (the text itself has none), so it goes in the GSM alphabet.
pub fn fill(text: &str, client: &str, senders: &[&str]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for sender in senders.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !unique.contains(&sender) {
            unique.push(sender);
        }
    }
    let context = Context::new()
        .with("nazwa", client)
        .with("nadawca", unique.join(", "));
    let template = sms::template::parse(text);
    let filled = sms::template::render(&template, &context, &[Procedure::Notifications]).text;
    sms::transliterate::plain(&filled)
}

/// Why the client's notification would not go, and its numbers.
async fn recipients(
    conn: &mut AnyConnection,
    company_id: i64,
    subject_id: i64,
) -> Result<(String, std::result::Result<Vec<String>, &'static str>)> {
    let subject = crate::address_book::ssr::get(conn, company_id, subject_id)
        .await?
        .subject;
    if !subject.notifications_enabled {
        return Ok((subject.name, Err("client_declined")));
    }
    let numbers: Vec<String> = (subject.notification_numbers.iter())
        .map(|n| n.phone.clone())
        .filter(|p| !p.is_empty())
        .collect();
    match numbers.is_empty() {
        true => Ok((subject.name, Err("no_numbers"))),
        false => Ok((subject.name, Ok(numbers))),
    }
}

pub async fn preview(
    db: &Db,
    operator: &Operator,
    subject_id: i64,
    senders: &[String],
    text: &str,
) -> Result<Preview> {
    let mut conn = db.pool.acquire().await?;
    let settings = settings(&mut conn, operator.company_id).await?;
    let (client, numbers) = recipients(&mut conn, operator.company_id, subject_id).await?;
    let text = match text.trim() {
        "" => settings.text.as_str(),
        edited => edited,
    };
    let senders: Vec<&str> = senders.iter().map(String::as_str).collect();
    let filled = fill(text, &client, &senders);
    let parts = sms::analyze(&filled, &crate::composer::sending_options()).segments;
    let blocked = match (&numbers, settings.enabled) {
        (_, false) => Some("disabled".to_string()),
        (Err(why), _) => Some(why.to_string()),
        (Ok(_), true) => None,
    };
    Ok(Preview {
        text: filled,
        parts,
        numbers: numbers
            .unwrap_or_default()
            .iter()
            .map(|p| sms::format_display(p))
            .collect(),
        blocked,
    })
}

/// Registers the items and, when asked and the company and client want it, queues one
/// notification to each of the client's numbers. The items are kept whatever becomes of the
/// notification; its outcome is kept with them.
pub async fn register(
    db: &Db,
    operator: &Operator,
    registration: &Registration,
    now: i64,
) -> Result<Registered> {
    let company_id = operator.company_id;
    let mut tx = db.begin_write().await?;
    let settings = settings(&mut tx, company_id).await?;
    let (client, numbers) = recipients(&mut tx, company_id, registration.subject_id).await?;
    let template = match registration.text.trim() {
        "" => settings.text.as_str(),
        edited => edited,
    };
    let senders: Vec<&str> = (registration.items.iter())
        .map(|i| i.sender.as_str())
        .collect();
    let text = fill(template, &client, &senders);
    let mut notice = Notice {
        sent: false,
        reason: None,
        text: text.clone(),
        message_ids: Vec::new(),
    };
    let ready = match (registration.notify, settings.enabled, numbers) {
        (false, _, _) => Err("not_requested"),
        (true, false, _) => Err("disabled"),
        (true, true, Err(why)) => Err(why),
        (true, true, Ok(numbers)) => Ok(numbers),
    };
    let messages: std::result::Result<Vec<Checked>, &str> = match ready {
        Err(why) => Err(why),
        Ok(numbers) => {
            let mut checked = Vec::new();
            for number in numbers {
                checked.push(crate::composer::check(&number, &text, Intent::Send)?);
            }
            Ok(checked)
        }
    };
    let messages = match messages {
        Ok(messages) => {
            let parts: u32 = messages.iter().map(|m| m.analysis.segments).sum();
            let left = crate::credits::ssr::balance(&mut tx, operator.account_id).await?;
            let mut opted_out = false;
            for m in &messages {
                let category = Category::Transactional;
                opted_out |=
                    crate::replies::ssr::refuses(&mut tx, company_id, &m.phone, category).await?;
            }
            match (opted_out, left.available >= i64::from(parts)) {
                (true, _) => Err("opted_out"),
                (false, false) => Err("no_credit"),
                (false, true) => Ok(messages),
            }
        }
        Err(why) => Err(why),
    };
    let notice_id: i64 = sqlx::query_scalar(
        "INSERT INTO correspondence_notices (company_id, subject_id, text, outcome, reason, \
                created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(company_id)
    .bind(registration.subject_id)
    .bind(&text)
    .bind(if messages.is_ok() { "sent" } else { "skipped" })
    .bind(messages.as_ref().err().copied())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    match messages {
        Err(why) => notice.reason = Some(why.to_string()),
        Ok(messages) => {
            let quiet = crate::composer::ssr::quiet_hours(&mut tx, company_id).await?;
            // A notice registered in the evening waits for the morning, like marketing.
            let send_at = crate::composer::ssr::held_until(&quiet, now);
            let sender = match &settings.sender {
                Some(sender) => Some(sender.clone()),
                None => crate::sender_names::ssr::sender_of(&mut tx, company_id).await?,
            };
            let mut parts = 0;
            for message in &messages {
                let new = NewMessage {
                    company_id,
                    operator_id: operator.id,
                    message,
                    status: Status::Pending,
                    links: MessageLinks {
                        subject_id: Some(registration.subject_id),
                        procedure: Some(Procedure::Notifications),
                        ..MessageLinks::default()
                    },
                    category: Category::Transactional,
                    send_at,
                    sender: sender.as_deref(),
                    now,
                };
                let id = crate::composer::ssr::insert(&mut tx, &new).await?;
                crate::messages::ssr::insert_parts(&mut tx, id, message.analysis.segments).await?;
                sqlx::query("UPDATE messages SET notice_id = $1 WHERE id = $2")
                    .bind(notice_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                parts += message.analysis.segments;
                notice.message_ids.push(id);
            }
            let about = crate::credits::ssr::About {
                company_id: Some(company_id),
                operator_id: Some(operator.id),
                message_id: (notice.message_ids.len() == 1).then(|| notice.message_ids[0]),
                order_id: None,
            };
            crate::credits::ssr::hold(&mut tx, operator.account_id, parts, about, now).await?;
            notice.sent = true;
        }
    }
    let mut item_ids = Vec::with_capacity(registration.items.len());
    for item in &registration.items {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO correspondence (company_id, subject_id, received_on, sender, \
                    description, notice_id, operator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(company_id)
        .bind(registration.subject_id)
        .bind(item.received_on.trim())
        .bind(item.sender.trim())
        .bind(item.description.trim())
        .bind(notice_id)
        .bind(operator.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        item_ids.push(id);
    }
    tx.commit().await?;
    tracing::info!(
        company_id,
        items = item_ids.len(),
        notified = notice.sent,
        "correspondence registered"
    );
    Ok(Registered { item_ids, notice })
}

/// Items per page of the list.
const PAGE: i64 = 50;

pub async fn list(db: &Db, company_id: i64, before: Option<i64>) -> Result<Vec<ListedItem>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        received_on: String,
        sender: String,
        description: String,
        subject_id: i64,
        code: String,
        name: String,
        created_at: i64,
        outcome: Option<String>,
        reason: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.received_on, c.sender, c.description, s.id AS subject_id, s.code, s.name, \
                c.created_at, n.outcome, n.reason \
         FROM correspondence c JOIN subjects s ON s.id = c.subject_id \
         LEFT JOIN correspondence_notices n ON n.id = c.notice_id \
         WHERE c.company_id = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3",
    )
    .bind(company_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(PAGE)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ListedItem {
            id: row.id,
            received_on: row.received_on,
            sender: row.sender,
            description: row.description,
            subject: SubjectRef {
                id: row.subject_id,
                code: row.code,
                name: row.name,
            },
            registered: local_time(row.created_at),
            notice: row.outcome.map(|o| (o == "sent", row.reason)),
        })
        .collect())
}

/// The company's subject by external id (the HTTP API registers by it).
pub async fn subject_id(db: &Db, company_id: i64, external_id: &str) -> Result<i64> {
    let mut conn = db.pool.acquire().await?;
    crate::documents::ssr::subject_id_by_external_id(
        &mut conn,
        company_id,
        external_id,
        Field::SubjectExternalId,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sender_is_named_once_and_values_lose_their_polish_letters() {
        let text = fill(
            "Dzien dobry [klient], korespondencja od: [nadawca].",
            "Łódź-Trans",
            &["ZUS", "Urząd Skarbowy", "ZUS "],
        );
        assert_eq!(
            text,
            "Dzien dobry Lodz-Trans, korespondencja od: ZUS, Urzad Skarbowy."
        );
    }
}
