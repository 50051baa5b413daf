//! Server functions for the feed and the bell. Every active member reads
//! the feed of the current workgroup and their own notifications.

use super::{FeedPage, NotificationList};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{parse_before, store, CustomerChoice, FEED_PAGE, NOTIFICATIONS_SHOWN},
    crate::server::context::{authorize, parse_id},
    crate::workgroups::Role,
};

/// The feed, newest first: `kind` and `customer` filter (empty: all),
/// `before` pages to older entries.
#[server]
pub async fn get_feed(kind: String, customer: String, before: String) -> Result<FeedPage, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = match customer.trim() {
        "" => None,
        id => Some(parse_id(id)?),
    };
    let filter = store::FeedFilter { kind: kind.trim().parse().ok(), customer_id, before: parse_before(&before), limit: FEED_PAGE };
    let mut tx = ctx.begin(&state).await?;
    let mut entries = store::feed(&mut tx, ctx.workgroup_id, &filter).await?;
    let customers: Vec<CustomerChoice> = crate::customers::store::choices(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    let older = (entries.len() as i64 > FEED_PAGE).then(|| {
        entries.truncate(FEED_PAGE as usize);
        entries.last().map(|e| e.id).unwrap_or_default()
    });
    Ok(FeedPage { entries, older, customers })
}

/// The bell's figure.
#[server]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let (state, ctx) = authorize().await?;
    let mut tx = ctx.begin(&state).await?;
    let n = store::unread(&mut tx, ctx.agent_id, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(n)
}

#[server]
pub async fn list_notifications() -> Result<NotificationList, AppError> {
    let (state, ctx) = authorize().await?;
    let mut tx = ctx.begin(&state).await?;
    let items = store::notifications(&mut tx, ctx.agent_id, ctx.workgroup_id, NOTIFICATIONS_SHOWN).await?;
    let unread = store::unread(&mut tx, ctx.agent_id, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(NotificationList { items, unread })
}

/// Mark read. With `open`, then go where the notification leads.
#[server]
pub async fn read_notification(id: String, #[server(default)] open: Option<String>) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let mut tx = ctx.begin(&state).await?;
    let link = store::mark_read(&mut tx, ctx.agent_id, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if open.is_some_and(|o| !o.is_empty()) {
        leptos_axum::redirect(&link);
    }
    Ok(())
}

#[server]
pub async fn read_all_notifications() -> Result<u64, AppError> {
    let (state, ctx) = authorize().await?;
    let mut tx = ctx.begin(&state).await?;
    let n = store::mark_all_read(&mut tx, ctx.agent_id, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(n)
}
