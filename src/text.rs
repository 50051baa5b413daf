//! Short one-line text from a form: names, labels, references.

use crate::error::{AppError, AppResult};

/// Trims `input` and collapses every run of white space inside it to one space.
pub fn squish(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `input` squished; a validation error on `field` when nothing is left
/// (`empty`) or more than `max` characters are (`too_long`).
pub fn one_line(field: &str, input: &str, max: usize, empty: impl Into<String>, too_long: impl Into<String>) -> AppResult<String> {
    let text = squish(input);
    match text.chars().count() {
        0 => Err(AppError::validation(field, empty)),
        n if n > max => Err(AppError::validation(field, too_long)),
        _ => Ok(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts_are_squished_and_bounded() {
        assert_eq!(squish("  Ada \t  Lovelace\n"), "Ada Lovelace");
        assert_eq!(one_line("f", " a  b ", 3, "empty", "long").unwrap(), "a b");
        assert_eq!(one_line("f", "   ", 3, "empty", "long").unwrap_err().for_field("f").as_deref(), Some("empty"));
        assert_eq!(one_line("f", "abcd", 3, "empty", "long").unwrap_err().for_field("f").as_deref(), Some("long"));
    }
}
