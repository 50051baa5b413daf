//! Dashboard SQL: one aggregate query per figure, each on an index that
//! starts with the workgroup.

use super::{LicenseStock, Seats, ServiceCounts, EXPIRING_DAYS};
use crate::money::Money;
use crate::server::db::Tx;
use chrono::NaiveDate;
use uuid::Uuid;

pub async fn service_counts(tx: &mut Tx, workgroup_id: Uuid) -> Result<ServiceCounts, sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE tasks_completed < tasks_total AND tasks_failed = 0) AS "in_progress!",
                  count(*) FILTER (WHERE tasks_completed < tasks_total AND tasks_failed > 0) AS "blocked!",
                  count(*) FILTER (WHERE tasks_completed >= tasks_total) AS "completed!"
             FROM services WHERE workgroup_id = $1"#,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(ServiceCounts { in_progress: r.in_progress, blocked: r.blocked, completed: r.completed })
}

/// Unfinished tasks, and those of them past their due date.
pub async fn task_counts(tx: &mut Tx, workgroup_id: Uuid, today: NaiveDate) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "open!", count(*) FILTER (WHERE due_on < $2) AS "overdue!"
             FROM tasks WHERE workgroup_id = $1 AND status <> 'completed'"#,
        workgroup_id,
        today
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((r.open, r.overdue))
}

/// Tasks completed per week (weeks start on Monday, UTC) since `since`.
pub async fn completed_per_week(tx: &mut Tx, workgroup_id: Uuid, since: NaiveDate) -> Result<Vec<(NaiveDate, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT date_trunc('week', completed_at AT TIME ZONE 'UTC')::date AS "week!", count(*) AS "n!"
             FROM tasks
            WHERE workgroup_id = $1 AND status = 'completed' AND completed_at >= ($2::date)::timestamp AT TIME ZONE 'UTC'
            GROUP BY 1"#,
        workgroup_id,
        since
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.week, r.n)).collect())
}

/// Licenses available now by type (every type listed), and those expiring soon.
pub async fn license_stock(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<LicenseStock>, sqlx::Error> {
    sqlx::query_as!(
        LicenseStock,
        r#"SELECT lt.name AS type_name,
                  coalesce(sum(p.available) FILTER (WHERE p.expires_at > now()), 0)::bigint AS "available!",
                  coalesce(sum(p.available) FILTER (WHERE p.expires_at > now()
                                                      AND p.expires_at <= now() + make_interval(days => $2)), 0)::bigint AS "expiring!"
             FROM license_types lt
             LEFT JOIN license_packs p ON p.workgroup_id = $1 AND p.license_type = lt.code
            GROUP BY lt.code, lt.name, lt.position
            ORDER BY lt.position"#,
        workgroup_id,
        EXPIRING_DAYS
    )
    .fetch_all(&mut **tx)
    .await
}

/// Seats of unexpired subscriptions against active members. (When seats are
/// assigned to agents, "used" becomes the count of assigned seats.)
pub async fn seats(tx: &mut Tx, workgroup_id: Uuid) -> Result<Seats, sqlx::Error> {
    // Seats are handed to members lazily: settle them first.
    crate::subscriptions::store::sync(tx, workgroup_id).await?;
    let r = sqlx::query!(
        r#"SELECT (SELECT coalesce(sum(seats), 0) FROM subscription_packs
                    WHERE workgroup_id = $1 AND refunded_at IS NULL
                      AND (expires_at IS NULL OR expires_at > now()))::bigint AS "total!",
                  (SELECT count(*) FROM seat_assignments WHERE workgroup_id = $1) AS "used!""#,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Seats { total: r.total, used: r.used })
}

/// What the workgroup spent this month (UTC): payments received since the
/// first of the month, less refunds made since then. Licenses and seats are
/// priced in US dollars.
pub async fn spend_this_month(tx: &mut Tx, workgroup_id: Uuid) -> Result<Option<Money>, sqlx::Error> {
    let cents = sqlx::query_scalar!(
        r#"SELECT ((SELECT coalesce(sum(amount_cents), 0) FROM payments
                     WHERE workgroup_id = $1 AND paid_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                 - (SELECT coalesce(sum(amount_cents), 0) FROM refunds
                     WHERE workgroup_id = $1 AND refunded_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'))::bigint AS "cents!""#,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(Money { cents: crate::money::Cents(cents), currency: "USD".into() }))
}
