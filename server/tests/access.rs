//! The access matrix over HTTP, on SQLite and PostgreSQL: every server function refuses what
//! the caller's role, account and companies do not allow, and ids of another account's records
//! open nothing, wherever a function takes them.

mod common;

use app::ssr::Db;
use axum::http::StatusCode;
use common::site::{start, TestServer};
use common::{on_both, seeded};

const OTHER_PASSWORD: &str = "obcy-Haslo-1";

async fn insert_id(db: &Db, sql: &str, binds: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(&db.pool).await.unwrap()
}

/// An operator of `account` with `role`, who may use `companies`; logs in with OTHER_PASSWORD.
async fn operator(db: &Db, account: i64, login: &str, role: &str, companies: &[i64]) -> i64 {
    let hash = app::auth::ssr::hash_password(OTHER_PASSWORD.into())
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO operators (account_id, login, name, role, password_hash, created_at) \
         VALUES ($1, $2, $2, $3, $4, 0) RETURNING id",
    )
    .bind(account)
    .bind(login)
    .bind(role)
    .bind(hash)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for company in companies {
        sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
            .bind(id)
            .bind(company)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    id
}

/// What another account holds: an administrator ("obcy") and, in its company, a subject with a
/// representative, a template, a document and a task.
struct Foreign {
    company: i64,
    subject: i64,
    representative: i64,
    template: i64,
    document: i64,
    task: i64,
}

async fn foreign(db: &Db) -> Foreign {
    let (account, company) = common::other_account(db).await;
    operator(db, account, "obcy", "administrator", &[company]).await;
    let subject = insert_id(
        db,
        "INSERT INTO subjects (company_id, kind, code, name, sms_phone, created_at) \
         VALUES ($1, 'contractor', 'OBCY', 'Obcy Kontrahent', '+48600999888', 0) RETURNING id",
        &[company],
    )
    .await;
    let representative = insert_id(
        db,
        "INSERT INTO representatives (subject_id, name, sms_phone) \
         VALUES ($1, 'Obcy Przedstawiciel', '+48600999777') RETURNING id",
        &[subject],
    )
    .await;
    let template = insert_id(
        db,
        "INSERT INTO templates (company_id, name, body, created_at, updated_at) \
         VALUES ($1, 'Obcy szablon', 'Tajny tekst', 0, 0) RETURNING id",
        &[company],
    )
    .await;
    let document = insert_id(
        db,
        "INSERT INTO documents (company_id, kind, number, issue_date, subject_id, created_at, updated_at) \
         VALUES ($1, 'sales_invoice', 'OBCA/1', '2026-11-01', $2, 0, 0) RETURNING id",
        &[company, subject],
    )
    .await;
    let task = insert_id(
        db,
        "INSERT INTO tasks (company_id, title, subject_id, starts_at, created_at, updated_at) \
         VALUES ($1, 'Obce zadanie', $2, 0, 0, 0) RETURNING id",
        &[company, subject],
    )
    .await;
    Foreign {
        company,
        subject,
        representative,
        template,
        document,
        task,
    }
}

/// The demo account's ids the tests aim at.
struct Ours {
    account: i64,
    company: i64,
    admin: i64,
    subject: i64,
    template: i64,
}

async fn ours(db: &Db) -> Ours {
    let one = |sql: &'static str| insert_id(db, sql, &[]);
    Ours {
        account: one("SELECT account_id FROM operators WHERE login = 'admin'").await,
        company: one("SELECT company_id FROM subjects WHERE code = 'ALFA'").await,
        admin: one("SELECT id FROM operators WHERE login = 'admin'").await,
        subject: one("SELECT id FROM subjects WHERE code = 'ALFA'").await,
        template: one("SELECT MIN(id) FROM templates").await,
    }
}

/// Every administrator function, aimed at `ours` (a new record where it makes one).
fn administration(ours: &Ours, company_for_new_operator: i64) -> Vec<(&'static str, String)> {
    let company = "company[name]=Przejeta&company[stamp_name]=Przejeta&\
                   company[stamp_address]=ul.%20Obca%201&company[stamp_nip]=5270001236";
    let operator = |id: String, companies: i64| {
        format!(
            "{id}operator[login]=przejety&operator[name]=Przejety&operator[email]=&\
             operator[role]=administrator&operator[active]=true&\
             operator[company_ids][0]={companies}&operator[password]=dlugie-haslo-1"
        )
    };
    let template = "template[name]=Przejety&template[body]=Tekst&\
                    template[procedures][0][procedure]=sms_form&template[procedures][0][is_default]=false";
    vec![
        ("admin_operators", String::new()),
        ("admin_companies", String::new()),
        (
            "admin_save_company",
            format!("id={}&{company}", ours.company),
        ),
        (
            "admin_save_operator",
            operator(format!("id={}&", ours.admin), ours.company),
        ),
        (
            "admin_save_operator",
            operator(String::new(), company_for_new_operator),
        ),
        (
            "admin_revoke_sessions",
            format!("operator_id={}", ours.admin),
        ),
        ("save_template", format!("id={}&{template}", ours.template)),
        ("remove_template", format!("id={}", ours.template)),
        (
            "change_attachment",
            format!("id={}&procedure=sms_form&change=MakeDefault", ours.template),
        ),
    ]
}

async fn expect(
    server: &TestServer,
    cookie: &str,
    calls: &[(&str, String)],
    status: StatusCode,
    body: &str,
) {
    for (function, form) in calls {
        let reply = server.call(function, form, Some(cookie)).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (status, body),
            "{function} {form}"
        );
    }
}

/// The demo administrator still has everything the refused calls aimed at.
async fn nothing_changed(server: &TestServer, db: &Db, ours: &Ours) {
    let owner = server.log_in().await;
    let reply = server
        .call(
            "get_template",
            &format!("id={}", ours.template),
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (companies, operators, stolen): (i64, i64, i64) = (
        insert_id(
            db,
            "SELECT COUNT(*) FROM companies WHERE name = 'Przejeta'",
            &[],
        )
        .await,
        insert_id(
            db,
            "SELECT COUNT(*) FROM operators WHERE login = 'przejety'",
            &[],
        )
        .await,
        insert_id(
            db,
            "SELECT COUNT(*) FROM templates WHERE name = 'Przejety'",
            &[],
        )
        .await,
    );
    assert_eq!((companies, operators, stolen), (0, 0, 0));
    let sessions = insert_id(
        db,
        "SELECT COUNT(*) FROM sessions WHERE operator_id = $1",
        &[ours.admin],
    )
    .await;
    assert!(sessions > 0, "the administrator's sessions were revoked");
}

#[tokio::test]
async fn an_operator_cannot_use_administrator_functions_of_their_own_account() {
    on_both(|db| async move {
        seeded(&db).await;
        let ours = ours(&db).await;
        operator(&db, ours.account, "ewa", "operator", &[ours.company]).await;
        let server = start(db.clone());
        let ewa = server.log_in_as("ewa", OTHER_PASSWORD).await;
        let mut calls = administration(&ours, ours.company);
        calls.push(("admin_gateways", String::new()));
        expect(
            &server,
            &ewa,
            &calls,
            StatusCode::FORBIDDEN,
            "\"Forbidden\"",
        )
        .await;
        nothing_changed(&server, &db, &ours).await;
        // An administrator sees the gateway's state.
        let owner = server.log_in().await;
        let reply = server.call("admin_gateways", "", Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.body.contains(r#""ready":true"#), "{}", reply.body);
    })
    .await;
}

#[tokio::test]
async fn another_accounts_administrator_finds_none_of_this_accounts_records() {
    on_both(|db| async move {
        seeded(&db).await;
        let ours = ours(&db).await;
        foreign(&db).await;
        let server = start(db.clone());
        let obcy = server.log_in_as("obcy", OTHER_PASSWORD).await;
        // Their own list functions answer, without anything of ours.
        let calls = administration(&ours, ours.company);
        for (function, form) in &calls[..2] {
            let reply = server.call(function, form, Some(&obcy)).await;
            assert_eq!(reply.status, StatusCode::OK, "{function}");
            assert!(
                !reply.body.contains("Hurtownia Mazur") && !reply.body.contains("\"admin\""),
                "{}",
                reply.body
            );
        }
        expect(
            &server,
            &obcy,
            &calls[2..],
            StatusCode::NOT_FOUND,
            "\"NotFound\"",
        )
        .await;
        expect(
            &server,
            &obcy,
            &[
                ("get_template", format!("id={}", ours.template)),
                ("switch_company", format!("company_id={}", ours.company)),
            ],
            StatusCode::NOT_FOUND,
            "\"NotFound\"",
        )
        .await;
        nothing_changed(&server, &db, &ours).await;
    })
    .await;
}

#[tokio::test]
async fn ids_of_another_accounts_records_open_nothing_wherever_a_function_takes_them() {
    on_both(|db| async move {
        seeded(&db).await;
        let ours = ours(&db).await;
        let theirs = foreign(&db).await;
        let server = start(db.clone());
        let owner = server.log_in().await;
        let send = |links: String| format!("phone=600100200&body=Hej&intent=Send&{links}");
        let calls = [
            (
                "submit_message",
                send(format!("subject_id={}", theirs.subject)),
            ),
            (
                "submit_message",
                send(format!(
                    "subject_id={}&representative_id={}",
                    ours.subject, theirs.representative
                )),
            ),
            (
                "submit_message",
                send(format!("template_id={}", theirs.template)),
            ),
            (
                "submit_message",
                send(format!("document_id={}", theirs.document)),
            ),
            ("submit_message", send(format!("task_id={}", theirs.task))),
            ("macro_values", format!("subject_id={}", theirs.subject)),
            (
                "macro_values",
                format!(
                    "subject_id={}&representative_id={}",
                    ours.subject, theirs.representative
                ),
            ),
            ("macro_values", format!("task_id={}", theirs.task)),
            ("load_topic", format!("about[task_id]={}", theirs.task)),
            (
                "load_topic",
                format!("about[document_id]={}", theirs.document),
            ),
            ("get_subject", format!("id={}", theirs.subject)),
            ("get_template", format!("id={}", theirs.template)),
            ("get_document", format!("id={}", theirs.document)),
            ("get_task", format!("id={}", theirs.task)),
            ("remove_subject", format!("id={}", theirs.subject)),
            ("remove_template", format!("id={}", theirs.template)),
            ("switch_company", format!("company_id={}", theirs.company)),
        ];
        expect(
            &server,
            &owner,
            &calls,
            StatusCode::NOT_FOUND,
            "\"NotFound\"",
        )
        .await;

        // An import naming their subject's code, updating stored codes, makes one of ours.
        use base64::Engine;
        let csv = "Kod;Nazwa;Telefon komórkowy\nOBCY;Przejęty;600 111 222\n";
        let import = serde_json::json!({
            "file": {
                "name": "kontrahenci.csv",
                "content": base64::engine::general_purpose::STANDARD.encode(csv),
            },
            "options": { "kind": "contractor", "mapping": null, "update_existing": true },
            "skip_bad_rows": false,
        });
        let reply = server
            .request(
                axum::http::Request::post("/api/import_commit")
                    .header(axum::http::header::CONTENT_TYPE, "application/json")
                    .header(axum::http::header::COOKIE, &owner)
                    .body(axum::body::Body::from(import.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let outcome: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(
            (outcome["created"].as_i64(), outcome["updated"].as_i64()),
            (Some(1), Some(0))
        );
        let names = |company: i64| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, String>(
                    "SELECT name FROM subjects WHERE code = 'OBCY' AND company_id = $1",
                )
                .bind(company)
                .fetch_all(&db.pool)
                .await
                .unwrap()
            }
        };
        assert_eq!(names(theirs.company).await, ["Obcy Kontrahent"]);
        assert_eq!(names(ours.company).await, ["Przejęty"]);

        let messages = insert_id(&db, "SELECT COUNT(*) FROM messages", &[]).await;
        assert_eq!(messages, 0, "nothing was queued");
    })
    .await;
}

/// An operator may use only the companies in their list: switching to another of the account's
/// is refused, and a session left in a company they lost (a switch racing the administrator's
/// change) opens nothing there.
#[tokio::test]
async fn an_operator_reaches_only_the_companies_in_their_list() {
    on_both(|db| async move {
        seeded(&db).await;
        let ours = ours(&db).await;
        let second = insert_id(
            &db,
            "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
             VALUES ($1, 'Mazur Serwis', 'Mazur Serwis', '', '', 0) RETURNING id",
            &[ours.account],
        )
        .await;
        let ewa = operator(&db, ours.account, "ewa", "operator", &[ours.company]).await;
        let server = start(db.clone());
        let cookie = server.log_in_as("ewa", OTHER_PASSWORD).await;
        let reply = server
            .call("switch_company", &format!("company_id={second}"), Some(&cookie))
            .await;
        assert_eq!((reply.status, reply.body.as_str()), (StatusCode::NOT_FOUND, "\"NotFound\""));
        assert_eq!(server.messages(&cookie).await.len(), 0);

        sqlx::query("UPDATE sessions SET company_id = $1 WHERE operator_id = $2")
            .bind(second)
            .bind(ewa)
            .execute(&db.pool)
            .await
            .unwrap();
        let reply = server.call("list_messages", "", Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    })
    .await;
}

/// A draft saved by one operator and sent by another of the same company goes in the name of
/// the one who sends it.
#[tokio::test]
async fn a_draft_is_sent_in_the_name_of_the_operator_who_sends_it() {
    on_both(|db| async move {
        seeded(&db).await;
        let ours = ours(&db).await;
        let ewa = operator(&db, ours.account, "ewa", "operator", &[ours.company]).await;
        let server = start(db.clone());
        let owner = server.log_in().await;
        let reply = server
            .call(
                "submit_message",
                "phone=600100200&body=Szkic&intent=Draft",
                Some(&owner),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let draft: i64 = reply.body.parse().unwrap();
        let cookie = server.log_in_as("ewa", OTHER_PASSWORD).await;
        let reply = server
            .call(
                "submit_message",
                &format!("draft_id={draft}&phone=600100200&body=Szkic&intent=Send"),
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let sender = insert_id(
            &db,
            "SELECT operator_id FROM messages WHERE id = $1",
            &[draft],
        )
        .await;
        assert_eq!(sender, ewa);
    })
    .await;
}

/// Another account cannot list, read, change, remove or send to the demo company's subjects,
/// messages, documents and tasks (nor fill macros from them) through server functions or pages.
#[tokio::test]
async fn another_accounts_operator_cannot_reach_this_companys_data() {
    on_both(|db| async move {
        seeded(&db).await;
        foreign(&db).await;
        let alfa: i64 = sqlx::query_scalar("SELECT id FROM subjects WHERE code = 'ALFA'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let company: i64 = sqlx::query_scalar("SELECT company_id FROM subjects WHERE id = $1")
            .bind(alfa)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        server::demo::seed_documents_and_tasks(&db, company)
            .await
            .unwrap();
        let id_of = |sql: &'static str| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap()
            }
        };
        let invoice = id_of("SELECT id FROM documents WHERE number = 'FS/88/2026'").await;
        let task = id_of("SELECT MIN(t.id) FROM tasks t JOIN subjects s ON s.company_id = t.company_id WHERE s.code = 'ALFA'").await;
        let server = start(db);
        let owner = server.log_in().await;
        let reply = server
            .call(
                "submit_message",
                &format!("phone=600100200&body=Robocza&intent=Draft&subject_id={alfa}"),
                Some(&owner),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let draft: i64 = reply.body.parse().unwrap();

        let other = server.log_in_as("obcy", OTHER_PASSWORD).await;
        let not_found = [
            ("get_subject", format!("id={alfa}")),
            ("remove_subject", format!("id={alfa}")),
            (
                "save_subject",
                format!(
                    "id={alfa}&subject[kind]=contractor&subject[code]=X&subject[name]=Przejety"
                ),
            ),
            ("load_draft", format!("id={draft}")),
            (
                "submit_message",
                format!("phone=600100200&body=Hej&intent=Send&subject_id={alfa}"),
            ),
            (
                "submit_message",
                format!("draft_id={draft}&phone=600100200&body=Hej&intent=Send"),
            ),
            ("get_document", format!("id={invoice}")),
            ("get_task", format!("id={task}")),
            ("load_topic", format!("about[document_id]={invoice}")),
            ("load_topic", format!("about[task_id]={task}")),
            ("macro_values", format!("subject_id={alfa}")),
            ("macro_values", format!("document_id={invoice}")),
            ("macro_values", format!("task_id={task}")),
            (
                "submit_message",
                format!("phone=600100200&body=Hej&intent=Draft&document_id={invoice}"),
            ),
        ];
        for (function, form) in &not_found {
            let reply = server.call(function, form, Some(&other)).await;
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (StatusCode::NOT_FOUND, "\"NotFound\""),
                "{function} {form}"
            );
        }
        let reply = server
            .call("search_subjects", "query[q]=alfa", Some(&other))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body, r#"{"rows":[],"has_more":false}"#);
        // Their own document and task only.
        for (function, own) in [("search_documents", "OBCA/1"), ("search_tasks", "Obce zadanie")] {
            let reply = server.call(function, "query[q]=", Some(&other)).await;
            assert_eq!(reply.status, StatusCode::OK, "{function} {}", reply.body);
            let rows: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            assert_eq!(rows["rows"].as_array().unwrap().len(), 1, "{function} {}", reply.body);
            assert!(reply.body.contains(own), "{function} {}", reply.body);
        }
        assert!(server.messages(&other).await.is_empty());
        let page = server
            .get(&format!("/address-book/{alfa}"), Some(&other))
            .await;
        assert!(!page.body.contains("Alfa Budownictwo"), "{}", page.body);
        let page = (server.get(&format!("/documents/{invoice}"), Some(&other))).await;
        assert!(!page.body.contains("FS/88/2026"), "{}", page.body);
        let page = (server.get(&format!("/?document={invoice}"), Some(&other))).await;
        assert!(!page.body.contains("Łódź Trans"), "{}", page.body);

        // The owner still has everything.
        let reply = server
            .call("get_subject", &format!("id={alfa}"), Some(&owner))
            .await;
        assert!(reply.body.contains("Alfa Budownictwo"), "{}", reply.body);
        let reply = (server.call("get_document", &format!("id={invoice}"), Some(&owner))).await;
        assert!(reply.body.contains("FS/88/2026"), "{}", reply.body);
        let reply = server
            .call("search_documents", "query[q]=lodz", Some(&owner))
            .await;
        assert!(reply.body.contains("FS/88/2026"), "{}", reply.body);
        assert_eq!(server.messages(&owner).await.len(), 1);
    })
    .await;
}
