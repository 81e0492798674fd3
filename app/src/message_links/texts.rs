//! The [Dokumenty] tab's texts, in every language.

use super::LinkKind;
use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub tab_general: &'static str,
    pub none_linked: &'static str,
    pub topic: &'static str,
    pub unlink: &'static str,
    pub link: &'static str,
    pub kind_label: &'static str,
    pub search_label: &'static str,
    pub contact_label: &'static str,
    pub add_contact: &'static str,
    pub save_first: &'static str,
    pub kind_name: fn(LinkKind) -> &'static str,
}

pub static PL: Texts = Texts {
    title: "Dokumenty",
    tab_general: "Ogólne",
    none_linked: "Wiadomość nie jest powiązana z żadnym dokumentem, zadaniem ani kontaktem.",
    topic: "(wiadomość dotyczy)",
    unlink: "Odłącz",
    link: "Dołącz",
    kind_label: "Rodzaj",
    search_label: "Szukaj numeru, tytułu, kontrahenta",
    contact_label: "Nowy kontakt CRM (notatka)",
    add_contact: "Dodaj kontakt i dołącz",
    save_first:
        "Zapisz wiadomość (Ctrl+Enter), aby dołączać do niej dokumenty, zadania i kontakty.",
    kind_name: |kind| match kind {
        LinkKind::Document => "Dokument",
        LinkKind::Task => "Zadanie",
        LinkKind::Contact => "Kontakt",
    },
};

pub static EN: Texts = Texts {
    title: "Documents",
    tab_general: "General",
    none_linked: "The message is linked to no document, task or contact.",
    topic: "(the message is about it)",
    unlink: "Unlink",
    link: "Link",
    kind_label: "Kind",
    search_label: "Search a number, title, counterparty",
    contact_label: "New CRM contact (note)",
    add_contact: "Add the contact and link it",
    save_first: "Save the message (Ctrl+Enter) to link documents, tasks and contacts to it.",
    kind_name: |kind| match kind {
        LinkKind::Document => "Document",
        LinkKind::Task => "Task",
        LinkKind::Contact => "Contact",
    },
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
