//! The API's answers for failures, and reading JSON bodies so that bad input is always a 4xx
//! naming the field, never a 500.

use app::error::{AppError, FieldError, Problem};
use app::i18n::Lang;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

/// One problem as the API reports it: the JSON path of the field (`items[3].sms_phone`; left
/// out for the request as a whole), a stable code for programs and an English message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiProblem {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ApiProblem {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiProblem {
            field: field.into(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The same problem on a field of an enclosing object (`items[3]` + `.` + field).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = join(prefix, &self.field);
        self
    }
}

impl From<FieldError> for ApiProblem {
    fn from(e: FieldError) -> Self {
        ApiProblem::new(e.path(), e.problem.code(), e.message(Lang::En))
    }
}

/// A failed API request: a status and the problems, each with its field where there is one.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ApiProblem>,
}

impl ApiError {
    fn one(status: StatusCode, code: &str, message: &str) -> Self {
        ApiError {
            status,
            errors: vec![ApiProblem::new("", code, message)],
        }
    }

    pub fn bad_request(code: &str, message: &str) -> Self {
        Self::one(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized() -> Self {
        Self::one(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid API token as `Authorization: Bearer <token>`",
        )
    }

    pub fn not_found() -> Self {
        Self::one(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    pub fn method_not_allowed() -> Self {
        Self::one(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this resource does not support this method",
        )
    }

    pub fn invalid(errors: Vec<ApiProblem>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        }
    }

    /// The problems a record's checks found.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self::invalid(errors.into_iter().map(ApiProblem::from).collect())
    }

    /// Names every problem as a field of an item of a batch: `items[3].sms_phone`.
    pub fn within(mut self, prefix: &str) -> Self {
        self.errors = self.errors.into_iter().map(|e| e.within(prefix)).collect();
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            // A code or external id another record has: the request clashes with stored data
            // rather than being malformed.
            AppError::InvalidFields(errors)
                if errors.iter().any(|e| e.problem == Problem::CodeTaken) =>
            {
                ApiError {
                    status: StatusCode::CONFLICT,
                    ..ApiError::fields(errors)
                }
            }
            AppError::InvalidFields(errors) => ApiError::fields(errors),
            AppError::Invalid { field, problem } => {
                ApiError::fields(vec![FieldError::new(field, problem)])
            }
            AppError::NotFound => ApiError::not_found(),
            // Logins are throttled in the browser's login only; the API has no password to guess.
            AppError::Unauthorized
            | AppError::WrongCredentials
            | AppError::TooManyAttempts { .. } => ApiError::unauthorized(),
            AppError::Busy => Self::one(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                "the server is busy; try again shortly",
            ),
            AppError::Forbidden => Self::one(
                StatusCode::FORBIDDEN,
                "forbidden",
                "this token may not do this",
            ),
            // Logged where it happened (`From<sqlx::Error>`); the client learns nothing more.
            AppError::Internal | AppError::Communication(_) => Self::one(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; try again later",
            ),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "errors": self.errors }));
        if self.status == StatusCode::UNAUTHORIZED {
            (self.status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (self.status, body).into_response()
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "payload_too_large"
        } else {
            "unreadable_body"
        };
        Self::one(status, code, &rejection.body_text())
    }
}

/// The body as JSON: 400 when it is not JSON at all, 422 naming the field when it is JSON of
/// the wrong shape (a string for a number, an unknown kind, a missing or unknown field).
/// Parsing to a `Value` first keeps the two apart: serde_json reports some wrong shapes (a
/// number where an enum goes) as syntax errors when it deserializes straight from text.
pub fn parse_json<T: DeserializeOwned + Serialize>(body: &Bytes) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "malformed_json",
            &format!("the body is not valid JSON: {e}"),
        )
    })?;
    // serde would read an array as a struct's fields in order; every body is an object.
    if !value.is_object() {
        return Err(not_an_object());
    }
    from_value(whole_numbers(value))
}

/// JSON Schema counts `12.0` as an integer, and so does our OpenAPI document; serde does not.
/// Numbers without a fraction become integers, so a client that writes amounts as floats
/// (JavaScript's JSON.stringify does not, but others may) is not refused.
fn whole_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| (key, whole_numbers(value)))
                .collect(),
        ),
        other => other,
    }
}

/// A JSON value (the body, or an item of a batch) as `T`, each problem named by its field.
/// Fields `T` does not have are refused too, even where its type lets serde skip them, so a
/// misspelt field is an error instead of silently missing data.
pub fn from_value<T: DeserializeOwned + Serialize>(value: Value) -> Result<T, ApiError> {
    let read: T = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        shape_error(path, e.into_inner())
    })?;
    let mut unknown = vec![];
    let read_back = serde_json::to_value(&read).unwrap_or(Value::Null);
    unknown_fields(&value, &read_back, "", &mut unknown);
    if unknown.is_empty() {
        Ok(read)
    } else {
        Err(ApiError::invalid(
            unknown
                .into_iter()
                .map(|field| ApiProblem::new(field, "unknown_field", "no such field"))
                .collect(),
        ))
    }
}

/// Object keys of `sent` that `read` (what was deserialized, serialized again) lacks.
fn unknown_fields(sent: &Value, read: &Value, path: &str, found: &mut Vec<String>) {
    match (sent, read) {
        (Value::Object(sent), Value::Object(read)) => {
            for (key, value) in sent {
                let field = join(path, key);
                match read.get(key) {
                    Some(read) => unknown_fields(value, read, &field, found),
                    None => found.push(field),
                }
            }
        }
        (Value::Array(sent), Value::Array(read)) => {
            for (i, (sent, read)) in sent.iter().zip(read).enumerate() {
                unknown_fields(sent, read, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

pub fn not_an_object() -> ApiError {
    ApiError::invalid(vec![ApiProblem::new(
        "",
        "invalid_type",
        "must be a JSON object",
    )])
}

fn shape_error(path: String, e: serde_json::Error) -> ApiError {
    // serde names a missing field only in its message ("missing field `kind`"); the field is
    // more useful in `field`. (The path of an unknown field already ends with its name.)
    let message = e.to_string();
    let path = if path == "." { String::new() } else { path };
    let (field, code) = match backticked(&message) {
        Some(name) if message.starts_with("missing field") => (join(&path, name), "required"),
        Some(_) if message.starts_with("unknown field") => (path, "unknown_field"),
        _ => (path, "invalid_type"),
    };
    ApiError::invalid(vec![ApiProblem::new(field, code, message)])
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

fn join(path: &str, name: &str) -> String {
    if name.is_empty() {
        path.to_string()
    } else if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, serde::Serialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        count: i64,
        inner: Option<Inner>,
    }

    /// Lets unknown fields through, as types shared with forms may.
    #[derive(Debug, serde::Deserialize, serde::Serialize)]
    struct Inner {
        name: String,
    }

    fn problem(body: &str) -> (StatusCode, String, String) {
        let e = parse_json::<Probe>(&Bytes::from(body.to_string())).unwrap_err();
        (
            e.status,
            e.errors[0].field.clone(),
            e.errors[0].code.clone(),
        )
    }

    #[test]
    fn bodies_that_are_not_json_are_400_and_wrong_shapes_422_with_the_field() {
        let bad = StatusCode::BAD_REQUEST;
        let wrong = StatusCode::UNPROCESSABLE_ENTITY;
        assert_eq!(problem("{").0, bad);
        assert_eq!(problem("").0, bad);
        assert_eq!(problem(r#"{"count":1} x"#).0, bad);
        assert_eq!(
            problem(r#"{"count":"1"}"#),
            (wrong, "count".into(), "invalid_type".into())
        );
        assert_eq!(problem(r#"{}"#), (wrong, "count".into(), "required".into()));
        assert_eq!(
            problem(r#"{"count":1,"inner":{"name":"x","nmae":1}}"#),
            (wrong, "inner.nmae".into(), "unknown_field".into())
        );
        assert_eq!(problem("[]"), (wrong, "".into(), "invalid_type".into()));
        assert_eq!(problem("[1,2]"), (wrong, "".into(), "invalid_type".into()));
        assert_eq!(
            problem(r#"{"count":1e400}"#).0,
            bad,
            "beyond f64: not JSON to serde_json"
        );
    }

    #[test]
    fn a_number_without_a_fraction_is_an_integer_as_json_schema_says() {
        let read =
            |body: &str| parse_json::<Probe>(&Bytes::from(body.to_string())).map(|p| p.count);
        assert_eq!(read(r#"{"count":-2229.0}"#).unwrap(), -2229);
        assert_eq!(read(r#"{"count":12e2}"#).unwrap(), 1200);
        assert_eq!(
            problem(r#"{"count":12.5}"#),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "count".into(),
                "invalid_type".into()
            )
        );
    }
}
