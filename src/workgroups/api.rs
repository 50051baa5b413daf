//! Server functions for workgroups: authorize, open the tenant transaction,
//! call the store, map errors.

use super::{WorkgroupSettings, WorkgroupSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{parse_name, store, Role},
    crate::server::context::{self, authorize, WORKGROUP_KEY},
    crate::server::db::{self, Tenant},
};

#[server]
pub async fn get_workgroup_settings() -> Result<WorkgroupSettings, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let settings = store::settings(&mut tx, ctx.workgroup_id, ctx.role).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(settings)
}

#[server]
pub async fn rename_workgroup(name: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let name = parse_name("name", &name)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::rename(&mut tx, ctx.workgroup_id, &name).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn set_default_cost(cost: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let cents = crate::money::Cents::parse_dollars(&cost).map_err(|m| AppError::validation("cost", m))?;
    let mut tx = ctx.begin(&state).await?;
    if !store::set_default_cost(&mut tx, ctx.workgroup_id, cents.0).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Any signed-in agent may create a workgroup; they become its Administrator
/// and it becomes their current workgroup.
#[server]
pub async fn create_workgroup(name: String) -> Result<WorkgroupSummary, AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let agent_id = context::agent_id(&session).await?;
    let name = parse_name("new_name", &name)?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    let display_name = crate::auth::store::agent_name(&mut tx, agent_id).await?.ok_or(AppError::Unauthenticated)?;
    let id = store::create(&mut tx, agent_id, &display_name, &name).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(m) => AppError::validation("new_name", m),
        other => other,
    })?;
    tx.commit().await?;
    session.insert(WORKGROUP_KEY, id).await?;
    Ok(WorkgroupSummary { id, name, role: Role::Administrator })
}

/// Makes one of the agent's workgroups the current one, for every page.
#[server]
pub async fn switch_workgroup(workgroup_id: String) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let agent_id = context::agent_id(&session).await?;
    let target = context::parse_id(&workgroup_id)?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: Some(target) }).await?;
    let role = store::role_of(&mut tx, target, agent_id).await?;
    tx.commit().await?;
    match role {
        Some(role) if role != Role::Inactive => {
            session.insert(WORKGROUP_KEY, target).await?;
            Ok(())
        }
        // Not a member: the same answer as for an id that does not exist.
        _ => Err(AppError::NotFound),
    }
}
