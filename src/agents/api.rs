//! Server functions for the Agents page and invitations.

use super::{AgentsOverview, InvitationView, InviteOutcome};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{may_change_role, may_manage, parse_role, split_emails, store, InvitationStatus, INVITATION_DAYS, MAX_INVITES},
    crate::server::context::{self, authorize, parse_id, WORKGROUP_KEY},
    crate::server::db::{self, Tenant},
    crate::server::mail::{self, Mail},
    crate::server::tokens,
    crate::workgroups::Role,
};

/// Every member of the current workgroup. Hourly rates and invitations are
/// shown to Administrators and Managers only, and invitations for the
/// Administrator role to Administrators only. No invitation's link is shown.
#[server]
pub async fn list_agents() -> Result<AgentsOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let mut members = store::members(&mut tx, ctx.workgroup_id).await?;
    let manages = ctx.role.at_least(Role::Manager);
    crate::subscriptions::store::sync(&mut tx, ctx.workgroup_id).await?;
    let plans = crate::subscriptions::store::plans_by_agent(&mut tx, ctx.workgroup_id).await?;
    for m in &mut members {
        if manages || m.agent_id == ctx.agent_id {
            m.plan = plans.get(&m.agent_id).copied();
        }
    }
    let invitations = if manages {
        store::invitations(&mut tx, ctx.workgroup_id, ctx.role == Role::Administrator).await?
    } else {
        for m in &mut members {
            m.hourly_rate_cents = None;
        }
        vec![]
    };
    let settings = crate::workgroups::store::settings(&mut tx, ctx.workgroup_id, ctx.role).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(AgentsOverview {
        me: ctx.agent_id,
        my_role: ctx.role,
        members,
        invitations,
        default_cost_cents: if manages { settings.default_cost_cents } else { 0 },
    })
}

/// Changes a member's name in this workgroup, role and hourly rate (empty
/// rate: the workgroup default). An absent name leaves it as it is.
#[server]
pub async fn update_member(agent_id: String, role: String, rate: String, name: Option<String>) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let agent_id = parse_id(&agent_id)?;
    let name = name.as_deref().map(crate::auth::parse_agent_name).transpose()?;
    let role = parse_role("role", &role)?;
    let rate = match rate.trim() {
        "" => None,
        r => Some(crate::money::Cents::parse_dollars(r).map_err(|m| AppError::validation("rate", m))?.0),
    };
    let mut tx = ctx.begin(&state).await?;
    let current = store::lock_member(&mut tx, ctx.workgroup_id, agent_id).await?.ok_or(AppError::NotFound)?;
    if !may_manage(ctx.role, current) {
        return Err(AppError::validation("role", "Only an Administrator can change an Administrator's name, role or rate."));
    }
    if !may_change_role(ctx.role, current, role) && current != role {
        return Err(AppError::validation("role", "Only an Administrator can give or take away the Administrator role."));
    }
    if current == Role::Administrator && role != Role::Administrator && store::count_administrators(&mut tx, ctx.workgroup_id).await? <= 1 {
        return Err(AppError::validation("role", "A workgroup needs at least one Administrator: make someone else Administrator first."));
    }
    store::update_member(&mut tx, ctx.workgroup_id, agent_id, role, rate, name.as_deref()).await?;
    crate::feed::store::role_changed(&mut tx, ctx.workgroup_id, ctx.agent_id, agent_id, current, role).await?;
    if role == Role::Inactive && current != Role::Inactive {
        // Their unfinished tasks go back to unassigned (or their team's queue).
        crate::delivery::store::release_agent(&mut tx, ctx.workgroup_id, agent_id, ctx.agent_id).await?;
    }
    tx.commit().await?;
    if role == Role::Inactive {
        crate::server::live::changed(ctx.workgroup_id);
    }
    Ok(())
}

/// Invites one or more emails (separated by commas) with one role.
#[server]
pub async fn invite_agents(emails: String, role: String) -> Result<Vec<InviteOutcome>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let role = parse_role("role", &role)?;
    if role == Role::Inactive {
        return Err(AppError::validation("role", "Choose Administrator, Manager or Associate."));
    }
    if !may_change_role(ctx.role, Role::Associate, role) {
        return Err(AppError::validation("role", "Only an Administrator can invite Administrators."));
    }
    let emails = split_emails(&emails);
    if emails.is_empty() {
        return Err(AppError::validation("emails", "Enter at least one email address."));
    }
    if emails.len() > MAX_INVITES {
        return Err(AppError::validation("emails", format!("Invite at most {MAX_INVITES} people at a time.")));
    }
    let mut tx = ctx.begin(&state).await?;
    let workgroup = crate::workgroups::store::settings(&mut tx, ctx.workgroup_id, ctx.role).await?.ok_or(AppError::NotFound)?;
    let inviter = crate::auth::store::agent_name(&mut tx, ctx.agent_id).await?.unwrap_or_default();
    let expires_at = state.clock.now() + chrono::Duration::days(INVITATION_DAYS);
    let mut outcomes = Vec::with_capacity(emails.len());
    for email in emails {
        let result = match crate::auth::parse_email(&email) {
            Err(_) => Err("This is not an email address.".to_string()),
            Ok(email) if store::is_active_member_email(&mut tx, ctx.workgroup_id, &email).await? => {
                Err("Already a member of this workgroup.".to_string())
            }
            Ok(email) => {
                let token = tokens::new_token();
                let token_hash = tokens::hash(&token);
                let new = store::NewInvitation { workgroup_id: ctx.workgroup_id, email: &email, role, token_hash: &token_hash, invited_by: ctx.agent_id, expires_at };
                if store::insert_invitation(&mut tx, new).await? {
                    let link = store::invitation_link(&state.config.public_url, &token);
                    mail::enqueue(&mut tx, ctx.workgroup_id, invitation_mail(&inviter, &workgroup.name, role, &email, &link).as_mail()).await?;
                    crate::feed::store::agent_invited(&mut tx, ctx.workgroup_id, ctx.agent_id, &email, role, &token).await?;
                    Ok(())
                } else {
                    Err("Already invited: revoke the open invitation to send a new one.".to_string())
                }
            }
        };
        outcomes.push(InviteOutcome { email, result });
    }
    tx.commit().await?;
    Ok(outcomes)
}

#[server]
pub async fn revoke_invitation(invitation_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let id = parse_id(&invitation_id)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::revoke_invitation(&mut tx, ctx.workgroup_id, id, ctx.role == Role::Administrator).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Sends an open invitation again with a new link, valid for another
/// 14 days; the old link stops working.
#[server]
pub async fn resend_invitation(invitation_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let id = parse_id(&invitation_id)?;
    let token = tokens::new_token();
    let expires_at = state.clock.now() + chrono::Duration::days(INVITATION_DAYS);
    let mut tx = ctx.begin(&state).await?;
    let resent = store::renew_invitation(&mut tx, ctx.workgroup_id, id, ctx.role == Role::Administrator, &tokens::hash(&token), expires_at)
        .await?
        .ok_or(AppError::NotFound)?;
    let workgroup = crate::workgroups::store::settings(&mut tx, ctx.workgroup_id, ctx.role).await?.ok_or(AppError::NotFound)?;
    let inviter = crate::auth::store::agent_name(&mut tx, ctx.agent_id).await?.unwrap_or_default();
    let link = store::invitation_link(&state.config.public_url, &token);
    mail::enqueue(&mut tx, ctx.workgroup_id, invitation_mail(&inviter, &workgroup.name, resent.role, &resent.email, &link).as_mail()).await?;
    crate::feed::store::invitation_notice(&mut tx, ctx.workgroup_id, ctx.agent_id, &resent.email, resent.role, &token).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(feature = "ssr")]
struct InvitationMail {
    to: String,
    subject: String,
    body: String,
}

#[cfg(feature = "ssr")]
impl InvitationMail {
    fn as_mail(&self) -> Mail<'_> {
        Mail { to: &self.to, subject: &self.subject, body: &self.body }
    }
}

#[cfg(feature = "ssr")]
fn invitation_mail(inviter: &str, workgroup: &str, role: Role, to: &str, link: &str) -> InvitationMail {
    InvitationMail {
        to: to.to_string(),
        subject: format!("{inviter} invited you to {workgroup} on Tandem"),
        body: format!(
            "{inviter} invited you to join the workgroup \"{workgroup}\" on Tandem as {}.\n\nAccept the invitation: {link}\n\nThe link works for {INVITATION_DAYS} days. Accepting needs an account whose email address ({to}) is verified.\n",
            role.label()
        ),
    }
}

/// What an invitation link leads to; anyone holding the link may look.
#[server]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let signed_in = session.get::<uuid::Uuid>(context::AGENT_KEY).await?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: signed_in, workgroup_id: None }).await?;
    let invitation = store::by_token(&mut tx, token.trim()).await?.ok_or(AppError::NotFound)?;
    db::set_workgroup(&mut tx, invitation.workgroup_id).await?;
    let workgroup_name = crate::workgroups::store::settings(&mut tx, invitation.workgroup_id, invitation.role)
        .await?
        .map(|w| w.name)
        .ok_or(AppError::NotFound)?;
    let me = match signed_in {
        Some(id) => crate::auth::store::profile(&mut tx, id).await?,
        None => None,
    };
    let account_exists = crate::auth::store::credentials(&mut tx, &invitation.email).await?.is_some();
    tx.commit().await?;
    Ok(InvitationView {
        email: invitation.email,
        role: invitation.role,
        workgroup_name,
        invited_by: invitation.invited_by,
        status: invitation.status,
        expires_at: invitation.expires_at,
        signed_in_verified: me.as_ref().is_some_and(|p| p.verified),
        signed_in_as: me.map(|p| p.email),
        account_exists,
    })
}

/// Joins the workgroup with the invitation's role and makes it current. The
/// agent's address must be the invitation's and verified: holding the link
/// is not enough. A change of privilege, so the session id changes too.
#[server]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let state = context::state()?;
    let session = context::session().await?;
    let agent_id = context::agent_id(&session).await?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: None }).await?;
    let invitation = store::by_token(&mut tx, token.trim()).await?.ok_or(AppError::NotFound)?;
    let me = crate::auth::store::profile(&mut tx, agent_id).await?.ok_or(AppError::Unauthenticated)?;
    if !me.email.eq_ignore_ascii_case(&invitation.email) {
        return Err(AppError::Conflict(format!(
            "This invitation is for {}. Log out, then log in or sign up with that email.",
            invitation.email
        )));
    }
    if !me.verified {
        return Err(AppError::Conflict(super::VERIFY_FIRST.into()));
    }
    match invitation.status {
        InvitationStatus::Pending => {}
        InvitationStatus::Accepted => return Err(AppError::Conflict("This invitation has already been used.".into())),
        InvitationStatus::Revoked => return Err(AppError::Conflict("This invitation was revoked.".into())),
        InvitationStatus::Expired => return Err(AppError::Conflict("This invitation has expired. Ask for a new one.".into())),
    }
    db::set_workgroup(&mut tx, invitation.workgroup_id).await?;
    if !store::mark_accepted(&mut tx, invitation.id, agent_id).await? {
        return Err(AppError::Conflict("This invitation has already been used.".into()));
    }
    if !store::join(&mut tx, invitation.workgroup_id, agent_id, &me.name, invitation.role).await? {
        return Err(AppError::Conflict("You are already a member of this workgroup.".into()));
    }
    crate::feed::store::agent_joined(&mut tx, invitation.workgroup_id, agent_id, invitation.role).await?;
    tx.commit().await?;
    session.cycle_id().await?;
    session.insert(WORKGROUP_KEY, invitation.workgroup_id).await?;
    tracing::info!(%agent_id, workgroup_id = %invitation.workgroup_id, "invitation accepted");
    leptos_axum::redirect("/agents");
    Ok(())
}
