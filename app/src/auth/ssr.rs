//! Sessions and password checks on the server.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use http::{header, request::Parts, HeaderMap, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::SESSION_COOKIE;
use crate::error::{AppError, Field, Problem, Result};
use crate::ssr::{now_ms, Db};

const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// Failed logins allowed per login and client address within the window before further tries
/// from there are refused; the count is in the database, so several servers share it.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// Failed logins allowed per login from all addresses together: a slower back-off against
/// guessing from many addresses, high enough that one stranger cannot lock the owner out.
pub const MAX_FAILED_LOGINS_EVERYWHERE: i64 = 50;
const FAILED_LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Logins are at most 40 characters (admin's rule); a typed one over this is refused before any
/// password check, without being counted.
pub const MAX_LOGIN_CHARS: usize = 100;
/// Each argon2 check takes ~19 MiB: a flood of logins must not run hundreds at once.
const ARGON2_AT_ONCE: usize = 4;
/// How long a password check waits for its turn before the caller is asked to try again.
const ARGON2_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// The turns of argon2 checks (public so a test can take them all).
pub static ARGON2_TURNS: Semaphore = Semaphore::const_new(ARGON2_AT_ONCE);
/// The client address of a request whose connection is unknown (a server not told it).
const UNKNOWN_CLIENT: &str = "unknown";

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
    /// Non-zero while the operator still has a generated password (see `password_change_due`).
    pub must_change_password: i64,
}

impl Operator {
    /// While the password is a generated one, only the page to change it opens.
    pub fn password_change_due(&self) -> bool {
        self.must_change_password != 0
    }

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

/// The operator automatic work (the HTTP API, the reminder automaton) is done in the name of in
/// the company: `preferred` when they are of its account, else its account's first
/// administrator.
pub async fn acting_operator(
    conn: &mut sqlx::AnyConnection,
    company_id: i64,
    preferred: Option<i64>,
) -> Result<Operator> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.account_id, c.id AS company_id, o.login, o.name, o.role, \
                c.name AS company_name, o.must_change_password \
         FROM companies c JOIN operators o ON o.account_id = c.account_id \
         WHERE c.id = $1 \
         ORDER BY CASE WHEN o.id = $2 THEN 0 ELSE 1 END, \
                  CASE WHEN o.role = 'administrator' THEN 0 ELSE 1 END, o.id \
         LIMIT 1",
    )
    .bind(company_id)
    .bind(preferred.unwrap_or(0))
    .fetch_one(conn)
    .await?)
}

pub async fn hash_password(password: String) -> Result<String> {
    with_argon2("password hashing", move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await?
    .map_err(|e| internal("password hashing", e))
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    with_argon2("password check", move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| internal("stored password hash", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// Runs an argon2 computation on a blocking thread once it has a turn; `AppError::Busy` when
/// none comes in time.
async fn with_argon2<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let turn = tokio::time::timeout(ARGON2_WAIT, ARGON2_TURNS.acquire())
        .await
        .map_err(|_| AppError::Busy)?
        .map_err(|e| internal(what, e))?;
    // The turn goes with the work: it ends when the computation does, even if the caller left.
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(|e| internal(what, e))
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{what} failed");
    AppError::Internal
}

/// A hash of a password nobody has, checked when the login is unknown so that both cases take
/// the same time.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Cj2S3Bvhxt4hPp9P7C2uyVBqs/3nmAKJXC5a9e/eSo0";

/// The client's address for throttling, as the connection saw it: X-Forwarded-For is not
/// trusted (anyone can send it). An IPv6 client owns its whole /64, so that is what counts.
pub fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::{IpAddr, SocketAddr};
    let Some(ConnectInfo(address)) = use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned())
    else {
        return UNKNOWN_CLIENT.to_string();
    };
    match address.ip().to_canonical() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => {
            let [a, b, c, d, ..] = ip.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// Checks the credentials of a login from `client` (see `client_address`) and opens a session
/// in the operator's first company. Returns the session token for the cookie.
pub async fn log_in(db: &Db, client: &str, login: &str, password: &str) -> Result<String> {
    if login.chars().count() > MAX_LOGIN_CHARS {
        return Err(AppError::invalid(
            Field::Login,
            Problem::TooLong {
                max: MAX_LOGIN_CHARS as u32,
            },
        ));
    }
    let now = now_ms();
    // Recorded as a failure before the password is checked, so that concurrent attempts see
    // each other: of fifty parallel guesses, the sixth already finds five rows. Unknown logins
    // are counted too, so the answer does not tell which logins exist.
    let attempt: i64 = sqlx::query_scalar(
        "INSERT INTO login_failures (login, address, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(login)
    .bind(client)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    let (operator_id, company_id) =
        match check_attempt(db, attempt, client, login, password, now).await {
            Ok(Some(operator)) => operator,
            Ok(None) => {
                // Not the login: people type their password into that field by mistake.
                tracing::info!(client, "failed login");
                return Err(AppError::WrongCredentials);
            }
            Err(e) => {
                // Only guesses count: refused attempts counted too would keep a login locked for as
                // long as anyone kept trying, and push it over the limit from every address.
                sqlx::query("DELETE FROM login_failures WHERE id = $1")
                    .bind(attempt)
                    .execute(&db.pool)
                    .await?;
                return Err(e);
            }
        };
    sqlx::query("DELETE FROM login_failures WHERE login = $1 AND address = $2")
        .bind(login)
        .bind(client)
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
    tracing::info!(operator_id, client, "logged in");
    Ok(token)
}

/// The operator and company of a login attempt (recorded as row `attempt`) whose password is
/// right, `None` when it is wrong; refused when too many failures came before it.
async fn check_attempt(
    db: &Db,
    attempt: i64,
    client: &str,
    login: &str,
    password: &str,
    now: i64,
) -> Result<Option<(i64, i64)>> {
    let earlier: Vec<(String, i64)> = sqlx::query_as(
        "SELECT address, at FROM login_failures WHERE login = $1 AND at > $2 AND id <> $3 \
         ORDER BY at",
    )
    .bind(login)
    .bind(now - FAILED_LOGIN_WINDOW_MS)
    .bind(attempt)
    .fetch_all(&db.pool)
    .await?;
    let from_client: Vec<i64> = (earlier.iter())
        .filter(|(address, _)| address == client)
        .map(|(_, at)| *at)
        .collect();
    let everywhere: Vec<i64> = earlier.iter().map(|(_, at)| *at).collect();
    for (failures, max) in [
        (from_client, MAX_FAILED_LOGINS),
        (everywhere, MAX_FAILED_LOGINS_EVERYWHERE),
    ] {
        if failures.len() as i64 >= max {
            let free_at = failures[failures.len() - max as usize] + FAILED_LOGIN_WINDOW_MS;
            let minutes = ((free_at - now) as f64 / 60_000.0).ceil().max(1.0) as u32;
            tracing::warn!(client, "login refused: too many failed attempts");
            return Err(AppError::TooManyAttempts { minutes });
        }
    }
    let found: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT o.id, o.password_hash, \
                (SELECT MIN(oc.company_id) FROM operator_companies oc WHERE oc.operator_id = o.id) \
         FROM operators o WHERE o.login = $1 AND o.active = 1",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await?;
    let (hash, operator) = match found {
        Some((id, hash, company)) => (hash, company.map(|company| (id, company))),
        None => (DECOY_HASH.to_string(), None),
    };
    let password_ok = verify_password(password.to_string(), hash).await?;
    Ok(operator.filter(|_| password_ok))
}

/// Forgets failed logins older than the window: they no longer count. The server does this on
/// a timer, so the table stays small however many guesses come and however few logins succeed.
pub async fn forget_old_login_failures(db: &Db) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(now_ms() - FAILED_LOGIN_WINDOW_MS)
        .execute(&db.pool)
        .await?
        .rows_affected())
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
        "SELECT o.id, o.account_id, s.company_id, o.login, o.name, o.role, c.name AS company_name, \
                o.must_change_password \
         FROM sessions s \
         JOIN operators o ON o.id = s.operator_id \
         JOIN companies c ON c.id = s.company_id AND c.account_id = o.account_id \
         JOIN operator_companies oc ON oc.operator_id = o.id AND oc.company_id = s.company_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active = 1",
    )
    .bind(token_hash(&token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?)
}

pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
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

/// Gives the operator a password of their own and lifts the obligation to change it.
pub async fn change_password(db: &Db, operator_id: i64, password: String) -> Result<()> {
    let hash = hash_password(password).await?;
    sqlx::query("UPDATE operators SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(hash)
        .bind(operator_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
