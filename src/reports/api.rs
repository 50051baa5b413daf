//! The Reports page's server function. Every member sees efficiency;
//! Administrators and Managers see money too.

use super::Report;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{parse_range, store},
    crate::server::context::authorize,
    crate::workgroups::Role,
};

/// `from` and `to` are dates (YYYY-MM-DD, both included; empty: the last 30
/// days); `by` is "customer", "service" or "agent".
#[server]
pub async fn get_report(from: String, to: String, by: String) -> Result<Report, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (from, to) = parse_range(&from, &to, state.clock.now().date_naive())?;
    let mut tx = ctx.begin(&state).await?;
    let report = store::report(&mut tx, ctx.workgroup_id, by.trim().parse().unwrap_or_default(), from, to, ctx.role.at_least(Role::Manager)).await?;
    tx.commit().await?;
    Ok(report)
}
