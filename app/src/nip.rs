//! NIP, the Polish tax identification number: 10 digits, the last a checksum.

const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/// The 10 digits of a NIP written with dashes, spaces or a `PL` prefix, if the checksum holds.
pub fn normalize_nip(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let without_prefix = trimmed
        .strip_prefix("PL")
        .or_else(|| trimmed.strip_prefix("pl"))
        .unwrap_or(trimmed);
    let mut digits = String::with_capacity(10);
    for c in without_prefix.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ' ' => {}
            _ => return None,
        }
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if values.len() != 10 {
        return None;
    }
    let sum: u32 = WEIGHTS.iter().zip(&values).map(|(w, d)| w * d).sum();
    // A remainder of 10 is never issued as a NIP.
    (sum % 11 == values[9]).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_nips_in_common_notations() {
        for input in [
            "7251801126",
            "725-180-11-26",
            "725-18-01-126",
            "PL 7251801126",
            " 526 000 12 46 ",
        ] {
            assert!(normalize_nip(input).is_some(), "{input}");
        }
        assert_eq!(
            normalize_nip("PL725-180-11-26").as_deref(),
            Some("7251801126")
        );
    }

    #[test]
    fn refuses_wrong_checksums_lengths_and_characters() {
        for input in [
            "7251801125",
            "725180112",
            "72518011266",
            "725180112a",
            "",
            "0000000001",
        ] {
            assert_eq!(normalize_nip(input), None, "{input}");
        }
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        let valid = "7251801126";
        for position in 0..10 {
            for digit in '0'..='9' {
                let mut changed: Vec<char> = valid.chars().collect();
                if changed[position] == digit {
                    continue;
                }
                changed[position] = digit;
                let changed: String = changed.into_iter().collect();
                // Weights are 1..=7 and coprime to 11, so one changed digit always breaks it.
                assert_eq!(normalize_nip(&changed), None, "{changed}");
            }
        }
    }
}
