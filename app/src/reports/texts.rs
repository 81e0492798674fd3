//! The delivery report's texts, in every language.

use crate::i18n::use_language;

pub struct Texts {
    pub title: &'static str,
    pub show: &'static str,
    pub all_statuses: &'static str,
    pub subject_label: &'static str,
    pub subject_placeholder: &'static str,
    pub download_csv: &'static str,
    pub no_rows: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub col_status: &'static str,
    pub col_phone: &'static str,
    pub col_subject: &'static str,
    pub col_body: &'static str,
    pub col_queued: &'static str,
    pub col_passed: &'static str,
    pub col_accepted: &'static str,
    pub col_delivered: &'static str,
    pub col_error: &'static str,
    pub show_parts: fn(u32) -> String,
    pub part: fn(u32) -> String,
    pub gateway_id: &'static str,
    pub attempts: &'static str,
}

pub static PL: Texts = Texts {
    title: "Raport wysłanych SMS",
    show: "Pokaż",
    all_statuses: "Wszystkie statusy",
    subject_label: "Podmiot",
    subject_placeholder: "Kod lub nazwa",
    download_csv: "Pobierz CSV",
    no_rows: "Brak wiadomości w tym okresie.",
    next_page: "Starsze →",
    first_page: "← Najnowsze",
    col_status: "Status",
    col_phone: "Telefon",
    col_subject: "Podmiot",
    col_body: "Treść",
    col_queued: "Zlecona",
    col_passed: "Przekazana do bramki",
    col_accepted: "Przyjęta przez bramkę",
    col_delivered: "Doręczona",
    col_error: "Błąd",
    show_parts: |n| format!("Części ({n})"),
    part: |n| format!("Część {n}"),
    gateway_id: "Identyfikator w bramce",
    attempts: "Próby",
};

pub static EN: Texts = Texts {
    title: "Sent SMS report",
    show: "Show",
    all_statuses: "All statuses",
    subject_label: "Subject",
    subject_placeholder: "Code or name",
    download_csv: "Download CSV",
    no_rows: "No messages in this period.",
    next_page: "Older →",
    first_page: "← Newest",
    col_status: "Status",
    col_phone: "Phone",
    col_subject: "Subject",
    col_body: "Text",
    col_queued: "Queued",
    col_passed: "Passed to the gateway",
    col_accepted: "Accepted by the gateway",
    col_delivered: "Delivered",
    col_error: "Error",
    show_parts: |n| format!("Parts ({n})"),
    part: |n| format!("Part {n}"),
    gateway_id: "Gateway id",
    attempts: "Attempts",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
