//! Documents and tasks as operators see them: lists that search like the address book, and
//! messages written about a document or task (its macros, its subject as the recipient), on
//! SQLite and PostgreSQL.

mod common;

use app::composer::ssr::{self as composer, MessageLinks};
use app::composer::{About, Intent, Topic};
use app::documents::{ssr as documents, DocumentKind, DocumentQuery};
use app::error::AppError;
use app::ssr::Db;
use app::tasks::{ssr as tasks, TaskQuery, TaskStatus};
use common::{on_both, other_company, with_samples};
use sms::procedure::Procedure;

/// Today in the company's time zone, which the sample dates count from.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&app::ssr::TIME_ZONE)
        .date_naive()
}

async fn document_numbers(db: &Db, company_id: i64, query: DocumentQuery) -> Vec<String> {
    let page = documents::search(db, company_id, &query).await.unwrap();
    page.rows.into_iter().map(|r| r.document.number).collect()
}

async fn document_id(db: &Db, company_id: i64, number: &str) -> i64 {
    let query = DocumentQuery {
        q: number.into(),
        ..Default::default()
    };
    let page = documents::search(db, company_id, &query).await.unwrap();
    page.rows[0].document.id
}

#[tokio::test]
async fn documents_are_found_by_number_or_counterparty_without_diacritics() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        let company = operator.company_id;
        let search = |q: &str| DocumentQuery {
            q: q.into(),
            ..Default::default()
        };
        // Newest issue date first.
        assert_eq!(
            document_numbers(&db, company, search("")).await,
            ["ZAM/15/2026", "FS/101/2026", "FS/97/2026", "FS/88/2026"]
        );
        // "Łódź Trans" typed without Polish letters, and every word must match.
        assert_eq!(
            document_numbers(&db, company, search("lodz")).await,
            ["FS/88/2026"]
        );
        assert_eq!(
            document_numbers(&db, company, search("alfa fs/")).await,
            ["FS/101/2026"]
        );
        let unpaid_invoices = DocumentQuery {
            kind: Some(DocumentKind::SalesInvoice),
            unpaid: true,
            ..Default::default()
        };
        assert_eq!(
            document_numbers(&db, company, unpaid_invoices).await,
            ["FS/101/2026", "FS/88/2026"]
        );
        // Another company sees none of them, by search or by id.
        let stranger = other_company(&db).await;
        assert!(document_numbers(&db, stranger, search("")).await.is_empty());
        let id = document_id(&db, company, "FS/88").await;
        let mut conn = db.pool.acquire().await.unwrap();
        assert!(documents::by_id(&mut conn, stranger, id)
            .await
            .unwrap()
            .is_none());
        assert!(documents::by_id(&mut conn, company, id)
            .await
            .unwrap()
            .is_some());
    })
    .await;
}

#[tokio::test]
async fn open_tasks_come_soonest_first_and_are_found_without_diacritics() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        let titles = |status: TaskStatus, q: &str| {
            let query = TaskQuery {
                q: q.into(),
                status,
                offset: 0,
            };
            let db = db.clone();
            async move {
                let page = tasks::search(&db, operator.company_id, &query)
                    .await
                    .unwrap();
                page.rows
                    .into_iter()
                    .map(|r| r.task.title)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            titles(TaskStatus::Open, "").await,
            ["Przegląd instalacji", "Podpisanie umowy ramowej"]
        );
        assert_eq!(
            titles(TaskStatus::Done, "").await,
            ["Telefon w sprawie dostawy"]
        );
        assert_eq!(
            titles(TaskStatus::All, "przeglad").await,
            ["Przegląd instalacji"]
        );
        // By the subject's name, typed without diacritics ("Żubr Meble").
        assert_eq!(
            titles(TaskStatus::All, "zubr").await,
            ["Podpisanie umowy ramowej"]
        );
    })
    .await;
}

#[tokio::test]
async fn a_message_about_an_invoice_goes_to_its_counterparty_with_the_invoice_filled_in() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        let company = operator.company_id;
        let id = document_id(&db, company, "FS/88").await;
        let mut conn = db.pool.acquire().await.unwrap();
        let about = About {
            document_id: Some(id),
            task_id: None,
        };
        let info = composer::topic(&mut conn, company, about)
            .await
            .unwrap()
            .expect("a topic");
        assert_eq!(info.procedure, Procedure::SalesInvoiceForm);
        assert!(matches!(&info.topic, Topic::Document { number, .. } if number == "FS/88/2026"));
        let (recipient, phone) = info.recipient.expect("the counterparty");
        assert_eq!(
            (recipient.label.as_str(), phone.as_str()),
            ("ŁÓDŹ-TRANS — Łódź Trans s.c.", "+48604500600")
        );

        let links = MessageLinks {
            subject_id: Some(recipient.subject_id),
            document_id: Some(id),
            procedure: Some(info.procedure),
            ..Default::default()
        };
        let body =
            "{nazwa}: faktura {numer_dokumentu} z {data_wystawienia}, brutto {kwota_brutto}, \
                    do zapłaty {pozostalo_do_zaplaty} ({waluta}).";
        let text = composer::fill_macros(&mut conn, &operator, body, &links)
            .await
            .unwrap();
        let issued = (today() - chrono::Duration::days(30))
            .format("%d.%m.%Y")
            .to_string();
        assert_eq!(
            text,
            format!(
                "Łódź Trans s.c.: faktura FS/88/2026 z {issued}, brutto 1 230,00 zł, \
                 do zapłaty 420,50 zł (PLN)."
            )
        );
        // The same values by their paths.
        let by_path = "{dokument.numer}|{dokument.pozostalo_do_zaplaty}|{kontrahent.kod}";
        assert_eq!(
            composer::fill_macros(&mut conn, &operator, by_path, &links).await,
            Ok("FS/88/2026|420,50 zł|ŁÓDŹ-TRANS".to_string())
        );
        // A draft about the invoice remembers it.
        let checked = app::composer::check("", body, Intent::Draft).unwrap();
        let draft = composer::store(
            &db,
            &operator,
            None,
            &checked,
            Intent::Draft,
            links,
            composer::Timing::now(),
        )
        .await
        .unwrap();
        let draft = composer::load_draft(&db, company, draft).await.unwrap();
        assert_eq!(draft.about, about);
        // Another company's document can be neither filled in nor linked.
        let stranger = other_company(&db).await;
        assert_eq!(
            composer::topic(&mut conn, stranger, about).await,
            Err(AppError::NotFound)
        );
        let stranger_links = MessageLinks {
            document_id: Some(id),
            ..Default::default()
        };
        let mut stranger_operator = operator.clone();
        stranger_operator.company_id = stranger;
        assert_eq!(
            composer::store(
                &db,
                &stranger_operator,
                None,
                &checked,
                Intent::Draft,
                stranger_links,
                composer::Timing::now()
            )
            .await,
            Err(AppError::NotFound)
        );
    })
    .await;
}

#[tokio::test]
async fn a_reminder_about_a_task_names_it_and_its_start_in_local_time() {
    on_both(|db| async move {
        let operator = with_samples(&db).await;
        let page = tasks::search(&db, operator.company_id, &TaskQuery::default())
            .await
            .unwrap();
        let task = &page.rows[0];
        let mut conn = db.pool.acquire().await.unwrap();
        let about = About {
            document_id: None,
            task_id: Some(task.task.id),
        };
        let info = composer::topic(&mut conn, operator.company_id, about)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(info.procedure, Procedure::TaskForm);
        let links = MessageLinks {
            subject_id: info.recipient.map(|(r, _)| r.subject_id),
            task_id: Some(task.task.id),
            procedure: Some(Procedure::TaskForm),
            ..Default::default()
        };
        let text =
            composer::fill_macros(&mut conn, &operator, "{zadanie.temat}, {termin_od}", &links)
                .await
                .unwrap();
        // The sample task starts tomorrow at 10:30 Warsaw time.
        let tomorrow = today() + chrono::Duration::days(1);
        assert_eq!(
            text,
            format!("Przegląd instalacji, {} 10:30", tomorrow.format("%d.%m.%Y"))
        );
    })
    .await;
}
