//! Previous / next links for a list shown a page at a time.

use leptos::prelude::*;
use leptos_router::components::A;

/// "Page 2 of 7" between links to the pages around it; `href` makes a
/// page's address (keeping the list's other query parameters). With
/// `nouns` (singular, plural) it also counts the items and shows even a
/// single page; without, it is left out when everything fits on one page.
pub fn pager(
    page: i64,
    total: i64,
    per_page: i64,
    nouns: Option<(&'static str, &'static str)>,
    href: impl Fn(i64) -> String,
) -> impl IntoView {
    let pages = ((total.max(0) + per_page - 1) / per_page).max(1);
    // A counted list keeps the page in range; the other kind (services,
    // tasks) says as it is which page was asked for.
    let page = if nouns.is_some() { page.clamp(1, pages) } else { page };
    let shown = pages > 1 || nouns.is_some();
    shown.then(|| {
        let previous = (page > 1).then(|| view! { <A href=href(page - 1) attr:rel="prev">"← Previous"</A> });
        let next = (page < pages).then(|| view! { <A href=href(page + 1) attr:rel="next">"Next →"</A> });
        let (label, figures) = match nouns {
            Some((one, many)) => {
                let noun = if total == 1 { one } else { many };
                (format!("Pages of {many}"), view! { <span class="hint">{format!("Page {page} of {pages} · {total} {noun}")}</span> }.into_any())
            }
            None => ("Pages".to_string(), view! { <span>{format!("Page {page} of {pages}")}</span> }.into_any()),
        };
        view! { <nav class="pager" aria-label=label>{previous}{figures}{next}</nav> }
    })
}
