//! Small shared pieces of the pages: form messages, loading a resource,
//! a pager, tabs, dates, charts.

pub mod chart;

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

pub mod address;
pub mod live;
mod loaded;
mod pager;
pub mod verify;

pub use loaded::Loaded;
pub use pager::pager;
pub use verify::{ResendLink, VerifyFirst};

/// The error of an action's latest run, if it failed.
pub fn error_of<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// Whether an action's latest run succeeded.
pub fn succeeded<S>(action: ServerAction<S>) -> Signal<bool>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

/// The message for one field, shown right under it.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, #[prop(into)] field: String) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.for_field(&field)).map(|message| {
            view! { <p class="field-error" id=format!("{field}-error") role="alert">{message}</p> }
        })
    }
}

/// A message about the form as a whole (not tied to a field).
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.general()).map(|message| {
            view! { <p class="form-error" role="alert">{message}</p> }
        })
    }
}

/// A whole-page message for a failed load.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    view! { <div class="panel form-error" role="alert">{error.to_string()}</div> }
}

/// A row of tabs that are links; the current one is marked for screen readers too.
#[component]
pub fn Tabs(tabs: Vec<(&'static str, &'static str)>) -> impl IntoView {
    let location = use_location();
    view! {
        <nav class="tabs" aria-label="Settings">
            {tabs
                .into_iter()
                .map(|(href, label)| {
                    // "/settings/billing" is not current on "/settings/billing-info".
                    let current = move || location.pathname.with(|p| p == href || p.starts_with(&format!("{href}/")));
                    view! {
                        <A href=href attr:class=move || if current() { "tab current" } else { "tab" }>
                            {label}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Submits a select's form as soon as its choice changes (with JavaScript;
/// without it the form keeps its own submit button).
pub fn submit_on_change(ev: leptos::ev::Event) {
    let select = event_target::<web_sys::HtmlSelectElement>(&ev);
    if let Some(form) = select.form() {
        let _ = form.request_submit();
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Dates are formatted by hand: chrono's format strings would bring their
// parser and tables into the browser bundle.

/// A date as pages show it: "Nov 25, 2026".
pub fn day(d: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Datelike;
    format!("{} {}, {}", MONTHS[d.month0() as usize], d.day(), d.year())
}

/// A moment as the log shows it: "2026-11-25 14:05" (UTC).
pub fn moment(d: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!("{:04}-{:02}-{:02} {:02}:{:02}", d.year(), d.month(), d.day(), d.hour(), d.minute())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_read_like_dates() {
        let d = chrono::DateTime::parse_from_rfc3339("2026-03-05T07:09:00Z").unwrap().to_utc();
        assert_eq!(super::day(d), "Mar 5, 2026");
        assert_eq!(super::moment(d), "2026-03-05 07:09");
    }
}
