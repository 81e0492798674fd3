//! Notifications about new correspondence on SQLite and PostgreSQL: two letters registered
//! together send the client one notification naming both senders, to each of its notification
//! numbers (each with its country), without Polish letters; the items are kept whatever
//! becomes of the notification (off, declined by the client, no credit), with why.

mod common;

use app::auth::ssr::Operator;
use app::correspondence::ssr as correspondence;
use app::correspondence::{ItemInput, NotificationSettings, Registration};
use app::error::{AppError, Field, Problem};
use app::ssr::{now_ms, Db};
use common::{count, on_both, with_samples};

const TEXT: &str = "Dzien dobry [klient], czeka nowa korespondencja od: [nadawca].";

async fn client(db: &Db, company_id: i64) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO subjects (company_id, kind, code, name, created_at) \
         VALUES ($1, 'contractor', 'K-1', 'Biuro Rachunkowe Łąka', 0) RETURNING id",
    )
    .bind(company_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for (position, (country, phone)) in [("48", "+48600100200"), ("49", "+4915112345678")]
        .into_iter()
        .enumerate()
    {
        sqlx::query(
            "INSERT INTO subject_notification_numbers (subject_id, country_code, phone, position) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(country)
        .bind(phone)
        .bind(position as i64)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    id
}

fn letters(subject_id: i64, senders: &[&str]) -> Registration {
    Registration {
        subject_id,
        items: (senders.iter())
            .map(|sender| ItemInput {
                received_on: "2026-12-02".into(),
                sender: sender.to_string(),
                description: "list polecony".into(),
            })
            .collect(),
        text: String::new(),
        notify: true,
    }
}

async fn turn_on(db: &Db, operator: &Operator, enabled: bool) {
    let settings = NotificationSettings {
        enabled,
        sender: None,
        text: TEXT.into(),
    };
    correspondence::save_settings(db, operator, &settings)
        .await
        .unwrap();
}

#[tokio::test]
async fn two_letters_registered_together_send_one_notification_naming_both_senders() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        turn_on(&db, &operator, true).await;
        let subject = client(&db, operator.company_id).await;
        let available = || count(&db, "SELECT available FROM credit_pools");
        let before = available().await;

        let registration = letters(subject, &["ZUS", "Urząd Skarbowy"]);
        app::correspondence::validate(&registration).unwrap();
        let done = correspondence::register(&db, &operator, &registration, now_ms())
            .await
            .unwrap();
        assert_eq!(done.item_ids.len(), 2);
        assert!(done.notice.sent, "{:?}", done.notice);
        let text =
            "Dzien dobry Biuro Rachunkowe Laka, czeka nowa korespondencja od: ZUS, Urzad Skarbowy.";
        assert_eq!(done.notice.text, text);
        assert_eq!(
            done.notice.message_ids.len(),
            2,
            "one per notification number"
        );
        let sent: Vec<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT phone, body, notice_id FROM messages WHERE notice_id IS NOT NULL ORDER BY id",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let phones: Vec<_> = sent.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(
            phones,
            ["+48600100200", "+4915112345678"],
            "in the client's order"
        );
        assert!(sent.iter().all(|m| m.1 == text && m.2 == sent[0].2));
        assert_eq!(available().await, before - 2);
        let listed = correspondence::list(&db, operator.company_id, None)
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed
            .iter()
            .all(|i| i.notice == Some((true, None)) && i.subject.id == subject));

        // The preview the form shows says the same.
        let senders = vec!["ZUS".to_string(), "Urząd Skarbowy".to_string()];
        let preview = correspondence::preview(&db, &operator, subject, &senders, "")
            .await
            .unwrap();
        assert_eq!(
            (preview.text.as_str(), preview.parts, preview.blocked),
            (text, 1, None)
        );
        assert_eq!(preview.numbers.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn items_are_kept_when_no_notification_can_go_and_polish_letters_are_refused() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        let subject = client(&db, operator.company_id).await;
        let register = |registration: Registration| {
            let (db, operator) = (db.clone(), operator.clone());
            async move {
                correspondence::register(&db, &operator, &registration, now_ms())
                    .await
                    .unwrap()
            }
        };
        // Off for the company.
        let done = register(letters(subject, &["ZUS"])).await;
        assert_eq!(
            (done.notice.sent, done.notice.reason.as_deref()),
            (false, Some("disabled"))
        );
        turn_on(&db, &operator, true).await;
        // Not asked for.
        let quiet = Registration {
            notify: false,
            ..letters(subject, &["ZUS"])
        };
        assert_eq!(
            register(quiet).await.notice.reason.as_deref(),
            Some("not_requested")
        );
        // Declined by the client.
        sqlx::query("UPDATE subjects SET notifications_enabled = 0 WHERE id = $1")
            .bind(subject)
            .execute(&db.pool)
            .await
            .unwrap();
        let done = register(letters(subject, &["ZUS"])).await;
        assert_eq!(done.notice.reason.as_deref(), Some("client_declined"));
        sqlx::query("UPDATE subjects SET notifications_enabled = 1 WHERE id = $1")
            .bind(subject)
            .execute(&db.pool)
            .await
            .unwrap();
        // No credit left.
        sqlx::query("UPDATE credit_pools SET available = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        let done = register(letters(subject, &["ZUS"])).await;
        assert_eq!(done.notice.reason.as_deref(), Some("no_credit"));
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM messages WHERE notice_id IS NOT NULL"
            )
            .await,
            0
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM correspondence").await, 4);
        let listed = correspondence::list(&db, operator.company_id, None)
            .await
            .unwrap();
        assert_eq!(listed[0].notice, Some((false, Some("no_credit".into()))));

        // An edited text with Polish letters is refused, naming the field; so is no sender.
        let polish = Registration {
            text: "Zażółć [klient]".into(),
            ..letters(subject, &["ZUS"])
        };
        let errors = app::correspondence::validate(&polish).unwrap_err();
        assert!(errors
            .iter()
            .any(|e| e.field == Field::NotificationText && e.problem == Problem::PolishCharacters));
        let nobody = letters(subject, &[" "]);
        let errors = app::correspondence::validate(&nobody).unwrap_err();
        assert_eq!(
            (errors[0].field, errors[0].index),
            (Field::CorrespondenceSender, Some(0))
        );

        // Another company's client is not found.
        let other = common::other_company(&db).await;
        let stranger: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, created_at) \
             VALUES ($1, 'contractor', 'OBCY', 'Obcy', 0) RETURNING id",
        )
        .bind(other)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let refused =
            correspondence::register(&db, &operator, &letters(stranger, &["ZUS"]), now_ms()).await;
        assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    })
    .await;
}
