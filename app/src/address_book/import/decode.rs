//! The bytes of an uploaded file as text. Files come from Polish ERPs and Excel: UTF-8 (with or
//! without a byte order mark), Windows-1250 (Polish Windows, most ERP exports), now and then
//! ISO-8859-2 (older Unix systems) or UTF-16 with a byte order mark (Excel's "Unicode text").

use encoding_rs::{Encoding, ISO_8859_2, UTF_8, WINDOWS_1250};

pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Reads `bytes` in the encoding they most likely are in. Valid UTF-8 is UTF-8: text in an
/// 8-bit code page with any letter above ASCII is almost never valid UTF-8 by chance.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return Decoded {
            text: text.into_owned(),
            encoding,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8,
        };
    }
    // Windows-1250 and ISO-8859-2 put ć ę ł ń ó ż and their capitals on the same bytes but
    // ą ś ź Ą Ś Ź on different ones (and Windows-1250 fills 0x80–0x9F, control codes in
    // ISO-8859-2). Read both and keep the reading with more Polish letters; Windows-1250 on a tie.
    let (windows, _) = WINDOWS_1250.decode_without_bom_handling(bytes);
    let (iso, _) = ISO_8859_2.decode_without_bom_handling(bytes);
    if polish_letters(&iso) > polish_letters(&windows) {
        Decoded {
            text: iso.into_owned(),
            encoding: ISO_8859_2,
        }
    } else {
        Decoded {
            text: windows.into_owned(),
            encoding: WINDOWS_1250,
        }
    }
}

fn polish_letters(text: &str) -> usize {
    text.chars()
        .filter(|c| "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".contains(*c))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Kod;Nazwa\nZAŻÓŁĆ;Gęślą jaźń ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ\n";

    #[test]
    fn windows_1250_bytes_are_read_as_windows_1250() {
        // "ąćęłńóśźż" written by hand in Windows-1250, not by the encoder under test.
        let bytes = b"\xb9\xe6\xea\xb3\xf1\xf3\x9c\x9f\xbf";
        let decoded = decode(bytes);
        assert_eq!(decoded.encoding, WINDOWS_1250);
        assert_eq!(decoded.text, "ąćęłńóśźż");

        let (bytes, _, _) = WINDOWS_1250.encode(TEXT);
        assert_eq!(decode(&bytes).text, TEXT);
    }

    #[test]
    fn the_same_text_in_utf8_is_utf8_with_or_without_a_bom() {
        let decoded = decode(TEXT.as_bytes());
        assert_eq!(decoded.encoding, UTF_8);
        assert_eq!(decoded.text, TEXT);
        let with_bom = [b"\xef\xbb\xbf".as_slice(), TEXT.as_bytes()].concat();
        let decoded = decode(&with_bom);
        assert_eq!(decoded.encoding, UTF_8);
        assert_eq!(decoded.text, TEXT, "the BOM is not part of the text");
    }

    #[test]
    fn iso_8859_2_is_told_apart_by_where_its_letters_are() {
        // "ąśź" in ISO-8859-2; in Windows-1250 these bytes are "±¶Ľ".
        let decoded = decode(b"\xb1\xb6\xbc");
        assert_eq!(decoded.encoding, ISO_8859_2);
        assert_eq!(decoded.text, "ąśź");
        let (bytes, _, _) = ISO_8859_2.encode(TEXT);
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, ISO_8859_2);
        assert_eq!(decoded.text, TEXT);
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "Nazwa\tTelefon\nŁódź\t600100200".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, encoding_rs::UTF_16LE);
        assert_eq!(decoded.text, "Nazwa\tTelefon\nŁódź\t600100200");
    }
}
