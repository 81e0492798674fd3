//! The parts of a message exactly as they are submitted: user data header
//! (UDH) and payload, GSM-7 septets (unpacked and packed) or UTF-16BE.
//!
//! [`split`] encodes what [`analyze`] decided (encoding, national tables,
//! part boundaries), so `analyze(..).segments == split(..)?.len()` and the
//! ranges agree by construction.
//!
//! UDH layout (3GPP TS 23.040 9.2.3.24): UDHL, then the concatenation
//! element when there is more than one part (IEI `0x00`, length 3,
//! reference, total, sequence; or IEI `0x08`, length 4, 16-bit reference),
//! then the national single shift (`0x24`, 1, language id) and locking shift
//! (`0x25`, 1, language id) elements, present on every part, also on a
//! single unconcatenated message.

use serde::{Deserialize, Serialize};

use crate::encoding::{
    analyze, Analysis, Encoding, Options, Reference, SmsError, USER_DATA_OCTETS,
};
use crate::national::NationalTables;

/// Concatenated short message, 8-bit reference.
pub const IEI_CONCATENATION_8: u8 = 0x00;
/// Concatenated short message, 16-bit reference.
pub const IEI_CONCATENATION_16: u8 = 0x08;
/// National language single shift.
pub const IEI_SINGLE_SHIFT: u8 = 0x24;
/// National language locking shift.
pub const IEI_LOCKING_SHIFT: u8 = 0x25;

/// One SMS of a message.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Sequence number, from 1.
    pub number: u32,
    /// `[start, end)` as char indices into the text, as in
    /// [`Analysis::segment_ranges`].
    pub range: (u32, u32),
    /// `[start, end)` as byte offsets into the text.
    pub byte_range: (u32, u32),
    /// The part of the text this SMS carries.
    pub text: String,
    /// The user data header, UDHL included; empty when there is none (then
    /// TP-UDHI is 0).
    pub udh: Vec<u8>,
    pub payload: Payload,
}

/// The user data after the header.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "encoding", rename_all = "lowercase")]
pub enum Payload {
    Gsm7 {
        /// One septet (0..=127) per byte, escapes (`0x1B`) included.
        septets: Vec<u8>,
        /// Zero bits before the first septet so that it starts on a septet
        /// boundary after the header: 1 after a 6-octet UDH.
        fill_bits: u8,
        /// The fill bits, then the septets packed LSB first (TS 23.038
        /// 6.1.2.1.1): the octets that follow the UDH.
        packed: Vec<u8>,
    },
    Ucs2 {
        /// UTF-16BE (a character outside the BMP as a surrogate pair).
        bytes: Vec<u8>,
    },
}

impl Part {
    pub fn encoding(&self) -> Encoding {
        match self.payload {
            Payload::Gsm7 { .. } => Encoding::Gsm7,
            Payload::Ucs2 { .. } => Encoding::Ucs2,
        }
    }

    /// The complete TP-UD: header, then the packed septets or UCS-2 bytes.
    /// At most 140 octets.
    pub fn user_data(&self) -> Vec<u8> {
        let payload = match &self.payload {
            Payload::Gsm7 { packed, .. } => packed,
            Payload::Ucs2 { bytes } => bytes,
        };
        let mut user_data = Vec::with_capacity(self.udh.len() + payload.len());
        user_data.extend_from_slice(&self.udh);
        user_data.extend_from_slice(payload);
        user_data
    }

    /// TP-UDL: for GSM-7 in septets, the header and its fill bits included
    /// (at most 160); for UCS-2 in octets (at most 140).
    pub fn user_data_length(&self) -> u32 {
        let header = self.udh.len() as u32;
        match &self.payload {
            Payload::Gsm7 {
                septets, fill_bits, ..
            } => (header * 8 + u32::from(*fill_bits)) / 7 + septets.len() as u32,
            Payload::Ucs2 { bytes } => header + bytes.len() as u32,
        }
    }
}

/// Splits `text` into the parts to submit, with concatenation reference
/// number 0: see [`split_with_reference`].
pub fn split(text: &str, options: &Options) -> Result<Vec<Part>, SmsError> {
    split_with_reference(text, options, 0)
}

/// Splits `text` into the parts to submit. `reference_number` identifies
/// the message among concatenated ones to the same recipient (only its low
/// 8 bits with an 8-bit reference); it matters only with several parts.
///
/// Fails as [`Analysis::check`] does: GSM-7 forced on characters outside
/// the tables, or more parts than allowed. An empty text gives no parts.
pub fn split_with_reference(
    text: &str,
    options: &Options,
    reference_number: u16,
) -> Result<Vec<Part>, SmsError> {
    let analysis = analyze(text, options);
    analysis.check(options)?;
    parts(text, &analysis, options.reference, reference_number)
}

/// Encodes the parts `analysis` (of `text`) laid out.
fn parts(
    text: &str,
    analysis: &Analysis,
    reference: Reference,
    reference_number: u16,
) -> Result<Vec<Part>, SmsError> {
    let total = analysis.segment_ranges.len();
    let concatenation = (total > 1).then_some((reference, reference_number, total as u8));
    let mut parts = Vec::with_capacity(total);
    let mut byte = 0usize;
    for (i, &(start, end)) in analysis.segment_ranges.iter().enumerate() {
        let length: usize = text[byte..]
            .chars()
            .take((end - start) as usize)
            .map(char::len_utf8)
            .sum();
        let part_text = &text[byte..byte + length];
        let number = i as u8 + 1;
        let udh = user_data_header(
            concatenation.map(|(r, n, t)| (r, n, t, number)),
            analysis.national,
        );
        debug_assert_eq!(udh.len() as u32, analysis.udh_octets);
        let payload = match analysis.encoding {
            Encoding::Gsm7 => {
                let mut septets = Vec::with_capacity(length + 8);
                for ch in part_text.chars() {
                    if !analysis.national.encode_char(ch, &mut septets) {
                        // `check` rules this out; never send a wrong text.
                        return Err(SmsError::NotGsm7 {
                            characters: vec![ch],
                        });
                    }
                }
                let fill_bits = fill_bits(udh.len() as u32);
                let packed = pack_septets(&septets, fill_bits);
                Payload::Gsm7 {
                    septets,
                    fill_bits,
                    packed,
                }
            }
            Encoding::Ucs2 => Payload::Ucs2 {
                bytes: part_text
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes)
                    .collect(),
            },
        };
        let part = Part {
            number: u32::from(number),
            range: (start, end),
            byte_range: (byte as u32, (byte + length) as u32),
            text: part_text.to_owned(),
            udh,
            payload,
        };
        debug_assert!(part.user_data().len() as u32 <= USER_DATA_OCTETS);
        parts.push(part);
        byte += length;
    }
    Ok(parts)
}

/// The user data header for one part: `concatenation` is `(reference size,
/// reference number, total parts, this part's number)` for a part of a
/// concatenated message. Empty when there is no element.
pub fn user_data_header(
    concatenation: Option<(Reference, u16, u8, u8)>,
    tables: NationalTables,
) -> Vec<u8> {
    let mut udh = vec![0u8];
    if let Some((reference, number, total, sequence)) = concatenation {
        match reference {
            Reference::Eight => {
                udh.extend_from_slice(&[IEI_CONCATENATION_8, 3, number as u8, total, sequence])
            }
            Reference::Sixteen => {
                let [high, low] = number.to_be_bytes();
                udh.extend_from_slice(&[IEI_CONCATENATION_16, 4, high, low, total, sequence])
            }
        }
    }
    if let Some(language) = tables.single {
        udh.extend_from_slice(&[IEI_SINGLE_SHIFT, 1, language.id()]);
    }
    if let Some(language) = tables.locking {
        udh.extend_from_slice(&[IEI_LOCKING_SHIFT, 1, language.id()]);
    }
    if udh.len() == 1 {
        return Vec::new();
    }
    udh[0] = (udh.len() - 1) as u8;
    udh
}

/// Fill bits after a header of `udh_octets` octets so that the septets
/// start on a septet boundary: 0 without a header, 1 after 6 octets, 0
/// after 7.
pub const fn fill_bits(udh_octets: u32) -> u8 {
    ((7 - udh_octets * 8 % 7) % 7) as u8
}

/// Packs septets (the high bit of each byte is ignored) LSB first after
/// `fill_bits` zero bits (TS 23.038 6.1.2.1.1). A final partial octet is
/// padded with zero bits.
pub fn pack_septets(septets: &[u8], fill_bits: u8) -> Vec<u8> {
    let bits = usize::from(fill_bits) + septets.len() * 7;
    let mut packed = Vec::with_capacity(bits.div_ceil(8));
    let mut acc: u32 = 0;
    let mut pending = u32::from(fill_bits);
    for &septet in septets {
        acc |= u32::from(septet & 0x7F) << pending;
        pending += 7;
        while pending >= 8 {
            packed.push(acc as u8);
            acc >>= 8;
            pending -= 8;
        }
    }
    if pending > 0 {
        packed.push(acc as u8);
    }
    packed
}

/// Unpacks `count` septets from `packed`, skipping `fill_bits` first: the
/// inverse of [`pack_septets`]. Missing octets read as zero.
pub fn unpack_septets(packed: &[u8], fill_bits: u8, count: usize) -> Vec<u8> {
    let octet = |i: usize| u16::from(packed.get(i).copied().unwrap_or(0));
    (0..count)
        .map(|k| {
            let bit = usize::from(fill_bits) + k * 7;
            let (i, shift) = (bit / 8, bit % 8);
            (((octet(i) | octet(i + 1) << 8) >> shift) & 0x7F) as u8
        })
        .collect()
}
