//! The one error type of server functions. Variants are what the browser may see; details of
//! internal failures are logged on the server and never sent.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use sms::PhoneError;

use crate::i18n::Texts;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// No valid session: the operator must log in.
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("wrong login or password")]
    WrongCredentials,
    #[error("invalid {field:?}: {problem:?}")]
    Invalid { field: Field, problem: Problem },
    /// Fields of a record that are wrong, each with its problem (the HTTP API's 422).
    #[error("invalid fields: {0:?}")]
    Fields(Vec<FieldError>),
    /// The record clashes with another one, e.g. a code another record already has (409).
    #[error("conflict: {0:?}")]
    Conflict(Vec<FieldError>),
    #[error("internal error")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("communication: {0}")]
    Communication(String),
}

/// The form field an error is about, so the UI can name it and put the message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Login,
    Password,
    Phone,
    Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    Phone(PhoneError),
    TooManyParts {
        parts: u32,
        max: u32,
    },
    /// Neither a phone nor a text: nothing worth saving.
    EmptyDraft,
    /// The message was already sent and can no longer be changed.
    AlreadySent,
}

/// One problem with one field of a record (`sms_phone`, `items[3].number`…), as forms and the
/// HTTP API report it: a stable machine-readable `code` and an English `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Empty for a problem with the request as a whole (then left out of the JSON).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The same problem reported on a field of a nested record (`representatives[0].` + field).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl AppError {
    pub fn invalid(field: Field, problem: Problem) -> Self {
        Self::Invalid { field, problem }
    }

    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Invalid { field, .. } => Some(*field),
            _ => None,
        }
    }

    /// The message shown to the operator, in the UI language.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            Self::NotFound => t.error_not_found.to_string(),
            Self::Unauthorized => t.error_unauthorized.to_string(),
            Self::Forbidden => t.error_forbidden.to_string(),
            Self::WrongCredentials => t.error_wrong_credentials.to_string(),
            Self::Internal => t.error_internal.to_string(),
            Self::Communication(_) => t.error_communication.to_string(),
            Self::Fields(errors) | Self::Conflict(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Invalid { field, problem } => {
                let what = match problem {
                    Problem::Required => t.error_required.to_string(),
                    Problem::Phone(e) => (t.phone_error)(e),
                    Problem::TooManyParts { parts, max } => (t.error_too_many_parts)(*parts, *max),
                    Problem::EmptyDraft => t.error_empty_draft.to_string(),
                    Problem::AlreadySent => t.error_already_sent.to_string(),
                };
                format!("{}: {}", t.field_name(*field), what)
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Communication(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::WrongCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Invalid { .. } | Self::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal | Self::Communication(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Gives a server function's failure its HTTP status (bad input is a 4xx, never a 500). A form
/// posted without JavaScript keeps the redirect the framework answers it with.
#[cfg(feature = "ssr")]
pub async fn respond<T>(result: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let result = result.await;
    if let Err(e) = &result {
        if !crate::ssr::is_plain_form_post() {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(e.status());
            }
        }
    }
    result
}
