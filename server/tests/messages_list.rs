//! The messages list on SQLite and PostgreSQL: filters (status, subject, words, days), keyset
//! pages that neither skip nor repeat a message, drafts sent or deleted from the list (sent
//! messages stay), and the copy rule for templates.

mod common;

use app::auth::ssr::Operator;
use app::composer::ssr::{self as composer, MessageLinks};
use app::composer::{check, Intent};
use app::messages::ssr as messages;
use app::messages::{MessageQuery, Status, StatusFilter};
use app::ssr::{now_ms, Db};
use common::{admin, count, on_both, queue, seeded};
use sms::procedure::Procedure;

async fn draft(db: &Db, operator: &Operator, phone: &str, body: &str, links: MessageLinks) -> i64 {
    let checked = check(phone, body, Intent::Draft).unwrap();
    let timing = composer::Timing::now();
    composer::store(db, operator, None, &checked, Intent::Draft, links, timing)
        .await
        .unwrap()
}

async fn ids(db: &Db, operator: &Operator, query: &MessageQuery) -> Vec<i64> {
    messages::list(db, operator.company_id, query, None, now_ms())
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|row| row.id)
        .collect()
}

async fn subject_id(db: &Db, operator: &Operator, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM subjects WHERE company_id = $1 AND code = $2")
        .bind(operator.company_id)
        .bind(code)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_list_filters_and_pages_without_skipping_or_repeating() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let alfa = subject_id(&db, &operator, "ALFA").await;
        let to_alfa = MessageLinks {
            subject_id: Some(alfa),
            ..Default::default()
        };
        let mut sent = Vec::new();
        for n in 0..120 {
            sent.push(queue(&db, &operator, "600100200", &format!("Wiadomość numer {n}")).await);
        }
        let alfa_draft = draft(&db, &operator, "601200300", "Szkic dla Alfy: żółw", to_alfa).await;

        // Newest first, 50 a page, every message once across the pages.
        let mut seen = Vec::new();
        let mut query = MessageQuery::default();
        loop {
            let page = messages::list(&db, operator.company_id, &query, None, now_ms())
                .await
                .unwrap();
            seen.extend(page.rows.iter().map(|r| r.id));
            if !page.has_more {
                break;
            }
            query.before = Some(page.rows.last().unwrap().cursor.clone());
        }
        let mut expected: Vec<i64> = sent.iter().copied().chain([alfa_draft]).collect();
        expected.reverse();
        assert_eq!(seen, expected);

        let drafts = MessageQuery {
            status: StatusFilter::Drafts,
            ..Default::default()
        };
        assert_eq!(ids(&db, &operator, &drafts).await, vec![alfa_draft]);
        let pending = MessageQuery {
            status: StatusFilter::Is(Status::Pending),
            ..Default::default()
        };
        assert_eq!(ids(&db, &operator, &pending).await.len(), 50);
        let of_alfa = MessageQuery {
            subject_id: Some(alfa),
            ..Default::default()
        };
        let rows = messages::list(&db, operator.company_id, &of_alfa, None, now_ms())
            .await
            .unwrap()
            .rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].subject_code.as_deref(), Some("ALFA"));
        // Words of the text (with Polish letters), of the subject (without them), of the number.
        for q in ["żółw", "alfa budownictwo", "601200"] {
            let search = MessageQuery {
                q: q.into(),
                ..Default::default()
            };
            assert_eq!(ids(&db, &operator, &search).await, vec![alfa_draft], "{q}");
        }
        let numbered = MessageQuery {
            q: "numer 7".into(),
            ..Default::default()
        };
        // Every number with a 7 in it: 7, 17, …, 97 (but 77 once), 70–79, 107 and 117.
        assert_eq!(ids(&db, &operator, &numbered).await.len(), 21);
        // Days: nothing was written tomorrow.
        let tomorrow = (chrono::Utc::now().with_timezone(&app::ssr::TIME_ZONE)
            + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
        let later = MessageQuery {
            from: tomorrow,
            ..Default::default()
        };
        assert!(ids(&db, &operator, &later).await.is_empty());
        let wrong = MessageQuery {
            to: "2026-13-01".into(),
            ..Default::default()
        };
        assert!(
            messages::list(&db, operator.company_id, &wrong, None, now_ms())
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn drafts_are_sent_or_deleted_from_the_list_and_sent_messages_stay() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let alfa = subject_id(&db, &operator, "ALFA").await;
        let to_alfa = MessageLinks {
            subject_id: Some(alfa),
            ..Default::default()
        };
        let ready = draft(&db, &operator, "601200300", "Dzień dobry {nazwa}", to_alfa).await;
        let no_number = draft(&db, &operator, "", "Bez numeru", Default::default()).await;
        let sent = queue(&db, &operator, "600100200", "Wysłana").await;

        for (id, wanted) in [(ready, true), (no_number, false)] {
            let result = composer::send_draft(&db, &operator, id, now_ms()).await;
            assert_eq!(result.is_ok(), wanted, "{result:?}");
        }
        let body: String = sqlx::query_scalar("SELECT body FROM messages WHERE id = $1")
            .bind(ready)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(body, "Dzień dobry Alfa Budownictwo Sp. z o.o.");
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM messages WHERE id = {ready} AND status = 'pending'")
            )
            .await,
            1
        );
        // Only drafts are deleted; the sent ones are kept.
        let deleted = messages::delete_drafts(&db, operator.company_id, &[ready, no_number, sent])
            .await
            .unwrap();
        assert_eq!(deleted, 1);
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM messages WHERE id IN ({ready}, {sent})")
            )
            .await,
            2
        );
        // Another company's drafts are out of reach.
        let stranger = common::other_company(&db).await;
        let kept = draft(&db, &operator, "", "Mój szkic", Default::default()).await;
        assert_eq!(
            messages::delete_drafts(&db, stranger, &[kept])
                .await
                .unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn a_copy_keeps_its_template_only_when_the_sms_form_offers_it() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let template = |name: &'static str, procedure: Procedure| {
            let db = db.clone();
            let company_id = operator.company_id;
            async move {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO templates (company_id, name, body, created_at, updated_at) \
                     VALUES ($1, $2, 'Treść', 0, 0) RETURNING id",
                )
                .bind(company_id)
                .bind(name)
                .fetch_one(&db.pool)
                .await
                .unwrap();
                sqlx::query(
                    "INSERT INTO template_procedures (template_id, company_id, procedure) \
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(company_id)
                .bind(procedure.id())
                .execute(&db.pool)
                .await
                .unwrap();
                id
            }
        };
        let on_form = template("Na formularzu SMS", Procedure::SmsForm).await;
        let elsewhere = template("Tylko z faktury", Procedure::SalesInvoiceForm).await;
        for (template_id, kept) in [(on_form, Some(on_form)), (elsewhere, None)] {
            let links = MessageLinks {
                template_id: Some(template_id),
                procedure: Some(Procedure::SalesInvoiceForm),
                ..Default::default()
            };
            let original = draft(&db, &operator, "600100200", "Tekst z szablonu", links).await;
            let copy = composer::load_copy(&db, operator.company_id, original)
                .await
                .unwrap();
            assert_eq!(copy.template_id, kept);
            assert_eq!(copy.body, "Tekst z szablonu");
            assert_eq!(copy.phone, "+48600100200");
            assert_eq!(copy.procedure, Some(Procedure::SmsForm));
        }
    })
    .await;
}
