use sms::{Encoding, PhoneError};

use super::Texts;
use crate::messages::Status;

/// Polish plural form: 1 → `one`, 2–4 (but not 12–14) → `few`, otherwise `many`.
fn plural(n: u32, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    }
}

pub static TEXTS: Texts = Texts {
    app_name: "Esemes",
    language_name: "Polski",
    nav_compose: "Nowy SMS",
    nav_messages: "Wiadomości",
    nav_main: "Menu główne",
    logout: "Wyloguj",
    logged_in_as: "Zalogowano jako",
    not_found: "Nie ma takiej strony.",
    back_home: "Wróć do strony głównej",
    loading: "Wczytywanie…",

    login_title: "Logowanie",
    login_intro: "Zaloguj się, aby wysyłać wiadomości SMS.",
    login_label: "Login",
    password_label: "Hasło",
    login_button: "Zaloguj się",

    composer_title: "Nowa wiadomość SMS",
    draft_title: "Wersja robocza SMS",
    phone_label: "Telefon",
    phone_hint: "np. 600 100 200; numer zagraniczny z kierunkowym, np. +49 151 2345 6789",
    body_label: "Treść",
    send: "Wyślij",
    save: "Zapisz",
    save_shortcut: "Ctrl+Enter",
    cancel: "Anuluj",
    sending: "Wysyłanie…",
    chars_left: |n| {
        let verb = plural(n, "Pozostał", "Pozostały", "Pozostało");
        format!(
            "{verb} {n} {} w tym SMS",
            plural(n, "znak", "znaki", "znaków")
        )
    },
    sms_count: |n| format!("{n} SMS"),
    encoding_name: |e| match e {
        Encoding::Gsm7 => "GSM (160 znaków w jednym SMS)",
        Encoding::Ucs2 => "Unicode (70 znaków w jednym SMS)",
    },
    unicode_because: "Unicode wymuszają znaki:",
    show_in_text: "Pokaż w tekście",
    offer_label: "Bez polskich znaków:",
    offer_accept: "Zamień na litery bez ogonków",
    offer_done: "Zamieniono znaki specjalne na zwykłe.",
    offer_undo: "Cofnij",
    too_long: |parts, max| format!("Za długa wiadomość: {parts} SMS, najwięcej {max}."),
    sent_ok: "Wiadomość przekazana do wysyłki.",
    draft_saved: "Zapisano wersję roboczą.",

    messages_title: "Wiadomości SMS",
    filter_label: "Pokaż",
    filter_all: "Wszystkie",
    filter_sent: "Wysłane",
    filter_drafts: "Robocze",
    col_date: "Data",
    col_phone: "Telefon",
    col_body: "Treść",
    col_status: "Status",
    no_messages: "Brak wiadomości.",
    edit_draft: "Edytuj wersję roboczą",
    status_name: |s| match s {
        Status::Draft => "robocza",
        Status::Pending => "oczekuje na wysłanie",
        Status::Sent => "wysłana",
        Status::Delivered => "doręczona",
        Status::Undelivered => "niedoręczona",
    },

    field_login: "Login",
    field_password: "Hasło",
    field_phone: "Telefon",
    field_body: "Treść",
    error_not_found: "Nie znaleziono.",
    error_unauthorized: "Sesja wygasła lub nie zalogowano się. Zaloguj się ponownie.",
    error_forbidden: "Brak uprawnień do tej operacji.",
    error_wrong_credentials: "Nieprawidłowy login lub hasło.",
    error_internal: "Wystąpił błąd serwera. Spróbuj ponownie za chwilę; dane nie zostały utracone.",
    error_communication:
        "Brak połączenia z serwerem. Spróbuj ponownie; dane w formularzu zostały zachowane.",
    error_required: "pole jest wymagane.",
    error_too_many_parts: |parts, max| {
        format!("wiadomość zajęłaby {parts} SMS, a można wysłać najwyżej {max}.")
    },
    error_empty_draft: "podaj numer telefonu lub treść, aby zapisać wersję roboczą.",
    error_already_sent: "wiadomość została już wysłana i nie można jej zmienić.",
    phone_error: PhoneError::message_pl,
};
