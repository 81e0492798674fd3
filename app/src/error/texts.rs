//! The error messages and field names, in every language.

use sms::PhoneError;

use super::Field;
use crate::i18n::{plural_pl, Lang};

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub field_names: fn(Field) -> &'static str,
    pub error_invalid_login: &'static str,
    pub error_login_taken: &'static str,
    pub error_lock_yourself_out: &'static str,
    pub error_too_short: fn(u32) -> String,
    pub error_not_found: &'static str,
    pub error_unauthorized: &'static str,
    pub error_forbidden: &'static str,
    pub error_wrong_credentials: &'static str,
    pub error_too_many_attempts: fn(u32) -> String,
    pub error_busy: &'static str,
    pub error_internal: &'static str,
    pub error_communication: &'static str,
    pub error_required: &'static str,
    pub error_too_many_parts: fn(u32, u32) -> String,
    pub error_empty_draft: &'static str,
    pub error_already_sent: &'static str,
    pub phone_error: fn(&PhoneError) -> String,
    pub error_too_long: fn(u32) -> String,
    pub error_too_many: fn(u32) -> String,
    pub error_invalid_email: &'static str,
    pub error_invalid_nip: &'static str,
    pub error_code_taken: &'static str,
    pub error_only_for_contractors: &'static str,
    pub error_country_code_mismatch: &'static str,
    pub error_invalid_attribute_name: &'static str,
    pub error_invalid_date: &'static str,
    pub error_invalid_instant: &'static str,
    pub error_invalid_currency: &'static str,
    pub error_unknown_subject: &'static str,
    pub error_unknown_operator: &'static str,
    pub error_ends_before_start: &'static str,
    pub error_control_characters: &'static str,
    pub error_unknown_kind: &'static str,
    pub error_duplicate_in_file: fn(u32) -> String,
    pub error_file_too_large: fn(u32) -> String,
    pub error_too_many_rows: fn(u32) -> String,
    pub error_empty_file: &'static str,
    pub error_unreadable_file: &'static str,
    pub error_name_taken: &'static str,
    pub error_template_errors: &'static str,
    pub error_unfilled_macros: &'static str,
    pub error_last_procedure: &'static str,
    pub error_passwords_differ: &'static str,
    pub error_opted_out: &'static str,
    pub error_in_the_past: &'static str,
    pub error_invalid_clock: &'static str,
    pub error_no_credit: fn(u32, u32, bool) -> String,
    pub error_out_of_range: fn(i64, i64) -> String,
    pub error_unavailable: &'static str,
    pub sender_name_error: fn(&sms::sender::SenderNameError) -> String,
    pub error_not_authorised: &'static str,
    pub error_too_soon: fn(&str) -> String,
    pub error_body_or_template: &'static str,
    pub error_unknown_record: &'static str,
    pub error_key_reused: &'static str,
    pub error_invalid_url: &'static str,
}

pub static PL: Texts = Texts {
    field_names: |field| match field {
        Field::Login => "Login",
        Field::Password => "Hasło",
        Field::Phone => "Telefon",
        Field::SmsPhone => "Telefon SMS",
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
        Field::File => "Plik",
        Field::Procedures => "Procedury",
        Field::PeriodFrom => "Od dnia",
        Field::PeriodTo => "Do dnia",
        Field::SendAt => "Termin wysyłki",
        Field::QuietFrom => "Wysyłka od godziny",
        Field::QuietTo => "Wysyłka do godziny",
        Field::QuietDays => "Dni wysyłki",
        Field::OptOutWords => "Własne słowa STOP",
        Field::Amount => "Liczba SMS",
        Field::AlertBelow => "Próg ostrzeżenia",
        Field::Packages => "Liczba pakietów",
        Field::Provider => "Płatność przez",
        Field::SenderName => "Nazwa nadawcy",
        Field::Statement => "Oświadczenie właściciela",
        Field::Recipients => "Odbiorcy",
        Field::IdempotencyKey => "Klucz idempotencji",
        Field::Template => "Szablon",
        Field::DocumentExternalId => "Dokument",
        Field::TaskExternalId => "Zadanie",
        Field::WebhookUrl => "Adres webhooka",
        Field::Query => "Szukaj",
        Field::Role => "Rola",
        Field::Companies => "Firmy",
        Field::StampName => "Nazwa na pieczątce",
        Field::Number => "Numer",
        Field::IssueDate => "Data wystawienia",
        Field::DueDate => "Termin płatności",
        Field::Currency => "Waluta",
        Field::SubjectExternalId => "Podmiot (id w ERP)",
        Field::Title => "Tytuł",
        Field::StartsAt => "Termin od",
        Field::EndsAt => "Termin do",
        Field::OperatorLogin => "Operator",
    },
    error_invalid_login: "3–40 znaków: małe litery, cyfry, kropka, _ lub -.",
    error_login_taken: "ten login ma już inny operator.",
    error_lock_yourself_out: "nie możesz odebrać sobie roli administratora ani się dezaktywować.",
    error_too_short: |min| {
        format!(
            "co najmniej {min} {}.",
            plural_pl(min, "znak", "znaki", "znaków")
        )
    },
    error_not_found: "Nie znaleziono.",
    error_unauthorized: "Sesja wygasła lub nie zalogowano się. Zaloguj się ponownie.",
    error_forbidden: "Brak uprawnień do tej operacji.",
    error_wrong_credentials: "Nieprawidłowy login lub hasło.",
    error_too_many_attempts: |minutes| {
        format!(
            "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za {minutes} {}.",
            plural_pl(minutes, "minutę", "minuty", "minut")
        )
    },
    error_busy: "Serwer jest teraz zajęty. Spróbuj ponownie za chwilę.",
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
    error_too_long: |max| {
        format!(
            "najwyżej {max} {}.",
            plural_pl(max, "znak", "znaki", "znaków")
        )
    },
    error_too_many: |max| format!("najwyżej {max} pozycji."),
    error_invalid_email: "to nie jest poprawny adres e-mail (np. jan@firma.pl).",
    error_invalid_nip: "nieprawidłowy NIP: 10 cyfr z poprawną cyfrą kontrolną.",
    error_code_taken: "ten kod ma już inny podmiot tego rodzaju.",
    error_only_for_contractors: "przedstawicieli mają tylko kontrahenci.",
    error_country_code_mismatch: "numer z + należy do innego kraju niż wybrany kierunkowy.",
    error_invalid_attribute_name: "nazwy pól to małe litery, cyfry i _ (do 64 znaków).",
    error_invalid_date: "to nie jest data w postaci RRRR-MM-DD.",
    error_invalid_instant: "to nie jest data i godzina w RFC 3339, np. 2026-11-23T09:00:00+01:00.",
    error_invalid_currency: "to nie jest trzyliterowy kod waluty, np. PLN.",
    error_unknown_subject: "żaden podmiot tej firmy nie ma takiego id w ERP.",
    error_unknown_operator: "żaden operator tej firmy nie ma takiego loginu.",
    error_ends_before_start: "koniec jest przed początkiem.",
    error_control_characters: "nie może zawierać znaków sterujących.",
    error_unknown_kind: "nieznany rodzaj podmiotu; wpisz kontrahent, pracownik, urząd lub bank.",
    error_duplicate_in_file: |row| format!("ten sam kod ma już wiersz {row} pliku."),
    error_file_too_large: |max| format!("plik jest za duży, najwyżej {max} MB."),
    error_too_many_rows: |max| format!("za dużo wierszy, najwyżej {max} w jednym pliku."),
    error_empty_file: "w pliku nie ma żadnych wierszy z danymi.",
    error_unreadable_file: "nie udało się odczytać pliku; wybierz go ponownie.",
    error_name_taken: "inny szablon ma już tę nazwę.",
    error_template_errors: "popraw makra:",
    error_unfilled_macros: "nie wysłano, bo nie da się wypełnić makr:",
    error_last_procedure: "szablon musi być podłączony do co najmniej jednej procedury.",
    error_passwords_differ: "hasła się różnią.",
    error_opted_out: "odbiorca wypisał się (STOP): ta wiadomość nie może do niego pójść.",
    error_in_the_past: "ten termin już minął.",
    error_invalid_clock: "to nie jest godzina w postaci GG:MM, np. 8:00.",
    error_no_credit: |needed, left, kept| {
        let kept = if kept {
            " Wiadomość zapisano jako szkic: wyślesz ją po doładowaniu puli."
        } else {
            ""
        };
        format!("za mało SMS w puli: potrzeba {needed}, zostało {left}.{kept}")
    },
    error_out_of_range: |min, max| format!("podaj liczbę od {min} do {max}."),
    error_unavailable: "operator płatności jest teraz niedostępny. Spróbuj ponownie za chwilę.",
    sender_name_error: |e| {
        use sms::sender::SenderNameError as E;
        match e {
            E::Empty => "podaj nazwę.".into(),
            E::TooLong => "najwyżej 11 znaków.".into(),
            E::InvalidCharacter(c) => format!(
                "znak „{c}” jest niedozwolony: tylko litery alfabetu łacińskiego, cyfry i spacje."
            ),
            E::OnlyDigits => "same cyfry to numer, nie nazwa.".into(),
        }
    },
    error_not_authorised:
        "nazwa nadawcy czeka na autoryzację operatora bramki: do tego czasu nie można wysyłać.",
    error_too_soon: |from| {
        format!("nazwę w użyciu można zastąpić nową raz na 30 dni: następna zmiana od {from}.")
    },
    error_body_or_template: "podaj treść albo szablon (jedno z nich).",
    error_unknown_record: "nie ma takiego w tej firmie.",
    error_key_reused: "ten klucz był już użyty dla innego żądania.",
    error_invalid_url: "podaj adres zaczynający się od https:// (albo http://).",
};

pub static EN: Texts = Texts {
    field_names: |field| match field {
        Field::Login => "Login",
        Field::Password => "Password",
        Field::Phone => "Phone",
        Field::SmsPhone => "SMS phone",
        Field::Body => "Text",
        Field::Kind => "Kind",
        Field::Code => "Code",
        Field::Name => "Name",
        Field::Email => "E-mail",
        Field::Address => "Address",
        Field::Notes => "Notes",
        Field::Nip => "NIP (tax id)",
        Field::ExternalId => "ERP id",
        Field::Attributes => "Extra fields",
        Field::NotificationNumber => "Notification number",
        Field::CountryCode => "Country code of the notification number",
        Field::Representatives => "Representatives",
        Field::RepresentativeName => "Representative's name",
        Field::RepresentativeRole => "Representative's role",
        Field::RepresentativePhone => "Representative's SMS phone",
        Field::RepresentativeEmail => "Representative's e-mail",
        Field::File => "File",
        Field::Procedures => "Procedures",
        Field::PeriodFrom => "From",
        Field::PeriodTo => "To",
        Field::SendAt => "Send at",
        Field::QuietFrom => "Sending from",
        Field::QuietTo => "Sending until",
        Field::QuietDays => "Sending days",
        Field::OptOutWords => "Own STOP words",
        Field::Amount => "Number of SMS",
        Field::AlertBelow => "Warning threshold",
        Field::Packages => "Packages",
        Field::Provider => "Pay with",
        Field::SenderName => "Sender name",
        Field::Statement => "Owner's statement",
        Field::Recipients => "Recipients",
        Field::IdempotencyKey => "Idempotency key",
        Field::Template => "Template",
        Field::DocumentExternalId => "Document",
        Field::TaskExternalId => "Task",
        Field::WebhookUrl => "Webhook address",
        Field::Query => "Search",
        Field::Role => "Role",
        Field::Companies => "Companies",
        Field::StampName => "Name on the stamp",
        Field::Number => "Number",
        Field::IssueDate => "Issue date",
        Field::DueDate => "Due date",
        Field::Currency => "Currency",
        Field::SubjectExternalId => "Subject (ERP id)",
        Field::Title => "Title",
        Field::StartsAt => "Start",
        Field::EndsAt => "End",
        Field::OperatorLogin => "Operator",
    },
    error_invalid_login: "3–40 characters: lower-case letters, digits, dot, _ or -.",
    error_login_taken: "another operator already has this login.",
    error_lock_yourself_out:
        "you cannot take away your own administrator role or deactivate yourself.",
    error_too_short: |min| format!("at least {min} characters."),
    error_not_found: "Not found.",
    error_unauthorized: "Your session has expired or you are not logged in. Please log in again.",
    error_forbidden: "You are not allowed to do this.",
    error_wrong_credentials: "Wrong login or password.",
    error_too_many_attempts: |minutes| {
        format!(
            "Too many failed logins. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        )
    },
    error_busy: "The server is busy right now. Try again in a moment.",
    error_internal: "A server error occurred. Try again in a moment; nothing was lost.",
    error_communication: "The server cannot be reached. Try again; the form keeps what you typed.",
    error_required: "this field is required.",
    error_too_many_parts: |parts, max| {
        format!("the message would take {parts} SMS, and at most {max} can be sent.")
    },
    error_empty_draft: "enter a phone number or a text to save a draft.",
    error_already_sent: "the message has already been sent and can no longer be changed.",
    phone_error: PhoneError::message_en,
    error_too_long: |max| format!("at most {max} characters."),
    error_too_many: |max| format!("at most {max} items."),
    error_invalid_email: "not a valid e-mail address (e.g. john@company.com).",
    error_invalid_nip: "invalid NIP: 10 digits with a correct check digit.",
    error_code_taken: "another subject of this kind already has this code.",
    error_only_for_contractors: "only contractors have representatives.",
    error_country_code_mismatch:
        "the number starting with + belongs to another country than the chosen code.",
    error_invalid_attribute_name: "field names are lower-case letters, digits and _ (up to 64).",
    error_invalid_date: "not a date written YYYY-MM-DD.",
    error_invalid_instant: "not a date and time in RFC 3339, e.g. 2026-11-23T09:00:00+01:00.",
    error_invalid_currency: "not a three-letter currency code such as PLN.",
    error_unknown_subject: "no subject of this company has this ERP id.",
    error_unknown_operator: "no operator of this company has this login.",
    error_ends_before_start: "the end is before the start.",
    error_control_characters: "must not contain control characters.",
    error_unknown_kind: "unknown kind of subject; write contractor, employee, office or bank.",
    error_duplicate_in_file: |row| format!("row {row} of the file has the same code."),
    error_file_too_large: |max| format!("the file is too large, at most {max} MB."),
    error_too_many_rows: |max| format!("too many rows, at most {max} in one file."),
    error_empty_file: "the file has no rows with data.",
    error_unreadable_file: "the file could not be read; choose it again.",
    error_name_taken: "another template has this name.",
    error_template_errors: "fix the macros:",
    error_unfilled_macros: "not sent, because macros cannot be filled:",
    error_last_procedure: "a template must stay attached to at least one procedure.",
    error_passwords_differ: "the passwords differ.",
    error_opted_out: "the recipient opted out (STOP): this message cannot go to them.",
    error_in_the_past: "this time has already passed.",
    error_invalid_clock: "not a time of day as HH:MM, e.g. 8:00.",
    error_no_credit: |needed, left, kept| {
        let kept = if kept {
            " The message was saved as a draft: send it once the pool is topped up."
        } else {
            ""
        };
        format!("not enough SMS in the pool: {needed} needed, {left} left.{kept}")
    },
    error_out_of_range: |min, max| format!("enter a number from {min} to {max}."),
    error_unavailable: "the payment provider is not available now. Try again in a moment.",
    sender_name_error: |e| {
        use sms::sender::SenderNameError as E;
        match e {
            E::Empty => "enter a name.".into(),
            E::TooLong => "11 characters at most.".into(),
            E::InvalidCharacter(c) => format!("“{c}” is not allowed: Latin letters, digits and spaces only."),
            E::OnlyDigits => "digits only are a number, not a name.".into(),
        }
    },
    error_not_authorised: "the sender name is waiting for the gateway operator's authorisation: nothing can be sent until then.",
    error_too_soon: |from| format!("a new name may replace the one in use once per 30 days: next from {from}."),
    error_body_or_template: "give exactly one of body, template_id and template_name.",
    error_unknown_record: "the company has no such record.",
    error_key_reused: "this key was already used for a different request.",
    error_invalid_url: "give an address starting with https:// (or http://).",
};

/// The texts in `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    lang.of(&PL, &EN)
}
