//! vCard files (2.1 from old Android phones, 3.0 and 4.0), as phones export their contacts:
//! folded lines, quoted-printable values with their CHARSET, property groups (`item1.TEL`).
//! Only what the address book keeps is read: names, phones, e-mail, organisation, address, note.

use encoding_rs::{Encoding, UTF_8};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// The line of `BEGIN:VCARD`.
    pub line: u32,
    /// FN.
    pub formatted_name: String,
    /// N: family and given names.
    pub family_name: String,
    pub given_name: String,
    pub organization: String,
    /// TEL values with whether they are marked as mobile (`TYPE=cell`, 2.1's bare `CELL`).
    pub phones: Vec<(String, bool)>,
    pub emails: Vec<String>,
    /// The first ADR, its parts joined for reading.
    pub address: String,
    pub note: String,
}

impl Contact {
    /// The number SMS go to: the first mobile one, else the first one (whose check then says
    /// why it cannot receive SMS).
    pub fn sms_phone(&self) -> &str {
        self.phones
            .iter()
            .find(|(_, cell)| *cell)
            .or(self.phones.first())
            .map_or("", |(number, _)| number)
    }

    /// The display name, else one made of N, else the organisation.
    pub fn name(&self) -> String {
        let from_parts = [self.given_name.as_str(), self.family_name.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.formatted_name.clone(),
            from_parts,
            self.organization.clone(),
        ]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_default()
    }

    /// The words a code is made of: family name first, as Polish ERPs file people.
    pub fn code_basis(&self) -> String {
        if self.family_name.is_empty() {
            self.name()
        } else {
            format!("{} {}", self.family_name, self.given_name)
        }
    }
}

/// Whether the text looks like a vCard file rather than CSV.
pub fn is_vcard(text: &str) -> bool {
    text.trim_start()
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCARD")
}

/// The contacts in a vCard file, in file order. Unknown properties are skipped.
pub fn parse(text: &str) -> Vec<Contact> {
    let mut contacts = Vec::new();
    let mut current: Option<Contact> = None;
    for (line, content) in unfold(text) {
        let Some(property) = Property::parse(&content) else {
            continue;
        };
        match (property.name.as_str(), &mut current) {
            ("BEGIN", _) if property.value.eq_ignore_ascii_case("VCARD") => {
                current = Some(Contact {
                    line,
                    ..Contact::default()
                })
            }
            ("END", Some(_)) if property.value.eq_ignore_ascii_case("VCARD") => {
                contacts.extend(current.take())
            }
            (_, Some(contact)) => property.add_to(contact),
            _ => {}
        }
    }
    contacts
}

/// Logical lines with the number of the line each starts on. A line starting with a space or
/// tab continues the previous one (folding); so does the line after a quoted-printable value
/// ending in `=` (its soft line break, as vCard 2.1 writes long values).
fn unfold(text: &str) -> Vec<(u32, String)> {
    // Each logical line with whether it is quoted-printable, decided once its property head (up
    // to the first `:`) is complete: rescanning the growing line for every continuation made a
    // long folded value quadratic.
    let mut lines: Vec<(u32, String, Option<bool>)> = Vec::new();
    for (index, physical) in text.lines().enumerate() {
        let physical = physical.trim_end_matches('\r');
        let soft_break = lines
            .last()
            .is_some_and(|(_, previous, qp)| previous.ends_with('=') && *qp == Some(true));
        let folded = physical.starts_with([' ', '\t']);
        match lines.last_mut() {
            Some((_, previous, qp)) if soft_break || folded => {
                if soft_break {
                    previous.pop();
                }
                let segment = if folded { &physical[1..] } else { physical };
                if qp.is_none() && segment.contains(':') {
                    previous.push_str(segment);
                    *qp = Some(is_quoted_printable(previous));
                } else {
                    previous.push_str(segment);
                }
            }
            _ => {
                let qp = physical
                    .contains(':')
                    .then(|| is_quoted_printable(physical));
                lines.push((index as u32 + 1, physical.to_string(), qp));
            }
        }
    }
    lines
        .into_iter()
        .map(|(line, text, _)| (line, text))
        .collect()
}

fn is_quoted_printable(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(head, _)| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"))
}

struct Property {
    /// Upper case, without its group.
    name: String,
    /// Lower-case TYPE values, including 2.1's bare parameters (`TEL;CELL:`).
    types: Vec<String>,
    /// The value, quoted-printable decoded; escapes are undone per component.
    value: String,
}

impl Property {
    fn parse(line: &str) -> Option<Property> {
        let (head, raw) = line.split_once(':')?;
        let mut parts = head.split(';');
        let name = parts.next()?;
        let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
        let mut types = Vec::new();
        let mut quoted_printable = false;
        let mut base64 = false;
        let mut charset = UTF_8;
        for parameter in parts {
            let (key, value) = parameter.split_once('=').unwrap_or(("TYPE", parameter));
            let value = value.trim_matches('"');
            match key.to_ascii_uppercase().as_str() {
                "TYPE" => types.extend(value.split(',').map(str::to_ascii_lowercase)),
                "ENCODING" => {
                    let value = value.to_ascii_uppercase();
                    quoted_printable = value == "QUOTED-PRINTABLE";
                    base64 = value == "B" || value == "BASE64";
                }
                "CHARSET" => charset = Encoding::for_label(value.as_bytes()).unwrap_or(UTF_8),
                _ => {}
            }
        }
        // 2.1 may write the encoding as a bare parameter too.
        quoted_printable |= types.iter().any(|t| t == "quoted-printable");
        if base64 || types.iter().any(|t| t == "base64") {
            // Photos and other binary values: nothing the address book keeps.
            return None;
        }
        let value = if quoted_printable {
            charset
                .decode_without_bom_handling(&decode_quoted_printable(raw))
                .0
                .into_owned()
        } else {
            raw.to_string()
        };
        Some(Property { name, types, value })
    }

    fn add_to(self, contact: &mut Contact) {
        let components = split_components(&self.value);
        let component = |i: usize| components.get(i).cloned().unwrap_or_default();
        match self.name.as_str() {
            "FN" => contact.formatted_name = unescape(&self.value),
            "N" => {
                contact.family_name = component(0);
                contact.given_name = component(1);
            }
            "ORG" => contact.organization = component(0),
            "TEL" => {
                let number = unescape(&self.value);
                // 4.0 may write a URI.
                let number = number.trim_start_matches("tel:").trim().to_string();
                let cell = self.types.iter().any(|t| t == "cell" || t == "mobile");
                if !number.is_empty() {
                    contact.phones.push((number, cell));
                }
            }
            "EMAIL" => contact.emails.push(unescape(&self.value)),
            "ADR" if contact.address.is_empty() => contact.address = address(&components),
            "NOTE" => contact.note = unescape(&self.value),
            _ => {}
        }
    }
}

/// "street, postcode locality, region, country" from ADR's
/// post office box; extended; street; locality; region; postal code; country.
fn address(components: &[String]) -> String {
    let part = |i: usize| components.get(i).map_or("", |c| c.trim());
    let town = [part(5), part(3)]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [part(0), part(1), part(2), &town, part(4), part(6)]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits a structured value at `;` not escaped by a backslash, each part unescaped.
fn split_components(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = parts.last_mut().expect("never empty");
                last.push('\\');
                last.extend(chars.next());
            }
            ';' => parts.push(String::new()),
            c => parts.last_mut().expect("never empty").push(c),
        }
    }
    parts.iter().map(|p| unescape(p)).collect()
}

/// Undoes vCard's backslash escapes: `\n` is a line break, `\,` `\;` `\\` the character.
fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => text.push('\n'),
                Some(other) => text.push(other),
                None => {}
            },
            (c, false) => text.push(c),
        }
    }
    text.trim().to_string()
}

/// `=C5=81` → bytes; anything else is kept as it is.
fn decode_quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_folded_line_is_unfolded_in_one_pass() {
        // Folded continuations ending in `=` with no `:` anywhere: each used to rescan the whole
        // line to look for a quoted-printable head.
        let mut text = String::from("BEGIN:VCARD\nX-NOTE=\n");
        for _ in 0..100_000 {
            text.push_str(" abc=\n");
        }
        text.push_str("END:VCARD\n");
        let lines = unfold(&text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].0, 2);
        assert_eq!(lines[1].1.len(), "X-NOTE=".len() + 100_000 * "abc=".len());
        assert_eq!(lines[2], (100_003, "END:VCARD".to_string()));
    }

    #[test]
    fn a_quoted_printable_head_folded_before_its_colon_still_joins_soft_breaks() {
        let lines = unfold("NOTE;ENCODING=\n QUOTED-PRINTABLE:Dzie=C5=84 =\ndobry\n");
        assert_eq!(
            lines,
            [(
                1,
                "NOTE;ENCODING=QUOTED-PRINTABLE:Dzie=C5=84 dobry".to_string()
            )]
        );
    }

    #[test]
    fn reads_a_vcard_3_with_folded_lines_and_prefers_the_mobile_number() {
        let text = "BEGIN:VCARD\r\n\
                    VERSION:3.0\r\n\
                    N:Kowalski;Jan;;;\r\n\
                    FN:Jan Kowalski\r\n\
                    ORG:Usługi Budowlane\\, Łódź\r\n\
                    TEL;TYPE=WORK,VOICE:+48 42 123 45 67\r\n\
                    item1.TEL;TYPE=CELL:600 100 200\r\n\
                    EMAIL;TYPE=INTERNET:jan@kowalski.pl\r\n\
                    ADR;TYPE=WORK:;;ul. Piotrkowska 1;Łódź;;90-001;Polska\r\n\
                    NOTE:Płaci w terminie\\, dzwonić\r\n  rano\r\n\
                    PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\r\n\
                    END:VCARD\r\n";
        let contacts = parse(text);
        assert_eq!(contacts.len(), 1);
        let jan = &contacts[0];
        assert_eq!(jan.line, 1);
        assert_eq!(jan.name(), "Jan Kowalski");
        assert_eq!(jan.code_basis(), "Kowalski Jan");
        assert_eq!(jan.organization, "Usługi Budowlane, Łódź");
        assert_eq!(jan.sms_phone(), "600 100 200");
        assert_eq!(jan.emails, ["jan@kowalski.pl"]);
        assert_eq!(jan.address, "ul. Piotrkowska 1, 90-001 Łódź, Polska");
        // A folded line continues after its one leading space.
        assert_eq!(jan.note, "Płaci w terminie, dzwonić rano");
    }

    #[test]
    fn reads_old_android_quoted_printable_with_soft_line_breaks() {
        // vCard 2.1 as Android 2–4 exported it: UTF-8 bytes in quoted-printable, a long value
        // broken with "=" at line ends, bare CELL and the encoding as parameters.
        let text = "BEGIN:VCARD\n\
                    VERSION:2.1\n\
                    N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=BB=C3=B3=C5=82w;Gra=C5=BCyna;;;\n\
                    FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gra=C5=BCyna =C5=BB=C3=B3=C5=82w\n\
                    TEL;HOME:226543210\n\
                    TEL;CELL:+48601200300\n\
                    NOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:Zam=C3=B3wienie =\n\
                    =C5=9Bwi=C4=85teczne\n\
                    END:VCARD\n\
                    BEGIN:VCARD\n\
                    VERSION:2.1\n\
                    FN;CHARSET=WINDOWS-1250;ENCODING=QUOTED-PRINTABLE:=A3ukasz\n\
                    TEL;VOICE:601 000 111\n\
                    END:VCARD\n";
        let contacts = parse(text);
        assert_eq!(contacts.len(), 2);
        let grazyna = &contacts[0];
        assert_eq!(grazyna.name(), "Grażyna Żółw");
        assert_eq!(grazyna.code_basis(), "Żółw Grażyna");
        assert_eq!(grazyna.sms_phone(), "+48601200300");
        assert_eq!(grazyna.note, "Zamówienie świąteczne");
        let lukasz = &contacts[1];
        assert_eq!(lukasz.line, 10);
        // The CHARSET parameter names the bytes' code page.
        assert_eq!(lukasz.name(), "Łukasz");
        // No mobile number marked: the first one.
        assert_eq!(lukasz.sms_phone(), "601 000 111");
    }

    #[test]
    fn reads_vcard_4_uris_and_falls_back_to_the_organisation() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nORG:Bank Spółdzielczy;Oddział 2\n\
                    TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+48-602-300-400\nEND:VCARD\n";
        let contacts = parse(text);
        assert_eq!(contacts[0].name(), "Bank Spółdzielczy");
        assert_eq!(contacts[0].sms_phone(), "+48-602-300-400");
        assert!(is_vcard("\n begin:vcard\n"));
        assert!(!is_vcard("Kod;Nazwa\n"));
    }
}
