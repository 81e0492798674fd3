//! The automaton in the database: settings and rules, the plan of reminders due in a window
//! (what the dry run shows and what the service sends), taking a reminder once (its key is
//! unique, and the message or e-mail is made in the same transaction), the log and the
//! service's state.

use std::collections::HashMap;

use sms::procedure::Procedure;
use sqlx::AnyConnection;

use super::{
    Audience, Channel, Day, DryRun, LogEntry, Outcome, Planned, Rule, ServiceState, Settings,
    SettingsView, Skip, TaskRemindersView,
};
use crate::auth::ssr::Operator;
use crate::composer::ssr::{MessageLinks, NewMessage, Timing};
use crate::composer::{Checked, Intent};
use crate::error::{AppError, Field, Problem, Result};
use crate::messages::{Category, Status};
use crate::ssr::{local_time, Db};
use crate::tasks::ssr::{occurrences, Recurring};
use crate::tasks::Recurrence;

/// How often the service looks for reminders due, unless configured.
pub const CYCLE_MS: i64 = 60_000;
/// A reminder due while no server ran still goes within this, if its task has not started.
const LOOKBACK_MS: i64 = 7 * 24 * 60 * 60_000;
const SERVICE: &str = "reminders";

/// Texts used when neither the task nor the defaults name a template.
const DEFAULT_SMS: &str = "Przypomnienie: {zadanie}, {termin_od}. {firma}";
const DEFAULT_TITLE: &str = "Przypomnienie: {zadanie}, {termin_od}";
const DEFAULT_BODY: &str =
    "Dzień dobry,\n\nprzypominamy: {zadanie}, {termin_od}.\n\nPozdrawiamy\n{firma}\n";

#[derive(sqlx::FromRow)]
struct RuleRow {
    task_id: Option<i64>,
    audience: String,
    enabled: i64,
    channel: String,
    sms_template_id: Option<i64>,
    sms_minutes_before: i64,
    email_template_id: Option<i64>,
    email_minutes_before: i64,
}

impl From<&RuleRow> for Rule {
    fn from(row: &RuleRow) -> Self {
        Rule {
            enabled: row.enabled != 0,
            channel: Channel::parse(&row.channel),
            sms_template_id: row.sms_template_id,
            sms_minutes_before: row.sms_minutes_before,
            email_template_id: row.email_template_id,
            email_minutes_before: row.email_minutes_before,
        }
    }
}

/// Both audiences' rules by task (`None`: the company's defaults); a missing one is off.
async fn rules(
    conn: &mut AnyConnection,
    company_id: i64,
    task_id: Option<i64>,
) -> Result<HashMap<Option<i64>, (Rule, Rule)>> {
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT task_id, audience, enabled, channel, sms_template_id, sms_minutes_before, \
                email_template_id, email_minutes_before FROM reminder_rules \
         WHERE company_id = $1 AND (task_id IS NULL OR $2 = 0 OR task_id = $2)",
    )
    .bind(company_id)
    .bind(task_id.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    let mut rules: HashMap<Option<i64>, (Rule, Rule)> = HashMap::new();
    for row in &rows {
        let entry = rules.entry(row.task_id).or_default();
        match row.audience.as_str() {
            "client" => entry.0 = row.into(),
            _ => entry.1 = row.into(),
        }
    }
    Ok(rules)
}

pub async fn settings(conn: &mut AnyConnection, company_id: i64) -> Result<Settings> {
    let stored: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT enabled, operator_id, email_account_id FROM reminder_settings \
         WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (enabled, operator_id, email_account_id) = stored.unwrap_or((0, None, None));
    let (client, operator) = rules(conn, company_id, None)
        .await?
        .remove(&None)
        .unwrap_or_default();
    Ok(Settings {
        enabled: enabled != 0,
        operator_id,
        email_account_id,
        client,
        operator,
    })
}

/// Replaces the rules of the company (`task_id` None) or of one task, in the caller's
/// transaction; the templates must be the company's.
async fn write_rules(
    conn: &mut AnyConnection,
    company_id: i64,
    task_id: Option<i64>,
    rules: Option<(&Rule, &Rule)>,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM reminder_rules WHERE company_id = $1 \
         AND ((task_id IS NULL AND $2 = 0) OR task_id = $2)",
    )
    .bind(company_id)
    .bind(task_id.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    let Some((client, operator)) = rules else {
        return Ok(());
    };
    for (audience, rule) in [(Audience::Client, client), (Audience::Operator, operator)] {
        if let Some(id) = rule.sms_template_id {
            let ours: Option<i64> =
                sqlx::query_scalar("SELECT id FROM templates WHERE id = $1 AND company_id = $2")
                    .bind(id)
                    .bind(company_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            ours.ok_or_else(|| AppError::invalid(Field::Template, Problem::UnknownRecord))?;
        }
        if let Some(id) = rule.email_template_id {
            crate::email::ssr::template(&mut *conn, company_id, id).await?;
        }
        sqlx::query(
            "INSERT INTO reminder_rules (company_id, task_id, audience, enabled, channel, \
                    sms_template_id, sms_minutes_before, email_template_id, email_minutes_before) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(company_id)
        .bind(task_id)
        .bind(audience.as_str())
        .bind(i64::from(rule.enabled))
        .bind(rule.channel.as_str())
        .bind(rule.sms_template_id)
        .bind(rule.sms_minutes_before)
        .bind(rule.email_template_id)
        .bind(rule.email_minutes_before)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn save_settings(db: &Db, company_id: i64, settings: &Settings) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if let Some(id) = settings.operator_id {
        let acting = crate::auth::ssr::acting_operator(&mut tx, company_id, Some(id)).await?;
        if acting.id != id {
            return Err(AppError::invalid(
                Field::OperatorLogin,
                Problem::UnknownOperator,
            ));
        }
    }
    if let Some(id) = settings.email_account_id {
        crate::email::ssr::account_by_id(&mut tx, company_id, id)
            .await?
            .ok_or_else(|| AppError::invalid(Field::FromAddress, Problem::UnknownRecord))?;
    }
    let client = &settings.client;
    write_rules(
        &mut tx,
        company_id,
        None,
        Some((client, &settings.operator)),
    )
    .await?;
    sqlx::query(
        "INSERT INTO reminder_settings (company_id, enabled, operator_id, email_account_id, \
                updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id) DO UPDATE \
         SET enabled = $2, operator_id = $3, email_account_id = $4, updated_at = $5",
    )
    .bind(company_id)
    .bind(i64::from(settings.enabled))
    .bind(settings.operator_id)
    .bind(settings.email_account_id)
    .bind(crate::ssr::now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the company's task its own rules, or (`None`) makes it follow the defaults.
pub async fn save_task_rules(
    db: &Db,
    company_id: i64,
    task_id: i64,
    rules: Option<(&Rule, &Rule)>,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    crate::tasks::ssr::by_id(&mut tx, company_id, task_id)
        .await?
        .ok_or(AppError::NotFound)?;
    write_rules(&mut tx, company_id, Some(task_id), rules).await?;
    tx.commit().await?;
    Ok(())
}

/// The SMS templates of the task form, defaults first.
async fn sms_templates(conn: &mut AnyConnection, company_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.name FROM templates t JOIN template_procedures p ON p.template_id = t.id \
         WHERE p.company_id = $1 AND p.procedure = $2 AND t.hidden = 0 \
         ORDER BY p.is_default DESC, t.name",
    )
    .bind(company_id)
    .bind(Procedure::TaskForm.id())
    .fetch_all(conn)
    .await?)
}

async fn email_templates(conn: &mut AnyConnection, company_id: i64) -> Result<Vec<(i64, String)>> {
    let templates =
        crate::email::ssr::templates(conn, company_id, Some(Procedure::TaskForm)).await?;
    Ok(templates.into_iter().map(|t| (t.id, t.name)).collect())
}

pub async fn service_state(conn: &mut AnyConnection, now: i64) -> Result<ServiceState> {
    type Row = (i64, Option<i64>, Option<i64>, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT started_at, finished_at, next_at, error FROM service_cycles WHERE service = $1",
    )
    .bind(SERVICE)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => ServiceState {
            last_started: None,
            last_finished: None,
            next: None,
            error: None,
            running: false,
        },
        Some((started, finished, next, error)) => ServiceState {
            last_started: Some(local_time(started)),
            last_finished: finished.map(local_time),
            next: next.map(local_time),
            error,
            running: match (finished, next) {
                // Late by more than two of its periods: not running.
                (Some(finished), Some(next)) => now < next + 2 * (next - finished).max(CYCLE_MS),
                _ => false,
            },
        },
    })
}

pub async fn settings_view(db: &Db, company_id: i64, now: i64) -> Result<SettingsView> {
    let mut conn = db.pool.acquire().await?;
    let operators: Vec<(i64, String)> = sqlx::query_as(
        "SELECT o.id, o.name FROM operators o \
         JOIN operator_companies oc ON oc.operator_id = o.id AND oc.company_id = $1 \
         WHERE o.active = 1 ORDER BY o.name",
    )
    .bind(company_id)
    .fetch_all(&mut *conn)
    .await?;
    let accounts = crate::email::ssr::accounts(&mut conn, company_id).await?;
    Ok(SettingsView {
        settings: settings(&mut conn, company_id).await?,
        operators,
        accounts: (accounts.into_iter())
            .map(|(account, owner)| {
                let owner = owner.map(|name| format!(" ({name})")).unwrap_or_default();
                (account.id, format!("{}{owner}", account.from_address))
            })
            .collect(),
        sms_templates: sms_templates(&mut conn, company_id).await?,
        email_templates: email_templates(&mut conn, company_id).await?,
        service: service_state(&mut conn, now).await?,
    })
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    title: String,
    subject_id: Option<i64>,
    operator_id: Option<i64>,
    starts_at: i64,
    recurrence: Option<String>,
    recurrence_until: Option<i64>,
}

/// Who a reminder goes to.
struct Person {
    key: String,
    name: String,
    phone: String,
    email: String,
}

async fn person(
    conn: &mut AnyConnection,
    task: &TaskRow,
    audience: Audience,
) -> Result<Option<Person>> {
    let (id, sql) = match audience {
        Audience::Client => (
            task.subject_id,
            "SELECT name, COALESCE(sms_phone, ''), COALESCE(email, '') FROM subjects WHERE id = $1",
        ),
        Audience::Operator => (
            task.operator_id,
            "SELECT name, sms_phone, email FROM operators WHERE id = $1",
        ),
    };
    let Some(id) = id else {
        return Ok(None);
    };
    let row: Option<(String, String, String)> =
        sqlx::query_as(sql).bind(id).fetch_optional(conn).await?;
    Ok(row.map(|(name, phone, email)| Person {
        key: format!("{}:{id}", audience.as_str()),
        name,
        phone,
        email,
    }))
}

/// What taking a reminder makes.
enum Send {
    Sms {
        message: Checked,
        links: MessageLinks,
    },
    Email {
        account_id: i64,
        template_id: Option<i64>,
        files: Vec<i64>,
    },
}

/// A reminder of the plan with what taking it needs.
struct Reminder {
    planned: Planned,
    company_id: i64,
    task_id: i64,
    subject_id: Option<i64>,
    recipient: String,
    occurrence_at: i64,
    due_at: i64,
    send: Option<Send>,
}

/// The unfilled macros' sentences, for the log.
fn unfilled(error: AppError) -> std::result::Result<Skip, AppError> {
    match error {
        AppError::Invalid {
            problem: Problem::UnfilledMacros(problems),
            ..
        } => Ok(Skip::UnfilledMacros(
            (problems.iter())
                .map(|p| p.message().pl)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        other => Err(other),
    }
}

/// Everything a plan shares between its reminders.
struct Planner {
    company_id: i64,
    acting: Operator,
    settings: Settings,
    quiet: sms::quiet::QuietHours,
    account_id: Option<i64>,
}

impl Planner {
    async fn new(conn: &mut AnyConnection, company_id: i64) -> Result<Planner> {
        let settings = settings(&mut *conn, company_id).await?;
        let acting =
            crate::auth::ssr::acting_operator(&mut *conn, company_id, settings.operator_id).await?;
        let quiet = crate::composer::ssr::quiet_hours(&mut *conn, company_id).await?;
        let account = match settings.email_account_id {
            Some(id) => crate::email::ssr::account_by_id(&mut *conn, company_id, id).await?,
            None => None,
        };
        let account = match account {
            Some(account) => Some(account),
            None => crate::email::ssr::company_account(&mut *conn, company_id).await?,
        };
        Ok(Planner {
            company_id,
            acting,
            settings,
            quiet,
            account_id: account.map(|a| a.id),
        })
    }

    /// When a reminder due at `due` goes if taken at `now`: then, or at the end of quiet hours
    /// for an SMS, unless that is after the task's start (then it goes as it is due).
    fn goes_at(&self, channel: Channel, due: i64, occurrence: i64, now: i64) -> i64 {
        let at = due.max(now);
        if channel == Channel::Email {
            return at;
        }
        match crate::composer::ssr::held_until(&self.quiet, at) {
            Some(end) if end < occurrence => end,
            _ => at,
        }
    }

    async fn reminder(
        &self,
        conn: &mut AnyConnection,
        task: &TaskRow,
        person: &Person,
        rule: &Rule,
        audience: Audience,
        occurrence_at: i64,
    ) -> Result<Reminder> {
        let minutes_before = rule.minutes_before();
        let due_at = occurrence_at - minutes_before * 60_000;
        let links = MessageLinks {
            subject_id: task.subject_id,
            task_id: Some(task.id),
            procedure: Some(Procedure::TaskForm),
            ..MessageLinks::default()
        };
        let mut planned = Planned {
            task_id: task.id,
            task_title: task.title.clone(),
            occurrence: local_time(occurrence_at),
            audience,
            recipient: person.name.clone(),
            to: String::new(),
            channel: rule.channel,
            minutes_before,
            due: local_time(due_at),
            goes: local_time(self.goes_at(rule.channel, due_at, occurrence_at, due_at)),
            title: None,
            text: String::new(),
            parts: 0,
            skip: None,
            done: None,
        };
        let send = match rule.channel {
            Channel::Sms => {
                let links = MessageLinks {
                    template_id: rule.sms_template_id,
                    ..links
                };
                self.sms(conn, &mut planned, person, links).await?
            }
            Channel::Email => self.email(conn, &mut planned, person, rule, &links).await?,
        };
        Ok(Reminder {
            planned,
            company_id: self.company_id,
            task_id: task.id,
            subject_id: task.subject_id,
            recipient: person.key.clone(),
            occurrence_at,
            due_at,
            send,
        })
    }

    async fn sms(
        &self,
        conn: &mut AnyConnection,
        planned: &mut Planned,
        person: &Person,
        links: MessageLinks,
    ) -> Result<Option<Send>> {
        let body = match links.template_id {
            Some(id) => {
                let body: Option<String> = sqlx::query_scalar(
                    "SELECT body FROM templates WHERE id = $1 AND company_id = $2",
                )
                .bind(id)
                .bind(self.company_id)
                .fetch_optional(&mut *conn)
                .await?;
                body.unwrap_or_else(|| DEFAULT_SMS.to_string())
            }
            None => DEFAULT_SMS.to_string(),
        };
        planned.to = sms::format_display(&person.phone);
        let text = match crate::composer::ssr::fill_macros(conn, &self.acting, &body, &links).await
        {
            Ok(text) => text,
            Err(e) => {
                planned.skip = Some(unfilled(e)?);
                planned.text = body;
                return Ok(None);
            }
        };
        planned.text = text.clone();
        if person.phone.trim().is_empty() {
            planned.skip = Some(Skip::NoPhone);
            return Ok(None);
        }
        let message = match crate::composer::check(&person.phone, &text, Intent::Send) {
            Ok(message) => message,
            Err(AppError::Invalid {
                field: Field::Phone,
                ..
            }) => {
                planned.skip = Some(Skip::InvalidPhone);
                return Ok(None);
            }
            Err(other) => {
                let why = other.message(crate::i18n::Lang::Pl);
                planned.skip = Some(Skip::Refused(why));
                return Ok(None);
            }
        };
        planned.parts = message.analysis.segments;
        if crate::phone::ssr::validate(&message.phone).is_err() {
            planned.skip = Some(Skip::InvalidPhone);
            return Ok(None);
        }
        let category = Category::Transactional;
        if crate::replies::ssr::refuses(conn, self.company_id, &message.phone, category).await? {
            planned.skip = Some(Skip::OptedOut);
            return Ok(None);
        }
        let links = match planned.audience {
            Audience::Client => links,
            // An operator's reminder is not a message to the client.
            Audience::Operator => MessageLinks {
                subject_id: None,
                ..links
            },
        };
        Ok(Some(Send::Sms { message, links }))
    }

    async fn email(
        &self,
        conn: &mut AnyConnection,
        planned: &mut Planned,
        person: &Person,
        rule: &Rule,
        links: &MessageLinks,
    ) -> Result<Option<Send>> {
        let template = match rule.email_template_id {
            Some(id) => crate::email::ssr::template(&mut *conn, self.company_id, id)
                .await
                .ok(),
            None => None,
        };
        let template = template.unwrap_or_else(|| crate::email::EmailTemplate {
            id: 0,
            procedure: Procedure::TaskForm,
            name: String::new(),
            title: DEFAULT_TITLE.into(),
            body: DEFAULT_BODY.into(),
            is_default: false,
            files: Vec::new(),
        });
        planned.to = person.email.clone();
        match crate::email::ssr::render(conn, &self.acting, &template, links).await {
            Ok((title, body)) => {
                planned.title = Some(title);
                planned.text = body;
            }
            Err(e) => {
                planned.skip = Some(unfilled(e)?);
                planned.title = Some(template.title);
                planned.text = template.body;
                return Ok(None);
            }
        }
        if person.email.trim().is_empty() {
            planned.skip = Some(Skip::NoEmail);
            return Ok(None);
        }
        let Some(account_id) = self.account_id else {
            planned.skip = Some(Skip::NoEmailAccount);
            return Ok(None);
        };
        Ok(Some(Send::Email {
            account_id,
            template_id: (template.id != 0).then_some(template.id),
            files: template.files.iter().map(|f| f.id).collect(),
        }))
    }
}

/// Which reminders a plan holds: those due from `from` (inclusive) to `to` (exclusive) whose
/// occurrence starts after `after`; with `pending`, only those the service has not taken.
struct Window {
    from: i64,
    to: i64,
    after: i64,
    pending: bool,
}

/// Every reminder of the company in `window`, by due time, whether the automaton is on or not;
/// with `task_id`, that task's alone. Each says whether the service already took it; one it
/// took is looked up before its text is made, so a cycle reads little for what is done.
async fn plan(
    conn: &mut AnyConnection,
    company_id: i64,
    window: Window,
    task_id: Option<i64>,
) -> Result<(Planner, Vec<Reminder>)> {
    let planner = Planner::new(&mut *conn, company_id).await?;
    let mut rules = rules(&mut *conn, company_id, task_id).await?;
    let defaults = rules.remove(&None).unwrap_or_default();
    // Only tasks starting where some enabled rule's reminder can fall in the window are read.
    let befores: Vec<i64> = (rules.values().chain([&defaults]))
        .flat_map(|(client, operator)| [client, operator])
        .filter(|rule| rule.enabled)
        .map(|rule| rule.minutes_before() * 60_000)
        .collect();
    let (Some(&shortest), Some(&longest)) = (befores.iter().min(), befores.iter().max()) else {
        return Ok((planner, Vec::new()));
    };
    let earliest = (window.from + shortest).max(window.after + 1);
    let latest = window.to + longest;
    let tasks: Vec<TaskRow> = sqlx::query_as(
        "SELECT id, title, subject_id, operator_id, starts_at, recurrence, recurrence_until \
         FROM tasks WHERE company_id = $1 AND done = 0 AND starts_at < $3 \
         AND (starts_at >= $2 OR (recurrence IS NOT NULL \
              AND (recurrence_until IS NULL OR recurrence_until >= $2))) \
         AND ($4 = 0 OR id = $4) ORDER BY starts_at, id",
    )
    .bind(company_id)
    .bind(earliest)
    .bind(latest)
    .bind(task_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let mut reminders = Vec::new();
    for task in &tasks {
        let (client, operator) = rules.get(&Some(task.id)).unwrap_or(&defaults);
        for (audience, rule) in [(Audience::Client, client), (Audience::Operator, operator)] {
            if !rule.enabled {
                continue;
            }
            let before = rule.minutes_before() * 60_000;
            let recurring = Recurring {
                starts_at: task.starts_at,
                recurrence: task.recurrence.as_deref().and_then(Recurrence::parse),
                recurrence_until: task.recurrence_until,
            };
            let first = (window.from + before).max(window.after + 1);
            let starts = occurrences(&recurring, first, window.to + before - 1);
            if starts.is_empty() {
                continue;
            }
            let Some(person) = person(&mut *conn, task, audience).await? else {
                continue;
            };
            for occurrence in starts {
                let key = Key {
                    task_id: task.id,
                    occurrence_at: occurrence,
                    recipient: &person.key,
                    channel: rule.channel,
                    minutes_before: rule.minutes_before(),
                };
                let done = key.taken(&mut *conn).await?;
                if window.pending && done.is_some() {
                    continue;
                }
                let mut reminder = (planner
                    .reminder(&mut *conn, task, &person, rule, audience, occurrence))
                .await?;
                reminder.planned.done = done;
                reminders.push(reminder);
            }
        }
    }
    reminders.sort_by_key(|r| (r.due_at, r.task_id, r.planned.audience.as_str()));
    Ok((planner, reminders))
}

/// What makes a reminder once: its task, occurrence, recipient, channel and offset.
struct Key<'a> {
    task_id: i64,
    occurrence_at: i64,
    recipient: &'a str,
    channel: Channel,
    minutes_before: i64,
}

impl Key<'_> {
    /// How the service ended the reminder, if it took it.
    async fn taken(&self, conn: &mut AnyConnection) -> Result<Option<Outcome>> {
        let outcome: Option<String> = sqlx::query_scalar(
            "SELECT outcome FROM reminders WHERE task_id = $1 AND occurrence_at = $2 \
             AND recipient = $3 AND channel = $4 AND minutes_before = $5",
        )
        .bind(self.task_id)
        .bind(self.occurrence_at)
        .bind(self.recipient)
        .bind(self.channel.as_str())
        .bind(self.minutes_before)
        .fetch_optional(conn)
        .await?;
        Ok(outcome.map(|o| match o.as_str() {
            "sent" => Outcome::Sent,
            _ => Outcome::Skipped,
        }))
    }
}

/// The reminders due on the company's day.
pub async fn dry_run(db: &Db, operator: &Operator, day: Day, now: i64) -> Result<DryRun> {
    use chrono::TimeZone;
    let today = crate::ssr::TIME_ZONE
        .timestamp_millis_opt(now)
        .single()
        .map(|t| t.date_naive())
        .ok_or(AppError::Internal)?;
    let day = match day {
        Day::Today => today,
        Day::Tomorrow => today.succ_opt().ok_or(AppError::Internal)?,
    };
    let from = crate::ssr::start_of_day(day);
    let to = crate::ssr::start_of_day(day.succ_opt().ok_or(AppError::Internal)?);
    let mut conn = db.pool.acquire().await?;
    let window = Window {
        from,
        to,
        after: i64::MIN + 1,
        pending: false,
    };
    let (planner, reminders) = plan(&mut conn, operator.company_id, window, None).await?;
    let credits_left =
        (crate::credits::ssr::balance(&mut conn, operator.account_id).await?).available;
    let reminders: Vec<Planned> = reminders.into_iter().map(|r| r.planned).collect();
    let credits_needed = (reminders.iter())
        .filter(|r| r.done.is_none() && r.skip.is_none())
        .map(|r| r.parts)
        .sum();
    Ok(DryRun {
        reminders,
        credits_needed,
        credits_left,
        enabled: planner.settings.enabled,
        defaults_on: planner.settings.client.enabled || planner.settings.operator.enabled,
    })
}

/// What a cycle did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cycle {
    pub sent: usize,
    pub skipped: usize,
}

/// One cycle of the service: every company with the automaton on takes each reminder due by
/// `now` whose task has not started yet. The cycle is recorded for the settings page.
pub async fn run_cycle(db: &Db, now: i64, period_ms: i64) -> Result<Cycle> {
    sqlx::query(
        "INSERT INTO service_cycles (service, started_at) VALUES ($1, $2) \
         ON CONFLICT (service) DO UPDATE SET started_at = $2",
    )
    .bind(SERVICE)
    .bind(now)
    .execute(&db.pool)
    .await?;
    let result = cycle(db, now).await;
    let error = result.as_ref().err().map(|e| e.to_string());
    sqlx::query(
        "UPDATE service_cycles SET finished_at = $2, next_at = $3, error = $4 WHERE service = $1",
    )
    .bind(SERVICE)
    .bind(crate::ssr::now_ms().max(now))
    .bind(now + period_ms)
    .bind(error)
    .execute(&db.pool)
    .await?;
    result
}

async fn cycle(db: &Db, now: i64) -> Result<Cycle> {
    let companies: Vec<i64> =
        sqlx::query_scalar("SELECT company_id FROM reminder_settings WHERE enabled = 1")
            .fetch_all(&db.pool)
            .await?;
    let mut done = Cycle::default();
    for company_id in companies {
        let mut conn = db.pool.acquire().await?;
        let window = Window {
            from: now - LOOKBACK_MS,
            to: now + 1,
            after: now,
            pending: true,
        };
        let (planner, reminders) = plan(&mut conn, company_id, window, None).await?;
        drop(conn);
        for reminder in reminders {
            match take(db, &planner, &reminder, now).await? {
                Some(Outcome::Sent) => done.sent += 1,
                Some(Outcome::Skipped) => done.skipped += 1,
                None => {}
            }
        }
    }
    Ok(done)
}

/// Takes one reminder: its key is inserted first, so a reminder another server (or an earlier
/// run) took is left (`None`); then its message or e-mail is made in the same transaction.
async fn take(
    db: &Db,
    planner: &Planner,
    reminder: &Reminder,
    now: i64,
) -> Result<Option<Outcome>> {
    let planned = &reminder.planned;
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO reminders (company_id, task_id, occurrence_at, recipient, recipient_name, \
                address, channel, minutes_before, due_at, outcome, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'skipped', $10) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(reminder.company_id)
    .bind(reminder.task_id)
    .bind(reminder.occurrence_at)
    .bind(&reminder.recipient)
    .bind(&planned.recipient)
    .bind(&planned.to)
    .bind(planned.channel.as_str())
    .bind(planned.minutes_before)
    .bind(reminder.due_at)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    let acting = &planner.acting;
    let (skip, message_id, email_id) = match &reminder.send {
        None => (planned.skip.clone(), None, None),
        Some(Send::Sms { message, links }) => {
            let parts = message.analysis.segments;
            let left = crate::credits::ssr::balance(&mut tx, acting.account_id).await?;
            if left.available < i64::from(parts) {
                (Some(Skip::NoCredit), None, None)
            } else {
                let goes =
                    planner.goes_at(Channel::Sms, reminder.due_at, reminder.occurrence_at, now);
                let timing = Timing {
                    category: Category::Transactional,
                    send_at: (goes > now).then_some(goes),
                    now,
                    ..Timing::default()
                };
                let sender =
                    crate::sender_names::ssr::sender_of(&mut tx, reminder.company_id).await?;
                let new = NewMessage {
                    company_id: reminder.company_id,
                    operator_id: acting.id,
                    message,
                    status: Status::Pending,
                    links: *links,
                    category: timing.category,
                    send_at: timing.send_at,
                    sender: sender.as_deref(),
                    now,
                };
                let message_id = crate::composer::ssr::insert(&mut tx, &new).await?;
                crate::messages::ssr::insert_parts(&mut tx, message_id, parts).await?;
                let about = crate::credits::ssr::About {
                    company_id: Some(reminder.company_id),
                    operator_id: Some(acting.id),
                    message_id: Some(message_id),
                    order_id: None,
                };
                crate::credits::ssr::hold(&mut tx, acting.account_id, parts, about, now).await?;
                (None, Some(message_id), None)
            }
        }
        Some(Send::Email {
            account_id,
            template_id,
            files,
        }) => {
            let mail = crate::email::ssr::NewEmail {
                company_id: reminder.company_id,
                operator_id: Some(acting.id),
                account_id: *account_id,
                to: &planned.to,
                subject_id: reminder
                    .subject_id
                    .filter(|_| planned.audience == Audience::Client),
                document_id: None,
                task_id: Some(reminder.task_id),
                template_id: *template_id,
                title: planned.title.as_deref().unwrap_or_default(),
                body: &planned.text,
                files,
                now,
            };
            let email_id = crate::email::ssr::queue(&mut tx, &mail).await?;
            (None, None, Some(email_id))
        }
    };
    let outcome = match skip {
        None => Outcome::Sent,
        Some(_) => Outcome::Skipped,
    };
    sqlx::query(
        "UPDATE reminders SET outcome = $1, reason = $2, message_id = $3, email_id = $4 \
         WHERE id = $5",
    )
    .bind(match outcome {
        Outcome::Sent => "sent",
        Outcome::Skipped => "skipped",
    })
    .bind(skip.as_ref().map(Skip::code))
    .bind(message_id)
    .bind(email_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        reminder_id = id,
        task_id = reminder.task_id,
        channel = planned.channel.as_str(),
        ?outcome,
        "reminder taken"
    );
    Ok(Some(outcome))
}

/// Entries of the log per page.
const LOG_PAGE: i64 = 50;

/// The company's reminders taken, newest first, before the id `before`.
pub async fn log(db: &Db, company_id: i64, before: Option<i64>) -> Result<Vec<LogEntry>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        at: i64,
        task_id: i64,
        title: String,
        occurrence_at: i64,
        recipient_name: String,
        address: String,
        channel: String,
        outcome: String,
        reason: Option<String>,
        message_id: Option<i64>,
        message_status: Option<String>,
        email_status: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.at, r.task_id, t.title, r.occurrence_at, r.recipient_name, r.address, \
                r.channel, r.outcome, r.reason, r.message_id, m.status AS message_status, \
                e.status AS email_status \
         FROM reminders r JOIN tasks t ON t.id = r.task_id \
         LEFT JOIN messages m ON m.id = r.message_id LEFT JOIN emails e ON e.id = r.email_id \
         WHERE r.company_id = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3",
    )
    .bind(company_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(LOG_PAGE)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| LogEntry {
            at: local_time(row.at),
            task_id: row.task_id,
            task_title: row.title,
            occurrence: local_time(row.occurrence_at),
            recipient: match row.address.is_empty() {
                true => row.recipient_name,
                false => format!("{} ({})", row.recipient_name, row.address),
            },
            channel: Channel::parse(&row.channel),
            outcome: match row.outcome.as_str() {
                "sent" => Outcome::Sent,
                _ => Outcome::Skipped,
            },
            skip: row.reason.as_deref().map(Skip::parse),
            status: row.message_status.or(row.email_status),
            message_id: row.message_id,
        })
        .collect())
}

/// A task's reminders: its own rules or the defaults, and those of the next 30 days.
pub async fn task_view(
    db: &Db,
    operator: &Operator,
    task_id: i64,
    now: i64,
) -> Result<TaskRemindersView> {
    let mut conn = db.pool.acquire().await?;
    let company_id = operator.company_id;
    crate::tasks::ssr::by_id(&mut conn, company_id, task_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut all = rules(&mut conn, company_id, Some(task_id)).await?;
    let own = all.remove(&Some(task_id));
    let defaults = all.remove(&None).unwrap_or_default();
    let horizon = now + 30 * 24 * 60 * 60_000;
    let window = Window {
        from: now,
        to: horizon,
        after: now,
        pending: false,
    };
    let (planner, coming) = plan(&mut conn, company_id, window, Some(task_id)).await?;
    let (client, operator_rule) = own.clone().unwrap_or(defaults);
    Ok(TaskRemindersView {
        own: own.is_some(),
        client,
        operator: operator_rule,
        sms_templates: sms_templates(&mut conn, company_id).await?,
        email_templates: email_templates(&mut conn, company_id).await?,
        automaton_enabled: planner.settings.enabled,
        coming: coming.into_iter().map(|r| r.planned).collect(),
    })
}
