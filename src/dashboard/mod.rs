//! The Dashboard: the current workgroup at a glance, every figure an
//! aggregate computed by the database.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Weeks shown in "Tasks completed per week".
pub const WEEKS: i64 = 12;
/// Licenses running out within this many days are called out.
pub const EXPIRING_DAYS: i32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ServiceCounts {
    pub in_progress: i64,
    pub blocked: i64,
    pub completed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    /// The Monday the week starts on (UTC).
    pub week: NaiveDate,
    pub completed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseStock {
    pub type_name: String,
    pub available: i64,
    /// Of those available, how many expire within EXPIRING_DAYS.
    pub expiring: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Seats {
    /// Seats of unexpired subscriptions.
    pub total: i64,
    /// Active members.
    pub used: i64,
}

impl Seats {
    pub fn free(self) -> i64 {
        (self.total - self.used).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub services: ServiceCounts,
    pub open_tasks: i64,
    pub overdue_tasks: i64,
    pub weeks: Vec<WeekCount>,
    pub licenses: Vec<LicenseStock>,
    pub seats: Seats,
    /// Administrators and Managers only, and only once there are orders to add up.
    pub spend_this_month: Option<Money>,
}

/// The Mondays of the last `n` weeks up to the one holding `today`, oldest
/// first, with the counts found (missing weeks count 0).
pub fn fill_weeks(today: NaiveDate, n: i64, found: &[(NaiveDate, i64)]) -> Vec<WeekCount> {
    use chrono::Datelike;
    let this_monday = today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (0..n)
        .rev()
        .map(|back| {
            let week = this_monday - chrono::Duration::weeks(back);
            let completed = found.iter().find(|(w, _)| *w == week).map(|(_, c)| *c).unwrap_or(0);
            WeekCount { week, completed }
        })
        .collect()
}

/// "Nov 3" for a week's Monday.
pub fn week_label(d: NaiveDate) -> String {
    let full = crate::delivery::date_label(d);
    full.split(',').next().unwrap_or(&full).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_missing_ones_count_zero() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(); // a Thursday
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let weeks = fill_weeks(today, 3, &[(monday, 4)]);
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[2], WeekCount { week: monday, completed: 4 });
        assert_eq!(weeks[0].week, NaiveDate::from_ymd_opt(2026, 11, 9).unwrap());
        assert_eq!(weeks[0].completed, 0);
        assert_eq!(week_label(monday), "Nov 23");
        assert_eq!(Seats { total: 3, used: 5 }.free(), 0);
    }
}
