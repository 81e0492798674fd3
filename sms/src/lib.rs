//! Pure SMS logic shared by the Esemes server and the browser (wasm32).
//!
//! * [`encoding`]: GSM 03.38 / UCS-2 detection and segment (part) counting.
//! * [`national`]: national language shift tables (Turkish, Spanish,
//!   Portuguese).
//! * [`split`](mod@split): the parts as submitted (user data headers, packed
//!   septets or UTF-16BE).
//! * [`phone`]: phone number normalization to E.164 (default region Poland).
//! * [`transliterate`](mod@transliterate): "send without Polish characters",
//!   GSM look-alikes that never cost more parts.
//! * [`reply`]: STOP and START replies.
//! * [`quiet`]: quiet hours, when marketing may go.
//! * [`procedure`]: the places SMS are sent from and the macros each offers.
//! * [`template`]: templates with macros, parsed once and rendered per
//!   recipient, with located problems, highlighting tokens and estimates.
//!
//! No I/O and no heavy dependencies: this crate ships to the browser, so
//! binary size matters. Public counts are `u32` so they look the same on
//! wasm32 and native targets when serialized.

pub mod encoding;
pub mod national;
pub mod phone;
pub mod quiet;
pub mod receive;
pub mod reply;
pub mod sender;
pub mod split;
pub mod transliterate;

pub use encoding::{
    analyze, gsm7_septets, is_gsm7, Analysis, Encoding, EncodingChoice, NonGsmChar, Options,
    Reference,
};
pub use encoding::{udh_octets, SmsError, MAX_CONCATENATED_PARTS, USER_DATA_OCTETS};
pub use national::{Language, LanguageSet, NationalTables};
pub use phone::{format_display, normalize, phone_after_choice, PhoneError};
pub use split::{split, split_with_reference, Part, Payload};
pub use transliterate::{transliterate, Change, Transliteration};

pub mod procedure;
pub mod template;

pub use procedure::{macros_for, Localized, Macro, MacroGroup, MacroInfo, Procedure, Source};
pub use template::value::{Date, DateTime, Money, Value};
pub use template::{
    Context, Estimate, Piece, Problem, ProblemKind, RenderError, Rendered, Span, Template, Token,
    TokenKind,
};
