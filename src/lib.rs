//! Tandem: service delivery and licensing for managed service providers.

pub mod account;
pub mod agents;
pub mod app;
pub mod auth;
pub mod billing;
pub mod cart;
pub mod coupons;
pub mod customers;
pub mod dates;
pub mod dashboard;
pub mod delivery;
pub mod error;
pub mod feed;
pub mod licenses;
pub mod money;
pub mod text;
pub mod reports;
pub mod runbooks;
pub mod subscriptions;
pub mod teams;
pub mod ui;
pub mod workgroups;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lets the stylesheet hide what only pages without scripts need.
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.class_list().add_1("js");
    }
    leptos::mount::hydrate_body(app::App);
}
