//! Task storage, scoped to a company; the host ERP writes by external id.

use sms::template::Context;
use sms::{DateTime, Value};
use sqlx::AnyConnection;

use super::{ListedTask, Recurrence, Task, TaskPage, TaskQuery, TaskStatus, ValidTask};
use crate::documents::ssr::subject_id_by_external_id;
use crate::documents::SubjectRef;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::format::LocalTime;
use crate::input::fold_for_search;
use crate::layout::{Paged, PAGE};
use crate::ssr::{by_external_id, local_time, now_ms, Db, Upsert, WordSearch};

/// The operator with this login who may work in the company (which also puts them in its
/// account).
async fn operator_id_by_login(
    conn: &mut AnyConnection,
    company_id: i64,
    login: &str,
) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT o.id FROM operators o \
         JOIN operator_companies oc ON oc.operator_id = o.id AND oc.company_id = $1 \
         WHERE o.login = $2",
    )
    .bind(company_id)
    .bind(login)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| {
        AppError::InvalidFields(vec![FieldError::new(
            Field::OperatorLogin,
            Problem::UnknownOperator,
        )])
    })
}

#[derive(sqlx::FromRow, PartialEq)]
struct Stored {
    title: String,
    subject_id: Option<i64>,
    operator_id: Option<i64>,
    starts_at: i64,
    ends_at: Option<i64>,
    done: i64,
    recurrence: Option<String>,
    recurrence_until: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StoredWithId {
    id: i64,
    #[sqlx(flatten)]
    fields: Stored,
}

/// Creates or updates the company's task with this external id, inside the caller's
/// transaction. Writes nothing when the stored task already equals `task`.
pub async fn upsert(
    conn: &mut AnyConnection,
    company_id: i64,
    external_id: &str,
    task: &ValidTask,
) -> Result<(i64, Upsert)> {
    let subject_id = match &task.subject_external_id {
        Some(subject) => Some(
            subject_id_by_external_id(&mut *conn, company_id, subject, Field::SubjectExternalId)
                .await?,
        ),
        None => None,
    };
    let operator_id = match &task.operator_login {
        Some(login) => Some(operator_id_by_login(&mut *conn, company_id, login).await?),
        None => None,
    };
    let wanted = Stored {
        title: task.title.clone(),
        subject_id,
        operator_id,
        starts_at: task.starts_at,
        ends_at: task.ends_at,
        done: task.done.into(),
        recurrence: task.recurrence.map(|r| r.as_str().to_string()),
        recurrence_until: task.recurrence_until,
    };
    let stored: Option<StoredWithId> = sqlx::query_as(
        "SELECT id, title, subject_id, operator_id, starts_at, ends_at, done, recurrence, \
                recurrence_until FROM tasks WHERE company_id = $1 AND external_id = $2",
    )
    .bind(company_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (upserted, sql) = match &stored {
        Some(stored) if stored.fields == wanted => return Ok((stored.id, Upsert::Unchanged)),
        Some(_) => (
            Upsert::Updated,
            "UPDATE tasks SET title = $3, subject_id = $4, operator_id = $5, starts_at = $6, \
                    ends_at = $7, done = $8, updated_at = $9, search_text = $10, \
                    recurrence = $11, recurrence_until = $12 \
             WHERE company_id = $1 AND external_id = $2 RETURNING id",
        ),
        None => (
            Upsert::Created,
            "INSERT INTO tasks (company_id, external_id, title, subject_id, operator_id, \
                    starts_at, ends_at, done, updated_at, created_at, search_text, recurrence, \
                    recurrence_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12) RETURNING id",
        ),
    };
    let id = sqlx::query_scalar(sql)
        .bind(company_id)
        .bind(external_id)
        .bind(&wanted.title)
        .bind(wanted.subject_id)
        .bind(wanted.operator_id)
        .bind(wanted.starts_at)
        .bind(wanted.ends_at)
        .bind(wanted.done)
        .bind(now_ms())
        .bind(fold_for_search(&format!("{} {external_id}", wanted.title)))
        .bind(&wanted.recurrence)
        .bind(wanted.recurrence_until)
        .fetch_one(&mut *conn)
        .await?;
    Ok((id, upserted))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    external_id: Option<String>,
    title: String,
    subject_external_id: Option<String>,
    operator_login: Option<String>,
    starts_at: i64,
    ends_at: Option<i64>,
    done: i64,
    recurrence: Option<String>,
    recurrence_until: Option<i64>,
    updated_at: i64,
    subject_id: Option<i64>,
    subject_code: Option<String>,
    subject_name: Option<String>,
    operator_name: Option<String>,
}

impl From<Row> for ListedTask {
    fn from(row: Row) -> Self {
        let subject = row.subject_id.map(|id| SubjectRef {
            id,
            code: row.subject_code.unwrap_or_default(),
            name: row.subject_name.unwrap_or_default(),
        });
        let task = Task {
            id: row.id,
            external_id: row.external_id,
            title: row.title,
            subject_external_id: row.subject_external_id,
            operator_login: row.operator_login,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            done: row.done != 0,
            recurrence: row.recurrence.as_deref().and_then(Recurrence::parse),
            recurrence_until: row.recurrence_until,
            updated_at: row.updated_at,
        };
        ListedTask {
            task,
            subject,
            operator_name: row.operator_name,
            starts: local_time(row.starts_at),
            ends: row.ends_at.map(local_time),
            until: row.recurrence_until.map(local_time),
        }
    }
}

const SELECT: &str = "SELECT t.id, t.external_id, t.title, s.external_id AS subject_external_id, \
        o.login AS operator_login, t.starts_at, t.ends_at, t.done, t.recurrence, \
        t.recurrence_until, t.updated_at, \
        s.id AS subject_id, s.code AS subject_code, s.name AS subject_name, \
        o.name AS operator_name \
     FROM tasks t \
     LEFT JOIN subjects s ON s.id = t.subject_id \
     LEFT JOIN operators o ON o.id = t.operator_id";

/// A task is found by its title and external id and by its subject's code, name, phone… (the
/// address book's search text).
fn word_search<'a>(select: &'a str, order: &'a str) -> WordSearch<'a> {
    WordSearch {
        select,
        fields: &["t.search_text", "COALESCE(s.search_text, '')"],
        order,
    }
}

/// One page of the company's tasks: open ones soonest first (what is coming up), done or all
/// latest first.
pub async fn search(db: &Db, company_id: i64, query: &TaskQuery) -> Result<TaskPage> {
    crate::input::search_query(&query.q)?;
    let (condition, order) = match query.status {
        TaskStatus::Open => (" AND t.done = 0", "t.starts_at, t.id"),
        TaskStatus::Done => (" AND t.done <> 0", "t.starts_at DESC, t.id DESC"),
        TaskStatus::All => ("", "t.starts_at DESC, t.id DESC"),
    };
    let sql = format!("{SELECT} WHERE t.company_id = $1{condition}");
    let limit = i64::from(PAGE) + 1;
    let offset = i64::from(query.offset);
    let rows: Vec<Row> = (word_search(&sql, order))
        .fetch(db, company_id, &query.q, limit, offset)
        .await?;
    let rows = rows.into_iter().map(ListedTask::from).collect();
    Ok(Paged::of(rows, PAGE))
}

/// The company's tasks matching `query` (as [`search`]), latest start first, for the HTTP API.
pub async fn list(
    db: &Db,
    company_id: i64,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Task>> {
    let select = format!("{SELECT} WHERE t.company_id = $1");
    let rows: Vec<Row> = (word_search(&select, "t.starts_at DESC, t.id DESC"))
        .fetch(db, company_id, query, limit, offset)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ListedTask::from(row).task)
        .collect())
}

pub async fn get(db: &Db, company_id: i64, external_id: &str) -> Result<Option<Task>> {
    let select = format!("{SELECT} WHERE t.company_id = $1 AND t.external_id = $2");
    let row: Option<Row> = by_external_id(db, &select, company_id, external_id).await?;
    Ok(row.map(|row| ListedTask::from(row).task))
}

/// The company's task by our id (the composer fills macros from it).
pub async fn by_id(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
) -> Result<Option<ListedTask>> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE t.company_id = $1 AND t.id = $2"))
            .bind(company_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(ListedTask::from))
}

/// The task's macros: its title and its start in the company's time zone, also by their paths
/// (`{zadanie.temat}`, `{zadanie.termin_od}`), and its end as `{zadanie.termin_do}`.
pub fn add_macro_values(context: &mut Context, task: &ListedTask) {
    let title = Value::from(task.task.title.as_str());
    context.insert("zadanie.temat", title.clone());
    context.insert("zadanie", title);
    if let Some(start) = local_date_time(task.starts) {
        context.insert("zadanie.termin_od", start.clone());
        context.insert("termin_od", start);
    }
    if let Some(end) = task.ends.and_then(local_date_time) {
        context.insert("zadanie.termin_do", end);
    }
}

/// An instant as the date and time on the company's clock, to the minute.
fn local_date_time(time: LocalTime) -> Option<Value> {
    let text = time.naive()?.format("%Y-%m-%dT%H:%M").to_string();
    DateTime::parse_iso(&text).map(Value::DateTime)
}

/// When a task starts and how it repeats.
pub struct Recurring {
    pub starts_at: i64,
    pub recurrence: Option<Recurrence>,
    pub recurrence_until: Option<i64>,
}

/// The starts of the task's occurrences from `from` to `to` (inclusive), oldest first: its
/// start alone, or for a recurring task each day, week or month after it on the company's
/// clock (a month from the 31st is the month's last day), up to its end of recurrence.
pub fn occurrences(task: &Recurring, from: i64, to: i64) -> Vec<i64> {
    use chrono::{Months, TimeZone};
    let Some(recurrence) = task.recurrence else {
        return (from..=to)
            .contains(&task.starts_at)
            .then_some(task.starts_at)
            .into_iter()
            .collect();
    };
    let tz = crate::ssr::TIME_ZONE;
    let Some(first) = tz.timestamp_millis_opt(task.starts_at).single() else {
        return Vec::new();
    };
    let first = first.naive_local();
    let last = task.recurrence_until.unwrap_or(i64::MAX).min(to);
    let mut starts = Vec::new();
    for n in 0u32.. {
        let wall = match recurrence {
            Recurrence::Daily => first.checked_add_days(chrono::Days::new(u64::from(n))),
            Recurrence::Weekly => first.checked_add_days(chrono::Days::new(7 * u64::from(n))),
            Recurrence::Monthly => first.checked_add_months(Months::new(n)),
        };
        // A time in the spring-forward gap is an hour later, as quiet hours do.
        let Some(at) = wall.and_then(|wall| {
            (tz.from_local_datetime(&wall).earliest()).or_else(|| {
                tz.from_local_datetime(&(wall + chrono::Duration::hours(1)))
                    .earliest()
            })
        }) else {
            break;
        };
        let at = at.timestamp_millis();
        if at > last {
            break;
        }
        if at >= from {
            starts.push(at);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn occurrences_keep_the_clock_time_and_the_last_day_of_a_short_month() {
        let daily = Recurring {
            starts_at: at("2026-03-27T09:00:00+01:00"),
            recurrence: Some(Recurrence::Daily),
            recurrence_until: None,
        };
        // Across the change to summer time the visit stays at 09:00 on the clock.
        let starts = occurrences(
            &daily,
            at("2026-03-28T00:00:00+01:00"),
            at("2026-03-30T00:00:00+02:00"),
        );
        assert_eq!(
            starts,
            [
                at("2026-03-28T09:00:00+01:00"),
                at("2026-03-29T09:00:00+02:00")
            ]
        );
        let monthly = Recurring {
            starts_at: at("2027-01-31T10:00:00+01:00"),
            recurrence: Some(Recurrence::Monthly),
            recurrence_until: Some(at("2027-03-31T10:00:00+02:00")),
        };
        let starts = occurrences(&monthly, 0, i64::MAX);
        assert_eq!(
            starts,
            [
                at("2027-01-31T10:00:00+01:00"),
                at("2027-02-28T10:00:00+01:00"),
                at("2027-03-31T10:00:00+02:00"),
            ]
        );
        let once = Recurring {
            recurrence: None,
            ..monthly
        };
        assert_eq!(
            occurrences(&once, 0, at("2027-01-31T09:00:00+01:00")),
            Vec::<i64>::new()
        );
    }
}
