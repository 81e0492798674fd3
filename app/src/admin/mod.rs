//! Administration of an account: its companies (each with the stamp printed on owner's
//! statements) and its operators (role, companies they may use, sessions). Administrators only;
//! every query is scoped to the administrator's account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Field, FieldError, Problem, Result};

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use crate::auth::{Role, MIN_PASSWORD};
pub use page::{AdminPage, CompanySwitch};
use sms::quiet::{clock_text, parse_clock, QuietHours, QuietHoursError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub stamp_name: String,
    pub stamp_address: String,
    pub stamp_nip: String,
    pub rules: SendingRules,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyInput {
    pub name: String,
    pub stamp_name: String,
    pub stamp_address: String,
    pub stamp_nip: String,
    #[serde(default)]
    pub rules: SendingRules,
}

/// When a company's marketing may go, and what an opt-out stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingRules {
    /// `H:MM`, as typed.
    pub quiet_from: String,
    pub quiet_to: String,
    /// Bit 0 Monday … bit 6 Sunday.
    pub quiet_days: u8,
    /// An opted-out number gets no message at all, not only no marketing.
    pub opt_out_everything: bool,
    /// The company's own STOP words, separated by commas.
    pub opt_out_words: String,
}

impl Default for SendingRules {
    fn default() -> Self {
        Self::from_quiet_hours(QuietHours::default(), false, String::new())
    }
}

impl SendingRules {
    pub fn from_quiet_hours(quiet: QuietHours, opt_out_everything: bool, words: String) -> Self {
        SendingRules {
            quiet_from: clock_text(quiet.from),
            quiet_to: clock_text(quiet.to),
            quiet_days: quiet.days,
            opt_out_everything,
            opt_out_words: words,
        }
    }

    /// The quiet hours these rules give, or what is wrong with them.
    pub fn quiet_hours(&self) -> Result<QuietHours, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut clock = |text: &str, field| {
            parse_clock(text).unwrap_or_else(|| {
                errors.push(FieldError::new(field, Problem::InvalidClock));
                0
            })
        };
        let (from, to) = (
            clock(&self.quiet_from, Field::QuietFrom),
            clock(&self.quiet_to, Field::QuietTo),
        );
        let quiet = QuietHours {
            from,
            to,
            days: self.quiet_days & 0x7f,
        };
        match quiet.check() {
            _ if !errors.is_empty() => {}
            Ok(()) => {}
            Err(QuietHoursError::NoDay) => {
                errors.push(FieldError::new(Field::QuietDays, Problem::Required))
            }
            Err(QuietHoursError::Window) => {
                errors.push(FieldError::new(Field::QuietTo, Problem::EndsBeforeStart))
            }
        }
        if self.opt_out_words.chars().count() > 200 {
            errors.push(FieldError::new(
                Field::OptOutWords,
                Problem::TooLong { max: 200 },
            ));
        }
        if errors.is_empty() {
            Ok(quiet)
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub email: String,
    /// The number the reminder automaton texts about the operator's tasks (E.164, or empty).
    pub sms_phone: String,
    pub role: Role,
    pub active: bool,
    pub company_ids: Vec<i64>,
    /// Open sessions (logged in somewhere).
    pub sessions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInput {
    pub login: String,
    pub name: String,
    pub email: String,
    /// For reminders of the operator's tasks by SMS; empty for none.
    #[serde(default)]
    pub sms_phone: String,
    pub role: Role,
    pub active: bool,
    pub company_ids: Vec<i64>,
    /// A new password; empty keeps the current one (required for a new operator).
    pub password: String,
}

/// Checks a company; returns it trimmed, the NIP as 10 digits.
pub fn check_company(input: &CompanyInput) -> Result<CompanyInput, Vec<FieldError>> {
    let mut company = CompanyInput {
        name: input.name.trim().to_string(),
        stamp_name: input.stamp_name.trim().to_string(),
        stamp_address: input.stamp_address.trim().to_string(),
        stamp_nip: String::new(),
        rules: SendingRules {
            opt_out_words: input.rules.opt_out_words.trim().to_string(),
            ..input.rules.clone()
        },
    };
    let mut errors = Vec::new();
    match company.rules.quiet_hours() {
        // Kept as the server will show them: `8:00`, not `08:00`.
        Ok(quiet) => {
            company.rules.quiet_from = clock_text(quiet.from);
            company.rules.quiet_to = clock_text(quiet.to);
        }
        Err(rules) => errors.extend(rules),
    }
    for (value, field, max) in [
        (&company.name, Field::Name, 200),
        (&company.stamp_name, Field::StampName, 200),
        (&company.stamp_address, Field::Address, 300),
    ] {
        if value.is_empty() {
            errors.push(FieldError::new(field, Problem::Required));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(field, Problem::TooLong { max: max as u32 }));
        }
    }
    match crate::nip::normalize_nip(&input.stamp_nip) {
        Some(nip) => company.stamp_nip = nip,
        None => errors.push(FieldError::new(Field::Nip, Problem::InvalidNip)),
    }
    if errors.is_empty() {
        Ok(company)
    } else {
        Err(errors)
    }
}

/// Checks an operator; `new` requires a password.
pub fn check_operator(input: &OperatorInput, new: bool) -> Result<OperatorInput, Vec<FieldError>> {
    let mut operator = input.clone();
    operator.login = operator.login.trim().to_lowercase();
    operator.name = operator.name.trim().to_string();
    operator.email = operator.email.trim().to_string();
    let mut errors = Vec::new();
    let login_ok = (3..=40).contains(&operator.login.len())
        && operator
            .login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !login_ok {
        errors.push(FieldError::new(Field::Login, Problem::InvalidLogin));
    }
    if operator.name.is_empty() {
        errors.push(FieldError::new(Field::Name, Problem::Required));
    }
    if !operator.email.is_empty() && !crate::input::looks_like_email(&operator.email) {
        errors.push(FieldError::new(Field::Email, Problem::InvalidEmail));
    }
    if !operator.sms_phone.trim().is_empty() {
        match sms::normalize(&operator.sms_phone) {
            Ok(phone) => operator.sms_phone = phone,
            Err(e) => errors.push(FieldError::new(Field::SmsPhone, Problem::Phone(e))),
        }
    } else {
        operator.sms_phone = String::new();
    }
    if (new || !operator.password.is_empty()) && operator.password.chars().count() < MIN_PASSWORD {
        let min = MIN_PASSWORD as u32;
        errors.push(FieldError::new(Field::Password, Problem::TooShort { min }));
    }
    operator.company_ids.sort_unstable();
    operator.company_ids.dedup();
    if operator.company_ids.is_empty() {
        errors.push(FieldError::new(Field::Companies, Problem::Required));
    }
    if errors.is_empty() {
        Ok(operator)
    } else {
        Err(errors)
    }
}

#[server(endpoint = "admin_companies")]
pub async fn list_companies() -> Result<Vec<Company>> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        ssr::companies(&crate::ssr::app_state().db, admin.account_id).await
    })
    .await
}

#[server(endpoint = "admin_save_company")]
pub async fn save_company(id: Option<i64>, company: CompanyInput) -> Result<i64> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        let company = check_company(&company).map_err(crate::error::AppError::InvalidFields)?;
        ssr::save_company(&crate::ssr::app_state().db, &admin, id, &company).await
    })
    .await
}

#[server(endpoint = "admin_operators")]
pub async fn list_operators() -> Result<Vec<OperatorRow>> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        ssr::operators(&crate::ssr::app_state().db, admin.account_id).await
    })
    .await
}

#[server(endpoint = "admin_save_operator")]
pub async fn save_operator(id: Option<i64>, operator: OperatorInput) -> Result<i64> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        let operator = check_operator(&operator, id.is_none())
            .map_err(crate::error::AppError::InvalidFields)?;
        ssr::save_operator(&crate::ssr::app_state().db, &admin, id, operator).await
    })
    .await
}

/// Logs the operator out everywhere (e.g. a lost phone).
#[server(endpoint = "admin_revoke_sessions")]
pub async fn revoke_sessions(operator_id: i64) -> Result<u64> {
    crate::error::respond(async move {
        let admin = crate::auth::ssr::require_administrator()?;
        ssr::revoke_sessions(&crate::ssr::app_state().db, &admin, operator_id).await
    })
    .await
}

/// The companies the logged-in operator may use, and the current one.
#[server(endpoint = "my_companies")]
pub async fn my_companies() -> Result<(Vec<Company>, i64)> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let companies = ssr::companies_of(&crate::ssr::app_state().db, &operator).await?;
        Ok((companies, operator.company_id))
    })
    .await
}

/// Moves the current session to another of the operator's companies.
#[server(endpoint = "switch_company")]
pub async fn switch_company(company_id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let token = crate::auth::ssr::session_token_from_request()
            .ok_or(crate::error::AppError::Unauthorized)?;
        ssr::switch_company(&crate::ssr::app_state().db, &operator, &token, company_id).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// A gateway connection as the administration page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionStatus {
    pub name: String,
    /// `smpp`, `kannel` or `simulator`.
    pub driver: String,
    /// Bound (SMPP) or ready to send.
    pub ready: bool,
    /// Since when it is in this state.
    pub since: Option<crate::format::LocalTime>,
    /// The last error, e.g. why the bind failed.
    pub error: Option<String>,
    /// How it is sending now.
    pub sending: Sending,
}

/// A connection's sending: filled in by its dispatcher.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sending {
    /// Parts the gateway accepted per second, over the last ten seconds.
    pub per_second: f64,
    /// Submissions waiting for the gateway's answer, of how many it takes at once.
    pub window_used: u32,
    pub window_size: u32,
}

/// The state of the gateway connections. Administrators only.
#[server(endpoint = "admin_gateways")]
pub async fn gateway_status() -> Result<Vec<ConnectionStatus>> {
    crate::error::respond(async move {
        crate::auth::ssr::require_administrator()?;
        Ok((crate::ssr::app_state().gateways)())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_needs_its_stamp_with_a_valid_nip() {
        let errors = check_company(&CompanyInput {
            name: "Hurtownia".into(),
            stamp_name: " ".into(),
            stamp_address: "ul. Długa 1, Łódź".into(),
            stamp_nip: "123".into(),
            rules: SendingRules {
                quiet_from: "8".into(),
                quiet_days: 0,
                ..Default::default()
            },
        })
        .unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::QuietFrom, Field::StampName, Field::Nip]);
        let ok = check_company(&CompanyInput {
            name: " Hurtownia ".into(),
            stamp_name: "Hurtownia Sp. z o.o.".into(),
            stamp_address: "ul. Długa 1, Łódź".into(),
            stamp_nip: "PL 725-180-11-26".into(),
            rules: SendingRules {
                quiet_from: "07:30".into(),
                ..Default::default()
            },
        })
        .unwrap();
        assert_eq!(ok.rules.quiet_from, "7:30");
        let no_day = SendingRules {
            quiet_days: 0,
            ..Default::default()
        };
        assert_eq!(no_day.quiet_hours().unwrap_err()[0].field, Field::QuietDays);
        let backwards = SendingRules {
            quiet_from: "20:00".into(),
            quiet_to: "8:00".into(),
            ..Default::default()
        };
        assert_eq!(
            backwards.quiet_hours().unwrap_err()[0].field,
            Field::QuietTo
        );
        assert_eq!(
            (ok.name.as_str(), ok.stamp_nip.as_str()),
            ("Hurtownia", "7251801126")
        );
    }

    #[test]
    fn an_operator_needs_a_plain_login_a_long_password_and_a_company() {
        let input = OperatorInput {
            login: "Ewa Nowak".into(),
            name: "Ewa".into(),
            email: String::new(),
            sms_phone: String::new(),
            role: Role::Operator,
            active: true,
            company_ids: Vec::new(),
            password: "short".into(),
        };
        let fields: Vec<Field> = check_operator(&input, true)
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, [Field::Login, Field::Password, Field::Companies]);
        let ok = check_operator(
            &OperatorInput {
                login: " E.Nowak ".into(),
                password: String::new(),
                company_ids: vec![2, 1, 2],
                ..input
            },
            false,
        )
        .unwrap();
        assert_eq!(ok.login, "e.nowak");
        assert_eq!(ok.company_ids, [1, 2]);
        // The same e-mail rule as the address book's: "ewa@firma" lacks a dotted domain.
        for (email, fine) in [
            ("ewa@firma", false),
            ("ewa nowak@firma.pl", false),
            (" ewa@firma.pl ", true),
        ] {
            let input = OperatorInput {
                email: email.into(),
                sms_phone: String::new(),
                login: "ewa".into(),
                password: String::new(),
                company_ids: vec![1],
                ..ok.clone()
            };
            assert_eq!(check_operator(&input, false).is_ok(), fine, "{email}");
        }
    }
}
