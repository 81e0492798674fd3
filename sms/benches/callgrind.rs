//! Instruction counts of `sms::analyze` under valgrind's callgrind: a count
//! of executed instructions does not depend on what else the machine is
//! doing, unlike criterion's wall-clock figures (`analyze.rs`).
//!
//! Picked up by cargo as a bench target with the default (libtest) harness,
//! so it needs no entry in `Cargo.toml`; `cargo bench` lists its one test as
//! ignored, and without `SMS_CG_TEXT` the test does nothing. The text and the
//! number of calls come from the environment:
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/sms-cg cargo bench -p sms --bench callgrind --no-run
//! # prints the binary, target/release/deps/callgrind-<hash>
//! SMS_CG_TEXT=polish_1530 SMS_CG_N=1000 valgrind --tool=callgrind \
//!     --callgrind-out-file=/tmp/cg.out <binary> --exact analyze_n_times --test-threads 1
//! ```
//!
//! Instructions per call = (total with N = 1000 − total with N = 0) / 1000:
//! the run with N = 0 builds the same text and starts the same harness, so
//! the difference is the calls alone. Texts: `gsm_1530`, `gsm_extended_1530`,
//! `polish_1530`, `polish_emoji_1530` (as in `analyze.rs`). Results:
//! `BENCHMARKS.md`, "SMS core".

use std::hint::black_box;

use sms::{analyze, Options};

#[path = "texts.rs"]
mod texts;

fn text(name: &str) -> String {
    match name {
        "gsm_1530" => texts::text(texts::GSM, 1530),
        "gsm_extended_1530" => texts::text(texts::GSM_EXTENDED, 1530),
        "polish_1530" => texts::text(texts::POLISH, 1530),
        // As in `analyze.rs`: an emoji every 307 characters takes the text
        // off the fast path (UAX #29 grapheme segmentation).
        "polish_emoji_1530" => texts::text(&format!("{}\u{1F642} ", texts::POLISH), 1530),
        other => panic!("unknown SMS_CG_TEXT {other:?}"),
    }
}

#[test]
fn analyze_n_times() {
    let Ok(name) = std::env::var("SMS_CG_TEXT") else {
        return;
    };
    let n: usize = std::env::var("SMS_CG_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let text = text(&name);
    assert_eq!(text.chars().count(), 1530);
    let options = Options::default();
    let mut parts = 0;
    for _ in 0..n {
        parts += black_box(analyze(black_box(&text), &options)).segments;
    }
    println!("{name}: {n} calls, {} chars", text.chars().count());
    black_box(parts);
}
