//! Outbox throughput: ESEMES_BENCH_MESSAGES (100,000 by default) single-part messages from the
//! outbox, sent by the server binary through its SMPP driver to the SMSC fixture (window 50),
//! end to end with every database write (the part submitting, sent, then delivered by its
//! receipt), on SQLite and, when ESEMES_BENCH_POSTGRES_URL names a server, on PostgreSQL; the
//! server's peak memory; and before it a bare SMPP client (rusmppc, 50 submits outstanding)
//! against a fixture of its own.
//!
//! `cargo bench -p server --features app/ssr --bench outbox` (figures in BENCHMARKS.md; the
//! fixture needs `npm ci --prefix end2end/fixtures/smsc`, which `make test` runs).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/databases.rs"]
mod databases;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::ssr::{now_ms, Db};
use common::kannel::{Kannel, INCOMING_SECRET, SENDSMS_PASSWORD, USERNAME};
use common::smsc::{self, Smsc};
use common::{count, free_port};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rusmpp::pdus::{BindTransceiver, SubmitSm};
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{InterfaceVersion, Npi, Ton};
use server::gateway::smpp::Link;
use tokio::sync::Semaphore;

const WINDOW: usize = 50;

/// How many messages go through SMPP (`ESEMES_BENCH_MESSAGES`) and through Kannel
/// (`ESEMES_BENCH_KANNEL_MESSAGES`).
fn messages(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// `n` more messages queued for sending, one part each, as the composer queues them (their
/// credits held from a pool topped up for them).
async fn fill_outbox(db: &Db, n: usize) {
    server::demo::seed_if_empty(db, Some("bench-Haslo-1".into()))
        .await
        .unwrap();
    let (company, operator): (i64, i64) =
        sqlx::query_as("SELECT MIN(company_id), MIN(operator_id) FROM operator_companies")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let now = now_ms();
    let account: i64 = sqlx::query_scalar("SELECT account_id FROM companies WHERE id = $1")
        .bind(company)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let kind = app::credits::EntryKind::Correction;
    let about = app::credits::ssr::About::default();
    app::credits::ssr::add(db, account, kind, n as i64, about, "bench", now)
        .await
        .unwrap();
    let mut tx = db.begin_write().await.unwrap();
    for i in 0..n {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, queued_at) \
             VALUES ($1, $2, $3, $4, 'gsm7', 1, 'pending', $5, $5, $5) RETURNING id",
        )
        .bind(company)
        .bind(operator)
        .bind(format!("+48600{i:06}"))
        .bind(format!("Zamowienie {i} gotowe do odbioru."))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let about = app::credits::ssr::About {
            company_id: Some(company),
            operator_id: Some(operator),
            message_id: Some(id),
            order_id: None,
        };
        app::messages::ssr::queue_parts(&mut tx, account, about, 1, now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// What the server's run through the SMSC gave.
struct Run {
    /// Seconds from the server's start until every part was accepted, and until delivered.
    accepted: f64,
    delivered: f64,
    /// The server process's peak resident memory (VmHWM), MB.
    peak_mb: f64,
}

/// Starts the server binary on `url`, listening on `port`, with the one gateway connection
/// `connection` (TOML) and lets it send the outbox until `total` messages are delivered.
async fn outbox_run(url: &str, db: &Db, connection: String, port: u16, total: usize) -> Run {
    let gateways = std::env::temp_dir().join(format!("esemes-bench-{port}.toml"));
    std::fs::write(&gateways, connection).unwrap();
    let start = Instant::now();
    let server = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", url)
        .env("ESEMES_GATEWAYS", &gateways)
        .env("ESEMES_BIND", format!("127.0.0.1:{port}"))
        .env("ESEMES_DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary");
    let status = format!("/proc/{}/status", server.id().unwrap());
    let mut accepted = None;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let sent = "SELECT COUNT(*) FROM message_parts WHERE status IN ('sent', 'delivered')";
        if accepted.is_none() && count(db, sent).await == total as i64 {
            accepted = Some(start.elapsed().as_secs_f64());
        }
        let delivered = "SELECT COUNT(*) FROM messages WHERE status = 'delivered'";
        if count(db, delivered).await == total as i64 {
            let _ = std::fs::remove_file(&gateways);
            return Run {
                accepted: accepted.unwrap_or_default(),
                delivered: start.elapsed().as_secs_f64(),
                peak_mb: peak_memory_mb(&status),
            };
        }
    }
}

impl Run {
    fn print(&self, what: &str, n: usize, bare: f64) {
        println!(
            "{what}: all accepted after {:.1} s ({:.0} messages/s, {:.0} % of the bare client), all delivered after {:.1} s ({:.0}/s); peak memory {:.0} MB",
            self.accepted,
            n as f64 / self.accepted,
            100.0 * bare / self.accepted,
            self.delivered,
            n as f64 / self.delivered,
            self.peak_mb
        );
    }
}

/// `n` sendsms requests straight to Kannel, `WINDOW` at a time, each on a new connection as the
/// driver makes them; seconds.
async fn bare_kannel(kannel: &Kannel, n: usize) -> f64 {
    let window = Arc::new(Semaphore::new(WINDOW));
    let start = Instant::now();
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..n {
        let permit = window.clone().acquire_owned().await.unwrap();
        let port = kannel.sendsms_port;
        sends.spawn(async move {
            let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(connection);
            let request = hyper::Request::get(format!(
                "/cgi-bin/sendsms?username={USERNAME}&password={SENDSMS_PASSWORD}&from=ESEMES&to=48602{i:06}&text=Zamowienie+{i}"
            ))
            .header(hyper::header::HOST, format!("127.0.0.1:{port}"))
            .body(Empty::<Bytes>::new())
            .unwrap();
            let response = sender.send_request(request).await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.into_body().collect().await.unwrap();
            drop(permit);
        });
    }
    while sends.join_next().await.is_some() {}
    start.elapsed().as_secs_f64()
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

async fn bench(label: &str, db: Db, url: String, n: usize, through_kannel: usize) {
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
    let connection = format!(
        "[[connection]]\nname = \"bench\"\ndriver = \"smpp\"\naddress = \"{}\"\n\
         system_id = \"{}\"\npassword = \"{}\"\nwindow = {WINDOW}\n\
         max_per_second = 1000000\nresponse_timeout_seconds = 10\n",
        smsc.address(),
        smsc::SYSTEM_ID,
        smsc::PASSWORD
    );
    outbox_run(&url, &db, connection, free_port(), n)
        .await
        .print(&format!("{label}: server through SMPP"), n, bare);
    let submits = smsc.control("GET", "/counts", None).await["submits"].clone();
    assert_eq!(
        submits, n,
        "the SMS centre received every part exactly once"
    );

    if through_kannel == 0 {
        return;
    }
    fill_outbox(&db, through_kannel).await;
    let (smsc, port) = (fixture().await, free_port());
    let kannel = Kannel::start(&smsc, &format!("http://127.0.0.1:{port}")).await;
    let bare = bare_kannel(&kannel, through_kannel).await;
    println!(
        "{label}: Kannel alone: {through_kannel} sendsms in {bare:.1} s ({:.0}/s)",
        through_kannel as f64 / bare
    );
    let connection = format!(
        "[[connection]]\nname = \"kannel\"\ndriver = \"kannel\"\n\
         sendsms_url = \"http://127.0.0.1:{}/cgi-bin/sendsms\"\nusername = \"{USERNAME}\"\n\
         password = \"{SENDSMS_PASSWORD}\"\ndlr_url = \"http://127.0.0.1:{port}\"\n\
         incoming_secret = \"{INCOMING_SECRET}\"\nwindow = {WINDOW}\n",
        kannel.sendsms_port
    );
    let run = outbox_run(&url, &db, connection, port, n + through_kannel).await;
    run.print(
        &format!("{label}: server through Kannel"),
        through_kannel,
        bare,
    );
}

/// The SMSC fixture as the benchmark wants it: receipts after 20 ms, no log kept in memory.
async fn fixture() -> Smsc {
    Smsc::start(&["--receipt-delay-ms", "20", "--keep-log", "no"]).await
}

#[tokio::main]
async fn main() {
    let n = messages("ESEMES_BENCH_MESSAGES", 100_000);
    let through_kannel = messages("ESEMES_BENCH_KANNEL_MESSAGES", 20_000);
    databases::on_each("outbox_bench", |db, label, url| {
        bench(label, db, url, n, through_kannel)
    })
    .await;
}
