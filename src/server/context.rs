//! Authorization in one place: the session becomes (agent, workgroup, role),
//! checked against the database on every call. Server functions start here.

use crate::error::{AppError, AppResult};
use crate::server::db::{self, Tenant, Tx};
use crate::workgroups::{store as workgroups, Role};
use leptos::prelude::*;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

pub const AGENT_KEY: &str = "agent_id";
pub const WORKGROUP_KEY: &str = "workgroup_id";
/// Where and with what browser the session signed in (for the Account page).
pub const ADDRESS_KEY: &str = "address";
pub const USER_AGENT_KEY: &str = "user_agent";

/// What every request can reach: the app's pool, the configuration, the
/// clock billing rules are judged by, and the payment gateway.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub config: crate::server::config::Config,
    pub clock: crate::server::clock::Clock,
    pub gateway: std::sync::Arc<dyn crate::server::payments::PaymentGateway>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The signed-in agent acting in their current workgroup.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub agent_id: Uuid,
    pub workgroup_id: Uuid,
    pub role: Role,
}

impl Ctx {
    /// Refuses unless the agent's role here is at least `needed`.
    pub fn require(&self, needed: Role) -> AppResult<()> {
        if self.role.at_least(needed) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn tenant(&self) -> Tenant {
        Tenant { agent_id: Some(self.agent_id), workgroup_id: Some(self.workgroup_id) }
    }

    /// A transaction inside this agent's current workgroup.
    pub async fn begin(&self, state: &AppState) -> AppResult<Tx> {
        Ok(db::begin_for(&state.pool, self.tenant()).await?)
    }
}

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| AppError::Internal(crate::error::log_internal(&"AppState missing from context")))
}

pub async fn session() -> AppResult<Session> {
    leptos_axum::extract::<Session>().await.map_err(|e| AppError::Internal(crate::error::log_internal(&e)))
}

/// The signed-in agent's id, or Unauthenticated.
pub async fn agent_id(session: &Session) -> AppResult<Uuid> {
    session.get::<Uuid>(AGENT_KEY).await?.ok_or(AppError::Unauthenticated)
}

/// Turns the request's session into (agent, workgroup, role). The workgroup
/// is the session's, never one named by the request. An agent who is no
/// longer an active member there is refused; the session keeps pointing at
/// that workgroup, so a page left open keeps failing rather than acting in
/// another workgroup. The next page load (`get_me`) moves them to one of
/// their other workgroups.
pub async fn authorize() -> AppResult<(AppState, Ctx)> {
    let state = state()?;
    let session = session().await?;
    let ctx = authorize_session(&state, &session).await?;
    Ok((state, ctx))
}

/// `authorize` for plain axum handlers (such as the Excel export), which
/// have the session but no Leptos context.
pub async fn authorize_session(state: &AppState, session: &Session) -> AppResult<Ctx> {
    let agent_id = agent_id(session).await?;
    let workgroup_id = session.get::<Uuid>(WORKGROUP_KEY).await?.ok_or(AppError::Unauthenticated)?;
    let mut tx = db::begin_for(&state.pool, Tenant { agent_id: Some(agent_id), workgroup_id: Some(workgroup_id) }).await?;
    let role = workgroups::role_of(&mut tx, workgroup_id, agent_id).await?;
    tx.commit().await?;
    let span = tracing::Span::current();
    span.record("agent", tracing::field::display(agent_id));
    span.record("workgroup", tracing::field::display(workgroup_id));
    match role {
        Some(role) if role != Role::Inactive => {
            span.record("role", tracing::field::debug(role));
            Ok(Ctx { agent_id, workgroup_id, role })
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The front door of plain axum routes (downloads, the live stream): the
/// same authorization as `authorize`, as an extractor. A handler that takes
/// a `Ctx` runs only for a signed-in, non-Inactive member of the session's
/// workgroup; anyone else gets the refusal's status and sentence.
impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut http::request::Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| AppError::Internal(crate::error::log_internal(&why)))?;
        authorize_session(state, &session).await
    }
}

/// An id from a form. One that does not parse is, to the caller, an id that
/// does not exist: the same answer as another workgroup's.
pub fn parse_id(input: &str) -> AppResult<Uuid> {
    input.trim().parse().map_err(|_| AppError::NotFound)
}
