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
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn too_large(req: &Request, limit: usize) -> Response {
    tracing::warn!(path = req.uri().path(), limit, "request body too large");
    let message = format!(
        "That is too much to send at once: Tandem takes at most {} KB here. Send less, or split it into parts.",
        limit / 1024
    );
    // A page posted without JavaScript gets a page; a server function call
    // gets the error it can show next to its form.
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let mut res = if wants_html {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too large · Tandem</title></head>\
             <body><h1>Too large</h1><p>{}</p><p>Go back to the page and try again, or open the <a href=\"/dashboard\">Dashboard</a>.</p></body></html>",
            message
        );
        Html(page).into_response()
    } else {
        let error = crate::error::AppError::TooLarge(message);
        let body = serde_json::to_string(&error).unwrap_or_default();
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    // The rest of the body is not read: the connection cannot be reused.
    res.headers_mut().insert(header::CONNECTION, http::HeaderValue::from_static("close"));
    res
}
