//! Property tests for `sms::template`.

use proptest::prelude::*;
use sms::template::{check, estimate, parse, render, tokens};
use sms::{analyze, Context, Macro, Options, Procedure, TokenKind};

/// Bodies biased towards the syntax: braces, `|`, line breaks, aliases,
/// macro names and paths, Polish letters, emoji, any char.
fn body() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        Just("|".to_owned()),
        Just("\n".to_owned()),
        Just("[klient]".to_owned()),
        Just("[nadawca]".to_owned()),
        Just("[".to_owned()),
        Just(".".to_owned()),
        Just("dokument.numer".to_owned()),
        Just("kontrahent.nip".to_owned()),
        proptest::sample::select(Macro::ALL.to_vec()).prop_map(|m| m.name().to_owned()),
        proptest::sample::select(vec!["ą", "ż", "Ł", "😀", "👨‍👩‍👧", "€", " "]).prop_map(str::to_owned),
        "[a-z_]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(fragment, 0..40).prop_map(|v| v.concat())
}

/// Any text without the bracket aliases (which would be macros).
fn plain_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>(),
            proptest::sample::select(vec!['{', '}', '[', ']', '|', 'ą', 'ł', '😀', '\n', 'a'])
        ],
        0..300,
    )
    .prop_map(|v| v.into_iter().collect::<String>())
    .prop_filter("no aliases", |s| {
        !s.contains("[klient]") && !s.contains("[nadawca]")
    })
}

fn procedures() -> impl Strategy<Value = Vec<Procedure>> {
    proptest::sample::subsequence(Procedure::ALL.to_vec(), 0..=Procedure::ALL.len())
}

/// Values for some macros and paths, some blank.
fn context() -> impl Strategy<Value = Context> {
    let key = prop_oneof![
        proptest::sample::select(Macro::ALL.to_vec()).prop_map(|m| m.name().to_owned()),
        Just("dokument.numer".to_owned()),
        Just("kontrahent.nip".to_owned()),
    ];
    let value = prop_oneof![Just(String::new()), Just(" ".to_owned()), ".{0,20}"];
    proptest::collection::btree_map(key, value, 0..10).prop_map(|map| {
        map.into_iter()
            .fold(Context::new(), |context, (k, v)| context.with(k, v))
    })
}

fn escape(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Parsing, checking, rendering, highlighting and estimating never
    /// panic; tokens cover the body in order, with spans on char boundaries
    /// whose UTF-16 offsets match the bytes; a render's problems include
    /// the check's and decide whether it is sendable.
    #[test]
    fn anything_goes(body in body(), procedures in procedures(), context in context()) {
        let t = parse(&body);
        let ts = tokens(&t, &procedures);
        let mut byte = 0;
        let mut utf16 = 0;
        for token in &ts {
            let span = token.span;
            prop_assert_eq!(span.start as usize, byte);
            prop_assert_eq!(span.start_utf16 as usize, utf16);
            prop_assert!(span.end > span.start);
            let text = body.get(span.start as usize..span.end as usize);
            prop_assert!(text.is_some(), "not on char boundaries: {:?}", span);
            let units = text.unwrap().encode_utf16().count();
            prop_assert_eq!((span.end_utf16 - span.start_utf16) as usize, units);
            prop_assert_eq!(token.kind == TokenKind::Error, matches!(text, Some("{" | "}")) && token.problem.is_some());
            byte = span.end as usize;
            utf16 = span.end_utf16 as usize;
        }
        prop_assert_eq!(byte, body.len());

        let static_problems = check(&t, &procedures);
        prop_assert_eq!(
            static_problems.len(),
            ts.iter().filter(|t| t.problem.is_some()).count()
        );
        let r = render(&t, &context, &procedures);
        for p in &static_problems {
            prop_assert!(r.problems.contains(p));
            prop_assert_eq!(&body[p.span.start as usize..p.span.end as usize], p.text.as_str());
        }
        prop_assert_eq!(r.is_sendable(), r.problems.is_empty());
        prop_assert_eq!(r.clone().into_result().is_ok(), r.is_sendable());

        let e = estimate(&t, &procedures, &Options::default());
        prop_assert!(e.min_segments <= e.max_segments);
    }

    /// Text with its braces doubled renders back to itself, with nothing to
    /// fill, in one text token; its estimate is exact and is what
    /// `analyze` says of the rendered text.
    #[test]
    fn text_without_macros_renders_as_itself(text in plain_text(), procedures in procedures()) {
        let body = escape(&text);
        let t = parse(&body);
        let r = render(&t, &Context::new(), &procedures);
        prop_assert!(r.is_sendable(), "{:?}", r.problems);
        prop_assert_eq!(&r.text, &text);
        let ts = tokens(&t, &procedures);
        prop_assert_eq!(ts.len(), usize::from(!body.is_empty()));
        let options = Options::default();
        let e = estimate(&t, &procedures, &options);
        let a = analyze(&r.text, &options);
        prop_assert_eq!(e.characters as usize, text.chars().count());
        prop_assert_eq!((e.min_segments, e.max_segments), (a.segments, a.segments));
    }

    /// With every macro at its example value, the rendered message has the
    /// estimate's characters and a part count within its bounds.
    #[test]
    fn estimate_matches_a_render_with_examples(
        texts in proptest::collection::vec(plain_text(), 1..6),
        macros in proptest::collection::vec(
            (proptest::sample::select(Macro::ALL.to_vec()), proptest::option::of("[^{}\n]{0,30}")),
            0..6,
        ),
    ) {
        let mut body = String::new();
        for (i, text) in texts.iter().enumerate() {
            body.push_str(&escape(text));
            if let Some((m, fallback)) = macros.get(i) {
                body.push('{');
                body.push_str(m.name());
                if let Some(f) = fallback {
                    body.push('|');
                    body.push_str(f);
                }
                body.push('}');
            }
        }
        let context = Macro::ALL
            .into_iter()
            .fold(Context::new(), |c, m| c.with(m.name(), m.info().example));
        let t = parse(&body);
        let r = render(&t, &context, &Procedure::ALL);
        prop_assert!(r.is_sendable(), "{:?}", r.problems);
        let options = Options::default();
        let e = estimate(&t, &Procedure::ALL, &options);
        let segments = analyze(&r.text, &options).segments;
        prop_assert_eq!(e.characters as usize, r.text.chars().count());
        prop_assert!(e.min_segments <= segments && segments <= e.max_segments);
    }
}
