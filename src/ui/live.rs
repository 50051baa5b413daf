//! Live updates in the browser: counters that go up when the server's
//! stream (`crate::server::live`, GET /api/live) says something changed.

use leptos::prelude::*;

/// A counter that goes up whenever the workgroup's tasks change elsewhere;
/// resources that read it refetch. Without JavaScript it never moves.
pub fn use_task_changes() -> ReadSignal<u64> {
    use_live("tasks")
}

/// A counter that goes up whenever the live stream sends `event` ("tasks"
/// or "notifications").
pub fn use_live(event: &'static str) -> ReadSignal<u64> {
    let (version, set_version) = signal(0u64);
    #[cfg(feature = "hydrate")]
    Effect::new(move |opened: Option<bool>| {
        if opened.is_some() {
            return true;
        }
        use wasm_bindgen::prelude::*;
        let Ok(source) = web_sys::EventSource::new("/api/live") else { return true };
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| set_version.update(|v| *v += 1));
        let _ = source.add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
        let held = send_wrapper::SendWrapper::new((source, on_change));
        on_cleanup(move || held.0.close());
        true
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_version, event);
    version
}
