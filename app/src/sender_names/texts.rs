//! The sender names' texts, in every language.

use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub hint: &'static str,
    pub for_account: &'static str,
    pub for_company: &'static str,
    pub use_number: &'static str,
    pub like_account: &'static str,
    pub choose: &'static str,
    pub next_replace: &'static str,
    pub authorised: &'static str,
    pub pending: &'static str,
    pub col_name: &'static str,
    pub col_status: &'static str,
    pub col_accepted: &'static str,
    pub add_title: &'static str,
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub level_label: &'static str,
    pub statement_title: &'static str,
    pub owner_name: &'static str,
    pub owner_address: &'static str,
    pub owner_nip: &'static str,
    pub statement_text: &'static str,
    pub accept: &'static str,
    pub add: &'static str,
    pub sender_label: &'static str,
    pub sender_name_option: fn(&str) -> String,
    pub sender_number_option: &'static str,
    pub sender_pending: fn(&str) -> String,
}

pub static PL: Texts = Texts {
    title: "Nazwa nadawcy",
    hint: "Odbiorca zobaczy nazwę zamiast numeru. Nową nazwę autoryzuje operator bramki SMS \
           (zwykle w ciągu 24 godzin) na podstawie oświadczenia właściciela; do tego czasu nie \
           można nią wysyłać. Nową nazwą można zastąpić używaną raz na 30 dni; wybrać inną z już \
           dodanych — w każdej chwili.",
    for_account: "Dla wszystkich firm",
    for_company: "Dla tej firmy",
    use_number: "Numer bramki (bez nazwy)",
    like_account: "Jak dla wszystkich firm",
    choose: "Ustaw",
    next_replace: "Nową nazwą można ją zastąpić od",
    authorised: "autoryzowana",
    pending: "czeka na autoryzację",
    col_name: "Nazwa",
    col_status: "Stan",
    col_accepted: "Oświadczenie przyjął(a)",
    add_title: "Dodaj nazwę nadawcy",
    name_label: "Nazwa (do 11 znaków)",
    name_hint: "Tylko litery alfabetu łacińskiego, cyfry i spacje.",
    level_label: "Używaj",
    statement_title: "Oświadczenie właściciela",
    owner_name: "Nazwa firmy",
    owner_address: "Adres",
    owner_nip: "NIP",
    statement_text:
        "Oświadczam, że jestem uprawniony do posługiwania się powyższą nazwą i zezwalam \
                     na wysyłanie wiadomości SMS z tą nazwą nadawcy w imieniu firmy wskazanej \
                     powyżej. Oświadczenie zostanie wysłane e-mailem do operatora bramki SMS, a \
                     jego kopia — na mój adres.",
    accept: "Akceptuję oświadczenie",
    add: "Dodaj i wyślij oświadczenie",
    sender_label: "Nadawca",
    sender_name_option: |name| format!("{name} (nazwa nadawcy; odbiorca nie odpowie)"),
    sender_number_option: "Numer bramki SMS (odbiorca może odpowiedzieć)",
    sender_pending: |name| {
        format!("Nazwa nadawcy „{name}” czeka na autoryzację: do tego czasu wyślesz tylko z numeru bramki.")
    },
};

pub static EN: Texts = Texts {
    title: "Sender name",
    hint: "Recipients see the name instead of a number. A new name is authorised by the SMS \
           gateway's operator (usually within 24 hours) on the owner's statement; until then it \
           cannot be sent with. A new name may replace the one in use once per 30 days; another \
           name already added can be chosen at any time.",
    for_account: "For all companies",
    for_company: "For this company",
    use_number: "The gateway's number (no name)",
    like_account: "As for all companies",
    choose: "Set",
    next_replace: "A new name may replace it from",
    authorised: "authorised",
    pending: "waiting for authorisation",
    col_name: "Name",
    col_status: "State",
    col_accepted: "Statement accepted by",
    add_title: "Add a sender name",
    name_label: "Name (up to 11 characters)",
    name_hint: "Latin letters, digits and spaces only.",
    level_label: "Use",
    statement_title: "Owner's statement",
    owner_name: "Company name",
    owner_address: "Address",
    owner_nip: "NIP",
    statement_text: "I declare that I am entitled to use the name above and allow SMS to be sent \
                     with this sender name on behalf of the company above. The statement is \
                     e-mailed to the SMS gateway's operator, with a copy to me.",
    accept: "I accept the statement",
    add: "Add and send the statement",
    sender_label: "Sender",
    sender_name_option: |name| format!("{name} (sender name; recipients cannot reply)"),
    sender_number_option: "The SMS gateway's number (recipients can reply)",
    sender_pending: |name| {
        format!("The sender name “{name}” is waiting for authorisation: until then only the gateway's number can be sent from.")
    },
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
