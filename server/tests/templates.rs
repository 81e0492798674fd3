//! Template store tests on SQLite and PostgreSQL: one default per procedure (kept by the
//! database), attaching and detaching, removal that hides used templates, company scope, and
//! macros filled for the recipient when a message is sent.

mod common;

use app::address_book::ssr as address_book;
use app::address_book::{check_subject, SubjectInput, SubjectKind};
use app::composer::{ssr as composer, Intent};
use app::error::{AppError, Field, FieldError, Problem};
use app::ssr::Db;
use app::templates::ssr as templates;
use app::templates::{
    check_template, AttachmentChange, TemplateInput, TemplateQuery, TemplateRemoval,
};
use common::{admin, on_both, other_company, seeded, subject};
use sms::procedure::Procedure;

async fn save(
    db: &Db,
    company_id: i64,
    id: Option<i64>,
    template: &TemplateInput,
) -> Result<i64, AppError> {
    let valid = check_template(template).expect("valid template");
    let mut tx = db.pool.begin().await.unwrap();
    let id = templates::save(&mut tx, company_id, id, &valid).await?;
    tx.commit().await.unwrap();
    Ok(id)
}

async fn change(
    db: &Db,
    company_id: i64,
    id: i64,
    procedure: Procedure,
    what: AttachmentChange,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await.unwrap();
    templates::change_attachment(&mut tx, company_id, id, procedure, what).await?;
    tx.commit().await.unwrap();
    Ok(())
}

/// Names of the templates listed for `procedure`, the default marked with `*`.
async fn names(db: &Db, company_id: i64, procedure: Option<Procedure>, q: &str) -> Vec<String> {
    let query = TemplateQuery {
        procedure,
        q: q.into(),
    };
    templates::list(db, company_id, &query)
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            let star = procedure.is_some_and(|p| t.is_default_for(p));
            format!("{}{}", t.template.name, if star { "*" } else { "" })
        })
        .collect()
}

#[tokio::test]
async fn one_default_per_procedure_and_the_database_keeps_it() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let invoice = Some(Procedure::SalesInvoiceForm);
        // The demo's payment reminder is the invoice form's default.
        assert_eq!(names(&db, company, invoice, "").await, ["Przypomnienie o płatności*"]);

        let second = TemplateInput::new("Druga faktura", "Faktura {numer_dokumentu}", &[(Procedure::SalesInvoiceForm, true)]);
        let id = save(&db, company, None, &second).await.unwrap();
        // Making the new one the default took it from the old one.
        assert_eq!(
            names(&db, company, invoice, "").await,
            ["Druga faktura*", "Przypomnienie o płatności"]
        );
        // The invoice list keeps its own default.
        assert_eq!(
            names(&db, company, Some(Procedure::SalesInvoiceList), "").await,
            ["Przypomnienie o płatności*"]
        );

        let old: i64 = sqlx::query_scalar("SELECT id FROM templates WHERE name = 'Przypomnienie o płatności'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        change(&db, company, old, Procedure::SalesInvoiceForm, AttachmentChange::MakeDefault).await.unwrap();
        assert_eq!(
            names(&db, company, invoice, "").await,
            ["Druga faktura", "Przypomnienie o płatności*"]
        );
        change(&db, company, old, Procedure::SalesInvoiceForm, AttachmentChange::ClearDefault).await.unwrap();
        assert_eq!(names(&db, company, invoice, "").await, ["Druga faktura", "Przypomnienie o płatności"]);

        // Written around the store, a second default is refused by the database itself.
        for template_id in [old, id] {
            let _ = sqlx::query(
                "UPDATE template_procedures SET is_default = 1 WHERE template_id = $1 AND procedure = $2",
            )
            .bind(template_id)
            .bind(Procedure::SalesInvoiceForm.id())
            .execute(&db.pool)
            .await;
        }
        let defaults: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM template_procedures WHERE procedure = $1 AND is_default = 1",
        )
        .bind(Procedure::SalesInvoiceForm.id())
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(defaults, 1);
    })
    .await;
}

#[tokio::test]
async fn templates_are_attached_detached_and_found_by_name() {
    on_both(|db| async move {
        seeded(&db).await;
        let company = admin(&db).await.company_id;
        let id = save(
            &db,
            company,
            None,
            &TemplateInput::new(
                "Życzenia świąteczne",
                "Wesołych Świąt! {firma}",
                &[(Procedure::SmsForm, false)],
            ),
        )
        .await
        .unwrap();
        // Found ignoring case and Polish letters.
        assert_eq!(
            names(&db, company, None, "ZYCZENIA").await,
            ["Życzenia świąteczne"]
        );
        assert_eq!(
            names(&db, company, None, "swiat zycz").await,
            ["Życzenia świąteczne"]
        );
        assert!(names(&db, company, None, "brak").await.is_empty());

        let employees = Some(Procedure::EmployeeList);
        assert!(names(&db, company, employees, "").await.is_empty());
        // Attaching twice is harmless.
        for _ in 0..2 {
            let attach = AttachmentChange::Attach;
            change(&db, company, id, Procedure::EmployeeList, attach)
                .await
                .unwrap();
        }
        assert_eq!(
            names(&db, company, employees, "").await,
            ["Życzenia świąteczne"]
        );
        change(
            &db,
            company,
            id,
            Procedure::SmsForm,
            AttachmentChange::Detach,
        )
        .await
        .unwrap();
        assert!(!names(&db, company, Some(Procedure::SmsForm), "")
            .await
            .contains(&"Życzenia świąteczne".to_string()));
        // The last procedure stays.
        assert_eq!(
            change(
                &db,
                company,
                id,
                Procedure::EmployeeList,
                AttachmentChange::Detach
            )
            .await,
            Err(AppError::invalid(Field::Procedures, Problem::LastProcedure))
        );
        // Making a template the default attaches it.
        change(
            &db,
            company,
            id,
            Procedure::Notifications,
            AttachmentChange::MakeDefault,
        )
        .await
        .unwrap();
        assert_eq!(
            names(&db, company, Some(Procedure::Notifications), "").await,
            ["Życzenia świąteczne*"]
        );

        // Saving replaces the procedures; names are unique among visible templates.
        let edited = TemplateInput::new(
            "Życzenia",
            "Wesołych Świąt!",
            &[(Procedure::ContractorList, true)],
        );
        assert_eq!(save(&db, company, Some(id), &edited).await, Ok(id));
        let mut conn = db.pool.acquire().await.unwrap();
        let stored = templates::get(&mut conn, company, id).await.unwrap();
        assert_eq!(stored.template, edited);
        let twin = TemplateInput::new("Życzenia", "x", &[(Procedure::SmsForm, false)]);
        assert_eq!(
            save(&db, company, None, &twin).await,
            Err(AppError::InvalidFields(vec![FieldError::new(
                Field::Name,
                Problem::NameTaken
            )]))
        );
    })
    .await;
}

#[tokio::test]
async fn a_template_used_by_messages_is_hidden_not_deleted() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let company = operator.company_id;
        let unused = save(
            &db,
            company,
            None,
            &TemplateInput::new("Nieużywany", "Tekst", &[(Procedure::SmsForm, true)]),
        )
        .await
        .unwrap();
        let used = save(
            &db,
            company,
            None,
            &TemplateInput::new(
                "Używany",
                "Tekst {firma}",
                &[(Procedure::ContractorForm, false)],
            ),
        )
        .await
        .unwrap();
        let checked = app::composer::check("600100200", "Tekst Hurtownia", Intent::Send).unwrap();
        let links = composer::MessageLinks {
            template_id: Some(used),
            procedure: Some(Procedure::ContractorForm),
            ..Default::default()
        };
        let message = composer::store(
            &db,
            &operator,
            None,
            &checked,
            Intent::Send,
            links,
            composer::Timing::now(),
        )
        .await
        .unwrap();

        let mut tx = db.pool.begin().await.unwrap();
        assert_eq!(
            templates::remove(&mut tx, company, unused).await,
            Ok(TemplateRemoval::Deleted)
        );
        assert_eq!(
            templates::remove(&mut tx, company, used).await,
            Ok(TemplateRemoval::Hidden)
        );
        assert_eq!(
            templates::remove(&mut tx, company, used).await,
            Err(AppError::NotFound)
        );
        tx.commit().await.unwrap();
        assert!(!names(&db, company, None, "")
            .await
            .iter()
            .any(|n| n.contains("używany") || n.contains("Używany")));
        // The message keeps its template, and the name is free again.
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT template_id FROM messages WHERE id = $1")
                .bind(message)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(kept, Some(used));
        save(
            &db,
            company,
            None,
            &TemplateInput::new("Używany", "Nowy", &[(Procedure::SmsForm, false)]),
        )
        .await
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn another_companys_templates_cannot_be_listed_read_changed_or_removed() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let company = operator.company_id;
        let other = other_company(&db).await;
        let theirs = save(
            &db,
            other,
            None,
            &TemplateInput::new("Obcy", "Obcy {firma}", &[(Procedure::SmsForm, true)]),
        )
        .await
        .unwrap();
        assert!(!names(&db, company, None, "")
            .await
            .contains(&"Obcy".to_string()));
        assert_eq!(
            names(&db, other, Some(Procedure::SmsForm), "").await,
            ["Obcy*"]
        );
        // Both companies may have a default for the same procedure.
        save(
            &db,
            company,
            None,
            &TemplateInput::new("Nasz", "Nasz", &[(Procedure::SmsForm, true)]),
        )
        .await
        .unwrap();
        assert_eq!(
            names(&db, other, Some(Procedure::SmsForm), "").await,
            ["Obcy*"]
        );

        let mut conn = db.pool.acquire().await.unwrap();
        assert_eq!(
            templates::get(&mut conn, company, theirs).await,
            Err(AppError::NotFound)
        );
        drop(conn);
        let edit = TemplateInput::new("Przejęty", "x", &[(Procedure::SmsForm, false)]);
        assert_eq!(
            save(&db, company, Some(theirs), &edit).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            change(
                &db,
                company,
                theirs,
                Procedure::OrderForm,
                AttachmentChange::MakeDefault
            )
            .await,
            Err(AppError::NotFound)
        );
        let mut tx = db.pool.begin().await.unwrap();
        assert_eq!(
            templates::remove(&mut tx, company, theirs).await,
            Err(AppError::NotFound)
        );
        drop(tx);
        // A message cannot point at their template.
        let checked = app::composer::check("600100200", "x", Intent::Draft).unwrap();
        let links = composer::MessageLinks {
            template_id: Some(theirs),
            ..Default::default()
        };
        assert_eq!(
            composer::store(
                &db,
                &operator,
                None,
                &checked,
                Intent::Draft,
                links,
                composer::Timing::now()
            )
            .await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            names(&db, other, Some(Procedure::SmsForm), "").await,
            ["Obcy*"]
        );
    })
    .await;
}

fn links(subject_id: Option<i64>, procedure: Procedure) -> composer::MessageLinks {
    composer::MessageLinks {
        subject_id,
        procedure: Some(procedure),
        ..Default::default()
    }
}

#[tokio::test]
async fn macros_are_filled_for_the_recipient_or_the_message_is_refused() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let mut conn = db.pool.acquire().await.unwrap();
        let subject = SubjectInput {
            sms_phone: "600 100 200".into(),
            attributes: [("dzial".to_string(), "Kadry".to_string())].into(),
            ..subject(SubjectKind::Employee, "PRAC-1", "Małgorzata Wiśniewska")
        };
        let valid = check_subject(&subject, app::phone::ssr::validate).unwrap();
        let id = address_book::save(&mut conn, operator.company_id, None, &valid).await.unwrap();

        let body = "Dzień dobry {imie}, dział {kontrahent.dzial}, tel. {telefon}. {firma}";
        assert_eq!(
            composer::fill_macros(&mut conn, &operator, body, &links(Some(id), Procedure::EmployeeList)).await,
            Ok("Dzień dobry Małgorzata, dział Kadry, tel. +48 600 100 200. Hurtownia Mazur".to_string())
        );
        // No e-mail, no fallback; a document the SMS form has not: refused, each macro named.
        let body = "{email} {numer_dokumentu} {imie|Pani}";
        let refused = composer::fill_macros(&mut conn, &operator, body, &links(Some(id), Procedure::SmsForm)).await;
        let Err(AppError::Invalid { field: Field::Body, problem: Problem::UnfilledMacros(problems) }) = &refused else {
            panic!("{refused:?}");
        };
        let failed: Vec<&str> = problems.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(failed, ["{email}", "{numer_dokumentu}"]);
        let message = refused.unwrap_err().message(app::i18n::Lang::Pl);
        assert_eq!(
            message,
            "Treść: nie wysłano, bo nie da się wypełnić makr: Makro {email} jest puste (dodaj wartość \
             zastępczą: {email|…}); Makro {numer_dokumentu} nie jest dostępne w tej procedurze"
        );
        // Without a recipient only the company is known.
        let without = composer::fill_macros(&mut conn, &operator, "{nazwa}", &links(None, Procedure::SmsForm)).await;
        assert!(matches!(without, Err(AppError::Invalid { problem: Problem::UnfilledMacros(_), .. })));
    })
    .await;
}
