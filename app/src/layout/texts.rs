//! The page primitives' texts (loading, pager, page not found), in every language.

use crate::i18n::use_language;

/// The strings of one language.
pub struct Texts {
    pub not_found: &'static str,
    pub back_home: &'static str,
    pub loading: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
}

pub static PL: Texts = Texts {
    not_found: "Nie ma takiej strony.",
    back_home: "Wróć do strony głównej",
    loading: "Wczytywanie…",
    previous_page: "← Poprzednie",
    next_page: "Następne →",
};

pub static EN: Texts = Texts {
    not_found: "There is no such page.",
    back_home: "Back to the start page",
    loading: "Loading…",
    previous_page: "← Previous",
    next_page: "Next →",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
