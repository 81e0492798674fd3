//! The address book: subjects (contractors with their representatives, employees, offices and
//! banks) that messages are sent to. The rules for a subject are checked here, in the browser
//! for a quick answer and on the server with the full phone number check.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::PhoneError;

use crate::error::{Field, FieldError, Problem};
use crate::nip::normalize_nip;

mod form;
pub mod import;
mod list;
mod picker;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use form::SubjectPage as SubjectFormPage;
pub use import::ImportPage;
pub use list::AddressBookPage;
pub use picker::{Chosen, Picker};

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Kontrahent.
    Contractor,
    /// Pracownik, owners and partners included.
    Employee,
    /// Urząd.
    Office,
    Bank,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 4] = [
        SubjectKind::Contractor,
        SubjectKind::Employee,
        SubjectKind::Office,
        SubjectKind::Bank,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Contractor => "contractor",
            SubjectKind::Employee => "employee",
            SubjectKind::Office => "office",
            SubjectKind::Bank => "bank",
        }
    }

    pub fn parse(value: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A number for notifications about new correspondence, entered with its country calling code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationNumber {
    /// Digits of the country calling code, e.g. "48".
    pub country_code: String,
    /// The number as typed (input) or in E.164 (stored).
    pub phone: String,
}

/// A contractor's representative (przedstawiciel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativeInput {
    /// Our id, when an existing representative is edited in the UI.
    #[serde(default)]
    pub id: Option<i64>,
    /// The host ERP's id, when the ERP pushes representatives.
    #[serde(default)]
    pub external_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub sms_phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default = "yes")]
    pub active: bool,
}

/// A subject as an operator or the host ERP gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectInput {
    pub kind: SubjectKind,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub sms_phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub nip: String,
    /// Employees only: owner or partner (właściciel/wspólnik).
    #[serde(default)]
    pub is_owner: bool,
    #[serde(default = "yes")]
    pub notifications_enabled: bool,
    #[serde(default)]
    pub notification_numbers: Vec<NotificationNumber>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub external_id: Option<String>,
    /// Further fields from the ERP, for templates (`{kontrahent.nip}`-style paths).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Contractors only. `None` leaves the stored representatives as they are; a list replaces
    /// them (those left out are removed, or deactivated if messages were sent to them).
    #[serde(default)]
    pub representatives: Option<Vec<RepresentativeInput>>,
}

fn yes() -> bool {
    true
}

impl SubjectInput {
    /// An active subject with only its kind, code and name; contractors start with an empty
    /// list of representatives.
    pub fn new(kind: SubjectKind, code: &str, name: &str) -> SubjectInput {
        SubjectInput {
            kind,
            code: code.to_string(),
            name: name.to_string(),
            sms_phone: String::new(),
            email: String::new(),
            address: String::new(),
            notes: String::new(),
            nip: String::new(),
            is_owner: false,
            notifications_enabled: true,
            notification_numbers: Vec::new(),
            active: true,
            external_id: None,
            attributes: BTreeMap::new(),
            representatives: (kind == SubjectKind::Contractor).then(Vec::new),
        }
    }
}

/// A subject in a list or the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectSummary {
    pub id: i64,
    /// The host ERP's id, for the HTTP API's lists.
    pub external_id: Option<String>,
    pub kind: SubjectKind,
    pub code: String,
    pub name: String,
    /// E.164, or empty.
    pub sms_phone: String,
    pub email: String,
    pub is_owner: bool,
    pub active: bool,
    /// Contractors' representatives; the picker gets the active ones only.
    pub representatives: Vec<RepresentativeSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativeSummary {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub sms_phone: String,
    pub active: bool,
}

/// What to list: `q` is matched, ignoring case and diacritics, against code, name, phone,
/// e-mail, NIP and representatives; every word must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: Option<SubjectKind>,
    #[serde(default)]
    pub include_inactive: bool,
    #[serde(default)]
    pub offset: u32,
    /// At most `MAX_PAGE`; 0 means `PAGE`.
    #[serde(default)]
    pub limit: u32,
}

/// Rows the picker and the list show at once; more are fetched as the operator scrolls.
pub use crate::layout::PAGE;
pub const MAX_PAGE: u32 = 1000;

pub type SubjectPage = crate::layout::Paged<SubjectSummary>;

/// A stored subject with everything that can be edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectDetail {
    pub id: i64,
    /// With `representatives: Some(..)` for contractors, each with its `id`.
    pub subject: SubjectInput,
}

/// What removing a subject did: a subject that messages, documents or tasks refer to is kept,
/// deactivated, so their history keeps its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Removal {
    Deleted,
    Deactivated,
}

/// Limits of the text fields, in characters.
pub mod limits {
    pub const CODE: usize = 40;
    pub const NAME: usize = 200;
    pub const EMAIL: usize = 254;
    pub const ADDRESS: usize = 300;
    pub const NOTES: usize = 2000;
    pub const EXTERNAL_ID: usize = 100;
    pub const ROLE: usize = 100;
    pub const NOTIFICATION_NUMBERS: usize = 10;
    pub const REPRESENTATIVES: usize = 200;
    pub const ATTRIBUTES: usize = 50;
    pub const ATTRIBUTE_KEY: usize = 64;
    pub const ATTRIBUTE_VALUE: usize = 1000;
}

/// A subject that passed the checks: trimmed texts, phones in E.164 (or empty), NIP as digits.
/// Representatives and notification numbers are in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSubject(pub SubjectInput);

/// Checks a subject. `phone` is the phone rule: the `sms` crate's light check in the browser,
/// libphonenumber on the server. Every problem is reported, each with its field.
pub fn check_subject(
    input: &SubjectInput,
    phone: impl Fn(&str) -> Result<String, PhoneError>,
) -> Result<ValidSubject, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut subject = input.clone();
    let mut text = |value: &mut String, field: Field, max: usize, required: bool| {
        *value = value.trim().to_string();
        if required && value.is_empty() {
            errors.push(FieldError::new(field, Problem::Required));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(field, Problem::TooLong { max: max as u32 }));
        }
    };
    text(&mut subject.code, Field::Code, limits::CODE, true);
    text(&mut subject.name, Field::Name, limits::NAME, true);
    text(&mut subject.address, Field::Address, limits::ADDRESS, false);
    text(&mut subject.notes, Field::Notes, limits::NOTES, false);
    check_email(&mut subject.email, Field::Email, None, &mut errors);
    check_phone(
        &mut subject.sms_phone,
        Field::SmsPhone,
        None,
        &phone,
        &mut errors,
    );
    subject.nip = subject.nip.trim().to_string();
    if !subject.nip.is_empty() {
        match normalize_nip(&subject.nip) {
            Some(digits) => subject.nip = digits,
            None => errors.push(FieldError::new(Field::Nip, Problem::InvalidNip)),
        }
    }
    if let Some(external_id) = &mut subject.external_id {
        *external_id = external_id.trim().to_string();
        if external_id.is_empty() {
            subject.external_id = None;
        } else if external_id.chars().count() > limits::EXTERNAL_ID {
            errors.push(FieldError::new(
                Field::ExternalId,
                Problem::TooLong {
                    max: limits::EXTERNAL_ID as u32,
                },
            ));
        }
    }
    if subject.kind != SubjectKind::Employee {
        subject.is_owner = false;
    }
    check_notification_numbers(&mut subject.notification_numbers, &phone, &mut errors);
    check_attributes(&subject.attributes, &mut errors);
    if let Some(representatives) = &mut subject.representatives {
        if subject.kind != SubjectKind::Contractor && !representatives.is_empty() {
            errors.push(FieldError::new(
                Field::Representatives,
                Problem::OnlyForContractors,
            ));
        } else if representatives.len() > limits::REPRESENTATIVES {
            errors.push(FieldError::new(
                Field::Representatives,
                Problem::TooMany {
                    max: limits::REPRESENTATIVES as u32,
                },
            ));
        }
        for (index, representative) in representatives.iter_mut().enumerate() {
            check_representative(representative, index as u32, &phone, &mut errors);
        }
    }
    if errors.is_empty() {
        Ok(ValidSubject(subject))
    } else {
        Err(errors)
    }
}

fn check_representative(
    representative: &mut RepresentativeInput,
    index: u32,
    phone: &impl Fn(&str) -> Result<String, PhoneError>,
    errors: &mut Vec<FieldError>,
) {
    let at = Some(index);
    representative.name = representative.name.trim().to_string();
    representative.role = representative.role.trim().to_string();
    if representative.name.is_empty() {
        errors.push(FieldError::at(
            Field::RepresentativeName,
            at,
            Problem::Required,
        ));
    } else if representative.name.chars().count() > limits::NAME {
        let max = limits::NAME as u32;
        errors.push(FieldError::at(
            Field::RepresentativeName,
            at,
            Problem::TooLong { max },
        ));
    }
    if representative.role.chars().count() > limits::ROLE {
        let max = limits::ROLE as u32;
        errors.push(FieldError::at(
            Field::RepresentativeRole,
            at,
            Problem::TooLong { max },
        ));
    }
    if let Some(external_id) = &representative.external_id {
        if external_id.trim().is_empty() {
            representative.external_id = None;
        }
    }
    check_email(
        &mut representative.email,
        Field::RepresentativeEmail,
        at,
        errors,
    );
    check_phone(
        &mut representative.sms_phone,
        Field::RepresentativePhone,
        at,
        phone,
        errors,
    );
}

fn check_phone(
    value: &mut String,
    field: Field,
    index: Option<u32>,
    phone: &impl Fn(&str) -> Result<String, PhoneError>,
    errors: &mut Vec<FieldError>,
) {
    *value = value.trim().to_string();
    if value.is_empty() {
        return;
    }
    match phone(value) {
        Ok(e164) => *value = e164,
        Err(e) => errors.push(FieldError::at(field, index, Problem::Phone(e))),
    }
}

fn check_email(value: &mut String, field: Field, index: Option<u32>, errors: &mut Vec<FieldError>) {
    *value = value.trim().to_string();
    if value.is_empty() {
        return;
    }
    if value.chars().count() > limits::EMAIL {
        let max = limits::EMAIL as u32;
        errors.push(FieldError::at(field, index, Problem::TooLong { max }));
    } else if !crate::input::looks_like_email(value) {
        errors.push(FieldError::at(field, index, Problem::InvalidEmail));
    }
}

fn check_notification_numbers(
    numbers: &mut Vec<NotificationNumber>,
    phone: &impl Fn(&str) -> Result<String, PhoneError>,
    errors: &mut Vec<FieldError>,
) {
    if numbers.len() > limits::NOTIFICATION_NUMBERS {
        let max = limits::NOTIFICATION_NUMBERS as u32;
        errors.push(FieldError::new(
            Field::NotificationNumber,
            Problem::TooMany { max },
        ));
        return;
    }
    numbers.retain(|n| !n.phone.trim().is_empty());
    for (index, number) in numbers.iter_mut().enumerate() {
        let at = Some(index as u32);
        let code = number
            .country_code
            .trim()
            .trim_start_matches('+')
            .to_string();
        if code.is_empty() || code.len() > 3 || !code.chars().all(|c| c.is_ascii_digit()) {
            errors.push(FieldError::at(
                Field::CountryCode,
                at,
                Problem::Phone(PhoneError::UnknownCountryCode),
            ));
            continue;
        }
        number.country_code = code.clone();
        // A number typed with its own "+" keeps it; otherwise the country code is put in front.
        let typed = number.phone.trim();
        let full = if typed.starts_with('+') || typed.starts_with("00") {
            typed.to_string()
        } else {
            format!("+{code}{}", typed.trim_start_matches('0'))
        };
        match phone(&full) {
            Ok(e164) if e164.starts_with(&format!("+{code}")) => number.phone = e164,
            Ok(_) => errors.push(FieldError::at(
                Field::NotificationNumber,
                at,
                Problem::CountryCodeMismatch,
            )),
            Err(e) => errors.push(FieldError::at(
                Field::NotificationNumber,
                at,
                Problem::Phone(e),
            )),
        }
    }
}

fn check_attributes(attributes: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) {
    if attributes.len() > limits::ATTRIBUTES {
        let max = limits::ATTRIBUTES as u32;
        errors.push(FieldError::new(Field::Attributes, Problem::TooMany { max }));
    }
    for (key, value) in attributes {
        let key_ok = !key.is_empty()
            && key.len() <= limits::ATTRIBUTE_KEY
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.push(FieldError::new(
                Field::Attributes,
                Problem::InvalidAttributeName,
            ));
        } else if value.chars().count() > limits::ATTRIBUTE_VALUE {
            let max = limits::ATTRIBUTE_VALUE as u32;
            errors.push(FieldError::new(Field::Attributes, Problem::TooLong { max }));
        }
    }
}

#[server(endpoint = "search_subjects")]
pub async fn search_subjects(query: SubjectQuery) -> Result<SubjectPage> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::search(&crate::ssr::app_state().db, operator.company_id, &query).await
    })
    .await
}

#[server(endpoint = "get_subject")]
pub async fn get_subject(id: i64) -> Result<SubjectDetail> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        ssr::get(&mut conn, operator.company_id, id).await
    })
    .await
}

/// Adds (`id` None) or changes a subject; the server checks phones against libphonenumber.
#[server(endpoint = "save_subject")]
pub async fn save_subject(id: Option<i64>, subject: SubjectInput) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let valid = check_subject(&subject, crate::phone::ssr::validate)
            .map_err(crate::error::AppError::InvalidFields)?;
        let mut tx = crate::ssr::app_state().db.begin_write().await?;
        let id = ssr::save(&mut tx, operator.company_id, id, &valid).await?;
        tx.commit().await?;
        tracing::info!(subject_id = id, operator_id = operator.id, "subject saved");
        Ok(id)
    })
    .await
}

#[server(endpoint = "remove_subject")]
pub async fn remove_subject(id: i64) -> Result<Removal> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut tx = crate::ssr::app_state().db.begin_write().await?;
        let removal = ssr::remove(&mut tx, operator.company_id, id).await?;
        tx.commit().await?;
        tracing::info!(
            subject_id = id,
            operator_id = operator.id,
            ?removal,
            "subject removed"
        );
        Ok(removal)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contractor() -> SubjectInput {
        SubjectInput {
            kind: SubjectKind::Contractor,
            code: " KOWALSKI ".into(),
            name: "Jan Kowalski — Usługi Budowlane".into(),
            sms_phone: "600 100 200".into(),
            email: "jan@kowalski.pl".into(),
            address: String::new(),
            notes: String::new(),
            nip: "725-180-11-26".into(),
            is_owner: true,
            notifications_enabled: true,
            notification_numbers: vec![NotificationNumber {
                country_code: "+49".into(),
                phone: "0151 23456789".into(),
            }],
            active: true,
            external_id: Some(" ERP-1 ".into()),
            attributes: BTreeMap::new(),
            representatives: Some(vec![RepresentativeInput {
                id: None,
                external_id: None,
                name: " Ewa Nowak ".into(),
                role: "księgowa".into(),
                sms_phone: "+48 501 200 300".into(),
                email: String::new(),
                active: true,
            }]),
        }
    }

    #[test]
    fn a_valid_subject_comes_back_trimmed_and_normalized() {
        let ValidSubject(subject) = check_subject(&contractor(), sms::normalize).unwrap();
        assert_eq!(subject.code, "KOWALSKI");
        assert_eq!(subject.sms_phone, "+48600100200");
        assert_eq!(subject.nip, "7251801126");
        assert_eq!(subject.external_id.as_deref(), Some("ERP-1"));
        // Only employees are owners or partners.
        assert!(!subject.is_owner);
        assert_eq!(
            subject.notification_numbers[0],
            NotificationNumber {
                country_code: "49".into(),
                phone: "+4915123456789".into()
            }
        );
        let representatives = subject.representatives.unwrap();
        assert_eq!(representatives[0].name, "Ewa Nowak");
        assert_eq!(representatives[0].sms_phone, "+48501200300");
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut input = contractor();
        input.code = "  ".into();
        input.name = "x".repeat(limits::NAME + 1);
        input.email = "jan(at)kowalski.pl".into();
        input.nip = "7251801125".into();
        input.sms_phone = "12".into();
        input.representatives.as_mut().unwrap()[0].sms_phone = "abc".into();
        input.notification_numbers[0].country_code = "x".into();
        input.attributes.insert("Bad Key".into(), "v".into());
        let errors = check_subject(&input, sms::normalize).unwrap_err();
        let fields: Vec<(Field, Option<u32>)> = errors.iter().map(|e| (e.field, e.index)).collect();
        assert_eq!(
            fields,
            vec![
                (Field::Code, None),
                (Field::Name, None),
                (Field::Email, None),
                (Field::SmsPhone, None),
                (Field::Nip, None),
                (Field::CountryCode, Some(0)),
                (Field::Attributes, None),
                (Field::RepresentativePhone, Some(0)),
            ]
        );
        assert_eq!(errors[1].problem, Problem::TooLong { max: 200 });
        assert_eq!(errors[3].problem, Problem::Phone(PhoneError::TooShort));
    }

    #[test]
    fn representatives_belong_to_contractors_only() {
        let mut input = contractor();
        input.kind = SubjectKind::Bank;
        let errors = check_subject(&input, sms::normalize).unwrap_err();
        assert_eq!(errors[0].field, Field::Representatives);
        assert_eq!(errors[0].problem, Problem::OnlyForContractors);
    }

    #[test]
    fn a_notification_number_must_belong_to_its_country_code() {
        let mut input = contractor();
        input.notification_numbers[0] = NotificationNumber {
            country_code: "49".into(),
            phone: "+48 600 100 200".into(),
        };
        let errors = check_subject(&input, sms::normalize).unwrap_err();
        assert_eq!(errors[0].problem, Problem::CountryCodeMismatch);
    }
}
