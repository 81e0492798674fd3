//! The e-mail channel on SQLite and PostgreSQL against a real SMTP server (aiosmtpd): SMTP
//! passwords stored sealed and never shown, mail from the operator's own account or else the
//! company's, a template's files and a document's printout attached, and an SMTP server that
//! is down tried again later (time given, not slept) until the mail goes or fails for good.

mod common;

use app::auth::ssr::Operator;
use app::email::ssr::{self as email, NewFile, Outgoing, TemplateInput};
use app::email::{About, AccountInput, EmailStatus};
use app::ssr::{now_ms, Db};
use common::smtp::Smtp;
use common::{count, free_port, on_both, sealing_key, with_samples};
use server::email_outbox::deliver_due;
use sms::Procedure;

fn account(port: u16, login: &str, password: &str, from: &str) -> app::email::ValidAccount {
    AccountInput {
        host: "127.0.0.1".into(),
        port: port.to_string(),
        tls: "none".into(),
        login: login.into(),
        password: password.into(),
        from_name: "Hurtownia Zefir".into(),
        from_address: from.into(),
    }
    .validate()
    .unwrap()
}

fn outgoing(to: &str, title: &str, about: About, files: Vec<i64>) -> Outgoing {
    Outgoing {
        to: to.into(),
        title: title.into(),
        body: "Dzień dobry,\n\nw załączeniu faktura.\n".into(),
        about,
        template_id: None,
        files,
    }
}

/// The demo company's account: the server on `port`, no login.
async fn company_account(db: &Db, admin: &Operator, port: u16) {
    let valid = account(port, "", "", "biuro@zefir.example");
    email::save_account(db, &sealing_key(), admin, false, &valid)
        .await
        .unwrap();
}

/// Another operator of the demo company, without an e-mail account of their own.
async fn colleague(db: &Db, admin: &Operator) -> Operator {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO operators (account_id, login, name, email, role, password_hash, created_at) \
         VALUES ($1, 'anna', 'Anna Nowak', 'anna@zefir.example', 'operator', 'x', 0) RETURNING id",
    )
    .bind(admin.account_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
        .bind(id)
        .bind(admin.company_id)
        .execute(&db.pool)
        .await
        .unwrap();
    Operator {
        id,
        login: "anna".into(),
        name: "Anna Nowak".into(),
        role: "operator".into(),
        ..admin.clone()
    }
}

#[tokio::test]
async fn passwords_are_sealed_and_mail_goes_from_the_operators_own_account() {
    on_both(|db| async move {
        let smtp = Smtp::start().await;
        let admin = with_samples(&db).await;
        let key = sealing_key();
        let company = account(
            smtp.port,
            "biuro",
            "tajne-hasło-SMTP",
            "biuro@zefir.example",
        );
        email::save_account(&db, &key, &admin, false, &company)
            .await
            .unwrap();
        let sealed: String = sqlx::query_scalar("SELECT password_sealed FROM email_accounts")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(!sealed.contains("tajne"), "{sealed}");
        assert_eq!(key.open(&sealed).as_deref(), Some("tajne-hasło-SMTP"));
        let settings = email::settings(&db, &admin).await.unwrap();
        let shown = settings.company.unwrap();
        assert!(shown.has_password);
        assert!(!format!("{shown:?}").contains("tajne"));
        // Saved again without a password (and, for the test's server, without a login): the
        // stored password stays.
        company_account(&db, &admin, smtp.port).await;
        let kept: String = sqlx::query_scalar("SELECT password_sealed FROM email_accounts")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(kept, sealed);

        // The administrator's own account; a colleague has none.
        let own = account(smtp.port, "", "", "jan.kowalski@zefir.example");
        email::save_account(&db, &key, &admin, true, &own)
            .await
            .unwrap();
        let anna = colleague(&db, &admin).await;
        let now = now_ms();
        for (operator, title) in [(&admin, "Od Jana"), (&anna, "Od firmy")] {
            let mail = outgoing("klient@example.com", title, About::default(), vec![]);
            email::send_as_operator(&db, operator, &mail, now)
                .await
                .unwrap();
        }
        assert_eq!(deliver_due(&db, &key, now).await, 2);
        let mails = smtp.mails();
        let from = |title: &str| {
            mails
                .iter()
                .find(|m| m.subject == title)
                .unwrap()
                .from
                .clone()
        };
        assert!(from("Od Jana").contains("jan.kowalski@zefir.example"));
        assert!(from("Od firmy").contains("biuro@zefir.example"));
        assert!(mails[0].body.contains("w załączeniu faktura"));

        // Without any account, e-mail is refused, saying so.
        email::remove_account(&db, &admin, true).await.unwrap();
        email::remove_account(&db, &admin, false).await.unwrap();
        let refused = email::send_as_operator(
            &db,
            &anna,
            &outgoing("k@example.com", "X", About::default(), vec![]),
            now,
        )
        .await
        .unwrap_err();
        assert!(
            refused.concerns(app::error::Field::FromAddress),
            "{refused:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_templates_files_and_the_documents_printout_go_attached() {
    on_both(|db| async move {
        let smtp = Smtp::start().await;
        let admin = with_samples(&db).await;
        let key = sealing_key();
        company_account(&db, &admin, smtp.port).await;
        let (document_id, external_id, number, subject_id): (i64, String, String, i64) =
            sqlx::query_as(
                "SELECT id, external_id, number, subject_id FROM documents \
             WHERE kind = 'sales_invoice' AND external_id IS NOT NULL ORDER BY id LIMIT 1",
            )
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let input = TemplateInput {
            name: "Faktura",
            procedure: Procedure::SalesInvoiceForm,
            title: "Faktura {numer_dokumentu}",
            body:
                "Dzień dobry,\n\nprzesyłamy fakturę {numer_dokumentu} na {kwota_brutto}.\n{firma}",
            is_default: true,
        };
        let template_id = email::save_template(&db, admin.company_id, 0, &input)
            .await
            .unwrap();
        let terms: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        let file = NewFile {
            name: "Regulamin płatności.pdf",
            content_type: "application/pdf",
            content: &terms,
        };
        email::attach_to_template(&db, admin.company_id, template_id, &file)
            .await
            .unwrap();
        let printout = vec![7u8; 5000];
        let file = NewFile {
            name: "FV.pdf",
            content_type: "application/pdf",
            content: &printout,
        };
        let printout_id = email::set_printout(&db, admin.company_id, &external_id, &file)
            .await
            .unwrap();

        let about = About {
            subject_id: Some(subject_id),
            document_id: Some(document_id),
            task_id: None,
        };
        let start = email::start(&db, &admin, about).await.unwrap();
        assert_eq!(start.printout.as_ref().map(|p| p.id), Some(printout_id));
        assert_eq!(
            start.templates.iter().map(|t| t.id).collect::<Vec<_>>(),
            [template_id]
        );
        assert_eq!(start.about_label.as_deref(), Some(number.as_str()));
        let filled = email::fill_template(&db, &admin, template_id, about)
            .await
            .unwrap();
        assert_eq!(filled.title, format!("Faktura {number}"));
        assert!(
            filled.body.contains(&number) && filled.body.contains("zł"),
            "{}",
            filled.body
        );
        assert_eq!(filled.files.len(), 1);

        let files = vec![printout_id, filled.files[0].id];
        let mail = Outgoing {
            to: "klient@example.com".into(),
            title: filled.title.clone(),
            body: filled.body.clone(),
            about,
            template_id: Some(template_id),
            files,
        };
        let now = now_ms();
        let id = email::send_as_operator(&db, &admin, &mail, now)
            .await
            .unwrap();
        assert_eq!(deliver_due(&db, &key, now).await, 1);
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1);
        let mut attached = mails[0].files.clone();
        attached.sort();
        assert_eq!(
            attached,
            [
                ("FV.pdf".to_string(), 5000),
                ("Regulamin płatności.pdf".to_string(), 3000)
            ]
        );
        assert!(mails[0].body.contains(&number));
        let listed = email::list(&db, admin.company_id, None).await.unwrap();
        let listed = listed.iter().find(|e| e.id == id).unwrap();
        assert_eq!(listed.status, EmailStatus::Sent);
        assert_eq!(listed.files.len(), 2);

        // A file of another company cannot be attached.
        let other = common::other_company(&db).await;
        let mut conn = db.pool.acquire().await.unwrap();
        let theirs = email::insert_file(
            &mut conn,
            other,
            &NewFile {
                name: "x.pdf",
                content_type: "",
                content: b"x",
            },
        )
        .await
        .unwrap();
        drop(conn);
        let stolen = Outgoing {
            files: vec![theirs],
            ..mail
        };
        assert!(email::send_as_operator(&db, &admin, &stolen, now)
            .await
            .is_err());
    })
    .await;
}

#[tokio::test]
async fn an_smtp_server_that_is_down_is_tried_again_until_the_mail_goes_or_fails() {
    on_both(|db| async move {
        let admin = with_samples(&db).await;
        let key = sealing_key();
        let port = free_port();
        company_account(&db, &admin, port).await;
        let t0 = now_ms();
        let mail = outgoing(
            "klient@example.com",
            "Zaległa płatność",
            About::default(),
            vec![],
        );
        let id = email::send_as_operator(&db, &admin, &mail, t0)
            .await
            .unwrap();
        let state = |id: i64| {
            let db = db.clone();
            async move {
                let row: (String, i64, Option<String>, i64) = sqlx::query_as(
                    "SELECT status, attempts, error, next_attempt_at FROM emails WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
                row
            }
        };
        assert_eq!(deliver_due(&db, &key, t0).await, 0);
        let (status, attempts, error, next) = state(id).await;
        assert_eq!((status.as_str(), attempts), ("queued", 1));
        assert!(error.is_some_and(|e| !e.is_empty()));
        assert_eq!(next, t0 + 60_000);
        // Not again before its time.
        assert_eq!(deliver_due(&db, &key, t0 + 30_000).await, 0);
        assert_eq!(state(id).await.1, 1);
        // The server comes up: the next try takes it.
        let smtp = Smtp::start_on(port).await;
        assert_eq!(deliver_due(&db, &key, t0 + 61_000).await, 1);
        assert_eq!(state(id).await.0, "sent");
        assert_eq!(smtp.mails().len(), 1);
        assert_eq!(smtp.mails()[0].subject, "Zaległa płatność");
        drop(smtp);

        // Down for good: after the last wait it has failed, with the server's answer kept.
        let t1 = now_ms();
        let id = email::send_as_operator(&db, &admin, &mail, t1)
            .await
            .unwrap();
        let mut now = t1;
        for _ in 0..5 {
            deliver_due(&db, &key, now).await;
            now = state(id).await.3.max(now) + 1;
        }
        let (status, attempts, error, _) = state(id).await;
        assert_eq!((status.as_str(), attempts), ("failed", 5));
        assert!(error.is_some());
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM emails WHERE status = 'queued'").await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn a_refusal_fails_the_mail_with_the_servers_answer_and_a_temporary_one_is_tried_again() {
    on_both(|db| async move {
        let admin = with_samples(&db).await;
        let key = sealing_key();
        let now = now_ms();
        for (answer, status, attempts) in [
            ("550 5.1.1 No such mailbox here", "failed", 1),
            ("451 4.3.0 Try again later", "queued", 1),
        ] {
            let (_server, port) = common::smtp::refusing(answer).await;
            company_account(&db, &admin, port).await;
            let mail = outgoing("nikt@example.com", answer, About::default(), vec![]);
            let id = email::send_as_operator(&db, &admin, &mail, now)
                .await
                .unwrap();
            assert_eq!(deliver_due(&db, &key, now).await, 0);
            let (got, tries, error): (String, i64, Option<String>) =
                sqlx::query_as("SELECT status, attempts, error FROM emails WHERE id = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            assert_eq!((got.as_str(), tries), (status, attempts), "{answer}");
            let (code, words) = (&answer[..3], &answer[10..]);
            let error = error.unwrap_or_default();
            assert!(error.contains(code) && error.contains(words), "{error}");
            let listed = email::list(&db, admin.company_id, None).await.unwrap();
            let listed = listed.iter().find(|e| e.id == id).unwrap();
            assert!(listed.error.as_deref().is_some_and(|e| e.contains(code)));
        }
    })
    .await;
}
