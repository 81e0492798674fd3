//! The page primitives' texts (loading, pager, page not found), in every language.

use crate::i18n::use_language;

/// The strings of one language.
pub struct Texts {
    pub not_found: &'static str,
    pub back_home: &'static str,
    pub loading: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    // Rows selected in a list for a serial send.
    pub select_row: &'static str,
    pub selected: fn(usize) -> String,
    pub select_all_matching: &'static str,
    pub all_matching: &'static str,
    pub clear_selection: &'static str,
    pub send_sms: &'static str,
    pub select_hint: &'static str,
}

pub static PL: Texts = Texts {
    not_found: "Nie ma takiej strony.",
    back_home: "Wróć do strony głównej",
    loading: "Wczytywanie…",
    previous_page: "← Poprzednie",
    next_page: "Następne →",
    select_row: "Zaznacz",
    selected: |n| format!("Zaznaczono: {n}"),
    select_all_matching: "Zaznacz wszystkie pasujące",
    all_matching: "Zaznaczono wszystkie pasujące do wyszukiwania",
    clear_selection: "Wyczyść zaznaczenie",
    send_sms: "Wyślij SMS",
    select_hint: "Zaznacz wiersze (Shift zaznacza zakres) albo przejdź do jednego wiersza.",
};

pub static EN: Texts = Texts {
    not_found: "There is no such page.",
    back_home: "Back to the start page",
    loading: "Loading…",
    previous_page: "← Previous",
    next_page: "Next →",
    select_row: "Select",
    selected: |n| format!("Selected: {n}"),
    select_all_matching: "Select all matching",
    all_matching: "All rows matching the search are selected",
    clear_selection: "Clear selection",
    send_sms: "Send SMS",
    select_hint: "Select rows (Shift selects a range) or move to one row.",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
