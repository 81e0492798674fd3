//! Test databases: a fresh SQLite file and a fresh PostgreSQL database per test, so the same
//! store tests run on both backends. PostgreSQL comes from `make test`
//! (ESEMES_TEST_POSTGRES_URL, e.g. postgres://esemes:esemes@127.0.0.1:5432).
#![allow(dead_code)] // each test file uses part of this

pub mod kannel;
pub mod payments;
pub mod site;
pub mod smsc;
pub mod smtp;

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use app::address_book::{SubjectInput, SubjectKind};
use app::auth::ssr::{log_in, operator_for_headers, Operator};
use app::composer::{check, ssr as composer, Intent};
use app::ssr::{AppState, Db};
use http::{header, HeaderMap, HeaderValue};
use leptos::config::LeptosOptions;
use sqlx::{Connection, Executor, PgConnection};
use std::sync::Arc;
use tokio::sync::Notify;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A database name no other test run uses: the process id alone repeats across runs (and the
/// SQLite files stay in the temporary folder), so the start time is part of it.
fn unique_name() -> String {
    static RUN: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let run = RUN.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    });
    format!(
        "esemes_test_{}_{run}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn sqlite() -> Db {
    Db::connect(&sqlite_url())
        .await
        .expect("open SQLite test database")
}

pub fn postgres_server() -> String {
    std::env::var("ESEMES_TEST_POSTGRES_URL").expect(
        "ESEMES_TEST_POSTGRES_URL is not set: run the tests with `make test`, which starts PostgreSQL",
    )
}

/// A new, migrated PostgreSQL database and its name.
pub async fn postgres() -> (Db, String) {
    let (url, name) = empty_postgres().await;
    let db = Db::connect(&url)
        .await
        .expect("open PostgreSQL test database");
    (db, name)
}

/// A new PostgreSQL database without tables: its URL and name.
pub async fn empty_postgres() -> (String, String) {
    let server = postgres_server();
    let name = unique_name();
    let mut admin = PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    (format!("{server}/{name}"), name)
}

/// A SQLite file no other test uses, not created yet: its URL.
pub fn sqlite_url() -> String {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
    format!("sqlite://{}", path.display())
}

pub async fn drop_postgres(db: Db, name: &str) {
    db.pool.close().await;
    let mut admin = PgConnection::connect(&format!("{}/postgres", postgres_server()))
        .await
        .unwrap();
    // FORCE ends what a test left connected (a server task's pooled connection), but refuses
    // while an autovacuum worker (a superuser's process) is in the database: try again then.
    let drop = format!("DROP DATABASE {name} WITH (FORCE)");
    for attempt in 0.. {
        match admin.execute(drop.as_str()).await {
            Ok(_) => break,
            Err(e) if attempt < 50 => {
                eprintln!("dropping {name} again: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => panic!("drop {name}: {e}"),
        }
    }
}

/// Runs `test` against a fresh SQLite database and then a fresh PostgreSQL one.
pub async fn on_both<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    test(sqlite().await).await;
    let (db, name) = postgres().await;
    test(db.clone()).await;
    drop_postgres(db, &name).await;
}

/// The server's state over `db`, as `main` builds it (no built site: pages render without it).
pub fn app_state(db: Db, outbox: Arc<Notify>) -> AppState {
    let options = LeptosOptions::builder()
        .output_name("esemes")
        .site_root("target/site")
        .build();
    AppState {
        leptos_options: options,
        db,
        outbox,
        secure_cookies: false,
        gateways: app::ssr::always_ready("simulator".into(), "simulator"),
        clock: Default::default(),
        payments: Default::default(),
        sealing_key: sealing_key(),
        email_outbox: Default::default(),
    }
}

/// The tests' key for SMTP passwords.
pub fn sealing_key() -> app::sealing::SealingKey {
    app::sealing::SealingKey::new(&[42; 32]).unwrap()
}

pub const ADMIN_PASSWORD: &str = "test-Haslo-1";
/// The client address of logins in tests that do not go through HTTP.
pub const CLIENT: &str = "192.0.2.1";

/// Demo data with a known administrator password.
pub async fn seeded(db: &Db) {
    server::demo::seed_if_empty(db, Some(ADMIN_PASSWORD.to_string()))
        .await
        .unwrap()
        .expect("seeded");
}

/// The demo data with the sample documents and tasks of a first start, and its administrator.
pub async fn with_samples(db: &Db) -> Operator {
    seeded(db).await;
    let operator = admin(db).await;
    server::demo::seed_documents_and_tasks(db, operator.company_id)
        .await
        .unwrap();
    operator
}

/// The demo administrator's operator, through a real login and session.
pub async fn admin(db: &Db) -> Operator {
    let token = log_in(db, CLIENT, "admin", ADMIN_PASSWORD)
        .await
        .expect("log in");
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("lang=pl; esemes_session={token}")).unwrap(),
    );
    operator_for_headers(db, &headers, false)
        .await
        .unwrap()
        .expect("session is valid")
}

/// Queues a message for sending, as the composer does.
pub async fn queue(db: &Db, operator: &Operator, phone: &str, body: &str) -> i64 {
    try_queue(db, operator, phone, body).await.unwrap()
}

/// `queue`, or why the composer refused it (sending it again as draft `draft` when given).
pub async fn try_queue_draft(
    db: &Db,
    operator: &Operator,
    draft: Option<i64>,
    phone: &str,
    body: &str,
) -> app::error::Result<i64> {
    let checked = check(phone, body, Intent::Send).unwrap();
    let now = composer::Timing::now();
    composer::store(
        db,
        operator,
        draft,
        &checked,
        Intent::Send,
        Default::default(),
        now,
    )
    .await
}

pub async fn try_queue(
    db: &Db,
    operator: &Operator,
    phone: &str,
    body: &str,
) -> app::error::Result<i64> {
    try_queue_draft(db, operator, None, phone, body).await
}

/// A company of another account (the access tests' stranger): its account and company ids.
pub async fn other_account(db: &Db) -> (i64, i64) {
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, created_at) VALUES ('Obce', 0) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let company: i64 = sqlx::query_scalar(
        "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
         VALUES ($1, 'Obca', 'Obca', '', '', 0) RETURNING id",
    )
    .bind(account)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (account, company)
}

/// A second company, of a second account, with nothing in it.
pub async fn other_company(db: &Db) -> i64 {
    other_account(db).await.1
}

/// A subject with only its kind, code and name; saving it leaves stored representatives as
/// they are.
pub fn subject(kind: SubjectKind, code: &str, name: &str) -> SubjectInput {
    SubjectInput {
        representatives: None,
        ..SubjectInput::new(kind, code, name)
    }
}

/// Failed logins recorded (within the throttling window or not).
pub async fn login_failures(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM login_failures")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// A TCP port free on 127.0.0.1 a moment ago, for a peer given its port on its command line.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The first line a fixture started with its stdout piped prints once it is ready (within 10 s).
pub async fn ready_line(child: &mut tokio::process::Child, what: &str) -> String {
    use tokio::io::AsyncBufReadExt;
    let stdout = child.stdout.take().expect("the fixture's stdout piped");
    let mut ready = String::new();
    let mut lines = tokio::io::BufReader::new(stdout);
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        lines.read_line(&mut ready),
    )
    .await
    .unwrap_or_else(|_| panic!("{what} says it is ready"))
    .unwrap();
    ready
}

/// The one number `sql` selects.
pub async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

/// Waits (up to 10 s) until message `id` has status `wanted`; its error then. Otherwise fails
/// showing where the message and its parts are.
pub async fn settled(db: &Db, id: i64, wanted: &str) -> Option<String> {
    let now = || async {
        sqlx::query_as::<_, (String, Option<String>)>(
            "SELECT status, error FROM messages WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    for _ in 0..400 {
        let (status, error) = now().await;
        if status == wanted {
            return error;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let parts: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT seq, status, error FROM message_parts WHERE message_id = $1")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    panic!(
        "message {id} never {wanted}: {:?}, parts {parts:?}",
        now().await
    );
}
