//! Agents of a workgroup: members with their role and hourly rate, and the
//! invitations that bring new ones in.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use crate::workgroups::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Invitations expire after this many days.
pub const INVITATION_DAYS: i64 = 14;
/// Why an unverified agent cannot accept (the page offers Resend next to it).
pub const VERIFY_FIRST: &str = "Verify your email address first: use the link we mailed you, or send a new one.";
/// At most this many emails in one Invite Agents batch.
pub const MAX_INVITES: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub agent_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// `None` when unset (the workgroup default applies) or hidden from the viewer.
    pub hourly_rate_cents: Option<i64>,
    pub joined_at: DateTime<Utc>,
    /// The plan of the subscription seat the member holds here (hidden from
    /// Associates, except their own).
    pub plan: Option<crate::subscriptions::Plan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Accepted => "Accepted",
            InvitationStatus::Revoked => "Revoked",
            InvitationStatus::Expired => "Expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    /// When the link was last sent (Resend sends a new one).
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: InvitationStatus,
}

impl Invitation {
    /// Pending or expired: Resend makes it usable again.
    pub fn is_open(&self) -> bool {
        matches!(self.status, InvitationStatus::Pending | InvitationStatus::Expired)
    }
}

/// What the Agents page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsOverview {
    pub me: Uuid,
    pub my_role: Role,
    pub members: Vec<Member>,
    /// Only for Administrators and Managers; Managers never see invitations
    /// for the Administrator role. Links are never here: they are in the mail.
    pub invitations: Vec<Invitation>,
    pub default_cost_cents: i64,
}

/// The answer for one email of an Invite Agents batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub email: String,
    /// Ok when invited (the link is in their mail), or why this email was refused.
    pub result: Result<(), String>,
}

/// What someone following an invitation link sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub role: Role,
    pub workgroup_name: String,
    pub invited_by: String,
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    /// The email of the agent signed in now, if any.
    pub signed_in_as: Option<String>,
    /// Whether the signed-in agent has verified that address.
    pub signed_in_verified: bool,
    pub account_exists: bool,
}

/// Roles that can be given in an invitation or to a member.
pub fn parse_role(field: &str, input: &str) -> AppResult<Role> {
    input.trim().parse::<Role>().ok().ok_or_else(|| AppError::validation(field, "Choose a role."))
}

/// Whether `actor` may see, resend or revoke an invitation for `role`, or
/// change the name or rate of a member who has it.
pub fn may_manage(actor: Role, role: Role) -> bool {
    match actor {
        Role::Administrator => true,
        Role::Manager => role != Role::Administrator,
        _ => false,
    }
}

/// Whether `actor` may give `to` to someone whose role is now `from`.
/// Only Administrators touch the Administrator role; Associates change nothing.
pub fn may_change_role(actor: Role, from: Role, to: Role) -> bool {
    match actor {
        Role::Administrator => true,
        Role::Manager => from != Role::Administrator && to != Role::Administrator,
        _ => false,
    }
}

/// Splits "a@x.com, b@y.com" into trimmed, de-duplicated entries (case-insensitively).
pub fn split_emails(input: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    input
        .split([',', ';', '\n', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .filter(|e| seen.insert(e.to_lowercase()))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_never_touch_the_administrator_role() {
        use Role::*;
        assert!(may_change_role(Administrator, Associate, Administrator));
        assert!(may_change_role(Administrator, Administrator, Manager));
        assert!(may_change_role(Manager, Associate, Manager));
        assert!(may_change_role(Manager, Manager, Inactive));
        assert!(!may_change_role(Manager, Associate, Administrator));
        assert!(!may_change_role(Manager, Administrator, Associate));
        assert!(!may_change_role(Associate, Associate, Associate));
        assert!(may_manage(Administrator, Administrator));
        assert!(may_manage(Manager, Manager));
        assert!(!may_manage(Manager, Administrator));
        assert!(!may_manage(Associate, Associate));
    }

    #[test]
    fn emails_split_on_commas_and_deduplicate() {
        assert_eq!(
            split_emails(" a@x.com, B@y.com,,b@Y.com ;c@z.com"),
            vec!["a@x.com".to_string(), "B@y.com".into(), "c@z.com".into()]
        );
        assert!(split_emails(" , ").is_empty());
    }
}
