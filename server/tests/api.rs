//! The HTTP API v1 as the host ERP sees it: the real router in process, token auth, upserts by
//! external id, batches, bad input, search; each test on SQLite and on PostgreSQL.

mod common;

use std::sync::Arc;

use app::api_tokens::ssr as tokens;
use app::ssr::{now_ms, Db};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{on_both, seeded};
use serde_json::{json, Value};
use tokio::sync::Notify;
use tower::ServiceExt;

/// The demo data's account and company (the first ones created).
const ACCOUNT: i64 = 1;
const COMPANY: i64 = 1;

struct Api {
    router: Router,
    token: String,
}

struct Reply {
    status: StatusCode,
    body: Value,
    www_authenticate: Option<String>,
}

impl Api {
    /// The demo data, a token of its account and the router.
    async fn start(db: &Db) -> Api {
        seeded(db).await;
        let (_, token) = tokens::create(db, ACCOUNT, "ERP", None).await.unwrap();
        Api {
            router: server::app(common::app_state(db.clone(), Arc::new(Notify::new()))),
            token,
        }
    }

    async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Body) -> Reply {
        self.send_with(method, path, token, &[], body).await
    }

    async fn send_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let www_authenticate = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            panic!(
                "{path} answered {status} with a body that is not JSON: {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert!(
            !status.is_server_error(),
            "{path} answered {status}: {body}"
        );
        Reply {
            status,
            body,
            www_authenticate,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, Some(&self.token), Body::empty())
            .await
    }

    async fn put(&self, path: &str, body: Value) -> Reply {
        self.put_raw(path, body.to_string()).await
    }

    async fn put_raw(&self, path: &str, body: impl Into<Body>) -> Reply {
        self.send(Method::PUT, path, Some(&self.token), body.into())
            .await
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::POST,
            path,
            Some(&self.token),
            body.to_string().into(),
        )
        .await
    }

    /// A POST with an `Idempotency-Key`.
    async fn post_once(&self, path: &str, key: &str, body: Value) -> Reply {
        let headers = [("idempotency-key", key)];
        let token = Some(self.token.as_str());
        let body = body.to_string().into();
        self.send_with(Method::POST, path, token, &headers, body)
            .await
    }
}

fn url(rest: &str) -> String {
    format!("/api/v1/companies/{COMPANY}/{rest}")
}

/// The (field, code) pairs of an error answer.
type Problems = Vec<(String, String)>;

fn problems(reply: &Reply) -> Problems {
    reply.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("an error list: {}", reply.body))
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn problem(field: &str, code: &str) -> Problems {
    vec![(field.to_string(), code.to_string())]
}

/// A second account with one company, as another customer of the same installation.
async fn other_account(db: &Db) -> (i64, i64) {
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, created_at) VALUES ('Other', $1) RETURNING id",
    )
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let company: i64 = sqlx::query_scalar(
        "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
         VALUES ($1, 'Other Co', 'Other Co', '', '', $2) RETURNING id",
    )
    .bind(account)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (account, company)
}

/// Gives a demo subject the external id the ERP knows it by.
async fn link_subject(db: &Db, code: &str, external_id: &str) {
    sqlx::query("UPDATE subjects SET external_id = $1 WHERE company_id = $2 AND code = $3")
        .bind(external_id)
        .bind(COMPANY)
        .bind(code)
        .execute(&db.pool)
        .await
        .unwrap();
}

fn invoice(number: &str) -> Value {
    json!({
        "kind": "sales_invoice",
        "number": number,
        "issue_date": "2026-11-02",
        "due_date": "2026-11-16",
        "gross_amount": 12345, // minor units: 123.45 PLN
        "left_to_pay": 10000,
        "attributes": { "order": "ZAM/7", "lines": 3 }
    })
}

#[tokio::test]
async fn only_a_valid_token_of_the_companys_account_gets_in() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let list = url("documents");
        let reply = api.send(Method::GET, &list, None, Body::empty()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.www_authenticate.as_deref(), Some("Bearer"));
        assert_eq!(problems(&reply), problem("", "unauthorized"));
        for token in ["esk_0000", "", &api.token[..api.token.len() - 1]] {
            let reply = api
                .send(Method::GET, &list, Some(token), Body::empty())
                .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        }
        assert_eq!(api.get(&list).await.status, StatusCode::OK);

        // Another account's company is indistinguishable from one that does not exist.
        let (other_account, other_company) = other_account(&db).await;
        for company in [other_company.to_string(), "999".into(), "x".into()] {
            let reply = api
                .get(&format!("/api/v1/companies/{company}/documents"))
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{company}");
            assert_eq!(problems(&reply), problem("", "not_found"));
        }
        let (_, other_token) = tokens::create(&db, other_account, "Other ERP", None)
            .await
            .unwrap();
        let reply = api
            .send(
                Method::PUT,
                &url("documents/FV-1"),
                Some(&other_token),
                invoice("FV/1").to_string().into(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(
            api.get(&url("documents/FV-1")).await.status,
            StatusCode::NOT_FOUND,
            "nothing written"
        );

        // A browser session is no API credential, and a token opens no server function.
        let reply = api
            .send(
                Method::POST,
                "/api/list_messages",
                Some(&api.token),
                "".into(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

        let listed = tokens::list(&db, ACCOUNT).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(api.token.starts_with(&listed[0].prefix) && listed[0].prefix.len() == 12);
        assert!(listed[0].last_used_at.is_some());
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = $1")
            .bind(listed[0].id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(!stored.contains(&api.token[4..]), "only a hash is stored");

        assert_eq!(
            tokens::revoke(&db, other_account, listed[0].id).await,
            Err(app::error::AppError::NotFound),
            "another account cannot revoke it"
        );
        tokens::revoke(&db, ACCOUNT, listed[0].id).await.unwrap();
        assert_eq!(api.get(&list).await.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn upserting_a_document_twice_changes_nothing_the_second_time() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        link_subject(&db, "ALFA", "K-ALFA").await;
        let mut body = invoice("FV/1/11/2026");
        body["subject_external_id"] = "K-ALFA".into();
        let path = url("documents/ERP%2FFV-1");

        let first = api.put(&path, body.clone()).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        assert_eq!(first.body["result"], "created");
        let document = &first.body["document"];
        assert_eq!(document["external_id"], "ERP/FV-1");
        assert_eq!(document["subject_external_id"], "K-ALFA");
        assert_eq!(document["gross_amount"], 12345);
        assert_eq!(document["currency"], "PLN");
        assert_eq!(
            document["attributes"],
            json!({ "order": "ZAM/7", "lines": 3 })
        );

        let second = api.put(&path, body.clone()).await;
        assert_eq!(second.status, StatusCode::OK);
        assert_eq!(second.body["result"], "unchanged");
        assert_eq!(
            second.body["document"], first.body["document"],
            "updated_at kept too"
        );

        body["left_to_pay"] = 0.into();
        let third = api.put(&path, body).await;
        assert_eq!(third.body["result"], "updated");
        assert_eq!(third.body["document"]["left_to_pay"], 0);
        assert_eq!(api.get(&path).await.body, third.body["document"]);
        assert_eq!(
            api.get(&url("documents/nope")).await.status,
            StatusCode::NOT_FOUND
        );

        let mut body = invoice("FV/2");
        body["subject_external_id"] = "K-NOBODY".into();
        let reply = api.put(&url("documents/FV-2"), body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&reply),
            problem("subject_external_id", "unknown_subject")
        );
    })
    .await;
}

/// A subject or operator of another account is as unknown to a document or task as a missing
/// one, though the ERP names it exactly.
#[tokio::test]
async fn references_to_another_accounts_subject_or_operator_are_unknown() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let (account, company) = other_account(&db).await;
        sqlx::query(
            "INSERT INTO subjects (company_id, kind, code, name, external_id, created_at) \
             VALUES ($1, 'contractor', 'OBCY', 'Obcy', 'K-OBCY', 0)",
        )
        .bind(company)
        .execute(&db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO operators (account_id, login, name, role, password_hash, created_at) \
             VALUES ($1, 'obcy', 'Obcy', 'operator', 'x', 0)",
        )
        .bind(account)
        .execute(&db.pool)
        .await
        .unwrap();

        let mut document = invoice("FV/3");
        document["subject_external_id"] = "K-OBCY".into();
        let reply = api.put(&url("documents/FV-3"), document).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&reply),
            problem("subject_external_id", "unknown_subject")
        );
        let task = |field: &str, value: &str| {
            let mut task = json!({ "title": "Obce", "starts_at": "2026-11-23T10:00:00+01:00" });
            task[field] = value.into();
            task
        };
        let reply = api
            .put(&url("tasks/T-9"), task("subject_external_id", "K-OBCY"))
            .await;
        assert_eq!(
            problems(&reply),
            problem("subject_external_id", "unknown_subject")
        );
        let reply = api
            .put(&url("tasks/T-9"), task("operator_login", "obcy"))
            .await;
        assert_eq!(
            problems(&reply),
            problem("operator_login", "unknown_operator")
        );
        assert_eq!(
            api.get(&url("tasks/T-9")).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn tasks_upsert_with_their_subject_and_operator() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        link_subject(&db, "ALFA", "K-ALFA").await;
        let task = json!({
            "title": "Zadzwonić w sprawie zaległości",
            "subject_external_id": "K-ALFA",
            "operator_login": "admin",
            "starts_at": "2026-11-23T10:00:00+01:00",
            "ends_at": "2026-11-23T10:30:00+01:00"
        });
        let reply = api.put(&url("tasks/T-1"), task.clone()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let stored = &reply.body["task"];
        assert_eq!(stored["starts_at"], "2026-11-23T09:00:00Z");
        assert_eq!(
            (stored["operator_login"].as_str(), stored["done"].as_bool()),
            (Some("admin"), Some(false))
        );
        assert_eq!(
            api.put(&url("tasks/T-1"), task.clone()).await.body["result"],
            "unchanged"
        );
        // The same instant written in another offset is the same task.
        let mut same = task.clone();
        same["starts_at"] = "2026-11-23T09:00:00Z".into();
        assert_eq!(
            api.put(&url("tasks/T-1"), same).await.body["result"],
            "unchanged"
        );

        let mut done = task.clone();
        done["done"] = true.into();
        assert_eq!(
            api.put(&url("tasks/T-1"), done).await.body["task"]["done"],
            true
        );

        let mut wrong = task;
        wrong["operator_login"] = "ghost".into();
        wrong["ends_at"] = "2026-11-23T08:00:00+01:00".into();
        let reply = api.put(&url("tasks/T-2"), wrong.clone()).await;
        assert_eq!(problems(&reply), problem("ends_at", "ends_before_start"));
        wrong["ends_at"] = Value::Null;
        let reply = api.put(&url("tasks/T-2"), wrong).await;
        assert_eq!(
            problems(&reply),
            problem("operator_login", "unknown_operator")
        );
    })
    .await;
}

fn batch_of(count: usize, number: &str) -> Value {
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let mut item = invoice(&format!("{number}/{i}"));
            item["external_id"] = format!("D-{i}").into();
            item
        })
        .collect();
    json!({ "items": items })
}

#[tokio::test]
async fn a_batch_is_written_whole_or_not_at_all() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let batch = url("documents:batch");
        let reply = api.post(&batch, batch_of(3, "FV")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(
            (
                reply.body["created"].as_i64(),
                reply.body["unchanged"].as_i64()
            ),
            (Some(3), Some(0))
        );
        assert_eq!(
            reply.body["results"][2],
            json!({ "external_id": "D-2", "result": "created" })
        );

        let mut changed = batch_of(4, "FV");
        changed["items"][1]["left_to_pay"] = 0.into();
        let reply = api.post(&batch, changed).await;
        let results: Vec<_> = reply.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["result"].as_str().unwrap())
            .collect();
        assert_eq!(results, ["unchanged", "updated", "unchanged", "created"]);

        // One bad item refuses the batch; every problem is named by item and field.
        let mut bad = batch_of(5, "NEW");
        bad["items"][1]["issue_date"] = "yesterday".into();
        bad["items"][3]["kind"] = "receipt".into();
        bad["items"][4]
            .as_object_mut()
            .unwrap()
            .remove("external_id");
        let reply = api.post(&batch, bad).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problems(&reply),
            [
                (
                    "items[1].issue_date".to_string(),
                    "invalid_date".to_string()
                ),
                ("items[3].kind".into(), "invalid_type".into()),
                ("items[4].external_id".into(), "required".into()),
            ]
        );
        let mut late = batch_of(2, "NEW");
        late["items"][1]["subject_external_id"] = "K-NOBODY".into();
        let reply = api.post(&batch, late).await;
        assert_eq!(
            problems(&reply),
            problem("items[1].subject_external_id", "unknown_subject")
        );
        assert_eq!(
            api.get(&url("documents/D-0")).await.body["number"],
            "FV/0",
            "rolled back"
        );

        let mut twice = batch_of(2, "FV");
        twice["items"][1]["external_id"] = "D-0".into();
        let reply = api.post(&batch, twice).await;
        assert_eq!(
            problems(&reply),
            problem("items[1].external_id", "duplicate_in_batch")
        );

        let reply = api.post(&batch, batch_of(1001, "FV")).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&reply), problem("items", "too_many_items"));
        assert_eq!(
            api.get(&url("documents?limit=500")).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            4
        );

        let reply = api.post(&batch, json!({ "items": [] })).await;
        assert_eq!(reply.body["results"], json!([]));
        let reply = api
            .post(
                &url("tasks:batch"),
                json!({ "items": [
                    { "external_id": "T-1", "title": "Wizyta", "starts_at": "2026-11-23T10:00:00Z" }
                ]}),
            )
            .await;
        assert_eq!(reply.body["created"], 1, "{}", reply.body);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field_never_a_500() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let path = url("documents/D-1");
        let mut cases: Vec<(&str, Body, StatusCode, Problems)> = vec![
            (
                "not JSON",
                "{\"kind\": ".into(),
                StatusCode::BAD_REQUEST,
                problem("", "malformed_json"),
            ),
            (
                "empty body",
                "".into(),
                StatusCode::BAD_REQUEST,
                problem("", "malformed_json"),
            ),
            (
                "binary",
                vec![0xff, 0xfe, 0x00, 0x81].into(),
                StatusCode::BAD_REQUEST,
                problem("", "malformed_json"),
            ),
            (
                "an array",
                "[1,2]".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                problem("", "invalid_type"),
            ),
            (
                "null",
                "null".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                problem("", "invalid_type"),
            ),
        ];
        let mut wrong_type = invoice("FV/1");
        wrong_type["gross_amount"] = "12.50".into();
        let mut too_big = invoice("FV/1");
        too_big["gross_amount"] = json!(1e30);
        let mut unknown_kind = invoice("FV/1");
        unknown_kind["kind"] = "receipt".into();
        let mut unknown_field = invoice("FV/1");
        unknown_field["nubmer"] = "x".into();
        let mut missing = invoice("FV/1");
        missing.as_object_mut().unwrap().remove("number");
        let mut huge = invoice(&"9".repeat(100_000));
        huge["currency"] = "Złoty".into();
        let mut attributes = invoice("FV/1");
        attributes["attributes"] = json!({ "blob": "x".repeat(20_000) });
        let mut not_object = invoice("FV/1");
        not_object["attributes"] = json!([1]);
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        for (name, body, expected) in [
            (
                "a string for a number",
                wrong_type,
                problem("gross_amount", "invalid_type"),
            ),
            (
                "a number beyond i64",
                too_big,
                problem("gross_amount", "invalid_type"),
            ),
            (
                "an unknown kind",
                unknown_kind,
                problem("kind", "invalid_type"),
            ),
            (
                "a misspelt field",
                unknown_field,
                problem("nubmer", "unknown_field"),
            ),
            ("a missing field", missing, problem("number", "required")),
            (
                "a huge string and a bad currency",
                huge,
                vec![
                    ("number".into(), "too_long".into()),
                    ("currency".into(), "invalid_currency".into()),
                ],
            ),
            (
                "huge attributes",
                attributes,
                problem("attributes", "too_long"),
            ),
            (
                "attributes not an object",
                not_object,
                problem("attributes", "invalid_type"),
            ),
        ] {
            cases.push((name, body.to_string().into(), unprocessable, expected));
        }
        for (name, body, status, expected) in cases {
            let reply = api.put_raw(&path, body).await;
            assert_eq!(
                (reply.status, problems(&reply)),
                (status, expected),
                "{name}"
            );
        }

        let reply = api.put_raw(&path, vec![b' '; 17 * 1024 * 1024]).await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                problem("", "payload_too_large")
            )
        );
        let reply = api
            .put(
                &url(&format!("documents/{}", "x".repeat(101))),
                invoice("FV/1"),
            )
            .await;
        assert_eq!(problems(&reply), problem("external_id", "too_long"));
        let reply = api.put(&url("documents/%20a"), invoice("FV/1")).await;
        assert_eq!(
            problems(&reply),
            problem("external_id", "surrounding_whitespace")
        );
        let reply = api.put(&url("documents/a%0Ab"), invoice("FV/1")).await;
        assert_eq!(
            problems(&reply),
            problem("external_id", "control_characters")
        );
        let reply = api.put(&url("documents/%FF"), invoice("FV/1")).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "a path that is not UTF-8"
        );
        let reply = api
            .post(
                &url("documents:batch"),
                json!({ "items": [7, { "external_id": 7 }], "extra": 1 }),
            )
            .await;
        assert_eq!(problems(&reply), problem("extra", "unknown_field"));
        let reply = api
            .post(
                &url("documents:batch"),
                json!({ "items": [7, { "external_id": 7 }] }),
            )
            .await;
        assert_eq!(
            problems(&reply),
            [
                ("items[0]".to_string(), "invalid_type".to_string()),
                ("items[1].external_id".into(), "invalid_type".into())
            ]
        );

        for (query, expected) in [
            ("limit=abc", problem("limit", "out_of_range")),
            (
                "limit=0&offset=-1",
                vec![
                    ("limit".into(), "out_of_range".into()),
                    ("offset".into(), "out_of_range".into()),
                ],
            ),
            ("limit=100000", problem("limit", "out_of_range")),
            (
                "offset=99999999999999999999",
                problem("offset", "out_of_range"),
            ),
        ] {
            let reply = api.get(&url(&format!("documents?{query}"))).await;
            assert_eq!(
                (reply.status, problems(&reply)),
                (unprocessable, expected),
                "{query}"
            );
        }
        let reply = api.get(&url("documents?limit=1&limit=2")).await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (StatusCode::BAD_REQUEST, problem("", "malformed_query"))
        );
        let reply = api
            .get(&url(&format!("documents?q={}", "%25_%5C%27%22".repeat(20))))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "wildcards and quotes are plain text"
        );

        let reply = api.get("/api/v1/companies/1/invoices").await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (StatusCode::NOT_FOUND, problem("", "not_found"))
        );
        let reply = api
            .send(Method::DELETE, &path, Some(&api.token), Body::empty())
            .await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (
                StatusCode::METHOD_NOT_ALLOWED,
                problem("", "method_not_allowed")
            )
        );
        assert_eq!(
            api.get(&url("documents")).await.body["items"],
            json!([]),
            "nothing was stored"
        );
    })
    .await;
}

#[tokio::test]
async fn lists_search_and_page() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let mut items = vec![];
        for (i, number) in [
            "FV/1/2026",
            "FV/2/2026",
            "ZAM/1/2026",
            "fv/3/2026",
            "FV_4",
            "KOR/1",
        ]
        .iter()
        .enumerate()
        {
            let mut item = invoice(number);
            item["external_id"] = format!("D-{i}").into();
            item["issue_date"] = format!("2026-11-0{}", i + 1).into();
            items.push(item);
        }
        api.post(&url("documents:batch"), json!({ "items": items }))
            .await;
        let numbers = |reply: &Reply| -> Vec<String> {
            reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["number"].as_str().unwrap().to_string())
                .collect()
        };
        let reply = api.get(&url("documents?q=fv/")).await;
        assert_eq!(
            numbers(&reply),
            ["fv/3/2026", "FV/2/2026", "FV/1/2026"],
            "any case, newest first"
        );
        let reply = api.get(&url("documents?q=v_")).await;
        assert_eq!(numbers(&reply), ["FV_4"], "_ is no wildcard");
        let reply = api.get(&url("documents?q=d-5")).await;
        assert_eq!(numbers(&reply), ["KOR/1"], "external ids are searched too");

        let first = api.get(&url("documents?limit=4")).await;
        assert_eq!(numbers(&first).len(), 4);
        assert_eq!(first.body["next_offset"], 4);
        let last = api.get(&url("documents?limit=4&offset=4")).await;
        assert_eq!(numbers(&last), ["FV/2/2026", "FV/1/2026"]);
        assert_eq!(last.body["next_offset"], Value::Null);
    })
    .await;
}

/// Every route of the router is in the OpenAPI document with exactly the methods it answers,
/// and the document describes no route that does not exist.
#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let db = common::sqlite().await;
    let api = Api::start(&db).await;
    let reply = api
        .send(Method::GET, "/api/v1/openapi.json", None, Body::empty())
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "public, like any API description"
    );
    let document = reply.body;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let routes: Vec<&str> = server::api::routes()
        .iter()
        .map(|(path, _)| *path)
        .collect();
    let mut described: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut routed = routes.clone();
    described.sort();
    routed.sort();
    assert_eq!(described, routed);
    for path in routes {
        let concrete = path
            .replace("{company_id}", "1")
            .replace("{external_id}", "X-1");
        for method in [
            Method::GET,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::PATCH,
        ] {
            let reply = api
                .send(
                    method.clone(),
                    &format!("/api/v1{concrete}"),
                    Some(&api.token),
                    "{}".into(),
                )
                .await;
            let answered = reply.status != StatusCode::METHOD_NOT_ALLOWED;
            let operation = &paths[path][method.as_str().to_lowercase()];
            assert_eq!(
                answered,
                operation.is_object(),
                "{method} {path}: {}",
                reply.status
            );
            if answered {
                for status in operation["responses"].as_object().unwrap().keys() {
                    assert!(status.parse::<u16>().is_ok(), "{method} {path} {status}");
                }
            }
        }
    }
    // Every reference points at something defined.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!("/{}", &reference[..reference.find('"').unwrap()]);
        assert!(document.pointer(&pointer).is_some(), "{pointer}");
    }
}

fn contractor(code: &str) -> Value {
    json!({
        "kind": "contractor",
        "code": code,
        "name": "Łódź Budowa sp. z o.o.",
        "sms_phone": "600 100 200",
        "email": "biuro@lodzbudowa.example",
        "nip": "725-18-01-126",
        "notification_numbers": [{ "country_code": "48", "phone": "601 200 300" }],
        "attributes": { "segment": "hurt" },
        "representatives": [
            { "external_id": "R-1", "name": "Jan Kowalski", "role": "kierownik", "sms_phone": "+48 602 300 400" }
        ]
    })
}

#[tokio::test]
async fn subjects_upsert_with_representatives_and_notification_numbers() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let path = url("subjects/K-100");
        let first = api.put(&path, contractor("LODZ-BUD")).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        let subject = &first.body["subject"];
        assert_eq!(
            (
                subject["external_id"].as_str(),
                subject["sms_phone"].as_str(),
                subject["nip"].as_str()
            ),
            (Some("K-100"), Some("+48600100200"), Some("7251801126"))
        );
        assert_eq!(subject["notification_numbers"][0]["phone"], "+48601200300");
        assert_eq!(subject["representatives"][0]["sms_phone"], "+48602300400");

        let again = api.put(&path, contractor("LODZ-BUD")).await;
        assert_eq!(
            (again.status, again.body["result"].as_str()),
            (StatusCode::OK, Some("unchanged"))
        );
        let mut changed = contractor("LODZ-BUD");
        changed["representatives"][0]["role"] = "prezes".into();
        let reply = api.put(&path, changed).await;
        assert_eq!(reply.body["result"], "updated");
        assert_eq!(
            reply.body["subject"]["representatives"][0]["id"],
            first.body["subject"]["representatives"][0]["id"],
            "the ERP's representative is updated in place"
        );
        assert_eq!(api.get(&path).await.body, reply.body["subject"]);

        // Search ignores case and Polish diacritics; lists carry the ERP's ids.
        let found = api.get(&url("subjects?q=LODZ%20budowa")).await;
        let items = found.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", found.body);
        assert_eq!(items[0]["external_id"], "K-100");
        assert_eq!(items[0]["representatives"][0]["name"], "Jan Kowalski");

        // The same code under another external id clashes with the stored subject.
        let reply = api
            .put(&url("subjects/K-200"), contractor("LODZ-BUD"))
            .await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (StatusCode::CONFLICT, problem("code", "code_taken"))
        );
        let reply = api.post(&url("subjects:batch"), json!({ "items": [
            { "external_id": "K-300", "kind": "bank", "code": "B1", "name": "Bank" },
            { "external_id": "K-200", "kind": "contractor", "code": "LODZ-BUD", "name": "Dup" }
        ]})).await;
        assert_eq!(
            (reply.status, problems(&reply)),
            (StatusCode::CONFLICT, problem("items[1].code", "code_taken"))
        );
        assert_eq!(
            api.get(&url("subjects/K-300")).await.status,
            StatusCode::NOT_FOUND,
            "rolled back"
        );
    })
    .await;
}

#[tokio::test]
async fn bad_subjects_are_refused_field_by_field() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let path = url("subjects/K-1");
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let with = |field: &str, value: Value| {
            let mut body = contractor("C1");
            body[field] = value;
            body
        };
        let mut employee_with_representatives = contractor("C1");
        employee_with_representatives["kind"] = "employee".into();
        let mut bad_representative = contractor("C1");
        bad_representative["representatives"][0]["sms_phone"] = "12".into();
        bad_representative["representatives"][0]["name"] = " ".into();
        for (name, body, expected) in [
            ("an unknown kind", with("kind", "person".into()), problem("kind", "invalid_type")),
            ("a short phone", with("sms_phone", "12".into()), problem("sms_phone", "invalid_phone")),
            ("a landline", with("sms_phone", "+48 22 123 45 67".into()), problem("sms_phone", "invalid_phone")),
            ("a bad NIP", with("nip", "1234567890".into()), problem("nip", "invalid_nip")),
            ("a huge name", with("name", "x".repeat(100_000).into()), problem("name", "too_long")),
            ("a number for the code", with("code", 7.into()), problem("code", "invalid_type")),
            ("a misspelt field", with("nmae", "x".into()), problem("nmae", "unknown_field")),
            ("the id in the body", with("external_id", "K-2".into()), problem("external_id", "unknown_field")),
            (
                "representatives of an employee",
                employee_with_representatives,
                problem("representatives", "only_for_contractors"),
            ),
            (
                "a bad representative",
                bad_representative,
                vec![
                    ("representatives[0].name".into(), "required".into()),
                    ("representatives[0].sms_phone".into(), "invalid_phone".into()),
                ],
            ),
        ] {
            let reply = api.put(&path, body).await;
            assert_eq!((reply.status, problems(&reply)), (unprocessable, expected), "{name}");
        }
        let reply = api.post(&url("subjects:batch"), json!({ "items": [
            { "external_id": "K-1", "kind": "bank", "code": "B1", "name": "Bank" },
            { "external_id": "K-2", "kind": "bank", "code": "B2", "name": "Bank", "sms_phone": "abc" }
        ]})).await;
        assert_eq!((reply.status, problems(&reply)), (unprocessable, problem("items[1].sms_phone", "invalid_phone")));
        assert_eq!(api.get(&url("subjects/K-1")).await.status, StatusCode::NOT_FOUND, "nothing stored");
    })
    .await;
}

async fn messages_count(db: &Db) -> i64 {
    common::count(db, "SELECT COUNT(*) FROM messages").await
}

#[tokio::test]
async fn the_erp_sends_a_message_once_however_often_it_retries_and_follows_its_status() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        link_subject(&db, "ALFA", "K-ALFA").await;
        let body = json!({
            "subject_external_id": "K-ALFA",
            "body": "Dzień dobry {nazwa}, zamówienie gotowe.",
        });
        let first = api
            .post_once(&url("messages"), "order-77-ready", body.clone())
            .await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        let message = &first.body["message"];
        assert_eq!(message["status"], "pending");
        assert_eq!(message["phone"], "+48601200300");
        assert_eq!(
            message["body"],
            "Dzień dobry Alfa Budownictwo Sp. z o.o., zamówienie gotowe."
        );
        assert_eq!(message["subject_external_id"], "K-ALFA");
        assert_eq!(message["parts"].as_array().unwrap().len(), 1);
        let id = message["id"].as_i64().unwrap();
        let before = messages_count(&db).await;
        // A retry (the answer was lost): nothing new, the same message.
        let again = api
            .post_once(&url("messages"), "order-77-ready", body.clone())
            .await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.body["message"]["id"], id);
        assert_eq!(messages_count(&db).await, before);
        // The key with another request is refused.
        let other = json!({ "phone": "600100200", "body": "Inna" });
        let reused = api
            .post_once(&url("messages"), "order-77-ready", other)
            .await;
        assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&reused), problem("Idempotency-Key", "key_reused"));

        let got = api.get(&url(&format!("messages/{id}"))).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body["message"]["id"], id);
        // The feed of status changes: the queued message, then nothing new after it.
        let feed = api.get(&url("messages?since=0")).await;
        let ids: Vec<i64> = (feed.body["messages"].as_array().unwrap().iter())
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert!(ids.contains(&id));
        let next = feed.body["next_since"].as_i64().unwrap();
        let after = api.get(&url(&format!("messages?since={next}"))).await;
        assert_eq!(after.body["messages"], json!([]));
        assert_eq!(after.body["next_since"], next);
        // Another account's token does not see it.
        let (stranger, _) = other_account(&db).await;
        let (_, token) = tokens::create(&db, stranger, "Other ERP", None)
            .await
            .unwrap();
        let path = url(&format!("messages/{id}"));
        let hidden = api
            .send(Method::GET, &path, Some(&token), Body::empty())
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_batch_of_messages_is_queued_whole_or_not_at_all() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let upserted = api.put(&url("documents/FV-1"), invoice("FS/1/2026")).await;
        assert_eq!(upserted.status, StatusCode::CREATED);
        let template: i64 = sqlx::query_scalar(
            "INSERT INTO templates (company_id, name, body, created_at, updated_at) \
             VALUES ($1, 'Faktura', 'Faktura {numer_dokumentu}', 0, 0) RETURNING id",
        )
        .bind(COMPANY)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let good = json!({ "phone": "600100201", "template_name": "Faktura",
            "document_external_id": "FV-1" });
        let bad = [
            (json!({ "phone": "600100202" }), "items[1].body", "body_or_template"),
            (json!({ "body": "x" }), "items[1].phone", "required"),
            (json!({ "phone": "12", "body": "x" }), "items[1].phone", "invalid_phone"),
            (json!({ "phone": "600100202", "template_id": template + 99 }), "items[1].template", "unknown_record"),
            (json!({ "phone": "600100202", "body": "x", "task_external_id": "nope" }), "items[1].task_external_id", "unknown_record"),
            (json!({ "phone": "600100202", "body": "x\0" }), "items[1].body", "control_characters"),
            (json!({ "phone": "600100202", "body": "x", "send_at": "2020-01-01T10:00:00+01:00" }), "items[1].send_at", "in_the_past"),
        ];
        let before = messages_count(&db).await;
        for (item, field, code) in bad {
            let reply = api.post(&url("messages:batch"), json!({ "items": [good, item] })).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", reply.body);
            assert_eq!(problems(&reply), problem(field, code));
        }
        assert_eq!(messages_count(&db).await, before, "nothing queued from a refused batch");
        let items: Vec<Value> = (0..3).map(|_| good.clone()).collect();
        let reply = api.post(&url("messages:batch"), json!({ "items": items })).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let sent = reply.body["messages"].as_array().unwrap();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0]["body"], "Faktura FS/1/2026");
        assert_eq!(sent[0]["document_external_id"], "FV-1");
        let empty = api.post(&url("messages:batch"), json!({ "items": [] })).await;
        assert_eq!(problems(&empty), problem("items", "out_of_range"));
    })
    .await;
}

#[tokio::test]
async fn a_composer_link_opens_the_composer_about_the_document_for_a_logged_in_operator() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let upserted = api.put(&url("documents/FV-9"), invoice("FS/9/2026")).await;
        let document = upserted.body["document"]["id"].as_i64();
        let link = api
            .post(
                &url("composer-links"),
                json!({ "document_external_id": "FV-9" }),
            )
            .await;
        assert_eq!(link.status, StatusCode::CREATED, "{}", link.body);
        let path = link.body["path"].as_str().unwrap().to_string();
        assert!(path.starts_with("/c/"));
        let neither = api.post(&url("composer-links"), json!({})).await;
        assert_eq!(
            problems(&neither),
            problem("document_external_id", "document_or_task")
        );
        let unknown = api
            .post(
                &url("composer-links"),
                json!({ "task_external_id": "nope" }),
            )
            .await;
        assert_eq!(
            problems(&unknown),
            problem("task_external_id", "unknown_record")
        );

        let open = |cookie: Option<String>, path: String| {
            let router = api.router.clone();
            async move {
                let mut request = Request::builder().uri(&path);
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let response = router
                    .oneshot(request.body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .map(|v| v.to_str().unwrap().to_string());
                (response.status(), location)
            }
        };
        // Not logged in: the login page, which comes back to the link.
        let (status, location) = open(None, path.clone()).await;
        assert!(status.is_redirection());
        assert_eq!(
            location.unwrap(),
            format!("/login?next={}", path.replace('/', "%2F"))
        );
        let session = app::auth::ssr::log_in(&db, common::CLIENT, "admin", common::ADMIN_PASSWORD)
            .await
            .unwrap();
        let cookie = Some(format!("esemes_session={session}"));
        let (status, location) = open(cookie.clone(), path.clone()).await;
        assert!(status.is_redirection(), "{status}");
        let document: i64 = match document {
            Some(id) => id,
            None => sqlx::query_scalar("SELECT id FROM documents WHERE external_id = 'FV-9'")
                .fetch_one(&db.pool)
                .await
                .unwrap(),
        };
        assert_eq!(location.unwrap(), format!("/?document={document}"));
        // An expired or made-up link opens nothing.
        sqlx::query("UPDATE composer_links SET expires_at = 0")
            .execute(&db.pool)
            .await
            .unwrap();
        let (status, _) = open(cookie, path).await;
        assert_eq!(status, StatusCode::GONE);
    })
    .await;
}

#[tokio::test]
async fn the_erp_registers_correspondence_pushes_printouts_and_recurring_tasks() {
    on_both(|db| async move {
        let api = Api::start(&db).await;
        let client = json!({ "kind": "contractor", "code": "K-API", "name": "Klient API",
            "notification_numbers": [{ "country_code": "48", "phone": "600 100 200" }] });
        assert!(api
            .put(&url("subjects/erp-k1"), client)
            .await
            .status
            .is_success());
        let settings = app::correspondence::NotificationSettings {
            enabled: true,
            sender: None,
            text: "Nowa poczta dla [klient] od: [nadawca]".into(),
        };
        let admin = common::admin(&db).await;
        app::correspondence::ssr::save_settings(&db, &admin, &settings)
            .await
            .unwrap();

        let letters = json!({ "subject_external_id": "erp-k1", "items": [
            { "received_on": "2026-12-02", "sender": "ZUS" },
            { "received_on": "2026-12-02", "sender": "Sąd Rejonowy", "description": "nakaz" } ] });
        let reply = api.post(&url("correspondence"), letters).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.body["item_ids"].as_array().unwrap().len(), 2);
        assert_eq!(reply.body["notice"]["sent"], true);
        assert_eq!(
            reply.body["notice"]["text"],
            "Nowa poczta dla Klient API od: ZUS, Sad Rejonowy"
        );
        assert_eq!(
            reply.body["notice"]["message_ids"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let polish = json!({ "subject_external_id": "erp-k1", "text": "Łódź [klient]",
            "items": [{ "received_on": "2026-12-02", "sender": "ZUS" }] });
        let reply = api.post(&url("correspondence"), polish).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problems(&reply), problem("text", "polish_characters"));
        let unknown = json!({ "subject_external_id": "nobody",
            "items": [{ "received_on": "2026-13-02", "sender": "ZUS" }] });
        let reply = api.post(&url("correspondence"), unknown).await;
        assert_eq!(
            problems(&reply),
            problem("items[0].received_on", "invalid_date")
        );

        // A printout of a document, then of one that does not exist.
        assert!(api
            .put(&url("documents/FV-9"), invoice("FV/9"))
            .await
            .status
            .is_success());
        let pdf = b"%PDF-1.4 printout".to_vec();
        let reply = api
            .send_with(
                Method::PUT,
                &url("documents/FV-9/printout?name=FV-9.pdf"),
                Some(&api.token),
                &[("content-type", "application/pdf")],
                pdf.into(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let stored: (String, i64) = sqlx::query_as(
            "SELECT f.name, f.size FROM documents d JOIN files f ON f.id = d.printout_file_id \
             WHERE d.external_id = 'FV-9'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(stored, ("FV-9.pdf".to_string(), 17));
        let reply = api.put_raw(&url("documents/nope/printout"), "x").await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);

        // A weekly task, and its end before its start refused.
        let task = json!({ "title": "Wizyta", "starts_at": "2026-12-07T09:00:00+01:00",
            "recurrence": "weekly", "recurrence_until": "2027-01-31T00:00:00+01:00" });
        assert!(api.put(&url("tasks/T-W"), task).await.status.is_success());
        let reply = api.get(&url("tasks/T-W")).await;
        assert_eq!(reply.body["recurrence"], "weekly");
        assert_eq!(reply.body["recurrence_until"], "2027-01-30T23:00:00Z");
        let backwards = json!({ "title": "Wizyta", "starts_at": "2026-12-07T09:00:00+01:00",
            "recurrence": "daily", "recurrence_until": "2026-12-01T00:00:00+01:00" });
        let reply = api.put(&url("tasks/T-X"), backwards).await;
        assert_eq!(
            problems(&reply),
            problem("recurrence_until", "ends_before_start")
        );
    })
    .await;
}
