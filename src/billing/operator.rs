//! The operator's side of wire transfers (`tandem orders list` and
//! `tandem orders mark-paid`). No role of a workgroup can turn an Open order
//! into Paid: the operator of the installation, who sees the bank account,
//! records the transfer, and the licenses arrive in the same transaction.
//!
//! Orders are found across workgroups on the owner's connection (read only);
//! the payment is written inside the order's workgroup, as the app role, so
//! row-level security holds for the write as for every other.

use super::{store, wire_reference, OrderStatus};
use crate::money::Cents;
use crate::server::db::{self, Tenant};
use crate::server::mail::{self, Mail};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// At most this many orders are listed, the newest first.
pub const LIST_LIMIT: i64 = 1000;

/// One line of `tandem orders list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorOrder {
    pub number: i64,
    pub workgroup: String,
    pub created_at: DateTime<Utc>,
    pub total: Cents,
    pub currency: String,
    pub wire: bool,
    pub status: OrderStatus,
}

impl OperatorOrder {
    /// What the buyer quotes on the transfer.
    pub fn reference(&self) -> String {
        wire_reference(self.number)
    }
}

/// Orders across the installation, newest first; `open_only`: those awaiting
/// a wire transfer.
pub async fn list(owner: &mut PgConnection, open_only: bool) -> Result<Vec<OperatorOrder>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT o.number, w.name AS workgroup, o.created_at, o.total_cents, o.currency::text AS "currency!", o.method,
                  p.order_id IS NOT NULL AS "paid!", r.order_id IS NOT NULL AS "refunded!"
             FROM orders o
             JOIN workgroups w ON w.id = o.workgroup_id
             LEFT JOIN payments p ON p.order_id = o.id
             LEFT JOIN refunds r ON r.order_id = o.id
            WHERE NOT $1 OR (o.method = 'wire' AND p.order_id IS NULL)
            ORDER BY o.number DESC
            LIMIT $2"#,
        open_only,
        LIST_LIMIT
    )
    .fetch_all(owner)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OperatorOrder {
            number: r.number,
            workgroup: r.workgroup,
            created_at: r.created_at,
            total: Cents(r.total_cents),
            currency: r.currency,
            wire: r.method == "wire",
            status: match (r.refunded, r.paid) {
                (true, _) => OrderStatus::Refunded,
                (false, true) => OrderStatus::Paid,
                _ => OrderStatus::Open,
            },
        })
        .collect())
}

/// Why a transfer was not recorded: said to the operator, nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("there is no order {0}")]
    NoSuchOrder(i64),
    #[error("order {0} was paid by card at checkout; there is no transfer to record")]
    NotWire(i64),
    #[error("order {0} is already paid; nothing was recorded")]
    AlreadyPaid(i64),
    #[error("the amount {amount} cents is not the total of order {number}: {total} cents (${plain}); nothing was recorded", plain = Cents(*total).plain())]
    WrongAmount { number: i64, amount: i64, total: i64 },
    #[error("--reference must be the bank's reference of the transfer, 1 to 100 characters")]
    BadReference,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A recorded transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub order_id: Uuid,
    pub number: i64,
    pub workgroup_id: Uuid,
    pub total: Cents,
}

/// Records the transfer that pays order `number`, once, if `amount` is its
/// total; the licenses and seats arrive in the same transaction, and the
/// quote's recipient is told.
pub async fn mark_paid(
    owner: &mut PgConnection,
    app: &PgPool,
    number: i64,
    reference: &str,
    amount: Cents,
    now: DateTime<Utc>,
) -> Result<Recorded, Refused> {
    let reference = crate::text::squish(reference);
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(Refused::BadReference);
    }
    let found = sqlx::query!("SELECT id, workgroup_id FROM orders WHERE number = $1", number)
        .fetch_optional(owner)
        .await?
        .ok_or(Refused::NoSuchOrder(number))?;
    let (order_id, workgroup_id) = (found.id, found.workgroup_id);
    let mut tx = db::begin_for(app, Tenant { agent_id: None, workgroup_id: Some(workgroup_id) }).await?;
    store::lock_order(&mut tx, order_id).await?;
    let order = store::order(&mut tx, workgroup_id, order_id).await?.ok_or(Refused::NoSuchOrder(number))?;
    if !order.wire {
        return Err(Refused::NotWire(number));
    }
    if order.status() != OrderStatus::Open {
        return Err(Refused::AlreadyPaid(number));
    }
    if amount != order.totals.total {
        return Err(Refused::WrongAmount { number, amount: amount.0, total: order.totals.total.0 });
    }
    if !store::insert_wire_payment(&mut tx, workgroup_id, order_id, amount, now, &reference).await? {
        return Err(Refused::AlreadyPaid(number));
    }
    store::fulfil(&mut tx, workgroup_id, order_id, number, None, now).await?;
    if let Some(to) = order.quote_email.as_deref() {
        let body = format!(
            "Your wire transfer for order {number} ({}, ${} US dollars) has been received.\n\n\
             The licenses are in your workgroup now: Settings, Licenses.\n",
            wire_reference(number),
            amount.plain()
        );
        mail::enqueue(&mut tx, workgroup_id, Mail { to, subject: &format!("Tandem order {number}: payment received"), body: &body }).await?;
    }
    tx.commit().await?;
    tracing::info!(%order_id, number, total_cents = amount.0, "wire transfer recorded by the operator");
    Ok(Recorded { order_id, number, workgroup_id, total: amount })
}
