//! The Account page: an agent's own name and password, the sessions they are
//! signed in with, and whether their email address is verified.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub sessions: Vec<SignedInSession>,
}

/// One place the agent is signed in. Session ids never leave the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInSession {
    /// The session this page was loaded with.
    pub current: bool,
    pub address: String,
    pub user_agent: String,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A readable name for a browser from its User-Agent text ("Firefox on Linux").
pub fn browser_label(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        return if ua.trim().is_empty() || ua == "unknown" { "Unknown browser".into() } else { ua.chars().take(60).collect() };
    };
    let system = ["Windows", "Android", "iPhone", "iPad", "Mac OS X", "Linux", "CrOS"]
        .into_iter()
        .find(|s| ua.contains(s))
        .map(|s| match s {
            "Mac OS X" => "macOS",
            "CrOS" => "ChromeOS",
            other => other,
        });
    match system {
        Some(s) => format!("{browser} on {s}"),
        None => browser.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn browsers_get_short_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
        assert_eq!(super::browser_label(chrome), "Chrome on Linux");
        assert_eq!(super::browser_label("Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"), "Firefox on Windows");
        assert_eq!(super::browser_label("unknown"), "Unknown browser");
        assert_eq!(super::browser_label("curl/8.0"), "curl/8.0");
    }
}
