//! The HTTP side: routes, sessions, security headers, health check.

use super::context::AppState;
use super::session_store::PgSessionStore;
use crate::app::{shell, App};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header::{self, HeaderValue};
use http::StatusCode;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "tandem_session";

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));
    let options = state.leptos_options.clone();
    let public_origin = super::origin::origin_of(&state.config.public_url);
    let https = state.config.secure_cookies;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/live", get(crate::server::live::events))
        .route("/settings/billing/export.xlsx", get(crate::billing::export::download))
        .route("/reports/export.xlsx", get(crate::reports::export::export))
        .leptos_routes(&state, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(sessions)
        // Outside the sessions: a forged or oversized request is refused before any work.
        .layer(middleware::from_fn(super::limits::limit_body))
        .layer(middleware::from_fn(move |req, next| super::origin::check(public_origin.clone(), req, next)))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(move |req, next| security_headers(https, req, next)))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// One span per request, server functions included (their path names
/// them): method, path (tokens cut out), and who acted where, which
/// `context::authorize_session` records once it knows.
fn request_span(req: &Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %logged_path(req.uri().path()),
        agent = tracing::field::Empty,
        workgroup = tracing::field::Empty,
        role = tracing::field::Empty,
    )
}

/// The path as logs may keep it: an invitation's or a verification's token
/// is a credential, so it never reaches a log line.
fn logged_path(path: &str) -> &str {
    const SECRET: [(&str, &str); 2] = [("/invitations/", "/invitations/:token"), ("/verify-email/", "/verify-email/:token")];
    SECRET.iter().find(|(prefix, _)| path.len() > prefix.len() && path.starts_with(prefix)).map_or(path, |(_, logged)| logged)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    let database = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool).await;
    match database {
        Ok(_) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok", "database": "up" }))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database down");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable", "database": "down" })))
                .into_response()
        }
    }
}

/// Server functions answer every failure with 500; give the expected ones
/// (bad input, no permission, not found...) their own 4xx status, so only
/// real faults show up as server errors.
async fn error_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response(),
    };
    if let Ok(error) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A fresh script nonce for each response.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

async fn security_headers(https: bool, mut req: Request, next: Next) -> Response {
    let nonce = {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Same-origin referrers stay: forms posted without JavaScript return to their page.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if https {
        // Two years, as browsers' preload lists ask; only ever sent over https.
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    res
}

/// Hands this response's nonce to the hydration scripts.
pub fn provide_request_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_never_reach_the_log() {
        assert_eq!(super::logged_path("/invitations/abc123"), "/invitations/:token");
        assert_eq!(super::logged_path("/verify-email/abc123"), "/verify-email/:token");
        assert_eq!(super::logged_path("/api/claim_task"), "/api/claim_task");
        assert_eq!(super::logged_path("/invitations/"), "/invitations/");
    }
}
