//! Benchmark (ignored in ordinary runs): 100,000 subjects (and, for comparison, documents)
//! upserted through the HTTP API in batches of 1,000, over loopback HTTP/1.1 with keep-alive
//! like an ERP's sync job, into SQLite.
//! Figures go to BENCHMARKS.md ("HTTP API"); run with
//! `cargo test --release -p server --features app/ssr --test api_bench -- --ignored --nocapture`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api_tokens::ssr as tokens;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

const RECORDS: usize = 100_000;
const BATCH: usize = 1_000;

fn subject(n: usize) -> Value {
    json!({
        "external_id": format!("ERP-{n:06}"),
        "kind": "contractor",
        "code": format!("K{n:06}"),
        "name": format!("Przedsiębiorstwo Handlowe Łódź {n} sp. z o.o."),
        "sms_phone": format!("+48 600 {:03} {:03}", n / 1000 % 1000, n % 1000),
        "email": format!("biuro{n}@example.com"),
        "address": format!("ul. Piotrkowska {}, 90-006 Łódź", n % 300 + 1),
    })
}

fn document(n: usize) -> Value {
    json!({
        "external_id": format!("FV-{n:06}"),
        "kind": "sales_invoice",
        "number": format!("FV/{n}/11/2026"),
        "issue_date": "2026-11-02",
        "due_date": "2026-11-16",
        "gross_amount": 12_300 + n as i64,
        "left_to_pay": 12_300,
        "attributes": { "order": format!("ZAM/{n}") },
    })
}

/// Sends every batch once and returns the time it took and the answers' counts.
async fn upload(
    sender: &mut SendRequest<Full<Bytes>>,
    token: &str,
    plural: &str,
    item: fn(usize) -> Value,
) -> (Duration, [i64; 3]) {
    let started = Instant::now();
    let mut counts = [0; 3];
    for first in (0..RECORDS).step_by(BATCH) {
        let items: Vec<Value> = (first..first + BATCH).map(item).collect();
        let body = json!({ "items": items }).to_string();
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/companies/1/{plural}:batch"))
            .header(header::HOST, "127.0.0.1")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        // HTTP/1.1 keep-alive: one request at a time on the connection, like a sync job.
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        for (count, key) in counts.iter_mut().zip(["created", "updated", "unchanged"]) {
            *count += answer[key].as_i64().unwrap();
        }
    }
    (started.elapsed(), counts)
}

/// Uploads 100,000 records twice (created, then unchanged) to a fresh SQLite database through
/// a real server on a loopback port, and prints the times.
async fn bench(plural: &str, item: fn(usize) -> Value) {
    let db = common::sqlite().await;
    common::seeded(&db).await;
    let (_, token) = tokens::create(&db, 1, "bench", None).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = server::app(common::app_state(db.clone(), Arc::new(Notify::new())));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let stream = TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);

    let (first, created) = upload(&mut sender, &token, plural, item).await;
    assert_eq!(created, [RECORDS as i64, 0, 0]);
    let (again, unchanged) = upload(&mut sender, &token, plural, item).await;
    assert_eq!(unchanged, [0, 0, RECORDS as i64]);
    let stored: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {plural} WHERE external_id IS NOT NULL"
    ))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(stored, RECORDS as i64);
    println!(
        "{RECORDS} {plural} in batches of {BATCH}: first upload (all created) {:.1} s \
         ({:.0}/s), the same upload again (all unchanged) {:.1} s",
        first.as_secs_f64(),
        RECORDS as f64 / first.as_secs_f64(),
        again.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --release --ignored, figures in BENCHMARKS.md"]
async fn upsert_100k_subjects_over_http_on_sqlite() {
    bench("subjects", subject).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --release --ignored, figures in BENCHMARKS.md"]
async fn upsert_100k_documents_over_http_on_sqlite() {
    bench("documents", document).await;
}
