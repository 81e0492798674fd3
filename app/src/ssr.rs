//! Server-only plumbing shared by the features: application state, the database handle and time.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use tokio::sync::Notify;

use crate::format::LocalTime;

/// State of the server, handed to axum handlers and provided to server functions as context.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Wakes the dispatcher when a message is queued, so sends do not wait for its next poll.
    pub outbox: Arc<Notify>,
    /// Marks the session cookie `Secure` (set when the app is served over HTTPS).
    pub secure_cookies: bool,
    /// The gateway connections' state now, for the administration page.
    pub gateways: GatewayStatus,
    /// When scheduled and quiet-hour messages may go is decided by this clock.
    pub clock: Clock,
    /// Prices and payment providers for buying SMS packages (none: not set up).
    pub payments: crate::payments::provider::Payments,
    /// Seals the secrets stored in the database (SMTP passwords).
    #[from_ref(skip)]
    pub sealing_key: crate::sealing::SealingKey,
    /// Wakes the e-mail outbox when an e-mail is queued.
    #[from_ref(skip)]
    pub email_outbox: Arc<Notify>,
}

/// The time sends are scheduled by: the system's, or one a test sets (`manual`), so a test can
/// tell a message goes at its time and not before without waiting for it.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<std::sync::atomic::AtomicI64>>);

impl Clock {
    pub fn manual(epoch_ms: i64) -> Clock {
        Clock(Some(Arc::new(epoch_ms.into())))
    }

    /// Moves a manual clock; the system clock cannot be moved.
    pub fn set(&self, epoch_ms: i64) {
        if let Some(manual) = &self.0 {
            manual.store(epoch_ms, std::sync::atomic::Ordering::SeqCst);
        }
    }

    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(manual) => manual.load(std::sync::atomic::Ordering::SeqCst),
            None => now_ms(),
        }
    }
}

pub type GatewayStatus = Arc<dyn Fn() -> Vec<crate::admin::ConnectionStatus> + Send + Sync>;

/// The status of a connection that needs no link kept up (the simulator, Kannel's HTTP): ready
/// since the server started.
pub fn always_ready(name: String, driver: &'static str) -> GatewayStatus {
    let since = Some(local_time(now_ms()));
    Arc::new(move || {
        vec![crate::admin::ConnectionStatus {
            name: name.clone(),
            driver: driver.into(),
            ready: true,
            since,
            error: None,
            sending: Default::default(),
        }]
    })
}

pub fn app_state() -> AppState {
    expect_context::<AppState>()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: one pool and one query code path for SQLite and PostgreSQL (sqlx `Any`).
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating a SQLite file if needed) and migrates the database named by `url`.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options: AnyConnectOptions = url.parse().map_err(DbError::Open)?;
        let pool = AnyPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(10))
            .max_connections(match backend {
                // SQLite has one writer; a few readers are enough for one file.
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                        }
                        // Plan every statement for its values and the table as it is now. A
                        // generic plan, cached after five runs, was made for a table that an
                        // import then filled inside one transaction (statistics lag): each code
                        // check scanned every row inserted before it (20,000 rows in 55 s).
                        Backend::Postgres => {
                            conn.execute("SET plan_cache_mode = force_custom_plan")
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DbError::Open)?;
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// A transaction that is going to write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait for each other (busy_timeout) instead of
    /// one failing when its read turns into a write.
    /// What a claiming SELECT ends with so two servers take different rows: PostgreSQL skips
    /// rows another transaction locked; SQLite writes one transaction at a time anyway.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        }
        .map_err(DbError::Migrate)
    }
}

/// Adds `mode=rwc` (create the file) and creates the file's folder.
fn sqlite_url(url: &str) -> Result<String, DbError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let file = path.split('?').next().unwrap_or_default();
    if file != ":memory:" && !file.is_empty() {
        if let Some(folder) = std::path::Path::new(file).parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
        }
    }
    Ok(if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    })
}

/// What an upsert by external id did (subjects, documents, tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upsert {
    Created,
    Updated,
    /// The stored record already said exactly this: nothing was written, so a repeated
    /// request is harmless and says so.
    Unchanged,
}

impl Upsert {
    pub fn as_str(self) -> &'static str {
        match self {
            Upsert::Created => "created",
            Upsert::Updated => "updated",
            Upsert::Unchanged => "unchanged",
        }
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching `query` anywhere, lower-cased; the query's own `%`
/// and `_` match themselves.
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The words of a search query, folded (see `fold_for_search`); at most eight, so a pasted
/// paragraph cannot make a query of hundreds of conditions.
pub fn search_words(query: &str) -> Vec<String> {
    // Control characters separate words too: a NUL would cut SQLite's full-text query short
    // and is refused by PostgreSQL.
    let folded = crate::input::fold_for_search(query);
    (folded.split(|c: char| c.is_whitespace() || c.is_control()))
        .filter(|word| !word.is_empty())
        .take(8)
        .map(str::to_owned)
        .collect()
}

/// A search of a company's records by every word of a query, ignoring case and diacritics.
pub struct WordSearch<'a> {
    /// Ends in a `WHERE` condition in which `$1` is the company.
    pub select: &'a str,
    /// Columns of folded text (see `fold_for_search`): each word must be in one of them.
    pub fields: &'a [&'a str],
    /// The `ORDER BY` list.
    pub order: &'a str,
}

impl WordSearch<'_> {
    pub async fn fetch<R>(
        &self,
        db: &Db,
        company_id: i64,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<R>, sqlx::Error>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let words: Vec<String> = (search_words(query).iter())
            .map(|word| contains_pattern(word))
            .collect();
        let mut sql = self.select.to_string();
        for n in 2..words.len() + 2 {
            let in_any_field: Vec<String> = (self.fields.iter())
                .map(|field| format!("{field} LIKE ${n} ESCAPE '\\'"))
                .collect();
            sql.push_str(&format!(" AND ({})", in_any_field.join(" OR ")));
        }
        let n = words.len() + 2;
        sql.push_str(&format!(
            " ORDER BY {} LIMIT ${n} OFFSET ${}",
            self.order,
            n + 1
        ));
        let mut rows = sqlx::query_as(&sql).bind(company_id);
        for word in &words {
            rows = rows.bind(word);
        }
        rows.bind(limit).bind(offset).fetch_all(&db.pool).await
    }
}

/// A company's record by the ERP's id. In `select`, `$1` is the company and `$2` the id.
pub async fn by_external_id<R>(
    db: &Db,
    select: &str,
    company_id: i64,
    external_id: &str,
) -> Result<Option<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(select)
        .bind(company_id)
        .bind(external_id)
        .fetch_optional(&db.pool)
        .await
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The companies' time zone; per-company zones can come later without changing callers.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Warsaw;

/// Midnight at the start of `day` in the company's time zone, in epoch ms.
pub fn start_of_day(day: chrono::NaiveDate) -> i64 {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    TIME_ZONE
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

/// An instant with the UTC offset of the company's time zone, for display in the browser.
pub fn local_time(epoch_ms: i64) -> LocalTime {
    use chrono::{Offset, TimeZone};
    let offset_minutes = chrono::DateTime::from_timestamp_millis(epoch_ms)
        .map(|utc| {
            TIME_ZONE
                .offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        })
        .unwrap_or(0);
    LocalTime {
        epoch_ms,
        offset_minutes,
    }
}

/// Whether the current server-function call is an HTML form posted without JavaScript.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            let accept = parts.headers.get(http::header::ACCEPT)?.to_str().ok()?;
            Some(accept.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The values of a statement built piece by piece (filters that may or may not apply), each
/// taken with its placeholder where it goes in the text, and bound in that order.
pub struct Binds {
    placeholders: Placeholders,
    values: Vec<Bound>,
}

enum Bound {
    Int(i64),
    Text(String),
}

impl Binds {
    pub fn new(backend: Backend) -> Self {
        Binds {
            placeholders: Placeholders::new(backend),
            values: Vec::new(),
        }
    }

    pub fn int(&mut self, value: i64) -> String {
        self.values.push(Bound::Int(value));
        self.placeholders.one()
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.values.push(Bound::Text(value.into()));
        self.placeholders.one()
    }

    pub fn query_as<'q, O>(
        self,
        sql: &'q str,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as(sql);
        for value in self.values {
            query = match value {
                Bound::Int(n) => query.bind(n),
                Bound::Text(t) => query.bind(t),
            };
        }
        query
    }
}

/// Placeholders for statements written for many rows, numbered in the order they appear in
/// the text: bind in that order. SQLite gets anonymous `?`: sqlx asks SQLite each parameter's
/// name, which it finds by walking all the names, so a thousand `$n` would cost a million steps.
pub struct Placeholders {
    backend: Backend,
    next: usize,
}

impl Placeholders {
    pub fn new(backend: Backend) -> Self {
        Placeholders { backend, next: 1 }
    }

    pub fn one(&mut self) -> String {
        self.next += 1;
        match self.backend {
            Backend::Sqlite => "?".to_string(),
            Backend::Postgres => format!("${}", self.next - 1),
        }
    }

    /// `count` placeholders separated by commas, for an `IN` list or a row.
    pub fn list(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.one())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `WITH v(columns) AS (VALUES (…), (…))` with `rows` rows of typed placeholders: one
    /// statement then updates many rows, each with its own values, on both databases (the
    /// casts give PostgreSQL the types of values that may be NULL).
    pub fn values(&mut self, columns: &str, types: &[&str], rows: usize) -> String {
        let rows: Vec<String> = (0..rows)
            .map(|_| {
                let cells: Vec<String> = (types.iter())
                    .map(|ty| format!("CAST({} AS {ty})", self.one()))
                    .collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        format!("WITH v({columns}) AS (VALUES {}) ", rows.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warsaw_offset_follows_daylight_saving() {
        // 2026-07-01 12:00 UTC (summer, UTC+2) and 2026-11-23 13:05 UTC (winter, UTC+1).
        assert_eq!(local_time(1_782_907_200_000).offset_minutes, 120);
        assert_eq!(local_time(1_795_439_100_000).offset_minutes, 60);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("FV_10%"), "%fv\\_10\\%%");
    }

    #[test]
    fn sqlite_url_creates_its_folder_and_file_mode() {
        let dir = std::env::temp_dir().join(format!("esemes-url-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/db.sqlite", dir.display());
        assert_eq!(sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.join("sub").is_dir());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
