//! Server functions for the Shopping Cart and Complete Purchase.

use super::{AddressInput, CartView, CheckoutState};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::{purchase, fingerprint, store, totals, Purchase, MAX_QUANTITY},
    crate::billing::store as billing,
    crate::server::context::authorize,
    crate::server::payments::CardDetails,
    crate::subscriptions::store as subscriptions,
    crate::workgroups::Role,
};

/// The catalogue, the agent's cart in this workgroup, and its prices.
#[server]
pub async fn get_cart() -> Result<CartView, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    let catalog = store::catalog(&mut tx).await?;
    let lines = store::lines(&mut tx, ctx.workgroup_id, ctx.agent_id).await?;
    let subscriptions = subscriptions::seats_held(&mut tx, ctx.workgroup_id).await?;
    let (billing_address, shipping) = store::addresses(&mut tx, ctx.workgroup_id, ctx.agent_id).await?;
    let subscription_card = billing::has_subscription_card(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    let totals = totals(&lines, subscriptions);
    Ok(CartView { catalog, lines, totals, subscriptions, billing: billing_address, shipping, subscription_card })
}

/// Next: puts `quantity` of a product in the cart (replacing what was there).
#[server]
pub async fn set_cart_item(code: String, quantity: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let quantity: i32 = match quantity.trim().parse() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => n,
        _ => return Err(AppError::validation("quantity", "Enter a whole number from 1 to 10,000.")),
    };
    let mut tx = ctx.begin(&state).await?;
    let catalog = store::catalog(&mut tx).await?;
    let item = catalog.into_iter().find(|c| c.code == code.trim()).ok_or(AppError::NotFound)?;
    if item.seats && !billing::has_subscription_card(&mut tx, ctx.workgroup_id).await? {
        return Err(AppError::validation("quantity", purchase::SEATS_NEED_CARD));
    }
    store::set_quantity(&mut tx, ctx.workgroup_id, ctx.agent_id, &item, quantity).await?;
    tx.commit().await?;
    leptos_axum::redirect("/settings/cart");
    Ok(())
}

#[server]
pub async fn remove_cart_item(code: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    store::remove(&mut tx, ctx.workgroup_id, ctx.agent_id, code.trim()).await?;
    tx.commit().await?;
    Ok(())
}

/// The billing address, and the shipping address unless it is the same.
#[server]
pub async fn save_cart_addresses(billing: AddressInput, ship_to_billing: Option<String>, shipping: Option<AddressInput>) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let billing_address = billing.parse("billing")?;
    let shipping = if ship_to_billing.is_some() {
        billing_address.clone()
    } else {
        shipping.unwrap_or_default().parse("shipping")?
    };
    let mut tx = ctx.begin(&state).await?;
    store::save_addresses(&mut tx, ctx.workgroup_id, ctx.agent_id, &billing_address, &shipping).await?;
    tx.commit().await?;
    leptos_axum::redirect("/settings/cart/complete");
    Ok(())
}

/// Opens Complete Purchase: the cart as it will be paid for, and the key of
/// a checkout the server keeps for it (see `purchase`): the Checkout or
/// Create Quote this page sends names it.
#[server]
pub async fn open_checkout() -> Result<CheckoutState, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    let lines = store::lines(&mut tx, ctx.workgroup_id, ctx.agent_id).await?;
    if lines.is_empty() {
        return Ok(CheckoutState::EmptyCart);
    }
    let (Some(billing_address), Some(shipping)) = store::addresses(&mut tx, ctx.workgroup_id, ctx.agent_id).await? else {
        return Ok(CheckoutState::NeedsAddress);
    };
    let held = subscriptions::seats_held(&mut tx, ctx.workgroup_id).await?;
    let email = crate::auth::store::agent_profile(&mut tx, ctx.agent_id).await?.map(|(_, email)| email).unwrap_or_default();
    let totals = totals(&lines, held);
    let fingerprint = fingerprint(&lines, &totals);
    let key = store::open_checkout(&mut tx, ctx.workgroup_id, ctx.agent_id, &fingerprint, state.clock.now()).await?;
    tx.commit().await?;
    Ok(CheckoutState::Ready(Box::new(Purchase { key, fingerprint, lines, totals, billing: billing_address, shipping, email })))
}

/// Checkout: pays the cart by card. Replays with the same key answer with
/// the same order and never charge again.
#[server]
pub async fn checkout(
    key: String,
    fingerprint: String,
    holder: String,
    number: String,
    expiry: String,
    cvc: String,
) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let card = CardDetails::parse(&holder, &number, &expiry, &cvc, state.clock.now().date_naive())?;
    let placed = purchase::place(&state, &ctx, &key, &fingerprint, purchase::Pay::Card(card)).await?;
    leptos_axum::redirect(&format!("/settings/billing/{}?paid=1", placed.order_id));
    Ok(placed.order_id)
}

/// Create Quote: an Open order, its quote mailed (to the outbox) and printable.
#[server]
pub async fn create_quote(key: String, fingerprint: String, email: String) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let email = crate::auth::parse_email(&email)?;
    let placed = purchase::place(&state, &ctx, &key, &fingerprint, purchase::Pay::Wire { email }).await?;
    leptos_axum::redirect(&format!("/settings/billing/{}/quote", placed.order_id));
    Ok(placed.order_id)
}
