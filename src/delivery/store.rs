//! Services and tasks SQL: creation from runbooks, the Delivery Center, My
//! Tasks, claims, load balancing, the task life cycle with its licenses.

use super::{
    AssigneeChoices, Choice, CustomerUserChoice, GroupChoice, Queue, ServiceRow, ServiceStatus, TaskRow, TaskStatus,
    TeamChoice, PAGE_SIZE, QUEUE_PREVIEW,
};
use crate::error::AppResult;
use crate::licenses::store as licenses;
use crate::subscriptions::Plan;
use crate::server::db::Tx;
use crate::teams::TeamMode;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

// ---- choices -------------------------------------------------------------

pub async fn assignee_choices(tx: &mut Tx, workgroup_id: Uuid) -> AppResult<AssigneeChoices> {
    let agents = sqlx::query_as!(
        Choice,
        "SELECT agent_id AS id, display_name AS name FROM memberships
          WHERE workgroup_id = $1 AND role <> 'inactive' ORDER BY lower(display_name), agent_id",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let teams = sqlx::query!("SELECT id, name, mode FROM teams WHERE workgroup_id = $1 ORDER BY lower(name)", workgroup_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .filter_map(|t| Some(TeamChoice { id: t.id, name: t.name, mode: TeamMode::parse(&t.mode)? }))
        .collect();
    let teams_allowed = crate::subscriptions::store::has_plan_seat(tx, workgroup_id, Plan::GetAutomated).await?;
    Ok(AssigneeChoices { agents, teams, teams_allowed })
}

pub async fn customers(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(Choice, "SELECT id, name FROM customers WHERE workgroup_id = $1 ORDER BY lower(name) LIMIT 1000", workgroup_id)
        .fetch_all(&mut **tx)
        .await
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

pub async fn customer_exists(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1 AND workgroup_id = $2) AS "e!""#,
        customer_id,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await
}

/// Of the given ids, those that are users of this customer (in this workgroup).
pub async fn users_of(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, ids: &[Uuid]) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM customer_users WHERE workgroup_id = $1 AND customer_id = $2 AND id = ANY($3)
          ORDER BY lower(name), id",
        workgroup_id,
        customer_id,
        ids
    )
    .fetch_all(&mut **tx)
    .await
}

/// The users of one of this customer's groups; None when there is no such group.
pub async fn group_users(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid) -> Result<Option<Vec<Uuid>>, sqlx::Error> {
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM user_groups WHERE id = $1 AND workgroup_id = $2 AND customer_id = $3) AS "e!""#,
        group_id,
        workgroup_id,
        customer_id
    )
    .fetch_one(&mut **tx)
    .await?;
    if !exists {
        return Ok(None);
    }
    let ids = sqlx::query_scalar!(
        "SELECT u.id FROM user_group_members m JOIN customer_users u ON u.id = m.user_id
          WHERE m.group_id = $1 AND m.workgroup_id = $2 ORDER BY lower(u.name), u.id",
        group_id,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(ids))
}

pub async fn is_active_member(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM memberships WHERE workgroup_id = $1 AND agent_id = $2 AND role <> 'inactive') AS "e!""#,
        workgroup_id,
        agent_id
    )
    .fetch_one(&mut **tx)
    .await
}

/// Locks a team (serializing load-balanced picks) and answers its mode.
pub async fn lock_team(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid) -> Result<Option<TeamMode>, sqlx::Error> {
    let mode = sqlx::query_scalar!("SELECT mode FROM teams WHERE id = $1 AND workgroup_id = $2 FOR UPDATE", team_id, workgroup_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(mode.as_deref().and_then(TeamMode::parse))
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

/// The member of a load-balanced team who gets the next task: fewest open
/// assigned tasks, then fewest estimated open minutes, then the member the
/// team gave a task least recently. The caller holds the team's lock.
pub async fn pick_member(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT tm.agent_id
             FROM team_members tm
             JOIN memberships m ON m.workgroup_id = tm.workgroup_id AND m.agent_id = tm.agent_id AND m.role <> 'inactive'
             CROSS JOIN LATERAL (
                 SELECT count(*) AS open, coalesce(sum(t.estimated_minutes), 0) AS minutes
                   FROM tasks t
                  WHERE t.workgroup_id = tm.workgroup_id AND t.agent_id = tm.agent_id AND t.status <> 'completed') load
            WHERE tm.team_id = $1 AND tm.workgroup_id = $2
            ORDER BY load.open, load.minutes, tm.last_assigned_at NULLS FIRST, tm.added_at, tm.agent_id
            LIMIT 1"#,
        team_id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Gives a task to a member picked by load balancing (or to the queue when
/// the team has no active member). Answers the agent chosen.
pub async fn balance_task(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid, task_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let Some(agent) = pick_member(tx, workgroup_id, team_id).await? else { return Ok(None) };
    sqlx::query!(
        "UPDATE tasks SET agent_id = $3, team_id = $4, assigned_at = clock_timestamp(), updated_at = now()
          WHERE id = $1 AND workgroup_id = $2",
        task_id,
        workgroup_id,
        agent,
        team_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE team_members SET last_assigned_at = clock_timestamp() WHERE team_id = $1 AND agent_id = $2 AND workgroup_id = $3",
        team_id,
        agent,
        workgroup_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(Some(agent))
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

struct TaskRecord {
    id: Uuid,
    service_id: Uuid,
    service_name: String,
    customer_name: String,
    name: String,
    instructions: String,
    estimated_minutes: i32,
    license_type: Option<String>,
    license_name: Option<String>,
    user_name: Option<String>,
    team_id: Option<Uuid>,
    team_name: Option<String>,
    agent_id: Option<Uuid>,
    agent_name: Option<String>,
    status: String,
    with_errors: bool,
    retrying: bool,
    due_on: NaiveDate,
    worked_seconds: i64,
    cost: i64,
}

fn task_row(r: TaskRecord, today: NaiveDate, shows_cost: bool) -> TaskRow {
    let status = TaskStatus::parse(&r.status).unwrap_or(TaskStatus::Open);
    TaskRow {
        id: r.id,
        service_id: r.service_id,
        service_name: r.service_name,
        customer_name: r.customer_name,
        name: r.name,
        instructions: r.instructions,
        estimated_minutes: r.estimated_minutes,
        license_type: r.license_type,
        license_name: r.license_name,
        user_name: r.user_name,
        team_id: r.team_id,
        team_name: r.team_name,
        agent_id: r.agent_id,
        agent_name: r.agent_name,
        status,
        with_errors: r.with_errors,
        retrying: r.retrying,
        due_on: r.due_on,
        overdue: r.due_on < today && status != TaskStatus::Completed,
        worked_seconds: r.worked_seconds,
        estimated_cost_cents: shows_cost.then_some(r.cost),
    }
}

/// Every task query selects the same columns; `$1` is always the workgroup.
macro_rules! task_query {
    ($where_order:literal, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            TaskRecord,
            r#"SELECT t.id, t.service_id, s.name AS service_name, c.name AS customer_name, t.name, t.instructions,
                      t.estimated_minutes, t.license_type, lt.name AS "license_name?", u.name AS "user_name?",
                      t.team_id, tm.name AS "team_name?", t.agent_id, a.display_name AS "agent_name?", t.status, t.with_errors,
                      t.retrying, t.due_on, t.worked_seconds,
                      coalesce(t.estimated_cost_cents,
                               (t.estimated_minutes * coalesce(a.hourly_rate_cents, w.default_cost_cents) + 30) / 60)::bigint AS "cost!"
                 FROM tasks t
                 JOIN workgroups w ON w.id = t.workgroup_id
                 JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
                 JOIN customers c ON c.workgroup_id = t.workgroup_id AND c.id = t.customer_id
                 LEFT JOIN customer_users u ON u.workgroup_id = t.workgroup_id AND u.id = t.customer_user_id
                 LEFT JOIN license_types lt ON lt.code = t.license_type
                 LEFT JOIN teams tm ON tm.workgroup_id = t.workgroup_id AND tm.id = t.team_id
                 LEFT JOIN memberships a ON a.workgroup_id = t.workgroup_id AND a.agent_id = t.agent_id
                WHERE t.workgroup_id = $1 AND "# + $where_order,
            $($arg),*
        )
    };
}

/// A page of a service's tasks, in runbook order (then by user).
pub async fn service_tasks(tx: &mut Tx, workgroup_id: Uuid, service_id: Uuid, page: i64, shows_cost: bool) -> Result<Vec<TaskRow>, sqlx::Error> {
    let rows = task_query!(
        "t.service_id = $2 ORDER BY t.position, lower(u.name), t.id LIMIT $3 OFFSET $4",
        workgroup_id,
        service_id,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&mut **tx)
    .await?;
    let today = Utc::now().date_naive();
    Ok(rows.into_iter().map(|r| task_row(r, today, shows_cost)).collect())
}

pub async fn task(tx: &mut Tx, workgroup_id: Uuid, task_id: Uuid, shows_cost: bool) -> Result<Option<TaskRow>, sqlx::Error> {
    let row = task_query!("t.id = $2", workgroup_id, task_id).fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| task_row(r, Utc::now().date_naive(), shows_cost)))
}

/// An agent's unfinished tasks (and those completed with errors), by due date.
pub async fn my_tasks(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, page: i64, shows_cost: bool) -> Result<(Vec<TaskRow>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"SELECT ((SELECT count(*) FROM tasks WHERE workgroup_id = $1 AND agent_id = $2 AND status <> 'completed')
                 + (SELECT count(*) FROM tasks WHERE workgroup_id = $1 AND agent_id = $2 AND status = 'completed' AND with_errors)) AS "n!""#,
        workgroup_id,
        agent_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = task_query!(
        "t.agent_id = $2 AND (t.status <> 'completed' OR (t.status = 'completed' AND t.with_errors))
         ORDER BY t.status = 'completed', t.due_on, t.service_id, t.position, t.id LIMIT $3 OFFSET $4",
        workgroup_id,
        agent_id,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&mut **tx)
    .await?;
    let today = Utc::now().date_naive();
    Ok((rows.into_iter().map(|r| task_row(r, today, shows_cost)).collect(), total))
}

/// The queues of the agent's pull-from-queue teams: the first tasks of each and how many wait.
pub async fn queues(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, shows_cost: bool) -> Result<Vec<Queue>, sqlx::Error> {
    let teams = sqlx::query!(
        r#"SELECT t.id, t.name,
                  (SELECT count(*) FROM tasks q
                    WHERE q.workgroup_id = t.workgroup_id AND q.team_id = t.id AND q.agent_id IS NULL AND q.status = 'open') AS "waiting!"
             FROM team_members m JOIN teams t ON t.workgroup_id = m.workgroup_id AND t.id = m.team_id
            WHERE m.workgroup_id = $1 AND m.agent_id = $2 AND t.mode = 'pull_from_queue'
            ORDER BY lower(t.name)"#,
        workgroup_id,
        agent_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let today = Utc::now().date_naive();
    let mut queues = Vec::with_capacity(teams.len());
    for team in teams {
        let rows = task_query!(
            // Index order (tasks_queue_idx): a service's tasks together, in runbook order.
            "t.team_id = $2 AND t.agent_id IS NULL AND t.status = 'open' ORDER BY t.due_on, t.service_id, t.position, t.id LIMIT $3",
            workgroup_id,
            team.id,
            QUEUE_PREVIEW
        )
        .fetch_all(&mut **tx)
        .await?;
        queues.push(Queue {
            team_id: team.id,
            team_name: team.name,
            tasks: rows.into_iter().map(|r| task_row(r, today, shows_cost)).collect(),
            waiting: team.waiting,
        });
    }
    Ok(queues)
}

// ---- claiming and working -----------------------------------------------------

/// Claims a queued task for an agent who is a member of its team. First come,
/// exactly once: the update only matches while the task is still unclaimed,
/// and a concurrent claimer waits for the row and then finds it taken.
pub async fn claim(tx: &mut Tx, workgroup_id: Uuid, task_id: Uuid, agent_id: Uuid) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!(
        "UPDATE tasks t SET agent_id = $3, assigned_at = now(), updated_at = now()
          WHERE t.id = $1 AND t.workgroup_id = $2 AND t.agent_id IS NULL AND t.status = 'open'
            AND EXISTS (SELECT 1 FROM team_members m JOIN teams tm ON tm.workgroup_id = m.workgroup_id AND tm.id = m.team_id
                         WHERE m.workgroup_id = t.workgroup_id AND m.team_id = t.team_id AND m.agent_id = $3
                           AND tm.mode = 'pull_from_queue')",
        task_id,
        workgroup_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Why a claim failed: who holds the task now, if anyone (None: no such
/// task here, or not in a queue of the agent's).
pub async fn claim_refusal(tx: &mut Tx, workgroup_id: Uuid, task_id: Uuid) -> Result<Option<Option<String>>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.display_name AS "holder?" FROM tasks t
             LEFT JOIN memberships a ON a.workgroup_id = t.workgroup_id AND a.agent_id = t.agent_id
            WHERE t.id = $1 AND t.workgroup_id = $2"#,
        task_id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| r.holder))
}

/// A task's state, locked for a change of status.
pub struct LockedTask {
    pub id: Uuid,
    pub service_id: Uuid,
    pub status: TaskStatus,
    pub agent_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub license_type: Option<String>,
    pub license_name: Option<String>,
    pub pack_id: Option<Uuid>,
    pub with_errors: bool,
    pub retrying: bool,
}

pub async fn lock_task(tx: &mut Tx, workgroup_id: Uuid, task_id: Uuid) -> Result<Option<LockedTask>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT t.id, t.service_id, t.status, t.agent_id, t.team_id, t.license_type, lt.name AS "license_name?",
                  t.pack_id, t.with_errors, t.retrying
             FROM tasks t LEFT JOIN license_types lt ON lt.code = t.license_type
            WHERE t.id = $1 AND t.workgroup_id = $2 FOR UPDATE OF t"#,
        task_id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| LockedTask {
        id: r.id,
        service_id: r.service_id,
        status: TaskStatus::parse(&r.status).unwrap_or(TaskStatus::Open),
        agent_id: r.agent_id,
        team_id: r.team_id,
        license_type: r.license_type,
        license_name: r.license_name,
        pack_id: r.pack_id,
        with_errors: r.with_errors,
        retrying: r.retrying,
    }))
}

/// Starts a task; a licensed one first reserves a license (earliest expiry
/// first). False when no license is available: nothing changes.
pub async fn start(tx: &mut Tx, workgroup_id: Uuid, task: &LockedTask, actor: Uuid) -> Result<bool, sqlx::Error> {
    let mut pack_id = task.pack_id;
    if let (Some(license_type), None) = (&task.license_type, pack_id) {
        let reference = format!("task {}", task.id);
        match licenses::reserve(tx, workgroup_id, license_type, Some(actor), &reference).await? {
            Some(pack) => pack_id = Some(pack),
            None => return Ok(false),
        }
    }
    sqlx::query!(
        "UPDATE tasks SET status = 'in_progress', started_at = now(), pack_id = $3, updated_at = now()
          WHERE id = $1 AND workgroup_id = $2",
        task.id,
        workgroup_id,
        pack_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Completes a running task: its license is consumed (unless this was a free
/// retry), its time and prices are recorded.
pub async fn complete(tx: &mut Tx, workgroup_id: Uuid, task: &LockedTask, actor: Uuid, with_errors: bool) -> Result<(), sqlx::Error> {
    if let (Some(pack), false) = (task.pack_id, task.retrying) {
        licenses::consume(tx, workgroup_id, pack, Some(actor), &format!("task {}", task.id)).await?;
    }
    sqlx::query!(
        "UPDATE tasks t
            SET status = 'completed', with_errors = $3, retrying = false, completed_at = now(), updated_at = now(),
                worked_seconds = t.worked_seconds + greatest(0, extract(epoch FROM now() - t.started_at))::bigint,
                rate_cents = r.rate,
                estimated_cost_cents = (t.estimated_minutes * r.rate + 30) / 60,
                actual_cost_cents = ((t.worked_seconds + greatest(0, extract(epoch FROM now() - t.started_at))::bigint) * r.rate + 1800) / 3600
           FROM (SELECT coalesce(m.hourly_rate_cents, w.default_cost_cents) AS rate
                   FROM tasks x JOIN workgroups w ON w.id = x.workgroup_id
                   LEFT JOIN memberships m ON m.workgroup_id = x.workgroup_id AND m.agent_id = x.agent_id
                  WHERE x.id = $1 AND x.workgroup_id = $2) r
          WHERE t.id = $1 AND t.workgroup_id = $2",
        task.id,
        workgroup_id,
        with_errors
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Fails or stops a running task. Its reserved license goes back to the pack;
/// a failed retry returns the task to "completed with errors" (its license
/// was consumed by the first run).
pub async fn halt(tx: &mut Tx, workgroup_id: Uuid, task: &LockedTask, actor: Uuid, to: TaskStatus) -> Result<(), sqlx::Error> {
    if task.retrying {
        sqlx::query!(
            "UPDATE tasks t SET status = 'completed', with_errors = true, retrying = false, completed_at = now(), updated_at = now(),
                    worked_seconds = t.worked_seconds + greatest(0, extract(epoch FROM now() - t.started_at))::bigint
              WHERE id = $1 AND workgroup_id = $2",
            task.id,
            workgroup_id
        )
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    if let Some(pack) = task.pack_id {
        licenses::restore(tx, workgroup_id, pack, Some(actor), &format!("task {}", task.id)).await?;
    }
    sqlx::query!(
        "UPDATE tasks t SET status = $3, pack_id = NULL, updated_at = now(),
                worked_seconds = t.worked_seconds + greatest(0, extract(epoch FROM now() - t.started_at))::bigint
          WHERE id = $1 AND workgroup_id = $2",
        task.id,
        workgroup_id,
        to.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Runs a task completed with errors again, free of charge.
pub async fn retry_errors(tx: &mut Tx, workgroup_id: Uuid, task: &LockedTask, actor: Uuid) -> Result<(), sqlx::Error> {
    if let Some(pack) = task.pack_id {
        licenses::retry_free(tx, workgroup_id, pack, Some(actor), &format!("task {}", task.id)).await?;
    }
    sqlx::query!(
        "UPDATE tasks SET status = 'in_progress', retrying = true, started_at = now(), completed_at = NULL, updated_at = now()
          WHERE id = $1 AND workgroup_id = $2",
        task.id,
        workgroup_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Gives a (not running, not completed) task to an agent, a team's queue, or no one.
pub async fn set_assignee(tx: &mut Tx, workgroup_id: Uuid, task_id: Uuid, agent_id: Option<Uuid>, team_id: Option<Uuid>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE tasks SET agent_id = $3, team_id = $4, updated_at = now(),
                assigned_at = CASE WHEN $3::uuid IS NULL THEN NULL ELSE now() END
          WHERE id = $1 AND workgroup_id = $2",
        task_id,
        workgroup_id,
        agent_id,
        team_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An agent going Inactive works on nothing here: their unfinished tasks go
/// back to unassigned (or their team's queue); a running one is stopped and
/// its reserved license restored.
pub async fn release_agent(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, actor: Uuid) -> Result<u64, sqlx::Error> {
    let running = sqlx::query_scalar!(
        "SELECT id FROM tasks WHERE workgroup_id = $1 AND agent_id = $2 AND status = 'in_progress' FOR UPDATE",
        workgroup_id,
        agent_id
    )
    .fetch_all(&mut **tx)
    .await?;
    for id in running {
        if let Some(task) = lock_task(tx, workgroup_id, id).await? {
            halt(tx, workgroup_id, &task, actor, TaskStatus::Stopped).await?;
        }
    }
    let r = sqlx::query!(
        "UPDATE tasks SET agent_id = NULL, assigned_at = NULL, updated_at = now(),
                status = CASE WHEN status = 'completed' THEN status ELSE 'open' END
          WHERE workgroup_id = $1 AND agent_id = $2 AND (status <> 'completed')",
        workgroup_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE services SET agent_id = NULL WHERE workgroup_id = $1 AND agent_id = $2 AND tasks_completed < tasks_total",
        workgroup_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

// ---- reminders ------------------------------------------------------------------

/// The workgroups with tasks due tomorrow or overdue (a SECURITY DEFINER
/// function: the only cross-workgroup read, ids only).
pub async fn due_workgroups(pool: &sqlx::PgPool, today: NaiveDate) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT w AS "w!" FROM due_task_workgroups($1) AS w"#, today).fetch_all(pool).await
}

pub struct Reminder {
    pub agent_id: Uuid,
    pub email: String,
    pub name: String,
    pub workgroup_name: String,
    pub due_tomorrow: Vec<String>,
    pub overdue: Vec<String>,
}

/// The agents of this workgroup to remind today, each marked as reminded
/// (once a day per agent): their tasks due tomorrow and overdue.
pub async fn take_reminders(tx: &mut Tx, workgroup_id: Uuid, today: NaiveDate) -> Result<Vec<Reminder>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH due AS (
               SELECT t.agent_id, t.due_on, s.name AS service_name, t.name AS task_name
                 FROM tasks t JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
                WHERE t.workgroup_id = $1 AND t.agent_id IS NOT NULL AND t.status <> 'completed'
                  AND t.due_on <= $2::date + 1 AND t.due_on <> $2::date),
           fresh AS (
               INSERT INTO task_reminders (workgroup_id, agent_id, day)
               SELECT DISTINCT $1::uuid, agent_id, $2::date FROM due
               ON CONFLICT DO NOTHING
               RETURNING agent_id)
           SELECT f.agent_id, a.email, m.display_name, w.name AS workgroup_name,
                  array_agg(d.task_name || ' (' || d.service_name || ')' ORDER BY d.due_on) FILTER (WHERE d.due_on > $2::date) AS "tomorrow",
                  array_agg(d.task_name || ' (' || d.service_name || ', due ' || d.due_on || ')' ORDER BY d.due_on) FILTER (WHERE d.due_on < $2::date) AS "overdue"
             FROM fresh f
             JOIN due d ON d.agent_id = f.agent_id
             JOIN agents a ON a.id = f.agent_id
             JOIN memberships m ON m.workgroup_id = $1 AND m.agent_id = f.agent_id AND m.role <> 'inactive'
             JOIN workgroups w ON w.id = $1
            GROUP BY f.agent_id, a.email, m.display_name, w.name"#,
        workgroup_id,
        today
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Reminder {
            agent_id: r.agent_id,
            email: r.email,
            name: r.display_name,
            workgroup_name: r.workgroup_name,
            due_tomorrow: r.tomorrow.unwrap_or_default(),
            overdue: r.overdue.unwrap_or_default(),
        })
        .collect())
}
