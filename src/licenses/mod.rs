//! Licenses: the catalogue of license types, the packs a workgroup holds, and
//! the append-only license security log every count change goes through.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A pack lives this long after it is acquired.
pub const PACK_LIFETIME_DAYS: i64 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseType {
    pub code: String,
    pub name: String,
    /// Hidden (None) from Associates.
    pub unit_price_cents: Option<i64>,
    pub per_user: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    pub id: Uuid,
    pub license_type: String,
    pub type_name: String,
    /// "purchase" or "coupon".
    pub source: String,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub available: i32,
    pub reserved: i32,
    pub consumed: i32,
    pub expired: bool,
}

impl Pack {
    pub fn source_label(&self) -> &'static str {
        if self.source == "coupon" { "Coupon" } else { "Purchased" }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum LogAction {
    Acquired,
    Reserved,
    Consumed,
    Restored,
    MovedToCoupon,
    Refunded,
    Expired,
    RetryFree,
}

impl LogAction {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            LogAction::Acquired => "Acquired",
            LogAction::Reserved => "Reserved",
            LogAction::Consumed => "Consumed",
            LogAction::Restored => "Restored",
            LogAction::MovedToCoupon => "Moved to coupon",
            LogAction::Refunded => "Refunded",
            LogAction::Expired => "Expired",
            LogAction::RetryFree => "Retry (free)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub type_name: String,
    pub pack_id: Uuid,
    pub action: LogAction,
    pub available_delta: i32,
    pub reserved_delta: i32,
    pub consumed_delta: i32,
    pub agent_name: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicensesOverview {
    /// At most `store::PACKS_SHOWN`, the ones holding licenses first.
    pub packs: Vec<Pack>,
    /// How many packs the workgroup has in all.
    pub total_packs: i64,
    pub types: Vec<LicenseType>,
    /// Administrators and Managers see prices and the security log.
    pub manages: bool,
}
