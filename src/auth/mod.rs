//! Agents signing up, in and out.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use crate::workgroups::WorkgroupSummary;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in agent, their current workgroup and the ones they can switch to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub agent_id: Uuid,
    pub name: String,
    pub email: String,
    /// Until verified, the address carries no power (invitations).
    pub email_verified: bool,
    pub workgroup: WorkgroupSummary,
    pub workgroups: Vec<WorkgroupSummary>,
}

pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 128;

/// An email address, trimmed; compared without regard to case.
pub fn parse_email(input: &str) -> AppResult<String> {
    let email = input.trim();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(email.to_string())
    } else {
        Err(AppError::validation("email", "Enter an email address, such as ada@example.com."))
    }
}

pub fn parse_agent_name(input: &str) -> AppResult<String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(AppError::validation("name", "Enter your name.")),
        n if n > 100 => Err(AppError::validation("name", "Keep your name to 100 characters or fewer.")),
        _ => Ok(name),
    }
}

pub fn check_new_password(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        Err(AppError::validation("password", format!("Use at least {MIN_PASSWORD} characters.")))
    } else if n > MAX_PASSWORD {
        Err(AppError::validation("password", format!("Use at most {MAX_PASSWORD} characters.")))
    } else {
        Ok(())
    }
}

/// Where signing in leads when `next` is missing or not a path of this site.
pub const HOME: &str = "/dashboard";

/// Where to go after signing in: a path of this site, never another site.
///
/// Judged after the normalisation a browser applies to a `Location`: tabs
/// and line breaks vanish anywhere, C0 controls and spaces at either end are
/// trimmed, `\` means `/`. The path (before `?` or `#`) is then judged with
/// its percent-escapes decoded too, so `/%2F/evil` counts as `//evil` and
/// `/%09/evil` as a control character. It must start with one `/`, hold no `//` and no `.` or `..`
/// segment, and be printable ASCII. Anything else goes to the Dashboard.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(normalise_next).unwrap_or_else(|| HOME.to_string())
}

fn normalise_next(input: &str) -> Option<String> {
    let stripped: String = input.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let trimmed = stripped.trim_matches(|c: char| c <= ' ');
    let split = trimmed.find(['?', '#']).unwrap_or(trimmed.len());
    let (path, rest) = trimmed.split_at(split);
    let path = path.replace('\\', "/");
    if !is_own_path(&path) || rest.chars().any(|c| !c.is_ascii_graphic()) {
        return None;
    }
    // Decoded (repeatedly, in case something downstream decodes again), the
    // path must still be a plain path of this site.
    let mut decoded = path.clone();
    for _ in 0..3 {
        let once = percent_decode(&decoded)?;
        if once == decoded {
            break;
        }
        decoded = once;
    }
    if !is_own_path(&decoded.replace('\\', "/")) || percent_decode(&decoded)? != decoded {
        return None;
    }
    Some(format!("{path}{rest}"))
}

fn is_own_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && path.chars().all(|c| c.is_ascii_graphic())
        && !path.split('/').any(|segment| segment == "." || segment == "..")
}

/// `%XX` escapes decoded to bytes; `None` when the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        for good in ["/invitations/abc", "/services?status=open", "/settings/cart?type=mailbox_migration", "/dashboard#top", "/a?next=https://x"] {
            assert_eq!(safe_next(Some(good)), good, "{good:?}");
        }
        // What a browser would make of them is the same path.
        assert_eq!(safe_next(Some(" /services\t?status=open\n")), "/services?status=open");
        assert_eq!(safe_next(Some("/teams\\x")), "/teams/x");
        let bypasses = [
            "", " ", "evil", "evil.example", "//evil", "///evil", "/\\evil", "\\\\evil", "\\/evil", "/%09/evil",
            "/\t/evil", "/\n/evil", "/\r\n/evil", "\t//evil", "https://evil", "http:/evil", "HTTPS://evil",
            "javascript:alert(1)", "  javascript:alert(1)", "data:text/html,x", "/x\u{0}/y", "/%2f%2fevil", "/%2F/evil",
            "/%5Cevil", "/%5c%5cevil", "%2F%2Fevil", "%5C%5Cevil", "/%252F%252Fevil", "/.//evil", "/./evil", "/../evil",
            "/%2e%2e/evil", "/x/%2e/y", "/\u{b}/evil", "/\u{7f}evil", "/évil", "/x\u{a0}", "/x?\u{0}y", "/%E0%A4%A",
            "/%ff", "/%0d%0aSet-Cookie:x", "/x#\u{1}y",
        ];
        for bad in bypasses {
            assert_eq!(safe_next(Some(bad)), HOME, "{bad:?}");
        }
        assert_eq!(safe_next(None), HOME);
        // ` /x` is /x once trimmed, as a browser trims it.
        assert_eq!(safe_next(Some(" /x")), "/x");
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email("  Ada@Example.com ").unwrap(), "Ada@Example.com");
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a da@example.com", "ada@.com"] {
            assert!(parse_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(parse_agent_name(" Ada   Lovelace ").unwrap(), "Ada Lovelace");
        assert!(parse_agent_name("  ").is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pass").is_ok());
    }
}
