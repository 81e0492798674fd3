//! Serial sends on SQLite and PostgreSQL: every recipient's text and the rows that cannot be
//! sent with their reasons, the batch's cost, credits held once for the batch, the same
//! request or decision twice doing it once, and a job that dies mid-batch resumed by another
//! without making any message twice.

mod common;

use app::address_book::{check_subject, ssr as address_book, SubjectInput, SubjectKind};
use app::auth::ssr::Operator;
use app::batches::ssr::{self as batches, Settings};
use app::batches::{BatchState, BatchView, Decision, RowProblem, Selection, Source};
use app::error::{AppError, Field, Problem};
use app::messages::Category;
use app::ssr::{now_ms, Db};
use common::{admin, count, on_both, other_company, seeded, subject};
use sms::procedure::Procedure;
use tokio::sync::Notify;

async fn add_subject(db: &Db, operator: &Operator, code: &str, name: &str, phone: &str) -> i64 {
    let input = SubjectInput {
        sms_phone: phone.into(),
        ..subject(SubjectKind::Contractor, code, name)
    };
    let valid = check_subject(&input, app::phone::ssr::validate).expect("valid subject");
    let mut conn = db.pool.acquire().await.unwrap();
    address_book::save(&mut conn, operator.company_id, None, &valid)
        .await
        .unwrap()
}

fn settings(body: &str, category: Category) -> Settings {
    Settings {
        body: body.into(),
        template_id: None,
        procedure: Procedure::ContractorList,
        category,
        urgent: false,
        send_at: None,
        from_number: false,
    }
}

fn chosen(source: Source, ids: &[i64]) -> Selection {
    Selection {
        source,
        ids: ids.to_vec(),
        all: false,
        q: String::new(),
        kind: None,
        inactive: false,
        unpaid: false,
    }
}

/// Runs the background job until no batch needs it.
async fn finish(db: &Db) {
    let outbox = Notify::new();
    while batches::work_once(db, &outbox).await.unwrap() {}
}

async fn view(db: &Db, operator: &Operator, id: i64) -> BatchView {
    batches::view(db, operator, id, 0).await.unwrap()
}

async fn available(db: &Db, account_id: i64) -> (i64, i64) {
    let mut conn = db.pool.acquire().await.unwrap();
    let balance = app::credits::ssr::balance(&mut conn, account_id)
        .await
        .unwrap();
    (balance.available, balance.held)
}

#[tokio::test]
async fn a_batch_shows_each_text_and_why_rows_cannot_go_then_sends_the_valid_ones_once() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let anna = add_subject(&db, &operator, "ŻAK", "Żaneta Kowalska", "600 100 201").await;
        let no_phone = add_subject(&db, &operator, "BEZ", "Bez telefonu", "").await;
        let twice = add_subject(&db, &operator, "DUP", "Ten sam numer", "600100201").await;
        let stopped = add_subject(&db, &operator, "STOP", "Rezygnacja", "600100299").await;
        let bad = add_subject(&db, &operator, "ZLY", "Zły numer", "600100298").await;
        let other = add_subject(&db, &operator, "BOB", "Bob Nowak", "600100202").await;
        // A number that cannot be one (the address book's own check was skipped by an import).
        sqlx::query("UPDATE subjects SET sms_phone = '12' WHERE id = $1")
            .bind(bad)
            .execute(&db.pool)
            .await
            .unwrap();
        let mut tx = db.begin_write().await.unwrap();
        let how = app::replies::ssr::How::Operator(operator.id);
        app::replies::ssr::change_opt_out(&mut tx, operator.company_id, "+48600100299", true, how, now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Another company's subject cannot be smuggled into the selection.
        let stranger = other_company(&db).await;
        let foreign: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, sms_phone, created_at, updated_at) \
             VALUES ($1, 'contractor', 'OBCY', 'Obcy', '+48600100777', 0, 0) RETURNING id",
        )
        .bind(stranger)
        .fetch_one(&db.pool)
        .await
        .unwrap();

        let ids = [anna, no_phone, twice, stopped, bad, other, foreign];
        let selection = chosen(Source::Subjects, &ids);
        let body = "Dzień dobry {nazwa}, Państwa kod to {podmiot}, numer {telefon}.";
        let marketing = settings(body, Category::Marketing);
        let id = batches::create(&db, &operator, "key-1", &selection, &marketing)
            .await
            .unwrap();
        // The same request again (a double click, a retry) is the same batch.
        let again = batches::create(&db, &operator, "key-1", &selection, &marketing)
            .await
            .unwrap();
        assert_eq!(again, id);
        assert_eq!(view(&db, &operator, id).await.state, BatchState::Preparing);
        finish(&db).await;

        let batch = view(&db, &operator, id).await;
        assert_eq!(batch.state, BatchState::Ready);
        assert_eq!((batch.total, batch.prepared), (6, 6), "the stranger is left out");
        assert_eq!((batch.valid, batch.invalid), (2, 4));
        // The rows that cannot be sent come first, in the order selected.
        let problems: Vec<_> = batch.rows.iter().map(|r| r.problem.clone()).collect();
        assert_eq!(
            problems,
            vec![
                Some(RowProblem::NoPhone),
                Some(RowProblem::Duplicate),
                Some(RowProblem::OptedOut),
                Some(RowProblem::InvalidPhone),
                None,
                None
            ]
        );
        let anna_row = &batch.rows[4];
        assert_eq!(
            anna_row.text,
            "Dzień dobry Żaneta Kowalska, Państwa kod to ŻAK, numer +48 600 100 201."
        );
        assert_eq!(anna_row.phone, "+48600100201");
        assert_eq!(anna_row.subject.as_deref(), Some("ŻAK — Żaneta Kowalska"));
        // Polish letters make both texts Unicode: 2 SMS each; without them 1 each.
        assert_eq!((batch.min_parts, batch.max_parts), (1, 2));
        assert_eq!((batch.total_parts, batch.plain_parts), (3, 2));

        let (before, held_before) = available(&db, operator.account_id).await;
        let send = Decision::Send {
            without_polish: true,
        };
        let now = now_ms();
        batches::decide(&db, &operator, id, send, now).await.unwrap();
        // A second click changes nothing: the credits are held once.
        batches::decide(&db, &operator, id, send, now).await.unwrap();
        assert_eq!(
            available(&db, operator.account_id).await,
            (before - 2, held_before + 2)
        );
        finish(&db).await;
        let batch = view(&db, &operator, id).await;
        assert_eq!((batch.state, batch.made), (BatchState::Sent, 2));
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT m.body FROM messages m JOIN batch_rows r ON r.message_id = m.id \
             WHERE r.batch_id = $1 AND m.status = 'pending' ORDER BY r.seq",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            bodies,
            vec![
                "Dzien dobry Zaneta Kowalska, Panstwa kod to ZAK, numer +48 600 100 201.",
                "Dzien dobry Bob Nowak, Panstwa kod to BOB, numer +48 600 100 202."
            ]
        );
        let parts = count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM message_parts p JOIN batch_rows r ON r.message_id = p.message_id \
                 WHERE r.batch_id = {id} AND p.credit = 'held'"
            ),
        )
        .await;
        assert_eq!(parts, 2, "one held credit per part");
        // Sent is sent: a late word changes nothing.
        batches::decide(&db, &operator, id, Decision::SaveDrafts, now)
            .await
            .unwrap();
        finish(&db).await;
        assert_eq!(count(&db, "SELECT COUNT(*) FROM messages WHERE status = 'draft'").await, 0);
    })
    .await;
}

#[tokio::test]
async fn without_credit_nothing_goes_and_every_row_can_be_kept_as_a_draft() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let a = add_subject(&db, &operator, "A1", "Adam", "600100301").await;
        let b = add_subject(&db, &operator, "B1", "Beata", "").await;
        let (left, _) = available(&db, operator.account_id).await;
        let about = app::credits::ssr::About::default();
        let correction = app::credits::EntryKind::Correction;
        app::credits::ssr::add(
            &db,
            operator.account_id,
            correction,
            -left,
            about,
            "test",
            now_ms(),
        )
        .await
        .unwrap();
        let selection = chosen(Source::Subjects, &[a, b]);
        let plain = settings("Przypomnienie dla {podmiot}", Category::Transactional);
        let id = batches::create(&db, &operator, "key-2", &selection, &plain)
            .await
            .unwrap();
        // Not prepared yet: it cannot be sent.
        let early = batches::decide(
            &db,
            &operator,
            id,
            Decision::Send {
                without_polish: false,
            },
            now_ms(),
        )
        .await;
        assert_eq!(
            early,
            Err(AppError::invalid(Field::Recipients, Problem::Unavailable))
        );
        finish(&db).await;
        let refused = batches::decide(
            &db,
            &operator,
            id,
            Decision::Send {
                without_polish: false,
            },
            now_ms(),
        )
        .await;
        assert!(
            matches!(
                refused,
                Err(AppError::Invalid {
                    field: Field::Body,
                    problem: Problem::NoCredit {
                        needed: 1,
                        left: 0,
                        ..
                    }
                })
            ),
            "{refused:?}"
        );
        assert_eq!(view(&db, &operator, id).await.state, BatchState::Ready);
        batches::decide(&db, &operator, id, Decision::SaveDrafts, now_ms())
            .await
            .unwrap();
        finish(&db).await;
        let drafts: Vec<(String, String)> =
            sqlx::query_as("SELECT phone, body FROM messages WHERE status = 'draft' ORDER BY id")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            drafts,
            vec![
                (
                    "+48600100301".to_string(),
                    "Przypomnienie dla A1".to_string()
                ),
                (String::new(), "Przypomnienie dla B1".to_string())
            ]
        );
        assert_eq!(view(&db, &operator, id).await.state, BatchState::Saved);
    })
    .await;
}

#[tokio::test]
async fn a_batch_from_the_documents_list_fills_each_documents_fields() {
    on_both(|db| async move {
        let operator = common::with_samples(&db).await;
        let query = app::documents::DocumentQuery {
            kind: Some(app::documents::DocumentKind::SalesInvoice),
            ..Default::default()
        };
        let invoices = app::documents::ssr::search(&db, operator.company_id, &query)
            .await
            .unwrap()
            .rows;
        assert!(invoices.len() >= 2);
        // Every invoice matching the list's search, as "select all matching" asks.
        let selection = Selection {
            all: true,
            kind: Some("sales_invoice".into()),
            ..chosen(Source::Documents, &[])
        };
        assert_eq!(selection.procedure(), Procedure::SalesInvoiceList);
        let body = "Faktura {numer_dokumentu} czeka na wpłatę.";
        let mut invoice_settings = settings(body, Category::Transactional);
        invoice_settings.procedure = selection.procedure();
        let id = batches::create(&db, &operator, "key-3", &selection, &invoice_settings)
            .await
            .unwrap();
        finish(&db).await;
        let batch = view(&db, &operator, id).await;
        assert_eq!(batch.total as usize, invoices.len());
        for listed in &invoices {
            let number = &listed.document.number;
            let row = (batch.rows.iter())
                .find(|r| r.document.as_deref() == Some(number.as_str()))
                .expect("a row per invoice");
            if row.problem.is_none() {
                assert_eq!(row.text, format!("Faktura {number} czeka na wpłatę."));
            }
        }
        assert!(batch.valid > 0);
    })
    .await;
}

#[tokio::test]
async fn a_job_that_dies_mid_batch_is_resumed_without_making_a_message_twice() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        // More rows than one step takes, so the job dies with work left.
        let mut ids = Vec::new();
        for n in 0..450 {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO subjects (company_id, kind, code, name, sms_phone, created_at, updated_at) \
                 VALUES ($1, 'contractor', $2, $3, $4, 0, 0) RETURNING id",
            )
            .bind(operator.company_id)
            .bind(format!("K{n:04}"))
            .bind(format!("Klient {n}"))
            .bind(format!("+48601{n:06}"))
            .fetch_one(&db.pool)
            .await
            .unwrap();
            ids.push(id);
        }
        let selection = chosen(Source::Subjects, &ids);
        let plain = settings("Kod {podmiot}", Category::Transactional);
        let id = batches::create(&db, &operator, "key-4", &selection, &plain)
            .await
            .unwrap();
        let outbox = Notify::new();
        // One step prepares a chunk, then the job dies holding its lease.
        assert!(batches::work_chunks(&db, &outbox, 1).await.unwrap());
        assert_eq!(view(&db, &operator, id).await.prepared, 200);
        // While the lease holds, no other job takes the batch.
        assert!(!batches::work_once(&db, &outbox).await.unwrap());
        expire_lease(&db, id).await;
        finish(&db).await;
        assert_eq!(view(&db, &operator, id).await.valid, 450);

        let (before, _) = available(&db, operator.account_id).await;
        batches::decide(&db, &operator, id, Decision::Send { without_polish: false }, now_ms())
            .await
            .unwrap();
        assert!(batches::work_chunks(&db, &outbox, 2).await.unwrap());
        assert_eq!(view(&db, &operator, id).await.made, 400);
        expire_lease(&db, id).await;
        finish(&db).await;
        let batch = view(&db, &operator, id).await;
        assert_eq!((batch.state, batch.made), (BatchState::Sent, 450));
        let messages = count(&db, "SELECT COUNT(*) FROM messages WHERE status = 'pending'").await;
        let distinct = count(
            &db,
            "SELECT COUNT(DISTINCT subject_id) FROM messages WHERE status = 'pending'",
        )
        .await;
        assert_eq!((messages, distinct), (450, 450));
        assert_eq!(available(&db, operator.account_id).await.0, before - 450);
    })
    .await;
}

async fn expire_lease(db: &Db, id: i64) {
    sqlx::query("UPDATE batches SET lease_until = 1 WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_selection_is_checked() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let plain = settings("Treść", Category::Transactional);
        let none = batches::create(
            &db,
            &operator,
            "key-5",
            &chosen(Source::Subjects, &[]),
            &plain,
        )
        .await;
        assert_eq!(
            none,
            Err(AppError::invalid(Field::Recipients, Problem::Required))
        );
        let a = add_subject(&db, &operator, "A1", "Adam", "600100301").await;
        let empty = settings("  ", Category::Transactional);
        let no_text = batches::create(
            &db,
            &operator,
            "key-6",
            &chosen(Source::Subjects, &[a]),
            &empty,
        )
        .await;
        assert_eq!(
            no_text,
            Err(AppError::invalid(Field::Body, Problem::Required))
        );
        let too_many: Vec<i64> = (1..=batches::MAX_ROWS as i64 + 1).collect();
        let over = batches::create(
            &db,
            &operator,
            "key-7",
            &chosen(Source::Subjects, &too_many),
            &plain,
        )
        .await;
        assert_eq!(
            over,
            Err(AppError::invalid(
                Field::Recipients,
                Problem::TooMany {
                    max: batches::MAX_ROWS as u32
                }
            ))
        );
        // "All matching" follows the list's search.
        let adams = Selection {
            all: true,
            q: "adam".into(),
            kind: Some("contractor".into()),
            ..chosen(Source::Subjects, &[])
        };
        assert_eq!(
            batches::resolve(&db, operator.company_id, &adams)
                .await
                .unwrap(),
            vec![a]
        );
        // Another company's operator does not see the batch.
        let id = batches::create(
            &db,
            &operator,
            "key-8",
            &chosen(Source::Subjects, &[a]),
            &plain,
        )
        .await
        .unwrap();
        let stranger = Operator {
            company_id: other_company(&db).await,
            ..operator.clone()
        };
        assert_eq!(
            batches::view(&db, &stranger, id, 0).await,
            Err(AppError::NotFound)
        );
    })
    .await;
}
