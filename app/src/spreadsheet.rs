//! CSV for a spreadsheet: UTF-8 with a byte order mark (so Excel reads the Polish letters),
//! `;`-separated as Polish Excel expects, every cell quoted, and a text cell beginning with `=`,
//! `+`, `-` or `@` prefixed with `'` so a spreadsheet does not run it as a formula (a plain
//! integer such as `-3` stays a number).

pub struct Csv(String);

impl Csv {
    pub fn new() -> Csv {
        Csv(String::from("\u{feff}"))
    }

    pub fn line<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref())).collect();
        self.0.push_str(&cells.join(";"));
        self.0.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.0
    }
}

impl Default for Csv {
    fn default() -> Self {
        Csv::new()
    }
}

fn cell(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '-', '@']) && value.parse::<i64>().is_err();
    let neutral = match formula {
        true => format!("'{value}"),
        false => value.to_string(),
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(
            cell("Dzień dobry; \"Alfa\""),
            "\"Dzień dobry; \"\"Alfa\"\"\""
        );
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for formula in ["+48 600", "-1+1", "@SUM(A1)", "-A1"] {
            assert!(cell(formula).starts_with("\"'"), "{formula}");
        }
        assert_eq!(cell("-3"), "\"-3\"");
        let mut csv = Csv::new();
        csv.line(["a", "b"]);
        assert_eq!(csv.finish(), "\u{feff}\"a\";\"b\"\r\n");
    }
}
