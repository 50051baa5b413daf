//! The one error type of Tandem, shared by the server and the browser.
//!
//! Every server function returns `Result<_, AppError>`. Whatever the server
//! could not foresee becomes `Internal` with a reference the user can quote;
//! the detail goes to the log, never to the page.

use serde::{Deserialize, Serialize};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("Your role in this workgroup does not allow that.")]
    Forbidden,
    /// Bad input: `field` names the form field the message belongs next to.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The request could not be read as what it claims to be (a missing or
    /// malformed field, a body that is not a form).
    #[error("{0}")]
    BadRequest(String),
    /// The request's body is over its limit.
    #[error("{0}")]
    TooLarge(String),
    /// Something failed on the server; the reference is in the log.
    #[error("Something went wrong on our side. If it keeps happening, quote reference {0}.")]
    Internal(String),
    /// The request never reached the server, or its answer could not be read.
    #[error("Tandem could not be reached. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_string(), message: message.into() }
    }

    /// The message to show next to `field`, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }

    /// The message to show for the form as a whole (anything not tied to a field).
    pub fn general(&self) -> Option<String> {
        match self {
            AppError::Validation { .. } => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the request itself was unreadable:
            // the sender's fault, answered 400, not a fault of Tandem's.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(e)
            | ServerFnErrorErr::MissingArg(e)
            | ServerFnErrorErr::Deserialization(e)
            | ServerFnErrorErr::Request(e) => {
                tracing::debug!(detail = %e, "unreadable server function request");
                AppError::BadRequest(BAD_REQUEST.into())
            }
            // In the browser: the answer never came, or could not be read.
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Deserialization(e) => AppError::Transport(e),
            other => AppError::Internal(crate::error::log_internal(&other)),
        }
    }
}

/// What a request that cannot be read is told.
pub const BAD_REQUEST: &str = "This request could not be read: a field is missing or not what the form sends. Reload the page and try again.";

/// Logs an unexpected failure and returns the reference shown to the user.
pub fn log_internal(detail: &dyn std::fmt::Display) -> String {
    #[cfg(feature = "ssr")]
    {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
        tracing::error!(reference = %reference, error = %detail, "internal error");
        reference
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = detail;
        "client".to_string()
    }
}

/// The SQLSTATE class of Tandem's own refusals, raised by triggers in
/// `migrations/` with a message written for people.
#[cfg(feature = "ssr")]
pub const REFUSAL_CLASS: &str = "TD";

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // Refusals meant for people (limits and bounds that triggers
        // enforce) carry SQLSTATE class TD and the sentence to show.
        if let Some(db) = e.as_database_error() {
            if db.code().is_some_and(|code| code.starts_with(REFUSAL_CLASS)) {
                return AppError::Conflict(db.message().to_string());
            }
        }
        if matches!(e, sqlx::Error::RowNotFound) {
            return AppError::NotFound;
        }
        AppError::Internal(log_internal(&e))
    }
}

/// A refusal by one of the named constraints becomes the error given with
/// it (usually a field's validation message); any other error converts as
/// usual, so database text never reaches the browser.
#[cfg(feature = "ssr")]
pub fn on_constraint<const N: usize>(e: sqlx::Error, cases: [(&str, AppError); N]) -> AppError {
    let name = e.as_database_error().and_then(|d| d.constraint().map(str::to_owned));
    match cases.into_iter().find(|(constraint, _)| name.as_deref() == Some(*constraint)) {
        Some((_, error)) => error,
        None => e.into(),
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(log_internal(&e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Plain routes (downloads, the live stream) answer a refusal as its
/// status and sentence, as server functions do.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), self.to_string()).into_response()
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function's failure is answered with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::NotFound => S::NOT_FOUND,
            AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden => S::FORBIDDEN,
            AppError::Validation { .. } => S::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => S::CONFLICT,
            AppError::TooManyRequests(_) => S::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => S::BAD_REQUEST,
            AppError::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) | AppError::Transport(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_stay_next_to_their_field() {
        let e = AppError::validation("name", "Enter a name.");
        assert_eq!(e.for_field("name").as_deref(), Some("Enter a name."));
        assert_eq!(e.for_field("email"), None);
        assert_eq!(e.general(), None);
        assert!(AppError::Forbidden.general().is_some());
    }

    #[test]
    fn round_trips_through_the_wire_encoding() {
        let e = AppError::validation("email", "Enter an email address.");
        let bytes = e.ser();
        assert_eq!(AppError::de(bytes), e);
    }
}
