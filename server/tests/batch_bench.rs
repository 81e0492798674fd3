//! Benchmark (ignored in ordinary runs): a serial send to 10,000 contractors of one company,
//! from the selection to the messages queued: creating the batch, preparing every recipient's
//! text (the preview's background job), and making the messages once sent, on SQLite and, when
//! `ESEMES_TEST_POSTGRES_URL` is set, PostgreSQL.
//! Figures go to BENCHMARKS.md ("Serial sends"); run with
//! `cargo test --release -p server --test batch_bench -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use app::batches::ssr::{self as batches, Settings};
use app::batches::{BatchState, Decision, Selection, Source};
use app::messages::Category;
use app::ssr::{now_ms, Db};
use common::{admin, seeded};
use sms::procedure::Procedure;
use tokio::sync::Notify;

const RECIPIENTS: usize = 10_000;

async fn run(db: Db, label: &str) {
    seeded(&db).await;
    let operator = admin(&db).await;
    let mut ids = Vec::with_capacity(RECIPIENTS);
    let mut tx = db.begin_write().await.unwrap();
    for n in 0..RECIPIENTS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, sms_phone, created_at, updated_at) \
             VALUES ($1, 'contractor', $2, $3, $4, 0, 0) RETURNING id",
        )
        .bind(operator.company_id)
        .bind(format!("K{n:05}"))
        .bind(format!("Przedsiębiorstwo Handlowe Łódź {n}"))
        .bind(format!("+48601{n:06}"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    let about = app::credits::ssr::About::default();
    let kind = app::credits::EntryKind::Correction;
    app::credits::ssr::add(
        &db,
        operator.account_id,
        kind,
        100_000,
        about,
        "bench",
        now_ms(),
    )
    .await
    .unwrap();
    let selection = Selection {
        source: Source::Subjects,
        ids,
        all: false,
        q: String::new(),
        kind: None,
        inactive: false,
        unpaid: false,
    };
    let settings = Settings {
        body: "Dzień dobry, {nazwa} ({podmiot}): przypominamy o płatności. Numer {telefon}.".into(),
        template_id: None,
        procedure: Procedure::ContractorList,
        category: Category::Transactional,
        urgent: false,
        send_at: None,
        from_number: false,
    };
    let outbox = Notify::new();
    let started = Instant::now();
    let id = batches::create(&db, &operator, "bench", &selection, &settings)
        .await
        .unwrap();
    let created = started.elapsed();
    let started = Instant::now();
    while batches::work_once(&db, &outbox).await.unwrap() {}
    let prepared = started.elapsed();
    let started = Instant::now();
    let view = batches::view(&db, &operator, id, 0).await.unwrap();
    let first_page = started.elapsed();
    assert_eq!(
        (view.state, view.valid as usize),
        (BatchState::Ready, RECIPIENTS)
    );
    let started = Instant::now();
    let send = Decision::Send {
        without_polish: true,
    };
    batches::decide(&db, &operator, id, send, now_ms())
        .await
        .unwrap();
    while batches::work_once(&db, &outbox).await.unwrap() {}
    let sent = started.elapsed();
    println!(
        "{label}: {RECIPIENTS} recipients: batch created in {created:.2?}, prepared in \
         {prepared:.2?} ({:.0} rows/s), preview page read in {first_page:.2?}, credits held and \
         {RECIPIENTS} messages queued in {sent:.2?}",
        RECIPIENTS as f64 / prepared.as_secs_f64()
    );
}

#[tokio::test]
#[ignore]
async fn ten_thousand_recipients() {
    run(common::sqlite().await, "SQLite").await;
    if std::env::var("ESEMES_TEST_POSTGRES_URL").is_ok() {
        let (db, name) = common::postgres().await;
        run(db.clone(), "PostgreSQL").await;
        common::drop_postgres(db, &name).await;
    }
}
