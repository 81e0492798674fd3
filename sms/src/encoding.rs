//! SMS encoding detection and segmentation.
//!
//! Follows 3GPP TS 23.038 (GSM 03.38): the default 7-bit alphabet plus its
//! extension table (escape `0x1B` + char, so 2 septets). Any character outside
//! both forces the whole message to UCS-2, where length is counted in UTF-16
//! code units (a character outside the BMP is a surrogate pair = 2 units).

use serde::{Deserialize, Serialize};

/// Septets in a single (non-concatenated) GSM-7 SMS.
const GSM7_SINGLE: u32 = 160;
/// UTF-16 code units in a single (non-concatenated) UCS-2 SMS.
const UCS2_SINGLE: u32 = 70;

/// Encoding a message will be sent with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl Encoding {
    /// Units one SMS holds when the message fits in a single part.
    pub const fn single_capacity(self) -> u32 {
        match self {
            Encoding::Gsm7 => GSM7_SINGLE,
            Encoding::Ucs2 => UCS2_SINGLE,
        }
    }

    /// Units one part holds in a concatenated message: the user data header
    /// (6 octets with an 8-bit reference, 7 with a 16-bit one) eats into the
    /// 140-octet payload.
    pub const fn concatenated_capacity(self, reference: Reference) -> u32 {
        match (self, reference) {
            (Encoding::Gsm7, Reference::Eight) => 153,
            (Encoding::Gsm7, Reference::Sixteen) => 152,
            (Encoding::Ucs2, Reference::Eight) => 67,
            (Encoding::Ucs2, Reference::Sixteen) => 66,
        }
    }
}

/// What the user asked for; `Auto` picks GSM-7 whenever every char allows it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EncodingChoice {
    #[default]
    Auto,
    Ucs2,
}

/// Size of the concatenation reference number in the user data header.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// 8-bit reference: UDH of 6 octets (IEI 0x00).
    #[default]
    Eight,
    /// 16-bit reference: UDH of 7 octets (IEI 0x08).
    Sixteen,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Options {
    pub encoding: EncodingChoice,
    pub reference: Reference,
}

/// A character that is not representable in GSM-7, with every char index
/// where it occurs.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NonGsmChar {
    pub ch: char,
    pub positions: Vec<u32>,
}

/// Result of [`analyze`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2) in total.
    pub units: u32,
    pub segments: u32,
    /// Units still free in the last segment.
    pub remaining: u32,
    /// Units one segment holds: 160/70 if single, 153/67 (8-bit reference)
    /// or 152/66 (16-bit reference) if concatenated.
    pub segment_capacity: u32,
    /// Per segment, `[start, end)` as char indices into the text.
    pub segment_ranges: Vec<(u32, u32)>,
    /// Distinct non-GSM characters in order of first appearance.
    pub non_gsm: Vec<NonGsmChar>,
}

/// Septets per ASCII char: 0 = not GSM, 1 = basic table, 2 = extension table.
/// A table because ASCII dominates real messages and this is the hot path.
const ASCII_SEPTETS: [u8; 128] = build_ascii_table();

const fn build_ascii_table() -> [u8; 128] {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = match i as u8 {
            // Basic table. Note the gaps: '$' is in (0x02), '`' is not.
            b'\n' | b'\r' | b' '..=b'?' | b'@'..=b'Z' | b'_' | b'a'..=b'z' => 1,
            // Extension table: form feed ^ { } \ [ ~ ] |
            0x0C | b'^' | b'{' | b'}' | b'\\' | b'[' | b'~' | b']' | b'|' => 2,
            _ => 0,
        };
        i += 1;
    }
    table
}

/// Septets `ch` costs in GSM-7: `Some(1)` for the basic table, `Some(2)` for
/// the extension table (escape + char), `None` if it is not GSM at all.
#[inline]
pub fn gsm7_septets(ch: char) -> Option<u32> {
    let septets = if ch.is_ascii() {
        ASCII_SEPTETS[ch as usize]
    } else {
        match ch {
            // Lowercase 'ç' is deliberately absent: the table has only 'Ç'.
            '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ'
            | 'Γ' | 'Λ' | 'Ω' | 'Π' | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡'
            | 'Ä' | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö' | 'ñ' | 'ü' | 'à' => 1,
            '€' => 2,
            _ => 0,
        }
    };
    if septets == 0 {
        None
    } else {
        Some(u32::from(septets))
    }
}

/// Whether `ch` is in the GSM 03.38 basic or extension table.
#[inline]
pub fn is_gsm7(ch: char) -> bool {
    gsm7_septets(ch).is_some()
}

/// Units `ch` costs in `encoding`. Callers only use GSM-7 once every char is
/// known to be GSM, so the fallback of 1 is never hit.
#[inline]
fn units_of(ch: char, encoding: Encoding) -> u32 {
    match encoding {
        Encoding::Gsm7 => gsm7_septets(ch).unwrap_or(1),
        Encoding::Ucs2 => ch.len_utf16() as u32,
    }
}

/// Records `ch` at `position` in `non_gsm`. `index` is kept sorted by char
/// (char -> slot in `non_gsm`) so text with many distinct non-GSM chars
/// (e.g. CJK) stays O(n log d) instead of O(n * d).
fn record_non_gsm(
    non_gsm: &mut Vec<NonGsmChar>,
    index: &mut Vec<(char, u32)>,
    ch: char,
    position: u32,
) {
    match index.binary_search_by_key(&ch, |&(c, _)| c) {
        Ok(found) => non_gsm[index[found].1 as usize].positions.push(position),
        Err(insert_at) => {
            index.insert(insert_at, (ch, non_gsm.len() as u32));
            non_gsm.push(NonGsmChar {
                ch,
                positions: vec![position],
            });
        }
    }
}

/// Analyzes `text`: encoding, length in units, and how it splits into SMS
/// parts.
///
/// Parts are found by actually packing characters, never splitting a GSM
/// escape pair or a UTF-16 surrogate pair, so a part may end one unit short
/// of its capacity.
pub fn analyze(text: &str, options: &Options) -> Analysis {
    let mut non_gsm: Vec<NonGsmChar> = Vec::new();
    let mut index: Vec<(char, u32)> = Vec::new();
    let mut septets: u32 = 0;
    let mut utf16_units: u32 = 0;
    let mut char_count: u32 = 0;

    // Pass 1: classify every char; both totals are kept because the encoding
    // is only known at the end.
    for ch in text.chars() {
        match gsm7_septets(ch) {
            Some(n) => septets += n,
            None => record_non_gsm(&mut non_gsm, &mut index, ch, char_count),
        }
        utf16_units += ch.len_utf16() as u32;
        char_count += 1;
    }

    let encoding = if options.encoding == EncodingChoice::Ucs2 || !non_gsm.is_empty() {
        Encoding::Ucs2
    } else {
        Encoding::Gsm7
    };
    let units = match encoding {
        Encoding::Gsm7 => septets,
        Encoding::Ucs2 => utf16_units,
    };
    let single = encoding.single_capacity();

    if units <= single {
        let (segments, segment_ranges) = if units == 0 {
            (0, Vec::new())
        } else {
            (1, vec![(0, char_count)])
        };
        return Analysis {
            encoding,
            units,
            segments,
            remaining: single - units,
            segment_capacity: single,
            segment_ranges,
            non_gsm,
        };
    }

    // Pass 2 (only for concatenated messages): greedy packing. Each char costs
    // at most 2 units, far below any capacity, so every part gets at least one.
    let capacity = encoding.concatenated_capacity(options.reference);
    let mut segment_ranges = Vec::with_capacity((units / capacity + 2) as usize);
    let mut start: u32 = 0;
    let mut used: u32 = 0;
    for (i, ch) in text.chars().enumerate() {
        let cost = units_of(ch, encoding);
        if used + cost > capacity {
            segment_ranges.push((start, i as u32));
            start = i as u32;
            used = 0;
        }
        used += cost;
    }
    segment_ranges.push((start, char_count));

    Analysis {
        encoding,
        units,
        segments: segment_ranges.len() as u32,
        remaining: capacity - used,
        segment_capacity: capacity,
        segment_ranges,
        non_gsm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto() -> Options {
        Options::default()
    }

    fn sixteen() -> Options {
        Options {
            reference: Reference::Sixteen,
            ..Options::default()
        }
    }

    fn forced_ucs2() -> Options {
        Options {
            encoding: EncodingChoice::Ucs2,
            ..Options::default()
        }
    }

    /// (encoding, units, segments, remaining, capacity).
    type Summary = (Encoding, u32, u32, u32, u32);

    fn summary(a: &Analysis) -> Summary {
        (
            a.encoding,
            a.units,
            a.segments,
            a.remaining,
            a.segment_capacity,
        )
    }

    const EMOJI: char = '😀';

    #[test]
    fn table_sizes_match_spec() {
        // 128 basic positions minus the escape code = 127 chars; 10 extension chars.
        let mut basic = 0;
        let mut extension = 0;
        for ch in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            match gsm7_septets(ch) {
                Some(1) => basic += 1,
                Some(2) => extension += 1,
                Some(n) => panic!("unexpected cost {n} for {ch:?}"),
                None => {}
            }
        }
        assert_eq!(basic, 127);
        assert_eq!(extension, 10);
    }

    #[test]
    fn specific_chars() {
        assert_eq!(gsm7_septets('Ç'), Some(1));
        assert_eq!(gsm7_septets('ç'), None);
        assert_eq!(gsm7_septets('€'), Some(2));
        assert_eq!(gsm7_septets('\u{000C}'), Some(2));
        for ch in "^{}\\[~]|".chars() {
            assert_eq!(gsm7_septets(ch), Some(2), "{ch:?}");
        }
        for ch in "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà"
            .chars()
            .chain('0'..='9')
            .chain('A'..='Z')
            .chain('a'..='z')
        {
            assert_eq!(gsm7_septets(ch), Some(1), "{ch:?}");
        }
        for ch in [
            '`', '\t', '\u{1B}', '\u{7F}', 'ą', 'ó', EMOJI, '\u{2126}', 'ç',
        ] {
            assert!(!is_gsm7(ch), "{ch:?}");
        }
        assert!(!is_gsm7('ç'));
    }

    #[test]
    fn empty_text() {
        let a = analyze("", &auto());
        assert_eq!(summary(&a), (Encoding::Gsm7, 0, 0, 160, 160));
        assert!(a.segment_ranges.is_empty());
        assert!(a.non_gsm.is_empty());

        let a = analyze("", &forced_ucs2());
        assert_eq!(summary(&a), (Encoding::Ucs2, 0, 0, 70, 70));
    }

    #[test]
    fn gsm_boundaries() {
        let cases: &[(usize, Summary)] = &[
            (1, (Encoding::Gsm7, 1, 1, 159, 160)),
            (160, (Encoding::Gsm7, 160, 1, 0, 160)),
            (161, (Encoding::Gsm7, 161, 2, 145, 153)),
            (306, (Encoding::Gsm7, 306, 2, 0, 153)),
            (307, (Encoding::Gsm7, 307, 3, 152, 153)),
            (459, (Encoding::Gsm7, 459, 3, 0, 153)),
            (460, (Encoding::Gsm7, 460, 4, 152, 153)),
            (1530, (Encoding::Gsm7, 1530, 10, 0, 153)),
            (1531, (Encoding::Gsm7, 1531, 11, 152, 153)),
        ];
        for &(len, expected) in cases {
            let text = "a".repeat(len);
            let a = analyze(&text, &auto());
            assert_eq!(summary(&a), expected, "len {len}");
            assert_eq!(a.segments as usize, a.segment_ranges.len());
        }
        let a = analyze(&"a".repeat(307), &auto());
        assert_eq!(a.segment_ranges, vec![(0, 153), (153, 306), (306, 307)]);
    }

    #[test]
    fn ucs2_boundaries() {
        // 'ą' makes it UCS-2; pad with ASCII (1 unit each in UCS-2 too).
        let cases: &[(usize, Summary)] = &[
            (1, (Encoding::Ucs2, 1, 1, 69, 70)),
            (70, (Encoding::Ucs2, 70, 1, 0, 70)),
            (71, (Encoding::Ucs2, 71, 2, 63, 67)),
            (134, (Encoding::Ucs2, 134, 2, 0, 67)),
            (135, (Encoding::Ucs2, 135, 3, 66, 67)),
            (201, (Encoding::Ucs2, 201, 3, 0, 67)),
            (202, (Encoding::Ucs2, 202, 4, 66, 67)),
        ];
        for &(len, expected) in cases {
            let text = format!("ą{}", "a".repeat(len - 1));
            let a = analyze(&text, &auto());
            assert_eq!(summary(&a), expected, "len {len}");
        }
    }

    #[test]
    fn escape_char_at_boundaries() {
        // '€' at char index p after p plain chars; then pad to force concatenation.
        let place = |p: usize, total_plain: usize| {
            let mut s = "a".repeat(p);
            s.push('€');
            s.push_str(&"a".repeat(total_plain - p));
            s
        };

        // Single message: 159 plain + € = 161 septets -> concatenated.
        let a = analyze(&place(159, 159), &auto());
        assert_eq!(summary(&a), (Encoding::Gsm7, 161, 2, 145, 153));
        // 158 plain + € = 160 septets -> still single.
        let a = analyze(&place(158, 158), &auto());
        assert_eq!(summary(&a), (Encoding::Gsm7, 160, 1, 0, 160));

        // € at index 152 in a concatenated message: 152 + 2 = 154 > 153, so it
        // moves to part 2 and part 1 holds only 152 septets.
        let a = analyze(&place(152, 200), &auto());
        assert_eq!(a.units, 202);
        assert_eq!(a.segment_ranges[0], (0, 152));
        assert_eq!(a.segment_ranges[1], (152, 201));
        assert_eq!(a.segments, 2);
        // Part 2: € (2) + 48 'a' = 50 septets.
        assert_eq!(a.remaining, 103);

        // € at index 151 fits exactly into part 1 (151 + 2 = 153).
        let a = analyze(&place(151, 200), &auto());
        assert_eq!(a.segment_ranges[0], (0, 152));

        // € at index 153 starts part 2 cleanly.
        let a = analyze(&place(153, 200), &auto());
        assert_eq!(a.segment_ranges[0], (0, 153));
        assert_eq!(a.segment_ranges[1], (153, 201));

        // € at 160 lands in part 2 with no split.
        let a = analyze(&place(160, 200), &auto());
        assert_eq!(a.segment_ranges, vec![(0, 153), (153, 201)]);
        assert_eq!(a.units, 202);

        // 152 plain + € + 153 plain: the pushed € makes a third part necessary.
        let a = analyze(&place(152, 152 + 153), &auto());
        assert_eq!(a.units, 307);
        assert_eq!(a.segments, 3);
        assert_eq!(a.segment_ranges, vec![(0, 152), (152, 304), (304, 306)]);
        // Part 2: € + 151 'a' = 153; part 3: 2 'a'.
        assert_eq!(a.remaining, 151);
    }

    #[test]
    fn surrogate_pair_at_boundaries() {
        let place = |p: usize, total_plain: usize| {
            let mut s = "a".repeat(p);
            s.push(EMOJI);
            s.push_str(&"a".repeat(total_plain - p));
            s
        };

        // 68 + emoji = 70 units -> single.
        let a = analyze(&place(68, 68), &auto());
        assert_eq!(summary(&a), (Encoding::Ucs2, 70, 1, 0, 70));
        // 69 + emoji = 71 units -> concatenated.
        let a = analyze(&place(69, 69), &auto());
        assert_eq!(summary(&a), (Encoding::Ucs2, 71, 2, 63, 67));
        // Emoji at char index 69 of a longer text: already in part 2.
        let a = analyze(&place(69, 100), &auto());
        assert_eq!(a.segment_ranges[0], (0, 67));
        // Emoji at 70.
        let a = analyze(&place(70, 100), &auto());
        assert_eq!(a.segment_ranges[0], (0, 67));
        assert_eq!(a.units, 102);

        // Emoji at 66: 66 + 2 = 68 > 67 -> moved to part 2.
        let a = analyze(&place(66, 100), &auto());
        assert_eq!(a.segment_ranges, vec![(0, 66), (66, 101)]);
        assert_eq!(a.remaining, 67 - 36);
        // Emoji at 65 fits exactly.
        let a = analyze(&place(65, 100), &auto());
        assert_eq!(a.segment_ranges, vec![(0, 66), (66, 101)]);
        assert_eq!(a.remaining, 67 - 35);
        // Emoji at 67 starts part 2.
        let a = analyze(&place(67, 100), &auto());
        assert_eq!(a.segment_ranges, vec![(0, 67), (67, 101)]);
        assert_eq!(
            a.non_gsm,
            vec![NonGsmChar {
                ch: EMOJI,
                positions: vec![67]
            }]
        );
    }

    #[test]
    fn crlf_is_two_septets() {
        let a = analyze("a\r\nb", &auto());
        assert_eq!(summary(&a), (Encoding::Gsm7, 4, 1, 156, 160));
    }

    #[test]
    fn euro_costs_two() {
        let a = analyze("€", &auto());
        assert_eq!(summary(&a), (Encoding::Gsm7, 2, 1, 158, 160));
        let a = analyze("{[€]}", &auto());
        assert_eq!(a.units, 10);
        // In UCS-2 the escape does not apply.
        let a = analyze("€", &forced_ucs2());
        assert_eq!(summary(&a), (Encoding::Ucs2, 1, 1, 69, 70));
    }

    #[test]
    fn polish_text() {
        let a = analyze("zażółć gęślą jaźń", &auto());
        assert_eq!(a.encoding, Encoding::Ucs2);
        assert_eq!(a.units, 17);
        assert_eq!(a.segments, 1);
        assert_eq!(a.remaining, 53);
        let got: Vec<(char, Vec<u32>)> = a
            .non_gsm
            .iter()
            .map(|n| (n.ch, n.positions.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ('ż', vec![2]),
                ('ó', vec![3]),
                ('ł', vec![4]),
                ('ć', vec![5]),
                ('ę', vec![8]),
                ('ś', vec![9]),
                ('ą', vec![11]),
                ('ź', vec![15]),
                ('ń', vec![16]),
            ]
        );
    }

    #[test]
    fn repeated_non_gsm_positions() {
        let a = analyze("ąbąc😀ą", &auto());
        assert_eq!(
            a.non_gsm,
            vec![
                NonGsmChar {
                    ch: 'ą',
                    positions: vec![0, 2, 5]
                },
                NonGsmChar {
                    ch: EMOJI,
                    positions: vec![4]
                },
            ]
        );
        assert_eq!(a.units, 7);
    }

    #[test]
    fn cedilla_case() {
        assert_eq!(analyze("Ça va", &auto()).encoding, Encoding::Gsm7);
        let a = analyze("ça va", &auto());
        assert_eq!(a.encoding, Encoding::Ucs2);
        assert_eq!(
            a.non_gsm,
            vec![NonGsmChar {
                ch: 'ç',
                positions: vec![0]
            }]
        );
    }

    #[test]
    fn sixteen_bit_reference() {
        let a = analyze(&"a".repeat(160), &sixteen());
        assert_eq!(summary(&a), (Encoding::Gsm7, 160, 1, 0, 160));
        let a = analyze(&"a".repeat(161), &sixteen());
        assert_eq!(summary(&a), (Encoding::Gsm7, 161, 2, 143, 152));
        assert_eq!(a.segment_ranges, vec![(0, 152), (152, 161)]);
        let a = analyze(&"a".repeat(304), &sixteen());
        assert_eq!(summary(&a), (Encoding::Gsm7, 304, 2, 0, 152));
        let a = analyze(&"a".repeat(305), &sixteen());
        assert_eq!(a.segments, 3);

        let a = analyze(&format!("ą{}", "a".repeat(70)), &sixteen());
        assert_eq!(summary(&a), (Encoding::Ucs2, 71, 2, 61, 66));
        let a = analyze(&format!("ą{}", "a".repeat(131)), &sixteen());
        assert_eq!(summary(&a), (Encoding::Ucs2, 132, 2, 0, 66));
        let a = analyze(&format!("ą{}", "a".repeat(132)), &sixteen());
        assert_eq!(summary(&a), (Encoding::Ucs2, 133, 3, 65, 66));

        // Escape pair at 151 in 16-bit mode: 151 + 2 = 153 > 152 -> pushed.
        let mut s = "a".repeat(151);
        s.push('€');
        s.push_str(&"a".repeat(20));
        let a = analyze(&s, &sixteen());
        assert_eq!(a.segment_ranges, vec![(0, 151), (151, 172)]);
    }

    #[test]
    fn forced_ucs2_on_gsm_text() {
        let a = analyze(&"a".repeat(70), &forced_ucs2());
        assert_eq!(summary(&a), (Encoding::Ucs2, 70, 1, 0, 70));
        assert!(a.non_gsm.is_empty());
        let a = analyze(&"a".repeat(71), &forced_ucs2());
        assert_eq!(summary(&a), (Encoding::Ucs2, 71, 2, 63, 67));
        let a = analyze(
            &"a".repeat(67),
            &Options {
                encoding: EncodingChoice::Ucs2,
                reference: Reference::Sixteen,
            },
        );
        assert_eq!(summary(&a), (Encoding::Ucs2, 67, 1, 3, 70));
    }

    #[test]
    fn serde_names() {
        let json = |v: Encoding| serde_json::to_string(&v).unwrap();
        assert_eq!(json(Encoding::Gsm7), "\"gsm7\"");
        assert_eq!(json(Encoding::Ucs2), "\"ucs2\"");
        assert_eq!(
            serde_json::to_string(&EncodingChoice::Auto).unwrap(),
            "\"auto\""
        );
        assert_eq!(
            serde_json::to_string(&Reference::Sixteen).unwrap(),
            "\"sixteen\""
        );
        let a = analyze("ça", &auto());
        let back: Analysis = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }
}
