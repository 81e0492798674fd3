//! Phone number normalization to E.164, with Poland as the default region.

use serde::{Deserialize, Serialize};
use std::fmt;

/// E.164 allows at most 15 digits (country code included).
const MAX_DIGITS: usize = 15;
/// Shortest number we accept; anything shorter is almost surely a typo.
const MIN_DIGITS: usize = 8;
/// Polish national significant numbers are always 9 digits.
const PL_NATIONAL_DIGITS: usize = 9;
const PL_CODE: &str = "48";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    InvalidCharacter(char),
    TooShort,
    TooLong,
    MissingCountryCode,
    InvalidPolishNumber,
    // The next three come from the server's check against libphonenumber's metadata, which is
    // too large for the browser.
    UnknownCountryCode,
    /// No number of that country has this length or prefix.
    InvalidNumber,
    /// A fixed line, toll-free or premium number: it cannot receive SMS.
    NotMobile,
}

impl PhoneError {
    /// User-facing message in Polish.
    pub fn message_pl(&self) -> String {
        match self {
            PhoneError::Empty => "Numer telefonu jest pusty.".to_owned(),
            PhoneError::InvalidCharacter(c) => {
                format!("Numer telefonu zawiera niedozwolony znak „{c}”.")
            }
            PhoneError::TooShort => "Numer telefonu jest za krótki.".to_owned(),
            PhoneError::TooLong => {
                "Numer telefonu jest za długi (E.164 pozwala na najwyżej 15 cyfr).".to_owned()
            }
            PhoneError::MissingCountryCode => {
                "Numer zagraniczny musi zaczynać się od + i numeru kierunkowego kraju.".to_owned()
            }
            PhoneError::InvalidPolishNumber => "Polski numer musi mieć 9 cyfr po +48.".to_owned(),
            PhoneError::UnknownCountryCode => "Nieznany numer kierunkowy kraju.".to_owned(),
            PhoneError::InvalidNumber => {
                "Taki numer nie istnieje w tym kraju (sprawdź długość i początek numeru).".to_owned()
            }
            PhoneError::NotMobile => {
                "To nie jest numer komórkowy (stacjonarny, bezpłatny lub specjalny): nie odbierze SMS."
                    .to_owned()
            }
        }
    }

    /// User-facing message in English.
    pub fn message_en(&self) -> String {
        match self {
            PhoneError::Empty => "The phone number is empty.".to_owned(),
            PhoneError::InvalidCharacter(c) => {
                format!("The phone number contains an invalid character “{c}”.")
            }
            PhoneError::TooShort => "The phone number is too short.".to_owned(),
            PhoneError::TooLong => {
                "The phone number is too long (E.164 allows at most 15 digits).".to_owned()
            }
            PhoneError::MissingCountryCode => {
                "A foreign number must start with + and the country calling code.".to_owned()
            }
            PhoneError::InvalidPolishNumber => {
                "A Polish number must have 9 digits after +48.".to_owned()
            }
            PhoneError::UnknownCountryCode => "Unknown country calling code.".to_owned(),
            PhoneError::InvalidNumber => {
                "No such number exists in that country (check its length and prefix).".to_owned()
            }
            PhoneError::NotMobile => {
                "This is not a mobile number (fixed line, toll-free or special): it cannot receive SMS."
                    .to_owned()
            }
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for PhoneError {}

/// Normalizes user input to E.164 (`"+48600100200"`).
///
/// Spaces (any whitespace), dashes, dots and parentheses are separators. A
/// number without `+`/`00` is taken as Polish: 9 digits, or 11 digits that
/// start with 48. Foreign numbers need `+` or `00` and a country code.
pub fn normalize(input: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    let mut seen_any = false;
    for c in input.chars() {
        match c {
            '0'..='9' => {
                digits.push(c);
                seen_any = true;
            }
            // '+' is only meaningful as the very first significant char.
            '+' if !seen_any => {
                plus = true;
                seen_any = true;
            }
            '-' | '.' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            c => return Err(PhoneError::InvalidCharacter(c)),
        }
    }
    if !seen_any {
        return Err(PhoneError::Empty);
    }

    // Digits after the international prefix, country code first.
    let international: &str = if plus {
        &digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest
    } else {
        return national_to_e164(&digits);
    };

    if international.len() > MAX_DIGITS {
        return Err(PhoneError::TooLong);
    }
    if international.is_empty() {
        return Err(PhoneError::TooShort);
    }
    // Country codes never start with 0, so "+0…" means the code is missing.
    if international.starts_with('0') {
        return Err(PhoneError::MissingCountryCode);
    }
    if let Some(national) = international.strip_prefix(PL_CODE) {
        return polish(national);
    }
    if international.len() < MIN_DIGITS {
        return Err(PhoneError::TooShort);
    }
    Ok(format!("+{international}"))
}

/// Handles input without an international prefix: Polish by default.
fn national_to_e164(digits: &str) -> Result<String, PhoneError> {
    let len = digits.len();
    if len < PL_NATIONAL_DIGITS {
        return Err(PhoneError::TooShort);
    }
    if len == PL_NATIONAL_DIGITS {
        return polish(digits);
    }
    if let Some(national) = digits.strip_prefix(PL_CODE) {
        // 48 + 9 digits is a Polish number typed without '+'; other lengths
        // are most likely a mistyped Polish number.
        return polish(national);
    }
    // Poland has no trunk prefix, so a leading 0 is a mistake, not a
    // foreign number.
    if digits.starts_with('0') {
        return Err(PhoneError::InvalidPolishNumber);
    }
    if len > MAX_DIGITS {
        return Err(PhoneError::TooLong);
    }
    Err(PhoneError::MissingCountryCode)
}

/// Validates a Polish national number (digits after 48).
fn polish(national: &str) -> Result<String, PhoneError> {
    // Polish numbering has no numbers starting with 0.
    if national.len() != PL_NATIONAL_DIGITS || national.starts_with('0') {
        return Err(PhoneError::InvalidPolishNumber);
    }
    Ok(format!("+{PL_CODE}{national}"))
}

/// Length of the country calling code at the start of `digits` (ITU-T E.164
/// assignments: 1 and 7 are 1 digit, a fixed set is 2 digits, the rest 3).
fn country_code_len(digits: &str) -> usize {
    let b = digits.as_bytes();
    match b.first() {
        Some(b'1') | Some(b'7') => 1,
        Some(_) => match (b[0], b.get(1).copied().unwrap_or(b'0')) {
            (b'2', b'0') | (b'2', b'7') => 2,
            (b'2', _) => 3,
            (b'3', b'5') | (b'3', b'7') | (b'3', b'8') => 3,
            (b'3', _) => 2,
            (b'4', b'2') => 3,
            (b'4', _) => 2,
            (b'5', b'0') | (b'5', b'9') => 3,
            (b'5', _) => 2,
            (b'6', b'0'..=b'6') => 2,
            (b'6', _) => 3,
            (b'8', b'1') | (b'8', b'2') | (b'8', b'4') | (b'8', b'6') => 2,
            (b'8', _) => 3,
            (b'9', b'0'..=b'5') | (b'9', b'8') => 2,
            (b'9', _) => 3,
            _ => 3,
        },
        None => 0,
    }
}

/// Formats an E.164 number for display: `"+48 600 100 200"` for Polish
/// numbers, otherwise `"+CC rest"`. Input that is not E.164 is returned
/// unchanged (trimmed), since display must never fail.
pub fn format_display(e164: &str) -> String {
    let trimmed = e164.trim();
    let digits = match trimmed.strip_prefix('+') {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => d,
        _ => return trimmed.to_owned(),
    };
    if let Some(national) = digits.strip_prefix(PL_CODE) {
        if national.len() == PL_NATIONAL_DIGITS {
            return format!(
                "+{PL_CODE} {} {} {}",
                &national[0..3],
                &national[3..6],
                &national[6..9]
            );
        }
    }
    let cc_len = country_code_len(digits).min(digits.len());
    let (cc, rest) = digits.split_at(cc_len);
    if rest.is_empty() {
        format!("+{cc}")
    } else {
        format!("+{cc} {rest}")
    }
}

/// The phone field after a subject (or representative) is chosen in the composer, as the ERP
/// does it: the first choice fills the subject's SMS phone unless a number was already typed by
/// hand (that number stays); changing from one subject to another always takes the new
/// subject's phone, empty if it has none.
pub fn phone_after_choice(had_subject: bool, current_phone: &str, subject_phone: &str) -> String {
    if had_subject || current_phone.trim().is_empty() {
        subject_phone.to_owned()
    } else {
        current_phone.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_polish() {
        for input in [
            "600100200",
            "600 100 200",
            "600-100-200",
            "600.100.200",
            "(600) 100 200",
            "+48 600 100 200",
            "+48600100200",
            "+48 (600) 100-200",
            "0048600100200",
            "0048 600 100 200",
            "48600100200",
            "48 600 100 200",
            "  600100200\t",
            "600\u{00A0}100\u{00A0}200",
        ] {
            assert_eq!(normalize(input).as_deref(), Ok("+48600100200"), "{input:?}");
        }
    }

    #[test]
    fn valid_foreign() {
        assert_eq!(normalize("+4915112345678").as_deref(), Ok("+4915112345678"));
        assert_eq!(
            normalize("0049 151 1234 5678").as_deref(),
            Ok("+4915112345678")
        );
        assert_eq!(
            normalize("+1 (212) 555-0123").as_deref(),
            Ok("+12125550123")
        );
        assert_eq!(
            normalize("+44 20 7946 0958").as_deref(),
            Ok("+442079460958")
        );
        // 15 digits is the E.164 maximum.
        assert_eq!(
            normalize("+123456789012345").as_deref(),
            Ok("+123456789012345")
        );
        // 8 digits is the minimum.
        assert_eq!(normalize("+3712345678").as_deref(), Ok("+3712345678"));
        assert_eq!(normalize("+12345678").as_deref(), Ok("+12345678"));
    }

    #[test]
    fn errors() {
        use PhoneError::*;
        let cases: &[(&str, PhoneError)] = &[
            ("", Empty),
            ("   ", Empty),
            ("( - . )", Empty),
            ("600a100200", InvalidCharacter('a')),
            ("600/100/200", InvalidCharacter('/')),
            ("600+100200", InvalidCharacter('+')),
            ("++48600100200", InvalidCharacter('+')),
            ("+", TooShort),
            ("00", TooShort),
            ("12345", TooShort),
            ("60010020", TooShort),
            ("+1234567", TooShort),
            ("+1234567890123456", TooLong),
            ("001234567890123456", TooLong),
            ("1234567890123456", TooLong),
            ("+0123456789", MissingCountryCode),
            ("000123456789", MissingCountryCode),
            ("4915112345678", MissingCountryCode),
            ("1212555012", MissingCountryCode),
            ("060010020", InvalidPolishNumber),
            ("0600100200", InvalidPolishNumber),
            ("+4860010020", InvalidPolishNumber),
            ("+486001002001", InvalidPolishNumber),
            ("0048 60010020", InvalidPolishNumber),
            ("+48 060 010 020", InvalidPolishNumber),
            ("+48", InvalidPolishNumber),
            ("486001002001", InvalidPolishNumber),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).as_ref(), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(PhoneError::Empty.message_pl(), "Numer telefonu jest pusty.");
        assert_eq!(
            PhoneError::InvalidCharacter('x').message_pl(),
            "Numer telefonu zawiera niedozwolony znak „x”."
        );
        assert_eq!(
            PhoneError::TooShort.message_pl(),
            "Numer telefonu jest za krótki."
        );
        assert_eq!(
            PhoneError::TooLong.message_pl(),
            "Numer telefonu jest za długi (E.164 pozwala na najwyżej 15 cyfr)."
        );
        assert_eq!(
            PhoneError::MissingCountryCode.message_pl(),
            "Numer zagraniczny musi zaczynać się od + i numeru kierunkowego kraju."
        );
        assert_eq!(
            PhoneError::InvalidPolishNumber.message_pl(),
            "Polski numer musi mieć 9 cyfr po +48."
        );
        assert_eq!(
            PhoneError::InvalidCharacter('x').message_en(),
            "The phone number contains an invalid character “x”."
        );
        assert_eq!(
            PhoneError::TooShort.to_string(),
            PhoneError::TooShort.message_en()
        );
        for e in [
            PhoneError::Empty,
            PhoneError::TooLong,
            PhoneError::MissingCountryCode,
            PhoneError::InvalidPolishNumber,
        ] {
            assert!(!e.message_en().is_empty());
        }
    }

    #[test]
    fn serde_roundtrip() {
        let e = PhoneError::InvalidCharacter('ż');
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<PhoneError>(&json).unwrap(), e);
    }

    #[test]
    fn display_format() {
        assert_eq!(format_display("+48600100200"), "+48 600 100 200");
        assert_eq!(format_display("+4915112345678"), "+49 15112345678");
        assert_eq!(format_display("+12125550123"), "+1 2125550123");
        assert_eq!(format_display("+79161234567"), "+7 9161234567");
        assert_eq!(format_display("+380501234567"), "+380 501234567");
        assert_eq!(format_display("+420601123456"), "+420 601123456");
        assert_eq!(format_display("+3712345678"), "+371 2345678");
        assert_eq!(format_display("+442079460958"), "+44 2079460958");
        assert_eq!(format_display("+8613812345678"), "+86 13812345678");
        assert_eq!(format_display("+85212345678"), "+852 12345678");
        // Not E.164: shown as is.
        assert_eq!(format_display("600100200"), "600100200");
        assert_eq!(format_display(" +48 600 "), "+48 600");
        assert_eq!(format_display("+"), "+");
        assert_eq!(format_display(""), "");
        assert_eq!(format_display("+48"), "+48");
    }

    #[test]
    fn normalize_then_display() {
        let e164 = normalize("0048 (600) 100-200").unwrap();
        assert_eq!(format_display(&e164), "+48 600 100 200");
    }

    #[test]
    fn choosing_a_subject_fills_the_phone_but_keeps_a_typed_one() {
        assert_eq!(
            phone_after_choice(false, "", "+48600100200"),
            "+48600100200"
        );
        assert_eq!(phone_after_choice(false, "  ", ""), "");
        assert_eq!(
            phone_after_choice(false, "501 200 300", "+48600100200"),
            "501 200 300"
        );
        // From one subject to another: the new subject's phone, even an empty one.
        assert_eq!(
            phone_after_choice(true, "501 200 300", "+48600100200"),
            "+48600100200"
        );
        assert_eq!(phone_after_choice(true, "+48600100200", ""), "");
    }
}

/// Countries a notification number is commonly in, for pickers: ISO 3166 code and calling
/// code (each calling code once), Poland and its neighbours first.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("PL", "48"),
    ("DE", "49"),
    ("CZ", "420"),
    ("SK", "421"),
    ("UA", "380"),
    ("LT", "370"),
    ("BY", "375"),
    ("GB", "44"),
    ("IE", "353"),
    ("FR", "33"),
    ("NL", "31"),
    ("BE", "32"),
    ("LU", "352"),
    ("AT", "43"),
    ("CH", "41"),
    ("IT", "39"),
    ("ES", "34"),
    ("PT", "351"),
    ("DK", "45"),
    ("SE", "46"),
    ("NO", "47"),
    ("FI", "358"),
    ("EE", "372"),
    ("LV", "371"),
    ("HU", "36"),
    ("RO", "40"),
    ("BG", "359"),
    ("HR", "385"),
    ("SI", "386"),
    ("GR", "30"),
    ("CY", "357"),
    ("MT", "356"),
    ("IS", "354"),
    ("MD", "373"),
    ("GE", "995"),
    ("TR", "90"),
    ("IL", "972"),
    ("AE", "971"),
    ("US", "1"),
    ("KZ", "7"),
    ("CN", "86"),
    ("IN", "91"),
    ("JP", "81"),
    ("VN", "84"),
    ("AU", "61"),
];

/// The flag of an ISO 3166 country code, as the two regional indicator symbols that show it.
pub fn flag(iso: &str) -> String {
    (iso.chars())
        .filter(char::is_ascii_uppercase)
        .filter_map(|c| char::from_u32(0x1F1E6 + (c as u32 - 'A' as u32)))
        .collect()
}

#[cfg(test)]
mod country_tests {
    use super::*;

    #[test]
    fn each_calling_code_is_listed_once_with_its_flag() {
        let mut codes: Vec<_> = COUNTRIES.iter().map(|(_, code)| *code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), COUNTRIES.len());
        assert_eq!(flag("PL"), "🇵🇱");
        assert_eq!(flag("DE"), "\u{1F1E9}\u{1F1EA}");
    }
}
