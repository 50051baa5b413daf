//! Limits on the work one request can cause: its body is read only up to a
//! bound, so memory stays flat whatever is sent.
//!
//! Every request body may be at most [`DEFAULT_BODY_LIMIT`] (the largest
//! form Tandem has is far smaller); the CSV import of customer users takes
//! up to [`IMPORT_BODY_LIMIT`], room for its 2 MB of text once URL-encoded.
//! A larger body is answered 413 before any of it reaches a handler: at once
//! when `Content-Length` says so, and as soon as the limit is passed when
//! the body is streamed without one.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::{header, StatusCode};
use leptos::server_fn::ServerFn;

/// Bytes of body any request may carry.
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;
/// Bytes of body the customer-user import may carry.
pub const IMPORT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The limit for a request to `path`.
pub fn body_limit(path: &str) -> usize {
    if path == <crate::customers::ImportCustomerUsers as ServerFn>::PATH {
        IMPORT_BODY_LIMIT
    } else {
        DEFAULT_BODY_LIMIT
    }
}

/// The middleware: buffers the body up to its limit, or answers 413.
pub async fn limit_body(req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(&req, limit);
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(&Request::from_parts(parts, Body::empty()), limit),
    };
    // No text Tandem keeps may hold a NUL character (PostgreSQL refuses it):
    // refuse it here, once, rather than as a fault deep in a query.
    if has_nul(&bytes) || has_nul(parts.uri.path().as_bytes()) || parts.uri.query().is_some_and(|q| has_nul(q.as_bytes())) {
        let req = Request::from_parts(parts, Body::empty());
        tracing::info!(path = req.uri().path(), "request with a NUL character refused");
        return refuse(&req, StatusCode::BAD_REQUEST, crate::error::AppError::BadRequest(NUL_REFUSED.into()));
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

pub const NUL_REFUSED: &str = "Text cannot contain the NUL character (\\0). Remove it and try again.";

/// A NUL byte, raw or percent-encoded (`%00`), or escaped in JSON (`\\u0000`).
fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes.windows(3).any(|w| w == b"%00")
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
}

fn too_large(req: &Request, limit: usize) -> Response {
    tracing::warn!(path = req.uri().path(), limit, "request body too large");
    let message = format!(
        "That is too much to send at once: Tandem takes at most {} KB here. Send less, or split it into parts.",
        limit / 1024
    );
    let mut res = refuse(req, StatusCode::PAYLOAD_TOO_LARGE, crate::error::AppError::TooLarge(message));
    // The rest of the body is not read: the connection cannot be reused.
    res.headers_mut().insert(header::CONNECTION, http::HeaderValue::from_static("close"));
    res
}

/// Refuses a request with `error`: a page for a form posted without
/// JavaScript, the error itself for a server function call.
fn refuse(req: &Request, status: StatusCode, error: crate::error::AppError) -> Response {
    let message = error.to_string();
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let mut res = if wants_html {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Refused · Tandem</title></head>\
             <body><h1>Tandem could not take this</h1><p>{}</p><p>Go back to the page and try again, or open the <a href=\"/dashboard\">Dashboard</a>.</p></body></html>",
            message
        );
        Html(page).into_response()
    } else {
        let body = serde_json::to_string(&error).unwrap_or_default();
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    *res.status_mut() = status;
    res
}
