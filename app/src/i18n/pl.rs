use sms::{Encoding, PhoneError};

use super::Texts;
use crate::address_book::SubjectKind;
use crate::error::Field;
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

    nav_address_book: "Książka adresowa",
    address_book_title: "Książka adresowa",
    add_subject: "Dodaj podmiot",
    edit_subject: "Edycja podmiotu",
    subject_kinds: "Rodzaje podmiotów",
    search_label: "Szukaj podmiotu",
    search_placeholder: "Kod, nazwa, telefon, NIP…",
    show_inactive: "Pokaż nieaktywne",
    search_button: "Szukaj",
    no_subjects: "Brak podmiotów.",
    previous_page: "← Poprzednie",
    next_page: "Następne →",
    more_results: "Pokaż więcej",
    owner_badge: "właściciel/wspólnik",
    inactive_badge: "nieaktywny",
    representatives_title: "Przedstawiciele",
    subject_deactivated: "Podmiot ma wiadomości lub dokumenty, więc nie został usunięty, tylko oznaczony jako nieaktywny.",
    confirm_remove: "Usunąć ten podmiot?",
    code_label: "Kod",
    name_label: "Nazwa",
    sms_phone_label: "Telefon SMS",
    email_label: "E-mail",
    address_label: "Adres",
    nip_label: "NIP",
    notes_label: "Uwagi",
    owner_label: "Właściciel lub wspólnik",
    active_label: "Aktywny",
    notification_numbers_title: "Numery do powiadomień SMS",
    notifications_enabled_label: "Wysyłaj powiadomienia SMS",
    country_code_label: "Kierunkowy kraju",
    notification_number_label: "Numer do powiadomień",
    add_number: "Dodaj numer",
    remove: "Usuń",
    representative_name_label: "Imię i nazwisko",
    role_label: "Funkcja",
    add_representative: "Dodaj przedstawiciela",
    close: "Zamknij",
    no_phone: "brak telefonu SMS",
    recipient_label: "Odbiorca",
    choose_recipient: "Wybierz z książki adresowej",
    clear_recipient: "Usuń odbiorcę",
    subject_kind: |k| match k {
        SubjectKind::Contractor => "Kontrahent",
        SubjectKind::Employee => "Pracownik",
        SubjectKind::Office => "Urząd",
        SubjectKind::Bank => "Bank",
    },
    subject_kind_plural: |k| match k {
        SubjectKind::Contractor => "Kontrahenci",
        SubjectKind::Employee => "Pracownicy",
        SubjectKind::Office => "Urzędy",
        SubjectKind::Bank => "Banki",
    },
    field_names: |field| match field {
        Field::Login => "Login",
        Field::Password => "Hasło",
        Field::Phone => "Telefon SMS",
        Field::Body => "Treść",
        Field::Kind => "Rodzaj",
        Field::Code => "Kod",
        Field::Name => "Nazwa",
        Field::Email => "E-mail",
        Field::Address => "Adres",
        Field::Notes => "Uwagi",
        Field::Nip => "NIP",
        Field::ExternalId => "Identyfikator w ERP",
        Field::Attributes => "Dodatkowe pola",
        Field::NotificationNumber => "Numer do powiadomień",
        Field::CountryCode => "Kierunkowy kraju numeru do powiadomień",
        Field::Representatives => "Przedstawiciele",
        Field::RepresentativeName => "Imię i nazwisko przedstawiciela",
        Field::RepresentativeRole => "Funkcja przedstawiciela",
        Field::RepresentativePhone => "Telefon SMS przedstawiciela",
        Field::RepresentativeEmail => "E-mail przedstawiciela",
        Field::Query => "Szukaj",
    },
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
    error_too_long: |max| format!("najwyżej {max} {}.", plural(max, "znak", "znaki", "znaków")),
    error_too_many: |max| format!("najwyżej {max} pozycji."),
    error_invalid_email: "to nie jest poprawny adres e-mail (np. jan@firma.pl).",
    error_invalid_nip: "nieprawidłowy NIP: 10 cyfr z poprawną cyfrą kontrolną.",
    error_code_taken: "ten kod ma już inny podmiot tego rodzaju.",
    error_only_for_contractors: "przedstawicieli mają tylko kontrahenci.",
    error_country_code_mismatch: "numer z + należy do innego kraju niż wybrany kierunkowy.",
    error_invalid_attribute_name: "nazwy pól to małe litery, cyfry i _ (do 64 znaków).",
};
