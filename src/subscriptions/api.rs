//! Server functions for the Subscriptions tab.

use super::SubscriptionsOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::store,
    crate::server::context::{authorize, parse_id},
    crate::workgroups::Role,
};

/// Seats and their holders. Associates see only their own seat.
#[server]
pub async fn list_subscriptions() -> Result<SubscriptionsOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let manages = ctx.role.at_least(Role::Manager);
    let mut tx = ctx.begin(&state).await?;
    store::sync(&mut tx, ctx.workgroup_id).await?;
    let mut holders = store::holders(&mut tx, ctx.workgroup_id).await?;
    let (usage, (packs, total_packs), prices) = if manages {
        let prices = crate::cart::store::plan_prices(&mut tx).await?;
        (store::usage(&mut tx, ctx.workgroup_id).await?, store::packs(&mut tx, ctx.workgroup_id).await?, prices)
    } else {
        holders.retain(|h| h.agent_id == ctx.agent_id);
        (vec![], (vec![], 0), vec![])
    };
    tx.commit().await?;
    Ok(SubscriptionsOverview { manages, me: ctx.agent_id, usage, packs, total_packs, holders, prices })
}

/// Switches renewal of one agent's seat on or off.
#[server]
pub async fn set_seat_renewal(agent_id: String, renew: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let agent_id = parse_id(&agent_id)?;
    let renew = match renew.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::validation("renew", "Choose on or off.")),
    };
    let mut tx = ctx.begin(&state).await?;
    store::sync(&mut tx, ctx.workgroup_id).await?;
    if !store::set_renewal(&mut tx, ctx.workgroup_id, agent_id, renew).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
