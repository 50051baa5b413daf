//! SQL for teams and their members.

use super::{Team, TeamMember, TeamMode};
use crate::server::db::Tx;
use uuid::Uuid;

/// The workgroup's teams by name, their members left out (see `list`).
pub async fn list_bare(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<Team>, sqlx::Error> {
    let teams = sqlx::query!(
        r#"SELECT id, name, mode AS "mode: TeamMode" FROM teams WHERE workgroup_id = $1 ORDER BY lower(name)"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(teams.into_iter().map(|t| Team { id: t.id, members: Vec::new(), name: t.name, mode: t.mode }).collect())
}

/// The workgroup's teams by name, with their members.
pub async fn list(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<Team>, sqlx::Error> {
    let mut teams = list_bare(tx, workgroup_id).await?;
    let members = sqlx::query!(
        "SELECT tm.team_id, tm.agent_id, m.display_name
           FROM team_members tm
           JOIN memberships m ON m.workgroup_id = tm.workgroup_id AND m.agent_id = tm.agent_id
          WHERE tm.workgroup_id = $1
          ORDER BY lower(m.display_name)",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    for team in &mut teams {
        team.members = members
            .iter()
            .filter(|m| m.team_id == team.id)
            .map(|m| TeamMember { agent_id: m.agent_id, name: m.display_name.clone() })
            .collect();
    }
    Ok(teams)
}

/// The workgroup's active members by name (ties by id, so the order is stable).
pub async fn active_agents(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<TeamMember>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT agent_id AS id, display_name AS name FROM memberships
          WHERE workgroup_id = $1 AND role <> 'inactive' ORDER BY lower(display_name), agent_id",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| TeamMember { agent_id: r.id, name: r.name }).collect())
}

pub async fn create(tx: &mut Tx, workgroup_id: Uuid, name: &str, mode: TeamMode) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO teams (id, workgroup_id, name, mode) VALUES ($1, $2, $3, $4)",
        id,
        workgroup_id,
        name,
        mode.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn update(tx: &mut Tx, workgroup_id: Uuid, id: Uuid, name: &str, mode: TeamMode) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE teams SET name = $3, mode = $4 WHERE workgroup_id = $1 AND id = $2",
        workgroup_id,
        id,
        name,
        mode.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM teams WHERE workgroup_id = $1 AND id = $2", workgroup_id, id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds an active member of the workgroup to one of its teams. False when
/// either is not in this workgroup (or the agent is inactive).
pub async fn add_member(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid, agent_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO team_members (workgroup_id, team_id, agent_id)
         SELECT t.workgroup_id, t.id, m.agent_id
           FROM teams t JOIN memberships m ON m.workgroup_id = t.workgroup_id
          WHERE t.workgroup_id = $1 AND t.id = $2 AND m.agent_id = $3 AND m.role <> 'inactive'
         ON CONFLICT DO NOTHING",
        workgroup_id,
        team_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    // Already on the team counts as done; anything else was not found.
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM team_members WHERE workgroup_id = $1 AND team_id = $2 AND agent_id = $3) AS "exists!""#,
        workgroup_id,
        team_id,
        agent_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn remove_member(tx: &mut Tx, workgroup_id: Uuid, team_id: Uuid, agent_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM team_members WHERE workgroup_id = $1 AND team_id = $2 AND agent_id = $3",
        workgroup_id,
        team_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
