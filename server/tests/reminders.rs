//! The reminder automaton on SQLite and PostgreSQL, its time given (not slept): a task due
//! tomorrow at 10:00 reminds its client by SMS a day before and its operator by e-mail two
//! hours before, listed beforehand by the dry run, each once across restarts and two servers
//! on one database; the e-mail reaches a real SMTP server (aiosmtpd) once, its Polish intact.
//! Quiet hours, a task's own settings, recurring tasks and the reasons a reminder is skipped.

mod common;

use app::auth::ssr::Operator;
use app::email::ssr as email;
use app::reminders::ssr as automaton;
use app::reminders::{Audience, Channel, Day, Outcome, Rule, Settings, Skip};
use app::ssr::Db;
use app::tasks::{Recurrence, ValidTask};
use common::smtp::Smtp;
use common::{count, on_both, sealing_key, with_samples};

fn at(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

/// Tuesday morning; "tomorrow" is Wednesday 9 December.
const NOW: &str = "2026-12-08T08:00:00+01:00";
const TASK_START: &str = "2026-12-09T10:00:00+01:00";

struct World {
    operator: Operator,
    subject_id: i64,
    task_id: i64,
}

async fn subject(db: &Db, company_id: i64, code: &str, phone: Option<&str>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO subjects (company_id, kind, code, name, sms_phone, email, created_at) \
         VALUES ($1, 'contractor', $2, $3, $4, 'klient@example.com', 0) RETURNING id",
    )
    .bind(company_id)
    .bind(code)
    .bind(format!("Klient {code}"))
    .bind(phone)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn task(db: &Db, company_id: i64, key: &str, starts_at: &str, subject: &str) -> i64 {
    task_with(db, company_id, key, starts_at, subject, None, None).await
}

async fn task_with(
    db: &Db,
    company_id: i64,
    key: &str,
    starts_at: &str,
    subject: &str,
    recurrence: Option<Recurrence>,
    until: Option<&str>,
) -> i64 {
    sqlx::query(
        "UPDATE subjects SET external_id = code WHERE company_id = $1 AND external_id IS NULL",
    )
    .bind(company_id)
    .execute(&db.pool)
    .await
    .unwrap();
    let task = ValidTask {
        title: "Przegląd instalacji".into(),
        subject_external_id: Some(subject.into()),
        operator_login: Some("admin".into()),
        starts_at: at(starts_at),
        ends_at: None,
        done: false,
        recurrence,
        recurrence_until: until.map(at),
    };
    let mut tx = db.begin_write().await.unwrap();
    let (id, _) = app::tasks::ssr::upsert(&mut tx, company_id, key, &task)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn rule(enabled: bool, channel: Channel, sms_minutes: i64, email_minutes: i64) -> Rule {
    Rule {
        enabled,
        channel,
        sms_minutes_before: sms_minutes,
        email_minutes_before: email_minutes,
        ..Rule::default()
    }
}

/// The demo company with a client, its task tomorrow at 10:00, the company's e-mail account
/// on `smtp_port`, and the automaton on: clients by SMS a day before, operators by e-mail two
/// hours before.
async fn world(db: &Db, smtp_port: u16) -> World {
    let operator = with_samples(db).await;
    // The sample tasks are around the real today; these tests live in December 2026.
    sqlx::query("UPDATE tasks SET done = 1")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE operators SET email = 'jan.kowalski@zefir.example' WHERE id = $1")
        .bind(operator.id)
        .execute(&db.pool)
        .await
        .unwrap();
    let account = app::email::AccountInput {
        host: "127.0.0.1".into(),
        port: smtp_port.to_string(),
        tls: "none".into(),
        from_name: "Hurtownia Zefir".into(),
        from_address: "biuro@zefir.example".into(),
        ..Default::default()
    };
    let valid = account.validate().unwrap();
    email::save_account(db, &sealing_key(), &operator, false, &valid)
        .await
        .unwrap();
    let subject_id = subject(db, operator.company_id, "K-REM", Some("+48600100200")).await;
    let task_id = task(db, operator.company_id, "rem-1", TASK_START, "K-REM").await;
    let settings = Settings {
        enabled: true,
        operator_id: Some(operator.id),
        email_account_id: None,
        client: rule(true, Channel::Sms, 24 * 60, 24 * 60),
        operator: rule(true, Channel::Email, 60, 120),
    };
    automaton::save_settings(db, operator.company_id, &settings)
        .await
        .unwrap();
    World {
        operator,
        subject_id,
        task_id,
    }
}

async fn messages_of_task(db: &Db, task_id: i64) -> Vec<(String, String, Option<i64>)> {
    sqlx::query_as("SELECT phone, body, send_at FROM messages WHERE task_id = $1 ORDER BY id")
        .bind(task_id)
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_task_due_tomorrow_reminds_its_client_and_operator_once_as_the_dry_run_said() {
    on_both(|db| async move {
        let smtp = Smtp::start().await;
        let w = world(&db, smtp.port).await;
        let available = || count(&db, "SELECT available FROM credit_pools");
        let credits_before = available().await;

        // The dry run, beforehand: today the client's SMS at 10:00, tomorrow the operator's
        // e-mail at 08:00.
        let today = automaton::dry_run(&db, &w.operator, Day::Today, at(NOW))
            .await
            .unwrap();
        assert!(today.enabled);
        let mine: Vec<_> = (today.reminders.iter())
            .filter(|r| r.task_id == w.task_id)
            .collect();
        assert_eq!(mine.len(), 1, "{:?}", today.reminders);
        let sms = mine[0];
        assert_eq!(
            (sms.audience, sms.channel),
            (Audience::Client, Channel::Sms)
        );
        assert_eq!(sms.goes.epoch_ms, at("2026-12-08T10:00:00+01:00"));
        assert_eq!(sms.to, "+48 600 100 200");
        assert!(sms.text.contains("Przegląd instalacji"), "{}", sms.text);
        assert!(sms.text.contains("10:00"), "{}", sms.text);
        assert_eq!((sms.parts, sms.skip.clone(), sms.done), (1, None, None));
        assert!(today.credits_needed >= 1);
        let tomorrow = automaton::dry_run(&db, &w.operator, Day::Tomorrow, at(NOW))
            .await
            .unwrap();
        let mail: Vec<_> = (tomorrow.reminders.iter())
            .filter(|r| r.task_id == w.task_id)
            .collect();
        assert_eq!(mail.len(), 1, "{:?}", tomorrow.reminders);
        assert_eq!(
            (mail[0].audience, mail[0].channel),
            (Audience::Operator, Channel::Email)
        );
        assert_eq!(mail[0].goes.epoch_ms, at("2026-12-09T08:00:00+01:00"));
        assert_eq!(mail[0].to, "jan.kowalski@zefir.example");
        let title = mail[0].title.clone().unwrap();
        assert!(
            title.starts_with("Przypomnienie: Przegląd instalacji"),
            "{title}"
        );

        // Nothing before its time; at 10:00 the SMS, once, however often the service runs.
        automaton::run_cycle(&db, at("2026-12-08T09:59:00+01:00"), 60_000)
            .await
            .unwrap();
        assert!(messages_of_task(&db, w.task_id).await.is_empty());
        let cycle = automaton::run_cycle(&db, at("2026-12-08T10:00:00+01:00"), 60_000)
            .await
            .unwrap();
        assert!(cycle.sent >= 1);
        for minute in ["10:00:30", "10:01:00", "12:00:00"] {
            let now = at(&format!("2026-12-08T{minute}+01:00"));
            automaton::run_cycle(&db, now, 60_000).await.unwrap();
        }
        let sent = messages_of_task(&db, w.task_id).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].0, "+48600100200");
        assert_eq!(sent[0].1, sms.text);
        let subject_of_message: Option<i64> =
            sqlx::query_scalar("SELECT subject_id FROM messages WHERE task_id = $1")
                .bind(w.task_id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(subject_of_message, Some(w.subject_id));
        assert_eq!(available().await, credits_before - 1, "one SMS held");
        let today = automaton::dry_run(
            &db,
            &w.operator,
            Day::Today,
            at("2026-12-08T12:00:00+01:00"),
        )
        .await
        .unwrap();
        let done = today
            .reminders
            .iter()
            .find(|r| r.task_id == w.task_id)
            .unwrap();
        assert_eq!(done.done, Some(Outcome::Sent));

        // Tomorrow at 08:00, two servers at once: one e-mail queued, sent once.
        let wednesday = at("2026-12-09T08:00:00+01:00");
        let (a, b) = tokio::join!(
            automaton::run_cycle(&db, wednesday, 60_000),
            automaton::run_cycle(&db, wednesday, 60_000)
        );
        assert_eq!(a.unwrap().sent + b.unwrap().sent, 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM emails").await, 1);
        let key = sealing_key();
        assert_eq!(
            server::email_outbox::deliver_due(&db, &key, wednesday).await,
            1
        );
        assert_eq!(
            server::email_outbox::deliver_due(&db, &key, wednesday + 60_000).await,
            0
        );
        automaton::run_cycle(&db, wednesday + 60_000, 60_000)
            .await
            .unwrap();
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert!(mails[0].to.contains("jan.kowalski@zefir.example"));
        assert_eq!(mails[0].subject, title);
        assert!(
            mails[0].body.contains("przypominamy: Przegląd instalacji"),
            "{}",
            mails[0].body
        );

        // The log: both, sent, with the recipients.
        let log = automaton::log(&db, w.operator.company_id, None)
            .await
            .unwrap();
        let ours: Vec<_> = log.iter().filter(|e| e.task_id == w.task_id).collect();
        assert_eq!(ours.len(), 2);
        assert!(ours.iter().all(|e| e.outcome == Outcome::Sent));
        assert_eq!(ours[0].channel, Channel::Email);
        assert_eq!(ours[0].status.as_deref(), Some("sent"));
        assert!(ours[1].recipient.contains("Klient K-REM"));
        let state = app::reminders::ssr::service_state(
            &mut db.pool.acquire().await.unwrap(),
            wednesday + 60_000,
        )
        .await
        .unwrap();
        assert!(state.last_finished.is_some() && state.error.is_none());
    })
    .await;
}

#[tokio::test]
async fn two_servers_on_one_postgresql_send_each_reminder_once() {
    let smtp = Smtp::start().await;
    let (url, name) = common::empty_postgres().await;
    let first = Db::connect(&url).await.unwrap();
    let second = Db::connect(&url).await.unwrap();
    let w = world(&first, smtp.port).await;
    // Ten tasks due at once, both servers cycling together, twice.
    for n in 0..10 {
        task(
            &first,
            w.operator.company_id,
            &format!("many-{n}"),
            TASK_START,
            "K-REM",
        )
        .await;
    }
    let due = at("2026-12-08T10:00:00+01:00");
    for now in [due, due + 1000] {
        let (a, b) = tokio::join!(
            automaton::run_cycle(&first, now, 60_000),
            automaton::run_cycle(&second, now, 60_000)
        );
        a.unwrap();
        b.unwrap();
    }
    let reminded: i64 = count(
        &first,
        "SELECT COUNT(*) FROM messages WHERE task_id IS NOT NULL",
    )
    .await;
    assert_eq!(reminded, 11, "one SMS per task");
    assert_eq!(count(&first, "SELECT COUNT(*) FROM reminders").await, 11);
    drop(second);
    common::drop_postgres(first, &name).await;
}

#[tokio::test]
async fn quiet_hours_a_task_of_its_own_and_the_reasons_a_reminder_is_skipped() {
    on_both(|db| async move {
        let smtp = Smtp::start().await;
        let w = world(&db, smtp.port).await;
        let company = w.operator.company_id;
        // Sending is allowed 08:00–20:00. A reminder due at 07:00 for a 09:00 visit waits for
        // 08:00; one due at 06:30 for a 07:30 visit goes as it is due (08:00 would be too late).
        let late = task(
            &db,
            company,
            "quiet-1",
            "2026-12-08T09:00:00+01:00",
            "K-REM",
        )
        .await;
        let early = task(
            &db,
            company,
            "quiet-2",
            "2026-12-08T07:30:00+01:00",
            "K-REM",
        )
        .await;
        for (id, minutes) in [(late, 120), (early, 60)] {
            let own = rule(true, Channel::Sms, minutes, 60);
            let off = rule(false, Channel::Email, 60, 60);
            automaton::save_task_rules(&db, company, id, Some((&own, &off)))
                .await
                .unwrap();
        }
        automaton::run_cycle(&db, at("2026-12-08T06:30:00+01:00"), 60_000)
            .await
            .unwrap();
        automaton::run_cycle(&db, at("2026-12-08T07:00:00+01:00"), 60_000)
            .await
            .unwrap();
        let early_sent = messages_of_task(&db, early).await;
        assert_eq!(early_sent.len(), 1);
        assert_eq!(early_sent[0].2, None, "goes at once");
        let late_sent = messages_of_task(&db, late).await;
        assert_eq!(late_sent.len(), 1);
        assert_eq!(late_sent[0].2, Some(at("2026-12-08T08:00:00+01:00")));

        // A task of its own back to the defaults: the day-before SMS, not the 2-hour one.
        automaton::save_task_rules(&db, company, late, None)
            .await
            .unwrap();
        let view = automaton::task_view(&db, &w.operator, late, at(NOW))
            .await
            .unwrap();
        assert!(!view.own);
        assert_eq!(view.client.sms_minutes_before, 24 * 60);

        // A client without a phone: skipped once, with why; the operator's e-mail still goes.
        subject(&db, company, "K-NOPHONE", None).await;
        let lonely = task(&db, company, "nophone", TASK_START, "K-NOPHONE").await;
        for minute in ["10:00", "10:01"] {
            automaton::run_cycle(&db, at(&format!("2026-12-08T{minute}:00+01:00")), 60_000)
                .await
                .unwrap();
        }
        let log = automaton::log(&db, company, None).await.unwrap();
        let skipped: Vec<_> = log.iter().filter(|e| e.task_id == lonely).collect();
        assert_eq!(skipped.len(), 1, "{log:?}");
        assert_eq!(skipped[0].outcome, Outcome::Skipped);
        assert_eq!(skipped[0].skip, Some(Skip::NoPhone));

        // A template whose macro has no value for the client: skipped, naming the macro.
        let template = app::templates::TemplateInput::new(
            "Przypomnienie z imieniem",
            "Dzień dobry {imie}, jutro {zadanie}.",
            &[(sms::Procedure::TaskForm, false)],
        );
        let valid = app::templates::check_template(&template).unwrap();
        let mut conn = db.pool.acquire().await.unwrap();
        let template_id = app::templates::ssr::save(&mut conn, company, None, &valid)
            .await
            .unwrap();
        drop(conn);
        let named = task(&db, company, "named", "2026-12-10T10:00:00+01:00", "K-REM").await;
        let own = Rule {
            sms_template_id: Some(template_id),
            ..rule(true, Channel::Sms, 24 * 60, 60)
        };
        let off = rule(false, Channel::Sms, 60, 60);
        automaton::save_task_rules(&db, company, named, Some((&own, &off)))
            .await
            .unwrap();
        let tomorrow = automaton::dry_run(&db, &w.operator, Day::Tomorrow, at(NOW))
            .await
            .unwrap();
        let planned = tomorrow
            .reminders
            .iter()
            .find(|r| r.task_id == named)
            .unwrap();
        assert!(
            matches!(&planned.skip, Some(Skip::UnfilledMacros(names)) if names.contains("imie")),
            "{:?}",
            planned.skip
        );
        automaton::run_cycle(&db, at("2026-12-09T10:00:00+01:00"), 60_000)
            .await
            .unwrap();
        assert!(messages_of_task(&db, named).await.is_empty());
        let log = automaton::log(&db, company, None).await.unwrap();
        assert!(log
            .iter()
            .any(|e| e.task_id == named && e.outcome == Outcome::Skipped));
    })
    .await;
}

#[tokio::test]
async fn each_occurrence_of_a_recurring_task_gets_its_reminder() {
    on_both(|db| async move {
        let smtp = Smtp::start().await;
        let w = world(&db, smtp.port).await;
        let company = w.operator.company_id;
        // Every Monday at 09:00 until 28 December: reminded on Sundays, when nothing may go,
        // so each reminder waits for Monday 08:00, still before the visit.
        let weekly = task_with(
            &db,
            company,
            "weekly",
            "2026-12-07T09:00:00+01:00",
            "K-REM",
            Some(Recurrence::Weekly),
            Some("2026-12-28T09:00:00+01:00"),
        )
        .await;
        let view = automaton::task_view(&db, &w.operator, weekly, at("2026-12-07T12:00:00+01:00"))
            .await
            .unwrap();
        let client: Vec<_> = (view.coming.iter())
            .filter(|r| r.audience == Audience::Client)
            .map(|r| (r.occurrence.epoch_ms, r.goes.epoch_ms))
            .collect();
        let monday = |day: u32, hour: u32| at(&format!("2026-12-{day}T{hour:02}:00:00+01:00"));
        assert_eq!(
            client,
            [
                (monday(14, 9), monday(14, 8)),
                (monday(21, 9), monday(21, 8)),
                (monday(28, 9), monday(28, 8)),
            ]
        );
        for day in ["13", "20", "27"] {
            automaton::run_cycle(&db, at(&format!("2026-12-{day}T09:00:00+01:00")), 60_000)
                .await
                .unwrap();
        }
        let sent = messages_of_task(&db, weekly).await;
        let send_at: Vec<_> = sent.iter().map(|m| m.2).collect();
        assert_eq!(
            send_at,
            [
                Some(at("2026-12-14T08:00:00+01:00")),
                Some(at("2026-12-21T08:00:00+01:00")),
                Some(at("2026-12-28T08:00:00+01:00")),
            ]
        );
    })
    .await;
}
