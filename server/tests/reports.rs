//! The delivery report on SQLite and PostgreSQL: the period, status and subject filters, keyset
//! pages that neither skip nor repeat a message, a message's parts, and the CSV (over HTTP, for
//! the session's company only).

mod common;

use app::messages::ssr::{self as messages, PartOutcome, ReportOutcome};
use app::messages::Status;
use app::reports::{ssr as reports, ReportQuery};
use app::ssr::Db;
use axum::http::StatusCode;
use common::site::start;
use common::{admin, on_both, queue, seeded};

/// Sends message `id`'s only part, accepted as `gateway_id`.
async fn accept(db: &Db, id: i64, gateway_id: &str) {
    assert!(messages::begin_submission(db, id, 0).await.unwrap());
    let accepted = PartOutcome::Accepted {
        gateway: "gw".into(),
        id: gateway_id.into(),
    };
    messages::record_part(db, id, 0, &accepted).await.unwrap();
}

async fn link_subject(db: &Db, message: i64, code: &str) {
    sqlx::query(
        "UPDATE messages SET subject_id = (SELECT id FROM subjects WHERE code = $1) WHERE id = $2",
    )
    .bind(code)
    .bind(message)
    .execute(&db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_report_filters_pages_and_opens_a_messages_parts() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let company = operator.company_id;
        let delivered = queue(&db, &operator, "600100200", "=SUMA(A1) doręczona").await;
        accept(&db, delivered, "d1").await;
        messages::apply_delivery_report(&db, "gw", "d1", &ReportOutcome::Delivered, 1)
            .await
            .unwrap();
        link_subject(&db, delivered, "ŁÓDŹ-TRANS").await;
        let failed = queue(&db, &operator, "600100201", "niedoręczona").await;
        accept(&db, failed, "f1").await;
        let absent = ReportOutcome::Undelivered("UNDELIV: undeliverable (error 005)".into());
        messages::apply_delivery_report(&db, "gw", "f1", &absent, 2)
            .await
            .unwrap();
        let waiting = queue(&db, &operator, "600100202", &"długa ".repeat(40)).await; // 4 parts
        let query = ReportQuery::default();

        let all = reports::report(&db, company, &query, 50).await.unwrap();
        let ids: Vec<i64> = all.rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, [waiting, failed, delivered], "newest first");
        let row = &all.rows[2];
        assert_eq!(row.status, Status::Delivered);
        assert_eq!(
            row.subject.as_ref().map(|s| s.0.as_str()),
            Some("ŁÓDŹ-TRANS")
        );
        assert!(row.passed_at.is_some() && row.accepted_at.is_some() && row.delivered_at.is_some());
        assert_eq!(
            all.rows[1].error.as_deref(),
            Some("UNDELIV: undeliverable (error 005)")
        );

        let only = |status: &str| ReportQuery {
            status: status.into(),
            ..ReportQuery::default()
        };
        let undelivered = reports::report(&db, company, &only("undelivered"), 50)
            .await
            .unwrap();
        assert_eq!(
            undelivered.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [failed]
        );
        let by_subject = ReportQuery {
            subject: "lodz trans".into(),
            ..ReportQuery::default()
        };
        let found = reports::report(&db, company, &by_subject, 50)
            .await
            .unwrap();
        assert_eq!(
            found.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [delivered]
        );
        let long_ago = ReportQuery {
            from: "2020-01-01".into(),
            to: "2020-01-31".into(),
            ..ReportQuery::default()
        };
        assert!(reports::report(&db, company, &long_ago, 50)
            .await
            .unwrap()
            .rows
            .is_empty());
        assert!(reports::report(&db, company + 1, &query, 50)
            .await
            .unwrap()
            .rows
            .is_empty());

        // Pages of one: each message once, in order, then no next page.
        let mut seen = Vec::new();
        let mut page = ReportQuery::default();
        loop {
            let report = reports::report(&db, company, &page, 1).await.unwrap();
            seen.extend(report.rows.iter().map(|r| r.id));
            match report.next {
                Some(before) => page.before = before,
                None => break,
            }
        }
        assert_eq!(seen, ids);

        let with_parts = ReportQuery {
            parts: Some(waiting),
            ..ReportQuery::default()
        };
        let report = reports::report(&db, company, &with_parts, 50)
            .await
            .unwrap();
        let parts = &report.rows[0].part_details;
        assert_eq!(parts.len(), 4);
        assert!(parts
            .iter()
            .all(|p| p.status == Status::Pending && p.attempts == 0));
        assert!(report.rows[1].part_details.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_csv_holds_the_companys_messages_safe_for_a_spreadsheet() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        queue(&db, &operator, "600100200", "=HYPERLINK(\"http://zle\") \"cytat\"; średnik").await;
        let server = start(db.clone());
        let reply = server.get("/reports/export.csv?status=", None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "a session is needed");

        let cookie = server.log_in().await;
        let reply = server.get("/reports/export.csv?status=", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.headers["content-type"], "text/csv; charset=utf-8");
        assert!(reply.headers["content-disposition"].to_str().unwrap().contains("raport-sms.csv"));
        let lines: Vec<&str> = reply.body.lines().collect();
        assert_eq!(lines.len(), 2, "{}", reply.body);
        assert!(lines[0].starts_with("\u{feff}\"Status\";\"Telefon\";\"Podmiot\";\"Treść\""));
        // The status changes as the simulator delivers it: the cells after it are compared. A
        // phone begins with +, so it is neutralised like a formula.
        let (_, rest) = lines[1].split_once(';').unwrap();
        assert!(
            rest.starts_with(
                "\"'+48 600 100 200\";\"\";\"'=HYPERLINK(\"\"http://zle\"\") \"\"cytat\"\"; średnik\""
            ),
            "{}",
            lines[1]
        );
        let reply = server.get("/reports/export.csv?from=2026-02-30", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    })
    .await;
}
