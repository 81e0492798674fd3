//! The address book import's texts, in every language.

use super::{Counts, Format, ImportOutcome, RowStatus, Target};
use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub import_title: &'static str,
    pub import_intro: &'static str,
    pub import_needs_js: &'static str,
    pub import_file_label: &'static str,
    pub import_kind_label: &'static str,
    pub import_update_existing: &'static str,
    pub import_reading: &'static str,
    /// How the file was read: format, encoding, CSV delimiter.
    pub import_read_as: fn(Format, &str, Option<char>) -> String,
    pub import_counts: fn(Counts) -> String,
    pub import_mapping_title: &'static str,
    pub import_generated_codes: &'static str,
    pub import_target: fn(Target) -> &'static str,
    pub import_preview_title: &'static str,
    pub col_line: &'static str,
    pub col_field: &'static str,
    pub col_problem: &'static str,
    pub import_row_status: fn(RowStatus) -> &'static str,
    pub import_errors_title: &'static str,
    pub import_more_errors: fn(u32) -> String,
    pub import_valid_button: fn(u32) -> String,
    pub import_all_button: &'static str,
    pub import_all_blocked: &'static str,
    pub import_done: fn(&ImportOutcome) -> String,
    pub import_rejected: &'static str,
    pub import_back: &'static str,
    pub col_status: &'static str,
}

pub static PL: Texts = Texts {
    import_title: "Import do książki adresowej",
    import_intro: "Wczytaj plik CSV (eksport z programu ERP lub Excela, kodowanie UTF-8 lub Windows-1250) albo plik vCard z kontaktami z telefonu. Przed zapisaniem zobaczysz podgląd i błędy w wierszach.",
    import_needs_js: "Import wymaga włączonej obsługi JavaScriptu w przeglądarce: plik jest odczytywany na tej stronie.",
    import_file_label: "Plik (.csv, .txt, .vcf)",
    import_kind_label: "Importuj jako",
    import_update_existing: "Aktualizuj podmioty, których kody już są w książce adresowej",
    import_reading: "Odczytywanie pliku…",
    import_read_as: |format, encoding, delimiter| match (format, delimiter) {
        (Format::VCard, _) => format!("Kontakty vCard, kodowanie {encoding}."),
        (Format::Csv, Some('\t')) => format!("Plik CSV, kodowanie {encoding}, separator: tabulator."),
        (Format::Csv, Some(d)) => format!("Plik CSV, kodowanie {encoding}, separator „{d}”."),
        (Format::Csv, None) => format!("Plik CSV, kodowanie {encoding}."),
    },
    import_counts: |c| format!(
        "Poprawne wiersze: {} (nowe: {}, do aktualizacji: {}). Wiersze z błędami: {}.",
        c.valid(), c.new, c.update, c.invalid
    ),
    import_mapping_title: "Kolumny pliku",
    import_generated_codes: "Żadna kolumna nie zawiera kodu: kody zostaną utworzone z nazw, np. KOWALSKI-JAN.",
    import_target: |target| match target {
        Target::Ignore => "— pomiń —",
        Target::Code => "Kod",
        Target::Name => "Nazwa",
        Target::Phone => "Telefon SMS",
        Target::Email => "E-mail",
        Target::Address => "Adres",
        Target::Nip => "NIP",
        Target::Notes => "Uwagi",
        Target::Kind => "Rodzaj",
        Target::ExternalId => "Identyfikator w ERP",
        Target::RepresentativeName => "Przedstawiciel",
        Target::RepresentativePhone => "Telefon SMS przedstawiciela",
    },
    import_preview_title: "Podgląd pierwszych wierszy",
    col_line: "Wiersz",
    col_field: "Pole",
    col_problem: "Błąd",
    import_row_status: |s| match s {
        RowStatus::New => "nowy",
        RowStatus::Update => "aktualizacja",
        RowStatus::Invalid => "błąd",
    },
    import_errors_title: "Błędy w wierszach",
    import_more_errors: |n| format!("Wierszy z błędami jest więcej; pokazano pierwsze {n}."),
    import_valid_button: |n| format!("Importuj poprawne wiersze ({n})"),
    import_all_button: "Importuj",
    import_all_blocked: "„Importuj” zapisuje cały plik, gdy wszystkie wiersze są poprawne. Popraw plik albo importuj tylko poprawne wiersze.",
    import_done: |o| format!(
        "Zaimportowano. Dodane: {}, zaktualizowane: {}, pominięte wiersze z błędami: {}.",
        o.created, o.updated, o.skipped
    ),
    import_rejected: "Nic nie zaimportowano: w pliku są wiersze z błędami.",
    import_back: "Przejdź do książki adresowej",
    col_status: "Status",
};

pub static EN: Texts = Texts {
    import_title: "Import into the address book",
    import_intro: "Load a CSV file (an ERP or Excel export, UTF-8 or Windows-1250) or a vCard file of a phone's contacts. You will see a preview and the rows' errors before anything is saved.",
    import_needs_js: "Importing needs JavaScript enabled in the browser: the file is read on this page.",
    import_file_label: "File (.csv, .txt, .vcf)",
    import_kind_label: "Import as",
    import_update_existing: "Update subjects whose codes are already in the address book",
    import_reading: "Reading the file…",
    import_read_as: |format, encoding, delimiter| match (format, delimiter) {
        (Format::VCard, _) => format!("vCard contacts, {encoding} encoding."),
        (Format::Csv, Some('\t')) => format!("CSV file, {encoding} encoding, tab separated."),
        (Format::Csv, Some(d)) => format!("CSV file, {encoding} encoding, separated by “{d}”."),
        (Format::Csv, None) => format!("CSV file, {encoding} encoding."),
    },
    import_counts: |c| format!(
        "Valid rows: {} (new: {}, updates: {}). Rows with errors: {}.",
        c.valid(), c.new, c.update, c.invalid
    ),
    import_mapping_title: "Columns of the file",
    import_generated_codes: "No column holds the code: codes will be made of the names, e.g. KOWALSKI-JAN.",
    import_target: |target| match target {
        Target::Ignore => "— skip —",
        Target::Code => "Code",
        Target::Name => "Name",
        Target::Phone => "SMS phone",
        Target::Email => "E-mail",
        Target::Address => "Address",
        Target::Nip => "Tax id (NIP)",
        Target::Notes => "Notes",
        Target::Kind => "Kind",
        Target::ExternalId => "ERP id",
        Target::RepresentativeName => "Representative",
        Target::RepresentativePhone => "Representative's SMS phone",
    },
    import_preview_title: "Preview of the first rows",
    col_line: "Row",
    col_field: "Field",
    col_problem: "Error",
    import_row_status: |s| match s {
        RowStatus::New => "new",
        RowStatus::Update => "update",
        RowStatus::Invalid => "error",
    },
    import_errors_title: "Errors in rows",
    import_more_errors: |n| format!("There are more rows with errors; the first {n} are shown."),
    import_valid_button: |n| format!("Import the valid rows ({n})"),
    import_all_button: "Import",
    import_all_blocked: "“Import” saves the whole file when every row is valid. Correct the file or import the valid rows only.",
    import_done: |o| format!(
        "Imported. Added: {}, updated: {}, rows with errors skipped: {}.",
        o.created, o.updated, o.skipped
    ),
    import_rejected: "Nothing was imported: the file has rows with errors.",
    import_back: "Go to the address book",
    col_status: "Status",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
