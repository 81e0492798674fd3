//! Outbox throughput: ESEMES_BENCH_MESSAGES (100,000 by default) single-part messages from the
//! outbox through the SMPP driver to the SMSC fixture (window 50), end to end with every
//! database write (the part submitting, sent, then delivered by its receipt), on SQLite and,
//! when ESEMES_BENCH_POSTGRES_URL names a server, on PostgreSQL; beside it a bare SMPP client
//! (rusmppc, 50 submits outstanding) against the same fixture; and the process's peak memory.
//!
//! `cargo bench -p server --features app/ssr --bench outbox` (figures in BENCHMARKS.md; the
//! fixture needs `npm ci --prefix end2end/fixtures/smsc`, which `make test` runs).

#[path = "support/databases.rs"]
mod databases;
#[path = "../tests/common/smsc.rs"]
#[allow(dead_code)]
mod smsc;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::ssr::{now_ms, Db};
use rusmpp::pdus::{BindTransceiver, SubmitSm};
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{InterfaceVersion, Npi, Ton};
use server::dispatcher::Dispatcher;
use server::gateway::smpp::receipt::ReceiptIds;
use server::gateway::smpp::{GsmPacking, Smpp, SmppSettings};
use smsc::Smsc;
use tokio::sync::{mpsc, watch, Notify, Semaphore};

const WINDOW: usize = 50;

fn messages() -> usize {
    std::env::var("ESEMES_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// `n` messages queued for sending, one part each, as the composer queues them.
async fn fill_outbox(db: &Db, n: usize) {
    let seeded = server::demo::seed_if_empty(db, Some("bench-Haslo-1".into()))
        .await
        .unwrap()
        .unwrap();
    let operator: i64 = sqlx::query_scalar("SELECT MIN(id) FROM operators")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let now = now_ms();
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, queued_at) \
             VALUES ($1, $2, $3, $4, 'gsm7', 1, 'pending', $5, $5, $5) RETURNING id",
        )
        .bind(seeded.company_id)
        .bind(operator)
        .bind(format!("+48600{i:06}"))
        .bind(format!("Zamowienie {i} gotowe do odbioru."))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        app::messages::ssr::queue_parts(&mut tx, id, 1)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

/// Sends the outbox through SMPP; seconds until every part was accepted and until delivered.
async fn outbox_run(db: &Db, smsc: &Smsc, n: usize) -> (f64, f64) {
    let (reports_tx, reports_rx) = mpsc::channel(4096);
    let smpp = Smpp::start(
        SmppSettings {
            name: "bench".into(),
            address: smsc.address(),
            system_id: smsc::SYSTEM_ID.into(),
            password: smsc::PASSWORD.into(),
            system_type: String::new(),
            source: "ESEMES".into(),
            window: WINDOW,
            max_per_second: 1_000_000,
            validity: Duration::from_secs(24 * 3600),
            response_timeout: Duration::from_secs(10),
            enquire_link: Duration::from_secs(30),
            receipt_ids: ReceiptIds::Same,
            gsm_packing: GsmPacking::Unpacked,
        },
        reports_tx,
        Some(db.clone()),
    );
    smpp.wait_bound(Duration::from_secs(10)).await.unwrap();
    let (_shutdown, shutdown_rx) = watch::channel(false);
    let start = Instant::now();
    tokio::spawn(
        Dispatcher::new(db.clone(), smpp, Arc::new(Notify::new())).run(reports_rx, shutdown_rx),
    );
    let mut accepted_at = None;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if accepted_at.is_none()
            && count(
                db,
                "SELECT COUNT(*) FROM message_parts WHERE status IN ('sent', 'delivered')",
            )
            .await
                == n as i64
        {
            accepted_at = Some(start.elapsed().as_secs_f64());
        }
        if count(
            db,
            "SELECT COUNT(*) FROM messages WHERE status = 'delivered'",
        )
        .await
            == n as i64
        {
            return (
                accepted_at.unwrap_or_default(),
                start.elapsed().as_secs_f64(),
            );
        }
    }
}

/// A bare SMPP client: `n` submit_sm with `WINDOW` outstanding; seconds.
async fn bare_client(smsc: &Smsc, n: usize) -> f64 {
    let (client, _events) = rusmppc::ConnectionBuilder::new()
        .disable_interface_version_check()
        .connect(format!("smpp://{}", smsc.address()))
        .await
        .unwrap();
    client
        .bind_transceiver(
            BindTransceiver::builder()
                .system_id(COctetString::from_str(smsc::SYSTEM_ID).unwrap())
                .password(COctetString::from_str(smsc::PASSWORD).unwrap())
                .interface_version(InterfaceVersion::Smpp3_4)
                .build(),
        )
        .await
        .unwrap();
    let window = Arc::new(Semaphore::new(WINDOW));
    let start = Instant::now();
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..n {
        let permit = window.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        sends.spawn(async move {
            let submit = SubmitSm::builder()
                .source_addr_ton(Ton::Alphanumeric)
                .source_addr(COctetString::from_str("ESEMES").unwrap())
                .dest_addr_ton(Ton::International)
                .dest_addr_npi(Npi::Isdn)
                .destination_addr(COctetString::from_str(&format!("48601{i:06}")).unwrap())
                .short_message(
                    OctetString::from_vec(
                        format!("Zamowienie {i} gotowe do odbioru.").into_bytes(),
                    )
                    .unwrap(),
                )
                .build();
            client.submit_sm(submit).await.unwrap();
            drop(permit);
        });
    }
    while sends.join_next().await.is_some() {}
    start.elapsed().as_secs_f64()
}

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (status.lines())
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or_default()
}

async fn bench(label: &str, db: Db, n: usize) {
    let filling = Instant::now();
    fill_outbox(&db, n).await;
    println!(
        "{label}: {n} messages queued in {:.1} s",
        filling.elapsed().as_secs_f64()
    );
    let smsc = Smsc::start(&["--receipt-delay-ms", "20", "--keep-log", "no"]).await;
    let (accepted, delivered) = outbox_run(&db, &smsc, n).await;
    println!(
        "{label}: all accepted after {accepted:.1} s ({:.0} messages/s), all delivered after {delivered:.1} s ({:.0}/s)",
        n as f64 / accepted,
        n as f64 / delivered
    );
    let bare = bare_client(&smsc, n).await;
    println!(
        "{label}: bare SMPP client, same fixture: {bare:.1} s ({:.0} submits/s); the outbox reaches {:.0} % of it",
        n as f64 / bare,
        100.0 * bare / accepted
    );
    println!(
        "{label}: peak memory of this process so far {:.0} MB",
        peak_memory_mb()
    );
}

#[tokio::main]
async fn main() {
    let n = messages();
    databases::on_each("outbox_bench", |db, label| bench(label, db, n)).await;
}
