//! "Send without Polish characters": transliteration to the GSM 03.38 alphabet.
//!
//! A single Polish letter (or a typographic quote pasted from a word
//! processor) forces the whole message into UCS-2, which cuts a part from 160
//! to 70 units. [`transliterate`] replaces such characters with GSM
//! look-alikes and reports what changed and how many parts the message takes
//! before and after, so the composer can show "3 SMS → 1 SMS" and let the
//! operator accept or undo.
//!
//! # What is replaced
//!
//! [`replacement`] is the whole table. In short:
//!
//! * Polish `ąćęłńóśźż` / `ĄĆĘŁŃÓŚŹŻ` and other Latin letters with diacritics
//!   that GSM-7 lacks (`á č š ž ř ő ű â ê î ô û ë ï ÿ ş ț …`) lose the
//!   diacritic; `œ`, `ĳ`, `þ` become two letters. Lowercase `ç` becomes `c`:
//!   GSM-7 has only `Ç`, and a capital in the middle of a word reads worse
//!   than a missing cedilla.
//! * Quotes `„ ” “ ″ « »` → `"`; `‚ ‘ ’ ′ ‹ › ´ ʼ` and the backtick → `'`.
//! * Hyphens and dashes `‐ ‑ ‒ – — ― −` → `-`; ellipsis `…` → `...`.
//! * No-break, narrow, thin, en/em, figure, ideographic… spaces and tab →
//!   space; line/paragraph separators → newline.
//! * Bullets `• ‣ ◦ ⁃ ∙` → `*` (not `-`, which already stands for every dash,
//!   so "9–17 • Sob" stays readable as "9-17 * Sob").
//! * `×` → `x`, `⁄ ∕` → `/`, `¹ ² ³` → digits (`m²` → `m2`), `½ ¼ ¾` →
//!   `1/2`…, `© ® ™` → `(C) (R) TM`, `± → ←` → `+/- -> <-`.
//! * Soft hyphen, zero-width space, word joiner and BOM are removed.
//! * Zero-width (non-)joiners, direction marks, combining marks (U+0300–036F,
//!   e.g. the ogonek of a decomposed `ą`), variation selectors and the keycap
//!   mark are removed only when the character before them in the result is a
//!   GSM character (or they start the text): after an emoji or a letter of
//!   another script they are part of that character and are kept, so
//!   `👨‍👩‍👧` or `❤️` are not broken apart.
//!
//! Characters of GSM-7, its extension table included (`€ [ ] { } ^ ~ | \`,
//! form feed), are never changed, nor `é è ù ì ò à ä ö ü ñ Ä Ö Ñ Ü É Å å Æ æ
//! Ø ø ß Ç`. Characters without a sensible GSM equivalent (emoji, `°`, Greek
//! lowercase, Cyrillic, CJK…) are left as they are. Every replacement is made
//! of characters of the GSM basic table. The table is the default alphabet's:
//! a letter a national shift table could encode (`ş`, `á`…) is still
//! replaced, since the operator asked for plain letters, but only under the
//! part rule below, which counts with the caller's options.
//!
//! # Never more parts
//!
//! Parts are counted by [`crate::analyze`] under the caller's [`Options`].
//! Two candidates are considered:
//!
//! 1. *full*: every replacement;
//! 2. *length-neutral*: only the replacements by one character or by nothing
//!    (an expansion such as `…` → `...` is 1 UCS-2 unit but 3 septets, so it
//!    can cost a part when the message stays UCS-2, e.g. because of an emoji).
//!
//! The candidate with fewer parts wins, full on a tie; a candidate costing
//! more parts than the original is never chosen, and if both would, the
//! original text is returned with no changes (`parts_after == parts_before`).
//! The length-neutral candidate is only built when the full one contains an
//! expansion and takes more than one part, so a typical call runs
//! [`crate::analyze`] twice and never more than three times.
//!
//! The result is a fixed point: transliterating it again changes nothing.

use serde::{Deserialize, Serialize};

use crate::encoding::{analyze, is_gsm7, Options};

/// One distinct character that was replaced.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The original character.
    pub from: char,
    /// What it became: empty if removed, several characters if expanded.
    pub to: String,
    /// How many times it was replaced.
    pub count: u32,
}

/// Result of [`transliterate`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Transliteration {
    /// The transliterated text (the original if nothing was worth changing).
    pub text: String,
    /// Distinct replaced characters in order of their first replacement
    /// (their first appearance, unless an earlier occurrence was kept as part
    /// of an emoji); empty iff `text` is the original.
    pub changes: Vec<Change>,
    /// Parts of the original text under the given options.
    pub parts_before: u32,
    /// Parts of `text`; never more than `parts_before`.
    pub parts_after: u32,
}

/// The GSM replacement for `ch`, or `None` if `ch` is kept as it is (it is
/// GSM already, or has no sensible GSM equivalent).
///
/// `Some("")` means the character is removed; for the joiners, direction
/// marks, combining marks and variation selectors [`transliterate`] only does
/// so after a GSM character (see the module docs).
pub fn replacement(ch: char) -> Option<&'static str> {
    let to = match ch {
        // Latin letters with diacritics absent from GSM-7. The GSM ones
        // (à ä å è é ì ñ ò ö ø ù ü Ä Å Ç É Ñ Ö Ø Ü) are deliberately missing.
        'á' | 'â' | 'ã' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ð' | 'ď' | 'đ' => "d",
        'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ń' | 'ņ' | 'ň' | 'ŋ' => "n",
        'ó' | 'ô' | 'õ' | 'ō' | 'ŏ' | 'ő' => "o",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ú' | 'û' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ð' | 'Ď' | 'Đ' => "D",
        'È' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ŵ' => "W",
        'Ý' | 'Ŷ' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'œ' => "oe",
        'Œ' => "OE",
        'ĳ' => "ij",
        'Ĳ' => "IJ",
        'þ' => "th",
        'Þ' => "Th",
        'ŉ' => "'n",

        // Quotes, apostrophes, primes, the backtick (not in GSM-7).
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{2039}' | '\u{203A}' | '\u{00B4}' | '\u{02BC}' | '`' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' => "\"",

        // Hyphens, dashes, minus.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => "-",
        '\u{2026}' => "...",
        // Bullets.
        '\u{2022}' | '\u{2023}' | '\u{2043}' | '\u{2219}' | '\u{25E6}' => "*",

        // Spaces and line breaks.
        '\t' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => " ",
        '\u{0085}' | '\u{2028}' | '\u{2029}' => "\n",

        // Invisible characters, always removed: soft hyphen, zero-width
        // space, word joiner, BOM / zero-width no-break space.
        '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => "",
        // Invisible characters removed only after a GSM character (see
        // `is_contextual`).
        c if is_contextual(c) => "",

        // Other look-alikes.
        '\u{00D7}' => "x",
        '\u{2044}' | '\u{2215}' => "/",
        '\u{00B9}' => "1",
        '\u{00B2}' => "2",
        '\u{00B3}' => "3",
        '\u{00BD}' => "1/2",
        '\u{00BC}' => "1/4",
        '\u{00BE}' => "3/4",
        '\u{00A9}' => "(C)",
        '\u{00AE}' => "(R)",
        '\u{2122}' => "TM",
        '\u{00B1}' => "+/-",
        '\u{2192}' => "->",
        '\u{2190}' => "<-",
        _ => return None,
    };
    Some(to)
}

/// Joiners, direction marks, combining marks, variation selectors and the
/// combining keycap: invisible on their own but part of the character before
/// them when that is an emoji or a letter of a non-Latin script.
#[inline]
fn is_contextual(ch: char) -> bool {
    matches!(
        ch,
        '\u{0300}'..='\u{036F}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{20E3}'
            | '\u{FE00}'..='\u{FE0F}'
    )
}

/// Whether a replacement may change the length (in any unit) other than by
/// shrinking it: more than one character.
#[inline]
fn is_expansion(to: &str) -> bool {
    to.chars().nth(1).is_some()
}

/// One candidate: the rewritten text, its changes and whether any expansion
/// was applied (`expand == false` never applies one).
struct Pass {
    text: String,
    changes: Vec<Change>,
    expanded: bool,
}

fn apply(text: &str, expand: bool) -> Pass {
    let mut out = String::with_capacity(text.len());
    let mut changes: Vec<Change> = Vec::new();
    let mut expanded = false;
    // Whether the last char written to `out` is GSM (true at the start, so
    // leading invisibles are removed).
    let mut after_gsm = true;

    for ch in text.chars() {
        // Fast path: ASCII is GSM apart from controls, tab and backtick.
        if ch.is_ascii() && ch != '\t' && ch != '`' {
            out.push(ch);
            after_gsm = is_gsm7(ch);
            continue;
        }
        let to = match replacement(ch) {
            Some(to) if to.is_empty() && is_contextual(ch) && !after_gsm => None,
            Some(to) if is_expansion(to) && !expand => None,
            other => other,
        };
        match to {
            None => {
                out.push(ch);
                after_gsm = is_gsm7(ch);
            }
            Some(to) => {
                out.push_str(to);
                // Every replacement is GSM; a removal leaves `after_gsm` as is.
                if !to.is_empty() {
                    after_gsm = true;
                }
                expanded |= is_expansion(to);
                match changes.iter_mut().find(|c| c.from == ch) {
                    Some(change) => change.count += 1,
                    None => changes.push(Change {
                        from: ch,
                        to: to.to_owned(),
                        count: 1,
                    }),
                }
            }
        }
    }
    Pass {
        text: out,
        changes,
        expanded,
    }
}

/// `text` with every character that has a replacement replaced, whether or not it saves
/// parts: for texts that must go without Polish letters (notifications), and the editors'
/// "remove Polish letters".
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match replacement(ch) {
            Some(to) => out.push_str(to),
            None => out.push(ch),
        }
    }
    out
}

/// Transliterates `text` to GSM look-alikes without ever making it cost more
/// parts under `options`. See the module docs for the table and the rule.
pub fn transliterate(text: &str, options: &Options) -> Transliteration {
    let parts_before = analyze(text, options).segments;
    let unchanged = || Transliteration {
        text: text.to_owned(),
        changes: Vec::new(),
        parts_before,
        parts_after: parts_before,
    };

    let full = apply(text, true);
    if full.changes.is_empty() {
        return unchanged();
    }
    let full_parts = analyze(&full.text, options).segments;
    let accept = |pass: Pass, parts_after: u32| Transliteration {
        text: pass.text,
        changes: pass.changes,
        parts_before,
        parts_after,
    };

    // Without an expansion the length-neutral candidate is the same text; at
    // one part (or none) it cannot do better.
    if !full.expanded || full_parts <= 1 {
        return if full_parts <= parts_before {
            accept(full, full_parts)
        } else {
            unchanged()
        };
    }

    let neutral = apply(text, false);
    let neutral_parts = if neutral.changes.is_empty() {
        parts_before
    } else {
        analyze(&neutral.text, options).segments
    };
    if full_parts <= parts_before && full_parts <= neutral_parts {
        accept(full, full_parts)
    } else if neutral_parts <= parts_before && !neutral.changes.is_empty() {
        accept(neutral, neutral_parts)
    } else {
        unchanged()
    }
}

#[cfg(test)]
mod plain_tests {
    use super::plain;

    #[test]
    fn plain_replaces_every_polish_letter() {
        assert_eq!(plain("Zażółć gęślą jaźń ŁÓDŹ"), "Zazolc gesla jazn LODZ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::gsm7_septets;

    #[test]
    fn table_is_consistent() {
        for ch in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let Some(to) = replacement(ch) else { continue };
            assert!(!is_gsm7(ch), "GSM char {ch:?} has a replacement");
            assert!(
                to.chars().all(|c| gsm7_septets(c) == Some(1)),
                "{ch:?} -> {to:?} is not GSM basic"
            );
            // Every source is in the BMP, so a 1:1 replacement never grows
            // the UTF-16 length.
            assert_eq!(ch.len_utf16(), 1, "{ch:?}");
            assert!(to.chars().count() <= 3, "{ch:?}");
        }
    }
}
