//! The delivery pages, one file each: the Delivery Center, a service's page,
//! the assign form and My Tasks; the task row both of the latter two list.

mod assign;
mod center;
mod my_tasks;
mod service;
mod task_row;

pub use assign::NewServicePage;
pub use center::DeliveryCenterPage;
pub use my_tasks::MyTasksPage;
pub use service::ServicePage;

use super::{ServiceStatus, PAGE_SIZE};
use crate::money::Cents;
use leptos::prelude::*;

fn money(cents: i64) -> String {
    Cents(cents).dollars()
}

/// A progress bar with its figures for screen readers and on hover.
#[component]
fn Progress(done: i32, total: i32) -> impl IntoView {
    let percent = if total > 0 { i64::from(done) * 100 / i64::from(total) } else { 0 };
    let text = format!("{done} of {total} tasks completed");
    view! {
        <progress class="progress" max=total.max(1) value=done title=text.clone() aria-label=text>{format!("{percent}%")}</progress>
        <span class="progress-figures" aria-hidden="true">{format!("{done}/{total}")}</span>
    }
}

fn status_class(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Completed => "status status-done",
        ServiceStatus::Blocked => "status status-blocked",
        ServiceStatus::InProgress => "status",
    }
}

/// The pager of a list whose address is `base` (its other query parameters kept).
#[component]
fn Pager(base: String, page: i64, total: i64) -> impl IntoView {
    crate::ui::pager(page, total, PAGE_SIZE, None, move |p| format!("{base}{}page={p}", if base.contains('?') { "&" } else { "?" }))
}

