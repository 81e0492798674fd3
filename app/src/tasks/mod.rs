//! Tasks (CRM: a call, a visit, a deadline) for a subject and an operator, written mostly by
//! the host ERP through the HTTP API.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::documents::SubjectRef;
use crate::error::{AppError, Field, FieldError, Problem};
use crate::format::LocalTime;
use crate::input;
use crate::layout::Paged;

mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use pages::{TaskDetailPage, TasksPage};

/// A task as the ERP sends it; its external id comes from the URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub title: String,
    /// A subject of the same company, by its external id.
    #[serde(default)]
    pub subject_external_id: Option<String>,
    /// The operator (by login) who does it; must have access to the company.
    #[serde(default)]
    pub operator_login: Option<String>,
    /// RFC 3339 (`2026-11-23T09:00:00+01:00`): "Termin od".
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub done: bool,
    /// A recurring task: each occurrence starts a day, a week or a month (same day of the month,
    /// or its last day) after the one before, at the same time on the company's clock.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
    /// RFC 3339: no occurrence starts after it.
    #[serde(default)]
    pub recurrence_until: Option<String>,
}

/// How a recurring task repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Daily,
    Weekly,
    Monthly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 3] = [Recurrence::Daily, Recurrence::Weekly, Recurrence::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Daily => "daily",
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Recurrence> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A task that passed `validate`; instants in epoch milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTask {
    pub title: String,
    pub subject_external_id: Option<String>,
    pub operator_login: Option<String>,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub done: bool,
    pub recurrence: Option<Recurrence>,
    pub recurrence_until: Option<i64>,
}

pub fn validate(input: &TaskInput) -> Result<ValidTask, Vec<FieldError>> {
    let mut errors = vec![];
    let title = input::text(&mut errors, Field::Title, &input.title, true, 500);
    if let Some(subject) = &input.subject_external_id {
        input::external_id(&mut errors, Field::SubjectExternalId, subject);
    }
    let login = input.operator_login.as_deref();
    let operator_login = input::optional_text(&mut errors, Field::OperatorLogin, login, 100);
    let starts_at = input::instant(&mut errors, Field::StartsAt, &input.starts_at);
    let ends_at = (input.ends_at.as_deref()).map(|t| input::instant(&mut errors, Field::EndsAt, t));
    if errors.is_empty() && ends_at.is_some_and(|end| end < starts_at) {
        errors.push(FieldError::new(Field::EndsAt, Problem::EndsBeforeStart));
    }
    let until = (input.recurrence_until.as_deref())
        .map(|t| input::instant(&mut errors, Field::RecurrenceUntil, t));
    if errors.is_empty() && until.is_some_and(|until| until < starts_at) {
        errors.push(FieldError::new(
            Field::RecurrenceUntil,
            Problem::EndsBeforeStart,
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidTask {
        title,
        subject_external_id: input.subject_external_id.clone(),
        operator_login,
        starts_at,
        ends_at,
        done: input.done,
        recurrence: input.recurrence,
        recurrence_until: until.filter(|_| input.recurrence.is_some()),
    })
}

/// A stored task, as lists and the HTTP API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub external_id: Option<String>,
    pub title: String,
    pub subject_external_id: Option<String>,
    pub operator_login: Option<String>,
    #[serde(with = "input::rfc3339")]
    pub starts_at: i64,
    #[serde(with = "input::rfc3339::option")]
    pub ends_at: Option<i64>,
    pub done: bool,
    pub recurrence: Option<Recurrence>,
    #[serde(with = "input::rfc3339::option")]
    pub recurrence_until: Option<i64>,
    #[serde(with = "input::rfc3339")]
    pub updated_at: i64,
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Open,
    Done,
    All,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::All];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// What the tasks page lists: `q` is matched, ignoring case and diacritics, against the title,
/// the external id and the subject's code, name and phone; every word must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: TaskStatus,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedTask {
    pub task: Task,
    pub subject: Option<SubjectRef>,
    pub operator_name: Option<String>,
    /// `task.starts_at` and `task.ends_at` in the company's time zone, for display.
    pub starts: LocalTime,
    pub ends: Option<LocalTime>,
    /// `task.recurrence_until`, for display.
    pub until: Option<LocalTime>,
}

pub type TaskPage = Paged<ListedTask>;

#[server(endpoint = "search_tasks")]
pub async fn search_tasks(query: TaskQuery) -> Result<TaskPage, AppError> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::search(&crate::ssr::app_state().db, operator.company_id, &query).await
    })
    .await
}

#[server(endpoint = "get_task")]
pub async fn get_task(id: i64) -> Result<ListedTask, AppError> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        ssr::by_id(&mut conn, operator.company_id, id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_ending_before_it_starts_is_refused() {
        let input: TaskInput = serde_json::from_str(
            r#"{"title":"Telefon","starts_at":"2026-11-23T10:00:00+01:00","ends_at":"2026-11-23T08:00:00Z"}"#,
        )
        .unwrap();
        let errors = validate(&input).unwrap_err();
        assert_eq!(errors[0].problem, Problem::EndsBeforeStart);
        let ok = TaskInput {
            ends_at: None,
            ..input
        };
        assert_eq!(validate(&ok).unwrap().starts_at, 1_795_424_400_000);
    }
}
