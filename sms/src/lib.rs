//! Pure SMS logic shared by the Esemes server and the browser (wasm32).
//!
//! * [`encoding`]: GSM 03.38 / UCS-2 detection and segment (part) counting.
//! * [`phone`]: phone number normalization to E.164 (default region Poland).
//!
//! No I/O and no heavy dependencies: this crate ships to the browser, so
//! binary size matters. Public counts are `u32` so they look the same on
//! wasm32 and native targets when serialized.

pub mod encoding;
pub mod phone;

pub use encoding::{
    analyze, gsm7_septets, is_gsm7, Analysis, Encoding, EncodingChoice, NonGsmChar, Options,
    Reference,
};
pub use phone::{format_display, normalize, PhoneError};
