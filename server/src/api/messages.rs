//! Sending through the API: one message or a batch of up to 1,000, with an optional
//! `Idempotency-Key`; a message with each part's status; and the feed of status changes.

use app::api_sending::{self as sending, MessageInput, SendError, Sent};
use app::ssr::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::{path_param, Company};
use super::error::{parse_json, ApiProblem};
use super::records::number_param;
use super::{ApiError, MAX_BATCH};

/// The most characters of an `Idempotency-Key`.
pub const MAX_KEY: usize = 255;
/// Status changes one page of the feed carries at most, and by default.
pub const MAX_CHANGES: i64 = 1000;
pub const DEFAULT_CHANGES: i64 = 100;

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    items: Vec<MessageInput>,
}

/// `POST …/messages`: 201 with the message queued.
pub async fn send_one(
    State(state): State<AppState>,
    company: Company,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body?;
    let input: MessageInput = parse_json(&body)?;
    let request = Request::new(&method, &uri, &headers, &body)?;
    send(
        &state,
        company,
        vec![input],
        request,
        |mut messages| json!({ "message": messages.pop() }),
    )
    .await
}

/// `POST …/messages:batch` with `{"items":[…]}`, at most 1,000: every message is checked first
/// and any problem refuses them all (422, each problem named `items[i].field`); otherwise all
/// are queued in one transaction.
pub async fn send_batch(
    State(state): State<AppState>,
    company: Company,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body?;
    let Batch { items } = parse_json(&body)?;
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(ApiError::invalid(vec![ApiProblem::new(
            "items",
            "out_of_range",
            format!("must have 1 to {MAX_BATCH} messages"),
        )]));
    }
    let request = Request::new(&method, &uri, &headers, &body)?;
    send(
        &state,
        company,
        items,
        request,
        |messages| json!({ "messages": messages }),
    )
    .await
}

/// A request's idempotency key (if sent) and its fingerprint.
struct Request {
    key: Option<String>,
    hash: String,
}

impl Request {
    fn new(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Self, ApiError> {
        let key = match headers.get("idempotency-key") {
            None => None,
            Some(value) => {
                let key = value.to_str().ok().map(str::trim).unwrap_or_default();
                let visible = key.bytes().all(|b| (0x21..=0x7e).contains(&b));
                if key.is_empty() || key.len() > MAX_KEY || !visible {
                    return Err(ApiError::bad_request(
                        "invalid_idempotency_key",
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    ));
                }
                Some(key.to_string())
            }
        };
        let mut hash = Sha256::new();
        hash.update(method.as_str());
        hash.update(uri.path());
        hash.update(body);
        Ok(Request {
            key,
            hash: hex::encode(hash.finalize()),
        })
    }
}

async fn send(
    state: &AppState,
    company: Company,
    items: Vec<MessageInput>,
    request: Request,
    shape: impl Fn(Vec<sending::MessageOutput>) -> Value,
) -> Result<Response, ApiError> {
    let db = &state.db;
    if let Some(key) = &request.key {
        let mut conn = db.pool.acquire().await?;
        if let Some(answered) = sending::answered(&mut conn, company.id, key, &request.hash).await?
        {
            return replay(state, company, answered, shape).await;
        }
    }
    let operator = sending::operator_for(db, company.token_id, company.id).await?;
    let now = state.clock.now_ms();
    // What was answered is stored with the key in the transaction that queues the messages:
    // a retry is told about the same messages, as they are by then.
    let answer = |ids: &[i64]| {
        let body = json!(ids).to_string();
        (StatusCode::CREATED.as_u16(), body)
    };
    let idempotency = request
        .key
        .as_deref()
        .map(|key| (key, request.hash.as_str()));
    let ids = match sending::send(db, &operator, &items, now, idempotency, answer).await {
        Ok(Sent::New { ids, .. }) => ids,
        Ok(Sent::Repeated(answered)) => return replay(state, company, answered, shape).await,
        Err(SendError::App(e)) => return Err(e.into()),
        Err(SendError::Items(problems)) => {
            let single = items.len() == 1 && problems.iter().all(|(i, _)| i.is_none());
            let errors = problems
                .into_iter()
                .map(|(i, e)| {
                    let problem = ApiProblem::from(e);
                    match (i, single) {
                        (Some(i), false) => problem.within(&format!("items[{i}]")),
                        _ => problem,
                    }
                })
                .collect();
            return Err(ApiError::invalid(errors));
        }
    };
    state.outbox.notify_one();
    tracing::info!(
        company_id = company.id,
        messages = ids.len(),
        "messages sent through the API"
    );
    let messages = sending::messages(db, company.id, &ids).await?;
    Ok((StatusCode::CREATED, Json(shape(messages))).into_response())
}

/// The answer to a repeated request: the first one's status, about the same messages (as they
/// are now), marked as a replay.
async fn replay(
    state: &AppState,
    company: Company,
    answered: sending::Answered,
    shape: impl Fn(Vec<sending::MessageOutput>) -> Value,
) -> Result<Response, ApiError> {
    let ids: Vec<i64> = serde_json::from_str(&answered.body).unwrap_or_default();
    let messages = sending::messages(&state.db, company.id, &ids).await?;
    let status = StatusCode::from_u16(answered.status).unwrap_or(StatusCode::OK);
    let replayed = (
        header::HeaderName::from_static("idempotent-replayed"),
        "true",
    );
    Ok((status, [replayed], Json(shape(messages))).into_response())
}

/// `GET …/messages/{message_id}`: the message with its parts, or 404.
pub async fn get_one(
    State(state): State<AppState>,
    company: Company,
    parts: axum::extract::Request,
) -> Result<Json<Value>, ApiError> {
    let (mut parts, _) = parts.into_parts();
    let id = path_param(&mut parts, &state, "message_id")
        .await
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(ApiError::not_found)?;
    let mut found = sending::messages(&state.db, company.id, &[id]).await?;
    let message = found.pop().ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({ "message": message })))
}

#[derive(Deserialize)]
pub struct ChangesParams {
    since: Option<String>,
    limit: Option<String>,
}

/// `GET …/messages?since=&limit=`: the messages whose status changed after the change `since`
/// (0: from the first), each as it is now, and `next_since` to ask with next time.
pub async fn changes(
    State(state): State<AppState>,
    company: Company,
    params: Result<Query<ChangesParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("malformed_query", &e.body_text()))?;
    let mut errors = vec![];
    let since = number_param(
        &mut errors,
        "since",
        params.since.as_deref(),
        0,
        0..=i64::MAX,
    );
    let limit = number_param(
        &mut errors,
        "limit",
        params.limit.as_deref(),
        DEFAULT_CHANGES,
        1..=MAX_CHANGES,
    );
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (messages, next) = sending::changed_since(&state.db, company.id, since, limit).await?;
    Ok(Json(json!({ "messages": messages, "next_since": next })))
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct LinkInput {
    #[serde(default)]
    document_external_id: Option<String>,
    #[serde(default)]
    task_external_id: Option<String>,
}

/// `POST …/composer-links`: a link, valid a few minutes, that opens the composer about the
/// document or task for an operator logged in to Esemes (the ERP's "Send SMS" button).
pub async fn composer_link(
    State(state): State<AppState>,
    company: Company,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let input: LinkInput = parse_json(&body?)?;
    let mut conn = state.db.pool.acquire().await?;
    let about = match (&input.document_external_id, &input.task_external_id) {
        (Some(id), None) => app::composer::About {
            document_id: Some(
                sending::record_id(
                    &mut conn,
                    "documents",
                    company.id,
                    id,
                    app::error::Field::DocumentExternalId,
                )
                .await?,
            ),
            task_id: None,
        },
        (None, Some(id)) => app::composer::About {
            document_id: None,
            task_id: Some(
                sending::record_id(
                    &mut conn,
                    "tasks",
                    company.id,
                    id,
                    app::error::Field::TaskExternalId,
                )
                .await?,
            ),
        },
        _ => {
            return Err(ApiError::invalid(vec![ApiProblem::new(
                "document_external_id",
                "document_or_task",
                "give exactly one of document_external_id and task_external_id",
            )]))
        }
    };
    drop(conn);
    let now = state.clock.now_ms();
    let (token, expires_at) =
        app::composer::ssr::create_link(&state.db, company.id, about, now).await?;
    let answer =
        json!({ "path": format!("/c/{token}"), "expires_at": sending::rfc3339(expires_at) });
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}
