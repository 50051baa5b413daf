//! Services: the assign form's choices, creating a service with its tasks,
//! the Delivery Center's list and one service's row.

use crate::delivery::{AssigneeChoices, Choice, CustomerUserChoice, GroupChoice, ServiceRow, ServiceStatus, TeamChoice, PAGE_SIZE};
use crate::error::AppResult;
use crate::server::db::Tx;
use crate::subscriptions::Plan;
use crate::teams::store as teams;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

// ---- choices -------------------------------------------------------------

pub async fn assignee_choices(tx: &mut Tx, workgroup_id: Uuid) -> AppResult<AssigneeChoices> {
    let agents = teams::active_agents(tx, workgroup_id).await?.into_iter().map(|m| Choice { id: m.agent_id, name: m.name }).collect();
    let teams = teams::list_bare(tx, workgroup_id).await?.into_iter().map(|t| TeamChoice { id: t.id, name: t.name, mode: t.mode }).collect();
    let teams_allowed = crate::subscriptions::store::has_plan_seat(tx, workgroup_id, Plan::GetAutomated).await?;
    Ok(AssigneeChoices { agents, teams, teams_allowed })
}

/// The customers a service may be for (the first thousand by name).
pub async fn customers(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    Ok(crate::customers::store::choices(tx, workgroup_id).await?.into_iter().map(|c| Choice { id: c.id, name: c.name }).collect())
}

pub async fn customer_users(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Vec<CustomerUserChoice>, sqlx::Error> {
    sqlx::query_as!(
        CustomerUserChoice,
        "SELECT id, name, email FROM customer_users WHERE workgroup_id = $1 AND customer_id = $2
          ORDER BY lower(name), id LIMIT 5000",
        workgroup_id,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn customer_groups(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Vec<GroupChoice>, sqlx::Error> {
    sqlx::query_as!(
        GroupChoice,
        r#"SELECT g.id, g.name, (SELECT count(*) FROM user_group_members m WHERE m.group_id = g.id) AS "members!"
             FROM user_groups g WHERE g.workgroup_id = $1 AND g.customer_id = $2 ORDER BY lower(g.name)"#,
        workgroup_id,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await
}

// ---- creating services -----------------------------------------------------

pub struct NewService<'a> {
    pub customer_id: Uuid,
    pub runbook_id: Uuid,
    pub name: &'a str,
    pub due_on: NaiveDate,
    pub agent_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub created_by: Uuid,
}

/// One task to create: a step of the runbook, for one user where it needs a per-user license.
pub struct NewTask {
    pub position: i32,
    pub name: String,
    pub instructions: String,
    pub estimated_minutes: i32,
    pub license_type: Option<String>,
    pub customer_user_id: Option<Uuid>,
}

/// Inserts the service and its tasks, all assigned to the service's agent,
/// or to its team's queue (no agent); load-balanced teams are handed out by
/// the caller afterwards. Answers the service id and the task ids in order.
pub async fn insert_service(tx: &mut Tx, workgroup_id: Uuid, service: &NewService<'_>, tasks: &[NewTask]) -> Result<(Uuid, Vec<Uuid>), sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO services (id, workgroup_id, customer_id, runbook_id, name, due_on, agent_id, team_id, created_by, tasks_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        workgroup_id,
        service.customer_id,
        service.runbook_id,
        service.name,
        service.due_on,
        service.agent_id,
        service.team_id,
        service.created_by,
        tasks.len() as i32
    )
    .execute(&mut **tx)
    .await?;
    let ids: Vec<Uuid> = tasks.iter().map(|_| Uuid::new_v4()).collect();
    let positions: Vec<i32> = tasks.iter().map(|t| t.position).collect();
    let names: Vec<String> = tasks.iter().map(|t| t.name.clone()).collect();
    let instructions: Vec<String> = tasks.iter().map(|t| t.instructions.clone()).collect();
    let minutes: Vec<i32> = tasks.iter().map(|t| t.estimated_minutes).collect();
    let license_types: Vec<Option<String>> = tasks.iter().map(|t| t.license_type.clone()).collect();
    let users: Vec<Option<Uuid>> = tasks.iter().map(|t| t.customer_user_id).collect();
    sqlx::query!(
        r#"INSERT INTO tasks (id, workgroup_id, service_id, position, name, instructions, estimated_minutes, license_type,
                              customer_id, customer_user_id, team_id, agent_id, due_on, assigned_at)
           SELECT t.id, $2, $3, t.position, t.name, t.instructions, t.minutes, t.license_type,
                  $4, t.user_id, $5, $6, $7, CASE WHEN $6::uuid IS NULL THEN NULL ELSE now() END
             FROM UNNEST($1::uuid[], $8::int4[], $9::text[], $10::text[], $11::int4[], $12::text[], $13::uuid[])
                  AS t(id, position, name, instructions, minutes, license_type, user_id)"#,
        &ids,
        workgroup_id,
        id,
        service.customer_id,
        service.team_id,
        service.agent_id,
        service.due_on,
        &positions,
        &names,
        &instructions,
        &minutes,
        &license_types as &[Option<String>],
        &users as &[Option<Uuid>]
    )
    .execute(&mut **tx)
    .await?;
    Ok((id, ids))
}

// ---- reading ----------------------------------------------------------------

pub struct ServiceFilter {
    pub customer_id: Option<Uuid>,
    pub status: Option<ServiceStatus>,
    /// "due" (default), "name", "customer", "progress".
    pub sort: String,
    pub page: i64,
}

struct ServiceRecord {
    id: Uuid,
    name: String,
    customer_id: Uuid,
    customer_name: String,
    runbook_name: String,
    due_on: NaiveDate,
    agent_name: Option<String>,
    team_name: Option<String>,
    tasks_total: i32,
    tasks_completed: i32,
    tasks_failed: i32,
    cost: i64,
}

fn service_row(r: ServiceRecord, today: NaiveDate, shows_cost: bool) -> ServiceRow {
    let status = ServiceStatus::of(r.tasks_total, r.tasks_completed, r.tasks_failed);
    ServiceRow {
        id: r.id,
        name: r.name,
        customer_id: r.customer_id,
        customer_name: r.customer_name,
        runbook_name: r.runbook_name,
        due_on: r.due_on,
        overdue: r.due_on < today && status != ServiceStatus::Completed,
        assignee: match (r.agent_name, r.team_name) {
            (Some(a), _) => a,
            (None, Some(t)) => t,
            (None, None) => "Unassigned".into(),
        },
        tasks_total: r.tasks_total,
        tasks_completed: r.tasks_completed,
        status,
        estimated_cost_cents: shows_cost.then_some(r.cost),
    }
}

/// Every service query selects the same columns; `$1` is always the workgroup.
macro_rules! service_query {
    ($where_order:literal, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            ServiceRecord,
            r#"SELECT s.id, s.name, s.customer_id, c.name AS customer_name, r.name AS runbook_name, s.due_on,
                  a.display_name AS "agent_name?", tm.name AS "team_name?",
                  s.tasks_total, s.tasks_completed, s.tasks_failed,
                  (SELECT coalesce(sum(coalesce(t.estimated_cost_cents,
                                                (t.estimated_minutes * coalesce(tr.hourly_rate_cents, w.default_cost_cents) + 30) / 60)), 0)
                     FROM tasks t
                     LEFT JOIN memberships tr ON tr.workgroup_id = t.workgroup_id AND tr.agent_id = t.agent_id
                    WHERE t.workgroup_id = s.workgroup_id AND t.service_id = s.id)::bigint AS "cost!"
             FROM services s
             JOIN workgroups w ON w.id = s.workgroup_id
             JOIN customers c ON c.workgroup_id = s.workgroup_id AND c.id = s.customer_id
             JOIN runbooks r ON r.id = s.runbook_id
             LEFT JOIN memberships a ON a.workgroup_id = s.workgroup_id AND a.agent_id = s.agent_id
             LEFT JOIN teams tm ON tm.workgroup_id = s.workgroup_id AND tm.id = s.team_id
            WHERE s.workgroup_id = $1 AND "# + $where_order,
            $($arg),*
        )
    };
}

/// A page of the Delivery Center and the number of services matching.
pub async fn services(tx: &mut Tx, workgroup_id: Uuid, filter: &ServiceFilter, shows_cost: bool) -> Result<(Vec<ServiceRow>, i64), sqlx::Error> {
    let status = filter.status.map(|s| s.as_str());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM services s
            WHERE s.workgroup_id = $1 AND ($2::uuid IS NULL OR s.customer_id = $2)
              AND ($3::text IS NULL
                   OR ($3 = 'completed' AND s.tasks_completed = s.tasks_total)
                   OR ($3 = 'blocked' AND s.tasks_completed < s.tasks_total AND s.tasks_failed > 0)
                   OR ($3 = 'in_progress' AND s.tasks_completed < s.tasks_total AND s.tasks_failed = 0))"#,
        workgroup_id,
        filter.customer_id,
        status
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = service_query!(
        r#"($2::uuid IS NULL OR s.customer_id = $2)
              AND ($3::text IS NULL
                   OR ($3 = 'completed' AND s.tasks_completed = s.tasks_total)
                   OR ($3 = 'blocked' AND s.tasks_completed < s.tasks_total AND s.tasks_failed > 0)
                   OR ($3 = 'in_progress' AND s.tasks_completed < s.tasks_total AND s.tasks_failed = 0))
            ORDER BY CASE WHEN $4 = 'name' THEN lower(s.name) END,
                     CASE WHEN $4 = 'customer' THEN lower(c.name) END,
                     CASE WHEN $4 = 'progress' THEN s.tasks_completed::float8 / s.tasks_total END,
                     s.due_on, s.id
            LIMIT $5 OFFSET $6"#,
        workgroup_id,
        filter.customer_id,
        status,
        filter.sort,
        PAGE_SIZE,
        (filter.page - 1) * PAGE_SIZE
    )
    .fetch_all(&mut **tx)
    .await?;
    let today = Utc::now().date_naive();
    Ok((rows.into_iter().map(|r| service_row(r, today, shows_cost)).collect(), total))
}

pub async fn service(tx: &mut Tx, workgroup_id: Uuid, id: Uuid, shows_cost: bool) -> Result<Option<ServiceRow>, sqlx::Error> {
    let row = service_query!(
        r#"s.id = $2"#,
        workgroup_id,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    let today = Utc::now().date_naive();
    Ok(row.map(|r| service_row(r, today, shows_cost)))
}

