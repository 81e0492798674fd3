//! Macro values and how they are written in an SMS, the Polish way.
//!
//! * Dates `23.11.2026`, date and time `23.11.2026 10:30` (no time zone: the
//!   caller converts to the company's local time first).
//! * Amounts `1 234,56 zł`: integer minor units (grosze, cents), always two
//!   decimal places, a decimal comma, thousands grouped from four digits
//!   with a plain space. Not U+00A0 (the UI's no-break space): it is not in
//!   GSM-7 and would force the whole message into UCS-2 (70 characters a
//!   part instead of 160).
//! * Currency: PLN is written `zł`, as Polish customers read it (the `ł`
//!   makes the message UCS-2 unless it is sent without Polish characters,
//!   which turns it into `zl`). Every other currency is written by its ISO
//!   code (`12,00 EUR`), not a symbol: the code is unambiguous and plain
//!   GSM-7 (`€` costs two septets, `$` could be any dollar).

use serde::{Deserialize, Serialize};

/// A value the caller supplies for a macro.
///
/// JSON form (externally tagged): `{"text": "FS/1/2026"}`,
/// `{"date": {"year": 2026, "month": 11, "day": 23}}`,
/// `{"date_time": {"date": {…}, "hour": 10, "minute": 30}}`,
/// `{"money": {"minor": 123456, "currency": "PLN"}}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Written as it is, without leading and trailing whitespace (ERP
    /// fields often carry padding).
    Text(String),
    Date(Date),
    DateTime(DateTime),
    Money(Money),
}

impl Value {
    /// The value as it appears in the message; `None` when blank, so the
    /// macro's fallback (or an error) takes its place. Dates and amounts are
    /// never blank.
    pub fn format(&self) -> Option<String> {
        match self {
            Value::Text(text) => {
                let text = text.trim();
                (!text.is_empty()).then(|| text.to_owned())
            }
            Value::Date(date) => Some(date.format()),
            Value::DateTime(date_time) => Some(date_time.format()),
            Value::Money(money) => Some(money.format()),
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<Date> for Value {
    fn from(date: Date) -> Self {
        Value::Date(date)
    }
}

impl From<DateTime> for Value {
    fn from(date_time: DateTime) -> Self {
        Value::DateTime(date_time)
    }
}

impl From<Money> for Value {
    fn from(money: Money) -> Self {
        Value::Money(money)
    }
}

/// A calendar date. [`Date::new`] and [`Date::parse_iso`] accept only real
/// dates; a value built field by field is written as given.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        (1..=12)
            .contains(&month)
            .then(|| days_in_month(year, month))
            .filter(|&days| (1..=days).contains(&day))
            .map(|_| Date { year, month, day })
    }

    /// `2026-11-23` (exactly this form: four-digit year, two-digit month
    /// and day).
    pub fn parse_iso(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        Date::new(year, month as u8, day as u8)
    }

    /// `23.11.2026`.
    pub fn format(self) -> String {
        format!("{:02}.{:02}.{:04}", self.day, self.month, self.year)
    }
}

/// A local date and time to the minute (a task's start, "Termin od").
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
}

impl DateTime {
    pub fn new(date: Date, hour: u8, minute: u8) -> Option<DateTime> {
        (hour < 24 && minute < 60).then_some(DateTime { date, hour, minute })
    }

    /// `2026-11-23T10:30` or `2026-11-23 10:30`, seconds (`:05`) allowed
    /// and dropped.
    pub fn parse_iso(text: &str) -> Option<DateTime> {
        let date = Date::parse_iso(text.get(..10)?)?;
        let b = &text.as_bytes()[10..];
        if !matches!(b.len(), 6 | 9) || !matches!(b[0], b'T' | b' ') || b[3] != b':' {
            return None;
        }
        if b.len() == 9 && (b[6] != b':' || digits(&b[7..9])? > 59) {
            return None;
        }
        DateTime::new(date, digits(&b[1..3])? as u8, digits(&b[4..6])? as u8)
    }

    /// `23.11.2026 10:30`.
    pub fn format(self) -> String {
        format!("{} {:02}:{:02}", self.date.format(), self.hour, self.minute)
    }
}

/// An amount in minor units (1/100 of the currency unit) and its ISO 4217
/// code.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Money {
        Money {
            minor,
            currency: currency.to_owned(),
        }
    }

    /// `1 234,56 zł`, `-0,50 zł`, `12,00 EUR`; just the number when the
    /// currency is blank.
    pub fn format(&self) -> String {
        let mut out = format_minor(self.minor);
        let code = self.currency.trim();
        if !code.is_empty() {
            out.push(' ');
            if code.eq_ignore_ascii_case("PLN") {
                out.push_str("zł");
            } else {
                out.extend(code.chars().map(|c| c.to_ascii_uppercase()));
            }
        }
        out
    }
}

/// `123456` → `1 234,56`.
fn format_minor(minor: i64) -> String {
    let abs = minor.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut out = String::with_capacity(units.len() + 8);
    if minor < 0 {
        out.push('-');
    }
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out.push_str(&format!(",{:02}", abs % 100));
    out
}

fn digits(b: &[u8]) -> Option<u16> {
    b.iter().try_fold(0u16, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u16::from(d - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse_iso("2026-11-23").unwrap().format(),
            "23.11.2026"
        );
        assert_eq!(Date::new(2024, 2, 29).unwrap().format(), "29.02.2024");
        assert_eq!(Date::new(2026, 1, 5).unwrap().format(), "05.01.2026");
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "",
            "2026-01-0x",
            "２026-01-01",
        ] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
        assert_eq!(
            Date::parse_iso("2000-02-29").map(Date::format).as_deref(),
            Some("29.02.2000")
        );
    }

    #[test]
    fn date_times() {
        for ok in [
            "2026-11-23T10:30",
            "2026-11-23 10:30",
            "2026-11-23T10:30:59",
        ] {
            assert_eq!(
                DateTime::parse_iso(ok).unwrap().format(),
                "23.11.2026 10:30",
                "{ok}"
            );
        }
        for bad in [
            "2026-11-23",
            "2026-11-23T24:00",
            "2026-11-23T10:60",
            "2026-11-23T10:30:60",
            "2026-11-23T10:30Z",
            "2026-11-23X10:30",
            "2026-11-23T1030",
            "2026-11-2ą",
        ] {
            assert_eq!(DateTime::parse_iso(bad), None, "{bad}");
        }
        assert_eq!(
            DateTime::new(Date::new(2026, 1, 2).unwrap(), 7, 5)
                .unwrap()
                .format(),
            "02.01.2026 07:05"
        );
    }

    #[test]
    fn amounts() {
        let cases = [
            (123456, "PLN", "1 234,56 zł"),
            (0, "PLN", "0,00 zł"),
            (5, "pln", "0,05 zł"),
            (-50, "PLN", "-0,50 zł"),
            (99999, "PLN", "999,99 zł"),
            (1200, "EUR", "12,00 EUR"),
            (123456789012, "usd", "1 234 567 890,12 USD"),
            (100, "", "1,00"),
            (i64::MIN, "PLN", "-92 233 720 368 547 758,08 zł"),
            (i64::MAX, "PLN", "92 233 720 368 547 758,07 zł"),
        ];
        for (minor, currency, expected) in cases {
            assert_eq!(Money::new(minor, currency).format(), expected);
        }
        // Plain spaces only: U+00A0 would force UCS-2.
        assert!(Money::new(123456789, "EUR")
            .format()
            .chars()
            .all(crate::is_gsm7));
    }

    #[test]
    fn blank_text_has_no_value() {
        assert_eq!(Value::from("  ").format(), None);
        assert_eq!(Value::from(" Jan ").format().as_deref(), Some("Jan"));
    }
}
