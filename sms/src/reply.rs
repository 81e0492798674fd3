//! What a recipient's reply asks for: to stop receiving messages (STOP) or to receive them
//! again (START). Only a reply that is nothing but the keyword counts ("Stop." or
//! "rezygnuję" do; "nie wiem, kiedy zapłacę" does not), case, Polish letters and the
//! punctuation around it ignored.

use crate::transliterate::replacement;

/// Replies that opt the number out, besides the company's own words.
pub const OPT_OUT_WORDS: [&str; 5] = ["STOP", "NIE", "REZYGNUJE", "REZYGNACJA", "WYPISZ"];
/// Replies that opt it back in.
pub const OPT_IN_WORDS: [&str; 2] = ["START", "TAK"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    OptOut,
    OptIn,
}

/// The keyword `body` is, if any. `extra_opt_out` are the company's own opt-out words, in
/// any case and with or without Polish letters.
pub fn keyword<'a>(
    body: &str,
    extra_opt_out: impl IntoIterator<Item = &'a str>,
) -> Option<Keyword> {
    let word = fold(body);
    if word.is_empty() {
        return None;
    }
    let is = |words: &[&str]| words.iter().any(|w| *w == word);
    if is(&OPT_IN_WORDS) {
        Some(Keyword::OptIn)
    } else if is(&OPT_OUT_WORDS) || extra_opt_out.into_iter().any(|w| fold(w) == word) {
        Some(Keyword::OptOut)
    } else {
        None
    }
}

/// `text` upper-cased, without Polish letters and without the spaces and punctuation around
/// it: the form keywords are compared in.
pub fn fold(text: &str) -> String {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    let mut folded = String::with_capacity(trimmed.len());
    for ch in trimmed.chars() {
        match replacement(ch) {
            Some(ascii) => folded.push_str(ascii),
            None => folded.push(ch),
        }
    }
    folded.to_uppercase()
}

/// Company opt-out words as the administrator writes them: separated by commas or spaces.
pub fn words(list: &str) -> impl Iterator<Item = &str> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_that_is_only_a_keyword_counts() {
        for body in [
            "STOP",
            "stop",
            " Stop. ",
            "Rezygnuję!",
            "rezygnacja",
            "Wypisz",
            "NIE",
        ] {
            assert_eq!(keyword(body, []), Some(Keyword::OptOut), "{body}");
        }
        for body in ["START", "tak", "Tak!"] {
            assert_eq!(keyword(body, []), Some(Keyword::OptIn), "{body}");
        }
        for body in [
            "",
            "  ",
            "nie wiem, kiedy zapłacę",
            "TAK, potwierdzam",
            "STOPA",
            "stop stop",
        ] {
            assert_eq!(keyword(body, []), None, "{body}");
        }
    }

    #[test]
    fn the_company_adds_its_own_opt_out_words() {
        let list = "koniec, Odwołuję";
        assert_eq!(keyword("KONIEC", words(list)), Some(Keyword::OptOut));
        assert_eq!(keyword("odwoluje", words(list)), Some(Keyword::OptOut));
        assert_eq!(keyword("dalej", words(list)), None);
        // The opt-in words stay opt-in whatever the company adds.
        assert_eq!(keyword("tak", words("tak")), Some(Keyword::OptIn));
    }
}
