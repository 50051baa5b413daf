//! Server functions for runbooks. Every active member may read and edit the
//! workgroup's own runbooks; the built-in library is read-only (copy it).

use super::{RunbookPage, RunbookSummary};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::{parse_long_text, parse_minutes, parse_text, store},
    crate::server::context::{authorize, parse_id, Ctx},
    crate::server::db::Tx,
    crate::workgroups::Role,
};

#[cfg(feature = "ssr")]
fn name_taken(e: sqlx::Error, field: &str) -> AppError {
    crate::error::on_constraint(e, [("runbooks_name_key", AppError::validation(field, "A runbook with this name already exists."))])
}

#[cfg(feature = "ssr")]
async fn own_runbook(ctx: &Ctx, tx: &mut Tx, runbook_id: &str) -> Result<Uuid, AppError> {
    let id = parse_id(runbook_id)?;
    if !store::is_own(tx, ctx.workgroup_id, id).await? {
        // A built-in runbook exists but is not this workgroup's to change.
        return Err(match store::get(tx, ctx.workgroup_id, id).await? {
            Some(_) => AppError::Conflict("Built-in runbooks cannot be changed. Copy it to make your own.".into()),
            None => AppError::NotFound,
        });
    }
    Ok(id)
}

#[cfg(feature = "ssr")]
fn license_of(input: &str) -> Option<&str> {
    Some(input.trim()).filter(|s| !s.is_empty())
}

#[server]
pub async fn list_runbooks() -> Result<Vec<RunbookSummary>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let list = store::list(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(list)
}

#[server]
pub async fn get_runbook(runbook_id: String) -> Result<RunbookPage, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let id = parse_id(&runbook_id)?;
    let mut tx = ctx.begin(&state).await?;
    let runbook = store::get(&mut tx, ctx.workgroup_id, id).await?.ok_or(AppError::NotFound)?;
    let license_types = store::license_choices(&mut tx).await?;
    tx.commit().await?;
    Ok(RunbookPage { runbook, license_types })
}

/// Creates a runbook, empty or as a copy of another (`copy_of`, may be empty).
/// Answers its id so the page can open it.
#[server]
pub async fn create_runbook(name: String, description: String, copy_of: String) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let name = parse_text("name", &name, "a name for the runbook", 120)?;
    let description = parse_long_text("description", &description, 2000)?;
    let mut tx = ctx.begin(&state).await?;
    let id = if copy_of.trim().is_empty() {
        store::create(&mut tx, ctx.workgroup_id, &name, &description).await.map_err(|e| name_taken(e, "name"))?
    } else {
        let from = parse_id(&copy_of)?;
        store::copy(&mut tx, ctx.workgroup_id, from, &name).await.map_err(|e| name_taken(e, "name"))?.ok_or(AppError::NotFound)?
    };
    tx.commit().await?;
    leptos_axum::redirect(&format!("/runbooks/{id}"));
    Ok(id)
}

#[server]
pub async fn update_runbook(runbook_id: String, name: String, description: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let name = parse_text("name", &name, "a name for the runbook", 120)?;
    let description = parse_long_text("description", &description, 2000)?;
    let mut tx = ctx.begin(&state).await?;
    let id = own_runbook(&ctx, &mut tx, &runbook_id).await?;
    store::update(&mut tx, ctx.workgroup_id, id, &name, &description).await.map_err(|e| name_taken(e, "name"))?;
    tx.commit().await?;
    Ok(())
}

/// Deletes one of the workgroup's runbooks; one that services came from stays.
#[server]
pub async fn delete_runbook(runbook_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let id = own_runbook(&ctx, &mut tx, &runbook_id).await?;
    store::delete(&mut tx, ctx.workgroup_id, id).await.map_err(|e| {
        if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
            AppError::Conflict("Services were made from this runbook, so it stays. Rename it instead.".into())
        } else {
            e.into()
        }
    })?;
    tx.commit().await?;
    leptos_axum::redirect("/runbooks");
    Ok(())
}

#[server]
pub async fn add_step(
    runbook_id: String,
    name: String,
    instructions: String,
    estimated_minutes: String,
    license_type: String,
) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let name = parse_text("step_name", &name, "a name for the task", 120)?;
    let instructions = parse_long_text("instructions", &instructions, 4000)?;
    let estimated_minutes = parse_minutes("estimated_minutes", &estimated_minutes)?;
    let mut tx = ctx.begin(&state).await?;
    let id = own_runbook(&ctx, &mut tx, &runbook_id).await?;
    let license_type = license_of(&license_type);
    if let Some(code) = license_type {
        if !crate::licenses::store::type_exists(&mut tx, code).await? {
            return Err(AppError::validation("license_type", "Choose a license type from the list."));
        }
    }
    let step = store::NewStep { name: &name, instructions: &instructions, estimated_minutes, license_type };
    store::add_step(&mut tx, ctx.workgroup_id, id, step).await?;
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn update_step(
    step_id: String,
    name: String,
    instructions: String,
    estimated_minutes: String,
    license_type: String,
) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let step_id = parse_id(&step_id)?;
    let name = parse_text("step_name", &name, "a name for the task", 120)?;
    let instructions = parse_long_text("instructions", &instructions, 4000)?;
    let estimated_minutes = parse_minutes("estimated_minutes", &estimated_minutes)?;
    let license_type = license_of(&license_type);
    let mut tx = ctx.begin(&state).await?;
    if let Some(code) = license_type {
        if !crate::licenses::store::type_exists(&mut tx, code).await? {
            return Err(AppError::validation("license_type", "Choose a license type from the list."));
        }
    }
    let step = store::NewStep { name: &name, instructions: &instructions, estimated_minutes, license_type };
    if !store::update_step(&mut tx, ctx.workgroup_id, step_id, step).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn delete_step(step_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let step_id = parse_id(&step_id)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::delete_step(&mut tx, ctx.workgroup_id, step_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Moves a step one place up ("up") or down ("down").
#[server]
pub async fn move_step(step_id: String, direction: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let step_id = parse_id(&step_id)?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::validation("direction", "Move a step up or down.")),
    };
    let mut tx = ctx.begin(&state).await?;
    if !store::move_step(&mut tx, ctx.workgroup_id, step_id, up).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
