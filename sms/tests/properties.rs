//! Property tests for `sms::analyze`, `sms::split` and `sms::normalize`.

use proptest::prelude::*;
use sms::split::{fill_bits, unpack_septets};
use sms::{
    analyze, gsm7_septets, split, udh_octets, Analysis, Encoding, EncodingChoice, Language,
    LanguageSet, NationalTables, Options, Payload, Reference, SmsError,
};
use unicode_segmentation::UnicodeSegmentation;

/// Septets `ch` costs under `tables`, found through the tables themselves
/// (not the character classes `analyze` uses).
fn septets(ch: char, tables: NationalTables) -> Option<u32> {
    let mut out = Vec::new();
    tables.encode_char(ch, &mut out).then_some(out.len() as u32)
}

/// Units a char costs in the analysis' encoding (a char outside forced
/// GSM-7 tables counts one septet).
fn cost(ch: char, a: &Analysis) -> u32 {
    match a.encoding {
        Encoding::Gsm7 => septets(ch, a.national).unwrap_or(1),
        Encoding::Ucs2 => ch.len_utf16() as u32,
    }
}

/// Every combination of tables `allowed` permits.
fn combinations(allowed: LanguageSet) -> Vec<NationalTables> {
    let locking =
        std::iter::once(None).chain(allowed.iter().filter(|l| l.has_locking_shift()).map(Some));
    locking
        .flat_map(|locking| {
            std::iter::once(None)
                .chain(allowed.iter().map(Some))
                .map(move |single| NationalTables { locking, single })
        })
        .collect()
}

/// Text biased towards the interesting cases: GSM (with escapes, CR LF),
/// national letters, Polish, astral emoji, combining marks, ZWJ chains and
/// long clusters.
fn text_strategy() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        10 => prop::sample::select(vec!['a', 'Z', ' ', '1', '@', '\n', '\r', 'Ç', 'Δ', 'ü', 'è', 'Φ', '¿']),
        3 => prop::sample::select(vec!['€', '{', '}', '[', ']', '^', '~', '\\', '|', '\u{0C}']),
        3 => prop::sample::select(vec![
            'ş', 'ğ', 'ı', 'İ', 'Ş', 'ç', 'á', 'ó', 'í', 'ú', 'ã', 'õ', 'ê', 'â', 'À', '`', '∞', 'ª',
        ]),
        1 => prop::sample::select(vec!['ą', 'ż', '—', '\t', '\u{1B}']),
        1 => prop::sample::select(vec!['😀', '🎉', '𝄞', '👨', '\u{200D}', '\u{301}', '\u{FE0F}']),
        1 => any::<char>(),
    ]
    .prop_map(String::from);
    let segment = prop_oneof![
        40 => ch,
        1 => (1..100usize).prop_map(|n| format!("e{}", "\u{301}".repeat(n))),
        1 => (1..40usize).prop_map(|n| vec!["👨"; n].join("\u{200D}")),
        1 => Just("\r\n".to_string()),
    ];
    prop::collection::vec(segment, 0..500).prop_map(|v| v.concat())
}

/// Characters of the default tables and of one national language's, long
/// enough to need several parts.
fn national_text_strategy() -> impl Strategy<Value = String> {
    let national = prop::sample::select(vec![
        vec!['ş', 'ğ', 'ı', 'İ', 'Ş', 'ç', 'Ğ'],
        vec!['á', 'ó', 'í', 'ú', 'ç', 'Á'],
        vec!['ã', 'õ', 'ê', 'â', 'À', 'ç', 'á', '`', '∞', 'ª', 'Ô'],
    ]);
    // Sometimes characters some locking shift tables lack.
    let odd = prop::sample::select(vec![0, 0, 1]);
    (national, odd).prop_flat_map(|(national, odd)| {
        let ch = prop_oneof![
            20 => prop::sample::select(vec!['a', 'Z', ' ', '1', '@', '\n', 'Ç', 'ü']),
            odd => prop::sample::select(vec!['è', 'Φ', '¿']),
            3 => prop::sample::select(vec!['€', '{', '[', '^', '~', '\\', '|']),
            4 => prop::sample::select(national),
        ];
        prop::collection::vec(ch, 0..700).prop_map(String::from_iter)
    })
}

fn options_strategy() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![
            EncodingChoice::Auto,
            EncodingChoice::Auto,
            EncodingChoice::Gsm7,
            EncodingChoice::Ucs2,
        ]),
        prop::sample::select(vec![Reference::Eight, Reference::Sixteen]),
        prop::sample::subsequence(Language::ALL.to_vec(), 0..=3),
        prop::option::of(0..8u32),
    )
        .prop_map(|(encoding, reference, national, max_parts)| Options {
            encoding,
            reference,
            national: LanguageSet::of(&national),
            max_parts,
        })
}

/// `[start, end)` char ranges of the grapheme clusters of `text`, CR LF as
/// two (a part may end between CR and LF).
fn clusters(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for g in text.graphemes(true).flat_map(|g| g.split_inclusive('\r')) {
        let n = g.chars().count();
        out.push((start, start + n));
        start += n;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 384,
        // Integration tests have no lib.rs beside them to persist next to.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn analysis_invariants(text in text_strategy(), options in options_strategy()) {
        let a = analyze(&text, &options);
        let chars: Vec<char> = text.chars().collect();

        // Forced encodings are obeyed; Auto picks GSM-7 iff nothing is lacking.
        match options.encoding {
            EncodingChoice::Ucs2 => prop_assert_eq!(a.encoding, Encoding::Ucs2),
            EncodingChoice::Gsm7 => prop_assert_eq!(a.encoding, Encoding::Gsm7),
            EncodingChoice::Auto => prop_assert_eq!(a.encoding == Encoding::Gsm7, a.non_gsm.is_empty()),
        }
        if a.encoding == Encoding::Ucs2 {
            prop_assert_eq!(a.national, NationalTables::NONE);
        }
        prop_assert!(combinations(options.national).contains(&a.national));
        // UCS-2 under Auto only when no allowed combination encodes everything.
        let encodes_all = |t: NationalTables| chars.iter().all(|&c| septets(c, t).is_some());
        if options.encoding == EncodingChoice::Auto && a.encoding == Encoding::Ucs2 {
            prop_assert!(!combinations(options.national).into_iter().any(encodes_all));
        }

        // Units equal the sum of per-char units.
        let total: u32 = chars.iter().map(|&c| cost(c, &a)).sum();
        prop_assert_eq!(a.units, total);

        // Header and capacity follow from the parts and tables.
        prop_assert_eq!(a.udh_octets, udh_octets(a.segments > 1, options.reference, a.national));
        prop_assert_eq!(a.segment_capacity, a.encoding.capacity(a.udh_octets));

        // Ranges cover the text contiguously with non-empty parts.
        prop_assert_eq!(a.segments as usize, a.segment_ranges.len());
        prop_assert_eq!(a.segments == 0, chars.is_empty());
        let mut expected_start = 0u32;
        for &(start, end) in &a.segment_ranges {
            prop_assert_eq!(start, expected_start);
            prop_assert!(end > start, "empty segment");
            expected_start = end;
        }
        prop_assert_eq!(expected_start as usize, chars.len());

        // Every part fits; a part is closed only when the next grapheme
        // cluster does not fit, and a cluster that fits a part is never cut.
        let clusters = clusters(&text);
        let mut last_used = 0;
        for &(start, end) in &a.segment_ranges {
            let (start, end) = (start as usize, end as usize);
            let used: u32 = chars[start..end].iter().map(|&c| cost(c, &a)).sum();
            prop_assert!(used <= a.segment_capacity);
            if end < chars.len() {
                let &(cs, ce) = clusters.iter().find(|&&(cs, ce)| cs <= end && end < ce).unwrap();
                if cs == end {
                    let next: u32 = chars[cs..ce].iter().map(|&c| cost(c, &a)).sum();
                    prop_assert!(used + next > a.segment_capacity, "closed early at {}", end);
                } else {
                    let whole: u32 = chars[cs..ce].iter().map(|&c| cost(c, &a)).sum();
                    prop_assert!(whole > a.segment_capacity, "cluster {}..{} cut", cs, ce);
                    prop_assert!(used + cost(chars[end], &a) > a.segment_capacity);
                }
            }
            last_used = used;
        }
        prop_assert_eq!(a.remaining, a.segment_capacity - last_used);

        // Non-GSM list: distinct chars, first-appearance order, exact
        // positions; exactly those the chosen tables lack when GSM-7.
        let mut seen = Vec::new();
        for &c in &chars {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        let listed: Vec<char> = a.non_gsm.iter().map(|n| n.ch).collect();
        if a.encoding == Encoding::Gsm7 {
            let lacking: Vec<char> =
                seen.iter().copied().filter(|&c| septets(c, a.national).is_none()).collect();
            prop_assert_eq!(&listed, &lacking);
        } else {
            prop_assert!(listed.iter().all(|c| seen.contains(c)));
            if options.national.is_empty() {
                let lacking: Vec<char> =
                    seen.iter().copied().filter(|&c| gsm7_septets(c).is_none()).collect();
                prop_assert_eq!(&listed, &lacking);
            }
        }
        for n in &a.non_gsm {
            let expected: Vec<u32> = chars
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c == n.ch)
                .map(|(i, _)| i as u32)
                .collect();
            prop_assert_eq!(&n.positions, &expected);
        }
    }

    #[test]
    fn national_tables_never_cost_parts(
        text in national_text_strategy(),
        options in options_strategy(),
    ) {
        let a = analyze(&text, &options);
        if !(a.encoding == Encoding::Gsm7 && a.non_gsm.is_empty()) {
            return Ok(());
        }
        // Every smaller set of languages (plain GSM-7 included) that encodes
        // the text needs at least as many parts; plain wins a tie.
        let subsets = std::iter::once(LanguageSet::EMPTY)
            .chain(options.national.iter().map(|l| LanguageSet::EMPTY.with(l)));
        for national in subsets {
            let b = analyze(&text, &Options { national, ..options });
            if b.encoding == Encoding::Gsm7 && b.non_gsm.is_empty() {
                prop_assert!(a.segments <= b.segments);
                if national.is_empty() && a.national != NationalTables::NONE {
                    prop_assert!(a.segments < b.segments);
                }
            }
        }
    }

    #[test]
    fn split_agrees_with_analyze(
        text in text_strategy(),
        options in options_strategy(),
        reference_number in any::<u16>(),
    ) {
        let a = analyze(&text, &options);
        let result = sms::split_with_reference(&text, &options, reference_number);

        // `check` decides, the same way `split` does.
        let max = options.max_parts.unwrap_or(255).min(255);
        let expected_check = if a.encoding == Encoding::Gsm7 && !a.non_gsm.is_empty() {
            Err(SmsError::NotGsm7 { characters: a.non_gsm.iter().map(|n| n.ch).collect() })
        } else if a.segments > max {
            Err(SmsError::TooManyParts { parts: a.segments, max })
        } else {
            Ok(())
        };
        prop_assert_eq!(a.check(&options), expected_check.clone());
        let parts = match (result, expected_check) {
            (Err(e), Err(expected)) => {
                prop_assert_eq!(e, expected);
                return Ok(());
            }
            (Ok(parts), Ok(())) => parts,
            (result, expected) => {
                return Err(TestCaseError::fail(format!("split {result:?}, check {expected:?}")));
            }
        };
        prop_assert_eq!(&split(&text, &options).unwrap().len(), &parts.len());

        prop_assert_eq!(parts.len() as u32, a.segments);
        let mut rebuilt = String::new();
        for (i, part) in parts.iter().enumerate() {
            prop_assert_eq!(part.range, a.segment_ranges[i]);
            prop_assert_eq!(part.number as usize, i + 1);
            prop_assert_eq!(&text[part.byte_range.0 as usize..part.byte_range.1 as usize], &part.text[..]);
            rebuilt.push_str(&part.text);

            // The header: UDHL, concatenation element, shift elements.
            prop_assert_eq!(part.udh.len() as u32, a.udh_octets);
            let mut expected_udh = Vec::new();
            if parts.len() > 1 {
                match options.reference {
                    Reference::Eight => expected_udh.extend_from_slice(
                        &[0x00, 3, reference_number as u8, parts.len() as u8, i as u8 + 1]),
                    Reference::Sixteen => expected_udh.extend_from_slice(&[
                        0x08, 4, (reference_number >> 8) as u8, reference_number as u8,
                        parts.len() as u8, i as u8 + 1,
                    ]),
                }
            }
            if let Some(l) = a.national.single {
                expected_udh.extend_from_slice(&[0x24, 1, l.id()]);
            }
            if let Some(l) = a.national.locking {
                expected_udh.extend_from_slice(&[0x25, 1, l.id()]);
            }
            if !expected_udh.is_empty() {
                expected_udh.insert(0, expected_udh.len() as u8);
            }
            prop_assert_eq!(&part.udh, &expected_udh);

            // Fits 140 octets with its header.
            let user_data = part.user_data();
            prop_assert!(user_data.len() <= 140, "{} octets", user_data.len());
            match &part.payload {
                Payload::Gsm7 { septets, fill_bits: fill, packed } => {
                    prop_assert_eq!(*fill, fill_bits(part.udh.len() as u32));
                    prop_assert!(part.user_data_length() <= 160);
                    prop_assert_eq!(
                        (part.udh.len() * 8 + *fill as usize + septets.len() * 7).div_ceil(8),
                        user_data.len()
                    );
                    prop_assert_ne!(septets.last(), Some(&0x1B));
                    // Decode the packed septets back through the tables.
                    let unpacked = unpack_septets(&user_data[part.udh.len()..], *fill, septets.len());
                    prop_assert_eq!(&unpacked, septets);
                    prop_assert_eq!(&unpack_septets(packed, *fill, septets.len()), septets);
                    prop_assert_eq!(a.national.decode(&unpacked), part.text.clone());
                }
                Payload::Ucs2 { bytes } => {
                    prop_assert_eq!(part.user_data_length() as usize, user_data.len());
                    let units: Vec<u16> = bytes
                        .chunks(2)
                        .map(|b| u16::from_be_bytes([b[0], b[1]]))
                        .collect();
                    prop_assert_eq!(String::from_utf16(&units).unwrap(), part.text.clone());
                }
            }
        }
        prop_assert_eq!(rebuilt, text);
    }

    #[test]
    fn forced_ucs2_and_gsm7_agree_on_units(text in text_strategy()) {
        let ucs2 = analyze(&text, &Options { encoding: EncodingChoice::Ucs2, ..Options::default() });
        prop_assert_eq!(ucs2.units as usize, text.encode_utf16().count());
        let gsm7 = analyze(&text, &Options { encoding: EncodingChoice::Gsm7, ..Options::default() });
        let auto = analyze(&text, &Options::default());
        prop_assert_eq!(&gsm7.non_gsm, &auto.non_gsm);
        prop_assert_eq!(&ucs2.non_gsm, &auto.non_gsm);
        if auto.encoding == Encoding::Gsm7 {
            prop_assert_eq!(gsm7, auto);
        } else {
            prop_assert_eq!(ucs2, auto);
        }
    }

    #[test]
    fn normalize_output_is_e164(input in "[+]?[0-9 ()./-]{0,20}") {
        if let Ok(e164) = sms::normalize(&input) {
            let digits = e164.strip_prefix('+').expect("starts with +");
            prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!((8..=15).contains(&digits.len()));
            prop_assert!(!digits.starts_with('0'));
            if let Some(national) = digits.strip_prefix("48") {
                prop_assert_eq!(national.len(), 9);
            }
            // Idempotent.
            prop_assert_eq!(sms::normalize(&e164), Ok(e164.clone()));
        }
    }
}
