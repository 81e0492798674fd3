//! The [Dokumenty] tab on SQLite and PostgreSQL: documents, tasks and contacts linked to a
//! message (also a sent one) and unlinked, once each, only the company's own, and a contact-log
//! entry written with the message's subject.

mod common;

use app::composer::ssr::MessageLinks;
use app::error::{AppError, Field, Problem};
use app::message_links::{ssr as links, LinkKind, Linked};
use app::ssr::now_ms;
use common::{on_both, other_company};

#[tokio::test]
async fn a_sent_message_is_linked_to_documents_tasks_and_contacts() {
    on_both(|db| async move {
        let operator = common::with_samples(&db).await;
        let (invoice, task): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT id FROM documents WHERE number = 'FS/88/2026'), \
                    (SELECT MIN(id) FROM tasks WHERE company_id = $1)",
        )
        .bind(operator.company_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let alfa: i64 = sqlx::query_scalar("SELECT id FROM subjects WHERE code = 'ALFA'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let checked = app::composer::check(
            "601200300",
            "Zamówienie gotowe",
            app::composer::Intent::Send,
        )
        .unwrap();
        let about = MessageLinks {
            subject_id: Some(alfa),
            task_id: Some(task),
            ..Default::default()
        };
        let message = app::composer::ssr::store(
            &db,
            &operator,
            None,
            &checked,
            app::composer::Intent::Send,
            about,
            app::composer::ssr::Timing::now(),
        )
        .await
        .unwrap();
        let company = operator.company_id;
        // What it was written about comes first, and stays.
        let shown = links::links(&db, company, message).await.unwrap();
        assert_eq!(shown.len(), 1);
        assert!(shown[0].topic && shown[0].kind == LinkKind::Task);

        links::set_link(&db, company, message, LinkKind::Document, invoice, true)
            .await
            .unwrap();
        links::set_link(&db, company, message, LinkKind::Document, invoice, true)
            .await
            .unwrap();
        let contact = links::add_contact(
            &db,
            &operator,
            message,
            "  Klient potwierdził odbiór  ",
            now_ms(),
        )
        .await
        .unwrap();
        let shown: Vec<(LinkKind, String, bool)> = (links::links(&db, company, message)
            .await
            .unwrap()
            .into_iter())
        .map(
            |Linked {
                 kind, label, topic, ..
             }| (kind, label, topic),
        )
        .collect();
        assert_eq!(shown.len(), 3);
        assert_eq!(
            shown[1],
            (LinkKind::Document, "FS/88/2026".to_string(), false)
        );
        assert_eq!(
            shown[2],
            (
                LinkKind::Contact,
                "Klient potwierdził odbiór".to_string(),
                false
            )
        );
        let subject: Option<i64> =
            sqlx::query_scalar("SELECT subject_id FROM contacts WHERE id = $1")
                .bind(contact)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(subject, Some(alfa));
        // The subject's contacts are offered for linking; documents by their number.
        let offered = links::candidates(&db, company, message, LinkKind::Contact, "")
            .await
            .unwrap();
        assert_eq!(
            offered.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![contact]
        );
        let offered = links::candidates(&db, company, message, LinkKind::Document, "FS/88")
            .await
            .unwrap();
        assert_eq!(
            offered.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![invoice]
        );

        links::set_link(&db, company, message, LinkKind::Document, invoice, false)
            .await
            .unwrap();
        assert_eq!(links::links(&db, company, message).await.unwrap().len(), 2);
        // Another company's message or document is out of reach; an empty note is named.
        let stranger = other_company(&db).await;
        assert_eq!(
            links::links(&db, stranger, message).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            links::set_link(&db, stranger, message, LinkKind::Document, invoice, true).await,
            Err(AppError::NotFound)
        );
        let empty = links::add_contact(&db, &operator, message, "  ", now_ms()).await;
        assert_eq!(
            empty,
            Err(AppError::invalid(Field::Notes, Problem::Required))
        );
    })
    .await;
}
