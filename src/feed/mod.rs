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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub const ALL: [EventKind; 13] = [
        EventKind::ServiceCreated,
        EventKind::ServiceCompleted,
        EventKind::TaskAssigned,
        EventKind::TaskClaimed,
        EventKind::TaskCompleted,
        EventKind::TaskFailed,
        EventKind::LicensesBought,
        EventKind::CouponGenerated,
        EventKind::CouponRedeemed,
        EventKind::Refund,
        EventKind::AgentInvited,
        EventKind::AgentJoined,
        EventKind::RoleChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ServiceCreated => "service_created",
            EventKind::ServiceCompleted => "service_completed",
            EventKind::TaskAssigned => "task_assigned",
            EventKind::TaskClaimed => "task_claimed",
            EventKind::TaskCompleted => "task_completed",
            EventKind::TaskFailed => "task_failed",
            EventKind::LicensesBought => "licenses_bought",
            EventKind::CouponGenerated => "coupon_generated",
            EventKind::CouponRedeemed => "coupon_redeemed",
            EventKind::Refund => "refund",
            EventKind::AgentInvited => "agent_invited",
            EventKind::AgentJoined => "agent_joined",
            EventKind::RoleChanged => "role_changed",
        }
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

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    TaskAssigned,
    QueueTask,
    Invitation,
    LicenseExpiring,
}

impl NotificationKind {
    pub fn parse(s: &str) -> Option<NotificationKind> {
        match s {
            "task_assigned" => Some(NotificationKind::TaskAssigned),
            "queue_task" => Some(NotificationKind::QueueTask),
            "invitation" => Some(NotificationKind::Invitation),
            "license_expiring" => Some(NotificationKind::LicenseExpiring),
            _ => None,
        }
    }

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

    #[test]
    fn kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("nope"), None);
        assert_eq!(parse_before("12"), Some(12));
        assert_eq!(parse_before("-1"), None);
    }
}
