//! The Kannel driver through a real Kannel (bearerbox and smsbox from Debian) in front of the
//! SMSC fixture, with the dispatcher on SQLite and PostgreSQL: the parts arrive exactly as split
//! (our UDH, GSM 7-bit or UCS-2), Kannel's delivery reports come back to the token of each part.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::composer::{check, ssr as composer, Intent};
use app::error::{AppError, Field, Problem};
use app::messages::Category;
use app::replies::Replies;
use app::ssr::Db;
use common::kannel::{Kannel, INCOMING_SECRET, SENDSMS_PASSWORD, USERNAME};
use common::smsc::Smsc;
use common::{admin, on_both, queue, seeded, settled};
use serde_json::json;
use server::dispatcher::Dispatcher;
use server::gateway::kannel::{self as driver, KannelSettings};
use tokio::sync::{mpsc, watch, Notify};

/// Kannel in front of `smsc`, the dispatcher sending through it, and this server's Kannel
/// routes on a free port; they stop when the returned values are dropped.
async fn start(db: &Db, smsc: &Smsc) -> (Kannel, watch::Sender<bool>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callbacks = format!("http://{}", listener.local_addr().unwrap());
    let kannel = Kannel::start(smsc, &callbacks).await;
    let (reports_tx, reports_rx) = mpsc::channel(256);
    let inbox = driver::Inbox {
        db: db.clone(),
        connection: "kannel",
        secret: INCOMING_SECRET.into(),
    };
    let routes = driver::routes(reports_tx, Some(inbox));
    tokio::spawn(async move { axum::serve(listener, routes).await });
    let settings = KannelSettings {
        name: "kannel".into(),
        sendsms_url: format!("http://127.0.0.1:{}/cgi-bin/sendsms", kannel.sendsms_port),
        username: USERNAME.into(),
        password: SENDSMS_PASSWORD.into(),
        source: "ESEMES".into(),
        dlr_base_url: callbacks.clone(),
        incoming_secret: INCOMING_SECRET.into(),
        timeout: Duration::from_secs(5),
        window: 10,
    };
    let gateway = Arc::new(driver::Kannel::new(settings).unwrap());
    let (shutdown, shutdown_rx) = watch::channel(false);
    let dispatcher = Dispatcher::new(db.clone(), gateway, Arc::new(Notify::new()));
    tokio::spawn(dispatcher.run(reports_rx, shutdown_rx));
    (kannel, shutdown, callbacks)
}

#[tokio::test]
async fn messages_go_through_kannel_exactly_and_its_reports_settle_them() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        smsc.rule("48600100502", json!({ "receipt": "UNDELIV", "err": "005" }))
            .await;
        let _running = start(&db, &smsc).await;

        let texts = [
            (
                "600100500",
                "Zamowienie {ZAM/7} gotowe: 100 EUR [€].".to_string(),
            ),
            (
                "600100501",
                format!("Zażółć gęślą jaźń — {}", "płatność ".repeat(12)),
            ),
            (
                "600100503",
                format!("Przypomnienie. {}", "Dziekujemy. ".repeat(25)),
            ),
        ];
        let mut ids = Vec::new();
        for (phone, text) in &texts {
            ids.push(queue(&db, &operator, phone, text).await);
        }
        let failing = queue(&db, &operator, "600100502", "nie dotrze").await;
        for id in &ids {
            settled(&db, *id, "delivered").await;
        }
        assert_eq!(
            settled(&db, failing, "undelivered").await.as_deref(),
            Some("UNDELIV: undeliverable (error 005)")
        );
        let arrived = smsc.messages().await;
        for (phone, text) in &texts {
            let to: Vec<&str> = (arrived.iter())
                .filter(|m| m["destination_addr"] == format!("48{phone}"))
                .map(|m| m["text"].as_str().unwrap())
                .collect();
            assert_eq!(to, [text.as_str()], "{arrived:?}");
        }
        // Each part once: 1 + 2 + 3 parts, and the failing one.
        assert_eq!(smsc.submits().await.len(), 7);
    })
    .await;
}

/// Incoming messages reach Kannel from the SMS centre and are handed over by its sms-service,
/// long ones joined by Kannel; a wrong secret is refused.
#[tokio::test]
async fn incoming_messages_come_through_kannel() {
    on_both(|db| async move {
        seeded(&db).await;
        let smsc = Smsc::start(&[]).await;
        let (_kannel, _sending, callbacks) = start(&db, &smsc).await;
        let texts = [
            "TAK".to_string(),
            // (Kannel trims the text's ends.)
            format!("Zażółć gęślą jaźń: {}koniec.", "płatność ".repeat(12)),
        ];
        for text in &texts {
            let sent = json!({ "from": "48600100200", "to": "ESEMES", "text": text });
            smsc.control("POST", "/deliver", Some(sent)).await;
        }
        let mut bodies: Vec<String> = Vec::new();
        for _ in 0..400 {
            bodies = sqlx::query_scalar("SELECT body FROM incoming_messages ORDER BY id")
                .fetch_all(&db.pool)
                .await
                .unwrap();
            if bodies.len() == texts.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        // smsbox hands messages over side by side: their order is not kept.
        let mut expected = texts.to_vec();
        expected.sort();
        bodies.sort();
        assert_eq!(bodies, expected);

        // Without the secret, nothing is stored.
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = callbacks.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let forged = "GET /gateway/kannel/incoming?secret=zgaduje&from=48600100200&to=ESEMES&text=x HTTP/1.0\r\n\r\n";
        stream.write_all(forged.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.0 403") || answer.starts_with("HTTP/1.1 403"), "{answer}");
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incoming_messages")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(stored, 2);
    })
    .await;
}

/// A reply through Kannel's sms-service is filed with the message it answers; a STOP there
/// opts the number out of marketing, and transactional messages still go.
#[tokio::test]
async fn a_stop_through_kannel_opts_the_number_out() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        let _running = start(&db, &smsc).await;
        let asked = queue(&db, &operator, "600100600", "Czy potwierdza Pan wizytę?").await;
        settled(&db, asked, "delivered").await;
        let stop = json!({ "from": "48600100600", "to": "ESEMES", "text": "rezygnuję" });
        smsc.control("POST", "/deliver", Some(stop)).await;
        let mut rows = Vec::new();
        for _ in 0..400 {
            rows = app::replies::ssr::list(&db, operator.company_id, Replies::All, 10)
                .await
                .unwrap();
            if !rows.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(rows.len(), 1, "the reply is filed");
        assert_eq!(rows[0].answered.as_ref().map(|a| a.id), Some(asked));
        assert_eq!(rows[0].opt_change, Some(true));

        let send = |category| {
            let checked = check("600100600", "Nowa oferta", Intent::Send).unwrap();
            let timing = composer::Timing {
                category,
                urgent: true,
                ..composer::Timing::now()
            };
            let (db, operator) = (db.clone(), operator.clone());
            async move {
                composer::store(
                    &db,
                    &operator,
                    None,
                    &checked,
                    Intent::Send,
                    Default::default(),
                    timing,
                )
                .await
            }
        };
        assert_eq!(
            send(Category::Marketing).await,
            Err(AppError::invalid(Field::Phone, Problem::OptedOut))
        );
        let transactional = send(Category::Transactional).await.unwrap();
        settled(&db, transactional, "delivered").await;
    })
    .await;
}
