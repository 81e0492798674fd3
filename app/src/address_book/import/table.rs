//! A CSV file as a table: the delimiter found from the file itself, quoted fields (with
//! delimiters, quotes and line breaks inside) read by the `csv` crate, the first row as headers.

use super::MAX_ROWS;
use crate::error::{AppError, Field, Problem, Result};

/// Rows of an import file under its column headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line of the file the row starts on, as the operator's text editor numbers it (with
    /// no line breaks inside fields, also the spreadsheet's row number).
    pub line: u32,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// The delimiters tried, in the order ties are decided: Polish Excel writes `;` (the comma is
/// the decimal separator), other programs `,`, Excel's "Unicode text" a tab.
const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];

/// The delimiter that splits the header into most fields while splitting the first rows
/// into as many fields as the header, since a delimiter that also occurs inside values
/// (a comma in an address) gives ragged rows.
pub fn detect_delimiter(text: &str) -> u8 {
    let score = |delimiter: u8| {
        let mut records = reader(text, delimiter).into_records().take(20).flatten();
        let Some(header) = records.next() else {
            return (0, 0);
        };
        if header.len() < 2 {
            return (0, 0);
        }
        let matching = records.filter(|r| r.len() == header.len()).count();
        (matching, header.len())
    };
    let mut best = DELIMITERS[0];
    for delimiter in DELIMITERS {
        if score(delimiter) > score(best) {
            best = delimiter;
        }
    }
    best
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        // Exports often end rows early when their last cells are empty.
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Reads the CSV `text`; rows with no value in any cell are left out.
pub fn parse(text: &str, delimiter: u8) -> Result<Table> {
    // The reader ends a record at the CR of a CRLF and counts the LF into the next record's
    // start, one line short; with LF alone its line numbers are right.
    let text = text.replace("\r\n", "\n");
    let mut records = reader(&text, delimiter).into_records();
    let mut headers = None;
    let mut rows = Vec::new();
    for record in &mut records {
        // The text is already valid UTF-8 and the reader is flexible, so reading cannot fail.
        let Ok(record) = record else { continue };
        let line = record.position().map_or(0, |p| p.line() as u32);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if headers.is_none() {
            headers = Some(cells);
            continue;
        }
        let row = Row { line, cells };
        if row.is_blank() {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(AppError::invalid(
                Field::File,
                Problem::TooManyRows {
                    max: MAX_ROWS as u32,
                },
            ));
        }
        rows.push(row);
    }
    match headers {
        Some(headers) if !rows.is_empty() => Ok(Table { headers, rows }),
        _ => Err(AppError::invalid(Field::File, Problem::EmptyFile)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(table: &Table) -> Vec<Vec<&str>> {
        table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn finds_the_delimiter() {
        assert_eq!(
            detect_delimiter("Kod;Nazwa;Telefon\nA;Alfa, Beta;600100200\n"),
            b';'
        );
        assert_eq!(
            detect_delimiter("code,name,phone\nA,\"Alfa; Beta\",600100200\n"),
            b','
        );
        assert_eq!(
            detect_delimiter("Kod\tNazwa\nA\tAlfa, Beta; Gamma\n"),
            b'\t'
        );
        // Commas inside unquoted values make the comma reading ragged: the semicolon wins.
        assert_eq!(
            detect_delimiter("Kod;Adres,pełny\nA;Łódź, Piotrkowska 1\nB;Kraków, Rynek, 2\n"),
            b';'
        );
        // One column whatever the delimiter: the Polish default.
        assert_eq!(detect_delimiter("Nazwa\nAlfa\n"), b';');
    }

    #[test]
    fn reads_quoted_fields_and_numbers_rows_by_line() {
        let text = "Kod;Nazwa;Uwagi\r\n\
                    A1;\"Alfa; Beta\";\"cytat \"\"w\"\" środku\"\r\n\
                    ;;\r\n\
                    B2;Beta;\"dwie\r\nlinie\"\r\n\
                    C3;Gamma\r\n";
        let table = parse(text, b';').unwrap();
        assert_eq!(table.headers, ["Kod", "Nazwa", "Uwagi"]);
        assert_eq!(
            cells(&table),
            vec![
                vec!["A1", "Alfa; Beta", "cytat \"w\" środku"],
                vec!["B2", "Beta", "dwie\nlinie"],
                vec!["C3", "Gamma"],
            ]
        );
        // The blank row on line 3 is left out but still counted.
        let lines: Vec<u32> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
    }

    #[test]
    fn a_file_without_rows_is_an_error() {
        for text in ["", "Kod;Nazwa\n", "Kod;Nazwa\n;\n"] {
            assert_eq!(
                parse(text, b';'),
                Err(AppError::invalid(Field::File, Problem::EmptyFile)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn too_many_rows_is_an_error() {
        let text = format!("Kod;Nazwa\n{}", "A;B\n".repeat(MAX_ROWS + 1));
        assert_eq!(
            parse(&text, b';'),
            Err(AppError::invalid(
                Field::File,
                Problem::TooManyRows {
                    max: MAX_ROWS as u32
                }
            ))
        );
    }
}
