//! The Dashboard's one server function: every member sees it; money is for
//! Administrators and Managers.

use super::Dashboard;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{fill_weeks, store, WEEKS},
    crate::server::context::authorize,
    crate::workgroups::Role,
};

#[server]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let today = state.clock.now().date_naive();
    let mut tx = ctx.begin(&state).await?;
    let services = store::service_counts(&mut tx, ctx.workgroup_id).await?;
    let (open_tasks, overdue_tasks) = store::task_counts(&mut tx, ctx.workgroup_id, today).await?;
    let since = fill_weeks(today, WEEKS, &[]).first().map(|w| w.week).unwrap_or(today);
    let found = store::completed_per_week(&mut tx, ctx.workgroup_id, since).await?;
    let licenses = store::license_stock(&mut tx, ctx.workgroup_id).await?;
    let seats = store::seats(&mut tx, ctx.workgroup_id).await?;
    let spend_this_month = match ctx.role.at_least(Role::Manager) {
        true => store::spend_this_month(&mut tx, ctx.workgroup_id).await?,
        false => None,
    };
    tx.commit().await?;
    Ok(Dashboard { services, open_tasks, overdue_tasks, weeks: fill_weeks(today, WEEKS, &found), licenses, seats, spend_this_month })
}
