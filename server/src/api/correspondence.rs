//! Correspondence and printouts from the host ERP: items received for a client (with their one
//! notification), and a document's printout that e-mail about the document offers.

use app::correspondence::{ItemInput, Registration};
use app::ssr::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::auth::{Company, ExternalId};
use super::error::parse_json;
use super::ApiError;

fn yes() -> bool {
    true
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct CorrespondenceInput {
    subject_external_id: String,
    items: Vec<ItemInput>,
    #[serde(default)]
    text: String,
    #[serde(default = "yes")]
    notify: bool,
}

/// `POST …/correspondence`: 201 with the items' ids and what became of the notification.
pub async fn register(
    State(state): State<AppState>,
    company: Company,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: CorrespondenceInput = parse_json(&body?)?;
    let registration = Registration {
        subject_id: 0,
        items: input.items,
        text: input.text,
        notify: input.notify,
    };
    app::correspondence::validate(&registration).map_err(app::error::AppError::InvalidFields)?;
    let subject_id =
        app::correspondence::ssr::subject_id(&state.db, company.id, &input.subject_external_id)
            .await?;
    let registration = Registration {
        subject_id,
        ..registration
    };
    let operator = app::api_sending::operator_for(&state.db, company.token_id, company.id).await?;
    let now = state.clock.now_ms();
    let registered =
        app::correspondence::ssr::register(&state.db, &operator, &registration, now).await?;
    if registered.notice.sent {
        state.outbox.notify_one();
    }
    Ok((StatusCode::CREATED, Json(registered)).into_response())
}

#[derive(Deserialize)]
pub struct PrintoutParams {
    name: Option<String>,
}

/// `PUT …/documents/{external_id}/printout`: the body is the file (a PDF, as its
/// `Content-Type` says).
pub async fn put_printout(
    State(state): State<AppState>,
    company: Company,
    ExternalId(external_id): ExternalId,
    params: Result<Query<PrintoutParams>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("malformed_query", &e.body_text()))?;
    let body = body?;
    let content_type = (headers.get(header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/pdf");
    let name = params
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{external_id}.pdf"));
    let file = app::email::ssr::NewFile {
        name: &name,
        content_type,
        content: &body,
    };
    let file_id = app::email::ssr::set_printout(&state.db, company.id, &external_id, &file).await?;
    Ok(Json(json!({ "file_id": file_id })))
}
