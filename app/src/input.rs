//! Checks shared by the records the host ERP pushes (documents, tasks): bounded texts,
//! external ids, dates, instants and free-form attributes. Each check adds a `FieldError` to a
//! list, so one answer names every wrong field at once.

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Field, FieldError, Problem};

/// External ids are the ERP's own keys; longer ones are almost surely a mistake.
pub const MAX_EXTERNAL_ID: usize = 100;
/// Attributes are small extra fields for templates, not a document store.
pub const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;

/// A search query longer than this is refused (the pages and the HTTP API alike): search terms
/// are words, not documents.
pub const MAX_QUERY: usize = 200;

/// Refuses a search query over `MAX_QUERY` characters, naming the search field.
pub fn search_query(query: &str) -> crate::error::Result<()> {
    if query.chars().count() > MAX_QUERY {
        return Err(crate::error::AppError::Invalid {
            field: Field::Query,
            problem: too_long(MAX_QUERY),
        });
    }
    Ok(())
}

fn too_long(max: usize) -> Problem {
    Problem::TooLong { max: max as u32 }
}

/// A trimmed text of at most `max` characters; empty is an error when `required`.
pub fn text(
    errors: &mut Vec<FieldError>,
    field: Field,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(FieldError::new(field, Problem::Required));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, too_long(max)));
    }
    value.to_string()
}

/// An optional text: `None` and blank both mean "not given".
pub fn optional_text(
    errors: &mut Vec<FieldError>,
    field: Field,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    Some(text(errors, field, value?, false, max)).filter(|v| !v.is_empty())
}

/// An external id: 1 to 100 characters, no control characters, kept exactly as sent (the ERP's
/// key must round-trip, so it is not trimmed).
pub fn external_id(errors: &mut Vec<FieldError>, field: Field, value: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, Problem::Required));
    } else if value.chars().count() > MAX_EXTERNAL_ID {
        errors.push(FieldError::new(field, too_long(MAX_EXTERNAL_ID)));
    } else if value.chars().any(char::is_control) {
        errors.push(FieldError::new(field, Problem::ControlCharacters));
    }
}

/// A calendar date as `YYYY-MM-DD`, returned in that canonical form.
pub fn date(errors: &mut Vec<FieldError>, field: Field, value: &str) -> String {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(date) => date.format("%Y-%m-%d").to_string(),
        Err(_) => {
            errors.push(FieldError::new(field, Problem::InvalidDate));
            String::new()
        }
    }
}

/// An instant in RFC 3339 (`2026-11-23T09:00:00+01:00`), as epoch milliseconds.
pub fn instant(errors: &mut Vec<FieldError>, field: Field, value: &str) -> i64 {
    match DateTime::parse_from_rfc3339(value.trim()) {
        Ok(instant) => instant.timestamp_millis(),
        Err(_) => {
            errors.push(FieldError::new(field, Problem::InvalidInstant));
            0
        }
    }
}

/// Free-form attributes (a JSON object) as the text stored, bounded in size.
pub fn attributes(
    errors: &mut Vec<FieldError>,
    value: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let text = serde_json::Value::Object(value.clone()).to_string();
    if text.len() > MAX_ATTRIBUTES_BYTES {
        errors.push(FieldError::new(
            Field::Attributes,
            too_long(MAX_ATTRIBUTES_BYTES),
        ));
    }
    text
}

/// Stored attributes text back to an object; anything unreadable reads as empty.
pub fn parse_attributes(text: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(text).unwrap_or_default()
}

/// One `@` with something before it and a dotted domain after it, no spaces: enough to catch
/// typos; whether the mailbox exists only a sent e-mail can tell.
pub fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// An ERP field's value as text, as pages show it and macros (`{dokument.…}`) fill it in:
/// strings as they are, numbers and booleans as JSON writes them, null as nothing.
pub fn attribute_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Serde for instants kept as epoch milliseconds and written as RFC 3339 in UTC, so the JSON
/// carries the same form the ERP sends.
pub mod rfc3339 {
    use super::*;

    pub fn to_string(epoch_ms: i64) -> String {
        DateTime::from_timestamp_millis(epoch_ms)
            .map(|dt| dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            .unwrap_or_default()
    }

    pub fn serialize<S: Serializer>(epoch_ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        to_string(*epoch_ms).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|dt| dt.timestamp_millis())
            .map_err(serde::de::Error::custom)
    }

    /// The same for an optional instant.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            epoch_ms: &Option<i64>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            epoch_ms.map(to_string).serialize(serializer)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<i64>, D::Error> {
            Option::<String>::deserialize(deserializer)?
                .map(|text| {
                    DateTime::parse_from_rfc3339(&text)
                        .map(|dt| dt.timestamp_millis())
                        .map_err(serde::de::Error::custom)
                })
                .transpose()
        }
    }
}

/// Folds text for search: lower case, Polish and other Latin diacritics removed ("Łódź" →
/// "lodz"), so a query typed without them finds what was written with them. Used for the stored
/// search column and for queries alike.
pub fn fold_for_search(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ą' => folded.push('a'),
            'ć' => folded.push('c'),
            'ę' => folded.push('e'),
            'ł' => folded.push('l'),
            'ń' => folded.push('n'),
            'ó' => folded.push('o'),
            'ś' => folded.push('s'),
            'ź' | 'ż' => folded.push('z'),
            'à'..='å' | 'ā' | 'ă' => folded.push('a'),
            'ç' | 'č' => folded.push('c'),
            'è'..='ë' | 'ě' => folded.push('e'),
            'ì'..='ï' => folded.push('i'),
            'ñ' | 'ň' => folded.push('n'),
            'ò'..='ö' | 'ø' | 'ő' => folded.push('o'),
            'ù'..='ü' | 'ů' | 'ű' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'š' => folded.push('s'),
            'ž' => folded.push('z'),
            'ř' => folded.push('r'),
            'ď' => folded.push('d'),
            'ť' => folded.push('t'),
            'ß' => folded.push_str("ss"),
            c => folded.push(c),
        }
    }
    folded
}

/// An optional id from JSON (a number) or a form (a text, empty for none).
pub fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Number(n)) => Ok(Some(n)),
        Some(Raw::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Raw::Text(t)) => t.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: &[FieldError]) -> Vec<&'static str> {
        errors.iter().map(|e| e.problem.code()).collect()
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let mut errors = vec![];
        assert_eq!(text(&mut errors, Field::Name, "  Łódź ", true, 4), "Łódź");
        assert!(errors.is_empty(), "characters are counted, not bytes");
        text(&mut errors, Field::Name, " ", true, 5);
        text(&mut errors, Field::Name, "abcdef", false, 5);
        assert_eq!(codes(&errors), ["required", "too_long"]);
        assert_eq!(optional_text(&mut errors, Field::Name, Some("  "), 5), None);
    }

    #[test]
    fn dates_and_instants() {
        let mut errors = vec![];
        assert_eq!(
            date(&mut errors, Field::IssueDate, "2026-02-28"),
            "2026-02-28"
        );
        date(&mut errors, Field::IssueDate, "2026-02-30");
        date(&mut errors, Field::IssueDate, "28.02.2026");
        assert_eq!(
            instant(&mut errors, Field::StartsAt, "2026-11-23T10:00:00+01:00"),
            instant(&mut errors, Field::StartsAt, "2026-11-23T09:00:00Z")
        );
        instant(&mut errors, Field::StartsAt, "2026-11-23 09:00");
        assert_eq!(
            codes(&errors),
            ["invalid_date", "invalid_date", "invalid_instant"]
        );
        assert_eq!(
            rfc3339::to_string(1_795_439_100_000),
            "2026-11-23T13:05:00Z"
        );
    }

    #[test]
    fn external_ids_round_trip_and_are_bounded() {
        let mut errors = vec![];
        external_id(&mut errors, Field::ExternalId, " ERP-1 ");
        assert!(errors.is_empty());
        external_id(&mut errors, Field::ExternalId, "");
        external_id(&mut errors, Field::ExternalId, &"x".repeat(101));
        external_id(&mut errors, Field::ExternalId, "a\nb");
        assert_eq!(
            codes(&errors),
            ["required", "too_long", "control_characters"]
        );
    }

    #[test]
    fn search_folding_ignores_case_and_diacritics() {
        assert_eq!(fold_for_search("Łódź"), "lodz");
        assert_eq!(fold_for_search("ZAŻÓŁĆ GĘŚLĄ JAŹŃ"), "zazolc gesla jazn");
        assert_eq!(fold_for_search("Müller Straße"), "muller strasse");
        assert_eq!(fold_for_search("Crédit Agricole"), "credit agricole");
    }
}
