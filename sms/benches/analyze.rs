//! Criterion benchmarks of the sms core: `analyze` on short, 1,530-character
//! and 10,000-character texts; `split` and `transliterate` on the
//! 1,530-character Polish text; and, for reference, plain char and
//! grapheme-cluster iteration over that text.
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/sms-c cargo bench -p sms --bench analyze
//! ```
//!
//! Warm-up 1 s and measurement 3 s per benchmark are set below (override on
//! the command line after `--`, e.g. `-- --measurement-time 10`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sms::{analyze, split, transliterate, LanguageSet, Options};

#[path = "texts.rs"]
mod texts;

fn bench_analyze(c: &mut Criterion) {
    let auto = Options::default();
    let national = Options {
        national: LanguageSet::ALL,
        ..Options::default()
    };
    // An emoji takes the Polish text off the fast path: grapheme clusters
    // (UAX #29) are segmented.
    let polish_emoji = format!("{}\u{1F642} ", texts::POLISH);
    let cases: [(&str, String, &Options); 9] = [
        ("short_gsm_60", texts::short_gsm(), &auto),
        ("short_polish_60", texts::short_polish(), &auto),
        ("gsm_1530", texts::text(texts::GSM, 1530), &auto),
        (
            "gsm_extended_1530",
            texts::text(texts::GSM_EXTENDED, 1530),
            &auto,
        ),
        ("polish_1530", texts::text(texts::POLISH, 1530), &auto),
        ("polish_emoji_1530", texts::text(&polish_emoji, 1530), &auto),
        (
            "polish_1530_national_all",
            texts::text(texts::POLISH, 1530),
            &national,
        ),
        ("gsm_10000", texts::text(texts::GSM, 10_000), &auto),
        ("polish_10000", texts::text(texts::POLISH, 10_000), &auto),
    ];
    let mut group = c.benchmark_group("analyze");
    for (name, text, options) in &cases {
        group.throughput(Throughput::Elements(text.chars().count() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| analyze(black_box(text), black_box(options)))
        });
    }
    group.finish();
}

fn bench_split_transliterate(c: &mut Criterion) {
    let auto = Options::default();
    let polish = texts::text(texts::POLISH, 1530);
    let mut group = c.benchmark_group("polish_1530");
    group.throughput(Throughput::Elements(1530));
    group.bench_function("split", |b| {
        b.iter(|| split(black_box(&polish), black_box(&auto)).unwrap())
    });
    group.bench_function("transliterate", |b| {
        b.iter(|| transliterate(black_box(&polish), black_box(&auto)))
    });
    group.finish();
}

/// Reference points, not the crate's code: what iterating the 1,530-char
/// Polish text costs by chars and by grapheme clusters (UAX #29, the
/// `unicode-segmentation` crate `analyze` uses when a text has characters
/// other than Latin below U+0300 and the GSM-7 tables').
fn bench_reference(c: &mut Criterion) {
    use unicode_segmentation::UnicodeSegmentation;
    let polish = texts::text(texts::POLISH, 1530);
    let mut group = c.benchmark_group("reference_polish_1530");
    group.throughput(Throughput::Elements(1530));
    group.bench_function("chars_count", |b| {
        b.iter(|| black_box(&polish).chars().count())
    });
    group.bench_function("graphemes_count", |b| {
        b.iter(|| black_box(&polish).graphemes(true).count())
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_analyze, bench_split_transliterate, bench_reference
}
criterion_main!(benches);
