//! Reading pasted CSV (`name,email` rows) into users to add, and the rows
//! refused with their reasons. Whether an email is already a user of the
//! customer is the store's question; everything else is answered here.

use super::{parse_name, parse_user_email, RefusedRow, MAX_IMPORT_ROWS};
use crate::error::{AppError, AppResult};
use std::collections::HashMap;

/// Largest paste taken, in bytes (5,000 rows of long names and emails fit).
pub const MAX_IMPORT_BYTES: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub name: String,
    pub email: String,
}

/// The rows that may go in and those refused, in the order of the file.
#[derive(Debug, Default)]
pub struct Checked {
    pub rows: Vec<ImportRow>,
    pub refused: Vec<RefusedRow>,
}

/// Reads the paste. A request that cannot be taken as a whole (nothing in
/// it, too many rows, unreadable CSV) is an error and nothing is imported;
/// otherwise each bad row is refused on its own.
pub fn check(input: &str) -> AppResult<Checked> {
    if input.len() > MAX_IMPORT_BYTES {
        return Err(AppError::validation("csv", "That is too much text for one import. Split it into files of at most 5,000 rows."));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = line_at(input, e.position().map(|p| p.byte()).unwrap_or(0));
            AppError::validation("csv", format!("Line {line} could not be read as CSV. Check its quotes."))
        })?;
        let line = line_at(input, record.position().map(|p| p.byte()).unwrap_or(0));
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        records.push((line, fields));
    }
    let (name_col, email_col) = match records.first() {
        Some((_, first)) => match header_columns(first) {
            Some(cols) => {
                records.remove(0);
                cols
            }
            None => (0, 1),
        },
        None => (0, 1),
    };
    if records.is_empty() {
        return Err(AppError::validation("csv", "Paste at least one row: a name, a comma, then an email."));
    }
    if records.len() > MAX_IMPORT_ROWS {
        return Err(AppError::validation(
            "csv",
            format!("One import takes at most 5,000 rows; this one has {}. Split it into smaller files.", records.len()),
        ));
    }

    let mut checked = Checked::default();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for (line, fields) in records {
        let field = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
        let (name, email) = (field(name_col), field(email_col));
        let refuse = |reason: String| RefusedRow { line, text: shorten(&fields.join(", ")), reason };
        let outcome = if name.is_empty() {
            Err("Missing name.".to_string())
        } else if email.is_empty() {
            Err("Missing email.".to_string())
        } else {
            match (parse_name("csv", name, "user"), parse_user_email("csv", email)) {
                (Err(e), _) => Err(e.for_field("csv").unwrap_or_default()),
                (_, Err(_)) => Err(format!("Bad email: {email} is not an address like ada@example.com.")),
                (Ok(name), Ok(email)) => match first_line_of.get(&email.to_lowercase()) {
                    Some(first) => Err(format!("Duplicate in the file: {email} is also on line {first}.")),
                    None => {
                        first_line_of.insert(email.to_lowercase(), line);
                        Ok(ImportRow { line, name, email })
                    }
                },
            }
        };
        match outcome {
            Ok(row) => checked.rows.push(row),
            Err(reason) => checked.refused.push(refuse(reason)),
        }
    }
    Ok(checked)
}

/// Column numbers of name and email when the first row is a header (no
/// address in it, and a column that speaks of mail).
fn header_columns(fields: &[String]) -> Option<(usize, usize)> {
    let lower: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
    if lower.iter().any(|f| f.contains('@')) {
        return None;
    }
    let email = lower.iter().position(|f| f.contains("mail"))?;
    let name = lower
        .iter()
        .position(|f| f.contains("name"))
        .unwrap_or(if email == 0 { 1 } else { 0 });
    Some((name, email))
}

/// The 1-based line a record starts on, from the byte offset the reader
/// gives (which may point at the blank lines before it; the reader's own
/// line count leaves blank lines out).
fn line_at(input: &str, byte: u64) -> u64 {
    let bytes = input.as_bytes();
    let mut end = (byte as usize).min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(c: &Checked) -> Vec<(u64, &str)> {
        c.refused.iter().map(|r| (r.line, r.reason.as_str())).collect()
    }

    #[test]
    fn rows_without_a_header() {
        let c = check("Ada Lovelace,ada@example.com\r\n Grace  Hopper , grace@example.com \n").unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[1], ImportRow { line: 2, name: "Grace Hopper".into(), email: "grace@example.com".into() });
        assert!(c.refused.is_empty());
    }

    #[test]
    fn a_header_is_skipped_and_may_reorder_columns() {
        let c = check("Email,Full name\nada@example.com,Ada\n").unwrap();
        assert_eq!(c.rows, vec![ImportRow { line: 2, name: "Ada".into(), email: "ada@example.com".into() }]);
        let c = check("name,email\nAda,ada@example.com").unwrap();
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let c = check("\"Lovelace, Ada\",ada@example.com\n\"Grace \"\"Amazing\"\" Hopper\",\"grace@example.com\"\n\"Two\nLines\",two@example.com\nlast,last@example.com").unwrap();
        let names: Vec<&str> = c.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Lovelace, Ada", "Grace \"Amazing\" Hopper", "Two Lines", "last"]);
        // A quoted newline: the next row is on line 5.
        assert_eq!(c.rows[3].line, 5);
    }

    #[test]
    fn bad_rows_are_refused_with_their_line_and_reason() {
        let input = "Ada,ada@example.com\n,nobody@example.com\nBob\nCarl,carl@\n\nDup,ADA@example.com\nZed,zed@example.com,extra\n";
        let c = check(input).unwrap();
        assert_eq!(c.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 7]);
        let r = reasons(&c);
        assert_eq!(r[0], (2, "Missing name."));
        assert_eq!(r[1], (3, "Missing email."));
        assert!(r[2].1.starts_with("Bad email") && r[2].0 == 4, "{r:?}");
        assert!(r[3].1.starts_with("Duplicate in the file") && r[3].1.contains("line 1") && r[3].0 == 6, "{r:?}");
    }

    #[test]
    fn whole_requests_that_cannot_be_taken() {
        assert!(check("").unwrap_err().for_field("csv").is_some());
        assert!(check("name,email\n\n").unwrap_err().for_field("csv").is_some());
        let many: String = (0..=MAX_IMPORT_ROWS).map(|i| format!("U{i},u{i}@example.com\n")).collect();
        assert!(check(&many).unwrap_err().for_field("csv").unwrap().contains("5,000"));
        let just: String = (0..MAX_IMPORT_ROWS).map(|i| format!("U{i},u{i}@example.com\n")).collect();
        assert_eq!(check(&just).unwrap().rows.len(), MAX_IMPORT_ROWS);
    }
}
