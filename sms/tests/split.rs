//! `sms::split`: payloads, headers, packing and the boundary cases of the
//! part layout, checked against `sms::analyze`.

use sms::split::{fill_bits, pack_septets, unpack_septets, user_data_header};
use sms::{
    analyze, split, split_with_reference, Analysis, Encoding, EncodingChoice, Language,
    LanguageSet, NationalTables, Options, Part, Payload, Reference, SmsError,
};

const EMOJI: char = '😀';

fn auto() -> Options {
    Options::default()
}

fn sixteen() -> Options {
    Options {
        reference: Reference::Sixteen,
        ..Options::default()
    }
}

fn with_national(languages: &[Language]) -> Options {
    Options {
        national: LanguageSet::of(languages),
        ..Options::default()
    }
}

/// Splits, then checks everything a part must satisfy against the analysis
/// and the text; returns the parts.
fn split_checked(text: &str, options: &Options) -> (Analysis, Vec<Part>) {
    let a = analyze(text, options);
    let parts = split(text, options).expect("split");
    assert_eq!(parts.len() as u32, a.segments);
    let ranges: Vec<(u32, u32)> = parts.iter().map(|p| p.range).collect();
    assert_eq!(ranges, a.segment_ranges);
    let mut rebuilt = String::new();
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(part.number as usize, i + 1);
        assert_eq!(part.encoding(), a.encoding);
        assert_eq!(part.udh.len() as u32, a.udh_octets);
        let (bs, be) = part.byte_range;
        assert_eq!(&text[bs as usize..be as usize], part.text);
        assert_eq!(
            part.text.chars().count() as u32,
            part.range.1 - part.range.0
        );
        let user_data = part.user_data();
        assert!(
            user_data.len() <= 140,
            "part {i}: {} octets",
            user_data.len()
        );
        assert_eq!(&user_data[..part.udh.len()], &part.udh[..]);
        match &part.payload {
            Payload::Gsm7 {
                septets,
                fill_bits: fill,
                packed,
            } => {
                assert_eq!(*fill, fill_bits(part.udh.len() as u32));
                assert!(septets.len() as u32 <= a.segment_capacity);
                assert!(septets.iter().all(|&s| s < 0x80));
                assert_ne!(septets.last(), Some(&0x1B), "escape at the end of a part");
                assert!(part.user_data_length() <= 160);
                assert_eq!(&unpack_septets(packed, *fill, septets.len()), septets);
                let decoded = a
                    .national
                    .decode(&unpack_septets(packed, *fill, septets.len()));
                assert_eq!(decoded, part.text);
            }
            Payload::Ucs2 { bytes } => {
                assert_eq!(bytes.len() % 2, 0);
                assert!(bytes.len() as u32 / 2 <= a.segment_capacity);
                assert!(part.user_data_length() <= 140);
                let units: Vec<u16> = bytes
                    .chunks(2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]))
                    .collect();
                // A surrogate pair is never split: each part decodes alone.
                assert_eq!(String::from_utf16(&units).unwrap(), part.text);
            }
        }
        rebuilt.push_str(&part.text);
    }
    assert_eq!(rebuilt, text);
    (a, parts)
}

fn septets_of(part: &Part) -> &[u8] {
    match &part.payload {
        Payload::Gsm7 { septets, .. } => septets,
        Payload::Ucs2 { .. } => panic!("not GSM-7"),
    }
}

fn sizes(parts: &[Part]) -> Vec<usize> {
    parts
        .iter()
        .map(|p| match &p.payload {
            Payload::Gsm7 { septets, .. } => septets.len(),
            Payload::Ucs2 { bytes } => bytes.len() / 2,
        })
        .collect()
}

// ---- packing ----

#[test]
fn packs_hello() {
    let septets = [0x68, 0x65, 0x6C, 0x6C, 0x6F];
    assert_eq!(pack_septets(&septets, 0), [0xE8, 0x32, 0x9B, 0xFD, 0x06]);
    let twice = [septets, septets].concat();
    assert_eq!(
        pack_septets(&twice, 0),
        [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]
    );
    // After a 6-octet UDH: one fill bit.
    assert_eq!(pack_septets(&septets, 1), [0xD0, 0x65, 0x36, 0xFB, 0x0D]);
    assert_eq!(
        unpack_septets(&[0xD0, 0x65, 0x36, 0xFB, 0x0D], 1, 5),
        septets
    );
    assert_eq!(
        unpack_septets(&[0xE8, 0x32, 0x9B, 0xFD, 0x06], 0, 5),
        septets
    );
}

#[test]
fn eight_septets_fill_seven_octets() {
    let septets = [0x7F; 8];
    assert_eq!(pack_septets(&septets, 0), [0xFF; 7]);
    assert_eq!(pack_septets(&[], 0), Vec::<u8>::new());
    assert_eq!(pack_septets(&[0x41], 0), [0x41]);
}

/// Bit by bit, LSB first: the reference the packer is checked against.
fn naive_pack(septets: &[u8], fill: u8) -> Vec<u8> {
    let mut bits = vec![false; fill as usize];
    for &s in septets {
        bits.extend((0..7).map(|i| s >> i & 1 == 1));
    }
    bits.chunks(8)
        .map(|byte| {
            byte.iter()
                .enumerate()
                .fold(0u8, |acc, (i, &b)| acc | (u8::from(b) << i))
        })
        .collect()
}

#[test]
fn packing_matches_bitwise_reference() {
    let septets: Vec<u8> = (0..200u32).map(|i| ((i * 37 + 11) % 128) as u8).collect();
    for fill in 0..7 {
        for len in [0, 1, 7, 8, 9, 152, 153, 160, 200] {
            let s = &septets[..len];
            let packed = pack_septets(s, fill);
            assert_eq!(packed, naive_pack(s, fill), "fill {fill} len {len}");
            assert_eq!(unpack_septets(&packed, fill, len), s);
        }
    }
}

#[test]
fn fill_bits_follow_the_header() {
    assert_eq!(fill_bits(0), 0);
    assert_eq!(fill_bits(6), 1);
    assert_eq!(fill_bits(7), 0);
    assert_eq!(fill_bits(4), 3); // single shift IE alone
    assert_eq!(fill_bits(9), 5); // 8-bit concat + one shift IE
    assert_eq!(fill_bits(12), 2); // 8-bit concat + both shift IEs
    for h in 1..=13 {
        assert_eq!((h * 8 + u32::from(fill_bits(h))) % 7, 0);
    }
}

// ---- headers ----

#[test]
fn user_data_headers() {
    let none = NationalTables::NONE;
    assert!(user_data_header(None, none).is_empty());
    assert_eq!(
        user_data_header(Some((Reference::Eight, 0x1CC, 3, 2)), none),
        [0x05, 0x00, 0x03, 0xCC, 0x03, 0x02]
    );
    assert_eq!(
        user_data_header(Some((Reference::Sixteen, 0xBEEF, 3, 1)), none),
        [0x06, 0x08, 0x04, 0xBE, 0xEF, 0x03, 0x01]
    );
    let turkish = NationalTables {
        locking: Some(Language::Turkish),
        single: None,
    };
    assert_eq!(user_data_header(None, turkish), [0x03, 0x25, 0x01, 0x01]);
    let spanish = NationalTables {
        locking: None,
        single: Some(Language::Spanish),
    };
    assert_eq!(user_data_header(None, spanish), [0x03, 0x24, 0x01, 0x02]);
    let portuguese = NationalTables {
        locking: Some(Language::Portuguese),
        single: Some(Language::Portuguese),
    };
    assert_eq!(
        user_data_header(Some((Reference::Eight, 7, 2, 2)), portuguese),
        [0x0B, 0x00, 0x03, 0x07, 0x02, 0x02, 0x24, 0x01, 0x03, 0x25, 0x01, 0x03]
    );
}

#[test]
fn concatenated_parts_carry_reference_total_and_sequence() {
    let text = "a".repeat(400);
    let parts = split_with_reference(&text, &auto(), 0x1234).unwrap();
    assert_eq!(parts.len(), 3);
    for (i, p) in parts.iter().enumerate() {
        assert_eq!(p.udh, [0x05, 0x00, 0x03, 0x34, 0x03, i as u8 + 1]);
        let Payload::Gsm7 { fill_bits, .. } = p.payload else {
            panic!()
        };
        assert_eq!(fill_bits, 1);
    }
    assert_eq!(parts[0].user_data().len(), 140);
    assert_eq!(parts[0].user_data_length(), 160);

    let parts = split_with_reference(&text, &sixteen(), 0x1234).unwrap();
    for (i, p) in parts.iter().enumerate() {
        assert_eq!(p.udh, [0x06, 0x08, 0x04, 0x12, 0x34, 0x03, i as u8 + 1]);
    }
    assert_eq!(sizes(&parts), [152, 152, 96]);
}

#[test]
fn single_part_has_no_header() {
    let parts = split("hello", &auto()).unwrap();
    assert_eq!(parts.len(), 1);
    assert!(parts[0].udh.is_empty());
    assert_eq!(
        parts[0].payload,
        Payload::Gsm7 {
            septets: vec![0x68, 0x65, 0x6C, 0x6C, 0x6F],
            fill_bits: 0,
            packed: vec![0xE8, 0x32, 0x9B, 0xFD, 0x06],
        }
    );
    assert_eq!(parts[0].user_data_length(), 5);
    assert_eq!(parts[0].text, "hello");
    assert_eq!(parts[0].range, (0, 5));
    assert_eq!(parts[0].byte_range, (0, 5));

    let parts = split("Cześć", &auto()).unwrap();
    assert_eq!(
        parts[0].payload,
        Payload::Ucs2 {
            bytes: vec![0, b'C', 0, b'z', 0, b'e', 0x01, 0x5B, 0x01, 0x07]
        }
    );
    assert_eq!(parts[0].byte_range, (0, 7));
}

#[test]
fn gsm_septets_use_the_table_codes() {
    let (_, parts) = split_checked("@£$_€{ü\r\n", &auto());
    assert_eq!(
        septets_of(&parts[0]),
        [0x00, 0x01, 0x02, 0x11, 0x1B, 0x65, 0x1B, 0x28, 0x7E, 0x0D, 0x0A]
    );
}

#[test]
fn empty_text_has_no_parts() {
    assert_eq!(split("", &auto()).unwrap(), vec![]);
    assert_eq!(analyze("", &auto()).segments, 0);
}

// ---- boundaries ----

#[test]
fn gsm_boundaries() {
    for (len, expected) in [
        (1, vec![1]),
        (160, vec![160]),
        (161, vec![153, 8]),
        (306, vec![153, 153]),
        (307, vec![153, 153, 1]),
        (153 * 5, vec![153; 5]),
        (153 * 5 + 1, [vec![153; 5], vec![1]].concat()),
    ] {
        let (a, parts) = split_checked(&"a".repeat(len), &auto());
        assert_eq!(sizes(&parts), expected, "len {len}");
        assert_eq!(a.segment_capacity, if len <= 160 { 160 } else { 153 });
    }
    for (len, expected) in [
        (160, vec![160]),
        (161, vec![152, 9]),
        (304, vec![152, 152]),
        (305, vec![152, 152, 1]),
        (152 * 4, vec![152; 4]),
    ] {
        let (a, parts) = split_checked(&"a".repeat(len), &sixteen());
        assert_eq!(sizes(&parts), expected, "len {len}");
        if len > 160 {
            assert_eq!(a.segment_capacity, 152);
            assert_eq!(a.udh_octets, 7);
        }
    }
}

#[test]
fn ucs2_boundaries() {
    let text = |len: usize| format!("ą{}", "a".repeat(len - 1));
    for (len, expected) in [
        (70, vec![70]),
        (71, vec![67, 4]),
        (134, vec![67, 67]),
        (135, vec![67, 67, 1]),
        (67 * 4, vec![67; 4]),
    ] {
        let (a, parts) = split_checked(&text(len), &auto());
        assert_eq!(a.encoding, Encoding::Ucs2);
        assert_eq!(sizes(&parts), expected, "len {len}");
    }
    for (len, expected) in [
        (70, vec![70]),
        (71, vec![66, 5]),
        (132, vec![66, 66]),
        (133, vec![66, 66, 1]),
    ] {
        let (_, parts) = split_checked(&text(len), &sixteen());
        assert_eq!(sizes(&parts), expected, "len {len}");
    }
}

#[test]
fn escape_pair_at_every_position_near_boundaries() {
    for options in [auto(), sixteen()] {
        for p in 140..=170 {
            for total in [p + 1, p + 30, 400] {
                let mut text = "a".repeat(p);
                text.push('€');
                text.push_str(&"a".repeat(total - p));
                let (a, parts) = split_checked(&text, &options);
                let units: u32 = sizes(&parts).iter().map(|&s| s as u32).sum();
                assert_eq!(units, a.units);
                assert_eq!(a.units as usize, total + 2);
            }
        }
    }
}

#[test]
fn surrogate_pair_at_every_position_near_boundaries() {
    for options in [auto(), sixteen()] {
        for p in 60..=72 {
            for total in [p + 1, p + 10, 150] {
                let mut text = "a".repeat(p);
                text.push(EMOJI);
                text.push_str(&"a".repeat(total - p));
                let (a, parts) = split_checked(&text, &options);
                assert_eq!(a.encoding, Encoding::Ucs2);
                let units: u32 = sizes(&parts).iter().map(|&s| s as u32).sum();
                assert_eq!(units, a.units);
            }
        }
    }
}

/// `"ą"` (to force UCS-2, when `ucs2`), `before` × "a", CR LF, `after` × "a".
fn crlf_text(ucs2: bool, before: usize, after: usize) -> String {
    let lead = if ucs2 { "ą" } else { "" };
    format!("{lead}{}\r\n{}", "a".repeat(before), "a".repeat(after))
}

#[test]
fn crlf_may_straddle_a_part_boundary() {
    // CR and LF are two characters (TS 23.038) and the parts are
    // reassembled before display: a part may end between them.
    /// (ucs2, a's before CR LF, a's after, options, segment ranges, remaining)
    type Case = (bool, usize, usize, Options, &'static [(u32, u32)], u32);
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // GSM-7 single message: 160 septets fit, 161 do not.
        (false, 158, 0, auto(), &[(0, 160)], 0),
        (false, 159, 0, auto(), &[(0, 153), (153, 161)], 145),
        // CR LF fills part 1 exactly, CR ends it, CR LF starts part 2.
        (false, 151, 20, auto(), &[(0, 153), (153, 173)], 133),
        (false, 152, 20, auto(), &[(0, 153), (153, 174)], 132),
        (false, 153, 20, auto(), &[(0, 153), (153, 175)], 131),
        // 459 septets: 3 parts (4 if CR LF moved whole).
        (false, 152, 305, auto(), &[(0, 153), (153, 306), (306, 459)], 0),
        // Between parts 2 and 3; with a 16-bit reference at 152.
        (false, 305, 10, auto(), &[(0, 153), (153, 306), (306, 317)], 142),
        (false, 151, 10, sixteen(), &[(0, 152), (152, 163)], 141),
        // UCS-2 single message: 70 units fit, 71 do not.
        (true, 67, 0, auto(), &[(0, 70)], 0),
        (true, 68, 0, auto(), &[(0, 67), (67, 71)], 63),
        // CR LF at the 67 boundary: 134 units, 2 parts (3 if moved whole).
        (true, 64, 66, auto(), &[(0, 67), (67, 133)], 1),
        (true, 65, 66, auto(), &[(0, 67), (67, 134)], 0),
        (true, 66, 66, auto(), &[(0, 67), (67, 134), (134, 135)], 66),
        // Between parts 2 and 3.
        (true, 132, 10, auto(), &[(0, 67), (67, 134), (134, 145)], 56),
    ];
    for (ucs2, before, after, options, ranges, remaining) in cases {
        let text = crlf_text(*ucs2, *before, *after);
        let (a, parts) = split_checked(&text, options);
        let case = format!("ucs2 {ucs2}, {before} + CR LF + {after}");
        assert_eq!(a.encoding == Encoding::Ucs2, *ucs2, "{case}");
        assert_eq!(a.segment_ranges, *ranges, "{case}");
        assert_eq!(a.remaining, *remaining, "{case}");
        // Where the pair straddles, CR is the last unit of one part and LF
        // the first of the next, on the wire too.
        let cr = text.chars().position(|c| c == '\r').unwrap() as u32;
        if let Some(i) = parts.iter().position(|p| p.range.1 == cr + 1) {
            let (first, next) = (&parts[i].payload, &parts[i + 1].payload);
            match (first, next) {
                (Payload::Gsm7 { septets: s1, .. }, Payload::Gsm7 { septets: s2, .. }) => {
                    assert_eq!(
                        (s1.last(), s2.first()),
                        (Some(&0x0D), Some(&0x0A)),
                        "{case}"
                    );
                }
                (Payload::Ucs2 { bytes: b1, .. }, Payload::Ucs2 { bytes: b2, .. }) => {
                    assert_eq!(
                        (&b1[b1.len() - 2..], &b2[..2]),
                        (&[0, 0x0D][..], &[0, 0x0A][..]),
                        "{case}"
                    );
                }
                _ => unreachable!(),
            }
        }
    }
}

#[test]
fn lone_cr_and_lf_are_ordinary_characters() {
    let text = format!("{}\n\n{}", "a".repeat(152), "a".repeat(20));
    assert_eq!(analyze(&text, &auto()).segment_ranges[0], (0, 153));
    let text = format!("{}\r\r{}", "a".repeat(152), "a".repeat(20));
    assert_eq!(analyze(&text, &auto()).segment_ranges[0], (0, 153));
}

#[test]
fn grapheme_cluster_kept_whole_when_it_fits() {
    // A family: 4 emoji joined by 3 ZWJ = 11 UTF-16 units, one cluster.
    let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
    assert_eq!(family.encode_utf16().count(), 11);
    let text = family.repeat(20);
    let (a, parts) = split_checked(&text, &auto());
    // 6 families (66 units) per part; the 7th would overfill 67.
    assert_eq!(sizes(&parts), [66, 66, 66, 22]);
    assert_eq!(a.remaining, 67 - 22);
    for p in &parts {
        assert_eq!(p.text.len() % family.len(), 0);
    }
    // "e" + combining acute accent straddling the boundary moves whole.
    let text = format!("ą{}e\u{301}{}", "a".repeat(65), "a".repeat(10));
    let (a, _) = split_checked(&text, &auto());
    assert_eq!(a.segment_ranges[0], (0, 66));
}

#[test]
fn long_grapheme_cluster_splits_at_code_points() {
    // 'e' with 80 combining marks: 81 units, more than a part.
    let text = format!("{}e{}y", "x".repeat(60), "\u{301}".repeat(80));
    let (a, parts) = split_checked(&text, &auto());
    assert_eq!(a.units, 142);
    assert_eq!(a.segment_ranges, vec![(0, 67), (67, 134), (134, 142)]);
    assert_eq!(sizes(&parts), [67, 67, 8]);

    // A ZWJ chain of 31 emoji is one cluster of 92 units: split between
    // code points, never inside a surrogate pair.
    let chain = vec!["👨"; 31].join("\u{200D}");
    assert_eq!(chain.encode_utf16().count(), 92);
    for options in [auto(), sixteen()] {
        for pad in 0..4 {
            let text = format!("{}{chain}{}", "a".repeat(pad), "b".repeat(pad));
            let (_, parts) = split_checked(&text, &options);
            let capacity = if options.reference == Reference::Eight {
                67
            } else {
                66
            };
            // Never overfilled, and filled up to a pair that would not fit.
            for p in &parts[..parts.len() - 1] {
                let s = sizes(std::slice::from_ref(p))[0];
                assert!(s <= capacity && s + 2 > capacity, "{s}");
            }
        }
    }
}

// ---- national tables ----

#[test]
fn turkish_needs_its_tables() {
    let text = "Şişli'de ağır ağır yürüdük, İstanbul ılık. ".repeat(3);
    let plain = analyze(&text, &auto());
    assert_eq!(plain.encoding, Encoding::Ucs2);
    let listed: Vec<char> = plain.non_gsm.iter().map(|n| n.ch).collect();
    assert_eq!(listed, ['Ş', 'ş', 'ğ', 'ı', 'İ']);

    let options = with_national(&[Language::Turkish]);
    let (a, parts) = split_checked(&text, &options);
    assert_eq!(a.encoding, Encoding::Gsm7);
    assert!(a.non_gsm.is_empty());
    assert_eq!(
        a.national,
        NationalTables {
            locking: Some(Language::Turkish),
            single: None
        }
    );
    assert!(
        a.segments < plain.segments,
        "{} vs {}",
        a.segments,
        plain.segments
    );
    assert_eq!(a.units, text.chars().count() as u32);
    // 129 septets in one message with a locking shift IE (capacity 155).
    assert_eq!((a.segments, a.segment_capacity, a.udh_octets), (1, 155, 4));
    assert_eq!(parts[0].udh, [0x03, 0x25, 0x01, 0x01]);
    let Payload::Gsm7 {
        septets, fill_bits, ..
    } = &parts[0].payload
    else {
        panic!()
    };
    assert_eq!(*fill_bits, 3);
    assert_eq!(septets[0], 0x1C); // Ş
    assert_eq!(septets[1], b'i');
    assert_eq!(septets[2], 0x1D); // ş
}

#[test]
fn turkish_single_shift_when_the_locking_table_lacks_a_char() {
    // 'è' is in the default alphabet but not in the Turkish locking table.
    let options = with_national(&[Language::Turkish]);
    let (a, parts) = split_checked("Crème ş", &options);
    assert_eq!(
        a.national,
        NationalTables {
            locking: None,
            single: Some(Language::Turkish)
        }
    );
    assert_eq!(a.units, 8);
    assert_eq!(
        septets_of(&parts[0]),
        [b'C', b'r', 0x04, b'm', b'e', b' ', 0x1B, 0x73]
    );
    assert_eq!(parts[0].udh, [0x03, 0x24, 0x01, 0x01]);
}

#[test]
fn spanish_single_shift() {
    let text = "¿Dónde está él? Aquí, señor.";
    assert_eq!(analyze(text, &auto()).encoding, Encoding::Ucs2);
    let (a, parts) = split_checked(text, &with_national(&[Language::Spanish]));
    assert_eq!(a.encoding, Encoding::Gsm7);
    assert_eq!(
        a.national,
        NationalTables {
            locking: None,
            single: Some(Language::Spanish)
        }
    );
    // ó á í cost 2 each; ¿ é ñ are in the default alphabet.
    assert_eq!(a.units, text.chars().count() as u32 + 3);
    assert_eq!((a.segment_capacity, a.remaining), (155, 155 - a.units));
    let septets = septets_of(&parts[0]);
    assert_eq!(&septets[..5], [0x60, b'D', 0x1B, 0x6F, b'n']);
}

#[test]
fn portuguese_locking_shift() {
    let text = "Não há ação sem razão, João.";
    let (a, parts) = split_checked(text, &with_national(&[Language::Portuguese]));
    assert_eq!(
        a.national,
        NationalTables {
            locking: Some(Language::Portuguese),
            single: None
        }
    );
    assert_eq!(a.units, text.chars().count() as u32);
    assert_eq!(&septets_of(&parts[0])[..3], [b'N', 0x7B, b'o']);
    assert_eq!(parts[0].udh, [0x03, 0x25, 0x01, 0x03]);
}

#[test]
fn header_cost_decides_between_combinations() {
    let options = with_national(&[Language::Portuguese]);
    // 'Φ' is in the default alphabet but not in the Portuguese locking
    // table; 'ã' is in the Portuguese locking and single shift tables.
    // Single shift only: ã = 2, Φ = 1, UDH 4 (155 septets). Both tables:
    // ã = 1, Φ = 2 (single shift), UDH 7 (152 septets).
    let text =
        |accents: usize, filler: usize| format!("Φ{}{}", "ã".repeat(accents), "a".repeat(filler));
    let single = NationalTables {
        locking: None,
        single: Some(Language::Portuguese),
    };
    let both = NationalTables {
        locking: Some(Language::Portuguese),
        single: Some(Language::Portuguese),
    };
    // 155 vs 146 septets: one part either way, the smaller header wins.
    let a = analyze(&text(10, 134), &options);
    assert_eq!((a.national, a.units, a.segments), (single, 155, 1));
    // 156 vs 147: both tables save a part despite 3 more header octets.
    let (a, parts) = split_checked(&text(10, 135), &options);
    assert_eq!((a.national, a.units, a.segments), (both, 147, 1));
    assert_eq!(a.segment_capacity, 152);
    assert_eq!(parts[0].udh, [0x06, 0x24, 0x01, 0x03, 0x25, 0x01, 0x03]);
    // Fewer septets (154 vs 155) but over the 152 both tables leave: single.
    let a = analyze(&text(2, 150), &options);
    assert_eq!((a.national, a.units, a.segments), (single, 155, 1));
}

#[test]
fn plain_gsm_preferred_on_a_tie() {
    let options = with_national(&[Language::Portuguese]);
    // Plain: 161 septets, 2 parts. Portuguese locking ('^' = 1): 160, but
    // 155 fit one message with the header, so 2 parts as well.
    let text = format!("{}^", "a".repeat(159));
    let a = analyze(&text, &options);
    assert_eq!(
        (a.national, a.units, a.segments),
        (NationalTables::NONE, 161, 2)
    );
    assert_eq!(a.udh_octets, 6);
    // 150 '|': plain 300 septets in 2 parts, Portuguese locking 150 in 1.
    let (a, _) = split_checked(&"|".repeat(150), &options);
    assert_eq!(a.national.locking, Some(Language::Portuguese));
    assert_eq!((a.units, a.segments), (150, 1));
    // Plain text that fits is never given tables.
    let a = analyze("hello", &with_national(&Language::ALL));
    assert_eq!(
        (a.national, a.udh_octets, a.segment_capacity),
        (NationalTables::NONE, 0, 160)
    );
}

#[test]
fn national_concatenated_capacities() {
    // Turkish locking: 9-octet UDH (8-bit) -> 149; 10 (16-bit) -> 148.
    let text = "ş".repeat(400);
    let (a, parts) = split_checked(&text, &with_national(&[Language::Turkish]));
    assert_eq!((a.segment_capacity, a.udh_octets, a.segments), (149, 9, 3));
    assert_eq!(sizes(&parts), [149, 149, 102]);
    assert_eq!(
        parts[0].udh,
        [0x08, 0x00, 0x03, 0x00, 0x03, 0x01, 0x25, 0x01, 0x01]
    );
    let options = Options {
        reference: Reference::Sixteen,
        ..with_national(&[Language::Turkish])
    };
    let (a, _) = split_checked(&text, &options);
    assert_eq!((a.segment_capacity, a.udh_octets), (148, 10));
    // Both tables, 8-bit: 12 octets -> 146 septets per part.
    let text = format!("Φ{}", "ã".repeat(300));
    let (a, _) = split_checked(&text, &with_national(&[Language::Portuguese]));
    assert_eq!(a.national.shift_elements(), 2);
    assert_eq!((a.segment_capacity, a.udh_octets), (146, 12));
}

#[test]
fn languages_outside_the_allowed_set_are_not_used() {
    let text = "ağır";
    let a = analyze(
        text,
        &with_national(&[Language::Spanish, Language::Portuguese]),
    );
    assert_eq!(a.encoding, Encoding::Ucs2);
    let listed: Vec<char> = a.non_gsm.iter().map(|n| n.ch).collect();
    assert_eq!(listed, ['ğ', 'ı']);
}

// ---- forced encodings and limits ----

#[test]
fn forced_gsm7_refuses_other_characters() {
    let options = Options {
        encoding: EncodingChoice::Gsm7,
        ..Options::default()
    };
    let text = "Zażółć ą €";
    let a = analyze(text, &options);
    assert_eq!(a.encoding, Encoding::Gsm7);
    // Each lacking char counted as one septet; € as two.
    assert_eq!(a.units, 11);
    let expected = vec!['ż', 'ó', 'ł', 'ć', 'ą'];
    let listed: Vec<char> = a.non_gsm.iter().map(|n| n.ch).collect();
    assert_eq!(listed, expected);
    assert_eq!(a.non_gsm[4].positions, vec![7]);
    let error = SmsError::NotGsm7 {
        characters: expected,
    };
    assert_eq!(a.check(&options), Err(error.clone()));
    assert_eq!(split(text, &options), Err(error));
    // Allowed when every char is GSM.
    let (a, _) = split_checked("Zazolc", &options);
    assert_eq!(a.encoding, Encoding::Gsm7);
}

#[test]
fn forced_gsm7_with_national_tables() {
    let options = Options {
        encoding: EncodingChoice::Gsm7,
        ..with_national(&[Language::Turkish])
    };
    // Turkish single shift leaves out only ą and ł ('è' rules out locking).
    let a = analyze("ş ą è ł ą", &options);
    assert_eq!(a.national.single, Some(Language::Turkish));
    assert_eq!(
        split("ş ą è ł ą", &options),
        Err(SmsError::NotGsm7 {
            characters: vec!['ą', 'ł']
        })
    );
    let (a, _) = split_checked("şğ", &options);
    assert_eq!(a.national.locking, Some(Language::Turkish));
}

#[test]
fn forced_ucs2() {
    let options = Options {
        encoding: EncodingChoice::Ucs2,
        ..with_national(&Language::ALL)
    };
    let (a, parts) = split_checked("hello", &options);
    assert_eq!(
        (a.encoding, a.national, a.udh_octets),
        (Encoding::Ucs2, NationalTables::NONE, 0)
    );
    assert_eq!(
        parts[0].user_data(),
        [0, b'h', 0, b'e', 0, b'l', 0, b'l', 0, b'o']
    );
}

#[test]
fn part_limits() {
    let options = Options {
        max_parts: Some(2),
        ..Options::default()
    };
    let text = "a".repeat(307);
    let a = analyze(&text, &options);
    assert_eq!(a.segments, 3);
    let error = SmsError::TooManyParts { parts: 3, max: 2 };
    assert_eq!(a.check(&options), Err(error.clone()));
    assert_eq!(split(&text, &options), Err(error));
    assert_eq!(split(&"a".repeat(306), &options).unwrap().len(), 2);

    // A concatenated message has at most 255 parts, whatever the option.
    let text = "a".repeat(153 * 255 + 1);
    assert_eq!(analyze(&text, &auto()).segments, 256);
    assert_eq!(
        split(&text, &auto()),
        Err(SmsError::TooManyParts {
            parts: 256,
            max: 255
        })
    );
    let many = Options {
        max_parts: Some(1000),
        ..Options::default()
    };
    assert_eq!(
        split(&text, &many),
        Err(SmsError::TooManyParts {
            parts: 256,
            max: 255
        })
    );
    assert_eq!(split(&"a".repeat(153 * 255), &auto()).unwrap().len(), 255);
}

#[test]
fn errors_display_and_serialize() {
    let e = SmsError::NotGsm7 {
        characters: vec!['ą', '\t'],
    };
    assert_eq!(
        e.to_string(),
        "characters outside the GSM 7-bit alphabet: 'ą', '\\t'"
    );
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"kind":"not_gsm7","characters":["ą","\t"]}"#
    );
    let e = SmsError::TooManyParts { parts: 12, max: 10 };
    assert_eq!(
        e.to_string(),
        "the message needs 12 parts, at most 10 allowed"
    );
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(json, r#"{"kind":"too_many_parts","parts":12,"max":10}"#);
    assert_eq!(serde_json::from_str::<SmsError>(&json).unwrap(), e);
}

#[test]
fn options_serde() {
    let options: Options = serde_json::from_str(
        r#"{"encoding":"gsm7","reference":16,"national":["tr","portuguese"],"max_parts":4}"#,
    )
    .unwrap();
    assert_eq!(
        options,
        Options {
            encoding: EncodingChoice::Gsm7,
            reference: Reference::Sixteen,
            national: LanguageSet::of(&[Language::Turkish, Language::Portuguese]),
            max_parts: Some(4),
        }
    );
    assert_eq!(
        serde_json::to_string(&options).unwrap(),
        r#"{"encoding":"gsm7","reference":"sixteen","national":["turkish","portuguese"],"max_parts":4}"#
    );
    assert_eq!(
        serde_json::from_str::<Options>("{}").unwrap(),
        Options::default()
    );
    for reference in [r#""eight""#, "8", r#""8""#] {
        let json = format!(r#"{{"reference":{reference}}}"#);
        assert_eq!(
            serde_json::from_str::<Options>(&json).unwrap().reference,
            Reference::Eight
        );
    }
    assert!(serde_json::from_str::<Options>(r#"{"reference":12}"#).is_err());
    assert!(serde_json::from_str::<Options>(r#"{"encoding":"utf8"}"#).is_err());
    assert!(serde_json::from_str::<Options>(r#"{"national":["french"]}"#).is_err());
    assert!(serde_json::from_str::<Options>(r#"{"max_part":3}"#).is_err());
}

#[test]
fn parts_serialize() {
    let parts = split("hi", &auto()).unwrap();
    let json = serde_json::to_string(&parts[0]).unwrap();
    assert_eq!(
        json,
        r#"{"number":1,"range":[0,2],"byte_range":[0,2],"text":"hi","udh":[],"payload":{"encoding":"gsm7","septets":[104,105],"fill_bits":0,"packed":[232,52]}}"#
    );
    assert_eq!(serde_json::from_str::<Part>(&json).unwrap(), parts[0]);
}
