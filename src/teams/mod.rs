//! Teams: named sets of a workgroup's agents that take work either from a
//! queue (members claim) or by load balancing (assigned at once).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum TeamMode {
    PullFromQueue,
    LoadBalance,
}

impl TeamMode {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            TeamMode::PullFromQueue => "Pull from queue",
            TeamMode::LoadBalance => "Load balance",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub agent_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub mode: TeamMode,
    pub members: Vec<TeamMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamsOverview {
    pub teams: Vec<Team>,
    /// Active members of the workgroup, to add to teams.
    pub agents: Vec<TeamMember>,
    pub can_edit: bool,
}

pub fn parse_team_name(field: &str, input: &str) -> AppResult<String> {
    crate::text::one_line(field, input, 80, "Enter a name for the team.", "Keep the name to 80 characters or fewer.")
}

pub fn parse_mode(field: &str, input: &str) -> AppResult<TeamMode> {
    input.trim().parse::<TeamMode>().ok().ok_or_else(|| AppError::validation(field, "Choose Pull from queue or Load balance."))
}
