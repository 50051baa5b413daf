//! Workgroups: the security boundary and billing container, the memberships
//! that let agents into them, and the selector that switches between them.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::AppResult;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An agent can switch between at most this many workgroups.
pub const MAX_ACTIVE_WORKGROUPS: i64 = 10;
/// The `memberships` trigger's refusal (SQLSTATE TD001), word for word.
pub const MEMBERSHIP_LIMIT_MESSAGE: &str =
    "An agent can switch between at most 10 workgroups. Leave one (or ask its administrator to set you Inactive) first.";
/// Free training subscriptions every new workgroup starts with.
pub const TRAINING_SEATS: i32 = 3;

/// A role within one workgroup, ordered from least to most powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum Role {
    Inactive,
    Associate,
    Manager,
    Administrator,
}

impl Role {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Inactive => "Inactive",
            Role::Associate => "Associate",
            Role::Manager => "Manager",
            Role::Administrator => "Administrator",
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn at_least(self, needed: Role) -> bool {
        self != Role::Inactive && self >= needed
    }
}

/// One of the agent's workgroups, as the selector lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkgroupSummary {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// The current workgroup's settings, as the Workgroups tab shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkgroupSettings {
    pub id: Uuid,
    pub name: String,
    pub default_cost_cents: i64,
    pub currency: String,
    pub role: Role,
    pub members: i64,
    pub training_seats: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A workgroup name: trimmed, 1 to 80 characters.
pub fn parse_name(field: &str, input: &str) -> AppResult<String> {
    crate::text::one_line(field, input, 80, "Enter a name for the workgroup.", "Keep the name to 80 characters or fewer.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_rank_and_inactive_may_do_nothing() {
        assert!(Role::Administrator.at_least(Role::Manager));
        assert!(Role::Manager.at_least(Role::Manager));
        assert!(!Role::Associate.at_least(Role::Manager));
        assert!(!Role::Inactive.at_least(Role::Inactive));
        assert_eq!("manager".parse().ok(), Some(Role::Manager));
        assert_eq!("owner".parse::<Role>().ok(), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("name", "  East   Coast ").unwrap(), "East Coast");
        assert!(parse_name("name", "   ").is_err());
        assert!(parse_name("name", &"x".repeat(81)).is_err());
    }
}
