//! The Kannel driver through a real Kannel (bearerbox and smsbox from Debian) in front of the
//! SMSC fixture, with the dispatcher on SQLite and PostgreSQL: the parts arrive exactly as split
//! (our UDH, GSM 7-bit or UCS-2), Kannel's delivery reports come back to the token of each part.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::ssr::Db;
use common::kannel::{Kannel, SENDSMS_PASSWORD, USERNAME};
use common::smsc::Smsc;
use common::{admin, on_both, queue, seeded};
use serde_json::json;
use server::dispatcher::Dispatcher;
use server::gateway::kannel::{self as driver, KannelSettings};
use tokio::sync::{mpsc, watch, Notify};

/// The dispatcher sending through Kannel, and this server's report route on a free port; both
/// stop when the returned sender is dropped.
async fn dispatch(db: &Db, kannel: &Kannel) -> watch::Sender<bool> {
    let (reports_tx, reports_rx) = mpsc::channel(256);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let reports_at = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, driver::routes(reports_tx)).await });
    let settings = KannelSettings {
        name: "kannel".into(),
        sendsms_url: format!("http://127.0.0.1:{}/cgi-bin/sendsms", kannel.sendsms_port),
        username: USERNAME.into(),
        password: SENDSMS_PASSWORD.into(),
        source: "ESEMES".into(),
        dlr_base_url: reports_at,
        timeout: Duration::from_secs(5),
    };
    let gateway = Arc::new(driver::Kannel::new(settings).unwrap());
    let (shutdown, shutdown_rx) = watch::channel(false);
    let dispatcher = Dispatcher::new(db.clone(), gateway, Arc::new(Notify::new()));
    tokio::spawn(dispatcher.run(reports_rx, shutdown_rx));
    shutdown
}

async fn settled(db: &Db, id: i64, wanted: &str) -> Option<String> {
    for _ in 0..600 {
        let (status, error): (String, Option<String>) =
            sqlx::query_as("SELECT status, error FROM messages WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        if status == wanted {
            return error;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("message {id} never {wanted}");
}

#[tokio::test]
async fn messages_go_through_kannel_exactly_and_its_reports_settle_them() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        smsc.rule("48600100502", json!({ "receipt": "UNDELIV", "err": "005" }))
            .await;
        let kannel = Kannel::start(&smsc).await;
        let _sending = dispatch(&db, &kannel).await;

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
