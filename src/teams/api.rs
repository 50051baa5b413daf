//! Server functions for teams. Everyone sees them; Administrators and
//! Managers change them.

use super::TeamsOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{parse_mode, parse_team_name, store},
    crate::server::context::{authorize, parse_id},
    crate::workgroups::Role,
};

#[cfg(feature = "ssr")]
fn name_taken(e: sqlx::Error, field: &str) -> AppError {
    crate::error::on_constraint(e, [("teams_name_key", AppError::validation(field, "A team with this name already exists in this workgroup."))])
}

#[server]
pub async fn list_teams() -> Result<TeamsOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let teams = store::list(&mut tx, ctx.workgroup_id).await?;
    let agents = store::active_agents(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(TeamsOverview { teams, agents, can_edit: ctx.role.at_least(Role::Manager) })
}

#[server]
pub async fn create_team(name: String, mode: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let name = parse_team_name("name", &name)?;
    let mode = parse_mode("mode", &mode)?;
    let mut tx = ctx.begin(&state).await?;
    store::create(&mut tx, ctx.workgroup_id, &name, mode).await.map_err(|e| name_taken(e, "name"))?;
    tx.commit().await?;
    Ok(())
}

/// Renames a team and sets its mode.
#[server]
pub async fn update_team(team_id: String, name: String, mode: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let team_id = parse_id(&team_id)?;
    let name = parse_team_name("team_name", &name)?;
    let mode = parse_mode("team_mode", &mode)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::update(&mut tx, ctx.workgroup_id, team_id, &name, mode).await.map_err(|e| name_taken(e, "team_name"))? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn delete_team(team_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let team_id = parse_id(&team_id)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::delete(&mut tx, ctx.workgroup_id, team_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn add_team_member(team_id: String, agent_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let (team_id, agent_id) = (parse_id(&team_id)?, parse_id(&agent_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::add_member(&mut tx, ctx.workgroup_id, team_id, agent_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn remove_team_member(team_id: String, agent_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let (team_id, agent_id) = (parse_id(&team_id)?, parse_id(&agent_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::remove_member(&mut tx, ctx.workgroup_id, team_id, agent_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
