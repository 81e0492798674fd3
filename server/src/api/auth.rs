//! Who is calling: the bearer token names an account, the path names one of its companies.

use app::api_tokens::ssr::authenticate;
use app::ssr::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::{header, request::Parts};

use super::ApiError;

/// The company a request works in, checked to belong to the token's account. Every store call
/// of the API takes `company.id`, so a handler cannot reach another tenant's data.
#[derive(Debug, Clone, Copy)]
pub struct Company {
    pub account_id: i64,
    pub id: i64,
    /// The token the request came with (messages are sent in the name of its creator).
    pub token_id: i64,
}

impl FromRequestParts<AppState> for Company {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = bearer_token(parts).ok_or_else(ApiError::unauthorized)?;
        let owner = authenticate(&state.db, secret)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let company_id = path_param(parts, state, "company_id")
            .await
            .and_then(|id| id.parse::<i64>().ok())
            .ok_or_else(ApiError::not_found)?;
        // A company of another account answers exactly like one that does not exist.
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM companies WHERE id = $1 AND account_id = $2")
                .bind(company_id)
                .bind(owner.account_id)
                .fetch_optional(&state.db.pool)
                .await?
                .ok_or_else(ApiError::not_found)?;
        Ok(Company {
            account_id: owner.account_id,
            id,
            token_id: owner.token_id,
        })
    }
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case, as RFC 9110 allows).
fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A parameter of the matched route, percent-decoded.
pub async fn path_param(parts: &mut Parts, state: &AppState, name: &str) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, state).await.ok()?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// The `{external_id}` of the route: the ERP's key of the record.
pub struct ExternalId(pub String);

impl FromRequestParts<AppState> for ExternalId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        path_param(parts, state, "external_id")
            .await
            .map(ExternalId)
            .ok_or_else(ApiError::not_found)
    }
}
