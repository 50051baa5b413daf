//! Orders and their payments: writing them, fulfilling them, reading them.

use crate::billing::{OrderLine, OrderRow, OrderStatus};
use crate::cart::{Address, CartLine, Totals};
use crate::feed::{store::NewEvent, EventKind};
use crate::licenses::{store as licenses, PACK_LIFETIME_DAYS};
use crate::money::Cents;
use crate::server::db::Tx;
use crate::server::payments::{CardSummary, Charge};
use crate::subscriptions::{store as subscriptions, Plan};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

pub struct NewOrder<'a> {
    /// The checkout's id (see `cart::purchase`).
    pub id: Uuid,
    pub workgroup_id: Uuid,
    pub key: Uuid,
    pub fingerprint: &'a str,
    pub placed_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub wire: bool,
    pub lines: &'a [CartLine],
    pub totals: &'a Totals,
    pub billing: &'a Address,
    pub shipping: &'a Address,
    pub quote_email: Option<&'a str>,
}

/// The number of an order already made, if it is.
pub async fn number_of(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT number FROM orders WHERE workgroup_id = $1 AND id = $2", workgroup_id, id)
        .fetch_optional(&mut **tx)
        .await
}

/// Inserts the order and its lines: its number, or None if the key was used meanwhile.
pub async fn insert_order(tx: &mut Tx, o: &NewOrder<'_>) -> Result<Option<i64>, sqlx::Error> {
    let id = o.id;
    let number = sqlx::query_scalar!(
        "INSERT INTO orders (id, workgroup_id, idempotency_key, cart_fingerprint, placed_by, created_at, method,
                             subtotal_cents, discount_percent, discount_cents, total_cents, billing_address, shipping_address, quote_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (workgroup_id, idempotency_key) DO NOTHING
         RETURNING number",
        id,
        o.workgroup_id,
        o.key,
        o.fingerprint,
        o.placed_by,
        o.created_at,
        if o.wire { "wire" } else { "card" },
        o.totals.subtotal.0,
        o.totals.discount_percent as i32,
        o.totals.discount.0,
        o.totals.total.0,
        Json(o.billing) as _,
        Json(o.shipping) as _,
        o.quote_email
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(number) = number else { return Ok(None) };
    for (position, line) in o.lines.iter().enumerate() {
        let (license_type, plan) = if line.seats { (None, Some(line.code.as_str())) } else { (Some(line.code.as_str()), None) };
        sqlx::query!(
            "INSERT INTO order_lines (workgroup_id, order_id, position, license_type, plan, name, quantity, unit_price_cents, line_total_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            o.workgroup_id,
            id,
            position as i32,
            license_type,
            plan,
            line.name,
            line.quantity,
            line.unit_price_cents,
            line.total().0
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(Some(number))
}

pub async fn insert_card_payment(
    tx: &mut Tx,
    workgroup_id: Uuid,
    order_id: Uuid,
    amount: Cents,
    paid_at: DateTime<Utc>,
    charge: &Charge,
    agent_id: Uuid,
) -> Result<(), sqlx::Error> {
    let CardSummary { brand, last4, exp_month, exp_year } = &charge.card;
    sqlx::query!(
        "INSERT INTO payments (id, workgroup_id, order_id, method, amount_cents, currency, paid_at, gateway_charge,
                               card_brand, card_last4, card_exp_month, card_exp_year, recorded_by)
         VALUES ($1, $2, $3, 'card', $4, 'USD', $5, $6, $7, $8, $9, $10, $11)",
        Uuid::new_v4(),
        workgroup_id,
        order_id,
        amount.0,
        paid_at,
        charge.id,
        brand,
        last4,
        exp_month,
        exp_year,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a wire transfer for an Open order (the operator does, so no
/// agent); false if it is paid already.
pub async fn insert_wire_payment(
    tx: &mut Tx,
    workgroup_id: Uuid,
    order_id: Uuid,
    amount: Cents,
    paid_at: DateTime<Utc>,
    reference: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO payments (id, workgroup_id, order_id, method, amount_cents, currency, paid_at, wire_reference)
         VALUES ($1, $2, $3, 'wire', $4, 'USD', $5, $6)
         ON CONFLICT (order_id) DO NOTHING",
        Uuid::new_v4(),
        workgroup_id,
        order_id,
        amount.0,
        paid_at,
        reference
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Delivers a paid order: a license pack per license line (written to the
/// license log) and a seat pack per plan line, in the caller's transaction.
/// `agent_id` is who paid; None when the operator recorded a wire transfer.
pub async fn fulfil(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid, number: i64, agent_id: Option<Uuid>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let lines = sqlx::query!(
        r#"SELECT license_type, plan AS "plan: Plan", quantity FROM order_lines WHERE workgroup_id = $1 AND order_id = $2 ORDER BY position"#,
        workgroup_id,
        order_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let reference = format!("order {number}");
    let items = sqlx::query_scalar!(
        r#"SELECT string_agg(l.quantity || ' ' || coalesce(lt.name, initcap(replace(l.plan, '_', ' ')) || ' seats'), ', ' ORDER BY l.position) AS "items!"
             FROM order_lines l LEFT JOIN license_types lt ON lt.code = l.license_type
            WHERE l.workgroup_id = $1 AND l.order_id = $2"#,
        workgroup_id,
        order_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let summary = format!("Order {number} paid: {items}");
    let link = format!("/settings/billing/{order_id}");
    let event = NewEvent::new(EventKind::LicensesBought, &summary).link(&link);
    let event = match agent_id {
        Some(agent_id) => event.actor(agent_id),
        None => event,
    };
    crate::feed::store::record(tx, workgroup_id, event).await?;
    for line in lines {
        if let Some(license_type) = line.license_type {
            let expires = now + chrono::Duration::days(PACK_LIFETIME_DAYS);
            let pack = licenses::acquire_with_reference(
                tx,
                workgroup_id,
                &license_type,
                "purchase",
                line.quantity,
                Some(expires),
                None,
                agent_id,
                Some(&reference),
            )
            .await?;
            sqlx::query!(
                "INSERT INTO order_packs (workgroup_id, order_id, pack_id, quantity) VALUES ($1, $2, $3, $4)",
                workgroup_id,
                order_id,
                pack,
                line.quantity
            )
            .execute(&mut **tx)
            .await?;
        } else if let Some(plan) = line.plan {
            subscriptions::add_pack(tx, workgroup_id, plan, line.quantity, order_id, now).await?;
        }
    }
    subscriptions::sync(tx, workgroup_id).await
}

/// Billing History rows in [from, until), newest first.
pub async fn history(tx: &mut Tx, workgroup_id: Uuid, from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Result<Vec<OrderRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.number, o.created_at, o.total_cents, o.currency::text AS "currency!", o.method,
                  p.card_brand AS "card_brand?", p.card_last4::text AS "card_last4?",
                  CASE WHEN r.order_id IS NOT NULL THEN 'refunded' WHEN p.order_id IS NOT NULL THEN 'paid' ELSE 'open' END AS "status!: OrderStatus",
                  (SELECT string_agg(l.quantity || ' × ' || l.name, ', ' ORDER BY l.position)
                     FROM order_lines l WHERE l.workgroup_id = o.workgroup_id AND l.order_id = o.id) AS "items!"
             FROM orders o
             LEFT JOIN payments p ON p.workgroup_id = o.workgroup_id AND p.order_id = o.id
             LEFT JOIN refunds r ON r.workgroup_id = o.workgroup_id AND r.order_id = o.id
            WHERE o.workgroup_id = $1
              AND ($2::timestamptz IS NULL OR o.created_at >= $2)
              AND ($3::timestamptz IS NULL OR o.created_at < $3)
            ORDER BY o.created_at DESC, o.number DESC
            LIMIT 1000"#,
        workgroup_id,
        from,
        until
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrderRow {
            id: r.id,
            number: r.number,
            created_at: r.created_at,
            items: r.items,
            total: Cents(r.total_cents),
            currency: r.currency,
            payment: payment_label(&r.method, r.card_brand.as_deref(), r.card_last4.as_deref()),
            status: r.status,
        })
        .collect())
}

fn payment_label(method: &str, brand: Option<&str>, last4: Option<&str>) -> String {
    match (method, brand, last4) {
        ("card", Some(b), Some(l)) => format!("{b} •••• {l}"),
        ("card", ..) => "Card".to_string(),
        _ => "Wire transfer".to_string(),
    }
}

/// An order with its payment and refund, as the details view and refunds need it.
pub struct Order {
    pub id: Uuid,
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub placed_by: Option<String>,
    pub wire: bool,
    pub totals: Totals,
    pub currency: String,
    pub billing: Address,
    pub shipping: Address,
    pub quote_email: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub payment: Option<String>,
    pub charge: Option<String>,
    pub refunded: Option<(DateTime<Utc>, Cents)>,
}

impl Order {
    pub fn status(&self) -> OrderStatus {
        match (&self.refunded, self.paid_at) {
            (Some(_), _) => OrderStatus::Refunded,
            (None, Some(_)) => OrderStatus::Paid,
            _ => OrderStatus::Open,
        }
    }
}

pub async fn order(tx: &mut Tx, workgroup_id: Uuid, id: Uuid) -> Result<Option<Order>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT o.id, o.number, o.created_at, a.name AS "placed_by?", o.method, o.subtotal_cents, o.discount_percent,
                  o.discount_cents, o.total_cents, o.currency::text AS "currency!",
                  o.billing_address AS "billing: Json<Address>", o.shipping_address AS "shipping: Json<Address>", o.quote_email,
                  p.paid_at AS "paid_at?", p.method AS "pay_method?", p.card_brand AS "card_brand?", p.card_last4::text AS "card_last4?",
                  p.card_exp_month AS "exp_month?", p.card_exp_year AS "exp_year?", p.wire_reference AS "wire_reference?",
                  p.gateway_charge AS "charge?", r.refunded_at AS "refunded_at?", r.amount_cents AS "refund_cents?"
             FROM orders o
             LEFT JOIN agents a ON a.id = o.placed_by
             LEFT JOIN payments p ON p.workgroup_id = o.workgroup_id AND p.order_id = o.id
             LEFT JOIN refunds r ON r.workgroup_id = o.workgroup_id AND r.order_id = o.id
            WHERE o.workgroup_id = $1 AND o.id = $2"#,
        workgroup_id,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| {
        let payment = r.pay_method.as_deref().map(|m| match m {
            "card" => format!(
                "{}, expires {:02}/{}",
                payment_label(m, r.card_brand.as_deref(), r.card_last4.as_deref()),
                r.exp_month.unwrap_or(0),
                r.exp_year.unwrap_or(0)
            ),
            _ => match r.wire_reference.as_deref() {
                Some(reference) if !reference.is_empty() => format!("Wire transfer, reference {reference}"),
                _ => "Wire transfer".to_string(),
            },
        });
        Order {
            id: r.id,
            number: r.number,
            created_at: r.created_at,
            placed_by: r.placed_by,
            wire: r.method == "wire",
            totals: Totals {
                subtotal: Cents(r.subtotal_cents),
                discount_percent: i64::from(r.discount_percent),
                discount: Cents(r.discount_cents),
                total: Cents(r.total_cents),
            },
            currency: r.currency,
            billing: r.billing.0,
            shipping: r.shipping.0,
            quote_email: r.quote_email,
            paid_at: r.paid_at,
            payment,
            charge: r.charge,
            refunded: r.refunded_at.zip(r.refund_cents.map(Cents)),
        }
    }))
}

pub async fn lines(tx: &mut Tx, workgroup_id: Uuid, order_id: Uuid) -> Result<Vec<OrderLine>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT name, quantity, unit_price_cents, line_total_cents, plan IS NOT NULL AS seats
           FROM order_lines WHERE workgroup_id = $1 AND order_id = $2 ORDER BY position",
        workgroup_id,
        order_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrderLine {
            name: r.name,
            quantity: r.quantity,
            unit_price: Cents(r.unit_price_cents),
            total: Cents(r.line_total_cents),
            seats: r.seats.unwrap_or(false),
        })
        .collect())
}
