//! The page frame's texts (header, navigation, the reload notice), in every language.

use crate::i18n::use_language;

/// The strings of one language.
pub struct Texts {
    pub nav_main: &'static str,
    pub nav_compose: &'static str,
    pub nav_messages: &'static str,
    pub nav_address_book: &'static str,
    pub nav_documents: &'static str,
    pub nav_tasks: &'static str,
    pub nav_reminders: &'static str,
    pub nav_correspondence: &'static str,
    pub nav_email: &'static str,
    pub nav_inbox: &'static str,
    pub nav_reports: &'static str,
    pub nav_admin: &'static str,
    pub nav_templates: &'static str,
    pub logged_in_as: &'static str,
    /// Shown when the app stopped (after a panic), with a link that reloads the page.
    pub reload_notice: &'static str,
    pub reload: &'static str,
}

pub static PL: Texts = Texts {
    nav_main: "Menu główne",
    nav_compose: "Nowy SMS",
    nav_messages: "Wiadomości",
    nav_address_book: "Książka adresowa",
    nav_documents: "Dokumenty",
    nav_tasks: "Zadania",
    nav_reminders: "Przypomnienia",
    nav_correspondence: "Korespondencja",
    nav_email: "E-mail",
    nav_inbox: "Odpowiedzi",
    nav_reports: "Raport",
    nav_admin: "Administracja",
    nav_templates: "Szablony",
    logged_in_as: "Zalogowano jako",
    reload_notice: "Strona przestała działać, zapewne po aktualizacji programu.",
    reload: "Odśwież stronę",
};

pub static EN: Texts = Texts {
    nav_main: "Main menu",
    nav_compose: "New SMS",
    nav_messages: "Messages",
    nav_address_book: "Address book",
    nav_documents: "Documents",
    nav_tasks: "Tasks",
    nav_reminders: "Reminders",
    nav_correspondence: "Correspondence",
    nav_email: "E-mail",
    nav_inbox: "Replies",
    nav_reports: "Report",
    nav_admin: "Administration",
    nav_templates: "Templates",
    logged_in_as: "Logged in as",
    reload_notice: "This page stopped working, probably after an update of the program.",
    reload: "Reload the page",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
