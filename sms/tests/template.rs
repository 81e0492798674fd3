//! Parser and renderer of `sms::template`.

use sms::template::{check, estimate, parse, render, tokens};
use sms::{
    analyze, Context, Date, Money, Options, Piece, ProblemKind, Procedure, Span, TokenKind, Value,
};

const INVOICE: &[Procedure] = &[Procedure::SalesInvoiceForm];

fn invoice_context() -> Context {
    Context::new()
        .with("nazwa", "Kowalski i Syn")
        .with("imie", "")
        .with("numer_dokumentu", "FS/12/2026")
        .with("termin_platnosci", Date::parse_iso("2026-12-07").unwrap())
        .with("pozostalo_do_zaplaty", Money::new(123456, "PLN"))
        .with("nadawca", "ZEFIR")
        .with("dokument.numer", "FS/12/2026")
}

fn kinds(problems: &[sms::Problem]) -> Vec<ProblemKind> {
    problems.iter().map(|p| p.kind.clone()).collect()
}

fn name(s: &str) -> String {
    s.to_owned()
}

#[test]
fn payment_reminder() {
    let t = parse(
        "Dzień dobry {imie|Szanowni Państwo}, do zapłaty za {numer_dokumentu} pozostało \
         {pozostalo_do_zaplaty}, termin {termin_platnosci}. [nadawca]",
    );
    let r = render(&t, &invoice_context(), INVOICE);
    assert_eq!(
        r.text,
        "Dzień dobry Szanowni Państwo, do zapłaty za FS/12/2026 pozostało 1 234,56 zł, \
         termin 07.12.2026. ZEFIR"
    );
    assert!(r.is_sendable());
    assert_eq!(r.clone().into_result(), Ok(r.text));
}

#[test]
fn doubled_braces_are_literal() {
    let context = Context::new().with("nazwa", "X");
    let r = render(&parse("{{nazwa}} {{{nazwa}}} }}{{"), &context, INVOICE);
    assert_eq!(r.text, "{nazwa} {X} }{");
    assert!(r.is_sendable());
    // `{{{` is `{{` then a macro; `}}}` closes the macro, then `}}`.
    let r = render(&parse("a{{{nazwa}}}b"), &context, INVOICE);
    assert_eq!(r.text, "a{X}b");
}

#[test]
fn fallbacks() {
    let context = Context::new()
        .with("imie", "   ")
        .with("nazwa", " Jan Nowak ")
        .with("firma", "Zefir");
    let cases = [
        ("{imie|Szanowni Państwo}", "Szanowni Państwo"),
        ("{przedstawiciel|Klient}", "Klient"), // absent
        ("Witaj{imie|}!", "Witaj!"),           // empty fallback writes nothing
        ("{nazwa|ktoś}", "Jan Nowak"),         // trimmed value wins
        ("{firma|a|b}", "Zefir"),
        ("{przedstawiciel|a|b}", "a|b"), // only the first `|` separates
        ("{imie|Zażółć gęślą jaźń 😀}", "Zażółć gęślą jaźń 😀"),
        ("{imie| [klient] }", " [klient] "), // no macros inside a fallback
    ];
    for (body, expected) in cases {
        let r = render(&parse(body), &context, &[Procedure::ContractorForm]);
        assert_eq!(r.text, expected, "{body}");
        assert!(r.is_sendable(), "{body}: {:?}", r.problems);
    }
}

#[test]
fn empty_or_missing_value_without_fallback_is_refused() {
    let context = Context::new().with("imie", " ");
    let r = render(&parse("Dzień dobry {imie}, {telefon}"), &context, INVOICE);
    assert_eq!(r.text, "Dzień dobry {imie}, {telefon}");
    assert_eq!(
        kinds(&r.problems),
        [
            ProblemKind::EmptyValue { name: name("imie") },
            ProblemKind::MissingValue {
                name: name("telefon")
            },
        ]
    );
    assert_eq!(r.problems[1].text, "{telefon}");
    let err = r.into_result().unwrap_err();
    assert_eq!(
        err.to_string(),
        "Macro {imie} is empty (add a fallback: {imie|…}); No data for macro {telefon}"
    );
    assert_eq!(
        err.problems[0].message().pl,
        "Makro {imie} jest puste (dodaj wartość zastępczą: {imie|…})"
    );
}

#[test]
fn unknown_and_unavailable_macros() {
    let body =
        "{numer_dokumentu} {zadanie} {Nazwa} {imię} { nazwa} {} {|x} {dokument.} {faktura.numer}";
    let t = parse(body);
    let problems = check(&t, &[Procedure::ContractorList]);
    let unknown = |n: &str| ProblemKind::UnknownMacro { name: name(n) };
    let unavailable = |n: &str| ProblemKind::UnavailableMacro { name: name(n) };
    assert_eq!(
        kinds(&problems),
        [
            unavailable("numer_dokumentu"),
            unavailable("zadanie"),
            unknown("Nazwa"),
            unknown("imię"),
            unknown(" nazwa"),
            unknown(""),
            unknown(""),
            unknown("dokument."),
            unknown("faktura.numer"),
        ]
    );
    // The union of the template's procedures is what the editor checks.
    let both = [Procedure::ContractorList, Procedure::SalesInvoiceList];
    assert_eq!(check(&t, &both).len(), 8);
    // No procedure, nothing available.
    assert_eq!(check(&parse("{nazwa}"), &[]).len(), 1);
}

#[test]
fn procedure_restriction_at_render() {
    // A template attached to two procedures: the server renders for the one
    // sending, which cannot fill the document's macros.
    let t = parse("{nazwa}: {numer_dokumentu}");
    let r = render(&t, &invoice_context(), &[Procedure::ContractorForm]);
    assert_eq!(
        kinds(&r.problems),
        [ProblemKind::UnavailableMacro {
            name: name("numer_dokumentu")
        }]
    );
    let r = render(&t, &invoice_context(), &[Procedure::SalesInvoiceList]);
    assert_eq!(r.text, "Kowalski i Syn: FS/12/2026");
    // An order has no payment due.
    let r = render(
        &parse("{termin_platnosci}"),
        &invoice_context(),
        &[Procedure::OrderForm],
    );
    assert!(!r.is_sendable());
}

#[test]
fn bracket_aliases() {
    let t = parse("Dla [klient] od [nadawca]. [Klient] [klient [inne] [[klient]]");
    let context = Context::new()
        .with("nazwa", "Jan Nowak")
        .with("nadawca", "US Kraków");
    let r = render(&t, &context, &[Procedure::Notifications]);
    assert_eq!(
        r.text,
        "Dla Jan Nowak od US Kraków. [Klient] [klient [inne] [Jan Nowak]"
    );
    assert!(r.is_sendable());
    // The context key is the macro's name; `klient` is not one.
    let r = render(
        &parse("[klient]"),
        &Context::new().with("klient", "x"),
        &[Procedure::Notifications],
    );
    assert_eq!(
        kinds(&r.problems),
        [ProblemKind::MissingValue {
            name: name("nazwa")
        }]
    );
    assert_eq!(r.problems[0].text, "[klient]");
}

#[test]
fn paths() {
    let t = parse("{dokument.numer} {kontrahent.nip|brak NIP} {kontrahent.adres.ulica_1}");
    assert!(t.pieces.iter().all(|p| !matches!(
        p,
        Piece::Macro {
            target: sms::template::Target::Unknown,
            ..
        }
    )));
    let context = invoice_context().with("kontrahent.adres.ulica_1", "Długa 5");
    let r = render(&t, &context, INVOICE);
    assert_eq!(r.text, "FS/12/2026 brak NIP Długa 5");
    assert!(r.is_sendable());
    // Document paths need a document procedure.
    let r = render(
        &parse("{dokument.numer}"),
        &context,
        &[Procedure::ContractorForm],
    );
    assert_eq!(
        kinds(&r.problems),
        [ProblemKind::UnavailableMacro {
            name: name("dokument.numer")
        }]
    );
    // The sender has no fields.
    assert!(!check(&parse("{nadawca.x}"), INVOICE).is_empty());
    // Values of every kind.
    let context = Context::new()
        .with(
            "dokument.termin",
            sms::DateTime::parse_iso("2026-11-23T09:05").unwrap(),
        )
        .with("dokument.kwota", Value::Money(Money::new(-1200, "eur")));
    let r = render(
        &parse("{dokument.termin}, {dokument.kwota}"),
        &context,
        INVOICE,
    );
    assert_eq!(r.text, "23.11.2026 09:05, -12,00 EUR");
}

#[test]
fn brace_errors_are_located_and_parsing_goes_on() {
    let t = parse("a } b {nazwa\n{firma} {x{nazwa}");
    let r = render(
        &t,
        &Context::new().with("nazwa", "N").with("firma", "F"),
        INVOICE,
    );
    assert_eq!(
        kinds(&r.problems),
        [
            ProblemKind::StrayClosingBrace,
            ProblemKind::UnclosedBrace,
            ProblemKind::UnclosedBrace,
        ]
    );
    let starts: Vec<u32> = r.problems.iter().map(|p| p.span.start).collect();
    assert_eq!(starts, [2, 6, 21]);
    assert_eq!(r.text, "a } b {nazwa\nF {xN");
    assert_eq!(
        kinds(&check(&parse("{nazwa"), INVOICE)),
        [ProblemKind::UnclosedBrace]
    );
    assert_eq!(
        kinds(&check(&parse("}"), INVOICE)),
        [ProblemKind::StrayClosingBrace]
    );
}

#[test]
fn positions_with_polish_letters_and_emoji() {
    let body = "Zażółć 😀 {imię} ok";
    let problems = check(&parse(body), INVOICE);
    assert_eq!(problems.len(), 1);
    let span = problems[0].span;
    let start = body.find('{').unwrap();
    assert_eq!(span.start as usize, start);
    assert_eq!(span.end as usize, start + "{imię}".len());
    assert_eq!(&body[span.start as usize..span.end as usize], "{imię}");
    // UTF-16: "Zażółć " is 7 units, the emoji a surrogate pair, then a space.
    assert_eq!((span.start_utf16, span.end_utf16), (10, 16));
    assert_eq!(
        span,
        Span {
            start: 16,
            end: 23,
            start_utf16: 10,
            end_utf16: 16
        }
    );
}

#[test]
fn tokens_cover_the_body_and_flag_problems() {
    let body = "Hej {{😀}} {nazwa}, {xyz} [klient] {numer_dokumentu} }";
    let ts = tokens(&parse(body), &[Procedure::ContractorForm]);
    let summary: Vec<(TokenKind, &str, bool)> = ts
        .iter()
        .map(|t| {
            let s = &body[t.span.start as usize..t.span.end as usize];
            (t.kind, s, t.problem.is_some())
        })
        .collect();
    assert_eq!(
        summary,
        [
            (TokenKind::Text, "Hej {{😀}} ", false),
            (TokenKind::Macro, "{nazwa}", false),
            (TokenKind::Text, ", ", false),
            (TokenKind::Macro, "{xyz}", true),
            (TokenKind::Text, " ", false),
            (TokenKind::Macro, "[klient]", false),
            (TokenKind::Text, " ", false),
            (TokenKind::Macro, "{numer_dokumentu}", true),
            (TokenKind::Text, " ", false),
            (TokenKind::Error, "}", true),
        ]
    );
    let utf16: Vec<u16> = body.encode_utf16().collect();
    assert_eq!(ts.last().unwrap().span.end_utf16 as usize, utf16.len());
    assert!(tokens(&parse(""), INVOICE).is_empty());
}

#[test]
fn estimate_uses_examples_and_bounds() {
    let options = Options::default();
    // No macros: exact.
    let e = estimate(&parse("Dzień dobry"), INVOICE, &options);
    assert_eq!((e.characters, e.min_segments, e.max_segments), (11, 1, 1));
    // {numer_dokumentu} example "FS/123/2026" (11 chars).
    let e = estimate(&parse("Faktura {numer_dokumentu}"), INVOICE, &options);
    assert_eq!(e.characters, 8 + 11);
    // The longest subject name has Polish letters: UCS-2, 70 a part.
    let body = format!("{}{{nazwa}}", "x".repeat(60));
    let e = estimate(&parse(&body), INVOICE, &options);
    assert_eq!((e.min_segments, e.max_segments), (1, 2));
    // A fallback counts when shorter or longer than the plausible values.
    let e = estimate(&parse("{imie|}"), INVOICE, &options);
    assert_eq!((e.characters, e.min_segments), (3, 0));
    let long = format!("{{imie|{}}}", "a".repeat(200));
    let e = estimate(&parse(&long), INVOICE, &options);
    assert_eq!((e.characters, e.max_segments), (3, 2));
    // Problems and paths count as written.
    let e = estimate(&parse("{xyz} {dokument.numer} }"), INVOICE, &options);
    assert_eq!(e.characters, 5 + 1 + 16 + 2);
}

#[test]
fn estimate_brackets_a_render_with_example_values() {
    let body = "Dzień dobry {imie|Państwu}, faktura {numer_dokumentu} z {data_wystawienia} na \
                {kwota_brutto}, do zapłaty {pozostalo_do_zaplaty}. {firma}";
    let t = parse(body);
    let mut context = Context::new();
    for m in Procedure::SalesInvoiceForm.macros() {
        context.insert(m.name(), m.info().example);
    }
    let r = render(&t, &context, INVOICE);
    assert!(r.is_sendable());
    let e = estimate(&t, INVOICE, &Options::default());
    assert_eq!(e.characters as usize, r.text.chars().count());
    let segments = analyze(&r.text, &Options::default()).segments;
    assert!(e.min_segments <= segments && segments <= e.max_segments);
}

#[test]
fn serde_round_trip() {
    let t = parse("Hej {imie|Państwu} [klient] {dokument.numer} } {");
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<sms::Template>(&json).unwrap(), t);
    let context = invoice_context();
    let json = serde_json::to_string(&context).unwrap();
    assert!(
        json.starts_with(r#"{"dokument.numer":{"text":"FS/12/2026"}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Context>(&json).unwrap(), context);
    let r = render(&t, &context, INVOICE);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""kind":"stray_closing_brace""#), "{json}");
    assert_eq!(serde_json::from_str::<sms::Rendered>(&json).unwrap(), r);
}
