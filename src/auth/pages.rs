//! The Sign up and Log in pages. Both work before the WASM arrives (plain
//! form posts) and after (the same forms, submitted in place).

use super::{LogIn, SignUp, VerifyEmail, MIN_PASSWORD};
use crate::ui::{error_of, urlencode, FieldError, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = error_of(action);
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let email = query.with_untracked(|q| q.get("email").unwrap_or_default());
    let login_href = if next.is_empty() { "/login".to_string() } else { format!("/login?next={}", urlencode(&next)) };
    view! {
        <Title text="Sign up · Tandem"/>
        <main class="auth">
            <div class="auth-card">
                <h1 class="brand">"Tandem"</h1>
                <h2>"Create your account"</h2>
                <p class="hint">"You get your own workgroup, with 3 free subscriptions for training."</p>
                <ActionForm action=action>
                    <label for="signup-name">"Name"</label>
                    <input id="signup-name" name="name" type="text" autocomplete="name" required maxlength="100"/>
                    <FieldError error field="name"/>
                    <label for="signup-email">"Email"</label>
                    <input id="signup-email" name="email" type="email" autocomplete="email" required value=email/>
                    <FieldError error field="email"/>
                    <label for="signup-password">"Password"</label>
                    <input id="signup-password" name="password" type="password" autocomplete="new-password"
                        required minlength=MIN_PASSWORD.to_string()/>
                    <p class="hint">{format!("At least {MIN_PASSWORD} characters.")}</p>
                    <FieldError error field="password"/>
                    <FormError error/>
                    <input type="hidden" name="next" value=next/>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>"Sign up"</button>
                </ActionForm>
                <p class="switch">"Already have an account? " <A href=login_href>"Log in"</A></p>
            </div>
        </main>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let error = error_of(action);
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let signup_href = if next.is_empty() { "/signup".to_string() } else { format!("/signup?next={}", urlencode(&next)) };
    view! {
        <Title text="Log in · Tandem"/>
        <main class="auth">
            <div class="auth-card">
                <h1 class="brand">"Tandem"</h1>
                <h2>"Log in"</h2>
                <ActionForm action=action>
                    <label for="login-email">"Email"</label>
                    <input id="login-email" name="email" type="email" autocomplete="username" required/>
                    <FieldError error field="email"/>
                    <label for="login-password">"Password"</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required/>
                    <FieldError error field="password"/>
                    <FormError error/>
                    <input type="hidden" name="next" value=next/>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>"Log in"</button>
                </ActionForm>
                <p class="switch">"New to Tandem? " <A href=signup_href>"Sign up"</A></p>
            </div>
        </main>
    }
}

/// `/verify-email/:token`: the link of the verification mail. Verifying is a
/// button (a POST), so a mail scanner that opens links verifies nothing.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let error = error_of(action);
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    view! {
        <Title text="Verify your email address · Tandem"/>
        <main class="auth">
            <div class="auth-card">
                <h1 class="brand">"Tandem"</h1>
                <h2>"Verify your email address"</h2>
                <p>"Confirm that this address is yours. Invitations reach you, and can be accepted, once it is verified."</p>
                <ActionForm action=action>
                    <input type="hidden" name="token" value=token/>
                    <input type="hidden" name="next" value=next/>
                    <FormError error/>
                    <button type="submit" class="primary" disabled=move || action.pending().get()>"Verify my email address"</button>
                </ActionForm>
            </div>
        </main>
    }
}
