//! Address book import on SQLite and PostgreSQL: a file with bad rows writes nothing unless
//! skipping them is chosen, then its valid rows commit together; stored codes update their
//! subjects (mapped fields only) when chosen; a row refused while writing rolls back the rest.

mod common;

use std::time::Instant;

use app::address_book::import::ssr as import;
use app::address_book::import::{ImportFile, ImportOptions, Target};
use app::address_book::{ssr as address_book, SubjectKind, SubjectQuery};
use app::error::{Field, Problem};
use app::ssr::Db;
use base64::Engine;
use common::{admin, on_both, seeded};

fn file(text: &str) -> ImportFile {
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
    ImportFile {
        name: "kontrahenci.csv".into(),
        content: base64::engine::general_purpose::STANDARD.encode(&bytes),
    }
}

fn contractors(update_existing: bool) -> ImportOptions {
    ImportOptions {
        kind: SubjectKind::Contractor,
        mapping: None,
        update_existing,
    }
}

async fn count(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM subjects")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

async fn codes(db: &Db, company: i64, q: &str) -> Vec<String> {
    let query = SubjectQuery {
        q: q.into(),
        ..Default::default()
    };
    let page = address_book::search(db, company, &query).await.unwrap();
    page.rows.into_iter().map(|s| s.code).collect()
}

const WITH_A_BAD_ROW: &str = "Kod;Nazwa;Telefon komórkowy;E-mail\r\n\
                              ŚLĄSK;Śląskie Hurtownie;600 111 222;biuro@slask.example\r\n\
                              ZŁY;Zły telefon;22 123 45 67;\r\n\
                              ŻAKI;Żaki Zakład;601 222 333;\r\n";

#[tokio::test]
async fn bad_rows_write_nothing_unless_skipped_then_valid_rows_commit_together() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let before = count(&db).await;

        let preview = import::preview(&db, company, file(WITH_A_BAD_ROW), contractors(false))
            .await
            .unwrap();
        assert_eq!(preview.encoding, "Windows-1250");
        assert_eq!((preview.counts.new, preview.counts.invalid), (2, 1));
        assert_eq!(preview.errors[0].line, 3);
        assert_eq!(preview.errors[0].errors[0].field, Field::SmsPhone);
        assert_eq!(count(&db).await, before, "a preview writes nothing");

        let refused = import::commit(
            &db,
            company,
            file(WITH_A_BAD_ROW),
            contractors(false),
            false,
        )
        .await
        .unwrap();
        assert!(refused.rejected);
        assert_eq!((refused.created, refused.errors.len()), (0, 1));
        assert_eq!(count(&db).await, before);

        let done = import::commit(&db, company, file(WITH_A_BAD_ROW), contractors(false), true)
            .await
            .unwrap();
        assert!(!done.rejected);
        assert_eq!((done.created, done.updated, done.skipped), (2, 0, 1));
        assert_eq!(count(&db).await, before + 2);
        assert_eq!(codes(&db, company, "slaskie").await, ["ŚLĄSK"]);
        assert!(codes(&db, company, "zly telefon").await.is_empty());

        // The same file again: its codes are now taken.
        let again = import::commit(&db, company, file(WITH_A_BAD_ROW), contractors(false), true)
            .await
            .unwrap();
        assert_eq!((again.created, again.skipped), (0, 3));
        assert_eq!(again.errors[0].errors[0].problem, Problem::CodeTaken);
    })
    .await;
}

#[tokio::test]
async fn stored_codes_update_only_the_mapped_fields_when_chosen() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let text = "Kod;Nazwa;Tel. kom.;Przedstawiciel;Telefon przedstawiciela\n\
                    ŁÓDŹ-TRANS;Łódź Trans sp. z o.o.;602 333 444;Anna Zając;603 444 555\n\
                    NOWY;Nowy Klient;;;\n";
        let refused = import::commit(&db, company, file(text), contractors(false), false)
            .await
            .unwrap();
        assert!(refused.rejected);
        assert_eq!(refused.errors[0].errors[0].problem, Problem::CodeTaken);

        let done = import::commit(&db, company, file(text), contractors(true), false)
            .await
            .unwrap();
        assert_eq!((done.created, done.updated, done.skipped), (1, 1, 0));
        let mut conn = db.pool.acquire().await.unwrap();
        let id = address_book::search(
            &db,
            company,
            &SubjectQuery {
                q: "ŁÓDŹ-TRANS".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .rows[0]
            .id;
        let stored = address_book::get(&mut conn, company, id)
            .await
            .unwrap()
            .subject;
        assert_eq!(stored.name, "Łódź Trans sp. z o.o.");
        assert_eq!(stored.sms_phone, "+48602333444");
        // Not in the file: kept.
        assert_eq!(stored.email, "trans@lodztrans.example");
        assert_eq!(stored.nip, "7250004563");
        let representatives: Vec<(String, String)> = stored
            .representatives
            .unwrap()
            .into_iter()
            .map(|r| (r.name, r.sms_phone))
            .collect();
        assert_eq!(
            representatives,
            [
                ("Paweł Wiśniewski".to_string(), "+48605600700".to_string()),
                ("Anna Zając".to_string(), "+48603444555".to_string()),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_row_refused_while_writing_rolls_back_the_rows_before_it() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        // The ERP id of the second row belongs to a subject the file does not name.
        sqlx::query("UPDATE subjects SET external_id = 'ERP-7' WHERE code = 'GAMMA'")
            .execute(&db.pool)
            .await
            .unwrap();
        let text =
            "Kod;Nazwa;ID\nPIERWSZY;Pierwszy;ERP-1\nDRUGI;Drugi;ERP-7\nTRZECI;Trzeci;ERP-3\n";
        let options = ImportOptions {
            mapping: Some(vec![Target::Code, Target::Name, Target::ExternalId]),
            ..contractors(false)
        };
        let before = count(&db).await;
        let refused = import::commit(&db, company, file(text), options.clone(), false)
            .await
            .unwrap();
        assert!(refused.rejected);
        assert_eq!(refused.errors[0].line, 3);
        assert_eq!(refused.errors[0].errors[0].field, Field::ExternalId);
        assert_eq!(count(&db).await, before, "the first row was rolled back");

        // Skipping: the transaction goes on after the refused row (PostgreSQL included).
        let done = import::commit(&db, company, file(text), options, true)
            .await
            .unwrap();
        assert_eq!((done.created, done.skipped), (2, 1));
        assert_eq!(count(&db).await, before + 2);
    })
    .await;
}

/// The file size limit's worth of rows: 20,000 contractors in one transaction.
/// `cargo test -p server --features app/ssr --test import -- --ignored --nocapture`
#[tokio::test]
#[ignore = "a timing run, about a minute in a debug build"]
async fn twenty_thousand_rows() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let mut text = String::from("Kod;Nazwa;Telefon;E-mail\n");
        for n in 0..20_000 {
            text.push_str(&format!(
                "K{n:05};Kontrahent {n} Łódź;+48 600 {:03} {:03};k{n}@example.com\n",
                n / 1000,
                n % 1000
            ));
        }
        let started = Instant::now();
        let preview = import::preview(&db, company, file(&text), contractors(false))
            .await
            .unwrap();
        let previewed = started.elapsed();
        assert_eq!(preview.counts.new, 20_000);
        let started = Instant::now();
        let done = import::commit(&db, company, file(&text), contractors(false), false)
            .await
            .unwrap();
        assert_eq!(done.created, 20_000);
        println!(
            "{:?}: {} KB file, preview {previewed:?}, commit {:?}",
            db.backend,
            text.len() / 1024,
            started.elapsed()
        );
    })
    .await;
}
