//! Customers (the MSP's client companies), their users (the customer's
//! employees) and groups of users gathered for a service.

pub mod api;
mod pages_groups;
mod pages_users;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows per page, for customers and for a customer's users.
pub const PAGE_SIZE: u32 = 50;
/// Longest name of a customer, user or group (the schema says the same).
pub const MAX_NAME: usize = 120;
/// Most data rows one CSV import takes.
pub const MAX_IMPORT_ROWS: usize = 5_000;
/// Refused rows kept for showing after an import; the rest are counted.
pub const MAX_REPORTED_ROWS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: Uuid,
    pub name: String,
    pub user_count: i64,
    pub group_count: i64,
}

/// One page of the workgroup's customers, optionally filtered by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub customers: Vec<CustomerSummary>,
    pub query: String,
    /// 1-based.
    pub page: u32,
    /// Customers matching the query, on all pages.
    pub total: i64,
}

/// A customer in a choice list (filters, the assign form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerChoice {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerUser {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroup {
    pub id: Uuid,
    pub name: String,
    pub member_ids: Vec<Uuid>,
}

/// A customer with all its users and groups (for choosing whom a service is for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: Uuid,
    pub name: String,
    pub users: Vec<CustomerUser>,
    pub groups: Vec<UserGroup>,
}

/// One page of a customer's users, optionally filtered by name or email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<CustomerUser>,
    pub query: String,
    pub page: u32,
    /// Users matching the query, on all pages.
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: Uuid,
    pub name: String,
    pub members: Vec<CustomerUser>,
}

/// What the customer page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOverview {
    pub id: Uuid,
    pub name: String,
    /// All the customer's users, whatever the query.
    pub user_count: i64,
    pub users: UserPage,
    pub groups: Vec<GroupView>,
}

/// A CSV row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRow {
    /// Line of the pasted text the row starts on (1-based).
    pub line: u64,
    /// What the row held, shortened.
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub added: u32,
    pub refused: Vec<RefusedRow>,
    /// Refused rows beyond those listed in `refused`.
    pub more_refused: u32,
}

impl ImportReport {
    pub fn refused_total(&self) -> usize {
        self.refused.len() + self.more_refused as usize
    }
}

/// Pages, for a page of `total` rows.
pub fn page_count(total: i64) -> u32 {
    (total.max(0) as u64).div_ceil(PAGE_SIZE as u64).max(1) as u32
}

/// A name of a customer, user or group: inner whitespace collapsed, trimmed.
pub fn parse_name(field: &str, input: &str, what: &str) -> AppResult<String> {
    crate::text::one_line(field, input, MAX_NAME, format!("Enter a name for the {what}."), format!("Keep the name to {MAX_NAME} characters or fewer."))
}

/// A user's email, trimmed; unique per customer without regard to case.
pub fn parse_user_email(field: &str, input: &str) -> AppResult<String> {
    crate::auth::parse_email(input)
        .map_err(|_| AppError::validation(field, "Enter an email address, such as ada@example.com."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(parse_name("name", "  Contoso \t Ltd ", "customer").unwrap(), "Contoso Ltd");
        assert_eq!(parse_name("name", "  ", "customer").unwrap_err().for_field("name").unwrap(), "Enter a name for the customer.");
        assert!(parse_name("name", &"x".repeat(121), "group").is_err());
        assert!(parse_name("name", &"é".repeat(120), "group").is_ok());
    }

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
    }
}
