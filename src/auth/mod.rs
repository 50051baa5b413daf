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

/// Where to go after signing in: a path of this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://") => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/invitations/abc")), "/invitations/abc");
        for bad in [None, Some(""), Some("//evil.example"), Some("https://evil.example"), Some("/\\evil"), Some("evil")] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
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
