//! Days typed into forms and filters: YYYY-MM-DD, between 2000 and 2099.
//!
//! Every date a request carries is read here, so none can reach arithmetic
//! or the database outside a sane range (a year 0 or 275760 would overflow
//! or be refused by PostgreSQL as a fault, not as bad input).

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;

/// The first and last day Tandem accepts.
pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or_default()
}

/// A day from a form field, `None` when left empty. A refusal names `field`.
pub fn parse_day(field: &str, input: &str) -> AppResult<Option<NaiveDate>> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .ok()
        .filter(|_| input.len() == 10)
        .ok_or_else(|| AppError::validation(field, "Enter a date such as 2026-11-25."))?;
    if day < first_day() || day > last_day() {
        return Err(AppError::validation(field, "Choose a date between 2000-01-01 and 2099-12-31."));
    }
    Ok(Some(day))
}

/// Midnight UTC at the start of `day`.
pub fn start_of(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_outside_the_range_or_shape_are_refused_with_a_field_message() {
        assert_eq!(parse_day("from", " 2026-11-25 ").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(parse_day("from", "").unwrap(), None);
        for bad in ["1999-12-31", "2100-01-01", "+275760-01-01", "0000-01-01", "-0001-01-01", "2026-02-30", "2026-1-5", "26-11-25", "2026-11-25T00:00", "x"] {
            let e = parse_day("from", bad).unwrap_err();
            assert!(e.for_field("from").is_some(), "{bad}: {e:?}");
        }
    }
}
