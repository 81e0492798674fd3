//! Dates and numbers the way each UI language writes them. Pure functions: the server sends an
//! instant with its UTC offset in the company's time zone, so the browser needs no time-zone data.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// An instant and the UTC offset it is shown in (the company's time zone at that instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub epoch_ms: i64,
    pub offset_minutes: i32,
}

impl LocalTime {
    fn datetime(self) -> Option<DateTime<FixedOffset>> {
        let offset = FixedOffset::east_opt(self.offset_minutes * 60)?;
        Some(DateTime::from_timestamp_millis(self.epoch_ms)?.with_timezone(&offset))
    }

    /// The date and time on a clock in the company's time zone.
    pub fn naive(self) -> Option<chrono::NaiveDateTime> {
        self.datetime().map(|dt| dt.naive_local())
    }

    /// `23.11.2026 14:05` in Polish, `23 Nov 2026, 14:05` in English.
    pub fn format(self, lang: Lang) -> String {
        let Some(dt) = self.datetime() else {
            return String::new();
        };
        match lang {
            Lang::Pl => dt.format("%d.%m.%Y %H:%M").to_string(),
            Lang::En => dt.format("%-d %b %Y, %H:%M").to_string(),
        }
    }

    /// Machine-readable form for `<time datetime=…>`.
    pub fn iso(self) -> String {
        self.datetime()
            .map(|dt| dt.to_rfc3339())
            .unwrap_or_default()
    }
}

/// A calendar date stored as `YYYY-MM-DD`: `23.11.2026` in Polish, `23 Nov 2026` in English.
/// Anything else is shown as it is.
pub fn date(lang: Lang, iso: &str) -> String {
    let Ok(date) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") else {
        return iso.to_string();
    };
    match lang {
        Lang::Pl => date.format("%d.%m.%Y").to_string(),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}

/// Groups thousands: `12 345` (with a non-breaking space) in Polish, `12,345` in English.
/// Polish style leaves four-digit numbers ungrouped.
pub fn integer(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (separator, min_grouped) = match lang {
        Lang::Pl => ('\u{a0}', 5),
        Lang::En => (',', 4),
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && digits.len() >= min_grouped {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Money from minor units: `1 234,56 zł` in Polish, `PLN 1,234.56` in English.
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let whole = integer(lang, (minor / 100).abs());
    let cents = (minor % 100).abs();
    match lang {
        Lang::Pl => {
            let symbol = if currency == "PLN" { "zł" } else { currency };
            format!("{sign}{whole},{cents:02}\u{a0}{symbol}")
        }
        Lang::En => format!("{sign}{currency}\u{a0}{whole}.{cents:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        // 2026-11-23 13:05 UTC is 14:05 in Warsaw (UTC+1 in winter).
        let t = LocalTime {
            epoch_ms: 1_795_439_100_000,
            offset_minutes: 60,
        };
        assert_eq!(t.format(Lang::Pl), "23.11.2026 14:05");
        assert_eq!(t.format(Lang::En), "23 Nov 2026, 14:05");
        assert_eq!(t.iso(), "2026-11-23T14:05:00+01:00");
    }

    #[test]
    fn calendar_dates_per_language() {
        assert_eq!(date(Lang::Pl, "2026-11-03"), "03.11.2026");
        assert_eq!(date(Lang::En, "2026-11-03"), "3 Nov 2026");
        assert_eq!(date(Lang::Pl, "soon"), "soon");
    }

    #[test]
    fn numbers_per_language() {
        assert_eq!(integer(Lang::Pl, 1234), "1234");
        assert_eq!(integer(Lang::Pl, 12345), "12\u{a0}345");
        assert_eq!(integer(Lang::Pl, -1234567), "-1\u{a0}234\u{a0}567");
        assert_eq!(integer(Lang::En, 1234), "1,234");
        assert_eq!(integer(Lang::En, 999), "999");
    }

    #[test]
    fn money_per_language() {
        assert_eq!(money(Lang::Pl, 123456, "PLN"), "1234,56\u{a0}zł");
        assert_eq!(money(Lang::Pl, 1234567, "EUR"), "12\u{a0}345,67\u{a0}EUR");
        assert_eq!(money(Lang::En, 123456, "PLN"), "PLN\u{a0}1,234.56");
        assert_eq!(money(Lang::En, -5, "PLN"), "-PLN\u{a0}0.05");
    }
}
