//! From the uploaded file to checked rows: read the file (CSV or vCard), put each row into a
//! subject under the mapping, check it with the subject rules, and find codes repeated in the
//! file or already in the address book. No I/O: the stored codes are given.

use std::collections::HashMap;

use base64::Engine;
use sms::PhoneError;

use super::mapping::{self, code_from_name};
use super::table::{self, Row, Table};
use super::{
    decode, vcard, Counts, Format, ImportFile, ImportOptions, ImportPreview, PreviewRow, RowReport,
    RowStatus, Target, MAX_FILE_BYTES, MAX_FILE_MB, MAX_REPORTED, MAX_ROWS, PREVIEW_ROWS,
};
use crate::address_book::{check_subject, SubjectInput, SubjectKind, ValidSubject};
use crate::error::{AppError, Field, FieldError, Problem, Result};

/// The file read into a table with the mapping its rows are imported under.
pub struct Source {
    pub format: Format,
    pub encoding: &'static str,
    pub delimiter: Option<char>,
    pub table: Table,
    pub mapping: Vec<Target>,
    /// Codes are made of names (vCard files, CSV files without a code column), each made
    /// unique within the file, instead of read from a column.
    pub generated_codes: bool,
}

/// Subjects the company already has: (kind, code) → id.
pub type Existing = HashMap<(SubjectKind, String), i64>;

/// What importing a row will do.
pub enum Plan {
    /// Boxed: a subject is large, and most rows of a large file are new ones.
    New(Box<ValidSubject>),
    /// Update the stored subject `id` with the row's values (unmapped fields stay).
    Update {
        id: i64,
        values: HashMap<Target, String>,
    },
    Invalid(Vec<FieldError>),
}

pub struct CheckedRow {
    pub line: u32,
    /// As read, normalized when valid.
    pub subject: SubjectInput,
    pub plan: Plan,
}

fn file_error(problem: Problem) -> AppError {
    AppError::invalid(Field::File, problem)
}

/// Decodes and reads the uploaded file. A vCard is recognised by its content, whatever the
/// file is called.
pub fn read(file: &ImportFile, options: &ImportOptions) -> Result<Source> {
    let too_large = || {
        file_error(Problem::FileTooLarge {
            max_mb: MAX_FILE_MB,
        })
    };
    // Base64 takes 4 characters for 3 bytes: refuse a too large upload before decoding it.
    if file.content.len() > MAX_FILE_BYTES / 3 * 4 + 4 {
        return Err(too_large());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.content.trim())
        .map_err(|_| file_error(Problem::UnreadableFile))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let decoded = decode::decode(&bytes);
    // encoding_rs names it in lower case; the operator knows it from Windows' own dialogs.
    let encoding = match decoded.encoding.name() {
        "windows-1250" => "Windows-1250",
        other => other,
    };
    if vcard::is_vcard(&decoded.text) {
        let table = vcard_table(&decoded.text)?;
        return Ok(Source {
            format: Format::VCard,
            encoding,
            delimiter: None,
            table,
            mapping: VCARD_MAPPING.to_vec(),
            generated_codes: true,
        });
    }
    let delimiter = table::detect_delimiter(&decoded.text);
    let table = table::parse(&decoded.text, delimiter)?;
    let mapping = match &options.mapping {
        Some(mapping) if mapping.len() == table.headers.len() => mapping.clone(),
        _ => mapping::suggest(&table.headers),
    };
    Ok(Source {
        format: Format::Csv,
        encoding,
        delimiter: Some(char::from(delimiter)),
        generated_codes: !mapping.contains(&Target::Code),
        table,
        mapping,
    })
}

/// The columns a vCard's contacts are laid out in; the "code" column holds the words the code
/// is made of (family name first).
const VCARD_MAPPING: [Target; 6] = [
    Target::Code,
    Target::Name,
    Target::Phone,
    Target::Email,
    Target::Address,
    Target::Notes,
];

fn vcard_table(text: &str) -> Result<Table> {
    let contacts = vcard::parse(text);
    if contacts.is_empty() {
        return Err(file_error(Problem::EmptyFile));
    }
    if contacts.len() > MAX_ROWS {
        return Err(file_error(Problem::TooManyRows {
            max: MAX_ROWS as u32,
        }));
    }
    let rows = contacts
        .iter()
        .map(|contact| {
            // The organisation is kept in the notes: the address book has no field for a
            // person's employer.
            let notes = [contact.organization.as_str(), contact.note.as_str()]
                .into_iter()
                .filter(|n| !n.is_empty() && *n != contact.name())
                .collect::<Vec<_>>()
                .join("\n");
            Row {
                line: contact.line,
                cells: vec![
                    contact.code_basis(),
                    contact.name(),
                    contact.sms_phone().to_string(),
                    contact.emails.first().cloned().unwrap_or_default(),
                    contact.address.clone(),
                    notes,
                ],
            }
        })
        .collect();
    Ok(Table {
        headers: VCARD_MAPPING.iter().map(|t| t.key().to_string()).collect(),
        rows,
    })
}

/// Checks every row. A code repeated in the file is an error from its second row on; a code
/// already in the address book updates that subject or is an error, as the options say.
pub fn check_rows(
    source: &Source,
    options: &ImportOptions,
    existing: &Existing,
    phone: impl Fn(&str) -> std::result::Result<String, PhoneError>,
) -> Vec<CheckedRow> {
    // (kind, code) → the line it was first seen on.
    let mut seen: HashMap<(SubjectKind, String), u32> = HashMap::new();
    // (kind, base of a generated code) → the next suffix to try, so a file of one name repeated
    // is numbered in one pass, not by counting up from 2 on every row.
    let mut next_suffix: HashMap<(SubjectKind, String), u32> = HashMap::new();
    let mut checked = Vec::with_capacity(source.table.rows.len());
    for row in &source.table.rows {
        let mut values = mapping::values(&row.cells, &source.mapping);
        let mut errors = Vec::new();
        let kind = match mapping::kind(&values, options.kind) {
            Ok((kind, _)) => kind,
            Err(e) => {
                errors.push(e);
                options.kind
            }
        };
        if source.generated_codes {
            let basis = values
                .get(&Target::Code)
                .or(values.get(&Target::Name))
                .cloned()
                .unwrap_or_default();
            let base = code_from_name(&basis);
            let n = next_suffix.entry((kind, base.clone())).or_insert(2);
            let mut code = base.clone();
            while seen.contains_key(&(kind, code.clone())) {
                code = format!("{base}-{n}");
                *n += 1;
            }
            values.insert(Target::Code, code);
        }
        let mut subject = SubjectInput::new(kind, "", "");
        mapping::apply(&values, &mut subject);
        let valid = match check_subject(&subject, &phone) {
            Ok(valid) => Some(valid),
            Err(field_errors) => {
                errors.extend(field_errors);
                None
            }
        };
        let key = (kind, subject.code.trim().to_string());
        let stored = existing.get(&key).copied();
        if !key.1.is_empty() {
            match seen.get(&key) {
                Some(first_row) => errors.push(FieldError::new(
                    Field::Code,
                    Problem::DuplicateInFile {
                        first_row: *first_row,
                    },
                )),
                None => {
                    seen.insert(key, row.line);
                }
            }
        }
        if stored.is_some() && !options.update_existing {
            errors.push(FieldError::new(Field::Code, Problem::CodeTaken));
        }
        let (subject, plan) = match (valid, stored) {
            (Some(valid), _) if !errors.is_empty() => (valid.0, Plan::Invalid(errors)),
            (None, _) => (subject, Plan::Invalid(errors)),
            (Some(valid), Some(id)) => (valid.0, Plan::Update { id, values }),
            (Some(valid), None) => (valid.0.clone(), Plan::New(Box::new(valid))),
        };
        checked.push(CheckedRow {
            line: row.line,
            subject,
            plan,
        });
    }
    checked
}

pub fn counts(rows: &[CheckedRow]) -> Counts {
    let mut counts = Counts::default();
    for row in rows {
        match row.plan {
            Plan::New(_) => counts.new += 1,
            Plan::Update { .. } => counts.update += 1,
            Plan::Invalid(_) => counts.invalid += 1,
        }
    }
    counts
}

/// The rows with errors, the first `MAX_REPORTED` of them.
pub fn reports(rows: &[CheckedRow]) -> Vec<RowReport> {
    rows.iter()
        .filter_map(|row| match &row.plan {
            Plan::Invalid(errors) => Some(RowReport {
                line: row.line,
                code: row.subject.code.clone(),
                errors: errors.clone(),
            }),
            _ => None,
        })
        .take(MAX_REPORTED)
        .collect()
}

pub fn preview(source: Source, rows: &[CheckedRow]) -> ImportPreview {
    let samples = source
        .table
        .rows
        .first()
        .map(|r| r.cells.clone())
        .unwrap_or_default();
    ImportPreview {
        format: source.format,
        encoding: source.encoding.to_string(),
        delimiter: source.delimiter,
        columns: source.table.headers,
        samples,
        mapping: source.mapping,
        rows: rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|row| PreviewRow {
                line: row.line,
                status: match row.plan {
                    Plan::New(_) => RowStatus::New,
                    Plan::Update { .. } => RowStatus::Update,
                    Plan::Invalid(_) => RowStatus::Invalid,
                },
                subject: row.subject.clone(),
            })
            .collect(),
        errors: reports(rows),
        counts: counts(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8]) -> ImportFile {
        ImportFile {
            name: "kontrahenci.csv".into(),
            content: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    fn options() -> ImportOptions {
        ImportOptions {
            kind: SubjectKind::Contractor,
            mapping: None,
            update_existing: false,
        }
    }

    fn check(
        bytes: &[u8],
        options: &ImportOptions,
        existing: &Existing,
    ) -> (Source, Vec<CheckedRow>) {
        let source = read(&file(bytes), options).unwrap();
        let rows = check_rows(&source, options, existing, crate::phone::ssr::validate);
        (source, rows)
    }

    fn problems(row: &CheckedRow) -> Vec<(Field, Problem)> {
        match &row.plan {
            Plan::Invalid(errors) => errors
                .iter()
                .map(|e| (e.field, e.problem.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_windows_1250_csv_becomes_checked_subjects() {
        let text = "Kod;Nazwa pełna;Tel. kom.;E-mail;Rodzaj\n\
                    ŁÓDŹ;Łódź Trans;600 100 200;biuro@lodz.pl;\n\
                    BAD;Zła firma;12;nie-email;kot\n\
                    ŁÓDŹ;Drugi wiersz z tym kodem;;;\n\
                    US;Urząd Skarbowy;;;urząd\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(text);
        let (source, rows) = check(&bytes, &options(), &Existing::new());
        assert_eq!(source.encoding, "Windows-1250");
        assert_eq!(source.delimiter, Some(';'));
        assert!(!source.generated_codes);
        assert_eq!(rows.len(), 4);
        let Plan::New(valid) = &rows[0].plan else {
            panic!("row 2 is valid");
        };
        let ValidSubject(lodz) = valid.as_ref();
        assert_eq!(lodz.code, "ŁÓDŹ");
        assert_eq!(lodz.sms_phone, "+48600100200");
        assert_eq!(
            problems(&rows[1]),
            [
                (Field::Kind, Problem::UnknownKind),
                (Field::Email, Problem::InvalidEmail),
                (Field::SmsPhone, Problem::Phone(PhoneError::TooShort)),
            ]
        );
        assert_eq!(rows[1].line, 3);
        assert_eq!(
            problems(&rows[2]),
            [(Field::Code, Problem::DuplicateInFile { first_row: 2 })]
        );
        assert_eq!(rows[3].subject.kind, SubjectKind::Office);
        let counts = counts(&rows);
        assert_eq!((counts.new, counts.update, counts.invalid), (2, 0, 2));
    }

    #[test]
    fn stored_codes_are_errors_or_updates_as_chosen() {
        let text = b"Kod;Nazwa;Telefon\nALFA;Alfa;600100200\nBETA;Beta;\n";
        let existing = Existing::from([((SubjectKind::Contractor, "ALFA".to_string()), 7)]);
        let (_, rows) = check(text, &options(), &existing);
        assert_eq!(problems(&rows[0]), [(Field::Code, Problem::CodeTaken)]);
        let update = ImportOptions {
            update_existing: true,
            ..options()
        };
        let (_, rows) = check(text, &update, &existing);
        assert!(matches!(rows[0].plan, Plan::Update { id: 7, .. }));
        assert!(matches!(rows[1].plan, Plan::New(_)));
    }

    #[test]
    fn the_operators_mapping_is_used_and_codes_are_made_without_a_code_column() {
        let text = b"Firma,Numer,Dopisek\nKowalski Jan,600100200,x\nKowalski Jan,601200300,y\n";
        let mapping = Some(vec![Target::Name, Target::Phone, Target::Ignore]);
        let (source, rows) = check(
            text,
            &ImportOptions {
                mapping,
                ..options()
            },
            &Existing::new(),
        );
        assert!(source.generated_codes);
        let codes: Vec<&str> = rows.iter().map(|r| r.subject.code.as_str()).collect();
        assert_eq!(codes, ["KOWALSKI-JAN", "KOWALSKI-JAN-2"]);
        assert!(rows.iter().all(|r| matches!(r.plan, Plan::New(_))));
        assert!(rows.iter().all(|r| r.subject.notes.is_empty()));
    }

    #[test]
    fn twenty_thousand_rows_of_one_name_are_numbered_in_one_pass() {
        let mut text = String::from("Nazwa;Telefon\n");
        for _ in 0..20_000 {
            text.push_str("Kowalski Jan;\n");
        }
        let (source, rows) = check(text.as_bytes(), &options(), &Existing::new());
        assert!(source.generated_codes);
        let codes: Vec<&str> = rows.iter().map(|r| r.subject.code.as_str()).collect();
        assert_eq!(
            codes[..3],
            ["KOWALSKI-JAN", "KOWALSKI-JAN-2", "KOWALSKI-JAN-3"]
        );
        assert_eq!(codes[19_999], "KOWALSKI-JAN-20000");
        let distinct: std::collections::HashSet<&str> = codes.iter().copied().collect();
        assert_eq!(distinct.len(), 20_000);
    }

    #[test]
    fn vcard_contacts_become_subjects_with_codes_from_their_names() {
        let text = "BEGIN:VCARD\nVERSION:3.0\nN:Kowalski;Jan;;;\nFN:Jan Kowalski\n\
                    ORG:Budex\nTEL;TYPE=CELL:600100200\nEND:VCARD\n\
                    BEGIN:VCARD\nVERSION:3.0\nN:Kowalski;Jan;;;\nFN:Jan Kowalski\n\
                    TEL;TYPE=HOME:22 123 45 67\nEND:VCARD\n";
        let employees = ImportOptions {
            kind: SubjectKind::Employee,
            ..options()
        };
        let (source, rows) = check(text.as_bytes(), &employees, &Existing::new());
        assert_eq!(source.format, Format::VCard);
        let first = &rows[0].subject;
        assert_eq!(
            (first.kind, first.code.as_str()),
            (SubjectKind::Employee, "KOWALSKI-JAN")
        );
        assert_eq!(first.name, "Jan Kowalski");
        assert_eq!(first.notes, "Budex");
        assert_eq!(rows[1].subject.code, "KOWALSKI-JAN-2");
        assert_eq!(rows[1].line, 8);
        // A landline only: the server's phone rule says why it cannot take SMS.
        assert_eq!(
            problems(&rows[1]),
            [(Field::SmsPhone, Problem::Phone(PhoneError::NotMobile))]
        );
    }

    #[test]
    fn unreadable_and_too_large_files_are_refused() {
        let bad = ImportFile {
            name: "x.csv".into(),
            content: "not base64!".into(),
        };
        assert_eq!(
            read(&bad, &options()).err(),
            Some(file_error(Problem::UnreadableFile))
        );
        let large = file(&vec![b'a'; MAX_FILE_BYTES + 1]);
        assert_eq!(
            read(&large, &options()).err(),
            Some(file_error(Problem::FileTooLarge {
                max_mb: MAX_FILE_MB
            }))
        );
        assert_eq!(
            read(&file(b"BEGIN:VCARD\nVERSION:3.0\n"), &options()).err(),
            Some(file_error(Problem::EmptyFile))
        );
    }
}
