//! Address book search with 100,000 subjects in one company: server-side latency percentiles
//! of `address_book::search` (the query the page and the picker run), on SQLite and, when
//! ESEMES_BENCH_POSTGRES_URL names a server (e.g. postgres://esemes:esemes@127.0.0.1:5432),
//! on PostgreSQL too.
//!
//! `cargo bench -p server --features app/ssr --bench search` (figures in BENCHMARKS.md).

use std::time::{Duration, Instant};

use app::address_book::ssr as address_book;
use app::address_book::{
    check_subject, RepresentativeInput, SubjectInput, SubjectKind, SubjectQuery,
};
use app::ssr::Db;

#[path = "support/databases.rs"]
mod databases;

const SUBJECTS: usize = 100_000;
const ROUNDS: usize = 40;

const FIRST: [&str; 12] = [
    "Jan",
    "Anna",
    "Piotr",
    "Katarzyna",
    "Paweł",
    "Małgorzata",
    "Tomasz",
    "Agnieszka",
    "Łukasz",
    "Żaneta",
    "Grzegorz",
    "Ewa",
];
const LAST: [&str; 12] = [
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
];
const TRADE: [&str; 10] = [
    "Budownictwo",
    "Transport",
    "Handel",
    "Meble",
    "Usługi Księgowe",
    "Hurtownia",
    "Piekarnia",
    "Serwis",
    "Ogrody",
    "Elektro",
];
const CITY: [&str; 10] = [
    "Łódź",
    "Kraków",
    "Gdańsk",
    "Poznań",
    "Wrocław",
    "Szczecin",
    "Zielona Góra",
    "Białystok",
    "Rzeszów",
    "Olsztyn",
];

/// A deterministic, varied address book: contractors (half with a representative), employees,
/// offices and banks.
fn subject(n: usize) -> SubjectInput {
    let kind = match n % 10 {
        0..=6 => SubjectKind::Contractor,
        7 | 8 => SubjectKind::Employee,
        _ if n % 20 == 9 => SubjectKind::Office,
        _ => SubjectKind::Bank,
    };
    let person = format!("{} {}", FIRST[n % 12], LAST[(n / 12) % 12]);
    let name = match kind {
        SubjectKind::Contractor => {
            format!("{} {} {} {n}", TRADE[n % 10], person, CITY[(n / 7) % 10])
        }
        SubjectKind::Employee => person.clone(),
        SubjectKind::Office => format!("Urząd Skarbowy {} {n}", CITY[n % 10]),
        SubjectKind::Bank => format!("Bank Spółdzielczy {} {n}", CITY[n % 10]),
    };
    SubjectInput {
        sms_phone: format!("+4860{:07}", n),
        email: format!("biuro{n}@example.com"),
        active: !n.is_multiple_of(50),
        external_id: Some(format!("erp-{n}")),
        representatives: (kind == SubjectKind::Contractor).then(|| {
            if n.is_multiple_of(2) {
                vec![RepresentativeInput {
                    id: None,
                    external_id: None,
                    name: format!("{} {}", FIRST[(n + 5) % 12], LAST[(n + 3) % 12]),
                    role: "biuro".into(),
                    sms_phone: format!("+4850{:07}", n),
                    email: String::new(),
                    active: true,
                }]
            } else {
                Vec::new()
            }
        }),
        ..SubjectInput::new(kind, &format!("K{n:06}"), &name)
    }
}

async fn fill(db: &Db, company_id: i64) -> Duration {
    let started = Instant::now();
    for chunk in (0..SUBJECTS).collect::<Vec<_>>().chunks(1000) {
        let mut tx = db.pool.begin().await.unwrap();
        for &n in chunk {
            let valid = check_subject(&subject(n), sms::normalize).unwrap();
            address_book::save(&mut tx, company_id, None, &valid)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

async fn measure(db: &Db, company_id: i64, label: &str) {
    let cases: [(&str, &str, Option<SubjectKind>); 9] = [
        ("first page, contractors", "", Some(SubjectKind::Contractor)),
        ("first page, all kinds", "", None),
        (
            "one common word: lodz",
            "lodz",
            Some(SubjectKind::Contractor),
        ),
        (
            "two words: kowalski lodz",
            "kowalski lodz",
            Some(SubjectKind::Contractor),
        ),
        (
            "representative: wozniak",
            "wozniak",
            Some(SubjectKind::Contractor),
        ),
        ("phone digits: 6000123", "6000123", None),
        ("code: K054321", "K054321", None),
        (
            "rare word: serwis olsztyn 9",
            "serwis olsztyn 99",
            Some(SubjectKind::Contractor),
        ),
        ("no match: qqqq", "qqqq", None),
    ];
    println!("\n{label}: {SUBJECTS} subjects, {ROUNDS} runs per query (ms)");
    println!("| query | rows | p50 | p95 | max |");
    println!("|---|---|---|---|---|");
    let mut all = Vec::new();
    for (name, q, kind) in cases {
        let query = SubjectQuery {
            q: q.into(),
            kind,
            ..Default::default()
        };
        let mut times = Vec::with_capacity(ROUNDS);
        let mut rows = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let page = address_book::search(db, company_id, &query).await.unwrap();
            times.push(started.elapsed());
            rows = page.rows.len();
        }
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {name} | {rows} | {} | {} | {} |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
    }
    all.sort();
    println!(
        "| **all queries** | | {} | **{}** | {} |",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap())
    );
}

async fn company(db: &Db) -> i64 {
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, created_at) VALUES ('Bench', 0) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
         VALUES ($1, 'Bench', 'Bench', '', '', 0) RETURNING id",
    )
    .bind(account)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn run(db: Db, label: &str) {
    let company_id = company(&db).await;
    let filled = fill(&db, company_id).await;
    println!(
        "\n{label}: {SUBJECTS} subjects saved in {:.1} s (address_book::save, 1,000 per transaction)",
        filled.as_secs_f64()
    );
    measure(&db, company_id, label).await;
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    databases::on_each("bench", |db, label, _| run(db, label)).await;
}
