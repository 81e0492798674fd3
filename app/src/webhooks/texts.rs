//! The status webhook's texts, in every language.

use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub hint: &'static str,
    pub url_label: &'static str,
    pub new_secret: &'static str,
    pub save: &'static str,
    pub secret_once: &'static str,
    pub failing: fn(i64) -> String,
    pub next_try: &'static str,
    pub col_at: &'static str,
    pub col_events: &'static str,
    pub col_result: &'static str,
    pub delivered: &'static str,
    pub failed: &'static str,
}

pub static PL: Texts = Texts {
    title: "Powiadomienia o statusach (webhook)",
    hint: "Każda zmiana statusu wiadomości konta trafi pod ten adres systemu ERP, po kolei, \
           podpisana sekretem (nagłówek Esemes-Signature: HMAC-SHA256). Gdy ERP jej nie \
           przyjmie, zostanie wysłana ponownie później. Puste pole wyłącza webhook.",
    url_label: "Adres (https://…)",
    new_secret: "Utwórz nowy sekret",
    save: "Zapisz",
    secret_once: "Sekret do weryfikacji podpisów — skopiuj go teraz, nie zostanie pokazany \
                  ponownie:",
    failing: |n| format!("Ostatnie próby nieudane ({n} z rzędu)."),
    next_try: "Następna próba:",
    col_at: "Kiedy",
    col_events: "Zmian",
    col_result: "Wynik",
    delivered: "przyjęte",
    failed: "nieudane",
};

pub static EN: Texts = Texts {
    title: "Status notifications (webhook)",
    hint: "Every status change of the account's messages is posted to this address of the ERP, \
           in order, signed with a secret (header Esemes-Signature: HMAC-SHA256). When the ERP \
           does not take it, it is posted again later. An empty field turns the webhook off.",
    url_label: "Address (https://…)",
    new_secret: "Make a new secret",
    save: "Save",
    secret_once: "The secret to verify signatures with — copy it now, it will not be shown \
                  again:",
    failing: |n| format!("The last attempts failed ({n} in a row)."),
    next_try: "Next attempt:",
    col_at: "When",
    col_events: "Changes",
    col_result: "Result",
    delivered: "taken",
    failed: "failed",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
