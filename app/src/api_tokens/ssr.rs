//! API token storage and checks.

use super::ApiToken;
use crate::auth::ssr::{new_token, token_hash};
use crate::error::{AppError, Field, Result};
use crate::input;
use crate::ssr::{now_ms, Db};

/// Every token starts with this, so a leaked one is easy to recognise (and to scan for).
const TOKEN_MARK: &str = "esk_";
/// How much of a token is kept in clear to tell tokens apart: the mark and 8 hex digits.
const PREFIX_LEN: usize = TOKEN_MARK.len() + 8;
/// `last_used_at` is refreshed at most this often, so API calls do not each write a row.
const LAST_USED_PRECISION_MS: i64 = 60_000;

/// Whose a presented token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    pub token_id: i64,
    pub account_id: i64,
}

/// Creates a token for the account and returns it with its secret, which is not stored and
/// cannot be shown again.
pub async fn create(
    db: &Db,
    account_id: i64,
    name: &str,
    created_by: Option<i64>,
) -> Result<(ApiToken, String)> {
    let mut errors = vec![];
    let name = input::text(&mut errors, Field::Name, name, true, 100);
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    let account: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    if account.is_none() {
        return Err(AppError::NotFound);
    }
    let secret = format!("{TOKEN_MARK}{}", new_token());
    let prefix = &secret[..PREFIX_LEN];
    let token = sqlx::query_as(
        "INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, name, prefix, created_at, last_used_at, revoked_at",
    )
    .bind(account_id)
    .bind(&name)
    .bind(token_hash(&secret))
    .bind(prefix)
    .bind(created_by)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    tracing::info!(account_id, prefix, "API token created");
    Ok((token, secret))
}

/// Revokes one of the account's tokens; requests with it are refused from now on.
pub async fn revoke(db: &Db, account_id: i64, token_id: i64) -> Result<()> {
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 \
         WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(token_id)
    .bind(account_id)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if revoked == 0 {
        return Err(AppError::NotFound);
    }
    tracing::info!(account_id, token_id, "API token revoked");
    Ok(())
}

pub async fn list(db: &Db, account_id: i64) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at \
         FROM api_tokens WHERE account_id = $1 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The owner of an unrevoked token, or `None` for an unknown or revoked one. Only the hash
/// is looked up, so the secret is never compared byte by byte or stored.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<TokenOwner>> {
    let found: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, account_id, last_used_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(secret))
    .fetch_optional(&db.pool)
    .await?;
    let Some((token_id, account_id, last_used_at)) = found else {
        return Ok(None);
    };
    let now = now_ms();
    if last_used_at.is_none_or(|at| now - at >= LAST_USED_PRECISION_MS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(TokenOwner {
        token_id,
        account_id,
    }))
}
