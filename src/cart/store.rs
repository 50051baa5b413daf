//! SQL for the catalogue and the cart (one per agent and workgroup).

use super::{Address, CartLine, CatalogItem};
use crate::server::db::Tx;
use crate::subscriptions::Plan;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

/// License types, then plans, each with its unit price (USD cents).
pub async fn catalog(tx: &mut Tx) -> Result<Vec<CatalogItem>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT code AS "code!", name AS "name!", price AS "price!", seats AS "seats!" FROM (
             SELECT code, name, unit_price_cents AS price, false AS seats, position FROM license_types
             UNION ALL
             SELECT code, name, yearly_price_cents, true, 100 + position FROM plans) c
           ORDER BY position"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CatalogItem { code: r.code, name: r.name, unit_price_cents: r.price, seats: r.seats })
        .collect())
}

pub async fn plan_prices(tx: &mut Tx) -> Result<Vec<(Plan, i64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT code AS "code: Plan", yearly_price_cents FROM plans ORDER BY position"#).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|r| (r.code, r.yearly_price_cents)).collect())
}

/// Makes sure the agent has a cart here and locks it: checkouts of one cart run one at a time.
pub async fn lock(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO carts (workgroup_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        workgroup_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("SELECT agent_id FROM carts WHERE workgroup_id = $1 AND agent_id = $2 FOR UPDATE", workgroup_id, agent_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(())
}

/// The cart's lines at today's prices, in catalogue order.
pub async fn lines(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<Vec<CartLine>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT coalesce(t.code, p.code) AS "code!", coalesce(t.name, p.name) AS "name!", i.quantity,
                  coalesce(t.unit_price_cents, p.yearly_price_cents) AS "price!", (i.plan IS NOT NULL) AS "seats!"
             FROM cart_items i
             LEFT JOIN license_types t ON t.code = i.license_type
             LEFT JOIN plans p ON p.code = i.plan
            WHERE i.workgroup_id = $1 AND i.agent_id = $2
            ORDER BY coalesce(t.position, 100 + p.position)"#,
        workgroup_id,
        agent_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CartLine { code: r.code, name: r.name, quantity: r.quantity, unit_price_cents: r.price, seats: r.seats })
        .collect())
}

/// Sets how many of a product the cart holds (replacing what it held).
pub async fn set_quantity(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, item: &CatalogItem, quantity: i32) -> Result<(), sqlx::Error> {
    lock(tx, workgroup_id, agent_id).await?;
    if item.seats {
        sqlx::query!(
            "INSERT INTO cart_items (workgroup_id, agent_id, plan, quantity) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workgroup_id, agent_id, plan) WHERE plan IS NOT NULL DO UPDATE SET quantity = excluded.quantity",
            workgroup_id,
            agent_id,
            item.code,
            quantity
        )
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query!(
            "INSERT INTO cart_items (workgroup_id, agent_id, license_type, quantity) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workgroup_id, agent_id, license_type) WHERE license_type IS NOT NULL DO UPDATE SET quantity = excluded.quantity",
            workgroup_id,
            agent_id,
            item.code,
            quantity
        )
        .execute(&mut **tx)
        .await?;
    }
    touch(tx, workgroup_id, agent_id).await
}

async fn touch(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE carts SET updated_at = now() WHERE workgroup_id = $1 AND agent_id = $2", workgroup_id, agent_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes a product out of the cart; false if it was not in it.
pub async fn remove(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, code: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM cart_items WHERE workgroup_id = $1 AND agent_id = $2 AND (license_type = $3 OR plan = $3)",
        workgroup_id,
        agent_id,
        code
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn clear(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM cart_items WHERE workgroup_id = $1 AND agent_id = $2", workgroup_id, agent_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The cart's billing and shipping addresses, if entered.
pub async fn addresses(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<(Option<Address>, Option<Address>), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT billing_address AS "billing: Json<Address>", shipping_address AS "shipping: Json<Address>"
             FROM carts WHERE workgroup_id = $1 AND agent_id = $2"#,
        workgroup_id,
        agent_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| (r.billing.map(|j| j.0), r.shipping.map(|j| j.0))).unwrap_or((None, None)))
}

pub async fn save_addresses(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, billing: &Address, shipping: &Address) -> Result<(), sqlx::Error> {
    lock(tx, workgroup_id, agent_id).await?;
    sqlx::query!(
        "UPDATE carts SET billing_address = $3, shipping_address = $4, updated_at = now() WHERE workgroup_id = $1 AND agent_id = $2",
        workgroup_id,
        agent_id,
        Json(billing) as _,
        Json(shipping) as _
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A checkout opened for the Complete Purchase page: the order it becomes.
pub struct OpenCheckout {
    /// The order's id and the gateway's idempotency key; never sent to a browser.
    pub id: Uuid,
    /// The cart it was opened for.
    pub fingerprint: String,
    pub created_at: DateTime<Utc>,
}

/// Opens a checkout for this agent's cart and answers the key the page holds.
/// This agent's checkouts older than a day go (their orders, if any, stay).
pub async fn open_checkout(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, fingerprint: &str, now: DateTime<Utc>) -> Result<Uuid, sqlx::Error> {
    sqlx::query!(
        "DELETE FROM checkouts WHERE workgroup_id = $1 AND agent_id = $2 AND created_at < $3",
        workgroup_id,
        agent_id,
        now - CHECKOUT_LIFETIME
    )
    .execute(&mut **tx)
    .await?;
    let browser_key = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO checkouts (id, workgroup_id, agent_id, browser_key, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        workgroup_id,
        agent_id,
        browser_key,
        fingerprint,
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(browser_key)
}

/// The checkout a page's key names: only this agent's, in this workgroup.
pub async fn find_checkout(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, browser_key: Uuid) -> Result<Option<OpenCheckout>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, fingerprint, created_at FROM checkouts WHERE workgroup_id = $1 AND agent_id = $2 AND browser_key = $3",
        workgroup_id,
        agent_id,
        browser_key
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| OpenCheckout { id: r.id, fingerprint: r.fingerprint, created_at: r.created_at }))
}

/// How long a Complete Purchase page stays good.
pub const CHECKOUT_LIFETIME: chrono::Duration = chrono::Duration::days(1);
