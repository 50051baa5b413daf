//! Orders after checkout: Billing History (filters, details, Excel export),
//! refunds, the operator's record of wire transfers, and the workgroup's
//! billing information.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod operator;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::cart::{Address, Totals};
use crate::error::{AppError, AppResult};
use crate::money::Cents;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A refund is offered more than this long after the purchase...
pub const REFUND_AFTER: Duration = Duration::hours(24);
/// ...and less than this long after it.
pub const REFUND_BEFORE: Duration = Duration::days(15);

/// The time rule of refunds; the other rules need the database.
pub fn refund_window(paid_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    let age = now - paid_at;
    if age <= REFUND_AFTER {
        Err("A refund can be asked for once 24 hours have passed since the purchase.".into())
    } else if age >= REFUND_BEFORE {
        Err("Refunds are possible only within 15 days of the purchase.".into())
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum OrderStatus {
    Open,
    Paid,
    Refunded,
}

impl OrderStatus {
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Open => "Open",
            OrderStatus::Paid => "Paid",
            OrderStatus::Refunded => "Refunded",
        }
    }
}

/// One row of Billing History.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: Uuid,
    pub number: i64,
    pub created_at: DateTime<Utc>,
    /// "3 × Mailbox Migration, 1 × Public Folder Migration".
    pub items: String,
    pub total: Cents,
    pub currency: String,
    /// "Visa •••• 4242" or "Wire transfer".
    pub payment: String,
    pub status: OrderStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub rows: Vec<OrderRow>,
    /// The sum of the Paid rows shown.
    pub paid_total: Cents,
}

/// The Date Filter of Billing History.
/// Submitted as "30d", "90d", "year", "all" or "custom"; anything else reads as All.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
pub enum DateRange {
    #[strum(serialize = "30d")]
    Last30,
    #[strum(serialize = "90d")]
    Last90,
    #[strum(serialize = "year")]
    ThisYear,
    #[default]
    #[strum(serialize = "all")]
    All,
    #[strum(serialize = "custom")]
    Custom,
}

/// A time range [from, until), either end open.
pub type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

impl DateRange {
    /// How it is submitted.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            DateRange::Last30 => "Last 30 days",
            DateRange::Last90 => "Last 90 days",
            DateRange::ThisYear => "This year",
            DateRange::All => "All",
            DateRange::Custom => "Custom range",
        }
    }

    /// [from, until) in UTC. Custom dates are YYYY-MM-DD, both inclusive, either may be empty.
    pub fn bounds(self, now: DateTime<Utc>, from: &str, to: &str) -> AppResult<Bounds> {
        let day = |field: &str, s: &str| crate::dates::parse_day(field, s).map(|d| d.map(crate::dates::start_of));
        Ok(match self {
            DateRange::Last30 => (Some(now - Duration::days(30)), None),
            DateRange::Last90 => (Some(now - Duration::days(90)), None),
            DateRange::ThisYear => (Utc.with_ymd_and_hms(now.year(), 1, 1, 0, 0, 0).single(), None),
            DateRange::All => (None, None),
            DateRange::Custom => {
                let from = day("from", from)?;
                let until = day("to", to)?.map(|d| d + Duration::days(1));
                if let (Some(f), Some(u)) = (from, until) {
                    if u <= f {
                        return Err(AppError::validation("to", "The end date must not be before the start date."));
                    }
                }
                (from, until)
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub name: String,
    pub quantity: i32,
    pub unit_price: Cents,
    pub total: Cents,
    pub seats: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetails {
    pub id: Uuid,
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub placed_by: Option<String>,
    pub status: OrderStatus,
    pub wire: bool,
    pub lines: Vec<OrderLine>,
    pub totals: Totals,
    pub currency: String,
    pub billing: Address,
    pub shipping: Address,
    pub quote_email: Option<String>,
    /// When and how it was paid.
    pub paid: Option<(DateTime<Utc>, String)>,
    pub refunded: Option<(DateTime<Utc>, Cents)>,
    /// Ok: the Refund button is shown. Err: why not (shown as a hint).
    pub refund_offer: Result<(), String>,
}

/// The Billing Information tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingInfo {
    pub address: Option<Address>,
    /// "Visa •••• 4242, expires 08/2029".
    pub card: Option<String>,
    /// "local" or "usd".
    pub currency_choice: String,
    /// The currency subscription charges use: the billing country's, or USD.
    pub currency: String,
}

/// The reference a wire transfer quotes.
pub fn wire_reference(number: i64) -> String {
    format!("TANDEM-{number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refunds_open_after_a_day_and_close_before_fifteen() {
        let paid = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
        let at = |d: Duration| refund_window(paid, paid + d);
        assert!(at(Duration::hours(23) + Duration::minutes(59)).is_err());
        assert!(at(Duration::hours(24)).is_err());
        assert!(at(Duration::hours(24) + Duration::minutes(1)).is_ok());
        assert!(at(Duration::days(14) + Duration::hours(23)).is_ok());
        assert!(at(Duration::days(15)).is_err());
        assert!(at(Duration::days(15) + Duration::minutes(1)).is_err());
    }

    #[test]
    fn date_ranges() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        assert_eq!("nonsense".parse::<DateRange>().unwrap_or_default(), DateRange::All);
        assert_eq!(DateRange::Last30.bounds(now, "", "").unwrap().0, Some(now - Duration::days(30)));
        assert_eq!(DateRange::ThisYear.bounds(now, "", "").unwrap().0, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single());
        let (f, u) = DateRange::Custom.bounds(now, "2026-11-01", "2026-11-01").unwrap();
        assert_eq!(u.unwrap() - f.unwrap(), Duration::days(1));
        assert!(DateRange::Custom.bounds(now, "2026-11-02", "2026-11-01").is_err());
        assert!(DateRange::Custom.bounds(now, "11/01/2026", "").unwrap_err().for_field("from").is_some());
    }
}
