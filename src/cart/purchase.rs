//! Placing an order from the cart, by card (Checkout) or by wire transfer
//! (Create Quote). One transaction does it all: the order, its lines, the
//! charge, the payment row, the license packs and the license log commit
//! together, or nothing is kept (a declined card leaves no order behind).
//!
//! Idempotency, and whose it is: opening the Complete Purchase page opens a
//! checkout on the server (this agent, this workgroup, this cart) and gives
//! the page a key that names it. The key finds nothing for another agent, in
//! another workgroup, or once a day has passed. Requests for one checkout run
//! one at a time (an advisory lock); the first makes the order, whose id is
//! the checkout's, and every later one finds it and answers with it. The
//! gateway's idempotency key is that id: made by the server, unique across
//! Tandem, so a replayed page can never borrow another order's charge, and a
//! retry after a lost answer never charges twice.

use super::{fingerprint, store, totals};
use crate::billing::store as billing;
use crate::error::{AppError, AppResult};
use crate::server::context::{AppState, Ctx};
use crate::server::mail::{self, Mail};
use crate::server::payments::CardDetails;
use crate::subscriptions::store as subscriptions;
use uuid::Uuid;

pub enum Pay {
    Card(CardDetails),
    Wire { email: String },
}

pub struct Placed {
    pub order_id: Uuid,
    pub number: i64,
}

const STALE_PAGE: &str = "This Complete Purchase page is out of date. Open it again from the Shopping Cart.";

pub async fn place(state: &AppState, ctx: &Ctx, key: &str, posted_fingerprint: &str, pay: Pay) -> AppResult<Placed> {
    let key: Uuid = key.trim().parse().map_err(|_| AppError::Conflict(STALE_PAGE.into()))?;
    let (wg, agent) = (ctx.workgroup_id, ctx.agent_id);
    let mut tx = ctx.begin(state).await?;
    let now = state.clock.now();
    let checkout = match store::find_checkout(&mut tx, wg, agent, key).await? {
        Some(c) if c.created_at + store::CHECKOUT_LIFETIME > now => c,
        _ => return Err(AppError::Conflict(STALE_PAGE.into())),
    };
    if checkout.fingerprint != posted_fingerprint {
        return Err(AppError::Conflict(
            "This Complete Purchase page was opened for a different cart. Open it again from the Shopping Cart.".into(),
        ));
    }
    let order_id = checkout.id;
    billing::lock_order(&mut tx, order_id).await?;
    if let Some(number) = billing::number_of(&mut tx, wg, order_id).await? {
        tx.commit().await?;
        return Ok(Placed { order_id, number });
    }
    store::lock(&mut tx, wg, agent).await?;
    let lines = store::lines(&mut tx, wg, agent).await?;
    if lines.is_empty() {
        return Err(AppError::Conflict("Your cart is empty.".into()));
    }
    let totals = totals(&lines, subscriptions::seats_held(&mut tx, wg).await?);
    let fingerprint = fingerprint(&lines, &totals);
    if fingerprint != checkout.fingerprint {
        return Err(AppError::Conflict(
            "Your cart changed since this page opened (products, counts or prices). Review it and try again.".into(),
        ));
    }
    let (Some(billing_address), Some(shipping_address)) = store::addresses(&mut tx, wg, agent).await? else {
        return Err(AppError::Conflict("Enter the billing address first.".into()));
    };
    if lines.iter().any(|l| l.seats) && !billing::has_subscription_card(&mut tx, wg).await? {
        return Err(AppError::Conflict(SEATS_NEED_CARD.into()));
    }
    let quote_email = match &pay {
        Pay::Wire { email } => Some(email.as_str()),
        Pay::Card(_) => None,
    };
    let new = billing::NewOrder {
        id: order_id,
        workgroup_id: wg,
        key,
        fingerprint: &fingerprint,
        placed_by: agent,
        created_at: now,
        wire: quote_email.is_some(),
        lines: &lines,
        totals: &totals,
        billing: &billing_address,
        shipping: &shipping_address,
        quote_email,
    };
    let number = billing::insert_order(&mut tx, &new).await?.ok_or_else(|| AppError::Conflict(STALE_PAGE.into()))?;
    match pay {
        Pay::Card(card) => {
            let charge = state.gateway.charge(order_id, totals.total, "USD", &card).await?;
            billing::insert_card_payment(&mut tx, wg, order_id, totals.total, now, &charge, agent).await?;
            billing::fulfil(&mut tx, wg, order_id, number, Some(agent), now).await?;
            tracing::info!(%order_id, number, total_cents = totals.total.0, "order paid by card");
        }
        Pay::Wire { email } => {
            let link = format!("{}/settings/billing/{order_id}/quote", state.config.public_url.trim_end_matches('/'));
            let items: Vec<String> = lines
                .iter()
                .map(|l| format!("  {} × {} at ${} = ${}", l.quantity, l.name, crate::money::Cents(l.unit_price_cents).plain(), l.total().plain()))
                .collect();
            let body = format!(
                "Quote {number} from Tandem\n\n{}\n\nSubtotal: ${}\nDiscount ({}%): ${}\nTotal: ${} (US dollars)\n\n\
                 Pay by wire transfer and quote {} (your order number, {number}) as the payment reference. The licenses are added to your workgroup when the transfer is received.\n\n\
                 The printable quote: {link}\n",
                items.join("\n"),
                totals.subtotal.plain(),
                totals.discount_percent,
                totals.discount.plain(),
                totals.total.plain(),
                crate::billing::wire_reference(number),
            );
            mail::enqueue(&mut tx, wg, Mail { to: &email, subject: &format!("Tandem quote {number}"), body: &body }).await?;
            tracing::info!(%order_id, number, total_cents = totals.total.0, "quote created");
        }
    }
    store::clear(&mut tx, wg, agent).await?;
    tx.commit().await?;
    Ok(Placed { order_id, number })
}

pub const SEATS_NEED_CARD: &str =
    "Subscriptions renew on the workgroup's subscription card: an Administrator must add it under Billing Information first.";
