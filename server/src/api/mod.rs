//! HTTP API v1 for the host ERP: JSON under `/api/v1`, bearer tokens of an account, every
//! record addressed by the ERP's external id inside one of the account's companies. Described
//! by the OpenAPI document at `/api/v1/openapi.json` (`openapi.rs`).
//!
//! Errors are always `{"errors":[{"field","code","message"}]}`: 400 for a body that is not
//! JSON, 422 for wrong fields, 401 for a missing, unknown or revoked token, 404 for anything
//! the token's account does not own (other accounts' companies look exactly like missing ones),
//! 409 for a clash with another record, 413 for a body over the limit.

mod auth;
mod correspondence;
mod error;
mod messages;
pub mod openapi;
mod records;

use app::ssr::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put, MethodRouter};
use axum::Router;

pub use auth::Company;
pub use error::ApiError;

/// Where the API is nested.
pub const PATH: &str = "/api/v1";
/// Paths the browser session check leaves alone.
pub const PREFIX: &str = "/api/v1/";

/// The most records one batch request may carry.
pub const MAX_BATCH: usize = 1000;
/// Room for a full batch with generous attributes; larger bodies get a 413.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Every route of the API, as (path below `/api/v1`, handlers). The router is built from this
/// list and a test walks it against the OpenAPI document, so no route goes undescribed.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    use records::{batch, get_one, list, put_one, Documents, Subjects, Tasks};
    vec![
        ("/openapi.json", get(openapi::serve)),
        ("/companies/{company_id}/subjects", get(list::<Subjects>)),
        (
            "/companies/{company_id}/subjects:batch",
            post(batch::<Subjects>),
        ),
        (
            "/companies/{company_id}/subjects/{external_id}",
            get(get_one::<Subjects>).put(put_one::<Subjects>),
        ),
        ("/companies/{company_id}/documents", get(list::<Documents>)),
        (
            "/companies/{company_id}/documents:batch",
            post(batch::<Documents>),
        ),
        (
            "/companies/{company_id}/documents/{external_id}",
            get(get_one::<Documents>).put(put_one::<Documents>),
        ),
        ("/companies/{company_id}/tasks", get(list::<Tasks>)),
        ("/companies/{company_id}/tasks:batch", post(batch::<Tasks>)),
        (
            "/companies/{company_id}/messages",
            get(messages::changes).post(messages::send_one),
        ),
        (
            "/companies/{company_id}/messages:batch",
            post(messages::send_batch),
        ),
        (
            "/companies/{company_id}/messages/{message_id}",
            get(messages::get_one),
        ),
        (
            "/companies/{company_id}/composer-links",
            post(messages::composer_link),
        ),
        (
            "/companies/{company_id}/documents/{external_id}/printout",
            put(correspondence::put_printout),
        ),
        (
            "/companies/{company_id}/correspondence",
            post(correspondence::register),
        ),
        (
            "/companies/{company_id}/tasks/{external_id}",
            get(get_one::<Tasks>).put(put_one::<Tasks>),
        ),
    ]
}

/// The API, to be nested at `/api/v1`.
pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handlers)| {
            router.route(path, handlers)
        })
        // Unknown paths and methods under /api/v1 answer in the API's own error format.
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
