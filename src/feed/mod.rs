//! The feed (what happened in the current workgroup) and notifications (what
//! concerns the signed-in agent: the bell in the top bar).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Feed entries per page.
pub const FEED_PAGE: i64 = 50;
/// Notifications listed at most.
pub const NOTIFICATIONS_SHOWN: i64 = 100;
/// A pack is "running out" this many days before it expires.
pub const EXPIRY_NOTICE_DAYS: i32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum EventKind {
    ServiceCreated,
    ServiceCompleted,
    TaskAssigned,
    TaskClaimed,
    TaskCompleted,
    TaskFailed,
    LicensesBought,
    CouponGenerated,
    CouponRedeemed,
    Refund,
    AgentInvited,
    AgentJoined,
    RoleChanged,
}

impl EventKind {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::ServiceCreated => "Service created",
            EventKind::ServiceCompleted => "Service completed",
            EventKind::TaskAssigned => "Task assigned",
            EventKind::TaskClaimed => "Task claimed",
            EventKind::TaskCompleted => "Task completed",
            EventKind::TaskFailed => "Task failed",
            EventKind::LicensesBought => "Licenses bought",
            EventKind::CouponGenerated => "Coupon generated",
            EventKind::CouponRedeemed => "Coupon redeemed",
            EventKind::Refund => "Refund",
            EventKind::AgentInvited => "Agent invited",
            EventKind::AgentJoined => "Agent joined",
            EventKind::RoleChanged => "Role changed",
        }
    }
}

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub summary: String,
    pub link: Option<String>,
}

pub use crate::customers::CustomerChoice;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    /// The `before` value of the next (older) page, when there is one.
    pub older: Option<i64>,
    pub customers: Vec<CustomerChoice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum NotificationKind {
    TaskAssigned,
    QueueTask,
    Invitation,
    LicenseExpiring,
}

impl NotificationKind {
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::TaskAssigned => "Assigned to you",
            NotificationKind::QueueTask => "Your team's queue",
            NotificationKind::Invitation => "Invitation",
            NotificationKind::LicenseExpiring => "Licenses running out",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub summary: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// A feed page's `before` value from the query string.
pub fn parse_before(input: &str) -> Option<i64> {
    input.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn kinds_round_trip() {
        for &k in EventKind::VARIANTS {
            assert_eq!(k.as_str().parse().ok(), Some(k));
        }
        assert_eq!("nope".parse::<EventKind>().ok(), None);
        assert_eq!(parse_before("12"), Some(12));
        assert_eq!(parse_before("-1"), None);
    }
}
