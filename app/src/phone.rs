//! Phone numbers. The browser checks them with the `sms` crate's light rules (no metadata in the
//! wasm); the server, which is the authority, checks them again against libphonenumber's metadata:
//! does the country exist, can such a number exist there, can it receive SMS.

#[cfg(feature = "ssr")]
pub mod ssr {
    use phonenumber::{Mode, Type};
    use sms::PhoneError;

    /// Normalizes `input` to E.164 (default region Poland) and checks it is a number that can
    /// receive SMS.
    pub fn validate(input: &str) -> Result<String, PhoneError> {
        let e164 = sms::normalize(input)?;
        let number = phonenumber::parse(None, &e164).map_err(|e| match e {
            phonenumber::ParseError::InvalidCountryCode => PhoneError::UnknownCountryCode,
            phonenumber::ParseError::TooLong => PhoneError::TooLong,
            phonenumber::ParseError::TooShortNsn | phonenumber::ParseError::TooShortAfterIdd => {
                PhoneError::TooShort
            }
            _ => PhoneError::InvalidNumber,
        })?;
        if !number.is_valid() {
            return Err(PhoneError::InvalidNumber);
        }
        match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::FixedLine
            | Type::TollFree
            | Type::PremiumRate
            | Type::SharedCost
            | Type::Uan
            | Type::Emergency
            | Type::Voicemail
            | Type::ShortCode => Err(PhoneError::NotMobile),
            // Mobile, "fixed line or mobile" (e.g. USA), personal, VoIP, pager, unknown type of
            // a valid number: let the gateway decide.
            _ => Ok(number.format().mode(Mode::E164).to_string()),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn polish_mobiles_in_any_notation_become_e164() {
            for input in [
                "600 100 200",
                "+48 600-100-200",
                "0048600100200",
                "(48) 600100200",
            ] {
                assert_eq!(validate(input).as_deref(), Ok("+48600100200"), "{input}");
            }
        }

        #[test]
        fn foreign_mobiles_need_their_country_code() {
            assert_eq!(
                validate("+49 151 23456789").as_deref(),
                Ok("+4915123456789")
            );
            assert_eq!(validate("+380 67 123 4567").as_deref(), Ok("+380671234567"));
            // A US number cannot be told from a landline by its digits: accepted.
            assert_eq!(validate("+1 212 555 0123").as_deref(), Ok("+12125550123"));
        }

        #[test]
        fn says_why_a_number_is_refused() {
            // Warsaw landline.
            assert_eq!(validate("22 123 45 67"), Err(PhoneError::NotMobile));
            // Polish toll-free.
            assert_eq!(validate("800 123 456"), Err(PhoneError::NotMobile));
            assert_eq!(
                validate("+999 1234 5678"),
                Err(PhoneError::UnknownCountryCode)
            );
            // German mobiles start with 15, 16 or 17; 10 is not a German prefix.
            assert_eq!(validate("+49 10 1234567"), Err(PhoneError::InvalidNumber));
            assert_eq!(validate("12 34"), Err(PhoneError::TooShort));
            assert_eq!(
                validate("600 100 2OO"),
                Err(PhoneError::InvalidCharacter('O'))
            );
        }
    }
}
