//! SQL for workgroups and memberships. Every function takes a tenant
//! transaction; row-level security backs up the filters written here.

use super::{Role, WorkgroupSettings, WorkgroupSummary, TRAINING_SEATS};
use crate::server::db::{self, Tx};
use uuid::Uuid;

/// The agent's role in a workgroup, if they are a member at all.
pub async fn role_of(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT role AS "role: Role" FROM memberships WHERE workgroup_id = $1 AND agent_id = $2"#,
        workgroup_id,
        agent_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The agent's active workgroups, oldest membership first (the agent's own
/// default workgroup leads).
pub async fn list_for_agent(tx: &mut Tx, agent_id: Uuid) -> Result<Vec<WorkgroupSummary>, sqlx::Error> {
    sqlx::query_as!(
        WorkgroupSummary,
        r#"SELECT w.id, w.name, m.role AS "role: Role"
             FROM memberships m JOIN workgroups w ON w.id = m.workgroup_id
            WHERE m.agent_id = $1 AND m.role <> 'inactive'
            ORDER BY m.joined_at, w.name"#,
        agent_id
    )
    .fetch_all(&mut **tx)
    .await
}

/// Creates a workgroup with `agent_id` as its Administrator and the free
/// training seats. Leaves the transaction pointed at the new workgroup.
pub async fn create(
    tx: &mut Tx,
    agent_id: Uuid,
    display_name: &str,
    name: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    db::set_workgroup(tx, id).await?;
    sqlx::query!(
        "INSERT INTO workgroups (id, name, created_by) VALUES ($1, $2, $3)",
        id,
        name,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO memberships (workgroup_id, agent_id, role, display_name) VALUES ($1, $2, 'administrator', $3)",
        id,
        agent_id,
        display_name
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "INSERT INTO subscription_packs (id, workgroup_id, plan, seats, source) VALUES ($1, $2, 'get_automated', $3, 'training')",
        Uuid::new_v4(),
        id,
        TRAINING_SEATS
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn settings(tx: &mut Tx, workgroup_id: Uuid, role: Role) -> Result<Option<WorkgroupSettings>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT w.id, w.name, w.default_cost_cents, w.currency::text AS "currency!", w.created_at,
                  (SELECT count(*) FROM memberships m WHERE m.workgroup_id = w.id AND m.role <> 'inactive') AS "members!",
                  (SELECT coalesce(sum(seats), 0) FROM subscription_packs s
                    WHERE s.workgroup_id = w.id AND s.source = 'training') AS "training_seats!"
             FROM workgroups w WHERE w.id = $1"#,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| WorkgroupSettings {
        id: r.id,
        name: r.name,
        default_cost_cents: r.default_cost_cents,
        currency: r.currency,
        role,
        members: r.members,
        training_seats: r.training_seats,
        created_at: r.created_at,
    }))
}

/// Renames the workgroup; false when no such workgroup is in reach.
pub async fn rename(tx: &mut Tx, workgroup_id: Uuid, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE workgroups SET name = $2 WHERE id = $1", workgroup_id, name)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_default_cost(tx: &mut Tx, workgroup_id: Uuid, cents: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE workgroups SET default_cost_cents = $2 WHERE id = $1",
        workgroup_id,
        cents
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
