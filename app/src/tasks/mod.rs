//! Tasks (CRM: a call, a visit, a deadline) for a subject and an operator, written mostly by
//! the host ERP through the HTTP API.

use serde::{Deserialize, Serialize};

use crate::error::{Field, FieldError, Problem};
use crate::input;

#[cfg(feature = "ssr")]
pub mod ssr;

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
    #[serde(with = "input::rfc3339")]
    pub updated_at: i64,
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
