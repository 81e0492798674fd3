//! Store tests: sessions, the composer's writes, the outbox and delivery reports, on SQLite and
//! on PostgreSQL.

mod common;

use app::auth::ssr::{log_in, operator_for_headers, Operator};
use app::composer::{check, ssr as composer, Intent};
use app::error::{AppError, Field, Problem};
use app::messages::ssr::{self as messages, PartOutcome, ReportEffect, ReportOutcome, Route};
use app::messages::{Status, StatusFilter};
use app::ssr::Db;
use common::{admin, on_both, queue, seeded, ADMIN_PASSWORD, CLIENT};
use http::{header, HeaderMap, HeaderValue};

/// The company's messages list as it is now.
async fn list_now(
    db: &Db,
    company_id: i64,
    filter: StatusFilter,
    show: Option<i64>,
) -> Vec<app::messages::MessageRow> {
    let query = app::messages::MessageQuery {
        status: filter,
        ..Default::default()
    };
    messages::list(db, company_id, &query, show, app::ssr::now_ms())
        .await
        .unwrap()
        .rows
}

async fn status_of(db: &Db, operator: &Operator, id: i64) -> Status {
    let rows = list_now(db, operator.company_id, StatusFilter::All, None).await;
    rows.iter()
        .find(|row| row.id == id)
        .expect("message listed")
        .status
}

#[tokio::test]
async fn login_checks_the_password_and_sessions_can_end() {
    on_both(|db| async move {
        seeded(&db).await;
        assert_eq!(
            log_in(&db, CLIENT, "admin", "wrong").await,
            Err(AppError::WrongCredentials)
        );
        assert_eq!(
            log_in(&db, CLIENT, "nobody", ADMIN_PASSWORD).await,
            Err(AppError::WrongCredentials)
        );
        let operator = admin(&db).await;
        assert_eq!(operator.login, "admin");
        assert_eq!(operator.company_name, "Hurtownia Mazur");

        let token = log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await.unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("esemes_session={token}")).unwrap(),
        );
        assert!(operator_for_headers(&db, &headers, false)
            .await
            .unwrap()
            .is_some());
        app::auth::ssr::end_session(&db, &token).await.unwrap();
        assert!(operator_for_headers(&db, &headers, false)
            .await
            .unwrap()
            .is_none());

        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("esemes_session=forged"),
        );
        assert!(operator_for_headers(&db, &headers, false)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_for_a_while_even_with_the_right_password() {
    on_both(|db| async move {
        seeded(&db).await;
        for _ in 0..app::auth::ssr::MAX_FAILED_LOGINS {
            assert_eq!(
                log_in(&db, CLIENT, "admin", "guess").await,
                Err(AppError::WrongCredentials)
            );
        }
        assert_eq!(
            log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await,
            Err(AppError::TooManyAttempts { minutes: 15 })
        );
        // Unknown logins are throttled alike, so the answers do not reveal which logins exist.
        for _ in 0..app::auth::ssr::MAX_FAILED_LOGINS {
            assert_eq!(
                log_in(&db, CLIENT, "ghost", "guess").await,
                Err(AppError::WrongCredentials)
            );
        }
        assert!(matches!(
            log_in(&db, CLIENT, "ghost", "guess").await,
            Err(AppError::TooManyAttempts { .. })
        ));
        // Once the window has passed, the right password works and clears the count.
        sqlx::query("UPDATE login_failures SET at = at - 16 * 60 * 1000")
            .execute(&db.pool)
            .await
            .unwrap();
        assert!(log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await.is_ok());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_are_counted_before_their_passwords_are_checked() {
    on_both(|db| async move {
        seeded(&db).await;
        let guesses: Vec<_> = (0..50)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { log_in(&db, CLIENT, "admin", "guess").await })
            })
            .collect();
        let mut checked = 0;
        for guess in guesses {
            match guess.await.unwrap() {
                Err(AppError::WrongCredentials) => checked += 1,
                Err(AppError::TooManyAttempts { .. }) => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(
            checked <= app::auth::ssr::MAX_FAILED_LOGINS,
            "{checked} passwords checked"
        );
    })
    .await;
}

#[tokio::test]
async fn guesses_from_many_addresses_lock_a_login_out_everywhere() {
    on_both(|db| async move {
        seeded(&db).await;
        let everywhere = app::auth::ssr::MAX_FAILED_LOGINS_EVERYWHERE;
        for i in 0..everywhere {
            let client = format!("198.51.100.{}", i / app::auth::ssr::MAX_FAILED_LOGINS);
            assert_eq!(
                log_in(&db, &client, "admin", "guess").await,
                Err(AppError::WrongCredentials)
            );
        }
        assert_eq!(
            log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await,
            Err(AppError::TooManyAttempts { minutes: 15 })
        );
        // Refused attempts are no guesses: they do not extend the lockout.
        let failures = common::login_failures(&db).await;
        assert_eq!(failures, everywhere);
    })
    .await;
}

#[tokio::test]
async fn failed_logins_older_than_the_window_are_forgotten() {
    on_both(|db| async move {
        seeded(&db).await;
        for _ in 0..2 {
            log_in(&db, CLIENT, "admin", "guess").await.unwrap_err();
        }
        sqlx::query("UPDATE login_failures SET at = at - 16 * 60 * 1000 WHERE id IN (SELECT MIN(id) FROM login_failures)")
            .execute(&db.pool)
            .await
            .unwrap();
        let forgotten = app::auth::ssr::forget_old_login_failures(&db).await;
        assert_eq!(forgotten, Ok(1));
        let failures = common::login_failures(&db).await;
        assert_eq!(failures, 1);
    })
    .await;
}

#[tokio::test]
async fn a_login_too_long_to_be_one_is_refused_without_a_password_check() {
    on_both(|db| async move {
        seeded(&db).await;
        assert_eq!(
            log_in(&db, CLIENT, &"a".repeat(101), "guess").await,
            Err(AppError::Invalid {
                field: Field::Login,
                problem: Problem::TooLong { max: 100 }
            })
        );
        let failures = common::login_failures(&db).await;
        assert_eq!(failures, 0);
    })
    .await;
}

#[tokio::test]
async fn a_deactivated_operator_can_neither_log_in_nor_use_a_session() {
    on_both(|db| async move {
        seeded(&db).await;
        let token = log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await.unwrap();
        sqlx::query("UPDATE operators SET active = 0 WHERE login = 'admin'")
            .execute(&db.pool)
            .await
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("esemes_session={token}")).unwrap(),
        );
        assert!(operator_for_headers(&db, &headers, false)
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await,
            Err(AppError::WrongCredentials)
        );
    })
    .await;
}

#[tokio::test]
async fn seeding_happens_once() {
    on_both(|db| async move {
        seeded(&db).await;
        assert!(server::demo::seed_if_empty(&db, None)
            .await
            .unwrap()
            .is_none());
        let subjects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subjects")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(subjects, 8);
    })
    .await;
}

/// The statuses the message went through, oldest first.
async fn history(db: &Db, id: i64) -> Vec<Status> {
    let events = messages::history(db, id).await.unwrap();
    events.into_iter().map(|(status, _)| status).collect()
}

/// The gateway `gateway` accepts the message's parts in order, giving them `ids`.
async fn accept_parts(db: &Db, id: i64, gateway: &str, ids: &[String]) -> Status {
    let mut status = Status::Pending;
    for (seq, gateway_id) in ids.iter().enumerate() {
        assert!(messages::begin_submission(db, id, seq as i64)
            .await
            .unwrap());
        let accepted = PartOutcome::Accepted {
            gateway: gateway.into(),
            id: gateway_id.clone(),
        };
        status = messages::record_part(db, id, seq as i64, &accepted)
            .await
            .unwrap();
    }
    status
}

#[tokio::test]
async fn a_message_moves_forward_through_its_statuses() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let body = "x".repeat(200); // two parts
        let id = queue(&db, &operator, "600 100 200", &body).await;
        assert_eq!(status_of(&db, &operator, id).await, Status::Pending);

        let claimed = messages::claim_pending(&db, 10, 60_000).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(
            (
                claimed[0].id,
                claimed[0].phone.as_str(),
                claimed[0].attempts
            ),
            (id, "+48600100200", 1)
        );
        // Leased: a second dispatcher does not get it.
        assert!(messages::claim_pending(&db, 10, 60_000)
            .await
            .unwrap()
            .is_empty());

        let parts = ["gw-1".to_string(), "gw-2".to_string()];
        // One part accepted of two: the message still waits for the other.
        assert!(messages::begin_submission(&db, id, 0).await.unwrap());
        assert!(
            !messages::begin_submission(&db, id, 0).await.unwrap(),
            "taken once"
        );
        let first = PartOutcome::Accepted {
            gateway: "test".into(),
            id: parts[0].clone(),
        };
        assert_eq!(
            messages::record_part(&db, id, 0, &first).await.unwrap(),
            Status::Pending
        );
        assert!(messages::begin_submission(&db, id, 1).await.unwrap());
        let second = PartOutcome::Accepted {
            gateway: "test".into(),
            id: parts[1].clone(),
        };
        assert_eq!(
            messages::record_part(&db, id, 1, &second).await.unwrap(),
            Status::Sent
        );
        assert_eq!(status_of(&db, &operator, id).await, Status::Sent);

        let delivered = ReportOutcome::Delivered;
        assert_eq!(
            messages::apply_delivery_report(&db, "test", "gw-1", &delivered, 1)
                .await
                .unwrap(),
            ReportEffect::Applied
        );
        // One part of two: still sent.
        assert_eq!(status_of(&db, &operator, id).await, Status::Sent);
        // A duplicate report is harmless.
        assert_eq!(
            messages::apply_delivery_report(&db, "test", "gw-1", &delivered, 2)
                .await
                .unwrap(),
            ReportEffect::Ignored
        );
        // Same id, other gateway: not ours.
        assert_eq!(
            messages::apply_delivery_report(&db, "other", "gw-2", &delivered, 2)
                .await
                .unwrap(),
            ReportEffect::UnknownPart
        );
        assert_eq!(
            messages::apply_delivery_report(&db, "test", "gw-2", &delivered, 3)
                .await
                .unwrap(),
            ReportEffect::Applied
        );
        assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);
        // A late failure report cannot move it back.
        let failed = ReportOutcome::Undelivered("expired".into());
        assert_eq!(
            messages::apply_delivery_report(&db, "test", "gw-2", &failed, 4)
                .await
                .unwrap(),
            ReportEffect::Ignored
        );
        assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);

        assert_eq!(
            history(&db, id).await,
            vec![Status::Pending, Status::Sent, Status::Delivered]
        );
    })
    .await;
}

#[tokio::test]
async fn one_undelivered_part_makes_the_message_undelivered_for_good() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let id = queue(&db, &operator, "600100200", &"y".repeat(200)).await;
        messages::claim_pending(&db, 10, 60_000).await.unwrap();
        accept_parts(&db, id, "test", &["a".to_string(), "b".to_string()]).await;
        let failed = ReportOutcome::Undelivered("absent subscriber".into());
        messages::apply_delivery_report(&db, "test", "b", &failed, 5)
            .await
            .unwrap();
        assert_eq!(status_of(&db, &operator, id).await, Status::Undelivered);
        // The other part's delivery arrives out of order and changes nothing.
        messages::apply_delivery_report(&db, "test", "a", &ReportOutcome::Delivered, 6)
            .await
            .unwrap();
        let rows = list_now(&db, operator.company_id, StatusFilter::Sent, None).await;
        let row = rows.iter().find(|r| r.id == id).unwrap();
        assert_eq!(
            (row.status, row.error.as_deref()),
            (Status::Undelivered, Some("absent subscriber"))
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reports_for_all_parts_arriving_together_settle_the_message() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let mut ids = Vec::new();
        for n in 0..10 {
            let id = queue(&db, &operator, "600100200", &"x".repeat(600)).await; // four parts
            messages::claim_pending(&db, 10, 60_000).await.unwrap();
            let parts: Vec<String> = (0..4).map(|p| format!("m{n}-p{p}")).collect();
            accept_parts(&db, id, "test", &parts).await;
            ids.push(id);
        }
        let mut reports = tokio::task::JoinSet::new();
        for n in 0..10 {
            for p in 0..4 {
                let db = db.clone();
                reports.spawn(async move {
                    let part = format!("m{n}-p{p}");
                    messages::apply_delivery_report(
                        &db,
                        "test",
                        &part,
                        &ReportOutcome::Delivered,
                        7,
                    )
                    .await
                    .unwrap()
                });
            }
        }
        while let Some(effect) = reports.join_next().await {
            assert_eq!(effect.unwrap(), ReportEffect::Applied);
        }
        for id in ids {
            assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);
        }
    })
    .await;
}

#[tokio::test]
async fn rejection_and_postponement_keep_the_message() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let rejected = queue(&db, &operator, "600100000", &"a".repeat(200)).await; // two parts
        let postponed = queue(&db, &operator, "600100201", "b").await;
        assert_eq!(
            messages::claim_pending(&db, 10, 60_000)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(messages::begin_submission(&db, rejected, 0).await.unwrap());
        let refusal = PartOutcome::Rejected("invalid destination".into());
        let status = messages::record_part(&db, rejected, 0, &refusal)
            .await
            .unwrap();
        assert_eq!(status, Status::Rejected);
        // Its second part is not sent any more.
        assert!(messages::open_parts(&db, rejected)
            .await
            .unwrap()
            .is_empty());

        assert!(messages::begin_submission(&db, postponed, 0).await.unwrap());
        let retry = PartOutcome::Retry {
            error: "gateway down".into(),
            retry_at: 0,
        };
        assert_eq!(
            messages::record_part(&db, postponed, 0, &retry)
                .await
                .unwrap(),
            Status::Pending
        );
        messages::release(&db, postponed, 0).await.unwrap();
        let rows = list_now(&db, operator.company_id, StatusFilter::Sent, None).await;
        let row = rows.iter().find(|r| r.id == rejected).unwrap();
        assert_eq!(
            (row.status, row.error.as_deref()),
            (Status::Rejected, Some("invalid destination"))
        );
        // Released until an instant already past: claimable again, with the attempt counted, and
        // its part waits with the gateway's reason.
        let again = messages::claim_pending(&db, 10, 60_000).await.unwrap();
        assert_eq!(
            again.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(),
            vec![(postponed, 2)]
        );
        let open = messages::open_parts(&db, postponed).await.unwrap();
        assert_eq!(
            (
                open[0].status.as_str(),
                open[0].attempts,
                open[0].error.as_deref()
            ),
            ("pending", 1, Some("gateway down"))
        );
    })
    .await;
}

/// A part whose answer never came is held in doubt, not sent again, until the operator asks; a
/// late report settles it; another company cannot resend it.
/// A receipt for an id we never recorded finds the one part in doubt it can be about (same
/// number, left before it, its text quoted), and only that one; a report nothing matches is
/// kept.
#[tokio::test]
async fn a_report_for_an_unknown_id_finds_its_part_in_doubt_or_is_kept() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let id = queue(&db, &operator, "600100300", "Faktura 12/2026 zapłacona").await;
        let twin = queue(&db, &operator, "600100301", "Faktura 12/2026 zapłacona").await;
        messages::claim_pending(&db, 10, 60_000).await.unwrap();
        for message in [id, twin] {
            assert!(messages::begin_submission(&db, message, 0).await.unwrap());
            let doubt = PartOutcome::InDoubt("no answer within 30 s".into());
            messages::record_part(&db, message, 0, &doubt)
                .await
                .unwrap();
        }
        let now = app::ssr::now_ms();
        let about = |destination: &str, quoted: &str| messages::ReportAbout {
            destination: destination.into(),
            quoted: Some(quoted.into()),
            submitted_at: Some(now),
        };
        let delivered = ReportOutcome::Delivered;
        let tries = [
            (about("+48600100399", "Faktura 12/2026"), "another number"),
            (about("+48600100300", "Zamowienie 7"), "another text"),
            (
                messages::ReportAbout {
                    submitted_at: Some(now - 3_600_000),
                    ..about("+48600100300", "Faktura 12/2026")
                },
                "taken an hour earlier",
            ),
        ];
        for (about, why) in tries {
            let matched = messages::match_in_doubt(&db, "test", "x1", &delivered, now + 5, &about);
            assert_eq!(matched.await.unwrap(), None, "{why}");
        }
        let about = about("+48600100300", "Faktura 12/2026");
        let matched = messages::match_in_doubt(&db, "test", "x1", &delivered, now + 5, &about);
        assert_eq!(matched.await.unwrap(), Some(id));
        assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);
        assert_eq!(status_of(&db, &operator, twin).await, Status::Unknown);
        // The id is the part's now: a second copy of the receipt is a duplicate.
        assert_eq!(
            messages::apply_delivery_report(&db, "test", "x1", &delivered, now + 6)
                .await
                .unwrap(),
            ReportEffect::Ignored
        );

        let failed = ReportOutcome::Undelivered("absent subscriber".into());
        messages::keep_unmatched_report(&db, "test", "x2", &failed, now, Some(&about))
            .await
            .unwrap();
        let kept: (String, String, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT gateway_message_id, status, error, destination FROM unmatched_reports",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            kept,
            (
                "x2".into(),
                "undelivered".into(),
                Some("absent subscriber".into()),
                Some("+48600100300".into())
            )
        );
    })
    .await;
}

#[tokio::test]
async fn a_part_in_doubt_waits_for_the_operator() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let id = queue(&db, &operator, "600100200", &"d".repeat(200)).await; // two parts
        messages::claim_pending(&db, 10, 60_000).await.unwrap();
        assert!(messages::begin_submission(&db, id, 0).await.unwrap());
        let doubt = PartOutcome::InDoubt("no answer within 30 s".into());
        assert_eq!(
            messages::record_part(&db, id, 0, &doubt).await.unwrap(),
            Status::Pending
        );
        assert!(messages::begin_submission(&db, id, 1).await.unwrap());
        let accepted = PartOutcome::Accepted {
            gateway: "test".into(),
            id: "p2".into(),
        };
        assert_eq!(
            messages::record_part(&db, id, 1, &accepted).await.unwrap(),
            Status::Unknown
        );
        assert!(messages::claim_pending(&db, 10, 60_000)
            .await
            .unwrap()
            .is_empty());

        assert_eq!(
            messages::resend_in_doubt(&db, operator.company_id + 1, id, operator.id).await,
            Err(AppError::NotFound)
        );
        messages::resend_in_doubt(&db, operator.company_id, id, operator.id)
            .await
            .unwrap();
        assert_eq!(status_of(&db, &operator, id).await, Status::Pending);
        let open = messages::open_parts(&db, id).await.unwrap();
        assert_eq!(
            open.iter().map(|p| p.seq).collect::<Vec<_>>(),
            vec![0],
            "only the part in doubt"
        );
        assert_eq!(
            messages::claim_pending(&db, 10, 60_000)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(messages::begin_submission(&db, id, 0).await.unwrap());
        let accepted = PartOutcome::Accepted {
            gateway: "test".into(),
            id: "p1".into(),
        };
        assert_eq!(
            messages::record_part(&db, id, 0, &accepted).await.unwrap(),
            Status::Sent
        );
        for part in ["p1", "p2"] {
            messages::apply_delivery_report(&db, "test", part, &ReportOutcome::Delivered, 9)
                .await
                .unwrap();
        }
        assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);
        assert_eq!(
            history(&db, id).await,
            [
                Status::Pending,
                Status::Unknown,
                Status::Pending,
                Status::Sent,
                Status::Delivered
            ]
        );
    })
    .await;
}

/// A part not accepted within the validity period expires, and so does its message; a receipt
/// saying a part expired in the network does the same.
#[tokio::test]
async fn parts_expire_at_the_gateway_or_in_the_network() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let late = queue(&db, &operator, "600100200", "spóźniona").await;
        let reason = "not accepted within the validity period (24 h): throttled".to_string();
        let status = messages::record_part(&db, late, 0, &PartOutcome::Expired(reason.clone()))
            .await
            .unwrap();
        assert_eq!(status, Status::Expired);
        let rows = list_now(&db, operator.company_id, StatusFilter::Sent, None).await;
        let row = rows.iter().find(|r| r.id == late).unwrap();
        assert_eq!(
            (row.status, row.error.clone()),
            (Status::Expired, Some(reason))
        );

        let network = queue(&db, &operator, "600100200", "w sieci").await;
        accept_parts(&db, network, "test", &["n1".to_string()]).await;
        let expired = ReportOutcome::Expired("EXPIRED".into());
        messages::apply_delivery_report(&db, "test", "n1", &expired, 3)
            .await
            .unwrap();
        assert_eq!(status_of(&db, &operator, network).await, Status::Expired);
    })
    .await;
}

/// Each connection's dispatcher claims only its accounts' messages: the listed ones, or (the
/// first connection) all but those routed elsewhere.
#[tokio::test]
async fn a_dispatcher_claims_only_its_routes_accounts() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let (stranger, stranger_company) = common::other_account(&db).await;
        let ours = queue(&db, &operator, "600100500", "nasza").await;
        let theirs = queue(&db, &operator, "600100501", "ich").await;
        sqlx::query("UPDATE messages SET company_id = $1 WHERE id = $2")
            .bind(stranger_company)
            .bind(theirs)
            .execute(&db.pool)
            .await
            .unwrap();
        // Leases already run out: each claim sees both messages again.
        let claimed = |route: Route| {
            let db = db.clone();
            async move {
                let claimed = messages::claim_routed(&db, &route, 10, -1, app::ssr::now_ms())
                    .await
                    .unwrap();
                claimed.iter().map(|m| m.id).collect::<Vec<_>>()
            }
        };
        assert_eq!(claimed(Route::Only(vec![stranger])).await, [theirs]);
        assert_eq!(claimed(Route::AllBut(vec![stranger])).await, [ours]);
        assert_eq!(claimed(Route::AllBut(vec![])).await, [ours, theirs]);
        assert!(claimed(Route::Only(vec![])).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_expired_lease_gives_the_message_back() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let id = queue(&db, &operator, "600100200", "crash").await;
        // A dispatcher claims it and dies: a lease that has already run out.
        assert_eq!(messages::claim_pending(&db, 10, -1).await.unwrap().len(), 1);
        let again = messages::claim_pending(&db, 10, 60_000).await.unwrap();
        assert_eq!(
            again.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(),
            vec![(id, 2)]
        );
    })
    .await;
}

#[tokio::test]
async fn drafts_are_listed_apart_and_only_their_company_can_change_them() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let draft = check("", "Notatka", Intent::Draft).unwrap();
        let id = composer::store(&db, &operator, None, &draft, Intent::Draft, Default::default(), composer::Timing::now()).await.unwrap();
        let sent = queue(&db, &operator, "600100200", "wysłana").await;

        let drafts = list_now(&db, operator.company_id, StatusFilter::Drafts, None).await;
        assert_eq!(drafts.iter().map(|r| r.id).collect::<Vec<_>>(), vec![id]);
        let sent_list = list_now(&db, operator.company_id, StatusFilter::Sent, None).await;
        assert_eq!(sent_list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![sent]);
        assert_eq!(composer::load_draft(&db, operator.company_id, id).await.unwrap().body, "Notatka");

        // Another company of the same account sees nothing of it.
        let other_company: i64 = sqlx::query_scalar(
            "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
             VALUES ($1, 'Inna', 'Inna', 'Adres', '5260250274', 0) RETURNING id",
        )
        .bind(operator.account_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let stranger = Operator { company_id: other_company, ..operator.clone() };
        assert!(list_now(&db, other_company, StatusFilter::All, None).await.is_empty());
        assert_eq!(composer::load_draft(&db, other_company, id).await, Err(AppError::NotFound));
        let edit = check("600100200", "cudza", Intent::Send).unwrap();
        assert_eq!(composer::store(&db, &stranger, Some(id), &edit, Intent::Send, Default::default(), composer::Timing::now()).await, Err(AppError::NotFound));

        // Sending the draft turns it into a pending message; a sent one cannot be edited.
        assert_eq!(composer::store(&db, &operator, Some(id), &edit, Intent::Send, Default::default(), composer::Timing::now()).await, Ok(id));
        assert_eq!(status_of(&db, &operator, id).await, Status::Pending);
        assert_eq!(
            composer::store(&db, &operator, Some(id), &edit, Intent::Send, Default::default(), composer::Timing::now()).await,
            Err(AppError::invalid(Field::Body, Problem::AlreadySent))
        );
    })
    .await;
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_says_why() {
    let err = Db::connect("mysql://localhost/x").await.unwrap_err();
    assert!(
        err.to_string().contains("unsupported DATABASE_URL"),
        "{err}"
    );
    let err = Db::connect("sqlite:///proc/esemes/cannot/x.db")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot create the database folder /proc/esemes/cannot"),
        "{err}"
    );
    let err = Db::connect("postgres://nobody:wrong@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("cannot open the database"),
        "{err}"
    );
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let db = common::sqlite().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let err = sqlx::query("INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) VALUES (999, 'x', 'x', 'x', 'x', 0)")
        .execute(&db.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[tokio::test]
async fn a_database_whose_migrations_were_changed_is_refused() {
    let path = std::env::temp_dir().join(format!("esemes-tampered-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = X'00'")
        .execute(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;
    let err = Db::connect(&url).await.unwrap_err();
    assert!(
        err.to_string().starts_with("cannot migrate the database"),
        "{err}"
    );
}

/// Operators saving messages linked to a template (a read, then a write) while the dispatcher
/// records their delivery: on SQLite a transaction whose read turned into a write used to fail
/// with "database is locked" when another writer committed in between.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_and_reports_all_succeed() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let template_id: i64 = sqlx::query_scalar("SELECT id FROM templates ORDER BY id LIMIT 1")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let mut sent = Vec::new();
        for n in 0..20 {
            let id = queue(&db, &operator, "600100200", "raport").await;
            messages::claim_pending(&db, 20, 60_000).await.unwrap();
            accept_parts(&db, id, "test", &[format!("c{n}")]).await;
            sent.push(id);
        }
        let mut writers = tokio::task::JoinSet::new();
        for n in 0..20 {
            let (saving, operator) = (db.clone(), operator.clone());
            writers.spawn(async move {
                let message = check("600100200", &format!("Wiadomość {n}"), Intent::Send).unwrap();
                let links = composer::MessageLinks {
                    template_id: Some(template_id),
                    ..Default::default()
                };
                composer::store(
                    &saving,
                    &operator,
                    None,
                    &message,
                    Intent::Send,
                    links,
                    composer::Timing::now(),
                )
                .await
                .map(|_| ())
            });
            let reporting = db.clone();
            writers.spawn(async move {
                messages::apply_delivery_report(
                    &reporting,
                    "test",
                    &format!("c{n}"),
                    &ReportOutcome::Delivered,
                    9,
                )
                .await
                .map(|_| ())
            });
        }
        while let Some(result) = writers.join_next().await {
            assert_eq!(result.unwrap(), Ok(()));
        }
        for id in sent {
            assert_eq!(status_of(&db, &operator, id).await, Status::Delivered);
        }
    })
    .await;
}

#[tokio::test]
async fn the_list_carries_the_start_of_a_long_text_and_the_whole_of_the_one_asked_for() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let text = "Zażółć gęślą jaźń. ".repeat(30); // 570 characters, most of them two bytes
        let long = queue(&db, &operator, "600100200", &text).await;
        let short = queue(&db, &operator, "600100200", "krótka").await;
        let listed = |rows: &[app::messages::MessageRow], id| {
            let row = rows.iter().find(|r| r.id == id).unwrap();
            (row.body.clone(), row.complete)
        };

        let rows = list_now(&db, operator.company_id, StatusFilter::All, None).await;
        let start: String = text.chars().take(messages::PREVIEW_CHARS).collect();
        assert_eq!(listed(&rows, long), (start, false));
        assert_eq!(listed(&rows, short), ("krótka".to_string(), true));

        let rows = list_now(&db, operator.company_id, StatusFilter::All, Some(long)).await;
        assert_eq!(listed(&rows, long), (text.clone(), true));

        // Another company asking for it sees nothing of it.
        let rows = list_now(&db, operator.company_id + 1, StatusFilter::All, Some(long)).await;
        assert!(rows.iter().all(|r| r.id != long));
    })
    .await;
}

/// A database from before the per-part outbox keeps its messages: sent parts keep their ids and
/// reports still find them, a queued message gets its pending parts, the history stays. On both
/// backends: the migrations before it are run, data written, then the rest on start.
#[tokio::test]
async fn the_part_outbox_migration_keeps_what_was_stored() {
    let (postgres_url, postgres_name) = common::empty_postgres().await;
    let backends = [
        (
            common::sqlite_url(),
            sqlx::migrate!("../migrations/sqlite"),
            "?mode=rwc",
        ),
        (postgres_url, sqlx::migrate!("../migrations/postgres"), ""),
    ];
    for (url, mut before, options) in backends {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&format!("{url}{options}"))
            .await
            .unwrap();
        before.migrations = before
            .migrations
            .iter()
            .filter(|m| m.version < 8)
            .cloned()
            .collect();
        before.run(&pool).await.unwrap();
        // A fresh database numbers everything from 1.
        for sql in [
            "INSERT INTO accounts (name, created_at) VALUES ('A', 0)",
            "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
             VALUES (1, 'C', 'C', '', '', 0)",
            "INSERT INTO operators (account_id, login, name, role, password_hash, created_at) \
             VALUES (1, 'a', 'A', 'administrator', 'x', 0)",
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, queued_at, submitted_at) \
             VALUES (1, 1, '+48600100200', 'wysłana', 'ucs2', 2, 'sent', 0, 0, 0, 5)",
            "INSERT INTO message_parts (message_id, seq, gateway, gateway_message_id, status) \
             VALUES (1, 0, 'gw', 'a', 'delivered'), (1, 1, 'gw', 'b', 'sent')",
            "INSERT INTO message_events (message_id, status, at) VALUES (1, 'pending', 0), (1, 'sent', 5)",
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, queued_at) \
             VALUES (1, 1, '+48600100200', 'czeka', 'gsm7', 3, 'pending', 0, 0, 0)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let db = Db::connect(&url).await.unwrap();
        let report = messages::apply_delivery_report(&db, "gw", "b", &ReportOutcome::Delivered, 9);
        assert_eq!(report.await.unwrap(), ReportEffect::Applied);
        let statuses: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, status FROM messages ORDER BY id")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            statuses,
            [(1, "delivered".to_string()), (2, "pending".to_string())]
        );
        let open = messages::open_parts(&db, 2).await.unwrap();
        assert_eq!(open.iter().map(|p| p.seq).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(
            history(&db, 1).await,
            [Status::Pending, Status::Sent, Status::Delivered]
        );
        let sent_at: Option<i64> = sqlx::query_scalar(
            "SELECT sent_at FROM message_parts WHERE message_id = 1 AND seq = 1",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(sent_at, Some(5));
        if url.starts_with("postgres") {
            common::drop_postgres(db, &postgres_name).await;
        }
    }
}

/// A company's own sending hours hold its marketing back, and with "opt-out stops everything"
/// an opted-out number gets not even a transactional message.
#[tokio::test]
async fn company_rules_decide_sending_hours_and_what_an_opt_out_stops() {
    use app::admin::{check_company, ssr as admin_store, SendingRules};
    use app::messages::Category;
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let companies = admin_store::companies(&db, operator.account_id)
            .await
            .unwrap();
        let company = companies
            .iter()
            .find(|c| c.id == operator.company_id)
            .unwrap();
        let input = app::admin::CompanyInput {
            name: company.name.clone(),
            stamp_name: company.stamp_name.clone(),
            stamp_address: company.stamp_address.clone(),
            stamp_nip: company.stamp_nip.clone(),
            rules: SendingRules {
                quiet_from: "9:00".into(),
                quiet_to: "17:00".into(),
                quiet_days: 0b1_1111,
                opt_out_everything: true,
                opt_out_words: "koniec".into(),
            },
        };
        let checked_company = check_company(&input).unwrap();
        admin_store::save_company(&db, &operator, Some(company.id), &checked_company)
            .await
            .unwrap();
        let saved = admin_store::companies(&db, operator.account_id)
            .await
            .unwrap();
        let saved = saved.iter().find(|c| c.id == company.id).unwrap();
        assert_eq!(saved.rules, input.rules);

        // Saturday 12 December 2026, 10:00 in Warsaw: marketing waits for Monday 9:00.
        let monday_midnight_utc = 1_796_601_600_000_i64;
        let day = 24 * 3600 * 1000;
        let saturday_ten = monday_midnight_utc + 5 * day + 9 * 3600 * 1000;
        let next_monday_nine = monday_midnight_utc + 7 * day + 8 * 3600 * 1000;
        let message = check("600100700", "Promocja", Intent::Send).unwrap();
        let marketing = composer::Timing {
            category: Category::Marketing,
            now: saturday_ten,
            ..Default::default()
        };
        let id = composer::store(
            &db,
            &operator,
            None,
            &message,
            Intent::Send,
            Default::default(),
            marketing,
        )
        .await
        .unwrap();
        let send_at: Option<i64> = sqlx::query_scalar("SELECT send_at FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(send_at, Some(next_monday_nine));
        // A time already past is refused, naming the field.
        let past = composer::Timing {
            send_at: Some(saturday_ten - 1),
            now: saturday_ten,
            ..Default::default()
        };
        assert_eq!(
            composer::store(
                &db,
                &operator,
                None,
                &message,
                Intent::Send,
                Default::default(),
                past
            )
            .await,
            Err(AppError::invalid(Field::SendAt, Problem::InThePast))
        );

        let mut tx = db.begin_write().await.unwrap();
        let how = app::replies::ssr::How::Operator(operator.id);
        let phone = message.phone.as_str();
        app::replies::ssr::change_opt_out(
            &mut tx,
            operator.company_id,
            phone,
            true,
            how,
            saturday_ten,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // The waiting marketing message is refused at once, and so is a transactional one.
        let status: String = sqlx::query_scalar("SELECT status FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(status, "rejected");
        assert_eq!(
            composer::store(
                &db,
                &operator,
                None,
                &message,
                Intent::Send,
                Default::default(),
                composer::Timing::now()
            )
            .await,
            Err(AppError::invalid(Field::Phone, Problem::OptedOut))
        );
        let changes = app::replies::ssr::changes(&db, operator.company_id, 10)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1);
        assert!(changes[0].opted_out && !changes[0].by_reply);
        assert_eq!(changes[0].operator.as_deref(), Some(operator.name.as_str()));
    })
    .await;
}
