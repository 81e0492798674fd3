//! Reading a received SMS part (an incoming message, as an SMS centre delivers it): its user
//! data header, the concatenation it belongs to, and its text. The inverse of [`crate::split`].

use crate::national::NationalTables;
use crate::split::{fill_bits, unpack_septets};

/// Where a part sits in a concatenated message (UDH IE 0x00 or 0x08).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concatenation {
    pub reference: u16,
    pub total: u8,
    /// From 1.
    pub seq: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedPart {
    pub concatenation: Option<Concatenation>,
    pub text: String,
}

/// How the part's payload is coded (SMPP `data_coding` 0 or 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// GSM 7-bit, one septet per octet (`packed: false`, the usual SMPP form) or packed.
    Gsm7 {
        packed: bool,
    },
    Ucs2,
}

/// Reads `user_data` (the UDH first when `has_udh`). `None` when the header is cut short.
pub fn read_part(user_data: &[u8], has_udh: bool, coding: Coding) -> Option<ReceivedPart> {
    let (header, payload) = if has_udh {
        let length = usize::from(*user_data.first()?) + 1;
        (user_data.get(..length)?, user_data.get(length..)?)
    } else {
        (&[][..], user_data)
    };
    let text = match coding {
        Coding::Gsm7 { packed: false } => NationalTables::default().decode(payload),
        Coding::Gsm7 { packed: true } => {
            let fill = fill_bits(header.len() as u32);
            let count = (payload.len() * 8).saturating_sub(usize::from(fill)) / 7;
            NationalTables::default().decode(&unpack_septets(payload, fill, count))
        }
        Coding::Ucs2 => {
            let units: Vec<u16> = payload
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
    };
    Some(ReceivedPart {
        concatenation: concatenation(header.get(1..).unwrap_or_default()),
        text,
    })
}

/// The concatenation IE among the header's information elements.
fn concatenation(mut elements: &[u8]) -> Option<Concatenation> {
    while let [id, length, rest @ ..] = elements {
        let data = rest.get(..usize::from(*length))?;
        match (*id, data) {
            (0x00, [reference, total, seq]) => {
                return Some(Concatenation {
                    reference: u16::from(*reference),
                    total: *total,
                    seq: *seq,
                })
            }
            (0x08, [high, low, total, seq]) => {
                let reference = u16::from_be_bytes([*high, *low]);
                return Some(Concatenation {
                    reference,
                    total: *total,
                    seq: *seq,
                });
            }
            _ => elements = &rest[usize::from(*length)..],
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::{split_with_reference, Payload};
    use crate::Options;

    /// What an SMS centre would deliver for each part the splitter makes.
    fn delivered(text: &str, packed: bool) -> Vec<ReceivedPart> {
        let parts = split_with_reference(text, &Options::default(), 0x1234).unwrap();
        parts
            .iter()
            .map(|part| {
                let (payload, coding) = match &part.payload {
                    Payload::Gsm7 { septets, .. } if !packed => {
                        (septets.clone(), Coding::Gsm7 { packed })
                    }
                    Payload::Gsm7 { packed: octets, .. } => {
                        (octets.clone(), Coding::Gsm7 { packed })
                    }
                    Payload::Ucs2 { bytes } => (bytes.clone(), Coding::Ucs2),
                };
                let user_data = [part.udh.clone(), payload].concat();
                read_part(&user_data, !part.udh.is_empty(), coding).unwrap()
            })
            .collect()
    }

    #[test]
    fn what_the_splitter_sends_reads_back_part_by_part() {
        for packed in [false, true] {
            for text in [
                "Zamowienie {ZAM/7} gotowe: 100 EUR [€].".to_string(),
                format!("Przypomnienie. {}", "Dziekujemy. ".repeat(25)),
                format!("Zażółć gęślą jaźń — {} 😀", "płatność ".repeat(12)),
            ] {
                let parts = delivered(&text, packed);
                let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
                // Packed, a part with 7 spare bits at its end pads them with zero: an '@'
                // (TS 23.038 asks senders for CR; a reader cannot tell either from text).
                assert_eq!(
                    joined.replace("@ ", " ").trim_end_matches('@'),
                    text,
                    "packed: {packed}"
                );
                if parts.len() > 1 {
                    let concatenation = parts[1].concatenation.unwrap();
                    assert_eq!(
                        (concatenation.total as usize, concatenation.seq),
                        (parts.len(), 2)
                    );
                }
            }
        }
    }

    #[test]
    fn both_concatenation_elements_are_read_and_a_cut_header_refused() {
        let eight_bit = [0x05, 0x00, 0x03, 0x42, 0x02, 0x01, b'H'];
        let part = read_part(&eight_bit, true, Coding::Gsm7 { packed: false }).unwrap();
        assert_eq!(
            part.concatenation,
            Some(Concatenation {
                reference: 0x42,
                total: 2,
                seq: 1
            })
        );
        assert_eq!(part.text, "H");
        let sixteen_bit = [0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x03, 0x00, 0x41];
        let part = read_part(&sixteen_bit, true, Coding::Ucs2).unwrap();
        assert_eq!(
            part.concatenation,
            Some(Concatenation {
                reference: 0x1234,
                total: 3,
                seq: 3
            })
        );
        assert_eq!(part.text, "A");
        assert_eq!(read_part(&[0x05, 0x00], true, Coding::Ucs2), None);
    }
}
