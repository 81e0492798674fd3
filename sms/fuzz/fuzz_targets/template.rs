//! Fuzz target over the template engine: `parse`, `check`, `tokens`,
//! `render` and `estimate`.
//!
//! Input: six header bytes, then the body (invalid UTF-8 is replaced by
//! U+FFFD). Bytes 0-1: the procedures, bit `i` for `Procedure::ALL[i]`
//! (byte 1 bit 7: values for the paths `dokument.numer` and
//! `kontrahent.nip` too). Bytes 2-5: two bits per macro of `Macro::ALL`,
//! its value: absent, blank, the example, the longest plausible value.
//!
//! Invariants (any violation panics, which libFuzzer reports as a crash):
//! * nothing panics;
//! * tokens cover the body in order without gaps, each on char boundaries,
//!   with UTF-16 offsets matching the bytes; error tokens are one brace;
//! * every problem of `check` is a problem of `render`, and its text is the
//!   body at its span; a render is sendable exactly when it has no problems;
//! * the body with its braces doubled (and no bracket alias in it) renders
//!   to itself, sendable, in any procedure;
//! * the estimate's minimum is at most its maximum.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sms::template::{check, estimate, parse, render, tokens};
use sms::{Context, Macro, Options, Procedure, TokenKind};

fn header(h: &[u8; 6]) -> (Vec<Procedure>, Context) {
    let mask = u16::from_le_bytes([h[0], h[1]]);
    let procedures = Procedure::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mask >> i & 1 != 0)
        .map(|(_, p)| p)
        .collect();
    let values = u32::from_le_bytes([h[2], h[3], h[4], h[5]]);
    let mut context = Context::new();
    for (i, m) in Macro::ALL.into_iter().enumerate() {
        let info = m.info();
        match values >> (2 * i) & 3 {
            0 => {}
            1 => context.insert(m.name(), " "),
            2 => context.insert(m.name(), info.example),
            _ => context.insert(m.name(), info.longest),
        }
    }
    if h[1] & 0x80 != 0 {
        context.insert("dokument.numer", "FS/1/2026");
        context.insert("kontrahent.nip", "");
    }
    (procedures, context)
}

fuzz_target!(|data: &[u8]| {
    let (procedures, context, body) = match data.split_first_chunk::<6>() {
        Some((h, rest)) => {
            let (p, c) = header(h);
            (p, c, String::from_utf8_lossy(rest))
        }
        None => (Vec::new(), Context::new(), String::from_utf8_lossy(data)),
    };
    let body: &str = &body;
    let t = parse(body);

    // tokens
    let ts = tokens(&t, &procedures);
    let (mut byte, mut utf16) = (0u32, 0u32);
    for token in &ts {
        let s = token.span;
        assert_eq!(
            (s.start, s.start_utf16),
            (byte, utf16),
            "gap before {token:?}"
        );
        assert!(s.end > s.start, "empty token {token:?}");
        let text = body
            .get(s.start as usize..s.end as usize)
            .expect("span on char boundaries");
        assert_eq!(
            (s.end_utf16 - s.start_utf16) as usize,
            text.encode_utf16().count()
        );
        if token.kind == TokenKind::Error {
            assert!(
                matches!(text, "{" | "}") && token.problem.is_some(),
                "{token:?}"
            );
        }
        (byte, utf16) = (s.end, s.end_utf16);
    }
    assert_eq!(byte as usize, body.len(), "tokens do not cover the body");

    // check and render
    let problems = check(&t, &procedures);
    let r = render(&t, &context, &procedures);
    for p in &problems {
        assert!(r.problems.contains(p), "{p:?} missing from the render");
        assert_eq!(&body[p.span.start as usize..p.span.end as usize], p.text);
    }
    assert_eq!(r.is_sendable(), r.problems.is_empty());
    assert_eq!(r.clone().into_result().is_ok(), r.is_sendable());

    // doubled braces
    if !body.contains("[klient]") && !body.contains("[nadawca]") {
        let escaped = body.replace('{', "{{").replace('}', "}}");
        let r = render(&parse(&escaped), &Context::new(), &procedures);
        assert!(r.is_sendable(), "{:?}", r.problems);
        assert_eq!(r.text, body);
    }

    // estimate
    let e = estimate(&t, &procedures, &Options::default());
    assert!(e.min_segments <= e.max_segments, "{e:?}");
});
