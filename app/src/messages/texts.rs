//! The messages list's texts, in every language.

use super::Status;
use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub messages_title: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub filter_sent: &'static str,
    pub filter_drafts: &'static str,
    pub col_date: &'static str,
    pub col_phone: &'static str,
    pub col_body: &'static str,
    pub col_status: &'static str,
    pub no_messages: &'static str,
    pub edit_draft: &'static str,
    pub show_whole_text: &'static str,
    pub scheduled_for: &'static str,
    pub marketing_badge: &'static str,
    pub sender_title: &'static str,
    pub cancel_scheduled: &'static str,
    pub in_doubt_hint: &'static str,
    pub resend: &'static str,
    pub confirm_resend: &'static str,
    pub status_name: fn(Status) -> &'static str,
    pub sms_count: fn(u32) -> String,
}

pub static PL: Texts = Texts {
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
    show_whole_text: "Pokaż całą treść",
    scheduled_for: "Zaplanowana na",
    sender_title: "Nazwa nadawcy",
    marketing_badge: "marketing",
    cancel_scheduled: "Anuluj wysyłkę (zostanie wersja robocza)",
    in_doubt_hint: "Odpowiedź bramki nie dotarła: SMS mógł zostać wysłany. Sprawdź u odbiorcy, zanim wyślesz go ponownie.",
    resend: "Wyślij ponownie",
    confirm_resend: "Ten SMS mógł już dotrzeć do odbiorcy. Wysłać go ponownie?",
    status_name: |s| match s {
        Status::Draft => "robocza",
        Status::Pending => "oczekuje na wysłanie",
        Status::Sent => "wysłana",
        Status::Delivered => "doręczona",
        Status::Undelivered => "niedoręczona",
        Status::Expired => "wygasła",
        Status::Rejected => "odrzucona",
        Status::Unknown => "być może wysłana",
    },
    sms_count: |n| format!("{n} SMS"),
};

pub static EN: Texts = Texts {
    messages_title: "SMS messages",
    filter_label: "Show",
    filter_all: "All",
    filter_sent: "Sent",
    filter_drafts: "Drafts",
    col_date: "Date",
    col_phone: "Phone",
    col_body: "Text",
    col_status: "Status",
    no_messages: "No messages.",
    edit_draft: "Edit draft",
    show_whole_text: "Show the whole text",
    scheduled_for: "Scheduled for",
    sender_title: "Sender name",
    marketing_badge: "marketing",
    cancel_scheduled: "Cancel sending (keep as draft)",
    in_doubt_hint: "The gateway's answer never came: the SMS may have been sent. Check with the recipient before sending it again.",
    resend: "Send again",
    confirm_resend: "This SMS may already have reached the recipient. Send it again?",
    status_name: |s| match s {
        Status::Draft => "draft",
        Status::Pending => "waiting to be sent",
        Status::Sent => "sent",
        Status::Delivered => "delivered",
        Status::Undelivered => "undelivered",
        Status::Expired => "expired",
        Status::Rejected => "rejected",
        Status::Unknown => "may have been sent",
    },
    sms_count: |n| format!("{n} SMS"),
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
