//! What an agent whose email address is not verified yet is told, with the
//! button that mails a new link (shared by the invitation and Account pages).

use crate::auth::ResendVerification;
use crate::ui::{error_of, succeeded, FormError};
use leptos::prelude::*;

/// "Resend link": mails a new verification link, which leads to `next` once used.
#[component]
pub fn ResendLink(#[prop(into)] next: String) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let error = error_of(resend);
    let sent = succeeded(resend);
    view! {
        <ActionForm action=resend attr:class="inline resend-link">
            <input type="hidden" name="next" value=next/>
            <button type="submit" disabled=move || resend.pending().get()>"Resend link"</button>
        </ActionForm>
        <FormError error/>
        <Show when=move || sent.get()>
            <p class="saved" role="status">"Sent. The new link is in your mail; older links no longer work."</p>
        </Show>
    }
}

/// Refuses an action that needs a verified address, and offers a new link.
#[component]
pub fn VerifyFirst(#[prop(into)] next: String) -> impl IntoView {
    view! {
        <div class="verify-first" role="alert">
            <p class="form-error">"Verify your email address first."</p>
            <p class="hint">"We mailed you a link when you signed up. It works for 24 hours; a new one replaces it."</p>
            <ResendLink next/>
        </div>
    }
}
