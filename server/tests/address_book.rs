//! Address book store tests on SQLite and PostgreSQL: search that ignores case and diacritics,
//! saving with its rules, upserts by the ERP's id, removal that keeps history, company scope.

mod common;

use app::address_book::ssr::{self as address_book, Upsert};
use app::address_book::{
    check_subject, NotificationNumber, Removal, RepresentativeInput, SubjectInput, SubjectKind,
    SubjectQuery, ValidSubject,
};
use app::error::{AppError, Field, FieldError, Problem};
use app::ssr::Db;
use common::{admin, on_both, queue, seeded, subject};

fn valid(input: &SubjectInput) -> ValidSubject {
    check_subject(input, app::phone::ssr::validate).expect("valid subject")
}

async fn find(db: &Db, company_id: i64, q: &str, kind: Option<SubjectKind>) -> Vec<String> {
    let query = SubjectQuery {
        q: q.into(),
        kind,
        ..Default::default()
    };
    address_book::search(db, company_id, &query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|s| s.code)
        .collect()
}

/// A second company of a second account, with one contractor.
async fn other_company_with_subject(db: &Db) -> (i64, i64) {
    let company = common::other_company(db).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let id = address_book::save(
        &mut conn,
        company,
        None,
        &valid(&subject(SubjectKind::Contractor, "OBCY", "Obcy Łódź")),
    )
    .await
    .unwrap();
    (company, id)
}

#[tokio::test]
async fn search_ignores_case_and_polish_letters_and_finds_representatives() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        assert_eq!(
            find(&db, company, "lodz", None).await,
            ["ŁÓDŹ-TRANS", "US-ŁÓDŹ"]
        );
        assert_eq!(
            find(&db, company, "LODZ", Some(SubjectKind::Office)).await,
            ["US-ŁÓDŹ"]
        );
        // Every word must match, in any order.
        assert_eq!(find(&db, company, "trans łódź", None).await, ["ŁÓDŹ-TRANS"]);
        // A representative's name or phone finds the contractor.
        assert_eq!(find(&db, company, "wisniewski", None).await, ["ŁÓDŹ-TRANS"]);
        assert_eq!(find(&db, company, "605600", None).await, ["ŁÓDŹ-TRANS"]);
        assert_eq!(find(&db, company, "zubr", None).await, ["ŻUBR"]);
        // Control characters separate words (a NUL used to break SQLite's full-text query).
        assert_eq!(
            find(&db, company, "trans\0lodz", None).await,
            ["ŁÓDŹ-TRANS"]
        );
        assert_eq!(find(&db, company, "\u{1}zubr\u{7f}", None).await, ["ŻUBR"]);
        // LIKE's wildcards are plain characters in a query.
        assert!(find(&db, company, "%", None).await.is_empty());
        assert!(find(&db, company, "_", None).await.is_empty());

        let alfa = address_book::search(
            &db,
            company,
            &SubjectQuery {
                q: "alfa".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let names: Vec<&str> = alfa.rows[0]
            .representatives
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["Ewa Nowak", "Jan Kowalski"]);
    })
    .await;
}

#[tokio::test]
async fn search_pages_through_many_subjects() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let mut tx = db.pool.begin().await.unwrap();
        for n in 0..120 {
            let input = subject(
                SubjectKind::Bank,
                &format!("B{n:03}"),
                &format!("Bank {n:03}"),
            );
            address_book::save(&mut tx, company, None, &valid(&input))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let mut query = SubjectQuery {
            q: "bank".into(),
            kind: Some(SubjectKind::Bank),
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = address_book::search(&db, company, &query).await.unwrap();
            seen.extend(page.rows.into_iter().map(|s| s.code));
            if !page.has_more {
                break;
            }
            query.offset += 50;
        }
        // The 120 banks and the demo's PKO Bank Polski, in name order, each once.
        assert_eq!(seen.len(), 121);
        assert_eq!(seen[0], "B000");
        assert_eq!(seen[120], "PKO");
    })
    .await;
}

#[tokio::test]
async fn a_change_that_leaves_representatives_out_keeps_them_searchable() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let mut input = subject(SubjectKind::Contractor, "EPS", "Epsilon");
        input.representatives = Some(vec![RepresentativeInput {
            id: None,
            external_id: None,
            name: "Olga Epsilonowa".into(),
            role: String::new(),
            sms_phone: "501 100 200".into(),
            email: String::new(),
            active: true,
        }]);
        let mut conn = db.pool.acquire().await.unwrap();
        let id = address_book::save(&mut conn, company, None, &valid(&input))
            .await
            .unwrap();
        // `None`: the representatives stay as they are (the ERP sends none).
        input.name = "Epsilon Serwis".into();
        input.representatives = None;
        address_book::save(&mut conn, company, Some(id), &valid(&input))
            .await
            .unwrap();
        drop(conn);
        assert_eq!(find(&db, company, "epsilonowa serwis", None).await, ["EPS"]);
        assert_eq!(find(&db, company, "501100200", None).await, ["EPS"]);
        assert!(find(&db, company, "epsilon alfa", None).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn codes_are_unique_per_company_and_kind() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let mut conn = db.pool.acquire().await.unwrap();
        let taken = address_book::save(
            &mut conn,
            company,
            None,
            &valid(&subject(SubjectKind::Contractor, "ALFA", "Druga Alfa")),
        )
        .await;
        assert_eq!(
            taken,
            Err(AppError::InvalidFields(vec![FieldError::new(
                Field::Code,
                Problem::CodeTaken
            )]))
        );
        // The same code for another kind is another subject.
        assert!(address_book::save(
            &mut conn,
            company,
            None,
            &valid(&subject(SubjectKind::Bank, "ALFA", "Alfa Bank")),
        )
        .await
        .is_ok());
    })
    .await;
}

#[tokio::test]
async fn the_erp_upsert_is_idempotent_and_keeps_representatives_in_place() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let mut input = subject(SubjectKind::Contractor, "ERP-7", "Delta Logistyka");
        input.external_id = Some("k-7".into());
        input.sms_phone = "600 700 800".into();
        input.notification_numbers = vec![NotificationNumber {
            country_code: "49".into(),
            phone: "151 23456789".into(),
        }];
        input.representatives = Some(vec![RepresentativeInput {
            id: None,
            external_id: Some("p-1".into()),
            name: "Olga Delta".into(),
            role: "zakupy".into(),
            sms_phone: "501 100 100".into(),
            email: String::new(),
            active: true,
        }]);
        let mut tx = db.pool.begin().await.unwrap();
        let (id, created) = address_book::upsert_by_external_id(&mut tx, company, &valid(&input))
            .await
            .unwrap();
        assert_eq!(created, Upsert::Created);
        let (same_id, again) =
            address_book::upsert_by_external_id(&mut tx, company, &valid(&input))
                .await
                .unwrap();
        assert_eq!((same_id, again), (id, Upsert::Unchanged));
        let before = address_book::get(&mut tx, company, id).await.unwrap();
        let representative_id = before.subject.representatives.as_ref().unwrap()[0].id;

        input.representatives.as_mut().unwrap()[0].role = "kierownik zakupów".into();
        let (_, updated) = address_book::upsert_by_external_id(&mut tx, company, &valid(&input))
            .await
            .unwrap();
        assert_eq!(updated, Upsert::Updated);
        let after = address_book::get(&mut tx, company, id).await.unwrap();
        let representatives = after.subject.representatives.unwrap();
        assert_eq!(representatives.len(), 1);
        assert_eq!(representatives[0].id, representative_id);
        assert_eq!(representatives[0].role, "kierownik zakupów");
        assert_eq!(after.subject.sms_phone, "+48600700800");
        assert_eq!(
            after.subject.notification_numbers[0].phone,
            "+4915123456789"
        );
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_subject_with_messages_is_deactivated_not_deleted() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let company = operator.company_id;
        let mut conn = db.pool.acquire().await.unwrap();
        let kept = address_book::save(
            &mut conn,
            company,
            None,
            &valid(&subject(SubjectKind::Office, "ZUS", "ZUS Oddział Łódź")),
        )
        .await
        .unwrap();
        let gone = address_book::save(
            &mut conn,
            company,
            None,
            &valid(&subject(SubjectKind::Office, "UM", "Urząd Miasta")),
        )
        .await
        .unwrap();
        let message = queue(&db, &operator, "600100200", "Pismo").await;
        sqlx::query("UPDATE messages SET subject_id = $1 WHERE id = $2")
            .bind(kept)
            .bind(message)
            .execute(&mut *conn)
            .await
            .unwrap();

        assert_eq!(
            address_book::remove(&mut conn, company, kept).await,
            Ok(Removal::Deactivated)
        );
        assert!(
            !address_book::get(&mut conn, company, kept)
                .await
                .unwrap()
                .subject
                .active
        );
        assert_eq!(
            address_book::remove(&mut conn, company, gone).await,
            Ok(Removal::Deleted)
        );
        assert_eq!(
            address_book::get(&mut conn, company, gone).await,
            Err(AppError::NotFound)
        );
        // Inactive subjects are left out of search unless asked for.
        assert!(find(&db, company, "zus", None).await.is_empty());
        let with_inactive = address_book::search(
            &db,
            company,
            &SubjectQuery {
                q: "zus".into(),
                include_inactive: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(with_inactive.rows.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn another_companys_subjects_cannot_be_listed_read_changed_or_removed() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let (other, stranger) = other_company_with_subject(&db).await;
        assert!(find(&db, company, "obcy", None).await.is_empty());
        assert_eq!(find(&db, other, "lodz", None).await, ["OBCY"]);
        let mut conn = db.pool.acquire().await.unwrap();
        assert_eq!(
            address_book::get(&mut conn, company, stranger).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            address_book::save(
                &mut conn,
                company,
                Some(stranger),
                &valid(&subject(SubjectKind::Contractor, "MOJ", "Przejęty")),
            )
            .await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            address_book::remove(&mut conn, company, stranger).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            address_book::get(&mut conn, other, stranger)
                .await
                .unwrap()
                .subject
                .name,
            "Obcy Łódź"
        );
    })
    .await;
}
