//! The task life cycle: start, complete, fail or stop, retry errors, with
//! the licenses each step reserves, consumes or restores.

use crate::delivery::TaskStatus;
use crate::licenses::store as licenses;
use crate::server::db::Tx;
use uuid::Uuid;

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
        r#"SELECT t.id, t.service_id, t.status AS "status: TaskStatus", t.agent_id, t.team_id, t.license_type, lt.name AS "license_name?",
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
        status: r.status,
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

