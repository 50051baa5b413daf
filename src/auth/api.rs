//! Server functions for signing up, in and out.

use super::Me;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{check_new_password, parse_agent_name, parse_email, password, store},
    crate::server::mail::{self, Mail},
    crate::server::tokens,
    crate::server::client_ip::client_address,
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
    let Some(store::Profile { name, email, verified: email_verified }) = store::profile(&mut tx, agent_id).await? else {
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
    Ok(Some(Me { agent_id, name, email, email_verified, workgroup, workgroups }))
}

/// Creates the agent and their own workgroup (named after them, with them as
/// Administrator and 3 free training subscriptions), mails them a link that
/// verifies their address, then signs them in. Until they use the link their
/// address carries no power: no invitation reaches or admits them.
#[server]
pub async fn sign_up(name: String, email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let name = parse_agent_name(&name)?;
    let email = parse_email(&email)?;
    check_new_password(&password)?;
    let address = client_address().await;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: None, workgroup_id: None }).await?;
    if !store::take_sign_up_attempt(&mut tx, &address, state.config.sign_ups_per_hour).await? {
        return Err(AppError::TooManyRequests(format!(
            "Too many new accounts from your network. Try again in {} minutes.",
            store::SIGN_UP_WINDOW_MINUTES
        )));
    }
    tx.commit().await?;
    // No connection is held while hashing.
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
    let next = super::safe_next(next.as_deref());
    send_verification(&mut tx, &state.config.public_url, agent_id, &email, &next).await?;
    tx.commit().await?;

    start_session(&session, agent_id, workgroup_id).await?;
    tracing::info!(%agent_id, "agent signed up");
    leptos_axum::redirect(&next);
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
    if !store::take_sign_in_attempt(&mut tx, &email, &address).await? {
        return Err(AppError::TooManyRequests(format!(
            "Too many failed attempts. Wait {} minutes, then try again.",
            store::FAILURE_WINDOW_MINUTES
        )));
    }
    let found = store::credentials(&mut tx, &email).await?;
    tx.commit().await?;
    let (agent_id, hash) = match found {
        Some(c) => (Some(c.id), Some(c.password_hash)),
        None => (None, None),
    };
    // No connection is held while hashing; the attempt taken above stays
    // counted as a failure unless the password is right.
    let ok = password::verify(password, hash).await.map_err(|e| AppError::Internal(crate::error::log_internal(&e)))?;
    let agent_id = match (ok, agent_id) {
        (true, Some(id)) => id,
        _ => {
            tracing::info!(address, "failed sign-in");
            return Err(AppError::validation("password", REFUSED));
        }
    };
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    store::clear_failures(&mut tx, &email).await?;
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

/// Sends the agent a new verification link (the previous one stops working).
/// `next` is where the link leads once used, if not the Dashboard.
#[server]
pub async fn resend_verification(next: Option<String>) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let agent_id = context::agent_id(&session).await?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    let profile = store::profile(&mut tx, agent_id).await?.ok_or(AppError::Unauthenticated)?;
    if profile.verified {
        return Err(AppError::Conflict("Your email address is already verified.".into()));
    }
    send_verification(&mut tx, &state.config.public_url, agent_id, &profile.email, &super::safe_next(next.as_deref())).await?;
    tx.commit().await?;
    tracing::info!(%agent_id, "verification link sent again");
    Ok(())
}

/// Uses a verification link. Whoever holds it may (the mail may be read on
/// another device); then on to `next`, through Log in when signed out.
#[server]
pub async fn verify_email(token: String, next: Option<String>) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let signed_in = session.get::<uuid::Uuid>(AGENT_KEY).await?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: signed_in, workgroup_id: None }).await?;
    let agent_id = match store::verify(&mut tx, &tokens::hash(&token)).await? {
        store::Verified::Done(agent_id) => agent_id,
        store::Verified::Expired => {
            return Err(AppError::Conflict(
                "This link has expired. Log in and send yourself a new one from your Account page.".into(),
            ))
        }
        store::Verified::Unknown => {
            return Err(AppError::Conflict("This link does not verify any address: it was used already, replaced by a newer one, or copied incompletely.".into()))
        }
    };
    tx.commit().await?;
    tracing::info!(%agent_id, "email address verified");
    let next = super::safe_next(next.as_deref());
    if signed_in.is_some() {
        leptos_axum::redirect(&next);
    } else {
        leptos_axum::redirect(&format!("/login?next={}", crate::ui::urlencode(&next)));
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn send_verification(tx: &mut db::Tx, public_url: &str, agent_id: uuid::Uuid, email: &str, next: &str) -> Result<(), AppError> {
    let token = tokens::new_token();
    store::new_verification(tx, agent_id, &tokens::hash(&token)).await?;
    let mut link = format!("{}/verify-email/{token}", public_url.trim_end_matches('/'));
    if next != super::HOME {
        link.push_str(&format!("?next={}", crate::ui::urlencode(next)));
    }
    let body = format!(
        "Welcome to Tandem.\n\nVerify your email address: {link}\n\nThe link works for {} hours. Until your address is verified, invitations to other workgroups cannot reach you.\n",
        store::VERIFICATION_HOURS
    );
    mail::enqueue_account(tx, Mail { to: email, subject: "Verify your email address for Tandem", body: &body }).await?;
    Ok(())
}

/// A new session id at every sign-in, so an id planted before it is worthless.
/// Where and with what the agent signed in is kept for the Account page.
#[cfg(feature = "ssr")]
async fn start_session(session: &tower_sessions::Session, agent_id: uuid::Uuid, workgroup_id: uuid::Uuid) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(AGENT_KEY, agent_id).await?;
    session.insert(WORKGROUP_KEY, workgroup_id).await?;
    session.insert(context::ADDRESS_KEY, client_address().await).await?;
    session.insert(context::USER_AGENT_KEY, user_agent().await).await?;
    Ok(())
}

/// The browser's own description of itself, shortened: a hint, not a claim.
#[cfg(feature = "ssr")]
async fn user_agent() -> String {
    let headers = leptos_axum::extract::<http::HeaderMap>().await.unwrap_or_default();
    let ua = headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("unknown");
    ua.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(feature = "ssr")]
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

