//! A resource's three states in one place: loading, failed (with the HTTP
//! status the error deserves, so a page for an unknown id answers 404), and
//! loaded, shown by the children.

use super::LoadError;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;

/// Renders `resource` inside a `<Transition>`: "Loading…" at first, the
/// error panel if it failed, otherwise `children` with the value. Use
/// `<Loaded resource=r let:value>…</Loaded>`.
#[component]
pub fn Loaded<T, V, F>(resource: Resource<Result<T, AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = Arc::new(children);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => {
                            answer_with_status(&error);
                            view! { <LoadError error/> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// On the server, the page's response takes the error's status (pages
/// render whole before they are sent, so this is still in time).
fn answer_with_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
