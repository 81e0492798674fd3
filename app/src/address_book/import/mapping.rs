//! Columns to subject fields: the mapping suggested from the header names (Polish and English,
//! as ERPs and spreadsheets name them), a row's values under a mapping, and how they are put
//! into a subject, new or stored.

use std::collections::HashMap;

use super::Target;
use crate::address_book::{limits, RepresentativeInput, SubjectInput, SubjectKind};
use crate::error::{Field, FieldError, Problem};
use crate::input::fold_for_search;

/// Header names per target, folded (lower case, no diacritics, no punctuation). Earlier names
/// win when two columns could be the same field: "komórka" is surely a mobile, "telefon" may be
/// a landline.
#[rustfmt::skip]
const SYNONYMS: [(Target, &[&str]); 11] = [
    (Target::Code, &["kod", "code", "symbol", "kod kontrahenta", "kod podmiotu", "akronim", "skrot", "identyfikator kontrahenta"]),
    (Target::Name, &["nazwa", "name", "nazwa pelna", "pelna nazwa", "nazwa kontrahenta", "nazwa podmiotu", "imie i nazwisko", "nazwisko i imie", "full name", "firma", "company"]),
    (Target::Phone, &["telefon sms", "sms", "tel kom", "telefon kom", "komorka", "telefon komorkowy", "nr komorki", "mobile", "mobile phone", "cell", "gsm", "telefon", "tel", "nr telefonu", "numer telefonu", "phone"]),
    (Target::Email, &["e-mail", "email", "e mail", "mail", "adres e-mail", "adres email"]),
    (Target::Address, &["adres", "address", "adres pelny", "ulica", "street"]),
    (Target::Nip, &["nip", "vat id", "tax id", "nip ue", "vat"]),
    (Target::Notes, &["uwagi", "notes", "note", "opis", "komentarz", "comment", "comments"]),
    (Target::Kind, &["rodzaj", "kind", "typ", "type", "rodzaj podmiotu"]),
    (Target::ExternalId, &["id", "external id", "id erp", "identyfikator", "external_id"]),
    (Target::RepresentativeName, &["przedstawiciel", "osoba kontaktowa", "representative", "contact person", "kontakt"]),
    (Target::RepresentativePhone, &["telefon przedstawiciela", "tel przedstawiciela", "representative phone", "telefon osoby kontaktowej"]),
];

/// Lower case, no diacritics, punctuation other than `-` and `_` as spaces, single spaces.
fn fold_header(header: &str) -> String {
    fold_for_search(header)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A target per column, each target for at most one column (its best-named one).
pub fn suggest(headers: &[String]) -> Vec<Target> {
    let ranked: Vec<Option<(Target, usize)>> = headers
        .iter()
        .map(|header| {
            let folded = fold_header(header);
            SYNONYMS.iter().find_map(|(target, names)| {
                names
                    .iter()
                    .position(|n| *n == folded)
                    .map(|rank| (*target, rank))
            })
        })
        .collect();
    ranked
        .iter()
        .enumerate()
        .map(|(column, candidate)| match candidate {
            // Taken by another column with a better name, or an equal one further left.
            Some((target, rank))
                if !ranked.iter().enumerate().any(|(other, c)| {
                    c.is_some_and(|(t, r)| {
                        t == *target && (r < *rank || (r == *rank && other < column))
                    })
                }) =>
            {
                *target
            }
            _ => Target::Ignore,
        })
        .collect()
}

/// A row's value per mapped target: the first non-empty cell among the columns mapped to it
/// (so "Komórka" and "Telefon" both mapped to the phone give the mobile when there is one).
pub fn values(cells: &[String], mapping: &[Target]) -> HashMap<Target, String> {
    let mut values: HashMap<Target, String> = HashMap::new();
    for (index, target) in mapping.iter().enumerate() {
        if *target == Target::Ignore {
            continue;
        }
        let cell = cells.get(index).map_or("", |c| c.trim());
        let value = values.entry(*target).or_default();
        if value.is_empty() {
            *value = cell.to_string();
        }
    }
    values
}

/// The row's kind (and whether it names an owner or partner); `default` when not given.
pub fn kind(
    values: &HashMap<Target, String>,
    default: SubjectKind,
) -> Result<(SubjectKind, bool), FieldError> {
    let Some(value) = values.get(&Target::Kind).filter(|v| !v.is_empty()) else {
        return Ok((default, false));
    };
    let folded = fold_header(value);
    let is = |names: &[&str]| names.iter().any(|n| folded == *n);
    if is(&[
        "kontrahent",
        "contractor",
        "klient",
        "customer",
        "dostawca",
        "supplier",
        "odbiorca",
    ]) {
        Ok((SubjectKind::Contractor, false))
    } else if is(&["pracownik", "employee"]) {
        Ok((SubjectKind::Employee, false))
    } else if is(&["wlasciciel", "wspolnik", "owner", "partner"]) {
        Ok((SubjectKind::Employee, true))
    } else if is(&["urzad", "office"]) {
        Ok((SubjectKind::Office, false))
    } else if is(&["bank"]) {
        Ok((SubjectKind::Bank, false))
    } else {
        Err(FieldError::new(Field::Kind, Problem::UnknownKind))
    }
}

/// Writes the mapped values into `subject`: a new empty one or a stored one being updated,
/// whose unmapped fields stay as they are. A representative is matched by name among the
/// subject's representatives and added when there is none of that name.
pub fn apply(values: &HashMap<Target, String>, subject: &mut SubjectInput) {
    for (target, value) in values {
        let value = value.clone();
        match target {
            Target::Code => subject.code = value,
            Target::Name => subject.name = value,
            Target::Phone => subject.sms_phone = value,
            Target::Email => subject.email = value,
            Target::Address => subject.address = value,
            Target::Nip => subject.nip = value,
            Target::Notes => subject.notes = value,
            Target::ExternalId => subject.external_id = (!value.is_empty()).then_some(value),
            // The kind itself chose the subject (new of that kind, or stored of that kind).
            Target::Kind => {
                if let Ok((_, true)) = kind(values, subject.kind) {
                    subject.is_owner = true;
                }
            }
            Target::Ignore | Target::RepresentativeName | Target::RepresentativePhone => {}
        }
    }
    let name = values
        .get(&Target::RepresentativeName)
        .cloned()
        .unwrap_or_default();
    let phone = values
        .get(&Target::RepresentativePhone)
        .cloned()
        .unwrap_or_default();
    if name.is_empty() && phone.is_empty() {
        return;
    }
    let representatives = subject.representatives.get_or_insert_with(Vec::new);
    let known = representatives
        .iter_mut()
        .find(|r| !name.is_empty() && fold_for_search(r.name.trim()) == fold_for_search(&name));
    match known {
        Some(representative) if !phone.is_empty() => representative.sms_phone = phone,
        Some(_) => {}
        // A phone without a name becomes a representative without one: the check says so.
        None => representatives.push(RepresentativeInput {
            id: None,
            external_id: None,
            name,
            role: String::new(),
            sms_phone: phone,
            email: String::new(),
            active: true,
        }),
    }
}

/// A code made of a name: upper-case ASCII letters and digits, words joined by `-`
/// ("Kowalski Jan" → "KOWALSKI-JAN"), short enough to take a "-2" and still fit.
pub fn code_from_name(name: &str) -> String {
    let mut code = String::new();
    for c in fold_for_search(name).chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_uppercase());
        } else if !code.is_empty() && !code.ends_with('-') {
            code.push('-');
        }
    }
    code.truncate(limits::CODE - 4);
    let code = code.trim_end_matches('-');
    if code.is_empty() {
        // A name in another script (Cyrillic, Greek…) has no letters to use.
        "KONTAKT".to_string()
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    #[rustfmt::skip]
    fn suggests_targets_from_polish_and_english_headers() {
        use Target::*;
        let polish = ["Kod", "Nazwa pełna", "Tel. kom.", "E-mail", "Adres", "NIP", "Uwagi", "Rodzaj", "Przedstawiciel"];
        assert_eq!(
            suggest(&headers(&polish)),
            [Code, Name, Phone, Email, Address, Nip, Notes, Kind, RepresentativeName]
        );
        let english = ["Symbol", "NAME", "Mobile", "email", "Notes", "Foo", "Telefon przedstawiciela"];
        assert_eq!(
            suggest(&headers(&english)),
            [Code, Name, Phone, Email, Notes, Ignore, RepresentativePhone]
        );
    }

    #[test]
    fn a_target_goes_to_its_best_named_column_only() {
        use Target::*;
        // "Komórka" is surely a mobile; "Telefon" may be a landline.
        assert_eq!(
            suggest(&headers(&["Telefon", "Nazwa", "Komórka", "Nazwa"])),
            [Ignore, Name, Phone, Ignore]
        );
    }

    #[test]
    fn the_first_non_empty_column_of_a_target_gives_its_value() {
        use Target::*;
        let cells = headers(&["", "600100200", " 601 "]);
        let values = values(&cells, &[Phone, Phone, Ignore]);
        assert_eq!(values.get(&Phone).map(String::as_str), Some("600100200"));
        assert_eq!(values.len(), 1);
    }

    #[test]
    fn kinds_are_read_in_polish_and_english() {
        let row = |v: &str| HashMap::from([(Target::Kind, v.to_string())]);
        let default = SubjectKind::Contractor;
        assert_eq!(
            kind(&row("Urząd"), default),
            Ok((SubjectKind::Office, false))
        );
        assert_eq!(
            kind(&row("WSPÓLNIK"), default),
            Ok((SubjectKind::Employee, true))
        );
        assert_eq!(
            kind(&row("employee"), default),
            Ok((SubjectKind::Employee, false))
        );
        assert_eq!(
            kind(&row(""), SubjectKind::Bank),
            Ok((SubjectKind::Bank, false))
        );
        assert_eq!(
            kind(&row("kot"), default),
            Err(FieldError::new(Field::Kind, Problem::UnknownKind))
        );
    }

    #[test]
    fn codes_are_made_of_names() {
        assert_eq!(code_from_name("Kowalski Jan"), "KOWALSKI-JAN");
        assert_eq!(code_from_name("  Żółw, Grażyna (dom) "), "ZOLW-GRAZYNA-DOM");
        assert_eq!(code_from_name("Иван"), "KONTAKT");
        assert_eq!(code_from_name(&"a".repeat(100)).len(), limits::CODE - 4);
    }

    #[test]
    fn a_representative_is_matched_by_name_or_added() {
        let mut subject = SubjectInput::new(SubjectKind::Contractor, "", "");
        let row = |name: &str, phone: &str| {
            HashMap::from([
                (Target::RepresentativeName, name.to_string()),
                (Target::RepresentativePhone, phone.to_string()),
            ])
        };
        apply(&row("Ewa Nowak", "600100200"), &mut subject);
        apply(&row("EWA NOWAK", "601200300"), &mut subject);
        apply(&row("Jan Kowalski", ""), &mut subject);
        let representatives = subject.representatives.unwrap();
        let names: Vec<(&str, &str)> = representatives
            .iter()
            .map(|r| (r.name.as_str(), r.sms_phone.as_str()))
            .collect();
        assert_eq!(names, [("Ewa Nowak", "601200300"), ("Jan Kowalski", "")]);
    }
}
