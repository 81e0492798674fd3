//! National language shift tables, 3GPP TS 23.038 section 6.2.1.2.4 and annex A.2/A.3.
//!
//! A GSM-7 message may replace the default alphabet by a national *locking
//! shift* table and/or the default extension table (reached through the
//! escape septet `0x1B`) by a national *single shift* table. The receiver
//! learns which through user data header elements (IEI `0x25` locking shift,
//! `0x24` single shift, each `IEI, 1, language id`: 3 octets).
//!
//! Implemented: Turkish (id 1, both tables), Spanish (id 2, single shift
//! only: annex A.3.2 is void) and Portuguese (id 3, both tables).

use serde::{Deserialize, Serialize};

use crate::encoding::{DEFAULT_ALPHABET, DEFAULT_EXTENSION, ESCAPE};

/// A national language with shift tables in 3GPP TS 23.038 annex A.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Locking shift (A.3.1) and single shift (A.2.1) tables.
    #[serde(alias = "tr")]
    Turkish = 1,
    /// Single shift table only (A.2.2).
    #[serde(alias = "es")]
    Spanish = 2,
    /// Locking shift (A.3.3) and single shift (A.2.3) tables.
    #[serde(alias = "pt")]
    Portuguese = 3,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Turkish, Language::Spanish, Language::Portuguese];

    /// The language identifier carried in the shift information elements
    /// (TS 23.038 section 6.2.1.2.4).
    pub const fn id(self) -> u8 {
        self as u8
    }

    pub const fn from_id(id: u8) -> Option<Language> {
        match id {
            1 => Some(Language::Turkish),
            2 => Some(Language::Spanish),
            3 => Some(Language::Portuguese),
            _ => None,
        }
    }

    /// Whether annex A.3 defines a locking shift table (Spanish has none).
    pub const fn has_locking_shift(self) -> bool {
        !matches!(self, Language::Spanish)
    }

    /// Whether annex A.2 defines a single shift table (all three do).
    pub const fn has_single_shift(self) -> bool {
        true
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Language`]s; serialized as a list of names, e.g.
/// `["turkish", "portuguese"]` (`"tr"`, `"es"`, `"pt"` are accepted too).
#[derive(Serialize, Deserialize, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[serde(from = "Vec<Language>", into = "Vec<Language>")]
pub struct LanguageSet(u8);

impl LanguageSet {
    pub const EMPTY: LanguageSet = LanguageSet(0);
    pub const ALL: LanguageSet = LanguageSet::of(&Language::ALL);

    pub const fn of(languages: &[Language]) -> LanguageSet {
        let mut bits = 0;
        let mut i = 0;
        while i < languages.len() {
            bits |= languages[i].bit();
            i += 1;
        }
        LanguageSet(bits)
    }

    #[must_use]
    pub const fn with(self, language: Language) -> LanguageSet {
        LanguageSet(self.0 | language.bit())
    }

    pub const fn contains(self, language: Language) -> bool {
        self.0 & language.bit() != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The languages in id order.
    pub fn iter(self) -> impl Iterator<Item = Language> {
        Language::ALL.into_iter().filter(move |&l| self.contains(l))
    }
}

impl core::fmt::Debug for LanguageSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<Vec<Language>> for LanguageSet {
    fn from(languages: Vec<Language>) -> Self {
        LanguageSet::of(&languages)
    }
}

impl From<LanguageSet> for Vec<Language> {
    fn from(set: LanguageSet) -> Self {
        set.iter().collect()
    }
}

impl FromIterator<Language> for LanguageSet {
    fn from_iter<I: IntoIterator<Item = Language>>(iter: I) -> Self {
        iter.into_iter().fold(LanguageSet::EMPTY, LanguageSet::with)
    }
}

/// The shift tables a GSM-7 message uses: `None` means the default alphabet
/// (locking) or the default extension table (single shift).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NationalTables {
    pub locking: Option<Language>,
    pub single: Option<Language>,
}

impl NationalTables {
    /// Default alphabet and default extension table: no shift IE.
    pub const NONE: NationalTables = NationalTables {
        locking: None,
        single: None,
    };

    pub const fn is_none(self) -> bool {
        self.locking.is_none() && self.single.is_none()
    }

    /// Number of shift information elements in the UDH (0, 1 or 2).
    pub const fn shift_elements(self) -> u32 {
        self.locking.is_some() as u32 + self.single.is_some() as u32
    }

    /// The 128 characters of the (locking shift) alphabet, by septet code;
    /// code `0x1B` is the escape to the single shift table. A language
    /// without a locking shift table (Spanish) gives the default alphabet.
    pub const fn alphabet(self) -> &'static [char; 128] {
        match self.locking {
            Some(Language::Turkish) => &TURKISH_LOCKING,
            Some(Language::Portuguese) => &PORTUGUESE_LOCKING,
            Some(Language::Spanish) | None => &DEFAULT_ALPHABET,
        }
    }

    /// The single shift (extension) table as `(code, char)` pairs, reached
    /// through the escape septet `0x1B`.
    pub const fn extension(self) -> &'static [(u8, char)] {
        match self.single {
            Some(Language::Turkish) => TURKISH_SINGLE,
            Some(Language::Spanish) => SPANISH_SINGLE,
            Some(Language::Portuguese) => PORTUGUESE_SINGLE,
            None => DEFAULT_EXTENSION,
        }
    }

    /// Appends the septets for `ch` (1, or 2 with the escape) to `out`;
    /// `false` (and nothing appended) if these tables lack it.
    pub fn encode_char(self, ch: char, out: &mut Vec<u8>) -> bool {
        if ch == ESCAPE {
            return false;
        }
        let alphabet = self.alphabet();
        // ASCII letters and digits sit at their own code in every table.
        if ch.is_ascii() && alphabet[ch as usize] == ch {
            out.push(ch as u8);
            return true;
        }
        if let Some(code) = alphabet.iter().position(|&c| c == ch) {
            out.push(code as u8);
            return true;
        }
        if let Some(&(code, _)) = self.extension().iter().find(|&&(_, c)| c == ch) {
            out.extend_from_slice(&[0x1B, code]);
            return true;
        }
        false
    }

    /// Encodes `text` to unpacked septets; `Err` with the first character
    /// these tables lack.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        let mut out = Vec::with_capacity(text.len());
        for ch in text.chars() {
            if !self.encode_char(ch, &mut out) {
                return Err(ch);
            }
        }
        Ok(out)
    }

    /// Decodes unpacked septets (the high bit of each byte is ignored). An
    /// escape followed by a code the single shift table lacks shows the
    /// alphabet's character for that code, as TS 23.038 asks of receivers;
    /// escape + escape shows a space; a trailing escape is dropped.
    pub fn decode(self, septets: &[u8]) -> String {
        let alphabet = self.alphabet();
        let extension = self.extension();
        let mut text = String::with_capacity(septets.len());
        let mut bytes = septets.iter().map(|&s| s & 0x7F);
        while let Some(code) = bytes.next() {
            if code != 0x1B {
                text.push(alphabet[code as usize]);
                continue;
            }
            let Some(code) = bytes.next() else { break };
            let ch = match extension.iter().find(|&&(c, _)| c == code) {
                Some(&(_, ch)) => ch,
                None if code == 0x1B => ' ',
                None => alphabet[code as usize],
            };
            text.push(ch);
        }
        text
    }
}

/// Every combination [`crate::analyze`] may pick: no table, then one shift
/// element (single shift first), then both. The last tie-break of
/// `analyze` is this order.
pub(crate) const COMBINATIONS: [NationalTables; 12] = {
    use Language::*;
    const fn t(locking: Option<Language>, single: Option<Language>) -> NationalTables {
        NationalTables { locking, single }
    }
    [
        t(None, None),
        t(None, Some(Turkish)),
        t(None, Some(Spanish)),
        t(None, Some(Portuguese)),
        t(Some(Turkish), None),
        t(Some(Portuguese), None),
        t(Some(Turkish), Some(Turkish)),
        t(Some(Portuguese), Some(Portuguese)),
        t(Some(Turkish), Some(Spanish)),
        t(Some(Turkish), Some(Portuguese)),
        t(Some(Portuguese), Some(Spanish)),
        t(Some(Portuguese), Some(Turkish)),
    ]
};

impl NationalTables {
    /// Whether `allowed` permits this combination.
    pub(crate) const fn allowed_by(self, allowed: LanguageSet) -> bool {
        let locking_ok = match self.locking {
            Some(l) => allowed.contains(l) && l.has_locking_shift(),
            None => true,
        };
        let single_ok = match self.single {
            Some(l) => allowed.contains(l),
            None => true,
        };
        locking_ok && single_ok
    }

    /// Bit of [`class_of`] for this alphabet.
    pub(crate) const fn alphabet_bit(self) -> u8 {
        match self.locking {
            Some(Language::Turkish) => TURKISH_LOCKING_BIT,
            Some(Language::Portuguese) => PORTUGUESE_LOCKING_BIT,
            Some(Language::Spanish) | None => DEFAULT_ALPHABET_BIT,
        }
    }

    /// Bit of [`class_of`] for this extension table.
    pub(crate) const fn extension_bit(self) -> u8 {
        match self.single {
            Some(Language::Turkish) => TURKISH_SINGLE_BIT,
            Some(Language::Spanish) => SPANISH_SINGLE_BIT,
            Some(Language::Portuguese) => PORTUGUESE_SINGLE_BIT,
            None => DEFAULT_EXTENSION_BIT,
        }
    }
}

// Character classes: one bit per table that holds the character. The cost of
// a character under a combination then follows from two bit tests, and
// `analyze` can count characters per class in one pass and cost every
// combination at the end.
pub(crate) const DEFAULT_ALPHABET_BIT: u8 = 1 << 0;
pub(crate) const TURKISH_LOCKING_BIT: u8 = 1 << 1;
pub(crate) const PORTUGUESE_LOCKING_BIT: u8 = 1 << 2;
pub(crate) const DEFAULT_EXTENSION_BIT: u8 = 1 << 3;
pub(crate) const TURKISH_SINGLE_BIT: u8 = 1 << 4;
pub(crate) const SPANISH_SINGLE_BIT: u8 = 1 << 5;
pub(crate) const PORTUGUESE_SINGLE_BIT: u8 = 1 << 6;

/// Classes of every character some table holds, by Unicode block. The
/// builder fails to compile if a table gains a character outside them.
struct Classes {
    ascii: [u8; 0x80],
    /// U+00A0..U+017F: Latin-1 Supplement and Latin Extended-A.
    latin: [u8; 0xE0],
    /// U+0390..U+03AF: the Greek capitals.
    greek: [u8; 0x20],
    euro: u8,
    infinity: u8,
}

const LATIN_START: u32 = 0xA0;
const GREEK_START: u32 = 0x390;

const fn add(classes: &mut Classes, ch: char, bit: u8) {
    let c = ch as u32;
    if c < 0x80 {
        classes.ascii[c as usize] |= bit;
    } else if c >= LATIN_START && c < LATIN_START + 0xE0 {
        classes.latin[(c - LATIN_START) as usize] |= bit;
    } else if c >= GREEK_START && c < GREEK_START + 0x20 {
        classes.greek[(c - GREEK_START) as usize] |= bit;
    } else if c == 0x20AC {
        classes.euro |= bit;
    } else if c == 0x221E {
        classes.infinity |= bit;
    } else {
        panic!("table character outside the class blocks");
    }
}

const fn add_alphabet(classes: &mut Classes, table: &[char; 128], bit: u8) {
    let mut code = 0;
    while code < 128 {
        if code != 0x1B {
            add(classes, table[code], bit);
        }
        code += 1;
    }
}

const fn add_extension(classes: &mut Classes, table: &[(u8, char)], bit: u8) {
    let mut i = 0;
    while i < table.len() {
        add(classes, table[i].1, bit);
        i += 1;
    }
}

const CLASSES: Classes = {
    let mut classes = Classes {
        ascii: [0; 0x80],
        latin: [0; 0xE0],
        greek: [0; 0x20],
        euro: 0,
        infinity: 0,
    };
    add_alphabet(&mut classes, &DEFAULT_ALPHABET, DEFAULT_ALPHABET_BIT);
    add_alphabet(&mut classes, &TURKISH_LOCKING, TURKISH_LOCKING_BIT);
    add_alphabet(&mut classes, &PORTUGUESE_LOCKING, PORTUGUESE_LOCKING_BIT);
    add_extension(&mut classes, DEFAULT_EXTENSION, DEFAULT_EXTENSION_BIT);
    add_extension(&mut classes, TURKISH_SINGLE, TURKISH_SINGLE_BIT);
    add_extension(&mut classes, SPANISH_SINGLE, SPANISH_SINGLE_BIT);
    add_extension(&mut classes, PORTUGUESE_SINGLE, PORTUGUESE_SINGLE_BIT);
    classes
};

/// The tables (bits above) that hold `ch`; 0 for a character in none.
#[inline]
pub(crate) fn class_of(ch: char) -> u8 {
    let c = ch as u32;
    if c < 0x80 {
        CLASSES.ascii[c as usize]
    } else if (LATIN_START..LATIN_START + 0xE0).contains(&c) {
        CLASSES.latin[(c - LATIN_START) as usize]
    } else if (GREEK_START..GREEK_START + 0x20).contains(&c) {
        CLASSES.greek[(c - GREEK_START) as usize]
    } else if c == 0x20AC {
        CLASSES.euro
    } else if c == 0x221E {
        CLASSES.infinity
    } else {
        0
    }
}

// Annex A tables. Locking shift tables list all 128 codes (0x1B is the
// escape); single shift tables list `(code, char)` for the codes they define.

/// A.3.1 Turkish National Language Locking Shift Table.
#[rustfmt::skip]
pub(crate) const TURKISH_LOCKING: [char; 128] = [
    '@', '£', '$', '¥', '€', 'é', 'ù', 'ı', 'ò', 'Ç', '\u{0A}', 'Ğ', 'ğ', '\u{0D}', 'Å', 'å', // 0x00
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Ş', 'ş', 'ß', 'É', // 0x10
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', // 0x20
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', // 0x30
    'İ', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x40
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', // 0x50
    'ç', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x60
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', // 0x70
];

/// A.3.3 Portuguese National Language Locking Shift Table.
#[rustfmt::skip]
pub(crate) const PORTUGUESE_LOCKING: [char; 128] = [
    '@', '£', '$', '¥', 'ê', 'é', 'ú', 'í', 'ó', 'ç', '\u{0A}', 'Ô', 'ô', '\u{0D}', 'Á', 'á', // 0x00
    'Δ', '_', 'ª', 'Ç', 'À', '∞', '^', '\\', '€', 'Ó', '|', '\u{1B}', 'Â', 'â', 'Ê', 'É', // 0x10
    ' ', '!', '"', '#', 'º', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', // 0x20
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', // 0x30
    'Í', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', // 0x40
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ã', 'Õ', 'Ú', 'Ü', '§', // 0x50
    '~', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', // 0x60
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ã', 'õ', '`', 'ü', 'à', // 0x70
];

/// A.2.1 Turkish National Language Single Shift Table.
#[rustfmt::skip]
pub(crate) const TURKISH_SINGLE: &[(u8, char)] = &[
    (0x0A, '\u{0C}'), (0x14, '^'), (0x28, '{'), (0x29, '}'), (0x2F, '\\'), (0x3C, '['),
    (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x47, 'Ğ'), (0x49, 'İ'), (0x53, 'Ş'),
    (0x63, 'ç'), (0x65, '€'), (0x67, 'ğ'), (0x69, 'ı'), (0x73, 'ş'),
];

/// A.2.2 Spanish National Language Single Shift Table.
#[rustfmt::skip]
pub(crate) const SPANISH_SINGLE: &[(u8, char)] = &[
    (0x09, 'ç'), (0x0A, '\u{0C}'), (0x14, '^'), (0x28, '{'), (0x29, '}'), (0x2F, '\\'),
    (0x3C, '['), (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x41, 'Á'), (0x49, 'Í'),
    (0x4F, 'Ó'), (0x55, 'Ú'), (0x61, 'á'), (0x65, '€'), (0x69, 'í'), (0x6F, 'ó'),
    (0x75, 'ú'),
];

/// A.2.3 Portuguese National Language Single Shift Table.
#[rustfmt::skip]
pub(crate) const PORTUGUESE_SINGLE: &[(u8, char)] = &[
    (0x05, 'ê'), (0x09, 'ç'), (0x0A, '\u{0C}'), (0x0B, 'Ô'), (0x0C, 'ô'), (0x0E, 'Á'),
    (0x0F, 'á'), (0x12, 'Φ'), (0x13, 'Γ'), (0x14, '^'), (0x15, 'Ω'), (0x16, 'Π'),
    (0x17, 'Ψ'), (0x18, 'Σ'), (0x19, 'Θ'), (0x1F, 'Ê'), (0x28, '{'), (0x29, '}'),
    (0x2F, '\\'), (0x3C, '['), (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x41, 'À'),
    (0x49, 'Í'), (0x4F, 'Ó'), (0x55, 'Ú'), (0x5B, 'Ã'), (0x5C, 'Õ'), (0x61, 'Â'),
    (0x65, '€'), (0x69, 'í'), (0x6F, 'ó'), (0x75, 'ú'), (0x7B, 'ã'), (0x7C, 'õ'),
    (0x7F, 'â'),
];

#[cfg(test)]
mod tests {
    use super::*;
    use Language::*;

    fn tables(locking: Option<Language>, single: Option<Language>) -> NationalTables {
        NationalTables { locking, single }
    }

    const ALPHABETS: [Option<Language>; 3] = [None, Some(Turkish), Some(Portuguese)];
    const EXTENSIONS: [Option<Language>; 4] =
        [None, Some(Turkish), Some(Spanish), Some(Portuguese)];

    fn code_of(t: NationalTables, ch: char) -> Vec<u8> {
        let mut out = Vec::new();
        assert!(t.encode_char(ch, &mut out), "{ch:?} not in {t:?}");
        out
    }

    #[test]
    fn table_shapes() {
        for locking in ALPHABETS {
            let alphabet = tables(locking, None).alphabet();
            assert_eq!(alphabet[0x1B], '\u{1B}');
            let mut chars: Vec<char> = alphabet.to_vec();
            chars.sort_unstable();
            chars.dedup();
            assert_eq!(chars.len(), 128, "{locking:?} has duplicates");
        }
        for (single, size) in EXTENSIONS.into_iter().zip([10, 17, 19, 37]) {
            let extension = tables(None, single).extension();
            assert_eq!(extension.len(), size, "{single:?}");
            assert!(extension.windows(2).all(|w| w[0].0 < w[1].0));
            assert!(extension
                .iter()
                .all(|&(code, _)| code < 0x80 && code != 0x1B));
            let mut chars: Vec<char> = extension.iter().map(|&(_, c)| c).collect();
            chars.sort_unstable();
            chars.dedup();
            assert_eq!(chars.len(), size);
            // Every national single shift table keeps the default extension.
            for &(code, ch) in DEFAULT_EXTENSION {
                assert!(extension.contains(&(code, ch)), "{single:?} lacks {ch:?}");
            }
        }
    }

    /// Codes typed from TS 23.038 annex A, independently of the tables.
    #[test]
    fn codes_from_the_standard() {
        let tr = tables(Some(Turkish), None);
        for (ch, code) in [
            ('€', 0x04),
            ('ı', 0x07),
            ('Ğ', 0x0B),
            ('ğ', 0x0C),
            ('Ş', 0x1C),
            ('ş', 0x1D),
            ('İ', 0x40),
            ('ç', 0x60),
            ('@', 0x00),
            ('é', 0x05),
            ('Ç', 0x09),
            ('ü', 0x7E),
        ] {
            assert_eq!(code_of(tr, ch), [code], "{ch:?}");
        }
        for ch in ['è', 'ì', 'Ø', 'ø', 'Æ', 'æ', '¡', '¿'] {
            assert!(!tr.encode_char(ch, &mut Vec::new()), "{ch:?}");
        }
        let pt = tables(Some(Portuguese), None);
        for (ch, code) in [
            ('ê', 0x04),
            ('ú', 0x06),
            ('í', 0x07),
            ('ó', 0x08),
            ('ç', 0x09),
            ('Ô', 0x0B),
            ('ô', 0x0C),
            ('Á', 0x0E),
            ('á', 0x0F),
            ('ª', 0x12),
            ('Ç', 0x13),
            ('À', 0x14),
            ('∞', 0x15),
            ('^', 0x16),
            ('\\', 0x17),
            ('€', 0x18),
            ('Ó', 0x19),
            ('|', 0x1A),
            ('Â', 0x1C),
            ('â', 0x1D),
            ('Ê', 0x1E),
            ('É', 0x1F),
            ('º', 0x24),
            ('Í', 0x40),
            ('Ã', 0x5B),
            ('Õ', 0x5C),
            ('Ú', 0x5D),
            ('Ü', 0x5E),
            ('§', 0x5F),
            ('~', 0x60),
            ('ã', 0x7B),
            ('õ', 0x7C),
            ('`', 0x7D),
            ('ü', 0x7E),
            ('à', 0x7F),
        ] {
            assert_eq!(code_of(pt, ch), [code], "{ch:?}");
        }
        let tr = tables(None, Some(Turkish));
        for (ch, code) in [
            ('Ğ', 0x47),
            ('İ', 0x49),
            ('Ş', 0x53),
            ('ç', 0x63),
            ('€', 0x65),
            ('ğ', 0x67),
            ('ı', 0x69),
            ('ş', 0x73),
            ('{', 0x28),
            ('|', 0x40),
            ('\u{0C}', 0x0A),
        ] {
            assert!(tr.extension().contains(&(code, ch)), "{ch:?}");
        }
        let es = tables(None, Some(Spanish));
        for (ch, code) in [
            ('ç', 0x09),
            ('Á', 0x41),
            ('Í', 0x49),
            ('Ó', 0x4F),
            ('Ú', 0x55),
            ('á', 0x61),
            ('€', 0x65),
            ('í', 0x69),
            ('ó', 0x6F),
            ('ú', 0x75),
        ] {
            assert!(es.extension().contains(&(code, ch)), "{ch:?}");
        }
        let pt = tables(None, Some(Portuguese));
        for (ch, code) in [
            ('ê', 0x05),
            ('ç', 0x09),
            ('Ô', 0x0B),
            ('ô', 0x0C),
            ('Á', 0x0E),
            ('á', 0x0F),
            ('Φ', 0x12),
            ('Γ', 0x13),
            ('^', 0x14),
            ('Ω', 0x15),
            ('Π', 0x16),
            ('Ψ', 0x17),
            ('Σ', 0x18),
            ('Θ', 0x19),
            ('Ê', 0x1F),
            ('À', 0x41),
            ('Í', 0x49),
            ('Ó', 0x4F),
            ('Ú', 0x55),
            ('Ã', 0x5B),
            ('Õ', 0x5C),
            ('Â', 0x61),
            ('€', 0x65),
            ('í', 0x69),
            ('ó', 0x6F),
            ('ú', 0x75),
            ('ã', 0x7B),
            ('õ', 0x7C),
            ('â', 0x7F),
        ] {
            assert!(pt.extension().contains(&(code, ch)), "{ch:?}");
        }
        // Encoding takes the alphabet first, then the single shift table.
        assert_eq!(code_of(pt, 'Φ'), [0x12]);
        assert_eq!(code_of(pt, 'ã'), [0x1B, 0x7B]);
        let both = tables(Some(Portuguese), Some(Portuguese));
        assert_eq!(code_of(both, 'ã'), [0x7B]);
        assert_eq!(code_of(both, 'Φ'), [0x1B, 0x12]);
        assert_eq!(code_of(both, '{'), [0x1B, 0x28]);
        assert!(!both.encode_char('Λ', &mut Vec::new()));
    }

    #[test]
    fn every_table_round_trips() {
        for locking in ALPHABETS {
            for single in EXTENSIONS {
                let t = tables(locking, single);
                let mut text = String::new();
                for code in (0..128).filter(|&c| c != 0x1B) {
                    text.push(t.alphabet()[code]);
                }
                for &(_, ch) in t.extension() {
                    text.push(ch);
                }
                let septets = t.encode(&text).unwrap();
                assert_eq!(t.decode(&septets), text, "{t:?}");
                assert_eq!(t.encode("\u{1B}"), Err('\u{1B}'));
            }
        }
    }

    #[test]
    fn decoding_oddities() {
        let t = NationalTables::NONE;
        // Escape + an undefined code shows the alphabet's character.
        assert_eq!(t.decode(&[0x1B, 0x41]), "A");
        assert_eq!(t.decode(&[0x1B, 0x1B]), " ");
        assert_eq!(t.decode(&[0x41, 0x1B]), "A");
        assert_eq!(t.decode(&[0xC1]), "A");
    }

    #[test]
    fn classes_match_the_tables() {
        for c in (0..0x2400u32).filter_map(char::from_u32) {
            let class = class_of(c);
            for locking in ALPHABETS {
                let t = tables(locking, None);
                let expected = c != '\u{1B}' && t.alphabet().contains(&c);
                assert_eq!(class & t.alphabet_bit() != 0, expected, "{c:?} {t:?}");
            }
            for single in EXTENSIONS {
                let t = tables(None, single);
                let expected = t.extension().iter().any(|&(_, x)| x == c);
                assert_eq!(class & t.extension_bit() != 0, expected, "{c:?} {t:?}");
            }
        }
        assert!((0x2400..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .all(|c| class_of(c) == 0));
    }

    #[test]
    fn combinations_are_distinct_and_allowed_only_with_their_languages() {
        for (i, a) in COMBINATIONS.iter().enumerate() {
            assert!(!COMBINATIONS[..i].contains(a));
            assert_ne!(a.locking, Some(Spanish));
        }
        let allowed = |set: LanguageSet| COMBINATIONS.iter().filter(|t| t.allowed_by(set)).count();
        assert_eq!(allowed(LanguageSet::EMPTY), 1);
        assert_eq!(allowed(LanguageSet::of(&[Spanish])), 2);
        assert_eq!(allowed(LanguageSet::of(&[Turkish])), 4);
        assert_eq!(allowed(LanguageSet::ALL), 12);
        // Every locking × single pair of the three languages is listed.
        assert_eq!(COMBINATIONS.len(), 3 * 4);
    }

    #[test]
    fn language_sets() {
        let set = LanguageSet::EMPTY.with(Portuguese).with(Turkish);
        assert_eq!(set.iter().collect::<Vec<_>>(), [Turkish, Portuguese]);
        assert!(set.contains(Turkish) && !set.contains(Spanish));
        assert_eq!(format!("{set:?}"), "{Turkish, Portuguese}");
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["turkish","portuguese"]"#
        );
        let back: LanguageSet = serde_json::from_str(r#"["pt","tr","tr"]"#).unwrap();
        assert_eq!(back, set);
        assert_eq!(Language::from_id(2), Some(Spanish));
        assert_eq!(Language::from_id(4), None);
        assert_eq!(Portuguese.id(), 3);
    }
}
