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
use leptos_router::components::A;

fn money(cents: i64) -> String {
    format!("${}", Cents(cents).plain())
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

/// Previous / next links that keep the other query parameters.
#[component]
fn Pager(base: String, page: i64, total: i64) -> impl IntoView {
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = move |p: i64| format!("{base}{}page={p}", if base.contains('?') { "&" } else { "?" });
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! { <A href=link(page - 1) attr:rel="prev">"← Previous"</A> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <A href=link(page + 1) attr:rel="next">"Next →"</A> })}
            </nav>
        }
    })
}

