//! Reading tasks: a service's tasks, one task, My Tasks and the team queues.

use crate::delivery::{Queue, TaskRow, TaskStatus, PAGE_SIZE, QUEUE_PREVIEW};
use crate::server::db::Tx;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

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
    status: TaskStatus,
    with_errors: bool,
    retrying: bool,
    due_on: NaiveDate,
    worked_seconds: i64,
    cost: i64,
}

fn task_row(r: TaskRecord, today: NaiveDate, shows_cost: bool) -> TaskRow {
    let status = r.status;
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
                      t.team_id, tm.name AS "team_name?", t.agent_id, a.display_name AS "agent_name?", t.status AS "status: TaskStatus", t.with_errors,
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

