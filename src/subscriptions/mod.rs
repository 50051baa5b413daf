//! Subscriptions: plan seats (Get Organized, Get Automated) held by a
//! workgroup. Seats are handed to agents as they join, in joining order, and
//! taken back when they go Inactive; renewal is switched per agent.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::workgroups::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Seats bought through the cart last this long.
pub const SEAT_LIFETIME_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum Plan {
    GetOrganized,
    GetAutomated,
}

impl Plan {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Plan::GetOrganized => "Get Organized",
            Plan::GetAutomated => "Get Automated",
        }
    }
}

/// One acquisition of seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatPack {
    pub id: Uuid,
    pub plan: Plan,
    pub seats: i32,
    /// "training", "purchase" or "coupon".
    pub source: String,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Refunded or past its expiry: its seats no longer count.
    pub ended: bool,
}

impl SeatPack {
    pub fn source_label(&self) -> &'static str {
        match self.source.as_str() {
            "training" => "Free (training)",
            "coupon" => "Coupon",
            _ => "Purchased",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanUsage {
    pub plan: Plan,
    pub seats: i64,
    pub used: i64,
}

/// An active agent of the workgroup and the seat they hold, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatHolder {
    pub agent_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub plan: Option<Plan>,
    pub renew: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionsOverview {
    /// Administrators and Managers see every seat and change renewals;
    /// Associates see their own seat only.
    pub manages: bool,
    pub me: Uuid,
    pub usage: Vec<PlanUsage>,
    /// At most `store::PACKS_SHOWN`, the running ones first.
    pub packs: Vec<SeatPack>,
    /// How many seat packs the workgroup has in all.
    pub total_packs: i64,
    pub holders: Vec<SeatHolder>,
    /// Yearly price per seat, in cents (USD), for the "buy seats" links.
    pub prices: Vec<(Plan, i64)>,
}
