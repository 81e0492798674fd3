//! Sender names (alphanumeric sender ids): what recipients see instead of a number. SMS centres
//! take at most 11 characters; Polish operators accept Latin letters, digits and spaces only.

/// The most characters a sender name may have.
pub const MAX_SENDER_NAME: usize = 11;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SenderNameError {
    Empty,
    TooLong,
    /// A character other than a Latin letter, a digit or a space.
    InvalidCharacter(char),
    /// Digits only: that is a number, not a name.
    OnlyDigits,
}

/// The name as it will be sent (outer spaces trimmed), or why it cannot be one.
pub fn check_sender_name(name: &str) -> Result<String, SenderNameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(SenderNameError::Empty);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == ' '))
    {
        return Err(SenderNameError::InvalidCharacter(c));
    }
    if name.chars().count() > MAX_SENDER_NAME {
        return Err(SenderNameError::TooLong);
    }
    if name.chars().all(|c| c.is_ascii_digit() || c == ' ') {
        return Err(SenderNameError::OnlyDigits);
    }
    Ok(name.to_string())
}

/// Two names are the same name whatever their letters' case.
pub fn sender_name_key(name: &str) -> String {
    name.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_latin_letters_digits_and_spaces_up_to_eleven() {
        assert_eq!(check_sender_name(" Hurt Mazur "), Ok("Hurt Mazur".into()));
        assert_eq!(check_sender_name("ABCDEFGHIJK"), Ok("ABCDEFGHIJK".into()));
        assert_eq!(
            check_sender_name("ABCDEFGHIJKL"),
            Err(SenderNameError::TooLong)
        );
        assert_eq!(
            check_sender_name("Żubr"),
            Err(SenderNameError::InvalidCharacter('Ż'))
        );
        assert_eq!(
            check_sender_name("A-B"),
            Err(SenderNameError::InvalidCharacter('-'))
        );
        assert_eq!(check_sender_name("  "), Err(SenderNameError::Empty));
        assert_eq!(
            check_sender_name("600 100"),
            Err(SenderNameError::OnlyDigits)
        );
        assert_eq!(sender_name_key(" Mazur"), sender_name_key("MAZUR"));
    }
}
