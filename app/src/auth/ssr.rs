//! Sessions and password checks on the server.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use http::{header, request::Parts, HeaderMap, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sha2::{Digest, Sha256};

use super::SESSION_COOKIE;
use crate::error::{AppError, Result};
use crate::ssr::{now_ms, Db};

const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// Failed logins allowed per login within the window before further tries are refused; the
/// count is in the database, so several servers share it.
pub const MAX_FAILED_LOGINS: i64 = 5;
const FAILED_LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The logged-in operator, put into the request's extensions by the server's session check.
/// Holds no secret, but is not sent to the browser as it is (see `OperatorInfo`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Operator {
    pub id: i64,
    pub account_id: i64,
    pub company_id: i64,
    pub login: String,
    pub name: String,
    pub role: String,
    pub company_name: String,
}

impl Operator {
    /// Administrators configure the company (templates, sender names); operators send.
    pub fn is_administrator(&self) -> bool {
        self.role == super::Role::Administrator.as_str()
    }
}

/// The operator of the current server-function call, if an administrator.
pub fn require_administrator() -> Result<Operator> {
    let operator = require_operator()?;
    if operator.is_administrator() {
        Ok(operator)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The operator of the current server-function call. The session was checked by the server's
/// middleware; a call that did not pass through it has no operator and is refused.
pub fn require_operator() -> Result<Operator> {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<Operator>().cloned())
        .ok_or(AppError::Unauthorized)
}

pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|e| internal("password hashing task", e))?
    .map_err(|e| internal("password hashing", e))
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| internal("stored password hash", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| internal("password check task", e))?
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{what} failed");
    AppError::Internal
}

/// A hash of a password nobody has, checked when the login is unknown so that both cases take
/// the same time.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Cj2S3Bvhxt4hPp9P7C2uyVBqs/3nmAKJXC5a9e/eSo0";

/// Checks the credentials and opens a session in the operator's first company.
/// Returns the session token for the cookie.
pub async fn log_in(db: &Db, login: &str, password: &str) -> Result<String> {
    let now = now_ms();
    // Unknown logins are counted too, so the answer does not tell which logins exist.
    let recent: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM login_failures WHERE login = $1 AND at > $2 ORDER BY at",
    )
    .bind(login)
    .bind(now - FAILED_LOGIN_WINDOW_MS)
    .fetch_all(&db.pool)
    .await?;
    if recent.len() as i64 >= MAX_FAILED_LOGINS {
        let free_at = recent[recent.len() - MAX_FAILED_LOGINS as usize] + FAILED_LOGIN_WINDOW_MS;
        let minutes = ((free_at - now) as f64 / 60_000.0).ceil().max(1.0) as u32;
        tracing::warn!(login, "login refused: too many failed attempts");
        return Err(AppError::TooManyAttempts { minutes });
    }
    let found: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT o.id, o.password_hash, \
                (SELECT MIN(oc.company_id) FROM operator_companies oc WHERE oc.operator_id = o.id) \
         FROM operators o WHERE o.login = $1 AND o.active = 1",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await?;
    let (hash, operator) = match &found {
        Some((id, hash, company)) => (hash.clone(), Some((*id, *company))),
        None => (DECOY_HASH.to_string(), None),
    };
    let password_ok = verify_password(password.to_string(), hash).await?;
    let (Some((operator_id, Some(company_id))), true) = (operator, password_ok) else {
        tracing::info!(login, "failed login");
        sqlx::query("INSERT INTO login_failures (login, at) VALUES ($1, $2)")
            .bind(login)
            .bind(now)
            .execute(&db.pool)
            .await?;
        return Err(AppError::WrongCredentials);
    };
    sqlx::query("DELETE FROM login_failures WHERE login = $1 OR at < $2")
        .bind(login)
        .bind(now - FAILED_LOGIN_WINDOW_MS)
        .execute(&db.pool)
        .await?;
    let token = new_token();
    // Expired sessions are of no use to anyone; logging in is a fine moment to forget them.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, operator_id, company_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(operator_id)
    .bind(company_id)
    .bind(now)
    .bind(now + SESSION_LIFETIME_MS)
    .execute(&db.pool)
    .await?;
    tracing::info!(operator_id, "logged in");
    Ok(token)
}

/// Moves a session to another company (the caller checked the operator may use it).
pub async fn move_session(db: &Db, token: &str, company_id: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET company_id = $1 WHERE token_hash = $2")
        .bind(company_id)
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn end_session(db: &Db, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The operator whose unexpired session the request's cookie names; `secure` as the server's
/// cookies are (see `cookie_name`).
pub async fn operator_for_headers(
    db: &Db,
    headers: &HeaderMap,
    secure: bool,
) -> Result<Option<Operator>> {
    let Some(token) = session_token(headers, secure) else {
        return Ok(None);
    };
    Ok(sqlx::query_as::<_, Operator>(
        "SELECT o.id, o.account_id, s.company_id, o.login, o.name, o.role, c.name AS company_name \
         FROM sessions s \
         JOIN operators o ON o.id = s.operator_id \
         JOIN companies c ON c.id = s.company_id AND c.account_id = o.account_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active = 1",
    )
    .bind(token_hash(&token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?)
}

fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_string())
}

pub fn session_token_from_request() -> Option<String> {
    let secure = crate::ssr::app_state().secure_cookies;
    use_context::<Parts>().and_then(|parts| session_token(&parts.headers, secure))
}

pub fn set_session_cookie(token: &str, secure: bool) {
    set_cookie(token, SESSION_LIFETIME_MS / 1000, secure);
}

pub fn clear_session_cookie(secure: bool) {
    set_cookie("", 0, secure);
}

/// Over HTTPS the session cookie is `__Host-` prefixed: the browser then keeps it only when it
/// is `Secure`, for this host alone and the whole path, so a neighbouring subdomain cannot plant
/// or shadow it; a cookie of the plain name is then ignored.
fn cookie_name(secure: bool) -> String {
    if secure {
        format!("__Host-{SESSION_COOKIE}")
    } else {
        SESSION_COOKIE.to_string()
    }
}

fn set_cookie(value: &str, max_age_s: i64, secure: bool) {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}");
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

pub(crate) fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
