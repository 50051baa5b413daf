//! Server functions of the Account page. They need a signed-in agent, not a
//! role: an account is its agent's own, whatever workgroup is current.

use super::Account;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{store, SignedInSession},
    crate::auth::{check_new_password, parse_agent_name, password, store as auth},
    crate::server::context,
    crate::server::db::{self, Tenant, Tx},
    uuid::Uuid,
};

#[cfg(feature = "ssr")]
async fn signed_in() -> Result<(context::AppState, tower_sessions::Session, Uuid, Tx), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let agent_id = context::agent_id(&session).await?;
    let tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    Ok((state, session, agent_id, tx))
}

#[server]
pub async fn get_account() -> Result<Account, AppError> {
    let (_, session, agent_id, mut tx) = signed_in().await?;
    let profile = auth::profile(&mut tx, agent_id).await?.ok_or(AppError::Unauthenticated)?;
    let current = session.id().map(|id| id.to_string());
    let sessions = store::sessions_of(&mut tx, agent_id).await?;
    tx.commit().await?;
    let sessions = sessions
        .into_iter()
        .map(|s| SignedInSession {
            current: Some(&s.id) == current.as_ref(),
            address: s.address.unwrap_or_else(|| "unknown".into()),
            user_agent: s.user_agent.unwrap_or_else(|| "unknown".into()),
            signed_in_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect();
    Ok(Account { name: profile.name, email: profile.email, email_verified: profile.verified, sessions })
}

/// The agent's own name (the one shown at the top; each workgroup keeps the
/// name its members know them by).
#[server]
pub async fn update_name(name: String) -> Result<(), AppError> {
    let name = parse_agent_name(&name)?;
    let (_, _, agent_id, mut tx) = signed_in().await?;
    store::set_name(&mut tx, agent_id, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// Needs the current password. Every other session of the agent ends; this
/// one stays, under a new id.
#[server]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    if current_password.is_empty() {
        return Err(AppError::validation("current_password", "Enter your current password."));
    }
    check_new_password(&new_password).map_err(|e| AppError::validation("new_password", e.for_field("password").unwrap_or_default()))?;
    if new_password == current_password {
        return Err(AppError::validation("new_password", "Choose a password other than your current one."));
    }
    let (state, session, agent_id, mut tx) = signed_in().await?;
    let profile = auth::profile(&mut tx, agent_id).await?.ok_or(AppError::Unauthenticated)?;
    let address = crate::server::client_ip::client_address().await;
    // A session left open elsewhere must not become a way to guess the password.
    if !auth::take_sign_in_attempt(&mut tx, &profile.email, &address).await? {
        return Err(AppError::TooManyRequests(format!(
            "Too many failed attempts. Wait {} minutes, then try again.",
            auth::FAILURE_WINDOW_MINUTES
        )));
    }
    let hash = store::password_hash(&mut tx, agent_id).await?;
    tx.commit().await?;
    // No connection is held while hashing.
    let internal = |e: tokio::task::JoinError| AppError::Internal(crate::error::log_internal(&e));
    if !password::verify(current_password, hash).await.map_err(internal)? {
        return Err(AppError::validation("current_password", "That is not your current password."));
    }
    let new_hash = password::hash(new_password).await.map_err(internal)?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    auth::clear_failures(&mut tx, &profile.email).await?;
    store::set_password(&mut tx, agent_id, &new_hash).await?;
    let keep = session.id().map(|id| id.to_string()).unwrap_or_default();
    let ended = store::end_other_sessions(&mut tx, agent_id, &keep).await?;
    tx.commit().await?;
    session.cycle_id().await?;
    tracing::info!(%agent_id, ended, "password changed");
    Ok(())
}

/// Ends every session of the agent but this one.
#[server]
pub async fn sign_out_everywhere_else() -> Result<(), AppError> {
    let (_, session, agent_id, mut tx) = signed_in().await?;
    let keep = session.id().map(|id| id.to_string()).unwrap_or_default();
    let ended = store::end_other_sessions(&mut tx, agent_id, &keep).await?;
    tx.commit().await?;
    tracing::info!(%agent_id, ended, "signed out everywhere else");
    Ok(())
}
