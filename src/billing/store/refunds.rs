//! Refunds: whether an order's licenses are untouched, the one refund row,
//! and taking the licenses back.

use crate::feed::{store::NewEvent, EventKind};
use crate::licenses::store as licenses;
use crate::money::Cents;
use crate::server::db::Tx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The license packs an order created, with how many licenses it put in each.
pub async fn order_packs(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid) -> Result<Vec<(Uuid, i32)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT pack_id, quantity FROM order_packs WHERE workgroup_id = $1 AND order_id = $2 ORDER BY pack_id",
        workgroup_id,
        order_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.pack_id, r.quantity)).collect())
}

/// Whether every license the order bought is still unused in its pack
/// (nothing reserved, consumed or moved to a coupon). Locks the packs.
pub async fn licenses_untouched(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid) -> Result<bool, sqlx::Error> {
    for (pack, quantity) in order_packs(tx, workgroup_id, order_id).await? {
        match licenses::lock_counts(tx, workgroup_id, pack).await? {
            Some((available, 0, 0)) if available == quantity => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// Serializes refunds and payments of one order: whoever comes second sees
/// what the first did.
pub async fn lock_order(tx: &mut Tx, order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('order ' || $1::text, 0))", order_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes the order's one refund: false if it has one already.
pub async fn insert_refund(
    tx: &mut Tx,
    workgroup_id: Uuid,
    order_id: Uuid,
    amount: Cents,
    at: DateTime<Utc>,
    gateway_refund: Option<&str>,
    agent_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO refunds (id, workgroup_id, order_id, amount_cents, refunded_at, gateway_refund, refunded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id) DO NOTHING",
        Uuid::new_v4(),
        workgroup_id,
        order_id,
        amount.0,
        at,
        gateway_refund,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the order's licenses back out of their packs, through the license log.
pub async fn return_licenses(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid, number: i64, agent_id: Uuid) -> Result<(), sqlx::Error> {
    let (summary, link) = (format!("Order {number} refunded"), format!("/settings/billing/{order_id}"));
    crate::feed::store::record(tx, workgroup_id, NewEvent::new(EventKind::Refund, &summary).actor(agent_id).link(&link)).await?;
    let reference = format!("refund of order {number}");
    for (pack, quantity) in order_packs(tx, workgroup_id, order_id).await? {
        licenses::record(tx, workgroup_id, pack, licenses::Change::refunded(quantity), Some(agent_id), Some(&reference)).await?;
    }
    Ok(())
}
