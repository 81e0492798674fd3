//! Outbox throughput: ESEMES_BENCH_MESSAGES (100,000 by default) single-part messages from the
//! outbox, sent by the server binary through its SMPP driver to the SMSC fixture (window 50),
//! end to end with every database write (the part submitting, sent, then delivered by its
//! receipt), on SQLite and, when ESEMES_BENCH_POSTGRES_URL names a server, on PostgreSQL; the
//! server's peak memory; and before it a bare SMPP client (rusmppc, 50 submits outstanding)
//! against a fixture of its own.
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
use server::gateway::smpp::Link;
use smsc::Smsc;
use tokio::sync::Semaphore;

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

/// What the server's run through the SMSC gave.
struct Run {
    /// Seconds from the server's start until every part was accepted, and until delivered.
    accepted: f64,
    delivered: f64,
    /// The server process's peak resident memory (VmHWM), MB.
    peak_mb: f64,
}

/// Starts the server binary on `url` with one SMPP connection to `smsc` (window 50, no rate
/// limit) and lets it send the outbox.
async fn outbox_run(url: &str, db: &Db, smsc: &Smsc, n: usize) -> Run {
    let gateways = std::env::temp_dir().join(format!("esemes-bench-{}.toml", smsc.smpp_port));
    std::fs::write(
        &gateways,
        format!(
            "[[connection]]\nname = \"bench\"\ndriver = \"smpp\"\naddress = \"{}\"\n\
             system_id = \"{}\"\npassword = \"{}\"\nwindow = {WINDOW}\n\
             max_per_second = 1000000\nresponse_timeout_seconds = 10\n",
            smsc.address(),
            smsc::SYSTEM_ID,
            smsc::PASSWORD
        ),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = Instant::now();
    let server = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", url)
        .env("ESEMES_GATEWAYS", &gateways)
        .env("ESEMES_BIND", format!("127.0.0.1:{port}"))
        .env("ESEMES_DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary");
    let status = format!("/proc/{}/status", server.id().unwrap());
    let mut accepted = None;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let sent = "SELECT COUNT(*) FROM message_parts WHERE status IN ('sent', 'delivered')";
        if accepted.is_none() && count(db, sent).await == n as i64 {
            accepted = Some(start.elapsed().as_secs_f64());
        }
        if count(
            db,
            "SELECT COUNT(*) FROM messages WHERE status = 'delivered'",
        )
        .await
            == n as i64
        {
            let _ = std::fs::remove_file(&gateways);
            return Run {
                accepted: accepted.unwrap_or_default(),
                delivered: start.elapsed().as_secs_f64(),
                peak_mb: peak_memory_mb(&status),
            };
        }
    }
}

/// A bare SMPP client: `n` submit_sm with `WINDOW` outstanding; seconds.
async fn bare_client(smsc: &Smsc, n: usize) -> f64 {
    // With the driver's doorbell: without it the client library sometimes sleeps with
    // requests queued until its next enquire_link, 30 s later.
    let builder = rusmppc::ConnectionBuilder::new().disable_interface_version_check();
    let (link, mut events) = Link::connect(builder, &smsc.address()).await.unwrap();
    // Commands nobody waits for go to this stream.
    tokio::spawn(async move { while futures::StreamExt::next(&mut events).await.is_some() {} });
    let client = link.client.clone();
    link.request(
        client.bind_transceiver(
            BindTransceiver::builder()
                .system_id(COctetString::from_str(smsc::SYSTEM_ID).unwrap())
                .password(COctetString::from_str(smsc::PASSWORD).unwrap())
                .interface_version(InterfaceVersion::Smpp3_4)
                .build(),
        ),
    )
    .await
    .unwrap();
    let window = Arc::new(Semaphore::new(WINDOW));
    let start = Instant::now();
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..n {
        let permit = window.clone().acquire_owned().await.unwrap();
        let link = link.clone();
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
            link.request(link.client.submit_sm(submit)).await.unwrap();
            drop(permit);
        });
    }
    while sends.join_next().await.is_some() {}
    start.elapsed().as_secs_f64()
}

/// VmHWM from a `/proc/…/status` file, MB.
fn peak_memory_mb(status: &str) -> f64 {
    let status = std::fs::read_to_string(status).unwrap_or_default();
    (status.lines())
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or_default()
}

async fn bench(label: &str, db: Db, url: String, n: usize) {
    let filling = Instant::now();
    fill_outbox(&db, n).await;
    println!(
        "{label}: {n} messages queued in {:.1} s",
        filling.elapsed().as_secs_f64()
    );
    // The bare client first, on a fixture of its own: the same conditions as the outbox's run.
    let bare = bare_client(&fixture().await, n).await;
    println!(
        "{label}: bare SMPP client: {bare:.1} s ({:.0} submits/s)",
        n as f64 / bare
    );
    let smsc = fixture().await;
    let run = outbox_run(&url, &db, &smsc, n).await;
    println!(
        "{label}: server: all accepted after {:.1} s ({:.0} messages/s, {:.0} % of the bare client), all delivered after {:.1} s ({:.0}/s); peak memory {:.0} MB",
        run.accepted,
        n as f64 / run.accepted,
        100.0 * bare / run.accepted,
        run.delivered,
        n as f64 / run.delivered,
        run.peak_mb
    );
    let submits = smsc.control("GET", "/counts", None).await["submits"].clone();
    assert_eq!(
        submits, n,
        "the SMS centre received every part exactly once"
    );
}

/// The SMSC fixture as the benchmark wants it: receipts after 20 ms, no log kept in memory.
async fn fixture() -> Smsc {
    Smsc::start(&["--receipt-delay-ms", "20", "--keep-log", "no"]).await
}

#[tokio::main]
async fn main() {
    let n = messages();
    databases::on_each("outbox_bench", |db, label, url| bench(label, db, url, n)).await;
}
