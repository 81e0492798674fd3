//! `smscount`: SMS encoding and part counts for JSON lines, the same
//! counts the Esemes composer shows (`sms::analyze`).
//!
//! ```text
//! cargo run --release -p sms --bin smscount < messages.jsonl > counts.jsonl
//! ```
//!
//! Input, on standard input: one JSON object per line,
//!
//! ```text
//! {"text": "Zażółć gęślą jaźń", "options": {...}}
//! ```
//!
//! `text` is required; other fields of the object are ignored. `options` may
//! be left out, and so may each of its fields (default last):
//!
//! * `encoding`: `"auto"` (GSM-7 when the text allows it, else UCS-2),
//!   `"gsm7"` (forced; characters outside the tables are counted one septet
//!   each and listed) or `"ucs2"` (forced). Default `"auto"`.
//! * `reference`: concatenation reference size, `"eight"` (6-octet header,
//!   153 septets / 67 UCS-2 units per part) or `"sixteen"` (7 octets, 152 /
//!   66); `8` and `16` are accepted too. Default `"eight"`.
//! * `national`: languages whose national shift tables (3GPP TS 23.038
//!   annex A) may be used, from `"turkish"`, `"spanish"`, `"portuguese"`
//!   (or `"tr"`, `"es"`, `"pt"`); the combination giving the fewest parts is
//!   chosen, header cost included. Default `[]`.
//! * `max_parts`: most parts allowed, or `null` for no limit besides the 255
//!   a concatenated message can have. Default `null`.
//!
//! Unknown option fields are refused.
//!
//! Output, on standard output: one JSON object per input line, in the same
//! order:
//!
//! ```text
//! {"encoding":"ucs2","units":17,"segments":1,"remaining":53,"non_gsm":["ż","ó","ł","ć","ę","ś","ą","ź","ń"]}
//! ```
//!
//! * `encoding`: `"gsm7"` or `"ucs2"`.
//! * `units`: septets (escapes count 2) or UTF-16 code units in total.
//! * `segments`: SMS parts (0 for an empty text).
//! * `remaining`: units still free in the last part.
//! * `non_gsm`: the distinct characters outside the GSM-7 tables, in order
//!   of first appearance (those that force UCS-2 under `"auto"`).
//! * `national` (only when shift tables are used): `{"locking": language or
//!   null, "single": language or null}`.
//! * `problem` (only when the text may not be sent under the options: GSM-7
//!   forced on other characters, or too many parts): e.g.
//!   `{"kind":"too_many_parts","parts":12,"max":10}` or
//!   `{"kind":"not_gsm7","characters":["ą"]}`.
//!
//! A line that cannot be parsed (not JSON, no `text`, a bad option) gets
//! `{"error": "..."}` and the next line is read. The exit status is 0 unless
//! reading or writing fails (a closed output pipe ends the program quietly).
//!
//! Streams in constant memory (one line at a time, the line buffer reused),
//! writing through a buffer that is flushed when input runs dry and at the
//! end.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use serde::Deserialize;
use sms::{analyze, Analysis, Encoding, Language, Options};

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default)]
    options: Options,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smscount: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> io::Result<()> {
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    process(input, output)
}

/// Answers every line of `input` on `output`.
fn process<R: io::Read, W: Write>(mut input: BufReader<R>, mut output: W) -> io::Result<()> {
    let mut line = Vec::with_capacity(1024);
    loop {
        // About to wait for more input: let what is done go out first.
        if input.buffer().is_empty() {
            output.flush()?;
        }
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        match serde_json::from_slice::<Request>(trim_newline(&line)) {
            Ok(request) => {
                let analysis = analyze(&request.text, &request.options);
                write_analysis(&mut output, &analysis, &request.options)?;
            }
            Err(e) => {
                output.write_all(b"{\"error\":")?;
                write_json_string(&mut output, &e.to_string())?;
                output.write_all(b"}\n")?;
            }
        }
    }
    output.flush()
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn write_analysis(out: &mut impl Write, a: &Analysis, options: &Options) -> io::Result<()> {
    out.write_all(match a.encoding {
        Encoding::Gsm7 => b"{\"encoding\":\"gsm7\",\"units\":",
        Encoding::Ucs2 => b"{\"encoding\":\"ucs2\",\"units\":",
    })?;
    write_u32(out, a.units)?;
    out.write_all(b",\"segments\":")?;
    write_u32(out, a.segments)?;
    out.write_all(b",\"remaining\":")?;
    write_u32(out, a.remaining)?;
    out.write_all(b",\"non_gsm\":[")?;
    for (i, n) in a.non_gsm.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let mut buf = [0u8; 4];
        write_json_string(out, n.ch.encode_utf8(&mut buf))?;
    }
    out.write_all(b"]")?;
    if !a.national.is_none() {
        out.write_all(b",\"national\":{\"locking\":")?;
        write_language(out, a.national.locking)?;
        out.write_all(b",\"single\":")?;
        write_language(out, a.national.single)?;
        out.write_all(b"}")?;
    }
    if let Err(problem) = a.check(options) {
        out.write_all(b",\"problem\":")?;
        serde_json::to_writer(&mut *out, &problem)?;
    }
    out.write_all(b"}\n")
}

fn write_language(out: &mut impl Write, language: Option<Language>) -> io::Result<()> {
    out.write_all(match language {
        None => b"null",
        Some(Language::Turkish) => b"\"turkish\"",
        Some(Language::Spanish) => b"\"spanish\"",
        Some(Language::Portuguese) => b"\"portuguese\"",
    })
}

fn write_u32(out: &mut impl Write, mut n: u32) -> io::Result<()> {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&buf[i..])
}

/// Writes `s` as a JSON string: quotes, backslashes and control characters
/// escaped, everything else as UTF-8.
fn write_json_string(out: &mut impl Write, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.write_all(&bytes[start..i])?;
        match b {
            b'"' => out.write_all(b"\\\"")?,
            b'\\' => out.write_all(b"\\\\")?,
            b'\n' => out.write_all(b"\\n")?,
            b'\r' => out.write_all(b"\\r")?,
            b'\t' => out.write_all(b"\\t")?,
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let escaped = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xF)],
                ];
                out.write_all(&escaped)?;
            }
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(input: &str) -> String {
        let mut out = Vec::new();
        process(BufReader::new(input.as_bytes()), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_answer_per_line_in_order() {
        let input = concat!(
            "{\"text\":\"hello\"}\n",
            "garbage\n",
            "\n",
            "{\"text\":\"Zażółć ą\"}\r\n",
            "{\"options\":{}}\n",
            "{\"text\":\"x\",\"options\":{\"max_part\":1}}\n",
            "{\"text\":\"\\u20ac\",\"id\":7}",
        );
        let output = answer(input);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 7);
        assert_eq!(
            lines[0],
            r#"{"encoding":"gsm7","units":5,"segments":1,"remaining":155,"non_gsm":[]}"#
        );
        assert!(
            lines[1].starts_with(r#"{"error":"expected value"#),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with(r#"{"error":"EOF"#), "{}", lines[2]);
        assert_eq!(
            lines[3],
            r#"{"encoding":"ucs2","units":8,"segments":1,"remaining":62,"non_gsm":["ż","ó","ł","ć","ą"]}"#
        );
        assert!(lines[4].contains("missing field `text`"), "{}", lines[4]);
        assert!(
            lines[5].contains("unknown field `max_part`"),
            "{}",
            lines[5]
        );
        assert_eq!(
            lines[6],
            r#"{"encoding":"gsm7","units":2,"segments":1,"remaining":158,"non_gsm":[]}"#
        );
        for line in lines {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn options_national_and_problems() {
        let input = concat!(
            "{\"text\":\"Şişli ağır\",\"options\":{\"national\":[\"tr\"]}}\n",
            "{\"text\":\"a\\tb\\u001b\\\"\",\"options\":{\"encoding\":\"gsm7\"}}\n",
            "{\"text\":\"",
        );
        let long = "a".repeat(400);
        let input = format!("{input}{long}\",\"options\":{{\"max_parts\":2,\"reference\":16}}}}\n");
        let output = answer(&input);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"encoding":"gsm7","units":10,"segments":1,"remaining":145,"non_gsm":[],"national":{"locking":"turkish","single":null}}"#
        );
        assert_eq!(
            lines[1],
            r#"{"encoding":"gsm7","units":5,"segments":1,"remaining":155,"non_gsm":["\t","\u001b"],"problem":{"kind":"not_gsm7","characters":["\t","\u001b"]}}"#
        );
        assert_eq!(
            lines[2],
            r#"{"encoding":"gsm7","units":400,"segments":3,"remaining":56,"non_gsm":[],"problem":{"kind":"too_many_parts","parts":3,"max":2}}"#
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = Vec::new();
        write_json_string(&mut out, "a\"b\\c\n\u{1}ą😀").unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, r#""a\"b\\c\n\u0001ą😀""#);
        assert_eq!(
            serde_json::from_str::<String>(&s).unwrap(),
            "a\"b\\c\n\u{1}ą😀"
        );
        for n in [0, 7, 10, 160, 4_294_967_295] {
            let mut out = Vec::new();
            write_u32(&mut out, n).unwrap();
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
