//! Reports: efficiency and profitability over a date range, per customer,
//! service or agent. Money is for Administrators and Managers.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows per report at most (the totals always cover everything).
pub const MAX_ROWS: i64 = 500;
/// Rows drawn in a report's chart.
pub const CHART_ROWS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportBy {
    #[default]
    Customer,
    Service,
    Agent,
}

impl ReportBy {
    /// How it is submitted ("customer"); anything unknown reads as the default, per customer.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportBy::Customer => "Customer",
            ReportBy::Service => "Service",
            ReportBy::Agent => "Agent",
        }
    }

}

/// One row of a report (or its totals): completed tasks in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReportRow {
    pub key: Option<Uuid>,
    pub name: String,
    /// The customer of a service.
    pub detail: Option<String>,
    pub tasks: i64,
    pub estimated_minutes: i64,
    pub worked_seconds: i64,
    /// None for Associates.
    pub estimated_cost_cents: Option<i64>,
    pub actual_cost_cents: Option<i64>,
    pub licenses: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub by: ReportBy,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub totals: ReportRow,
    pub shows_money: bool,
    /// More rows matched than MAX_ROWS.
    pub truncated: bool,
}

/// The date range of a report, both days included. Empty: the last 30 days
/// up to today.
pub fn parse_range(from: &str, to: &str, today: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    let day = |field: &str, s: &str, default: NaiveDate| crate::dates::parse_day(field, s).map(|d| d.unwrap_or(default));
    let to = day("to", to, today)?;
    let from = day("from", from, to - chrono::Duration::days(29))?;
    if from > to {
        return Err(AppError::validation("from", "The start date must be on or before the end date."));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::validation("from", "Choose a range of at most ten years."));
    }
    Ok((from, to))
}

/// Hours with one decimal from seconds or minutes, rounded, in integers: "3.5".
pub fn hours(seconds: i64) -> String {
    let tenths = (seconds * 10 + 1800) / 3600;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_default_to_the_last_30_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let (from, to) = parse_range("", "", today).unwrap();
        assert_eq!((from, to), (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), today));
        assert!(parse_range("2026-12-01", "2026-11-01", today).is_err());
        assert!(parse_range("yesterday", "", today).unwrap_err().for_field("from").is_some());
    }

    #[test]
    fn hours_round_to_a_tenth() {
        assert_eq!(hours(5400), "1.5");
        assert_eq!(hours(0), "0.0");
        assert_eq!(hours(3599), "1.0");
        assert_eq!(hours(179), "0.0");
        assert_eq!(hours(180), "0.1");
    }
}
