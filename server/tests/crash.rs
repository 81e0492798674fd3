//! The server killed with SIGKILL in the middle of sending 2,000 messages through SMPP, then
//! started again: every part reaches the SMS centre exactly once, except parts the server
//! marked in doubt, and none of those is sent twice. A real server process, on SQLite and on
//! PostgreSQL, and the SMSC fixture.

mod common;

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use app::ssr::Db;
use common::smsc::{Smsc, PASSWORD, SYSTEM_ID};
use common::{admin, count, free_port, queue, seeded};
use tokio::process::{Child, Command};

const MESSAGES: usize = 2000;

/// The server binary on `url`, sending through `gateways`.
fn server(url: &str, gateways: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", url)
        .env("ESEMES_GATEWAYS", gateways)
        .env("ESEMES_BIND", format!("127.0.0.1:{}", free_port()))
        .env("ESEMES_DEMO_DATA", "false")
        // Not the working folder's key file: the test leaves nothing behind.
        .env("ESEMES_SECRET_KEY", "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary")
}

async fn crash_and_resume(db: Db, url: String) {
    seeded(&db).await;
    let operator = admin(&db).await;
    let mut parts_expected = 0;
    for n in 0..MESSAGES {
        // Every fifth message is two SMS long.
        let text = if n % 5 == 0 {
            format!("{n} {}", "d".repeat(200))
        } else {
            format!("wiadomość {n}")
        };
        parts_expected += if n % 5 == 0 { 2 } else { 1 };
        queue(&db, &operator, &format!("6003{n:05}"), &text).await;
    }
    let smsc = Smsc::start(&[]).await;
    let gateways = std::env::temp_dir().join(format!("esemes-crash-{}.toml", smsc.smpp_port));
    std::fs::write(
        &gateways,
        format!(
            "[[connection]]\nname = \"smsc\"\ndriver = \"smpp\"\naddress = \"{}\"\n\
             system_id = \"{SYSTEM_ID}\"\npassword = \"{PASSWORD}\"\nwindow = 10\n\
             max_per_second = 500\nresponse_timeout_seconds = 5\n",
            smsc.address()
        ),
    )
    .unwrap();

    let mut first = server(&url, &gateways);
    for _ in 0..600 {
        if smsc.submits().await.len() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.start_kill().unwrap(); // SIGKILL: no shutdown, leases and `submitting` parts left behind
    first.wait().await.unwrap();
    let at_kill = smsc.submits().await.len();
    assert!(
        at_kill < parts_expected,
        "killed mid-batch ({at_kill} of {parts_expected})"
    );

    let _second = server(&url, &gateways);
    // The dead server's leases run out after a minute; then every part is submitted. Receipts
    // the SMS centre sent to the dead server's bind are lost (it keeps none for a later bind),
    // so those parts stay `sent`.
    let open = "SELECT COUNT(*) FROM message_parts WHERE status IN ('pending', 'submitting')";
    for _ in 0..1500 {
        if count(&db, open).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&db, open).await, 0);
    tokio::time::sleep(Duration::from_secs(1)).await; // the last receipts
    let mut received: HashMap<(String, i64), usize> = HashMap::new();
    for submit in smsc.submits().await {
        let key = (
            submit["destination_addr"].as_str().unwrap().to_string(),
            submit["udh"]["seq"].as_i64().unwrap_or(1),
        );
        *received.entry(key).or_default() += 1;
    }
    let parts: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT m.phone, p.seq, p.status FROM message_parts p JOIN messages m ON m.id = p.message_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(parts.len(), parts_expected);
    let mut in_doubt = 0;
    for (phone, seq, status) in parts {
        let times = received
            .get(&(phone.trim_start_matches('+').to_string(), seq + 1))
            .copied()
            .unwrap_or(0);
        match status.as_str() {
            "delivered" | "sent" => assert_eq!(times, 1, "{phone} part {seq} sent {times} times"),
            "unknown" => {
                in_doubt += 1;
                assert!(
                    times <= 1,
                    "{phone} part {seq} in doubt but sent {times} times"
                );
            }
            other => panic!("{phone} part {seq} ended {other}"),
        }
    }
    assert!(received.values().all(|times| *times == 1), "no part twice");
    // At most the parts marked `submitting` when it died: four times the window of 10.
    assert!(in_doubt <= 40, "{in_doubt} parts in doubt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_batch_on_sqlite_resumes_without_sending_twice() {
    let url = common::sqlite_url();
    let db = Db::connect(&url).await.unwrap();
    crash_and_resume(db, url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_batch_on_postgresql_resumes_without_sending_twice() {
    let (url, name) = common::empty_postgres().await;
    let db = Db::connect(&url).await.unwrap();
    crash_and_resume(db.clone(), url).await;
    common::drop_postgres(db, &name).await;
}
