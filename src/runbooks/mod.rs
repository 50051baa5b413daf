//! Runbooks: ordered task templates. A built-in library every workgroup
//! reads, plus each workgroup's own runbooks.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunbookSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub built_in: bool,
    pub steps: i64,
    pub estimated_minutes: i64,
    /// Names of the license types its steps need, in step order.
    pub licenses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: Uuid,
    pub position: i32,
    pub name: String,
    pub instructions: String,
    pub estimated_minutes: i32,
    pub license_type: Option<String>,
    pub license_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runbook {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub built_in: bool,
    pub steps: Vec<Step>,
}

/// A license type a step may need (code, name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseChoice {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunbookPage {
    pub runbook: Runbook,
    pub license_types: Vec<LicenseChoice>,
}

/// Collapses runs of white space and bounds the length.
pub fn parse_text(field: &str, input: &str, what: &str, max: usize) -> AppResult<String> {
    crate::text::one_line(field, input, max, format!("Enter {what}."), format!("Keep it to {max} characters or fewer."))
}

/// Free text kept as typed (line breaks included), bounded.
pub fn parse_long_text(field: &str, input: &str, max: usize) -> AppResult<String> {
    let text = input.trim().replace("\r\n", "\n");
    if text.chars().count() > max {
        return Err(AppError::validation(field, format!("Keep it to {max} characters or fewer.")));
    }
    Ok(text)
}

/// Estimated minutes: a whole number from 1 to 100,000.
pub fn parse_minutes(field: &str, input: &str) -> AppResult<i32> {
    match input.trim().parse::<i32>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(AppError::validation(field, "Enter the estimated minutes, a whole number from 1 to 100000.")),
    }
}

/// "1 h 30 min", "45 min".
pub fn duration_label(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_are_bounded_whole_numbers() {
        assert_eq!(parse_minutes("m", " 45 ").unwrap(), 45);
        assert!(parse_minutes("m", "0").is_err());
        assert!(parse_minutes("m", "1.5").is_err());
        assert!(parse_minutes("m", "100001").is_err());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_label(45), "45 min");
        assert_eq!(duration_label(120), "2 h");
        assert_eq!(duration_label(90), "1 h 30 min");
    }
}
