//! Runbook SQL. Built-in runbooks have no workgroup and are read-only.

use super::{LicenseChoice, Runbook, RunbookSummary, Step};
use crate::server::db::Tx;
use uuid::Uuid;

pub async fn list(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<RunbookSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id, r.name, r.description, r.workgroup_id IS NULL AS "built_in!",
                  count(s.id) AS "steps!", coalesce(sum(s.estimated_minutes), 0)::bigint AS "minutes!",
                  coalesce(array_agg(lt.name ORDER BY s.position) FILTER (WHERE lt.name IS NOT NULL), '{}') AS "licenses!"
             FROM runbooks r
             LEFT JOIN runbook_steps s ON s.runbook_id = r.id
             LEFT JOIN license_types lt ON lt.code = s.license_type
            WHERE r.workgroup_id IS NULL OR r.workgroup_id = $1
            GROUP BY r.id
            ORDER BY r.workgroup_id IS NOT NULL, lower(r.name)"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RunbookSummary {
            id: r.id,
            name: r.name,
            description: r.description,
            built_in: r.built_in,
            steps: r.steps,
            estimated_minutes: r.minutes,
            licenses: r.licenses,
        })
        .collect())
}

pub async fn get(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<Option<Runbook>, sqlx::Error> {
    let Some(head) = sqlx::query!(
        r#"SELECT id, name, description, workgroup_id IS NULL AS "built_in!"
             FROM runbooks WHERE id = $1 AND (workgroup_id IS NULL OR workgroup_id = $2)"#,
        id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let steps = sqlx::query_as!(
        Step,
        r#"SELECT s.id, s.position, s.name, s.instructions, s.estimated_minutes, s.license_type,
                  lt.name AS "license_name?"
             FROM runbook_steps s LEFT JOIN license_types lt ON lt.code = s.license_type
            WHERE s.runbook_id = $1
            ORDER BY s.position, s.id"#,
        id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(Runbook { id: head.id, name: head.name, description: head.description, built_in: head.built_in, steps }))
}

pub async fn license_choices(tx: &mut Tx) -> Result<Vec<LicenseChoice>, sqlx::Error> {
    sqlx::query_as!(LicenseChoice, "SELECT code, name FROM license_types ORDER BY position").fetch_all(&mut **tx).await
}

pub async fn create(tx: &mut Tx, workgroup_id: Uuid, name: &str, description: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO runbooks (id, workgroup_id, name, description) VALUES ($1, $2, $3, $4)",
        id,
        workgroup_id,
        name,
        description
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Copies a runbook (built-in or own) into a new runbook of this workgroup.
pub async fn copy(tx: &mut Tx, workgroup_id: Uuid, from: Uuid, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let Some(source) = get(tx, workgroup_id, from).await? else { return Ok(None) };
    let id = create(tx, workgroup_id, name, &source.description).await?;
    for s in source.steps {
        sqlx::query!(
            "INSERT INTO runbook_steps (id, workgroup_id, runbook_id, position, name, instructions, estimated_minutes, license_type)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            Uuid::new_v4(),
            workgroup_id,
            id,
            s.position,
            s.name,
            s.instructions,
            s.estimated_minutes,
            s.license_type
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(Some(id))
}

/// Updates one of the workgroup's own runbooks; false for built-ins and others'.
pub async fn update(tx: &mut Tx, workgroup_id: Uuid, id: Uuid, name: &str, description: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!(
        "UPDATE runbooks SET name = $3, description = $4 WHERE id = $1 AND workgroup_id = $2",
        id,
        workgroup_id,
        name,
        description
    )
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn is_own(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM runbooks WHERE id = $1 AND workgroup_id = $2 FOR UPDATE) AS "own!""#,
        id,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub struct NewStep<'a> {
    pub name: &'a str,
    pub instructions: &'a str,
    pub estimated_minutes: i32,
    pub license_type: Option<&'a str>,
}

/// Appends a step to one of the workgroup's own runbooks (the caller checked `is_own`).
pub async fn add_step(tx: &mut Tx, workgroup_id: Uuid, runbook_id: Uuid, step: NewStep<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO runbook_steps (id, workgroup_id, runbook_id, position, name, instructions, estimated_minutes, license_type)
         SELECT $1, $2, $3, coalesce(max(position), 0) + 1, $4, $5, $6, $7 FROM runbook_steps WHERE runbook_id = $3",
        id,
        workgroup_id,
        runbook_id,
        step.name,
        step.instructions,
        step.estimated_minutes,
        step.license_type
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn update_step(tx: &mut Tx, workgroup_id: Uuid, step_id: Uuid, step: NewStep<'_>) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!(
        "UPDATE runbook_steps SET name = $3, instructions = $4, estimated_minutes = $5, license_type = $6
          WHERE id = $1 AND workgroup_id = $2",
        step_id,
        workgroup_id,
        step.name,
        step.instructions,
        step.estimated_minutes,
        step.license_type
    )
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete_step(tx: &mut Tx, workgroup_id: Uuid, step_id: Uuid) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!("DELETE FROM runbook_steps WHERE id = $1 AND workgroup_id = $2", step_id, workgroup_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Swaps a step with its neighbour above (up) or below; false when there is none.
pub async fn move_step(tx: &mut Tx, workgroup_id: Uuid, step_id: Uuid, up: bool) -> Result<bool, sqlx::Error> {
    let Some(step) = sqlx::query!(
        "SELECT runbook_id, position FROM runbook_steps WHERE id = $1 AND workgroup_id = $2 FOR UPDATE",
        step_id,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(false);
    };
    let neighbour = sqlx::query!(
        "SELECT id, position FROM runbook_steps
          WHERE runbook_id = $1 AND workgroup_id = $2
            AND CASE WHEN $3 THEN position < $4 ELSE position > $4 END
          ORDER BY CASE WHEN $3 THEN -position ELSE position END LIMIT 1 FOR UPDATE",
        step.runbook_id,
        workgroup_id,
        up,
        step.position
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(n) = neighbour else { return Ok(true) };
    sqlx::query!(
        "UPDATE runbook_steps SET position = CASE WHEN id = $1 THEN $2::int4 ELSE $3::int4 END WHERE id IN ($1, $4) AND workgroup_id = $5",
        step_id,
        n.position,
        step.position,
        n.id,
        workgroup_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

pub async fn delete(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!("DELETE FROM runbooks WHERE id = $1 AND workgroup_id = $2", id, workgroup_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}
