//! SQL for plan seats. Which agent holds which seat is settled by `sync`,
//! which every reader of seats runs first (under a per-workgroup lock): it
//! takes seats back from Inactive agents and from packs that ended, then
//! hands free seats to active agents in joining order.

use strum::VariantArray;
use super::{Plan, PlanUsage, SeatHolder, SeatPack};
use crate::error::AppResult;
use crate::server::db::Tx;
use crate::workgroups::Role;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// Live seats per plan: packs neither refunded nor expired.
async fn capacity(tx: &mut Tx, workgroup_id: Uuid) -> Result<HashMap<Plan, i64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT plan AS "plan: Plan", sum(seats)::bigint AS "seats!" FROM subscription_packs
            WHERE workgroup_id = $1 AND refunded_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            GROUP BY plan"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.plan, r.seats)).collect())
}

async fn used(tx: &mut Tx, workgroup_id: Uuid) -> Result<HashMap<Plan, i64>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT plan AS "plan: Plan", count(*) AS "n!" FROM seat_assignments WHERE workgroup_id = $1 GROUP BY plan"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.plan, r.n)).collect())
}

/// Brings seat holders in line with memberships and live packs.
pub async fn sync(tx: &mut Tx, workgroup_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('seats ' || $1::text, 0))", workgroup_id.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "DELETE FROM seat_assignments s USING memberships m
          WHERE s.workgroup_id = $1 AND m.workgroup_id = s.workgroup_id AND m.agent_id = s.agent_id AND m.role = 'inactive'",
        workgroup_id
    )
    .execute(&mut **tx)
    .await?;
    let capacity = capacity(tx, workgroup_id).await?;
    let mut used = used(tx, workgroup_id).await?;
    // Packs that ended take their seats back from the latest holders.
    for &plan in Plan::VARIANTS {
        let over = used.get(&plan).copied().unwrap_or(0) - capacity.get(&plan).copied().unwrap_or(0);
        if over > 0 {
            sqlx::query!(
                "DELETE FROM seat_assignments WHERE workgroup_id = $1 AND agent_id IN (
                   SELECT agent_id FROM seat_assignments WHERE workgroup_id = $1 AND plan = $2
                    ORDER BY assigned_at DESC, agent_id DESC LIMIT $3)",
                workgroup_id,
                plan.as_str(),
                over
            )
            .execute(&mut **tx)
            .await?;
            used.insert(plan, used[&plan] - over);
        }
    }
    let waiting = sqlx::query_scalar!(
        "SELECT m.agent_id FROM memberships m
          WHERE m.workgroup_id = $1 AND m.role <> 'inactive'
            AND NOT EXISTS (SELECT 1 FROM seat_assignments s WHERE s.workgroup_id = m.workgroup_id AND s.agent_id = m.agent_id)
          ORDER BY m.joined_at, m.agent_id",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    for agent_id in waiting {
        // Get Automated first: it does everything Get Organized does.
        let free = [Plan::GetAutomated, Plan::GetOrganized]
            .into_iter()
            .find(|p| capacity.get(p).copied().unwrap_or(0) > used.get(p).copied().unwrap_or(0));
        let Some(plan) = free else { break };
        sqlx::query!(
            "INSERT INTO seat_assignments (workgroup_id, agent_id, plan) VALUES ($1, $2, $3)",
            workgroup_id,
            agent_id,
            plan.as_str()
        )
        .execute(&mut **tx)
        .await?;
        *used.entry(plan).or_default() += 1;
    }
    Ok(())
}

/// Whether the workgroup holds at least one live seat of `plan` (team
/// assignment needs a Get Automated seat). The 3 training seats every
/// workgroup starts with are Get Automated seats.
pub async fn has_plan_seat(tx: &mut Tx, workgroup_id: Uuid, plan: Plan) -> AppResult<bool> {
    Ok(capacity(tx, workgroup_id).await?.get(&plan).copied().unwrap_or(0) > 0)
}

/// The plan of the seat `agent_id` holds in the workgroup, if any.
pub async fn agent_plan(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> AppResult<Option<Plan>> {
    sync(tx, workgroup_id).await?;
    let plan = sqlx::query_scalar!(
        r#"SELECT plan AS "plan: Plan" FROM seat_assignments WHERE workgroup_id = $1 AND agent_id = $2"#,
        workgroup_id,
        agent_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(plan)
}

/// Every seat holder's plan (after `sync`).
pub async fn plans_by_agent(tx: &mut Tx, workgroup_id: Uuid) -> Result<HashMap<Uuid, Plan>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT agent_id, plan AS "plan: Plan" FROM seat_assignments WHERE workgroup_id = $1"#, workgroup_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|r| (r.agent_id, r.plan)).collect())
}

/// Live seats of every plan: what bulk discounts count.
pub async fn seats_held(tx: &mut Tx, workgroup_id: Uuid) -> Result<i64, sqlx::Error> {
    Ok(capacity(tx, workgroup_id).await?.values().sum())
}

pub async fn usage(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<PlanUsage>, sqlx::Error> {
    let capacity = capacity(tx, workgroup_id).await?;
    let used = used(tx, workgroup_id).await?;
    Ok(Plan::VARIANTS
        .iter()
        .map(|&plan| PlanUsage {
            plan,
            seats: capacity.get(&plan).copied().unwrap_or(0),
            used: used.get(&plan).copied().unwrap_or(0),
        })
        .collect())
}

/// The most seat packs Subscriptions lists: the running ones first, then
/// the newest. The second value says how many the workgroup has.
pub const PACKS_SHOWN: i64 = 500;

pub async fn packs(tx: &mut Tx, workgroup_id: Uuid) -> Result<(Vec<SeatPack>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, plan AS "plan: Plan", seats, source, acquired_at, expires_at,
                  (refunded_at IS NOT NULL OR coalesce(expires_at <= now(), false)) AS "ended!",
                  count(*) OVER () AS "total!"
             FROM subscription_packs WHERE workgroup_id = $1
            ORDER BY (refunded_at IS NOT NULL OR coalesce(expires_at <= now(), false)), acquired_at DESC, id
            LIMIT $2"#,
        workgroup_id,
        PACKS_SHOWN
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let packs = rows
        .into_iter()
        .map(|r| SeatPack {
            id: r.id,
            plan: r.plan,
            seats: r.seats,
            source: r.source,
            acquired_at: r.acquired_at,
            expires_at: r.expires_at,
            ended: r.ended,
        })
        .collect();
    Ok((packs, total))
}

/// Active agents and their seats, in joining order.
pub async fn holders(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<SeatHolder>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.agent_id, m.display_name, a.email, m.role AS "role: Role", s.plan AS "plan?: Plan", s.renew AS "renew?"
             FROM memberships m JOIN agents a ON a.id = m.agent_id
             LEFT JOIN seat_assignments s ON s.workgroup_id = m.workgroup_id AND s.agent_id = m.agent_id
            WHERE m.workgroup_id = $1 AND m.role <> 'inactive'
            ORDER BY m.joined_at, m.agent_id"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SeatHolder {
            agent_id: r.agent_id,
            name: r.display_name,
            email: r.email,
            role: r.role,
            plan: r.plan,
            renew: r.renew.unwrap_or(false),
        })
        .collect())
}

/// Switches renewal of the agent's seat; false if they hold none here.
pub async fn set_renewal(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, renew: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE seat_assignments SET renew = $3 WHERE workgroup_id = $1 AND agent_id = $2",
        workgroup_id,
        agent_id,
        renew
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Seats bought by an order, live from `starts` for a year.
pub async fn add_pack(
    tx: &mut Tx,
    workgroup_id: Uuid,
    plan: Plan,
    seats: i32,
    order_id: Uuid,
    starts: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO subscription_packs (id, workgroup_id, plan, seats, source, acquired_at, expires_at, order_id)
         VALUES ($1, $2, $3, $4, 'purchase', $5, $6, $7)",
        Uuid::new_v4(),
        workgroup_id,
        plan.as_str(),
        seats,
        starts,
        starts + chrono::Duration::days(super::SEAT_LIFETIME_DAYS),
        order_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the seats an order added could go without taking a seat from
/// anyone (run after `sync`).
pub async fn order_seats_unused(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid) -> Result<bool, sqlx::Error> {
    let bought = sqlx::query!(
        r#"SELECT plan AS "plan: Plan", sum(seats)::bigint AS "seats!" FROM subscription_packs
            WHERE workgroup_id = $1 AND order_id = $2 AND refunded_at IS NULL GROUP BY plan"#,
        workgroup_id,
        order_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let capacity = capacity(tx, workgroup_id).await?;
    let used = used(tx, workgroup_id).await?;
    Ok(bought.into_iter().all(|b| {
        let cap = capacity.get(&b.plan).copied().unwrap_or(0);
        let in_use = used.get(&b.plan).copied().unwrap_or(0);
        cap - b.seats >= in_use
    }))
}

/// Ends the seats an order added (its refund).
pub async fn end_order_packs(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE subscription_packs SET refunded_at = $3 WHERE workgroup_id = $1 AND order_id = $2 AND refunded_at IS NULL",
        workgroup_id,
        order_id,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
