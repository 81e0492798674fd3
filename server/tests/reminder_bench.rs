//! Benchmark (ignored in ordinary runs): the reminder automaton of a company with 10,000 tasks
//! over the next 30 days (a client SMS a day before, an operator e-mail two hours before), on
//! SQLite and, when `ESEMES_TEST_POSTGRES_URL` is set, PostgreSQL: the dry run of a day, a
//! cycle taking an hour's reminders, and the cycle that follows every minute with nothing new.
//! Figures go to BENCHMARKS.md ("Reminder automaton"); run with
//! `cargo test --release -p server --test reminder_bench -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use app::reminders::ssr as automaton;
use app::reminders::{Channel, Day, Rule, Settings};
use app::ssr::{now_ms, Db};
use common::{admin, seeded};

const TASKS: i64 = 10_000;
const DAYS: i64 = 30;
const MINUTE: i64 = 60_000;

async fn run(db: Db, label: &str) {
    seeded(&db).await;
    let operator = admin(&db).await;
    sqlx::query("UPDATE operators SET email = 'admin@example.com'")
        .execute(&db.pool)
        .await
        .unwrap();
    let start = now_ms();
    let mut tx = db.begin_write().await.unwrap();
    for n in 0..TASKS {
        let subject: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, sms_phone, email, created_at) \
             VALUES ($1, 'contractor', $2, $3, $4, 'k@example.com', 0) RETURNING id",
        )
        .bind(operator.company_id)
        .bind(format!("R{n:05}"))
        .bind(format!("Klient Łódź {n}"))
        .bind(format!("+48601{n:06}"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        // Evenly over the next 30 days.
        let starts_at = start + (n * DAYS * 24 * 60 / TASKS + 1) * MINUTE;
        sqlx::query(
            "INSERT INTO tasks (company_id, title, subject_id, operator_id, starts_at, created_at, \
                    updated_at) VALUES ($1, $2, $3, $4, $5, 0, 0)",
        )
        .bind(operator.company_id)
        .bind(format!("Wizyta serwisowa {n}"))
        .bind(subject)
        .bind(operator.id)
        .bind(starts_at)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    app::credits::ssr::add(
        &db,
        operator.account_id,
        app::credits::EntryKind::Correction,
        100_000,
        app::credits::ssr::About::default(),
        "bench",
        now_ms(),
    )
    .await
    .unwrap();
    let rule = |enabled, channel, sms, email| Rule {
        enabled,
        channel,
        sms_minutes_before: sms,
        email_minutes_before: email,
        ..Rule::default()
    };
    let settings = Settings {
        enabled: true,
        operator_id: Some(operator.id),
        email_account_id: None,
        client: rule(true, Channel::Sms, 24 * 60, 24 * 60),
        operator: rule(true, Channel::Email, 120, 120),
    };
    automaton::save_settings(&db, operator.company_id, &settings)
        .await
        .unwrap();

    let timed = Instant::now();
    let tomorrow = automaton::dry_run(&db, &operator, Day::Tomorrow, start)
        .await
        .unwrap();
    let dry_run = timed.elapsed();
    // An hour later than now: every reminder due within it is taken at once.
    let hour = start + 60 * MINUTE;
    let timed = Instant::now();
    let first = automaton::run_cycle(&db, hour, MINUTE).await.unwrap();
    let taking = timed.elapsed();
    let timed = Instant::now();
    let again = automaton::run_cycle(&db, hour + MINUTE, MINUTE)
        .await
        .unwrap();
    let steady = timed.elapsed();
    println!(
        "{label}: dry run of tomorrow ({} reminders) {:?}; cycle taking {} reminders {:?}; \
         next cycle ({} taken) {:?}",
        tomorrow.reminders.len(),
        dry_run,
        first.sent + first.skipped,
        taking,
        again.sent + again.skipped,
        steady
    );
}

#[tokio::test]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn reminder_automaton_with_10000_tasks() {
    run(common::sqlite().await, "SQLite").await;
    if std::env::var("ESEMES_TEST_POSTGRES_URL").is_ok() {
        let (db, name) = common::postgres().await;
        run(db.clone(), "PostgreSQL").await;
        common::drop_postgres(db, &name).await;
    }
}
