//! Benchmark (ignored in ordinary runs): the messages list of a company with 1,000,000
//! messages (5 % drafts, the rest in delivery statuses, to 1,000 subjects), on SQLite and,
//! when `ESEMES_TEST_POSTGRES_URL` is set, PostgreSQL: the time of each kind of page, server
//! side (the store function the page calls), and the query plans.
//! Figures go to BENCHMARKS.md ("Messages list"); run with
//! `cargo test --release -p server --test list_bench -- --ignored --nocapture`.

mod common;

use std::time::{Duration, Instant};

use app::messages::ssr as messages;
use app::messages::{MessageQuery, Status, StatusFilter};
use app::ssr::{now_ms, Backend, Db, Placeholders};
use common::{admin, seeded};

const MESSAGES: usize = 1_000_000;
const SUBJECTS: usize = 1_000;
const RUNS: usize = 21;

async fn fill(db: &Db, company_id: i64, operator_id: i64) -> Vec<i64> {
    let mut tx = db.begin_write().await.unwrap();
    let mut subjects = Vec::new();
    for n in 0..SUBJECTS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, sms_phone, created_at, updated_at) \
             VALUES ($1, 'contractor', $2, $3, $4, 0, 0) RETURNING id",
        )
        .bind(company_id)
        .bind(format!("K{n:04}"))
        .bind(format!("Kontrahent {n}"))
        .bind(format!("+48601{n:06}"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        subjects.push(id);
    }
    let statuses = ["delivered", "delivered", "delivered", "sent", "undelivered"];
    let start = now_ms() - MESSAGES as i64 * 60_000;
    const ROWS: usize = 500;
    for chunk in (0..MESSAGES).collect::<Vec<_>>().chunks(ROWS) {
        let mut p = Placeholders::new(db.backend);
        let values: Vec<String> = chunk.iter().map(|_| format!("({})", p.list(11))).collect();
        let sql = format!(
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, subject_id, category) VALUES {}",
            values.join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for n in chunk {
            let status = match n % 20 {
                0 => "draft",
                k => statuses[k % statuses.len()],
            };
            let at = start + *n as i64 * 60_000;
            insert = insert
                .bind(company_id)
                .bind(operator_id)
                .bind(format!("+48601{:06}", n % SUBJECTS))
                .bind(format!(
                    "Przypomnienie o płatności nr {n} za fakturę FS/{n}/2026"
                ))
                .bind("ucs2")
                .bind(1i64)
                .bind(status)
                .bind(at)
                .bind(at)
                .bind(subjects[n % SUBJECTS])
                .bind("transactional");
        }
        insert.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    // Both planners choose by statistics, as a database that has lived a while has them.
    sqlx::query("ANALYZE").execute(&db.pool).await.unwrap();
    subjects
}

async fn time(db: &Db, company_id: i64, query: &MessageQuery) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = messages::list(db, company_id, query, None, now_ms())
            .await
            .unwrap();
        times.push(started.elapsed());
        rows = page.rows.len();
    }
    times.sort();
    (times[RUNS / 2], rows)
}

/// The plans of a filtered page and of a page far back (its cursor as the list writes it).
async fn plan(db: &Db, company_id: i64, (at, id): (i64, i64)) {
    let explain = match db.backend {
        Backend::Sqlite => "EXPLAIN QUERY PLAN",
        Backend::Postgres => "EXPLAIN",
    };
    let mut p = Placeholders::new(db.backend);
    let (company, a, b, c) = (p.one(), p.one(), p.one(), p.one());
    let queries = [
        ("drafts", format!("m.company_id = {company} AND m.status = 'draft' AND {a} + {b} + {c} <> 0")),
        ("far back", format!("m.company_id = {company} AND m.created_at <= {a} AND (m.created_at < {b} OR m.id < {c})")),
    ];
    for (name, condition) in queries {
        let sql = format!(
            "{explain} SELECT m.id FROM messages m LEFT JOIN subjects s ON s.id = m.subject_id \
             WHERE {condition} ORDER BY m.created_at DESC, m.id DESC LIMIT 51"
        );
        let rows: Vec<sqlx::any::AnyRow> = sqlx::query(&sql)
            .bind(company_id)
            .bind(at)
            .bind(at)
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap();
        use sqlx::Row;
        for row in rows {
            let line: String = match db.backend {
                Backend::Sqlite => row.try_get(3).unwrap_or_default(),
                Backend::Postgres => row.try_get(0).unwrap_or_default(),
            };
            println!("    plan ({name}): {line}");
        }
    }
}

async fn run(db: Db, label: &str) {
    seeded(&db).await;
    let operator = admin(&db).await;
    let started = Instant::now();
    let subjects = fill(&db, operator.company_id, operator.id).await;
    println!(
        "{label}: {MESSAGES} messages written in {:.1?}",
        started.elapsed()
    );
    let first = MessageQuery::default();
    let page = messages::list(&db, operator.company_id, &first, None, now_ms())
        .await
        .unwrap();
    let second = MessageQuery {
        before: Some(page.rows.last().unwrap().cursor.clone()),
        ..MessageQuery::default()
    };
    // A page in the middle of the history: the cursor of a message half-way back.
    let (middle_at, middle_id): (i64, i64) = sqlx::query_as(
        "SELECT created_at, id FROM messages WHERE company_id = $1 ORDER BY id LIMIT 1 OFFSET 500000",
    )
    .bind(operator.company_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let cases = [
        ("newest page", first.clone()),
        ("next page (cursor)", second),
        (
            "page half-way back",
            MessageQuery {
                before: Some(format!("{middle_at}.{middle_id}")),
                ..MessageQuery::default()
            },
        ),
        (
            "drafts",
            MessageQuery {
                status: StatusFilter::Drafts,
                ..MessageQuery::default()
            },
        ),
        (
            "undelivered",
            MessageQuery {
                status: StatusFilter::Is(Status::Undelivered),
                ..MessageQuery::default()
            },
        ),
        (
            "one subject (1,000 messages)",
            MessageQuery {
                subject_id: Some(subjects[7]),
                ..MessageQuery::default()
            },
        ),
        (
            "a common word",
            MessageQuery {
                q: "faktur".into(),
                ..MessageQuery::default()
            },
        ),
        (
            "a word in no message (reads them all)",
            MessageQuery {
                q: "zamówienie".into(),
                ..MessageQuery::default()
            },
        ),
    ];
    for (name, query) in cases {
        let (median, rows) = time(&db, operator.company_id, &query).await;
        println!("  {label}: {name}: median {median:.2?} ({rows} rows)");
    }
    plan(&db, operator.company_id, (middle_at, middle_id)).await;
}

#[tokio::test]
#[ignore]
async fn a_million_messages() {
    run(common::sqlite().await, "SQLite").await;
    if std::env::var("ESEMES_TEST_POSTGRES_URL").is_ok() {
        let (db, name) = common::postgres().await;
        run(db.clone(), "PostgreSQL").await;
        common::drop_postgres(db, &name).await;
    }
}
