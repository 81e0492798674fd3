//! The templates' texts, in every language.

use crate::i18n::{plural_en, plural_pl, use_language};

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub procedure_label: &'static str,
    pub templates_title: &'static str,
    pub add_template: &'static str,
    pub edit_template: &'static str,
    pub all_procedures: &'static str,
    pub template_search_placeholder: &'static str,
    pub no_templates: &'static str,
    pub default_badge: &'static str,
    pub make_default: &'static str,
    pub clear_default: &'static str,
    pub detach: &'static str,
    pub attach_to: &'static str,
    pub attach: &'static str,
    pub edit: &'static str,
    pub read_only_templates: &'static str,
    pub confirm_remove_template: &'static str,
    pub template_hidden: &'static str,
    pub procedures_legend: &'static str,
    pub default_label: &'static str,
    pub insert_macro: &'static str,
    pub macros_title: &'static str,
    pub example_prefix: &'static str,
    pub no_macros: &'static str,
    pub editor_hint: &'static str,
    pub template_estimate: fn(u32, u32, u32) -> String,
    pub body_label: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub name_label: &'static str,
    pub remove: &'static str,
}

pub static PL: Texts = Texts {
    procedure_label: "Procedura",
    templates_title: "Szablony SMS",
    add_template: "Dodaj szablon",
    edit_template: "Edytuj szablon",
    all_procedures: "Wszystkie procedury",
    template_search_placeholder: "Nazwa szablonu…",
    no_templates: "Brak szablonów.",
    default_badge: "domyślny",
    make_default: "Ustaw jako domyślny",
    clear_default: "Nie domyślny",
    detach: "Odłącz",
    attach_to: "Podłącz do procedury",
    attach: "Podłącz",
    edit: "Edytuj",
    read_only_templates: "Szablony zmienia administrator; możesz je przeglądać.",
    confirm_remove_template: "Usunąć ten szablon?",
    template_hidden: "Szablon został użyty w wiadomościach, więc ukryto go zamiast usuwać.",
    procedures_legend: "Procedury (gdzie szablon jest dostępny)",
    default_label: "domyślny",
    insert_macro: "Wstaw makro",
    macros_title: "Makra",
    example_prefix: "np.",
    no_macros: "Zaznacz procedurę, aby wstawiać jej makra.",
    editor_hint: "Makra: prawy przycisk myszy w treści, przycisk „Wstaw makro” lub znak {.",
    template_estimate: |chars, min, max| {
        let sms = if min == max {
            format!("{min} SMS")
        } else {
            format!("{min}–{max} SMS")
        };
        format!(
            "Szablon ma {chars} {} (orientacyjnie: makra zależą od odbiorcy) · {sms}",
            plural_pl(chars, "znak", "znaki", "znaków")
        )
    },
    body_label: "Treść",
    save: "Zapisz",
    cancel: "Anuluj",
    search_label: "Szukaj podmiotu",
    search_button: "Szukaj",
    name_label: "Nazwa",
    remove: "Usuń",
};

pub static EN: Texts = Texts {
    procedure_label: "Procedure",
    templates_title: "SMS templates",
    add_template: "Add template",
    edit_template: "Edit template",
    all_procedures: "All procedures",
    template_search_placeholder: "Template name…",
    no_templates: "No templates.",
    default_badge: "default",
    make_default: "Make default",
    clear_default: "Not default",
    detach: "Detach",
    attach_to: "Attach to procedure",
    attach: "Attach",
    edit: "Edit",
    read_only_templates: "Templates are changed by an administrator; you can view them.",
    confirm_remove_template: "Remove this template?",
    template_hidden: "The template was used in messages, so it was hidden instead of deleted.",
    procedures_legend: "Procedures (where the template is offered)",
    default_label: "default",
    insert_macro: "Insert macro",
    macros_title: "Macros",
    example_prefix: "e.g.",
    no_macros: "Tick a procedure to insert its macros.",
    editor_hint: "Macros: right-click in the text, the “Insert macro” button or type {.",
    template_estimate: |chars, min, max| {
        let sms = if min == max {
            format!("{min} SMS")
        } else {
            format!("{min}–{max} SMS")
        };
        let characters = plural_en(chars, "character", "characters");
        format!("Template has {chars} {characters} (approximate: macros depend on the recipient) · {sms}")
    },
    body_label: "Text",
    save: "Save",
    cancel: "Cancel",
    search_label: "Search subjects",
    search_button: "Search",
    name_label: "Name",
    remove: "Remove",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
