//! Fuzz target over `analyze`, `split` and `transliterate`.
//!
//! Input: two option bytes, then the text (invalid UTF-8 is replaced by
//! U+FFFD, so every input is a text). Byte 0: bits 0-1 encoding (auto, gsm7,
//! ucs2, auto), bit 2 16-bit reference, bits 3-5 national languages
//! (Turkish, Spanish, Portuguese), bit 6 `max_parts` set. Byte 1: the
//! `max_parts` value when set.
//!
//! Invariants (any violation panics, which libFuzzer reports as a crash):
//! * nothing panics;
//! * `analyze`: ranges contiguous over the whole text, one per segment,
//!   capacity and remaining consistent with the units;
//! * `split` fails exactly when `Analysis::check` does, else gives
//!   `segments` parts, each at most 140 octets of user data (UDH included)
//!   and at most 160 septets / 140 octets of TP-UDL, whose payloads decode
//!   (unpacked septets through the national tables, or UTF-16BE) to the
//!   part's text, and the parts' texts concatenate to the text;
//! * `transliterate` never increases the part count, reports the counts
//!   `analyze` gives, and is a fixed point (a second pass changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sms::split::unpack_septets;
use sms::{
    analyze, split, transliterate, Encoding, EncodingChoice, Language, LanguageSet, Options,
    Payload, Reference,
};

fn options(b0: u8, b1: u8) -> Options {
    let encoding = match b0 & 3 {
        1 => EncodingChoice::Gsm7,
        2 => EncodingChoice::Ucs2,
        _ => EncodingChoice::Auto,
    };
    let reference = if b0 & 4 != 0 {
        Reference::Sixteen
    } else {
        Reference::Eight
    };
    let mut national = LanguageSet::EMPTY;
    for (bit, language) in [
        (8, Language::Turkish),
        (16, Language::Spanish),
        (32, Language::Portuguese),
    ] {
        if b0 & bit != 0 {
            national = national.with(language);
        }
    }
    let max_parts = (b0 & 64 != 0).then_some(u32::from(b1));
    Options {
        encoding,
        reference,
        national,
        max_parts,
    }
}

fuzz_target!(|data: &[u8]| {
    let (options, text) = match data {
        [b0, b1, rest @ ..] => (options(*b0, *b1), String::from_utf8_lossy(rest)),
        _ => (Options::default(), String::from_utf8_lossy(data)),
    };
    let text: &str = &text;
    let chars = text.chars().count() as u32;

    // analyze
    let a = analyze(text, &options);
    assert_eq!(a.segments as usize, a.segment_ranges.len());
    let mut next = 0;
    for &(start, end) in &a.segment_ranges {
        assert_eq!(start, next, "ranges not contiguous: {:?}", a.segment_ranges);
        assert!(end > start, "empty part: {:?}", a.segment_ranges);
        next = end;
    }
    assert_eq!(next, chars, "ranges do not cover the text");
    assert!(a.remaining <= a.segment_capacity);
    assert!(a.segments <= 1 || a.units > a.segment_capacity);
    if a.encoding == Encoding::Ucs2 {
        assert_eq!(a.units as usize, text.encode_utf16().count());
    }
    match options.encoding {
        EncodingChoice::Gsm7 => assert_eq!(a.encoding, Encoding::Gsm7),
        EncodingChoice::Ucs2 => assert_eq!(a.encoding, Encoding::Ucs2),
        EncodingChoice::Auto => assert_eq!(a.encoding == Encoding::Gsm7, a.non_gsm.is_empty()),
    }

    // split
    let check = a.check(&options);
    match split(text, &options) {
        Err(e) => assert_eq!(Err(e), check, "split refused, check did not"),
        Ok(parts) => {
            assert_eq!(check, Ok(()), "check refused, split did not");
            assert_eq!(parts.len() as u32, a.segments);
            let mut rebuilt = String::with_capacity(text.len());
            let mut units_last = 0;
            for (i, part) in parts.iter().enumerate() {
                assert_eq!(part.number as usize, i + 1);
                assert_eq!(part.range, a.segment_ranges[i]);
                assert_eq!(part.encoding(), a.encoding);
                assert_eq!(part.udh.len() as u32, a.udh_octets);
                if let Some(&udhl) = part.udh.first() {
                    assert_eq!(udhl as usize, part.udh.len() - 1);
                }
                let user_data = part.user_data();
                assert!(
                    user_data.len() <= 140,
                    "part {} has {} octets",
                    i + 1,
                    user_data.len()
                );
                let decoded = match &part.payload {
                    Payload::Gsm7 {
                        septets,
                        fill_bits,
                        packed,
                    } => {
                        assert!(part.user_data_length() <= 160);
                        assert_eq!(&unpack_septets(packed, *fill_bits, septets.len()), septets);
                        units_last = septets.len() as u32;
                        a.national.decode(septets)
                    }
                    Payload::Ucs2 { bytes } => {
                        assert!(part.user_data_length() <= 140);
                        assert_eq!(bytes.len() % 2, 0);
                        let units: Vec<u16> = bytes
                            .chunks_exact(2)
                            .map(|b| u16::from_be_bytes([b[0], b[1]]))
                            .collect();
                        units_last = units.len() as u32;
                        String::from_utf16(&units).expect("UCS-2 payload is valid UTF-16")
                    }
                };
                assert_eq!(
                    decoded,
                    part.text,
                    "part {} does not decode to its text",
                    i + 1
                );
                rebuilt.push_str(&decoded);
            }
            assert_eq!(rebuilt, text, "parts do not reassemble to the text");
            if !parts.is_empty() {
                assert_eq!(units_last + a.remaining, a.segment_capacity);
            }
        }
    }

    // transliterate
    let t = transliterate(text, &options);
    assert_eq!(t.parts_before, a.segments);
    assert!(t.parts_after <= t.parts_before, "transliterate added parts");
    assert_eq!(analyze(&t.text, &options).segments, t.parts_after);
    assert_eq!(t.changes.is_empty(), t.text == text);
    let again = transliterate(&t.text, &options);
    assert!(
        again.changes.is_empty(),
        "not a fixed point: {:?}",
        again.changes
    );
});
