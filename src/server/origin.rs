//! Forged requests: a state-changing request that a browser says came from
//! another site is refused with 403 before any work, as defence in depth
//! beside SameSite cookies.
//!
//! Browsers send `Origin` with every POST (forms and fetches, same-origin
//! included), and `Sec-Fetch-Site` with every request. A request is refused
//! when its `Origin` is neither this site's public origin
//! (`TANDEM_PUBLIC_URL`) nor the host it was sent to, or, lacking `Origin`,
//! when `Sec-Fetch-Site` says `cross-site` or `same-site` (a sibling
//! subdomain is another site to Tandem). Requests with neither header come
//! from programs, not browsers, and carry no ambient cookies to abuse.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const REFUSED: &str = "This request came from another site, so Tandem refused it. Open Tandem and try again from there.";

/// `scheme://host[:port]` of a URL, lower-cased, without a default port.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') || !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_string(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

/// Whether a request must be refused as coming from another site.
pub fn refuse(method: &Method, origin: Option<&str>, fetch_site: Option<&str>, host: Option<&str>, public_origin: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    match origin {
        Some(origin) => {
            let Some(origin) = origin_of(origin) else { return true }; // "null", garbage
            if public_origin == Some(origin.as_str()) {
                return false;
            }
            // Same host as the request was sent to (scheme may differ behind a proxy that ends TLS).
            let authority = origin.split_once("://").map(|(_, a)| a).unwrap_or_default();
            let host = host.map(|h| h.trim().to_ascii_lowercase());
            let host_plain = host.as_deref().map(|h| h.strip_suffix(":80").or_else(|| h.strip_suffix(":443")).unwrap_or(h));
            !(host.as_deref() == Some(authority) || host_plain == Some(authority))
        }
        None => matches!(fetch_site.map(str::to_ascii_lowercase).as_deref(), Some("cross-site" | "same-site")),
    }
}

/// The middleware; `public_origin` is `origin_of(TANDEM_PUBLIC_URL)`.
pub async fn check(public_origin: Option<String>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if refuse(req.method(), text(header::ORIGIN.as_str()), text("sec-fetch-site"), text(header::HOST.as_str()), public_origin.as_deref()) {
        tracing::warn!(method = %req.method(), path = req.uri().path(), origin = text(header::ORIGIN.as_str()), "cross-site request refused");
        return (StatusCode::FORBIDDEN, REFUSED).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: Option<&str> = Some("https://tandem.example");

    fn post(origin: Option<&str>, site: Option<&str>, host: &str) -> bool {
        refuse(&Method::POST, origin, site, Some(host), PUBLIC)
    }

    #[test]
    fn same_origin_forms_and_fetches_pass() {
        assert!(!post(Some("http://127.0.0.1:3000"), Some("same-origin"), "127.0.0.1:3000"));
        assert!(!post(Some("https://tandem.example"), Some("same-origin"), "127.0.0.1:3000"), "behind a proxy");
        assert!(!post(Some("https://tandem.example:443"), None, "tandem.example"));
        assert!(!post(Some("http://LOCALHOST:3000"), None, "localhost:3000"));
        assert!(!post(None, Some("same-origin"), "127.0.0.1:3000"));
        assert!(!post(None, None, "127.0.0.1:3000"), "programs send neither header");
        assert!(!refuse(&Method::GET, Some("https://evil.example"), Some("cross-site"), Some("tandem.example"), PUBLIC));
    }

    #[test]
    fn other_sites_are_refused() {
        for origin in [
            "https://evil.example",
            "http://127.0.0.1:3001",
            "https://tandem.example.evil.example",
            "https://sub.tandem.example",
            "null",
            "file://",
            "https://user@tandem.example",
            "",
        ] {
            assert!(post(Some(origin), Some("same-origin"), "tandem.example"), "{origin}");
        }
        for site in ["cross-site", "same-site", "CROSS-SITE"] {
            assert!(post(None, Some(site), "tandem.example"), "{site}");
        }
        for method in [Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(refuse(&method, Some("https://evil.example"), None, Some("tandem.example"), PUBLIC));
        }
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(origin_of("HTTPS://Tandem.Example:443/path?q").as_deref(), Some("https://tandem.example"));
        assert_eq!(origin_of("http://127.0.0.1:3000").as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(origin_of("http://h:80").as_deref(), Some("http://h"));
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("javascript://x"), None);
    }
}
