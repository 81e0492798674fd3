//! SMS encoding detection and segmentation.
//!
//! Follows 3GPP TS 23.038: the GSM 7-bit default alphabet plus its extension
//! table (escape `0x1B` + code, so 2 septets), optionally replaced by national
//! language locking / single shift tables ([`crate::national`]). Any
//! character outside the chosen tables forces the whole message to UCS-2,
//! counted in UTF-16 code units (a character outside the BMP is a surrogate
//! pair = 2 units).
//!
//! Capacities follow from the 140 octets of user data: a part with a user
//! data header (UDH) of `h` octets (UDHL included) holds `(140 - h) * 8 / 7`
//! septets or `(140 - h) / 2` UCS-2 units, rounded down: 160/70 without a
//! header, 153/67 with an 8-bit concatenation reference (6 octets), 152/66
//! with a 16-bit one (7 octets). Each national shift table adds a 3-octet
//! element, also to a single unconcatenated message.
//!
//! [`analyze`] decides everything (encoding, tables, part boundaries) in one
//! place; [`crate::split()`] only encodes what `analyze` decided, so the two
//! cannot disagree.

use serde::{Deserialize, Deserializer, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::national::{class_of, LanguageSet, NationalTables, COMBINATIONS};

/// Octets of user data (TP-UD) in one SMS, header included.
pub const USER_DATA_OCTETS: u32 = 140;
/// Most parts a concatenated message can have: the count is one octet.
pub const MAX_CONCATENATED_PARTS: u32 = 255;

/// The escape septet to the extension (single shift) table. The character
/// U+001B itself is never encodable.
pub(crate) const ESCAPE: char = '\u{1B}';

/// 6.2.1 GSM 7 bit Default Alphabet, by septet code (0x1B is the escape).
#[rustfmt::skip]
pub(crate) const DEFAULT_ALPHABET: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\u{0A}', 'Ø', 'ø', '\u{0D}', 'Å', 'å', // 0x00
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', // 0x10
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', // 0x20
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', // 0x30
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x40
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', // 0x50
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x60
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', // 0x70
];

/// 6.2.1.1 GSM 7 bit default alphabet extension table, `(code, char)`.
#[rustfmt::skip]
pub(crate) const DEFAULT_EXTENSION: &[(u8, char)] = &[
    (0x0A, '\u{0C}'), (0x14, '^'), (0x28, '{'), (0x29, '}'), (0x2F, '\\'), (0x3C, '['),
    (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x65, '€'),
];

/// Encoding a message will be sent with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl Encoding {
    /// Units (septets or UTF-16 code units) one part holds next to a user
    /// data header of `udh_octets` octets (0 = no header), rounded down.
    pub const fn capacity(self, udh_octets: u32) -> u32 {
        let octets = USER_DATA_OCTETS - udh_octets;
        match self {
            Encoding::Gsm7 => octets * 8 / 7,
            Encoding::Ucs2 => octets / 2,
        }
    }

    /// Units one SMS holds when the message fits in a single part and needs
    /// no header: 160 / 70.
    pub const fn single_capacity(self) -> u32 {
        self.capacity(0)
    }

    /// Units one part holds in a concatenated message without national
    /// tables: 153 / 67 (8-bit reference), 152 / 66 (16-bit reference).
    pub const fn concatenated_capacity(self, reference: Reference) -> u32 {
        self.capacity(udh_octets(true, reference, NationalTables::NONE))
    }
}

/// Octets of the user data header, UDHL included, for a part of a message
/// that is (or is not) `concatenated` and uses `tables`: 0 when there is no
/// information element at all.
pub const fn udh_octets(concatenated: bool, reference: Reference, tables: NationalTables) -> u32 {
    let concatenation = if concatenated {
        reference.element_octets()
    } else {
        0
    };
    let elements = concatenation + 3 * tables.shift_elements();
    if elements == 0 {
        0
    } else {
        1 + elements
    }
}

/// What the user asked for; `Auto` picks GSM-7 whenever the text allows it.
/// `Gsm7` never falls back: characters outside the tables are still counted
/// (one septet each, as the `?` a sender would put instead) and listed in
/// [`Analysis::non_gsm`], and [`crate::split()`] refuses the text.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EncodingChoice {
    #[default]
    Auto,
    Gsm7,
    Ucs2,
}

/// Size of the concatenation reference number in the user data header.
/// Serialized as `"eight"` / `"sixteen"`; `8`, `16`, `"8"` and `"16"` are
/// accepted too.
#[derive(Serialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// 8-bit reference: IEI 0x00, UDH of 6 octets.
    #[default]
    Eight,
    /// 16-bit reference: IEI 0x08, UDH of 7 octets.
    Sixteen,
}

impl Reference {
    /// Octets of the concatenation information element (IEI, length, data).
    pub const fn element_octets(self) -> u32 {
        match self {
            Reference::Eight => 5,
            Reference::Sixteen => 6,
        }
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Reference;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("\"eight\", \"sixteen\", 8 or 16")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Reference, E> {
                match v {
                    "eight" | "8" => Ok(Reference::Eight),
                    "sixteen" | "16" => Ok(Reference::Sixteen),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Reference, E> {
                match v {
                    8 => Ok(Reference::Eight),
                    16 => Ok(Reference::Sixteen),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Reference, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// How to encode and split. Every field may be left out when deserializing;
/// unknown fields are refused.
///
/// JSON form: `{"encoding": "auto" | "gsm7" | "ucs2", "reference": "eight" |
/// "sixteen", "national": ["turkish", "spanish", "portuguese"], "max_parts":
/// null | N}`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub encoding: EncodingChoice,
    pub reference: Reference,
    /// Languages whose national shift tables may be used (none by default).
    /// [`analyze`] then picks the combination of tables giving the fewest
    /// parts, header cost included; plain GSM-7 on a tie.
    pub national: LanguageSet,
    /// Most parts a message may take; [`Analysis::check`] and
    /// [`crate::split()`] refuse more. At most 255 in any case.
    pub max_parts: Option<u32>,
}

/// A character that is not representable in the chosen GSM-7 tables, with
/// every char index where it occurs.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NonGsmChar {
    pub ch: char,
    pub positions: Vec<u32>,
}

/// Result of [`analyze`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    pub encoding: Encoding,
    /// Septets (GSM-7, escapes included) or UTF-16 code units (UCS-2) in total.
    pub units: u32,
    pub segments: u32,
    /// Units still free in the last segment.
    pub remaining: u32,
    /// Units one segment holds: 160/70 if single, 153/67 (8-bit reference)
    /// or 152/66 (16-bit reference) if concatenated, less with national
    /// tables (see [`Encoding::capacity`]).
    pub segment_capacity: u32,
    /// Per segment, `[start, end)` as char indices into the text.
    pub segment_ranges: Vec<(u32, u32)>,
    /// Distinct characters outside the GSM-7 tables (those that force UCS-2
    /// under `Auto`), in order of first appearance. With national tables
    /// these are the characters the combination leaving out the fewest
    /// cannot encode. Listed even when UCS-2 is forced.
    pub non_gsm: Vec<NonGsmChar>,
    /// The national shift tables chosen ([`NationalTables::NONE`] for UCS-2
    /// and plain GSM-7).
    pub national: NationalTables,
    /// Octets of each part's user data header, UDHL included (0 = none).
    pub udh_octets: u32,
}

impl Analysis {
    /// Whether the analyzed text may be sent under `options` (the same ones
    /// given to [`analyze`]): the checks [`crate::split()`] makes, without
    /// splitting.
    pub fn check(&self, options: &Options) -> Result<(), SmsError> {
        if self.encoding == Encoding::Gsm7 && !self.non_gsm.is_empty() {
            return Err(SmsError::NotGsm7 {
                characters: self.non_gsm.iter().map(|n| n.ch).collect(),
            });
        }
        let max = options
            .max_parts
            .map_or(MAX_CONCATENATED_PARTS, |m| m.min(MAX_CONCATENATED_PARTS));
        if self.segments > max {
            return Err(SmsError::TooManyParts {
                parts: self.segments,
                max,
            });
        }
        Ok(())
    }
}

/// Why a text cannot be sent as asked.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SmsError {
    /// GSM-7 was forced but these characters (distinct, in order of first
    /// appearance) are not in the tables.
    NotGsm7 { characters: Vec<char> },
    /// The text needs `parts` parts; `max` is the option's limit, or 255,
    /// the most a concatenated message can have.
    TooManyParts { parts: u32, max: u32 },
}

impl core::fmt::Display for SmsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SmsError::NotGsm7 { characters } => {
                f.write_str("characters outside the GSM 7-bit alphabet:")?;
                for (i, ch) in characters.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}{ch:?}")?;
                }
                Ok(())
            }
            SmsError::TooManyParts { parts, max } => {
                write!(f, "the message needs {parts} parts, at most {max} allowed")
            }
        }
    }
}

impl std::error::Error for SmsError {}

/// Septets `ch` costs in the default GSM-7 tables: `Some(1)` for the basic
/// table, `Some(2)` for the extension table (escape + char), `None` if it is
/// not GSM at all.
#[inline]
pub fn gsm7_septets(ch: char) -> Option<u32> {
    match septets_in(class_of(ch), NationalTables::NONE) {
        0 => None,
        n => Some(n),
    }
}

/// Whether `ch` is in the GSM 03.38 default alphabet or extension table.
#[inline]
pub fn is_gsm7(ch: char) -> bool {
    gsm7_septets(ch).is_some()
}

/// Septets a character of `class` costs under `tables`: 1, 2, or 0 if the
/// tables lack it.
#[inline]
fn septets_in(class: u8, tables: NationalTables) -> u32 {
    if class & tables.alphabet_bit() != 0 {
        1
    } else if class & tables.extension_bit() != 0 {
        2
    } else {
        0
    }
}

/// Bit set over the 128 classes: those whose characters `tables` lack.
fn unencodable_classes(tables: NationalTables) -> u128 {
    let has = CLASSES_WITH[tables.alphabet_bit().trailing_zeros() as usize]
        | CLASSES_WITH[tables.extension_bit().trailing_zeros() as usize];
    !has
}

/// `CLASSES_WITH[b]`: bit set over the 128 classes that have bit `b`.
const CLASSES_WITH: [u128; 7] = {
    let mut sets = [0u128; 7];
    let mut bit = 0;
    while bit < 7 {
        let mut class = 0;
        while class < 128 {
            if class & (1 << bit) != 0 {
                sets[bit] |= 1 << class;
            }
            class += 1;
        }
        bit += 1;
    }
    sets
};

/// Records `ch` at `position` in `non_gsm`. `index` is kept sorted by char
/// (char -> slot in `non_gsm`) so text with many distinct non-GSM chars
/// (e.g. CJK) stays O(n log d) instead of O(n * d).
fn record_non_gsm(
    non_gsm: &mut Vec<NonGsmChar>,
    classes: &mut Vec<u8>,
    index: &mut Vec<(char, u32)>,
    ch: char,
    class: u8,
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
            classes.push(class);
        }
    }
}

/// How a text lays out under one encoding and set of tables.
#[derive(Clone, Copy)]
struct Layout {
    segments: u32,
    remaining: u32,
    capacity: u32,
    udh_octets: u32,
}

/// What [`layout`] needs to know about the text.
struct Text<'a> {
    text: &'a str,
    chars: u32,
    /// Every char is a cluster of its own ([`own_cluster`]).
    char_clusters: bool,
}

/// Units a char costs: UTF-16 code units, or septets under the tables (a
/// character the tables lack counts one, as the `?` sent instead). One
/// type rather than closures keeps a single copy of the packing code.
#[derive(Clone, Copy)]
enum Cost {
    Utf16,
    Septets(NationalTables),
}

impl Cost {
    #[inline]
    fn of(self, ch: char) -> u32 {
        match self {
            Cost::Utf16 => ch.len_utf16() as u32,
            Cost::Septets(tables) => septets_in(class_of(ch), tables).max(1),
        }
    }
}

/// Lays `text` out, `total` units in all, in `encoding` with `tables`:
/// one part if it fits a single message (header only for shift tables),
/// else packed into concatenated parts. Part boundaries go to `ranges`.
fn layout(
    text: &Text<'_>,
    total: u32,
    encoding: Encoding,
    tables: NationalTables,
    reference: Reference,
    ranges: &mut Vec<(u32, u32)>,
) -> Layout {
    let single_udh = udh_octets(false, reference, tables);
    let single = encoding.capacity(single_udh);
    if total <= single {
        if text.chars > 0 {
            ranges.push((0, text.chars));
        }
        return Layout {
            segments: u32::from(text.chars > 0),
            remaining: single - total,
            capacity: single,
            udh_octets: single_udh,
        };
    }
    let udh = udh_octets(true, reference, tables);
    let capacity = encoding.capacity(udh);
    let cost = match encoding {
        Encoding::Ucs2 => Cost::Utf16,
        Encoding::Gsm7 => Cost::Septets(tables),
    };
    let mut part = OpenPart::default();
    if text.char_clusters {
        // Each char is a cluster of its own: no segmentation needed.
        for ch in text.text.chars() {
            part.add_char(cost.of(ch), capacity, ranges);
        }
    } else {
        pack(clusters(text.text), capacity, cost, &mut part, ranges);
    }
    if part.end > part.start {
        ranges.push((part.start, part.end));
    }
    Layout {
        segments: ranges.len() as u32,
        remaining: capacity - part.used,
        capacity,
        udh_octets: udh,
    }
}

/// Fewest parts `layout` can give: parts never hold more than capacity.
fn lower_bound(
    total: u32,
    encoding: Encoding,
    tables: NationalTables,
    reference: Reference,
) -> u32 {
    if total <= encoding.capacity(udh_octets(false, reference, tables)) {
        return u32::from(total > 0);
    }
    let capacity = encoding.capacity(udh_octets(true, reference, tables));
    total.div_ceil(capacity).max(2)
}

/// The part being filled: chars `[start, end)`, `used` units.
#[derive(Default)]
struct OpenPart {
    start: u32,
    end: u32,
    used: u32,
}

impl OpenPart {
    /// Adds a char of `units`, first closing the part (to `ranges`) if the
    /// char does not fit: a code point (an escape pair, a surrogate pair) is
    /// never split and a part never overfilled.
    #[inline]
    fn add_char(&mut self, units: u32, capacity: u32, ranges: &mut Vec<(u32, u32)>) {
        if self.used + units > capacity {
            ranges.push((self.start, self.end));
            self.start = self.end;
            self.used = 0;
        }
        self.used += units;
        self.end += 1;
    }
}

/// The packing behind every part boundary (so [`analyze`] and
/// [`crate::split()`] agree by construction), continuing `part`. Greedy: a
/// cluster (see [`clusters`]) goes whole into the current part if it fits,
/// else whole into the next one; a cluster longer than a whole part is
/// split at code point boundaries, filling the current part first. Closed
/// parts go to `ranges` as `[start, end)` char ranges.
fn pack<'a>(
    clusters: impl Iterator<Item = &'a str>,
    capacity: u32,
    cost: Cost,
    part: &mut OpenPart,
    ranges: &mut Vec<(u32, u32)>,
) {
    for cluster in clusters {
        let (chars, units) = cluster
            .chars()
            .fold((0u32, 0u32), |(n, u), ch| (n + 1, u + cost.of(ch)));
        if part.used + units <= capacity {
            part.used += units;
            part.end += chars;
        } else if units <= capacity {
            // `used > 0` here, so the part closed is not empty.
            ranges.push((part.start, part.end));
            part.start = part.end;
            part.used = units;
            part.end += chars;
        } else {
            for ch in cluster.chars() {
                part.add_char(cost.of(ch), capacity, ranges);
            }
        }
    }
}

/// The units [`pack`] keeps whole when they fit in a part: the grapheme
/// clusters of UAX #29, except that CR LF is two. CR and LF are two GSM-7
/// characters (TS 23.038) and the parts are reassembled before display, so
/// a part may end between them; moving both costs a part on some texts.
fn clusters(text: &str) -> impl Iterator<Item = &str> {
    // A cluster holding CR is "\r" or "\r\n" (UAX #29 GB3-GB5).
    text.graphemes(true).flat_map(|g| g.split_inclusive('\r'))
}

/// Whether `ch` (of national-table `class`) is a cluster of its own next to
/// any other such char, so a text made only of them needs no UAX #29
/// segmentation. True of every char below U+0300 (Latin-1, Latin
/// Extended-A/B, IPA, spacing modifiers: the combining marks start at
/// U+0300) and of the GSM-7 table chars above it (Greek capitals, €, ∞):
/// their Grapheme_Cluster_Break is Control, CR, LF or Other, and only CR LF
/// would join, which [`clusters`] splits anyway.
#[inline]
fn own_cluster(ch: char, class: u8) -> bool {
    (ch as u32) < 0x300 || class != 0
}

/// Analyzes `text`: encoding, national tables, length in units, and how it
/// splits into SMS parts. Never fails: a text over a limit is still counted
/// ([`Analysis::check`] tells whether it may be sent).
///
/// Tables: every combination allowed by `options.national` (none, single
/// shift, locking shift, both; languages may be mixed) is a candidate;
/// those leaving out the fewest distinct characters compete, and among them
/// the fewest parts win, header cost included. On a tie: fewer shift
/// elements (so plain GSM-7 first), then fewer septets, then single shift
/// before locking shift.
pub fn analyze(text: &str, options: &Options) -> Analysis {
    let mut candidates = [NationalTables::NONE; COMBINATIONS.len()];
    let mut count = 0;
    for tables in COMBINATIONS {
        if tables.allowed_by(options.national) {
            candidates[count] = tables;
            count += 1;
        }
    }
    let candidates = &candidates[..count];
    // Characters some candidate cannot encode are recorded with positions.
    let record = candidates
        .iter()
        .fold(0u128, |set, &t| set | unencodable_classes(t));

    // Pass 1: classify every char.
    let mut per_class = [0u32; 128];
    let mut non_gsm: Vec<NonGsmChar> = Vec::new();
    let mut non_gsm_classes: Vec<u8> = Vec::new();
    let mut index: Vec<(char, u32)> = Vec::new();
    let mut utf16_units: u32 = 0;
    let mut char_count: u32 = 0;
    let mut char_clusters = true;
    for ch in text.chars() {
        let class = class_of(ch);
        per_class[class as usize] += 1;
        char_clusters &= own_cluster(ch, class);
        if record >> class & 1 != 0 {
            record_non_gsm(
                &mut non_gsm,
                &mut non_gsm_classes,
                &mut index,
                ch,
                class,
                char_count,
            );
        }
        utf16_units += ch.len_utf16() as u32;
        char_count += 1;
    }
    let text = Text {
        text,
        chars: char_count,
        char_clusters,
    };

    // Distinct characters each candidate lacks, and its septets (a lacking
    // character counted as one).
    let lacking = |tables: NationalTables| {
        let set = unencodable_classes(tables);
        non_gsm_classes
            .iter()
            .filter(|&&class| set >> class & 1 != 0)
            .count()
    };
    let septets = |tables: NationalTables| -> u32 {
        (0..128u8)
            .filter(|&class| per_class[class as usize] != 0)
            .map(|class| per_class[class as usize] * septets_in(class, tables).max(1))
            .sum()
    };
    let mut fewest_lacking = usize::MAX;
    let mut fewest_at = 0;
    let mut all_encode = [false; COMBINATIONS.len()];
    for (k, &tables) in candidates.iter().enumerate() {
        let n = lacking(tables);
        all_encode[k] = n == 0;
        if n < fewest_lacking {
            fewest_lacking = n;
            fewest_at = k;
        }
    }

    let encoding = match options.encoding {
        EncodingChoice::Ucs2 => Encoding::Ucs2,
        EncodingChoice::Gsm7 => Encoding::Gsm7,
        EncodingChoice::Auto if fewest_lacking == 0 => Encoding::Gsm7,
        EncodingChoice::Auto => Encoding::Ucs2,
    };
    let reference = options.reference;
    let mut ranges = Vec::new();
    let (tables, units, layout) = match encoding {
        Encoding::Ucs2 => {
            let tables = NationalTables::NONE;
            let l = layout(&text, utf16_units, encoding, tables, reference, &mut ranges);
            (tables, utf16_units, l)
        }
        Encoding::Gsm7 if fewest_lacking > 0 => {
            let tables = candidates[fewest_at];
            let total = septets(tables);
            let l = layout(&text, total, encoding, tables, reference, &mut ranges);
            (tables, total, l)
        }
        Encoding::Gsm7 => {
            // Fewest parts, then fewest shift elements, then fewest septets
            // (most room left), then the earlier candidate.
            let key = |segments: u32, tables: NationalTables, total: u32| {
                (segments, tables.shift_elements(), total)
            };
            let mut best: Option<(NationalTables, u32, Layout)> = None;
            let mut scratch = Vec::new();
            for (k, &tables) in candidates.iter().enumerate() {
                if !all_encode[k] {
                    continue;
                }
                let total = septets(tables);
                let to_beat = best.map(|(t, u, b)| key(b.segments, t, u));
                // Parts are at least the lower bound: skip what cannot win.
                let bound = lower_bound(total, encoding, tables, reference);
                if to_beat.is_some_and(|k| key(bound, tables, total) >= k) {
                    continue;
                }
                scratch.clear();
                let l = layout(&text, total, encoding, tables, reference, &mut scratch);
                if to_beat.is_none_or(|k| key(l.segments, tables, total) < k) {
                    best = Some((tables, total, l));
                    core::mem::swap(&mut ranges, &mut scratch);
                }
            }
            best.expect("a candidate encodes everything")
        }
    };

    // Keep the characters the tables in force (or, for UCS-2, the best
    // GSM-7 candidate) lack.
    let lacking_in = unencodable_classes(if encoding == Encoding::Gsm7 {
        tables
    } else {
        candidates[fewest_at]
    });
    let mut classes = non_gsm_classes.iter();
    non_gsm.retain(|_| classes.next().is_some_and(|&c| lacking_in >> c & 1 != 0));

    Analysis {
        encoding,
        units,
        segments: layout.segments,
        remaining: layout.remaining,
        segment_capacity: layout.capacity,
        segment_ranges: ranges,
        non_gsm,
        national: tables,
        udh_octets: layout.udh_octets,
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
                ..Options::default()
            },
        );
        assert_eq!(summary(&a), (Encoding::Ucs2, 67, 1, 3, 70));
    }

    #[test]
    fn capacities_from_octets() {
        use Encoding::*;
        for (udh, gsm, ucs2) in [
            (0, 160, 70),
            (4, 155, 68),
            (6, 153, 67),
            (7, 152, 66),
            (9, 149, 65),
            (10, 148, 65),
            (12, 146, 64),
            (13, 145, 63),
        ] {
            assert_eq!(
                (Gsm7.capacity(udh), Ucs2.capacity(udh)),
                (gsm, ucs2),
                "{udh}"
            );
        }
        assert_eq!(Gsm7.concatenated_capacity(Reference::Sixteen), 152);
        let tr = NationalTables {
            locking: Some(crate::Language::Turkish),
            single: None,
        };
        let both = NationalTables {
            locking: Some(crate::Language::Turkish),
            single: Some(crate::Language::Turkish),
        };
        let none = NationalTables::NONE;
        assert_eq!(udh_octets(false, Reference::Eight, none), 0);
        assert_eq!(udh_octets(true, Reference::Eight, none), 6);
        assert_eq!(udh_octets(true, Reference::Sixteen, none), 7);
        assert_eq!(udh_octets(false, Reference::Sixteen, tr), 4);
        assert_eq!(udh_octets(false, Reference::Eight, both), 7);
        assert_eq!(udh_octets(true, Reference::Eight, tr), 9);
        assert_eq!(udh_octets(true, Reference::Sixteen, both), 13);
    }

    #[test]
    fn new_fields_default_to_no_tables() {
        let a = analyze("hello", &auto());
        assert_eq!((a.national, a.udh_octets), (NationalTables::NONE, 0));
        let a = analyze(&"a".repeat(200), &sixteen());
        assert_eq!((a.national, a.udh_octets), (NationalTables::NONE, 7));
        assert_eq!(a.check(&auto()), Ok(()));
    }

    /// Every char [`own_cluster`] accepts.
    fn own_cluster_chars() -> Vec<char> {
        (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&ch| own_cluster(ch, class_of(ch)))
            .collect()
    }

    #[test]
    fn own_cluster_chars_never_join() {
        // A UAX #29 rule joining two chars looks at the pair alone, or needs
        // a ZWJ, Extend or regional indicator char, which joins a pair of
        // its own (GB9, GB12): so if no pair joins, no longer text does.
        let chars = own_cluster_chars();
        let mut pair = String::new();
        for &a in &chars {
            for &b in &chars {
                pair.clear();
                pair.push(a);
                pair.push(b);
                let joined = pair.graphemes(true).count() == 1;
                assert_eq!(joined, (a, b) == ('\r', '\n'), "{a:?} {b:?}");
                assert_eq!(clusters(&pair).count(), 2, "{a:?} {b:?}");
            }
        }
    }

    proptest::proptest! {
        /// The fast path (chars packed one by one) lays out a text of
        /// [`own_cluster`] chars, CR LF included, as the cluster path does.
        #[test]
        fn char_path_matches_cluster_path(
            chars in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(own_cluster_chars()),
                    proptest::sample::select(vec!['\r', '\n']),
                ],
                0..400,
            ),
            ucs2 in proptest::bool::ANY,
        ) {
            let text = String::from_iter(chars);
            let (encoding, cost) = if ucs2 {
                (Encoding::Ucs2, Cost::Utf16)
            } else {
                (Encoding::Gsm7, Cost::Septets(NationalTables::NONE))
            };
            let total = text.chars().map(|ch| cost.of(ch)).sum();
            let lay_out = |char_clusters| {
                let chars = text.chars().count() as u32;
                let text = Text { text: &text, chars, char_clusters };
                let mut ranges = Vec::new();
                let tables = NationalTables::NONE;
                let l = layout(&text, total, encoding, tables, Reference::Eight, &mut ranges);
                (ranges, l.segments, l.remaining)
            };
            proptest::prop_assert_eq!(lay_out(true), lay_out(false));
        }
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
