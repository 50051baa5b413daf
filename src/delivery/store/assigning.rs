//! Who works a task: claims from a team's queue, load balancing within a
//! team, and direct (re)assignment.

use crate::server::db::Tx;
use crate::teams::TeamMode;
use uuid::Uuid;

/// Locks a team (serializing load-balanced picks) and answers its mode.
pub async fn lock_team(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid) -> Result<Option<TeamMode>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT mode AS "mode: TeamMode" FROM teams WHERE id = $1 AND workgroup_id = $2 FOR UPDATE"#,
        team_id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await
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

