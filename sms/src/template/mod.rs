//! SMS templates: parse once, render per recipient.
//!
//! # Syntax
//!
//! * `{name}`: a macro of [`crate::procedure`] (`{numer_dokumentu}`), or a
//!   path to a field the host ERP pushed (`{dokument.numer}`,
//!   `{kontrahent.nip}`: a root of [`Source::path_root`], then segments of
//!   letters, digits and `_`).
//! * `{name|fallback}`: the fallback is written when the value is blank or
//!   absent (`{imie|Szanowni Państwo}`; `{imie|}` writes nothing). It runs to
//!   the closing `}` and may hold any character but braces and line breaks.
//! * `[klient]` and `[nadawca]`, the variables of notification texts, are
//!   the macros `{nazwa}` and `{nadawca}`. Other square brackets are text.
//! * `{{` and `}}` are a literal `{` and `}`.
//! * A `{` not closed on its line (before the next `{` or line break) and a
//!   lone `}` are errors; the text after them is still parsed, so the
//!   editor flags the one character and goes on highlighting.
//!
//! Names are matched exactly (lowercase, no Polish letters: `{imie}`).
//!
//! # Problems
//!
//! [`check`] finds what is wrong whatever the values: brace errors, unknown
//! macros, macros none of the template's procedures offers. [`render`] adds
//! a macro without a value and without a fallback. Each [`Problem`] carries
//! its [`Span`] in bytes (for Rust) and UTF-16 code units (a textarea's
//! `selectionStart`). A message with problems is not sendable
//! ([`Rendered::into_result`]); its text still shows the failing macros as
//! written, so a preview points at them.
//!
//! # Procedures
//!
//! A macro is available when any of the given procedures offers it, a path
//! when any has its source. The editor passes the template's procedures
//! (what may be inserted); the server passes the one procedure it sends
//! from, so a macro that procedure cannot fill is refused even if another
//! procedure of the template could.

pub mod value;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::encoding::{analyze, Options};
use crate::procedure::{Localized, Macro, Procedure, Source, BRACKET_ALIASES};
use value::Value;

/// A range of the template body, `[start, end)`, in bytes and in UTF-16
/// code units.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub start_utf16: u32,
    pub end_utf16: u32,
}

/// What a macro name refers to.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Macro(Macro),
    /// A field path under the root of this source.
    Path(Source),
    Unknown,
}

/// A brace the parser could not pair.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SyntaxError {
    UnclosedBrace,
    StrayClosingBrace,
}

/// A parsed piece of a template, in body order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Piece {
    /// Literal text, `{{` and `}}` already reduced to one brace.
    Text {
        text: String,
        span: Span,
    },
    Macro {
        /// Key of the value in the [`Context`]: the macro's name or the
        /// path (`nazwa` for `[klient]`).
        name: String,
        target: Target,
        fallback: Option<String>,
        /// As written in the body: `{imie|Szanowni Państwo}`, `[klient]`.
        written: String,
        span: Span,
    },
    Error {
        error: SyntaxError,
        span: Span,
    },
}

/// A parsed template body.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

/// Values for one recipient, keyed by macro name (`nazwa`,
/// `data_wystawienia`) or path (`dokument.numer`). Aliases are never keys:
/// `[klient]` reads `nazwa`. Serialized as a plain map.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(transparent)]
pub struct Context {
    pub values: BTreeMap<String, Value>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.values.insert(key.into(), value.into());
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Context {
        self.insert(key, value);
        self
    }
}

/// What is wrong, with the name (the [`Context`] key) where a macro is
/// concerned.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    UnknownMacro {
        name: String,
    },
    /// Known, but none of the procedures offers it.
    UnavailableMacro {
        name: String,
    },
    /// The context has no value and the macro no fallback.
    MissingValue {
        name: String,
    },
    /// The value is blank and the macro has no fallback.
    EmptyValue {
        name: String,
    },
    UnclosedBrace,
    StrayClosingBrace,
}

/// A problem at a place in the body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    /// The body's text at `span` (`{imie}`, `{`).
    pub text: String,
}

impl Problem {
    /// A sentence for the operator.
    pub fn message(&self) -> Localized<String> {
        let t = &self.text;
        let (pl, en) = match &self.kind {
            ProblemKind::UnknownMacro { .. } => {
                (format!("Nieznane makro {t}"), format!("Unknown macro {t}"))
            }
            ProblemKind::UnavailableMacro { .. } => (
                format!("Makro {t} nie jest dostępne w tej procedurze"),
                format!("Macro {t} is not available in this procedure"),
            ),
            ProblemKind::MissingValue { .. } => (
                format!("Brak danych dla makra {t}"),
                format!("No data for macro {t}"),
            ),
            ProblemKind::EmptyValue { name } => (
                format!("Makro {t} jest puste (dodaj wartość zastępczą: {{{name}|…}})"),
                format!("Macro {t} is empty (add a fallback: {{{name}|…}})"),
            ),
            ProblemKind::UnclosedBrace => (
                "Niezamknięty nawias „{”: zamknij makro „}” albo napisz „{{”, by wstawić sam nawias"
                    .to_owned(),
                "Unclosed “{”: close the macro with “}” or write “{{” for a brace".to_owned(),
            ),
            ProblemKind::StrayClosingBrace => (
                "Nawias „}” bez pary: napisz „}}”, by wstawić sam nawias".to_owned(),
                "“}” without “{”: write “}}” for a brace".to_owned(),
            ),
        };
        Localized { pl, en }
    }
}

/// A message for one recipient.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The text to send; failing macros and braces stay as written.
    pub text: String,
    /// In body order; empty when the message may be sent.
    pub problems: Vec<Problem>,
}

impl Rendered {
    pub fn is_sendable(&self) -> bool {
        self.problems.is_empty()
    }

    /// The text, or why it must not be sent.
    pub fn into_result(self) -> Result<String, RenderError> {
        if self.problems.is_empty() {
            Ok(self.text)
        } else {
            Err(RenderError {
                problems: self.problems,
            })
        }
    }
}

/// Why a rendered message is refused.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    pub problems: Vec<Problem>,
}

impl core::fmt::Display for RenderError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            f.write_str(if i == 0 { "" } else { "; " })?;
            f.write_str(&problem.message().en)?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderError {}

/// How a piece of the body should look in the editor.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Text,
    Macro,
    Error,
}

/// A highlighted span of the body; `problem` set for unknown or unavailable
/// macros and brace errors.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    pub problem: Option<ProblemKind>,
}

/// "Template has N characters" and how many SMS it may take.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Characters with every macro at its example value.
    pub characters: u32,
    pub min_segments: u32,
    pub max_segments: u32,
}

/// Parses a template body. Never fails: errors become [`Piece::Error`].
pub fn parse(body: &str) -> Template {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut text_start = Cursor::default();
    let mut at = Cursor::default();
    while let Some(c) = body[at.byte..].chars().next() {
        let rest = &body[at.byte..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            text.push(c);
            at = at.ascii(2);
            continue;
        }
        match piece_at(rest, at) {
            None => {
                text.push(c);
                at = at.char(c);
            }
            Some((piece, next)) => {
                flush(&mut pieces, &mut text, text_start, at);
                pieces.push(piece);
                at = next;
                text_start = next;
            }
        }
    }
    flush(&mut pieces, &mut text, text_start, at);
    Template { pieces }
}

/// The macro or brace error `rest` (the body from `at` on, past any
/// doubled brace) starts with, and where it ends; `None` for text.
fn piece_at(rest: &str, at: Cursor) -> Option<(Piece, Cursor)> {
    let error = |error| {
        let next = at.ascii(1);
        let span = span(at, next);
        Some((Piece::Error { error, span }, next))
    };
    let (name, target, fallback, written) = match *rest.as_bytes().first()? {
        b'}' => return error(SyntaxError::StrayClosingBrace),
        b'[' => {
            let &(written, m) = BRACKET_ALIASES.iter().find(|(a, _)| rest.starts_with(a))?;
            (m.name(), Target::Macro(m), None, written)
        }
        // A macro ends at the first `}`; a `{` or line break first means
        // this brace is unclosed.
        b'{' => match rest[1..].find(['{', '}', '\n']) {
            Some(k) if rest.as_bytes()[1 + k] == b'}' => {
                let inner = &rest[1..k + 1];
                let (name, fallback) = match inner.split_once('|') {
                    Some((name, fallback)) => (name, Some(fallback.to_owned())),
                    None => (inner, None),
                };
                (name, resolve(name), fallback, &rest[..k + 2])
            }
            _ => return error(SyntaxError::UnclosedBrace),
        },
        _ => return None,
    };
    let next = at.advance(written);
    let piece = Piece::Macro {
        name: name.to_owned(),
        target,
        fallback,
        written: written.to_owned(),
        span: span(at, next),
    };
    Some((piece, next))
}

/// The problems of `template` whatever the values: brace errors, unknown
/// macros, macros `procedures` do not offer. What the editor shows before
/// saving.
pub fn check(template: &Template, procedures: &[Procedure]) -> Vec<Problem> {
    template
        .pieces
        .iter()
        .filter_map(|piece| piece_problem(piece, procedures))
        .collect()
}

/// The message for one recipient: `context` fills the macros `procedures`
/// offer.
pub fn render(template: &Template, context: &Context, procedures: &[Procedure]) -> Rendered {
    let mut text = String::new();
    let mut problems = Vec::new();
    for piece in &template.pieces {
        if let Some(problem) = piece_problem(piece, procedures) {
            text.push_str(&problem.text);
            problems.push(problem);
            continue;
        }
        match piece {
            Piece::Text { text: t, .. } => text.push_str(t),
            Piece::Macro {
                name,
                fallback,
                written,
                span,
                ..
            } => {
                let value = context.values.get(name.as_str());
                match (value.and_then(Value::format), fallback) {
                    (Some(v), _) => text.push_str(&v),
                    (None, Some(f)) => text.push_str(f),
                    (None, None) => {
                        let name = name.clone();
                        let kind = match value {
                            None => ProblemKind::MissingValue { name },
                            Some(_) => ProblemKind::EmptyValue { name },
                        };
                        text.push_str(written);
                        problems.push(Problem {
                            kind,
                            span: *span,
                            text: written.clone(),
                        });
                    }
                }
            }
            // Always a problem, handled above.
            Piece::Error { .. } => {}
        }
    }
    Rendered { text, problems }
}

/// The body split for highlighting, covering it without gaps, in order.
pub fn tokens(template: &Template, procedures: &[Procedure]) -> Vec<Token> {
    template
        .pieces
        .iter()
        .map(|piece| {
            let (kind, span) = match piece {
                Piece::Text { span, .. } => (TokenKind::Text, *span),
                Piece::Macro { span, .. } => (TokenKind::Macro, *span),
                Piece::Error { span, .. } => (TokenKind::Error, *span),
            };
            let problem = piece_problem(piece, procedures).map(|p| p.kind);
            Token {
                kind,
                span,
                problem,
            }
        })
        .collect()
}

/// The editor's estimate. Each macro is expanded three ways and each
/// expansion counted with [`analyze`] under `options`:
///
/// * typical: the example value (this gives `characters`);
/// * short: the shorter of the plausible shortest value and the fallback
///   (the value may be blank);
/// * long: the longer of the plausible longest value and the fallback.
///
/// `min_segments` and `max_segments` are the least and most of the three
/// (a short value can still cost more, e.g. one with a Polish letter). A
/// path, whose field is unknown here, and anything with a problem count as
/// written.
pub fn estimate(template: &Template, procedures: &[Procedure], options: &Options) -> Estimate {
    let mut texts = [String::new(), String::new(), String::new()];
    for piece in &template.pieces {
        let problem = piece_problem(piece, procedures);
        let expansions: [&str; 3] = match (piece, &problem) {
            (Piece::Text { text, .. }, _) => [text; 3],
            (
                Piece::Macro {
                    target: Target::Macro(m),
                    fallback,
                    ..
                },
                None,
            ) => {
                let info = m.info();
                let chars = |s: &&str| s.chars().count();
                let fallback = fallback.as_deref();
                let short = fallback
                    .into_iter()
                    .chain([info.shortest])
                    .min_by_key(chars);
                let long = fallback.into_iter().chain([info.longest]).max_by_key(chars);
                [
                    info.example,
                    short.unwrap_or(info.shortest),
                    long.unwrap_or(info.longest),
                ]
            }
            (Piece::Macro { written, .. }, None) => [written; 3],
            _ => [problem.as_ref().map_or("", |p| p.text.as_str()); 3],
        };
        for (text, expansion) in texts.iter_mut().zip(expansions) {
            text.push_str(expansion);
        }
    }
    let segments = texts.each_ref().map(|t| analyze(t, options).segments);
    Estimate {
        characters: to_u32(texts[0].chars().count()),
        min_segments: segments.iter().copied().min().unwrap_or(0),
        max_segments: segments.iter().copied().max().unwrap_or(0),
    }
}

/// Ends the pending literal text, if any, as a piece from `start` to `end`.
fn flush(pieces: &mut Vec<Piece>, text: &mut String, start: Cursor, end: Cursor) {
    if !text.is_empty() {
        pieces.push(Piece::Text {
            text: std::mem::take(text),
            span: span(start, end),
        });
    }
}

/// The problem a piece has whatever the values.
fn piece_problem(piece: &Piece, procedures: &[Procedure]) -> Option<Problem> {
    let (kind, span, text) = match piece {
        Piece::Text { .. } => return None,
        Piece::Error { error, span } => {
            let (kind, text) = match error {
                SyntaxError::UnclosedBrace => (ProblemKind::UnclosedBrace, "{"),
                SyntaxError::StrayClosingBrace => (ProblemKind::StrayClosingBrace, "}"),
            };
            (kind, span, text)
        }
        Piece::Macro {
            name,
            target,
            written,
            span,
            ..
        } => {
            let available = match *target {
                Target::Macro(m) => procedures.iter().any(|p| p.offers(m)),
                Target::Path(source) => procedures.iter().any(|p| p.has_source(source)),
                Target::Unknown => {
                    let kind = ProblemKind::UnknownMacro { name: name.clone() };
                    return Some(Problem {
                        kind,
                        span: *span,
                        text: written.clone(),
                    });
                }
            };
            if available {
                return None;
            }
            (
                ProblemKind::UnavailableMacro { name: name.clone() },
                span,
                written.as_str(),
            )
        }
    };
    Some(Problem {
        kind,
        span: *span,
        text: text.to_owned(),
    })
}

fn resolve(name: &str) -> Target {
    if let Some(m) = Macro::from_name(name) {
        return Target::Macro(m);
    }
    let Some((root, path)) = name.split_once('.') else {
        return Target::Unknown;
    };
    let segment_ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    match Source::from_path_root(root) {
        Some(source) if path.split('.').all(segment_ok) => Target::Path(source),
        _ => Target::Unknown,
    }
}

/// A position in the body, in bytes and UTF-16 units.
#[derive(Clone, Copy, Default)]
struct Cursor {
    byte: usize,
    utf16: usize,
}

impl Cursor {
    /// Past `n` ASCII bytes.
    fn ascii(self, n: usize) -> Cursor {
        Cursor {
            byte: self.byte + n,
            utf16: self.utf16 + n,
        }
    }

    fn char(self, c: char) -> Cursor {
        Cursor {
            byte: self.byte + c.len_utf8(),
            utf16: self.utf16 + c.len_utf16(),
        }
    }

    fn advance(self, text: &str) -> Cursor {
        text.chars().fold(self, Cursor::char)
    }
}

fn span(start: Cursor, end: Cursor) -> Span {
    Span {
        start: to_u32(start.byte),
        end: to_u32(end.byte),
        start_utf16: to_u32(start.utf16),
        end_utf16: to_u32(end.utf16),
    }
}

/// Saturating: a body over 4 GiB is not a template, but must not panic.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
