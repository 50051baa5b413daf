//! Report SQL: completed tasks in a range (the `tasks_completed_idx` index),
//! grouped in the database by customer, service or agent.

use super::{Report, ReportBy, ReportRow, MAX_ROWS};
use crate::server::db::Tx;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The rows, by name; `limit` rows at most. Completion times in [from, until).
pub async fn rows(
    tx: &mut Tx,
    workgroup_id: Uuid,
    by: ReportBy,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ReportRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH agg AS (
               SELECT CASE $4 WHEN 'customer' THEN t.customer_id WHEN 'service' THEN t.service_id ELSE t.agent_id END AS key,
                      count(*) AS tasks,
                      sum(t.estimated_minutes)::bigint AS est_minutes,
                      sum(t.worked_seconds)::bigint AS worked,
                      sum(coalesce(t.estimated_cost_cents, 0))::bigint AS est_cost,
                      sum(coalesce(t.actual_cost_cents, 0))::bigint AS act_cost,
                      count(t.pack_id) AS licenses
                 FROM tasks t
                WHERE t.workgroup_id = $1 AND t.status = 'completed' AND t.completed_at >= $2 AND t.completed_at < $3
                GROUP BY 1)
           SELECT agg.key AS "key?",
                  coalesce(c.name, s.name, m.display_name, CASE $4 WHEN 'agent' THEN 'No agent' ELSE 'Deleted' END) AS "name!",
                  sc.name AS "detail?",
                  agg.tasks AS "tasks!", agg.est_minutes AS "est_minutes!", agg.worked AS "worked!",
                  agg.est_cost AS "est_cost!", agg.act_cost AS "act_cost!", agg.licenses AS "licenses!"
             FROM agg
             LEFT JOIN customers c ON $4 = 'customer' AND c.workgroup_id = $1 AND c.id = agg.key
             LEFT JOIN services s ON $4 = 'service' AND s.workgroup_id = $1 AND s.id = agg.key
             LEFT JOIN customers sc ON sc.workgroup_id = $1 AND sc.id = s.customer_id
             LEFT JOIN memberships m ON $4 = 'agent' AND m.workgroup_id = $1 AND m.agent_id = agg.key
            ORDER BY lower(coalesce(c.name, s.name, m.display_name, '')), agg.key
            LIMIT $5"#,
        workgroup_id,
        from,
        until,
        by.as_str(),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportRow {
            key: r.key,
            name: r.name,
            detail: r.detail,
            tasks: r.tasks,
            estimated_minutes: r.est_minutes,
            worked_seconds: r.worked,
            estimated_cost_cents: Some(r.est_cost),
            actual_cost_cents: Some(r.act_cost),
            licenses: r.licenses,
        })
        .collect())
}

/// The totals over the whole range, and how many rows the report has in all.
pub async fn totals(tx: &mut Tx, workgroup_id: Uuid, by: ReportBy, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<(ReportRow, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "tasks!",
                  coalesce(sum(estimated_minutes), 0)::bigint AS "est_minutes!",
                  coalesce(sum(worked_seconds), 0)::bigint AS "worked!",
                  coalesce(sum(estimated_cost_cents), 0)::bigint AS "est_cost!",
                  coalesce(sum(actual_cost_cents), 0)::bigint AS "act_cost!",
                  count(pack_id) AS "licenses!",
                  count(DISTINCT coalesce(CASE $4 WHEN 'customer' THEN customer_id WHEN 'service' THEN service_id ELSE agent_id END,
                                          '00000000-0000-0000-0000-000000000000'::uuid)) AS "groups!"
             FROM tasks
            WHERE workgroup_id = $1 AND status = 'completed' AND completed_at >= $2 AND completed_at < $3"#,
        workgroup_id,
        from,
        until,
        by.as_str()
    )
    .fetch_one(&mut **tx)
    .await?;
    let totals = ReportRow {
        key: None,
        name: "Total".into(),
        detail: None,
        tasks: r.tasks,
        estimated_minutes: r.est_minutes,
        worked_seconds: r.worked,
        estimated_cost_cents: Some(r.est_cost),
        actual_cost_cents: Some(r.act_cost),
        licenses: r.licenses,
    };
    Ok((totals, r.groups))
}

/// The whole report for days `from` to `to` (both included, UTC). Money is
/// left out unless `shows_money`.
pub async fn report(tx: &mut Tx, workgroup_id: Uuid, by: ReportBy, from: NaiveDate, to: NaiveDate, shows_money: bool) -> Result<Report, sqlx::Error> {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let until = (to + chrono::Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut rows = rows(tx, workgroup_id, by, start, until, MAX_ROWS).await?;
    let (mut totals, groups) = totals(tx, workgroup_id, by, start, until).await?;
    if !shows_money {
        for row in rows.iter_mut().chain(std::iter::once(&mut totals)) {
            row.estimated_cost_cents = None;
            row.actual_cost_cents = None;
        }
    }
    Ok(Report { by, from, to, rows, totals, shows_money, truncated: groups > MAX_ROWS })
}
