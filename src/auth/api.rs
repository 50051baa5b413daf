//! Server functions for signing up, in and out.

use super::Me;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{check_new_password, parse_agent_name, parse_email, password, store},
    crate::server::context::{self, AGENT_KEY, WORKGROUP_KEY},
    crate::server::db::{self, Tenant},
    crate::workgroups::{store as workgroups, Role},
};

/// The signed-in agent with their workgroups, or `None` when signed out.
#[server]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let Some(agent_id) = session.get::<uuid::Uuid>(AGENT_KEY).await? else { return Ok(None) };
    let current = session.get::<uuid::Uuid>(WORKGROUP_KEY).await?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: current }).await?;
    let Some((name, email)) = store::agent_profile(&mut tx, agent_id).await? else {
        session.flush().await?;
        return Ok(None);
    };
    let workgroups = workgroups::list_for_agent(&mut tx, agent_id).await?;
    tx.commit().await?;
    let workgroup = match workgroups.iter().find(|w| Some(w.id) == current).or(workgroups.first()) {
        Some(w) => w.clone(),
        None => {
            session.flush().await?;
            return Ok(None);
        }
    };
    if Some(workgroup.id) != current {
        session.insert(WORKGROUP_KEY, workgroup.id).await?;
    }
    Ok(Some(Me { agent_id, name, email, workgroup, workgroups }))
}

/// Creates the agent and their own workgroup (named after them, with them as
/// Administrator and 3 free training subscriptions), then signs them in.
#[server]
pub async fn sign_up(name: String, email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let name = parse_agent_name(&name)?;
    let email = parse_email(&email)?;
    check_new_password(&password)?;
    let hash = password::hash(password).await.map_err(|e| AppError::Internal(crate::error::log_internal(&e)))?;

    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: None, workgroup_id: None }).await?;
    let agent_id = match store::insert_agent(&mut tx, &name, &email, &hash).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::validation("email", "An account with this email already exists. Log in instead."))
        }
        Err(e) => return Err(e.into()),
    };
    db::set_agent(&mut tx, agent_id).await?;
    let workgroup_id = workgroups::create(&mut tx, agent_id, &name, &name).await?;
    tx.commit().await?;

    start_session(&session, agent_id, workgroup_id).await?;
    tracing::info!(%agent_id, "agent signed up");
    leptos_axum::redirect(&super::safe_next(next.as_deref()));
    Ok(())
}

#[server]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    const REFUSED: &str = "That email and password do not match an account.";
    let state = context::state()?;
    let session = context::session().await?;
    let email = email.trim().to_string();
    if email.is_empty() {
        return Err(AppError::validation("email", "Enter your email address."));
    }
    let address = client_address().await;

    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: None, workgroup_id: None }).await?;
    if store::is_throttled(&mut tx, &email, &address).await? {
        return Err(AppError::TooManyRequests(format!(
            "Too many failed attempts. Wait {} minutes, then try again.",
            store::FAILURE_WINDOW_MINUTES
        )));
    }
    let found = store::credentials(&mut tx, &email).await?;
    let (agent_id, hash) = match found {
        Some(c) => (Some(c.id), Some(c.password_hash)),
        None => (None, None),
    };
    let ok = password::verify(password, hash).await.map_err(|e| AppError::Internal(crate::error::log_internal(&e)))?;
    let agent_id = match (ok, agent_id) {
        (true, Some(id)) => id,
        _ => {
            store::record_failure(&mut tx, &email, &address).await?;
            tx.commit().await?;
            tracing::info!(address, "failed sign-in");
            return Err(AppError::validation("password", REFUSED));
        }
    };
    store::clear_failures(&mut tx, &email).await?;
    db::set_agent(&mut tx, agent_id).await?;
    let first = workgroups::list_for_agent(&mut tx, agent_id).await?;
    tx.commit().await?;
    let Some(workgroup) = first.into_iter().find(|w| w.role != Role::Inactive) else {
        return Err(AppError::validation("password", "This account has no active workgroup."));
    };

    start_session(&session, agent_id, workgroup.id).await?;
    tracing::info!(%agent_id, "agent signed in");
    leptos_axum::redirect(&super::safe_next(next.as_deref()));
    Ok(())
}

#[server]
pub async fn log_out() -> Result<(), AppError> {
    let session = context::session().await?;
    session.flush().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// A new session id at every sign-in, so an id planted before it is worthless.
#[cfg(feature = "ssr")]
async fn start_session(session: &tower_sessions::Session, agent_id: uuid::Uuid, workgroup_id: uuid::Uuid) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(AGENT_KEY, agent_id).await?;
    session.insert(WORKGROUP_KEY, workgroup_id).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

#[cfg(feature = "ssr")]
async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".to_string(),
    }
}
