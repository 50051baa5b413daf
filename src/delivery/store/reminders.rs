//! Reminders of tasks due tomorrow and overdue.

use crate::server::db::Tx;
use chrono::NaiveDate;
use uuid::Uuid;

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
