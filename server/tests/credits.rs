//! The credit pool on SQLite and PostgreSQL: no credit, no send (the message kept as a draft);
//! sends at once from many tasks and from two servers never take the pool below zero; the
//! ledger's usage per month, company and operator; corrections.

mod common;

use app::auth::ssr::Operator;
use app::credits::{ssr as credits, EntryKind};
use app::error::{AppError, Field, Problem};
use app::messages::ssr::{self as messages, PartOutcome, Write};
use app::ssr::{now_ms, Db};
use common::{admin, on_both, seeded};

/// Sets the account's pool to `available` by a correction, as the installation's operator would.
async fn set_pool(db: &Db, account_id: i64, available: i64) {
    let mut conn = db.pool.acquire().await.unwrap();
    let now = credits::balance(&mut conn, account_id)
        .await
        .unwrap()
        .available;
    drop(conn);
    let about = credits::About::default();
    let kind = EntryKind::Correction;
    credits::add(
        db,
        account_id,
        kind,
        available - now,
        about,
        "test",
        now_ms(),
    )
    .await
    .unwrap();
}

/// (available, held), checked against the sum of the ledger.
async fn pool(db: &Db, account_id: i64) -> (i64, i64) {
    let mut conn = db.pool.acquire().await.unwrap();
    let balance = credits::balance(&mut conn, account_id).await.unwrap();
    let sums: (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), CAST(COALESCE(SUM(held), 0) AS BIGINT) \
         FROM credit_entries \
         WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!((balance.available, balance.held), sums);
    sums
}

async fn send(
    db: &Db,
    operator: &Operator,
    draft: Option<i64>,
    body: &str,
) -> Result<i64, AppError> {
    common::try_queue_draft(db, operator, draft, "600100200", body).await
}

#[tokio::test]
async fn without_enough_credits_a_message_is_refused_and_kept_as_a_draft() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let account = operator.account_id;
        set_pool(&db, account, 2).await;
        let three_parts = "t".repeat(400);
        let refused = send(&db, &operator, None, &three_parts).await;
        let Err(AppError::Invalid {
            field: Field::Body,
            problem:
                Problem::NoCredit {
                    needed: 3,
                    left: 2,
                    draft: Some(draft),
                },
        }) = refused
        else {
            panic!("refused for want of credits: {refused:?}");
        };
        let kept: (String, String) =
            sqlx::query_as("SELECT status, body FROM messages WHERE id = $1")
                .bind(draft)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(kept, ("draft".to_string(), three_parts.clone()));
        assert_eq!(pool(&db, account).await, (2, 0), "nothing held");
        // Sending the kept draft again is refused again, and still one draft.
        let again = send(&db, &operator, Some(draft), &three_parts).await;
        assert!(matches!(
            again,
            Err(AppError::Invalid { problem: Problem::NoCredit { draft: Some(d), .. }, .. }) if d == draft
        ));
        let drafts = common::count(&db, "SELECT COUNT(*) FROM messages WHERE status = 'draft'").await;
        assert_eq!(drafts, 1);
        // A message that fits goes, and takes the pool to zero.
        let fits = send(&db, &operator, None, &"t".repeat(200)).await.unwrap();
        assert_eq!(pool(&db, account).await, (0, 2));
        // Topped up, the kept draft goes.
        set_pool(&db, account, 5).await;
        assert_eq!(send(&db, &operator, Some(draft), &three_parts).await, Ok(draft));
        assert_eq!(pool(&db, account).await, (2, 5));
        assert_ne!(fits, draft);
        // A correction cannot take the pool below zero.
        let about = credits::About::default();
        let below = credits::add(&db, account, EntryKind::Correction, -3, about, "x", now_ms()).await;
        assert!(matches!(
            below,
            Err(AppError::Invalid { field: Field::Amount, problem: Problem::NoCredit { .. } })
        ));
        assert_eq!(pool(&db, account).await, (2, 5));
        // Another account's pool is its own: empty.
        let (other_account, _) = common::other_account(&db).await;
        assert_eq!(pool(&db, other_account).await, (0, 0));
    })
    .await;
}

/// Sends `tasks` one-part messages at once through `servers` (each its own connection pool, as
/// separate server processes would have); how many went.
async fn send_at_once(servers: &[Db], operator: &Operator, tasks: usize) -> usize {
    let mut handles = Vec::new();
    for n in 0..tasks {
        let db = servers[n % servers.len()].clone();
        let operator = operator.clone();
        handles.push(tokio::spawn(async move {
            send(&db, &operator, None, &format!("równocześnie {n}")).await
        }));
    }
    let mut sent = 0;
    for handle in handles {
        match handle.await.unwrap() {
            Ok(_) => sent += 1,
            Err(AppError::Invalid {
                problem: Problem::NoCredit { .. },
                ..
            }) => {}
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sends_at_once_never_take_the_pool_below_zero() {
    // SQLite: one server, many tasks.
    let db = common::sqlite().await;
    seeded(&db).await;
    let operator = admin(&db).await;
    set_pool(&db, operator.account_id, 25).await;
    assert_eq!(
        send_at_once(std::slice::from_ref(&db), &operator, 60).await,
        25
    );
    assert_eq!(pool(&db, operator.account_id).await, (0, 25));

    // PostgreSQL: two servers on one database, many tasks each.
    let (db, name) = common::postgres().await;
    seeded(&db).await;
    let operator = admin(&db).await;
    set_pool(&db, operator.account_id, 25).await;
    let second = Db::connect(&format!("{}/{name}", common::postgres_server()))
        .await
        .unwrap();
    assert_eq!(
        send_at_once(&[db.clone(), second.clone()], &operator, 60).await,
        25
    );
    assert_eq!(pool(&db, operator.account_id).await, (0, 25));
    let queued = common::count(
        &db,
        "SELECT COUNT(*) FROM messages WHERE status = 'pending'",
    )
    .await;
    assert_eq!(queued, 25, "each held credit belongs to a queued message");
    second.pool.close().await;
    common::drop_postgres(db, &name).await;
}

#[tokio::test]
async fn usage_is_counted_per_month_company_and_operator_from_what_was_charged() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let account = operator.account_id;
        let two = send(&db, &operator, None, &"u".repeat(200)).await.unwrap();
        let one = send(&db, &operator, None, "jeden").await.unwrap();
        let refused = send(&db, &operator, None, "odrzucony").await.unwrap();
        // The gateway's answers, as the dispatcher writes them.
        let accepted = |message_id, seq: i64| Write::Record {
            message_id,
            seq,
            outcome: PartOutcome::Accepted {
                gateway: "smsc".into(),
                id: format!("{message_id}-{seq}"),
            },
        };
        let writes = [
            Write::Begin {
                message_id: two,
                seq: 0,
            },
            Write::Begin {
                message_id: two,
                seq: 1,
            },
            Write::Begin {
                message_id: one,
                seq: 0,
            },
            Write::Begin {
                message_id: refused,
                seq: 0,
            },
            accepted(two, 0),
            accepted(two, 1),
            accepted(one, 0),
            Write::Record {
                message_id: refused,
                seq: 0,
                outcome: PartOutcome::Rejected("invalid destination".into()),
            },
        ];
        messages::write(&db, &writes).await.unwrap();
        let start = server::demo::DEMO_CREDITS;
        assert_eq!(pool(&db, account).await, (start - 3, 0));
        // A message whose validity ran out before it was ever submitted: both credits back.
        let expired = send(&db, &operator, None, &"w".repeat(200)).await.unwrap();
        assert_eq!(pool(&db, account).await, (start - 5, 2));
        let too_late = Write::Record {
            message_id: expired,
            seq: 0,
            outcome: PartOutcome::Expired("validity period over".into()),
        };
        messages::write(&db, &[too_late]).await.unwrap();
        assert_eq!(
            pool(&db, account).await,
            (start - 3, 0),
            "both parts given back"
        );

        let query = app::credits::CreditsQuery::default();
        let months = credits::months(&query).unwrap();
        assert_eq!(months.len(), 12, "the last twelve months by default");
        let usage = credits::usage(&db, account, &months).await.unwrap();
        assert_eq!(usage.len(), 1);
        let row = &usage[0];
        assert_eq!(
            (row.company.as_str(), row.operator.as_str(), row.credits),
            ("Hurtownia Mazur", "Anna Administrator", 3)
        );
        assert_eq!(row.month, months[0].0);

        let ledger = credits::ledger(&db, account, credits::span(&months), None, 100)
            .await
            .unwrap();
        let kinds: Vec<_> = ledger.iter().map(|e| e.kind).collect();
        // Newest first: the refunds, the charges, the holds, the demo's opening correction.
        assert_eq!(kinds.first(), Some(&EntryKind::Release));
        assert_eq!(kinds.last(), Some(&EntryKind::Correction));
        assert_eq!(kinds.iter().filter(|k| **k == EntryKind::Hold).count(), 4);
        let csv = credits::csv(
            &db,
            account,
            &query,
            credits::Export::Usage,
            app::i18n::Lang::Pl,
        )
        .await
        .unwrap();
        assert!(
            csv.contains("\"Hurtownia Mazur\";\"Anna Administrator\";\"3\""),
            "{csv}"
        );
        let ledger_csv = credits::csv(
            &db,
            account,
            &query,
            credits::Export::Ledger,
            app::i18n::Lang::Pl,
        )
        .await
        .unwrap();
        assert!(
            ledger_csv.contains("\"Zwrot\";\"1\";\"-1\""),
            "{ledger_csv}"
        );
        // A period in the past has no usage; a month that is no month is named.
        let past = app::credits::CreditsQuery {
            from: "2020-01".into(),
            to: "2020-03".into(),
            before: None,
        };
        let months = credits::months(&past).unwrap();
        assert_eq!(
            months.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
            ["2020-03", "2020-02", "2020-01"]
        );
        assert!(credits::usage(&db, account, &months)
            .await
            .unwrap()
            .is_empty());
        let bad = app::credits::CreditsQuery {
            to: "2020-13".into(),
            ..Default::default()
        };
        assert_eq!(
            credits::months(&bad),
            Err(AppError::invalid(Field::PeriodTo, Problem::InvalidDate))
        );
    })
    .await;
}

#[tokio::test]
async fn administrators_get_one_low_balance_email_until_the_pool_is_topped_up() {
    let (smtp, mailer) = common::smtp::with_mailer().await;
    on_both(|db| {
        let mailer = mailer.clone();
        let smtp = &smtp;
        async move {
            seeded(&db).await;
            let operator = admin(&db).await;
            let account = operator.account_id;
            let before = smtp.mails().len();
            set_pool(&db, account, 12).await;
            credits::set_alert(&db, account, 10).await.unwrap();
            assert_eq!(
                server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
                0,
                "12 is not below 10"
            );
            send(&db, &operator, None, &"t".repeat(400)).await.unwrap(); // three parts: 9 left
            assert_eq!(
                server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
                1
            );
            send(&db, &operator, None, "jeszcze jedna").await.unwrap();
            assert_eq!(
                server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
                0,
                "once"
            );
            let mails = smtp.mails();
            assert_eq!(mails.len(), before + 1);
            let mail = &mails[before];
            assert_eq!(mail.subject, "Esemes: w puli zostało 9 SMS");
            assert!(mail.to.contains("admin@example.com"), "{}", mail.to);
            assert!(
                mail.body
                    .contains("konta „Demo” zostało 9 SMS, mniej niż ustawiony próg 10"),
                "{}",
                mail.body
            );
            // Topped up above the threshold and down again: warned again, once.
            set_pool(&db, account, 50).await;
            assert_eq!(
                server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
                0
            );
            set_pool(&db, account, 3).await;
            assert_eq!(
                server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
                1
            );
            assert_eq!(smtp.mails().len(), before + 2);
        }
    })
    .await;
    // An SMTP server that is down: nothing is marked sent, the next check tries again.
    let db = common::sqlite().await;
    seeded(&db).await;
    let operator = admin(&db).await;
    set_pool(&db, operator.account_id, 1).await;
    credits::set_alert(&db, operator.account_id, 10)
        .await
        .unwrap();
    let down = server::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{}", common::free_port()),
        "e@example.com",
    )
    .unwrap();
    assert_eq!(
        server::mail::warn_low_balances(&db, &down, now_ms()).await,
        0
    );
    assert_eq!(
        server::mail::warn_low_balances(&db, &mailer, now_ms()).await,
        1,
        "tried again"
    );
}
