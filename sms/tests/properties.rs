//! Property tests for `sms::analyze` and `sms::normalize`.

use proptest::prelude::*;
use sms::{analyze, gsm7_septets, Encoding, EncodingChoice, Options, Reference};

/// Units a char costs in the chosen encoding.
fn char_units(ch: char, encoding: Encoding) -> u32 {
    match encoding {
        Encoding::Gsm7 => gsm7_septets(ch).expect("GSM-7 chosen with a non-GSM char"),
        Encoding::Ucs2 => ch.len_utf16() as u32,
    }
}

/// Text biased towards the interesting cases: mostly GSM (including escape
/// chars), sometimes Polish letters and astral-plane emoji.
fn text_strategy() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        8 => prop::sample::select(vec!['a', 'Z', ' ', '1', '@', '\n', '\r', 'Ç', 'Δ', 'ü']),
        3 => prop::sample::select(vec!['€', '{', '}', '[', ']', '^', '~', '\\', '|', '\u{0C}']),
        1 => prop::sample::select(vec!['ą', 'ż', 'ç', '—', 'ó']),
        1 => prop::sample::select(vec!['😀', '🎉', '𝄞']),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..700).prop_map(|v| v.into_iter().collect())
}

fn options_strategy() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![EncodingChoice::Auto, EncodingChoice::Ucs2]),
        prop::sample::select(vec![Reference::Eight, Reference::Sixteen]),
    )
        .prop_map(|(encoding, reference)| Options {
            encoding,
            reference,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn segmentation_invariants(text in text_strategy(), options in options_strategy()) {
        let a = analyze(&text, &options);
        let chars: Vec<char> = text.chars().collect();

        // Encoding choice.
        let all_gsm = chars.iter().all(|&c| gsm7_septets(c).is_some());
        let expected_encoding = if options.encoding == EncodingChoice::Auto && all_gsm {
            Encoding::Gsm7
        } else {
            Encoding::Ucs2
        };
        prop_assert_eq!(a.encoding, expected_encoding);

        // Units equal the sum of per-char units.
        let total: u32 = chars.iter().map(|&c| char_units(c, a.encoding)).sum();
        prop_assert_eq!(a.units, total);

        // Ranges cover the text contiguously.
        prop_assert_eq!(a.segments as usize, a.segment_ranges.len());
        let mut expected_start = 0u32;
        for &(start, end) in &a.segment_ranges {
            prop_assert_eq!(start, expected_start);
            prop_assert!(end > start, "empty segment");
            expected_start = end;
        }
        prop_assert_eq!(expected_start as usize, chars.len());
        prop_assert_eq!(a.segments == 0, chars.is_empty());

        // Every segment fits; the last one's free space is `remaining`.
        let mut last_used = 0;
        for &(start, end) in &a.segment_ranges {
            let used: u32 = chars[start as usize..end as usize]
                .iter()
                .map(|&c| char_units(c, a.encoding))
                .sum();
            prop_assert!(used <= a.segment_capacity);
            // Greedy packing: a part is closed only when the next char would not fit.
            if (end as usize) < chars.len() {
                let next = char_units(chars[end as usize], a.encoding);
                prop_assert!(used + next > a.segment_capacity);
            }
            last_used = used;
        }
        prop_assert_eq!(a.remaining, a.segment_capacity - last_used);

        // Capacity matches single vs concatenated.
        let single = a.encoding.single_capacity();
        if a.segments <= 1 {
            prop_assert_eq!(a.segment_capacity, single);
        } else {
            prop_assert!(a.units > single);
            prop_assert_eq!(
                a.segment_capacity,
                a.encoding.concatenated_capacity(options.reference)
            );
        }

        // Non-GSM list: distinct chars, first-appearance order, exact positions.
        let mut seen = Vec::new();
        for &c in &chars {
            if gsm7_septets(c).is_none() && !seen.contains(&c) {
                seen.push(c);
            }
        }
        let listed: Vec<char> = a.non_gsm.iter().map(|n| n.ch).collect();
        prop_assert_eq!(listed, seen);
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
