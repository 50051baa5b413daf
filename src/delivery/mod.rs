//! Delivery: services made from runbooks, their tasks, the Delivery Center,
//! My Tasks with team queues and claims, load balancing, licensed tasks.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use crate::teams::TeamMode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Services and tasks per page of a list.
pub const PAGE_SIZE: i64 = 50;

/// Queued tasks shown per team queue on My Tasks (the first to claim; the
/// count says how many wait in all).
pub const QUEUE_PREVIEW: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum TaskStatus {
    Open,
    InProgress,
    Completed,
    Failed,
    Stopped,
}

impl TaskStatus {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Open => "Open",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Completed => "Completed",
            TaskStatus::Failed => "Failed",
            TaskStatus::Stopped => "Stopped",
        }
    }

    /// Whether Start is possible from here.
    pub fn can_start(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::Failed | TaskStatus::Stopped)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum ServiceStatus {
    InProgress,
    Completed,
    Blocked,
}

impl ServiceStatus {
    /// How it is stored and submitted ("snake_case").
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            ServiceStatus::InProgress => "In progress",
            ServiceStatus::Completed => "Completed",
            ServiceStatus::Blocked => "Blocked",
        }
    }

    /// Completed when every task is; blocked while a task has failed.
    pub fn of(total: i32, completed: i32, failed: i32) -> ServiceStatus {
        if completed >= total {
            ServiceStatus::Completed
        } else if failed > 0 {
            ServiceStatus::Blocked
        } else {
            ServiceStatus::InProgress
        }
    }
}

/// Who a service or task is given to: an agent, a team (its queue or its
/// members by load balancing), or no one yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignee {
    Nobody,
    Agent(Uuid),
    Team(Uuid),
}

impl Assignee {
    /// Reads a form value: "agent:<id>", "team:<id>" or "" for no one.
    pub fn parse(field: &str, input: &str) -> AppResult<Assignee> {
        let bad = || AppError::validation(field, "Choose an agent, a team, or no one.");
        match input.trim().split_once(':') {
            None if input.trim().is_empty() => Ok(Assignee::Nobody),
            Some(("agent", id)) => id.parse().map(Assignee::Agent).map_err(|_| bad()),
            Some(("team", id)) => id.parse().map(Assignee::Team).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    pub fn value(self) -> String {
        match self {
            Assignee::Nobody => String::new(),
            Assignee::Agent(id) => format!("agent:{id}"),
            Assignee::Team(id) => format!("team:{id}"),
        }
    }
}

/// An agent or team one may assign work to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChoice {
    pub id: Uuid,
    pub name: String,
    pub mode: TeamMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AssigneeChoices {
    pub agents: Vec<Choice>,
    pub teams: Vec<TeamChoice>,
    /// Team assignment needs a Get Automated seat in the workgroup.
    pub teams_allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub id: Uuid,
    pub name: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub runbook_name: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub assignee: String,
    pub tasks_total: i32,
    pub tasks_completed: i32,
    pub status: ServiceStatus,
    /// Hidden (None) from Associates.
    pub estimated_cost_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceList {
    pub rows: Vec<ServiceRow>,
    pub total: i64,
    pub page: i64,
    pub customers: Vec<Choice>,
    pub shows_cost: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: Uuid,
    pub service_id: Uuid,
    pub service_name: String,
    pub customer_name: String,
    pub name: String,
    pub instructions: String,
    pub estimated_minutes: i32,
    pub license_type: Option<String>,
    pub license_name: Option<String>,
    pub user_name: Option<String>,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub agent_id: Option<Uuid>,
    pub agent_name: Option<String>,
    pub status: TaskStatus,
    pub with_errors: bool,
    pub retrying: bool,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub worked_seconds: i64,
    /// Hidden (None) from Associates.
    pub estimated_cost_cents: Option<i64>,
}

impl TaskRow {
    pub fn assignee_label(&self) -> String {
        match (&self.agent_name, &self.team_name) {
            (Some(agent), Some(team)) => format!("{agent} ({team})"),
            (Some(agent), None) => agent.clone(),
            (None, Some(team)) => format!("{team} queue"),
            (None, None) => "Unassigned".into(),
        }
    }

    pub fn status_label(&self) -> String {
        match (self.status, self.with_errors, self.retrying) {
            (TaskStatus::InProgress, _, true) => "Retrying errors".into(),
            (TaskStatus::Completed, true, _) => "Completed with errors".into(),
            (status, ..) => status.label().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub service: ServiceRow,
    /// One page of the tasks (the service row has the total).
    pub tasks: Vec<TaskRow>,
    pub page: i64,
    pub choices: AssigneeChoices,
    pub me: Uuid,
    pub manages: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub team_id: Uuid,
    pub team_name: String,
    pub tasks: Vec<TaskRow>,
    pub waiting: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyWork {
    pub mine: Vec<TaskRow>,
    pub mine_total: i64,
    pub page: i64,
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerUserChoice {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: Uuid,
    pub name: String,
    pub members: i64,
}

/// What the "assign a runbook" form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignChoices {
    pub runbooks: Vec<Choice>,
    pub runbook: Option<crate::runbooks::Runbook>,
    /// Whether some step needs a per-user license (one task per chosen user).
    pub per_user: bool,
    pub customers: Vec<Choice>,
    pub customer_id: Option<Uuid>,
    pub users: Vec<CustomerUserChoice>,
    pub groups: Vec<GroupChoice>,
    pub choices: AssigneeChoices,
    pub default_due: NaiveDate,
}

/// What a claim came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimOutcome {
    Claimed,
    /// Someone else was first: their name.
    TakenBy(String),
}

/// A due date from a form: YYYY-MM-DD, not before today.
pub fn parse_due(field: &str, input: &str, today: NaiveDate) -> AppResult<NaiveDate> {
    let date = crate::dates::parse_day(field, input)?
        .ok_or_else(|| AppError::validation(field, "Enter a due date such as 2026-12-31."))?;
    if date < today {
        return Err(AppError::validation(field, "The due date cannot be in the past."));
    }
    if date > today + chrono::Duration::days(3650) {
        return Err(AppError::validation(field, "Choose a due date within ten years."));
    }
    Ok(date)
}

/// A task's cost at an hourly rate, rounded to the cent.
pub fn cost_cents(minutes: i64, rate_cents: i64) -> i64 {
    (minutes * rate_cents + 30) / 60
}

/// "Dec 5, 2026" for a date.
pub fn date_label(d: NaiveDate) -> String {
    crate::ui::day(d.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc())
}

/// A page number from a query string: 1 and up.
pub fn parse_page(input: &str) -> i64 {
    input.trim().parse::<i64>().ok().filter(|p| (1..=100_000).contains(p)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignees_read_from_forms() {
        let id = Uuid::new_v4();
        assert_eq!(Assignee::parse("a", "").unwrap(), Assignee::Nobody);
        assert_eq!(Assignee::parse("a", &format!("agent:{id}")).unwrap(), Assignee::Agent(id));
        assert_eq!(Assignee::parse("a", &format!("team:{id}")).unwrap(), Assignee::Team(id));
        assert!(Assignee::parse("a", "team:nope").is_err());
        assert!(Assignee::parse("a", "customer:1").is_err());
        assert_eq!(Assignee::parse("a", &Assignee::Team(id).value()).unwrap(), Assignee::Team(id));
    }

    #[test]
    fn service_status_follows_its_tasks() {
        assert_eq!(ServiceStatus::of(3, 3, 0), ServiceStatus::Completed);
        assert_eq!(ServiceStatus::of(3, 1, 1), ServiceStatus::Blocked);
        assert_eq!(ServiceStatus::of(3, 1, 0), ServiceStatus::InProgress);
    }

    #[test]
    fn costs_round_to_the_cent() {
        assert_eq!(cost_cents(90, 6000), 9000);
        assert_eq!(cost_cents(1, 100), 2);
        assert_eq!(cost_cents(0, 9500), 0);
    }

    #[test]
    fn due_dates_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(parse_due("d", "2026-11-24", today).is_err());
        assert_eq!(parse_due("d", "2026-11-25", today).unwrap(), today);
        assert!(parse_due("d", "25/11/2026", today).is_err());
    }
}
