//! The composer's texts, in every language.

use sms::Encoding;

use crate::i18n::{plural_en, plural_pl, use_language};
use crate::messages::Category;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub composer_title: &'static str,
    pub draft_title: &'static str,
    pub topic_label: &'static str,
    pub recipient_label: &'static str,
    pub choose_recipient: &'static str,
    pub clear_recipient: &'static str,
    pub phone_label: &'static str,
    pub phone_hint: &'static str,
    pub template_label: &'static str,
    pub no_template: &'static str,
    pub default_suffix: &'static str,
    pub confirm_replace_body: &'static str,
    pub body_label: &'static str,
    pub send: &'static str,
    pub save: &'static str,
    pub save_shortcut: &'static str,
    pub category_label: &'static str,
    pub category_name: fn(Category) -> &'static str,
    pub send_at_label: &'static str,
    pub send_at_hint: &'static str,
    pub urgent_label: &'static str,
    pub cancel: &'static str,
    pub confirm_discard: &'static str,
    pub suggestions_label: &'static str,
    pub sent_before: fn(&str) -> String,
    pub confirm_send_again: &'static str,
    pub sending: &'static str,
    pub templates_menu: &'static str,
    pub templates_config: &'static str,
    pub chars_left: fn(u32) -> String,
    pub sms_count: fn(u32) -> String,
    pub encoding_name: fn(Encoding) -> &'static str,
    pub unicode_because: &'static str,
    pub show_in_text: &'static str,
    pub offer_label: &'static str,
    pub offer_accept: &'static str,
    pub offer_done: &'static str,
    pub offer_undo: &'static str,
    pub too_long: fn(u32, u32) -> String,
    pub sent_ok: &'static str,
    pub draft_saved: &'static str,
    pub preview_title: &'static str,
    pub preview_problems: &'static str,
}

pub static PL: Texts = Texts {
    composer_title: "Nowa wiadomość SMS",
    draft_title: "Wersja robocza SMS",
    topic_label: "Dotyczy",
    recipient_label: "Odbiorca",
    choose_recipient: "Wybierz z książki adresowej",
    clear_recipient: "Usuń odbiorcę",
    phone_label: "Telefon",
    phone_hint: "np. 600 100 200; numer zagraniczny z kierunkowym, np. +49 151 2345 6789",
    template_label: "Szablon",
    no_template: "— bez szablonu —",
    default_suffix: " (domyślny)",
    confirm_replace_body: "Zmieniono treść wiadomości. Zastąpić ją treścią szablonu?",
    body_label: "Treść",
    send: "Wyślij",
    save: "Zapisz",
    save_shortcut: "Ctrl+Enter",
    category_label: "Rodzaj wiadomości",
    category_name: |c| match c {
        Category::Transactional => "Transakcyjna (faktura, zamówienie, wizyta)",
        Category::Marketing => "Marketingowa",
    },
    send_at_label: "Wyślij o (opcjonalnie)",
    send_at_hint: "Puste: od razu. Marketingowe czekają na godziny wysyłki firmy; zaplanowaną \
                   wiadomość można anulować na liście wiadomości.",
    urgent_label: "Pilna: wyślij także poza godzinami wysyłki",
    cancel: "Anuluj",
    confirm_discard: "Porzucić zmiany w tej wiadomości?",
    suggestions_label: "Numery osób z dokumentu:",
    sent_before: |at| {
        format!("Ten szablon został już wysłany na ten numer w sprawie tego dokumentu ({at}).")
    },
    confirm_send_again:
        "Ten szablon został już wysłany na ten numer w sprawie tego dokumentu. Wysłać ponownie?",
    sending: "Wysyłanie…",
    templates_menu: "Szablony SMS",
    templates_config: "Konfiguracja szablonów SMS",
    chars_left: |n| {
        let verb = plural_pl(n, "Pozostał", "Pozostały", "Pozostało");
        format!(
            "{verb} {n} {} w tym SMS",
            plural_pl(n, "znak", "znaki", "znaków")
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
    preview_title: "Podgląd dla odbiorcy",
    preview_problems: "Przed wysłaniem popraw:",
};

pub static EN: Texts = Texts {
    composer_title: "New SMS",
    draft_title: "SMS draft",
    topic_label: "About",
    recipient_label: "Recipient",
    choose_recipient: "Choose from the address book",
    clear_recipient: "Clear recipient",
    phone_label: "Phone",
    phone_hint: "e.g. 600 100 200; a foreign number with its country code, e.g. +49 151 2345 6789",
    template_label: "Template",
    no_template: "— no template —",
    default_suffix: " (default)",
    confirm_replace_body: "The message text was changed. Replace it with the template?",
    body_label: "Text",
    send: "Send",
    save: "Save",
    save_shortcut: "Ctrl+Enter",
    category_label: "Kind of message",
    category_name: |c| match c {
        Category::Transactional => "Transactional (invoice, order, appointment)",
        Category::Marketing => "Marketing",
    },
    send_at_label: "Send at (optional)",
    send_at_hint: "Empty: now. Marketing waits for the company's sending hours; a scheduled \
                   message can be cancelled in the messages list.",
    urgent_label: "Urgent: send outside the sending hours too",
    cancel: "Cancel",
    confirm_discard: "Discard the changes to this message?",
    suggestions_label: "Numbers of the document's people:",
    sent_before: |at| {
        format!("This template was already sent to this number about this document ({at}).")
    },
    confirm_send_again:
        "This template was already sent to this number about this document. Send it again?",
    sending: "Sending…",
    templates_menu: "SMS templates",
    templates_config: "Configure SMS templates",
    chars_left: |n| {
        format!(
            "{n} {} left in this SMS",
            plural_en(n, "character", "characters")
        )
    },
    sms_count: |n| format!("{n} SMS"),
    encoding_name: |e| match e {
        Encoding::Gsm7 => "GSM (160 characters per SMS)",
        Encoding::Ucs2 => "Unicode (70 characters per SMS)",
    },
    unicode_because: "Unicode is forced by:",
    show_in_text: "Show in the text",
    offer_label: "Without Polish characters:",
    offer_accept: "Replace with plain letters",
    offer_done: "Special characters were replaced with plain ones.",
    offer_undo: "Undo",
    too_long: |parts, max| format!("Too long: {parts} SMS, at most {max}."),
    sent_ok: "The message was passed on for sending.",
    draft_saved: "Draft saved.",
    preview_title: "Preview for the recipient",
    preview_problems: "Fix before sending:",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_plurals() {
        let t = &PL;
        assert_eq!((t.chars_left)(1), "Pozostał 1 znak w tym SMS");
        assert_eq!((t.chars_left)(3), "Pozostały 3 znaki w tym SMS");
        assert_eq!((t.chars_left)(13), "Pozostało 13 znaków w tym SMS");
        assert_eq!((t.chars_left)(22), "Pozostały 22 znaki w tym SMS");
        assert_eq!((t.chars_left)(160), "Pozostało 160 znaków w tym SMS");
        assert_eq!((EN.chars_left)(1), "1 character left in this SMS");
    }
}
