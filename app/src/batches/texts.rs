//! The serial send's texts, in every language.

use super::{BatchState, RowProblem};
use crate::format::integer;
use crate::i18n::{use_language, Lang};

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub recipients_label: &'static str,
    /// What `{podmiot}` and `{telefon}` stand for in the serial composer.
    pub serial_hint: &'static str,
    /// "Podgląd wysyłki (3)": the serial composer's button.
    pub preview_button: fn(u32) -> String,
    pub serial_count: fn(u32) -> String,
    pub state_name: fn(BatchState) -> &'static str,
    pub progress: fn(u32, u32) -> String,
    pub summary_title: &'static str,
    pub valid_label: &'static str,
    pub invalid_label: &'static str,
    pub sms_min_max: fn(u32, u32) -> String,
    pub sms_total: &'static str,
    pub credits_left: &'static str,
    pub without_polish: &'static str,
    /// "412 SMS → 187 SMS".
    pub saving: fn(u32, u32) -> String,
    pub send_valid: fn(u32) -> String,
    pub save_drafts: &'static str,
    pub discard: &'static str,
    pub confirm_discard: &'static str,
    pub sent_done: fn(u32) -> String,
    pub saved_done: fn(u32) -> String,
    pub discarded: &'static str,
    pub to_messages: &'static str,
    pub to_drafts: &'static str,
    pub col_recipient: &'static str,
    pub col_phone: &'static str,
    pub col_text: &'static str,
    pub col_sms: &'static str,
    pub col_problem: &'static str,
    pub problem_name: fn(&RowProblem) -> &'static str,
    pub more_rows: &'static str,
    pub first_rows: &'static str,
}

pub static PL: Texts = Texts {
    title: "Wysyłka seryjna",
    recipients_label: "Odbiorcy",
    serial_hint: "Każdy zaznaczony wiersz dostanie własną wiadomość: {podmiot} i {telefon} to kod \
                  i telefon SMS jego podmiotu. Przed wysłaniem zobaczysz każdą wiadomość i koszt \
                  całej wysyłki.",
    preview_button: |n| format!("Podgląd wysyłki ({})", integer(Lang::Pl, i64::from(n))),
    serial_count: |n| {
        let n = i64::from(n);
        let word = match n {
            1 => "odbiorca",
            n if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) => "odbiorcy",
            _ => "odbiorców",
        };
        format!("{} {word}", integer(Lang::Pl, n))
    },
    state_name: |state| match state {
        BatchState::Preparing => "Przygotowanie wiadomości",
        BatchState::Ready => "Gotowa do wysłania",
        BatchState::Sending => "Wysyłanie",
        BatchState::Saving => "Zapisywanie jako robocze",
        BatchState::Sent => "Wysłana",
        BatchState::Saved => "Zapisana jako robocze",
        BatchState::Discarded => "Odrzucona",
    },
    progress: |done, total| {
        format!(
            "{} z {}",
            integer(Lang::Pl, i64::from(done)),
            integer(Lang::Pl, i64::from(total))
        )
    },
    summary_title: "Podsumowanie",
    valid_label: "Do wysłania",
    invalid_label: "Nie zostaną wysłane",
    sms_min_max: |min, max| match min == max {
        true => format!("{min} SMS na wiadomość"),
        false => format!("od {min} do {max} SMS na wiadomość"),
    },
    sms_total: "Razem SMS (tyle zostanie zarezerwowane z puli)",
    credits_left: "W puli zostało",
    without_polish: "Bez polskich znaków",
    saving: |before, after| {
        format!(
            "{} SMS → {} SMS",
            integer(Lang::Pl, i64::from(before)),
            integer(Lang::Pl, i64::from(after))
        )
    },
    send_valid: |n| format!("Wyślij poprawne ({})", integer(Lang::Pl, i64::from(n))),
    save_drafts: "Zapisz wszystkie jako robocze",
    discard: "Odrzuć",
    confirm_discard: "Odrzucić tę wysyłkę? Nic nie zostanie wysłane ani zapisane.",
    sent_done: |n| {
        format!(
            "Wysłano do kolejki {} wiadomości.",
            integer(Lang::Pl, i64::from(n))
        )
    },
    saved_done: |n| {
        format!(
            "Zapisano {} wiadomości roboczych.",
            integer(Lang::Pl, i64::from(n))
        )
    },
    discarded: "Wysyłka została odrzucona.",
    to_messages: "Lista SMS",
    to_drafts: "Wiadomości robocze",
    col_recipient: "Odbiorca",
    col_phone: "Telefon",
    col_text: "Treść",
    col_sms: "SMS",
    col_problem: "Uwagi",
    problem_name: |problem| match problem {
        RowProblem::NoSubject => "brak podmiotu",
        RowProblem::NoPhone => "brak telefonu SMS",
        RowProblem::InvalidPhone => "nieprawidłowy numer telefonu",
        RowProblem::OptedOut => "numer zrezygnował z wiadomości marketingowych (STOP)",
        RowProblem::Unfilled(_) => "makro bez wartości",
        RowProblem::Duplicate => "ten sam numer wcześniej w wysyłce",
        RowProblem::TooLong => "za długa wiadomość",
    },
    more_rows: "Następne",
    first_rows: "Początek",
};

pub static EN: Texts = Texts {
    title: "Serial send",
    recipients_label: "Recipients",
    serial_hint: "Each selected row gets its own message: {podmiot} and {telefon} are its \
                  subject's code and SMS phone. Before sending you see every message and the \
                  cost of the whole send.",
    preview_button: |n| format!("Preview ({})", integer(Lang::En, i64::from(n))),
    serial_count: |n| match n {
        1 => "1 recipient".to_string(),
        n => format!("{} recipients", integer(Lang::En, i64::from(n))),
    },
    state_name: |state| match state {
        BatchState::Preparing => "Preparing the messages",
        BatchState::Ready => "Ready to send",
        BatchState::Sending => "Sending",
        BatchState::Saving => "Saving as drafts",
        BatchState::Sent => "Sent",
        BatchState::Saved => "Saved as drafts",
        BatchState::Discarded => "Discarded",
    },
    progress: |done, total| {
        format!(
            "{} of {}",
            integer(Lang::En, i64::from(done)),
            integer(Lang::En, i64::from(total))
        )
    },
    summary_title: "Summary",
    valid_label: "To send",
    invalid_label: "Will not be sent",
    sms_min_max: |min, max| match min == max {
        true => format!("{min} SMS per message"),
        false => format!("{min} to {max} SMS per message"),
    },
    sms_total: "SMS in all (held from the pool)",
    credits_left: "Left in the pool",
    without_polish: "Without Polish characters",
    saving: |before, after| {
        format!(
            "{} SMS → {} SMS",
            integer(Lang::En, i64::from(before)),
            integer(Lang::En, i64::from(after))
        )
    },
    send_valid: |n| format!("Send the valid ones ({})", integer(Lang::En, i64::from(n))),
    save_drafts: "Save all as drafts",
    discard: "Discard",
    confirm_discard: "Discard this send? Nothing will be sent or saved.",
    sent_done: |n| format!("{} messages queued.", integer(Lang::En, i64::from(n))),
    saved_done: |n| format!("{} drafts saved.", integer(Lang::En, i64::from(n))),
    discarded: "The send was discarded.",
    to_messages: "Messages",
    to_drafts: "Drafts",
    col_recipient: "Recipient",
    col_phone: "Phone",
    col_text: "Text",
    col_sms: "SMS",
    col_problem: "Notes",
    problem_name: |problem| match problem {
        RowProblem::NoSubject => "no subject",
        RowProblem::NoPhone => "no SMS phone",
        RowProblem::InvalidPhone => "invalid phone number",
        RowProblem::OptedOut => "the number opted out of marketing (STOP)",
        RowProblem::Unfilled(_) => "macro without a value",
        RowProblem::Duplicate => "the same number earlier in this send",
        RowProblem::TooLong => "message too long",
    },
    more_rows: "Next",
    first_rows: "First",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
