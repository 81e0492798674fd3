//! The server as a browser and the host ERP see it: the axum router in process, on SQLite and
//! PostgreSQL, with the simulator gateway and the dispatcher running.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::site::{location, start, start_with, Reply};
use common::{on_both, seeded, ADMIN_PASSWORD};

#[tokio::test]
async fn without_a_session_pages_redirect_and_functions_refuse() {
    on_both(|db| async move {
        seeded(&db).await;
        let server = start(db);
        for path in ["/", "/messages"] {
            let reply = server.get(path, None).await;
            assert_eq!(
                (reply.status, location(&reply)),
                (StatusCode::SEE_OTHER, "/login"),
                "{path}"
            );
        }
        let reply = server.call("list_messages", "", None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body, "\"Unauthorized\"");
        let reply = server
            .call(
                "submit_message",
                "phone=600100200&body=x&intent=Send",
                Some("esemes_session=forged"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

        let reply = server.get("/login", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.body.contains("Zaloguj się"), "{}", reply.body);
        let reply = server.get("/health", None).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (StatusCode::OK, r#"{"status":"ok"}"#)
        );
    })
    .await;
}

#[tokio::test]
async fn arguments_a_server_function_cannot_read_are_a_400() {
    on_both(|db| async move {
        seeded(&db).await;
        let server = start(db);
        let session = server.log_in().await;
        for (function, form) in [
            ("submit_message", "phone=600100200&body=x&intent=Shout"),
            ("submit_message", "body=x&intent=Send"),
            ("get_document", "id=first"),
            ("macro_values", "subject_id=1e99"),
        ] {
            let reply = server.call(function, form, Some(&session)).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{function} {form}: {}",
                reply.body
            );
        }
    })
    .await;
}

#[tokio::test]
async fn wrong_password_is_refused() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let reply = server
        .call("login", "login=admin&password=nope", None)
        .await;
    assert!(!reply.status.is_success());
    assert_eq!(reply.body, "\"WrongCredentials\"");
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
    let reply = server.call("login", "login=&password=nope", None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.body,
        r#"{"Invalid":{"field":"Login","problem":"Required"}}"#
    );
}

#[tokio::test]
async fn failed_logins_lock_out_their_address_only() {
    on_both(|db| async move {
        seeded(&db).await;
        let server = start(db);
        let stranger = "203.0.113.7:50000";
        for _ in 0..app::auth::ssr::MAX_FAILED_LOGINS {
            let reply = server
                .call_from(stranger, "login", "login=admin&password=guess")
                .await;
            assert_eq!(reply.body, "\"WrongCredentials\"");
        }
        let right = format!("login=admin&password={ADMIN_PASSWORD}");
        let reply = server.call_from(stranger, "login", &right).await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            reply.body
        );
        // The owner, elsewhere, is not locked out by the stranger's guesses.
        let reply = server
            .call_from("198.51.100.20:40000", "login", &right)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.headers.get(header::SET_COOKIE).is_some());
    })
    .await;
}

#[tokio::test]
async fn an_operator_sends_an_sms_and_sees_it_delivered() {
    on_both(|db| async move {
        seeded(&db).await;
        let server = start(db);
        let cookie = server.log_in().await;

        let page = server.get("/", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Nowa wiadomość SMS")
                && page.body.contains("Pozostało 160 znaków w tym SMS")
        );

        // The server checks again whatever the browser did.
        let reply = server
            .call(
                "submit_message",
                "phone=12&body=Hej&intent=Send",
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            reply.body,
            r#"{"Invalid":{"field":"Phone","problem":{"Phone":"TooShort"}}}"#
        );
        let too_long = "a".repeat(1531);
        let reply = server
            .call(
                "submit_message",
                &format!("phone=600100200&body={too_long}&intent=Send"),
                Some(&cookie),
            )
            .await;
        assert!(reply.body.contains("TooManyParts"), "{}", reply.body);
        assert!(
            server.messages(&cookie).await.is_empty(),
            "nothing stored for bad input"
        );

        let reply = server
            .call(
                "submit_message",
                "phone=%2B48+600+100+200&body=Za%C5%BC%C3%B3%C5%82%C4%87&intent=Send",
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let mut delivered = false;
        // Up to 20 s: a busy CI machine can be slow; the simulator itself reports in 10 ms.
        for _ in 0..400 {
            let rows = server.messages(&cookie).await;
            assert_eq!(rows.len(), 1);
            assert_eq!(
                (rows[0]["phone"].as_str(), rows[0]["body"].as_str()),
                (Some("+48600100200"), Some("Zażółć"))
            );
            if rows[0]["status"] == "Delivered" {
                delivered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(delivered, "the simulator's delivery report was applied");
    })
    .await;
}

#[tokio::test]
async fn a_plain_form_post_redirects_like_a_browser_expects() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://127.0.0.1:3000/login")
        .body(Body::from("login=admin&password=bad"))
        .unwrap();
    let reply = server.request(request).await;
    assert_eq!(location(&reply), "/login?error=credentials");
    let page = server.get("/login?error=credentials", None).await;
    assert!(page.body.contains("Nieprawidłowy login lub hasło."));
}

#[tokio::test]
async fn the_language_is_chosen_and_remembered() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let cookie = server.log_in().await;
    let request = Request::get("/lang/en")
        .header(header::REFERER, "http://127.0.0.1:3000/messages")
        .body(Body::empty())
        .unwrap();
    let reply = server.request(request).await;
    assert_eq!(location(&reply), "/messages");
    let lang = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(lang, "lang=en");
    let page = server
        .get("/messages", Some(&format!("{cookie}; {lang}")))
        .await;
    assert!(
        page.body.contains("SMS messages") && page.body.contains(r#"lang="en""#),
        "{}",
        page.body
    );
    let page = server.get("/messages", Some(&cookie)).await;
    assert!(page.body.contains("Wiadomości SMS") && page.body.contains(r#"lang="pl""#));
}

#[tokio::test]
async fn responses_are_compressed() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let request = Request::get("/login")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let reply = server.request(request).await;
    assert_eq!(reply.headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
}

#[tokio::test]
async fn bundle_files_named_by_their_content_are_cached_for_good() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let site = std::env::temp_dir().join(format!("esemes-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    for name in ["esemes.Xq3rT_9-aBcDeFgHiJkLmN.wasm", "esemes.wasm"] {
        std::fs::write(site.join("pkg").join(name), b"\0asm").unwrap();
    }
    std::fs::write(site.join("favicon.svg"), b"<svg/>").unwrap();
    let server = start_with(db, |state| {
        state.leptos_options.site_root = site.to_string_lossy().into_owned().into();
    });

    let cache = |reply: &Reply| {
        reply
            .headers
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let hashed = server
        .get("/pkg/esemes.Xq3rT_9-aBcDeFgHiJkLmN.wasm", None)
        .await;
    assert_eq!(hashed.status, StatusCode::OK);
    assert_eq!(
        cache(&hashed).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let plain = server.get("/pkg/esemes.wasm", None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(cache(&plain).as_deref(), Some("no-cache"));
    let icon = server.get("/favicon.svg", None).await;
    assert_eq!(cache(&icon).as_deref(), Some("no-cache"));
    // A file that is not there is never cached, hashed name or not.
    let missing = server
        .get("/pkg/esemes.AAAAAAAAAAAAAAAAAAAAAA.wasm", None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(cache(&missing), None);
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn search_terms_are_bounded_like_the_api_s() {
    on_both(|db| async move {
        seeded(&db).await;
        let server = start(db);
        let cookie = server.log_in().await;
        let long = "a".repeat(201);
        for function in [
            "search_subjects",
            "search_documents",
            "search_tasks",
            "list_templates",
        ] {
            let reply = server
                .call(function, &format!("query[q]={long}"), Some(&cookie))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{function}: {}",
                reply.body
            );
            assert!(
                reply.body.contains("Query") && reply.body.contains("200"),
                "{function}: {}",
                reply.body
            );
            let reply = server
                .call(
                    function,
                    &format!("query[q]={}", "a".repeat(200)),
                    Some(&cookie),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{function}: {}", reply.body);
        }
    })
    .await;
}

#[tokio::test]
async fn the_import_takes_the_file_size_it_promises_and_other_functions_stay_small() {
    use app::address_book::import::{ImportFile, ImportOptions, MAX_FILE_BYTES};
    use app::address_book::SubjectKind;
    use base64::Engine;

    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let cookie = server.log_in().await;
    // A CSV of almost the promised 5 MB: about 12,000 rows with long notes.
    let mut csv = String::from("Kod;Nazwa;Uwagi\n");
    let mut i = 0;
    while csv.len() + 500 < MAX_FILE_BYTES {
        i += 1;
        csv.push_str(&format!("K{i};Firma {i};{}\n", "x".repeat(400)));
    }
    let body = serde_json::json!({
        "file": ImportFile {
            name: "kontrahenci.csv".into(),
            content: base64::engine::general_purpose::STANDARD.encode(csv.as_bytes()),
        },
        "options": ImportOptions {
            kind: SubjectKind::Contractor,
            mapping: None,
            update_existing: false,
        },
    })
    .to_string();
    assert!(body.len() > 6 * 1024 * 1024);
    let request = Request::post("/api/import_preview")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &cookie)
        .body(Body::from(body))
        .unwrap();
    let reply = server.request(request).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        &reply.body[..reply.body.len().min(300)]
    );
    assert!(
        reply.body.contains(r#""delimiter":";""#),
        "{}",
        &reply.body[..300]
    );

    // A larger file is refused with the limit named.
    let too_large = format!(
        r#"{{"file":{{"name":"a.csv","content":"{}"}}}}"#,
        "A".repeat(8 * 1024 * 1024)
    );
    let request = Request::post("/api/import_commit")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, too_large.len())
        .header(header::COOKIE, &cookie)
        .body(Body::from(too_large))
        .unwrap();
    let reply = server.request(request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.body.contains(r#""FileTooLarge":{"max_mb":5}"#),
        "{}",
        reply.body
    );

    // Any other server function still reads at most 2 MB.
    let big = format!("query[q]={}", "a".repeat(3 * 1024 * 1024));
    let reply = server.call("search_subjects", &big, Some(&cookie)).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
}

#[tokio::test]
async fn requests_from_another_site_are_refused() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let login = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut request = Request::post("/api/login")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        let form = format!("login=admin&password={ADMIN_PASSWORD}");
        request.body(Body::from(form)).unwrap()
    };
    // Another site's page logging the browser in (login CSRF) or posting anything else.
    for (origin, site) in [
        (Some("http://evil.example"), Some("cross-site")),
        (Some("http://127.0.0.1:3000.evil.example"), None),
        (Some("null"), None),
        (None, Some("cross-site")),
        (None, Some("same-site")),
    ] {
        let reply = server.request(login(origin, site)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert!(reply.headers.get(header::SET_COOKIE).is_none());
    }
    // This site's pages, and clients that are no browser page (no Origin, no Sec-Fetch-Site).
    for (origin, site) in [
        (Some("http://127.0.0.1:3000"), Some("same-origin")),
        (None, Some("same-origin")),
        (None, None),
    ] {
        let reply = server.request(login(origin, site)).await;
        assert!(
            reply.status.is_success(),
            "{origin:?} {site:?}: {}",
            reply.status
        );
    }
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_their_scripts_nonce() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start(db);
    let page = server.get("/login", None).await;
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce");
    // Every inline script of the page carries it; no script runs without it.
    let scripts = page.body.matches("<script").count();
    assert!(scripts >= 2, "{}", page.body);
    assert_eq!(
        page.body.matches(&format!(r#"nonce="{nonce}""#)).count(),
        scripts
    );
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::REFERRER_POLICY], "same-origin");
    // Another page, another nonce.
    let again = server.get("/login", None).await;
    assert_ne!(
        again.headers[header::CONTENT_SECURITY_POLICY],
        page.headers[header::CONTENT_SECURITY_POLICY]
    );
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_secure() {
    let db = common::sqlite().await;
    seeded(&db).await;
    let server = start_with(db, |state| state.secure_cookies = true);
    let reply = server
        .call(
            "login",
            &format!("login=admin&password={ADMIN_PASSWORD}"),
            None,
        )
        .await;
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set_cookie.starts_with("__Host-esemes_session="),
        "{set_cookie}"
    );
    for part in ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();
    assert_eq!(server.get("/", Some(cookie)).await.status, StatusCode::OK);
    // The same token under the plain name (as a neighbouring subdomain could set it) is no
    // session.
    let planted = cookie.trim_start_matches("__Host-");
    let page = server.get("/", Some(planted)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/login");
}

#[tokio::test]
async fn a_generated_password_must_be_replaced_before_anything_else() {
    on_both(|db| async move {
        let seeded = server::demo::seed_if_empty(&db, None)
            .await
            .unwrap()
            .unwrap();
        let generated = seeded.generated_password.expect("a generated password");
        let server = start(db);
        let cookie = server.log_in_as("admin", &generated).await;

        for path in ["/", "/messages", "/admin"] {
            let page = server.get(path, Some(&cookie)).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(page.headers[header::LOCATION], "/password", "{path}");
        }
        let list = server.call("list_messages", "", Some(&cookie)).await;
        assert_eq!(list.status, StatusCode::FORBIDDEN);
        let page = server.get("/password", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Ustaw własne hasło"), "{}", page.body);

        let change = |password: &str, repeat: &str| format!("password={password}&repeat={repeat}");
        let short = server
            .call(
                "change_password",
                &change("krotkie", "krotkie"),
                Some(&cookie),
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            short.body.contains(r#""TooShort":{"min":10}"#),
            "{}",
            short.body
        );
        let differ = server
            .call(
                "change_password",
                &change("Nowe-Haslo-123", "Nowe-Haslo-124"),
                Some(&cookie),
            )
            .await;
        assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(differ.body.contains("PasswordsDiffer"), "{}", differ.body);
        let done = server
            .call(
                "change_password",
                &change("Nowe-Haslo-123", "Nowe-Haslo-123"),
                Some(&cookie),
            )
            .await;
        assert!(done.status.is_success(), "{} {}", done.status, done.body);

        assert_eq!(server.get("/", Some(&cookie)).await.status, StatusCode::OK);
        let page = server.get("/password", Some(&cookie)).await;
        assert_eq!(page.headers[header::LOCATION], "/");
        // Changed once: asking again is refused, and the new password is the one that logs in.
        let again = server
            .call(
                "change_password",
                &change("Inne-Haslo-123", "Inne-Haslo-123"),
                Some(&cookie),
            )
            .await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);
        server.log_in_as("admin", "Nowe-Haslo-123").await;
    })
    .await;
}

/// A filed reply is shown in the inbox and on its subject's page, with the message it answers;
/// the composer's warning function names an opted-out number, and a marketing message to it is
/// refused with the reason.
#[tokio::test]
async fn replies_show_in_the_inbox_and_on_their_subject() {
    use app::messages::ssr::{self as messages, PartOutcome};
    on_both(|db| async move {
        seeded(&db).await;
        let operator = common::admin(&db).await;
        let (subject_id, phone): (i64, String) = sqlx::query_as(
            "SELECT id, sms_phone FROM subjects WHERE company_id = $1 AND sms_phone <> '' ORDER BY id LIMIT 1",
        )
        .bind(operator.company_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let asked = common::queue(&db, &operator, &phone, "Przypominamy o wizycie jutro.").await;
        // As a gateway connection "gw" accepts it (no dispatcher runs on this database yet).
        assert!(messages::begin_submission(&db, asked, 0).await.unwrap());
        let accepted = PartOutcome::Accepted { gateway: "gw".into(), id: "g-1".into() };
        messages::record_part(&db, asked, 0, &accepted).await.unwrap();
        for text in ["Będę punktualnie.", "STOP"] {
            let part = sms::receive::ReceivedPart { concatenation: None, text: text.into() };
            app::replies::ssr::receive_part(&db, "gw", &phone, "ESEMES", &part).await.unwrap();
        }

        let server = start(db);
        let cookie = server.log_in().await;
        let inbox = server.get("/inbox", Some(&cookie)).await;
        assert_eq!(inbox.status, StatusCode::OK);
        for shown in ["Odpowiedzi SMS", "Będę punktualnie.", "W odpowiedzi na:", "Przypominamy o wizycie jutro.", "wypisał się (STOP)", "odpowiedź SMS „STOP”"] {
            assert!(inbox.body.contains(shown), "{shown} in the inbox");
        }
        let subject = server.get(&format!("/address-book/{subject_id}"), Some(&cookie)).await;
        assert!(subject.body.contains("Będę punktualnie."), "the reply on its subject");

        let warning = server.call("opted_out", &format!("phone={}", phone.replace('+', "%2B")), Some(&cookie)).await;
        assert_eq!(warning.status, StatusCode::OK);
        assert_ne!(warning.body, "null", "the number is opted out");
        let refused = server
            .call(
                "submit_message",
                &format!("phone={}&body=Promocja&intent=Send&category=marketing&urgent=true", phone.replace('+', "%2B")),
                Some(&cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.body, r#"{"Invalid":{"field":"Phone","problem":"OptedOut"}}"#);
    })
    .await;
}

#[tokio::test]
async fn the_pool_shows_under_the_counter_and_its_page_is_for_administrators() {
    use app::admin::{ssr as admin, OperatorInput};
    use app::auth::Role;
    on_both(|db| async move {
        seeded(&db).await;
        let boss = common::admin(&db).await;
        let input = OperatorInput {
            login: "ewa".into(),
            name: "Ewa Operator".into(),
            email: "ewa@example.com".into(),
            sms_phone: String::new(),
            role: Role::Operator,
            active: true,
            company_ids: vec![boss.company_id],
            password: "dlugie-haslo-1".into(),
        };
        admin::save_operator(&db, &boss, None, input).await.unwrap();
        let server = start(db.clone());
        let cookie = server.log_in().await;

        let composer = server.get("/", Some(&cookie)).await;
        assert!(
            composer.body.contains("Pozostało 10\u{a0}000 SMS"),
            "the pool under the counter"
        );
        let page = server.get("/credits", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        for shown in [
            "Pula SMS",
            "Historia puli",
            "Korekta",
            "Pula startowa danych demonstracyjnych",
        ] {
            assert!(page.body.contains(shown), "{shown} on the credits page");
        }
        let ledger = server.get("/credits/ledger.csv", Some(&cookie)).await;
        assert_eq!(ledger.status, StatusCode::OK);
        assert!(
            ledger.body.contains("\"Korekta\";\"10000\""),
            "{}",
            ledger.body
        );

        // A plain operator sees what is left, not the account's page or its exports.
        let ewa = server.log_in_as("ewa", "dlugie-haslo-1").await;
        let left = server.call("credit_balance", "", Some(&ewa)).await;
        assert_eq!(left.status, StatusCode::OK);
        assert!(left.body.contains("\"available\":10000"), "{}", left.body);
        let refused = server
            .call("load_credits", "query[from]=", Some(&ewa))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let refused = server.get("/credits/usage.csv", Some(&ewa)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // Below the threshold the administrators see a banner.
        let set = server
            .call("set_credit_alert", "alert_below=20000", Some(&cookie))
            .await;
        assert_eq!(set.status, StatusCode::OK);
        let banner = server.get("/messages", Some(&cookie)).await;
        assert!(
            banner
                .body
                .contains("W puli zostało tylko 10\u{a0}000 SMS."),
            "the banner"
        );
        let wrong = server
            .call("set_credit_alert", "alert_below=-5", Some(&cookie))
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Too few credits: refused with what is needed and left, and kept as a draft.
        let kind = app::credits::EntryKind::Correction;
        let about = app::credits::ssr::About::default();
        let now = app::ssr::now_ms();
        app::credits::ssr::add(&db, boss.account_id, kind, 1 - 10_000, about, "test", now)
            .await
            .unwrap();
        let body = "d".repeat(200);
        let refused = server
            .call(
                "submit_message",
                &format!("phone=600100200&body={body}&intent=Send"),
                Some(&cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.starts_with(
                r#"{"Invalid":{"field":"Body","problem":{"NoCredit":{"needed":2,"left":1,"draft":"#
            ),
            "{}",
            refused.body
        );
        let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
        let draft = &error["Invalid"]["problem"]["NoCredit"]["draft"];
        let listed = server.messages(&cookie).await;
        let kept = listed
            .iter()
            .find(|m| m["id"] == *draft)
            .expect("the draft is listed");
        assert_eq!(
            (kept["status"].as_str(), kept["parts"].as_i64()),
            (Some("Draft"), Some(2))
        );
    })
    .await;
}
