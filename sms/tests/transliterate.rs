//! Tests for `sms::transliterate` ("send without Polish characters").

use proptest::prelude::*;
use sms::transliterate::replacement;
use sms::{
    analyze, is_gsm7, transliterate, Change, Encoding, EncodingChoice, Options, Reference,
    Transliteration,
};

fn auto() -> Options {
    Options::default()
}

fn forced_ucs2() -> Options {
    Options {
        encoding: EncodingChoice::Ucs2,
        ..Options::default()
    }
}

fn sixteen() -> Options {
    Options {
        reference: Reference::Sixteen,
        ..Options::default()
    }
}

fn change(from: char, to: &str, count: u32) -> Change {
    Change {
        from,
        to: to.to_owned(),
        count,
    }
}

/// Transliterates and checks the invariants every result must satisfy.
fn run(text: &str, options: &Options) -> Transliteration {
    let t = transliterate(text, options);
    assert_eq!(t.parts_before, analyze(text, options).segments, "{text:?}");
    assert_eq!(
        t.parts_after,
        analyze(&t.text, options).segments,
        "{text:?}"
    );
    assert!(t.parts_after <= t.parts_before, "{text:?}");
    assert_eq!(t.changes.is_empty(), t.text == text, "{text:?}");
    let again = transliterate(&t.text, options);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {text:?} -> {t:?} -> {again:?}"
    );
    assert_eq!(again.text, t.text);
    t
}

#[test]
fn polish_alphabet_both_cases() {
    let t = run("aąbcćdeęfghijklłmnńoóprsśtuwyzźż", &auto());
    assert_eq!(t.text, "aabccdeefghijkllmnnooprsstuwyzzz");
    let t = run("AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ", &auto());
    assert_eq!(t.text, "AABCCDEEFGHIJKLLMNNOOPRSSTUWYZZZ");
    assert_eq!(
        t.changes,
        vec![
            change('Ą', "A", 1),
            change('Ć', "C", 1),
            change('Ę', "E", 1),
            change('Ł', "L", 1),
            change('Ń', "N", 1),
            change('Ó', "O", 1),
            change('Ś', "S", 1),
            change('Ź', "Z", 1),
            change('Ż', "Z", 1),
        ]
    );
    assert_eq!(analyze(&t.text, &auto()).encoding, Encoding::Gsm7);
}

#[test]
fn zazolc_gesla_jazn() {
    let t = run("Zażółć gęślą jaźń", &auto());
    assert_eq!(
        t,
        Transliteration {
            text: "Zazolc gesla jazn".to_owned(),
            changes: vec![
                change('ż', "z", 1),
                change('ó', "o", 1),
                change('ł', "l", 1),
                change('ć', "c", 1),
                change('ę', "e", 1),
                change('ś', "s", 1),
                change('ą', "a", 1),
                change('ź', "z", 1),
                change('ń', "n", 1),
            ],
            parts_before: 1,
            parts_after: 1,
        }
    );
}

#[test]
fn counts_repeated_chars_in_first_appearance_order() {
    let t = run("łódź, łąka, ŁÓDŹ", &auto());
    assert_eq!(t.text, "lodz, laka, LODZ");
    assert_eq!(
        t.changes,
        vec![
            change('ł', "l", 2),
            change('ó', "o", 1),
            change('ź', "z", 1),
            change('ą', "a", 1),
            change('Ł', "L", 1),
            change('Ó', "O", 1),
            change('Ź', "Z", 1),
        ]
    );
}

#[test]
fn three_parts_become_one() {
    let text = "Dzień dobry! Przypominamy o wizycie w gabinecie stomatologicznym \
                jutro o godz. 10:30. Prosimy o potwierdzenie odpowiedzią TAK. \
                Pozdrawiamy, Gabinet Uśmiech";
    let chars = text.chars().count();
    assert!((135..=160).contains(&chars), "{chars}");
    let before = analyze(text, &auto());
    assert_eq!((before.encoding, before.segments), (Encoding::Ucs2, 3));

    let t = run(text, &auto());
    assert_eq!((t.parts_before, t.parts_after), (3, 1));
    assert_eq!(analyze(&t.text, &auto()).encoding, Encoding::Gsm7);
    assert!(t.text.starts_with("Dzien dobry!"));
    assert!(t
        .text
        .ends_with("odpowiedzia TAK. Pozdrawiamy, Gabinet Usmiech"));
    assert_eq!(
        t.changes,
        vec![
            change('ń', "n", 1),
            change('ą', "a", 1),
            change('ś', "s", 1)
        ]
    );

    // A longer text: 180 chars, UCS-2 3 parts -> GSM-7 2 parts.
    let long = format!("{text} {}", "ż".repeat(179 - chars));
    assert_eq!(long.chars().count(), 180);
    let t = run(&long, &auto());
    assert_eq!((t.parts_before, t.parts_after), (3, 2));
}

#[test]
fn gsm_and_extension_chars_untouched() {
    let basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                 ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    let extension = "€[]{}^~|\\\u{0C}";
    for text in [basic, extension] {
        let t = run(text, &auto());
        assert_eq!(t.text, text);
        assert!(t.changes.is_empty());
        assert_eq!(t.parts_after, t.parts_before);
    }
    // Mixed with Polish letters, only the Polish letters change.
    let t = run("Cena: 10€ [promocja] {ząb} ~50% | é è Ç ç", &auto());
    assert_eq!(t.text, "Cena: 10€ [promocja] {zab} ~50% | é è Ç c");
    assert_eq!(t.changes, vec![change('ą', "a", 1), change('ç', "c", 1)]);
}

#[test]
fn other_latin_diacritics() {
    let t = run("áčšžřőűâêîôûëïÿ ÁČŠŽŘŐŰ œ Œ ş ț İ ı", &auto());
    assert_eq!(t.text, "acszrouaeioueiy ACSZROU oe OE s t I i");
    // The GSM ones stay, lowercase ç does not exist in GSM-7.
    let keep = "éèùìòàäöüñÄÖÑÜÉÅåÆæØøßÇ";
    let t = run(keep, &auto());
    assert!(t.changes.is_empty());
    assert_eq!(run("ça", &auto()).text, "ca");
}

#[test]
fn typography() {
    let text = "„Cześć” – powiedział… ‚tak’ — “OK” «x» ‘y’ 5 − 3 ‐ 2 ′ ″ `kod` ´";
    let t = run(text, &auto());
    assert_eq!(
        t.text,
        "\"Czesc\" - powiedzial... 'tak' - \"OK\" \"x\" 'y' 5 - 3 - 2 ' \" 'kod' '"
    );
    assert_eq!(t.changes[0], change('„', "\"", 1));
    assert!(t.changes.contains(&change('…', "...", 1)));
    assert!(t.changes.contains(&change('`', "'", 2)));

    let t = run("• raz\n• dwa\t3×4 m² ½ ©2024 Firma™ → www", &auto());
    assert_eq!(t.text, "* raz\n* dwa 3x4 m2 1/2 (C)2024 FirmaTM -> www");
}

#[test]
fn spaces_and_invisibles() {
    let spaces = "a\u{00A0}b\u{202F}c\u{2009}d\u{2002}e\u{2003}f\u{2007}g\u{3000}h\ti";
    let t = run(spaces, &auto());
    assert_eq!(t.text, "a b c d e f g h i");
    assert_eq!(t.changes.len(), 8);
    assert!(t.changes.iter().all(|c| c.to == " "));

    let t = run(
        "tele\u{00AD}fon\u{200B} za\u{200D}raz\u{FEFF}\u{2028}x",
        &auto(),
    );
    assert_eq!(t.text, "telefon zaraz\nx");
    assert_eq!(
        t.changes,
        vec![
            change('\u{00AD}', "", 1),
            change('\u{200B}', "", 1),
            change('\u{200D}', "", 1),
            change('\u{FEFF}', "", 1),
            change('\u{2028}', "\n", 1),
        ]
    );
    assert_eq!(analyze(&t.text, &auto()).encoding, Encoding::Gsm7);
}

#[test]
fn decomposed_polish_letters() {
    // NFD: base letter + combining ogonek / acute / dot above.
    let t = run("za\u{0328}b z\u{0307}o\u{0301}\u{0142}w", &auto());
    assert_eq!(t.text, "zab zolw");
    assert_eq!(analyze(&t.text, &auto()).encoding, Encoding::Gsm7);
}

#[test]
fn emoji_sequences_are_not_broken() {
    let family = "👨\u{200D}👩\u{200D}👧";
    let heart = "❤\u{FE0F}";
    let text = format!("Zapraszamy całą rodzinę {family} {heart} 1\u{FE0F}\u{20E3} raz");
    let t = run(&text, &auto());
    assert_eq!(
        t.text,
        format!("Zapraszamy cala rodzine {family} {heart} 1 raz")
    );
    assert!(t.changes.iter().all(|c| c.from != '\u{200D}'));
    assert_eq!(
        t.changes
            .iter()
            .find(|c| c.from == '\u{FE0F}')
            .unwrap()
            .count,
        1
    );
    // Cyrillic with a combining breve keeps it.
    let t = run("и\u{0306} ą", &auto());
    assert_eq!(t.text, "и\u{0306} a");
}

#[test]
fn fall_back_to_length_neutral_with_emoji() {
    // Stays UCS-2 because of the emoji: 2 + 60 + 1 = 63 units, 1 part.
    // Expanding the ellipses would make it 183 units, 3 parts.
    let text = format!("😀{}ą", "…".repeat(60));
    let t = run(&text, &auto());
    assert_eq!(t.text, format!("😀{}a", "…".repeat(60)));
    assert_eq!(t.changes, vec![change('ą', "a", 1)]);
    assert_eq!((t.parts_before, t.parts_after), (1, 1));

    // Nothing length-neutral to apply: the original comes back.
    let text = format!("😀{}", "…".repeat(60));
    let t = run(&text, &auto());
    assert_eq!(t.text, text);
    assert!(t.changes.is_empty());
    assert_eq!((t.parts_before, t.parts_after), (1, 1));

    // Full would keep 2 parts, length-neutral gets 1: fewer parts wins.
    // 2 + 1 + 1 + 67 = 71 units; neutral 70; full 72.
    let text = format!("😀\u{200B}…{}", "a".repeat(67));
    let t = run(&text, &auto());
    assert_eq!(t.text, format!("😀…{}", "a".repeat(67)));
    assert_eq!(t.changes, vec![change('\u{200B}', "", 1)]);
    assert_eq!((t.parts_before, t.parts_after), (2, 1));

    // A tie goes to full transliteration.
    let t = run("😀 Dziękuję…", &auto());
    assert_eq!(t.text, "😀 Dziekuje...");
}

#[test]
fn expansion_applied_when_it_becomes_gsm() {
    // 150 ASCII + 10 ellipses + ą: UCS-2 161 units (3 parts) -> GSM 181 (2).
    let text = format!("{}{}ą", "a".repeat(150), "…".repeat(10));
    let t = run(&text, &auto());
    assert_eq!((t.parts_before, t.parts_after), (3, 2));
    assert_eq!(t.text, format!("{}{}a", "a".repeat(150), ".".repeat(30)));

    // 110 ellipses alone: 110 UCS-2 units (2 parts) vs 330 septets (3 parts).
    let text = "…".repeat(110);
    let t = run(&text, &auto());
    assert!(t.changes.is_empty());
    assert_eq!((t.parts_before, t.parts_after), (2, 2));
}

#[test]
fn forced_ucs2_and_sixteen_bit_reference() {
    // Forced UCS-2: 1:1 replacements are free, expansions are only taken when
    // they do not cost a part.
    let text = format!("{}…", "ą".repeat(68));
    let t = run(&text, &forced_ucs2());
    assert_eq!(t.text, format!("{}…", "a".repeat(68)));
    assert_eq!((t.parts_before, t.parts_after), (1, 1));
    let t = run("Zażółć…", &forced_ucs2());
    assert_eq!(t.text, "Zazolc...");

    let text = format!("ą{}", "a".repeat(131));
    let t = run(&text, &sixteen());
    assert_eq!((t.parts_before, t.parts_after), (2, 1));
}

#[test]
fn empty_and_untouchable() {
    let t = run("", &auto());
    assert_eq!((t.text.as_str(), t.parts_before, t.parts_after), ("", 0, 0));
    let t = run("😀 日本語 °C Привет", &auto());
    assert!(t.changes.is_empty());
    // Only removable characters: the message becomes empty.
    let t = run("\u{200B}\u{00AD}", &auto());
    assert_eq!((t.text.as_str(), t.parts_before, t.parts_after), ("", 1, 0));
}

#[test]
fn long_text() {
    let unit = "Promocja „Wiosna” – rabat 20% na żółte kółka… ";
    let text: String = unit.chars().cycle().take(1530).collect();
    let t = run(&text, &auto());
    assert!(t.parts_after < t.parts_before);
    assert_eq!(analyze(&t.text, &auto()).encoding, Encoding::Gsm7);
}

#[test]
fn serde_round_trip() {
    let t = transliterate("Zażółć…", &auto());
    let json = serde_json::to_string(&t).unwrap();
    assert!(json.contains("\"parts_before\":1"), "{json}");
    let back: Transliteration = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
}

fn text_strategy() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        8 => prop::sample::select(vec!['a', 'Z', ' ', '1', '@', '\n', 'Ç', 'Δ', 'é', 'ü']),
        2 => prop::sample::select(vec!['€', '{', '}', '[', ']', '^', '~', '\\', '|', '\u{0C}']),
        4 => prop::sample::select("ąćęłńóśźżĄĆĘŁŃÓŚŹŻçčšœ".chars().collect::<Vec<_>>()),
        3 => prop::sample::select(
            "„”“‘’‚«»–—−…•\u{A0}\u{202F}\u{2009}\u{3000}\t`×²™"
                .chars()
                .collect::<Vec<_>>()
        ),
        2 => prop::sample::select(vec![
            '\u{200B}', '\u{200D}', '\u{00AD}', '\u{0328}', '\u{FE0F}', '\u{20E3}', '\u{2028}',
        ]),
        2 => prop::sample::select(vec!['😀', '🎉', '👩', '𝄞', '日', 'и']),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..400).prop_map(|v| v.into_iter().collect())
}

fn options_strategy() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![EncodingChoice::Auto, EncodingChoice::Ucs2]),
        prop::sample::select(vec![Reference::Eight, Reference::Sixteen]),
    )
        .prop_map(|(encoding, reference)| Options {
            encoding,
            // Two steps so the test keeps compiling when `Options` grows.
            ..Options {
                reference,
                ..Options::default()
            }
        })
}

fn count(text: &str, ch: char) -> usize {
    text.chars().filter(|&c| c == ch).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_more_parts(text in text_strategy(), options in options_strategy()) {
        let t = transliterate(&text, &options);
        prop_assert_eq!(t.parts_before, analyze(&text, &options).segments);
        prop_assert_eq!(t.parts_after, analyze(&t.text, &options).segments);
        prop_assert!(t.parts_after <= t.parts_before);
        if t.changes.is_empty() {
            prop_assert_eq!(&t.text, &text);
        } else {
            prop_assert_ne!(&t.text, &text);
        }
    }

    #[test]
    fn changes_match_the_text(text in text_strategy(), options in options_strategy()) {
        let t = transliterate(&text, &options);
        let gsm = |s: &str| s.chars().filter(|&c| is_gsm7(c)).collect::<String>();
        for (i, c) in t.changes.iter().enumerate() {
            prop_assert!(!is_gsm7(c.from));
            prop_assert_eq!(Some(c.to.as_str()), replacement(c.from));
            prop_assert!(t.changes[..i].iter().all(|d| d.from != c.from));
            // Replacements are GSM, so every replaced char disappears.
            prop_assert_eq!(count(&t.text, c.from) + c.count as usize, count(&text, c.from));
        }
        // Non-GSM chars are only ever removed; GSM chars of the original all
        // survive, in order.
        for ch in text.chars().filter(|&c| !is_gsm7(c)) {
            if t.changes.iter().all(|c| c.from != ch) {
                prop_assert_eq!(count(&t.text, ch), count(&text, ch));
            }
        }
        let kept = gsm(&text);
        let mut out = gsm(&t.text).chars().collect::<Vec<_>>().into_iter();
        prop_assert!(kept.chars().all(|k| out.any(|o| o == k)));
        // First appearance order (for chars replaced everywhere: a joiner
        // or combining mark after an emoji is kept, so its first occurrence
        // may not be a replaced one).
        let firsts: Vec<usize> = t
            .changes
            .iter()
            .filter(|c| c.count as usize == count(&text, c.from))
            .map(|c| text.chars().position(|x| x == c.from).unwrap())
            .collect();
        prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn idempotent(text in text_strategy(), options in options_strategy()) {
        let t = transliterate(&text, &options);
        let again = transliterate(&t.text, &options);
        prop_assert!(again.changes.is_empty(), "{:?} -> {:?}", t, again);
        prop_assert_eq!(again.text, t.text);
        prop_assert_eq!(again.parts_after, t.parts_after);
    }
}
