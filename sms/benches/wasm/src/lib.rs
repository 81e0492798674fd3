//! Exports for timing `sms::analyze` in the browser: the benchmark texts of
//! `sms/benches/texts.rs` and loops that run `analyze` N times.

use std::hint::black_box;

use sms::{analyze, Options};
use wasm_bindgen::prelude::*;

#[path = "../../texts.rs"]
mod texts;

/// The 1,530-character GSM-7 (ASCII) benchmark text.
#[wasm_bindgen]
pub fn text_gsm_1530() -> String {
    texts::text(texts::GSM, 1530)
}

/// The 1,530-character GSM-7 text with extension and non-ASCII characters.
#[wasm_bindgen]
pub fn text_gsm_extended_1530() -> String {
    texts::text(texts::GSM_EXTENDED, 1530)
}

/// The 1,530-character Polish (UCS-2) benchmark text.
#[wasm_bindgen]
pub fn text_polish_1530() -> String {
    texts::text(texts::POLISH, 1530)
}

/// Runs `analyze` `n` times on `text` (copied into wasm memory once).
#[wasm_bindgen]
pub fn analyze_n(text: &str, n: u32) {
    let options = Options::default();
    for _ in 0..n {
        black_box(analyze(black_box(text), black_box(&options)));
    }
}

/// One `analyze`, returning the part count: called from JavaScript once per
/// "keystroke", so the string copy from JS into wasm memory is included.
#[wasm_bindgen]
pub fn analyze_once(text: &str) -> u32 {
    analyze(text, &Options::default()).segments
}
