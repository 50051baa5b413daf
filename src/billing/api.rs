//! Server functions for Billing History, order details, refunds, recording
//! wire transfers, and Billing Information.

use super::{BillingInfo, History, OrderDetails};
use crate::cart::AddressInput;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{refund_window, store, DateRange, OrderStatus},
    crate::server::context::{authorize, parse_id, AppState, Ctx},
    crate::server::db::Tx,
    crate::server::payments::{CardDetails, GatewayError},
    crate::subscriptions::store as subscriptions,
    crate::workgroups::Role,
    chrono::{DateTime, Utc},
};

/// The orders the Date Filter selects, and the sum of the Paid ones. The
/// Export download shows exactly these.
#[cfg(feature = "ssr")]
pub async fn history_for(state: &AppState, ctx: &Ctx, range: &str, from: &str, to: &str) -> Result<History, AppError> {
    ctx.require(Role::Manager)?;
    let (from, until) = range.trim().parse::<DateRange>().unwrap_or_default().bounds(state.clock.now(), from, to)?;
    let mut tx = ctx.begin(state).await?;
    let rows = store::history(&mut tx, ctx.workgroup_id, from, until).await?;
    tx.commit().await?;
    let paid_total = crate::money::Cents(rows.iter().filter(|r| r.status == OrderStatus::Paid).map(|r| r.total.0).sum());
    Ok(History { rows, paid_total })
}

#[server]
pub async fn billing_history(range: String, from: String, to: String) -> Result<History, AppError> {
    let (state, ctx) = authorize().await?;
    history_for(&state, &ctx, &range, &from, &to).await
}

/// Why the order cannot be refunded now, or None when it can. Locks its packs.
#[cfg(feature = "ssr")]
async fn refund_blocker(tx: &mut Tx, workgroup_id: uuid::Uuid, order: &store::Order, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    let why = match (order.status(), order.paid_at) {
        (OrderStatus::Refunded, _) => Some("This order has been refunded.".to_string()),
        (OrderStatus::Open, _) | (_, None) => Some("This order is not paid yet.".to_string()),
        _ if order.wire => Some("Orders paid by wire transfer cannot be refunded here.".to_string()),
        (_, Some(paid_at)) => refund_window(paid_at, now).err(),
    };
    if why.is_some() {
        return Ok(why);
    }
    if !store::licenses_untouched(tx, workgroup_id, order.id).await? {
        return Ok(Some("Some of this order's licenses are in use, used or moved to a coupon, so it cannot be refunded.".into()));
    }
    subscriptions::sync(tx, workgroup_id).await?;
    if !subscriptions::order_seats_unused(tx, workgroup_id, order.id).await? {
        return Ok(Some("Agents hold this order's subscription seats, so it cannot be refunded.".into()));
    }
    Ok(None)
}

#[server]
pub async fn get_order(order_id: String) -> Result<OrderDetails, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let id = parse_id(&order_id)?;
    let mut tx = ctx.begin(&state).await?;
    let order = store::order(&mut tx, ctx.workgroup_id, id).await?.ok_or(AppError::NotFound)?;
    let lines = store::lines(&mut tx, ctx.workgroup_id, id).await?;
    let blocker = refund_blocker(&mut tx, ctx.workgroup_id, &order, state.clock.now()).await?;
    tx.commit().await?;
    let status = order.status();
    Ok(OrderDetails {
        id: order.id,
        number: order.number,
        created_at: order.created_at,
        placed_by: order.placed_by,
        status,
        wire: order.wire,
        lines,
        totals: order.totals,
        currency: order.currency,
        billing: order.billing,
        shipping: order.shipping,
        quote_email: order.quote_email,
        paid: order.paid_at.zip(order.payment),
        refunded: order.refunded,
        refund_offer: blocker.map_or(Ok(()), Err),
    })
}

/// Refunds a card order once: the charge is refunded through the gateway,
/// a refund row marks the order Refunded, and its licenses leave their packs
/// through the license log, all in one transaction.
#[server]
pub async fn refund_order(order_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let id = parse_id(&order_id)?;
    let mut tx = ctx.begin(&state).await?;
    store::lock_order(&mut tx, id).await?;
    let order = store::order(&mut tx, ctx.workgroup_id, id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if let Some(why) = refund_blocker(&mut tx, ctx.workgroup_id, &order, now).await? {
        return Err(AppError::Conflict(why));
    }
    let charge = order.charge.as_deref().ok_or_else(|| AppError::Internal(crate::error::log_internal(&"card order without a charge")))?;
    let refund = state.gateway.refund(order.id, charge, order.totals.total).await.map_err(|e| match e {
        GatewayError::Declined(message) => AppError::Conflict(message),
        failed => failed.into(),
    })?;
    if !store::insert_refund(&mut tx, ctx.workgroup_id, id, order.totals.total, now, Some(&refund), ctx.agent_id).await? {
        return Err(AppError::Conflict("This order has been refunded.".into()));
    }
    store::return_licenses(&mut tx, ctx.workgroup_id, id, order.number, ctx.agent_id).await?;
    subscriptions::end_order_packs(&mut tx, ctx.workgroup_id, id, now).await?;
    subscriptions::sync(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    tracing::info!(order_id = %id, number = order.number, "order refunded");
    Ok(())
}

#[server]
pub async fn get_billing_info() -> Result<BillingInfo, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Administrator)?;
    let mut tx = ctx.begin(&state).await?;
    let info = store::billing_info(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(info)
}

/// The billing address and the currency of subscription charges.
#[server]
pub async fn save_billing_address(address: AddressInput, currency: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Administrator)?;
    let address = address.parse("address")?;
    if !matches!(currency.as_str(), "local" | "usd") {
        return Err(AppError::validation("currency", "Choose the local currency or US dollars."));
    }
    let mut tx = ctx.begin(&state).await?;
    store::save_billing_address(&mut tx, ctx.workgroup_id, &address, &currency, ctx.agent_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The subscription card: handed to the gateway, which keeps it; Tandem
/// keeps its token, brand, last four digits and expiry.
#[server]
pub async fn save_subscription_card(holder: String, number: String, expiry: String, cvc: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Administrator)?;
    let card = CardDetails::parse(&holder, &number, &expiry, &cvc, state.clock.now().date_naive())?;
    let saved = state.gateway.save_card(&card).await?;
    let mut tx = ctx.begin(&state).await?;
    store::save_subscription_card(&mut tx, ctx.workgroup_id, &saved.token, &saved.card, ctx.agent_id).await?;
    tx.commit().await?;
    Ok(())
}
