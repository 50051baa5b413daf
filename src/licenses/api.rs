//! Server functions for the Licenses tab and its security log.

use super::{LicensesOverview, LogEntry};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::store, crate::server::context::authorize, crate::workgroups::Role};

/// The workgroup's packs. Everyone sees counts; prices only Administrators and Managers.
#[server]
pub async fn list_licenses() -> Result<LicensesOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let manages = ctx.role.at_least(Role::Manager);
    let mut tx = ctx.begin(&state).await?;
    store::expire_due(&mut tx, ctx.workgroup_id).await?;
    let (packs, total_packs) = store::packs(&mut tx, ctx.workgroup_id).await?;
    let mut types = store::types(&mut tx).await?;
    tx.commit().await?;
    if !manages {
        for t in &mut types {
            t.unit_price_cents = None;
        }
    }
    Ok(LicensesOverview { packs, total_packs, types, manages })
}

/// The license security log, newest first; filter by type and dates (YYYY-MM-DD, inclusive).
#[server]
pub async fn license_log(license_type: String, from: String, to: String) -> Result<Vec<LogEntry>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let day = |field: &str, s: &str| crate::dates::parse_day(field, s).map(|d| d.map(crate::dates::start_of));
    let filter = store::LogFilter {
        license_type: Some(license_type.trim().to_string()).filter(|t| !t.is_empty()),
        from: day("from", &from)?,
        until: day("to", &to)?.map(|d| d + chrono::Duration::days(1)),
    };
    let mut tx = ctx.begin(&state).await?;
    let entries = store::log(&mut tx, ctx.workgroup_id, &filter).await?;
    tx.commit().await?;
    Ok(entries)
}
