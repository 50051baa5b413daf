//! The Account page: works as plain forms before the WASM arrives and in
//! place after, like every page.

use super::{browser_label, get_account, Account, ChangePassword, SignOutEverywhereElse};
use crate::app::use_app_session;
use crate::auth::MIN_PASSWORD;
use crate::ui::{error_of, moment, succeeded, FieldError, FormError, Loaded, ResendLink};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_app_session();
    let password = ServerAction::<ChangePassword>::new();
    let others = ServerAction::<SignOutEverywhereElse>::new();
    let account = Resource::new(
        move || (session.update_name.version().get(), password.version().get(), others.version().get()),
        |_| get_account(),
    );
    view! {
        <Title text="Account · Tandem"/>
        <h1>"Account"</h1>
        <Loaded resource=account let:a>
            {view! { <AccountPanels account=a password others/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn AccountPanels(account: Account, password: ServerAction<ChangePassword>, others: ServerAction<SignOutEverywhereElse>) -> impl IntoView {
    let session = use_app_session();
    let name_error = error_of(session.update_name);
    let name_saved = succeeded(session.update_name);
    let password_error = error_of(password);
    let password_changed = succeeded(password);
    let others_error = error_of(others);
    let others_done = succeeded(others);
    let elsewhere = account.sessions.iter().filter(|s| !s.current).count();
    view! {
        <section class="panel" aria-labelledby="email-heading">
            <h2 id="email-heading">"Email address"</h2>
            <p><strong>{account.email.clone()}</strong></p>
            {if account.email_verified {
                view! { <p data-testid="email-status" class="badge ok">"Verified"</p> }.into_any()
            } else {
                view! {
                    <p data-testid="email-status" class="badge warn">"Not verified"</p>
                    <p class="hint">"Until you use the link we mailed you, invitations cannot reach you or be accepted."</p>
                    <ResendLink next="/account"/>
                }
                    .into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="name-heading">
            <h2 id="name-heading">"Name"</h2>
            <ActionForm action=session.update_name attr:class="row-form">
                <label for="account-name">"Your name"</label>
                <div class="row">
                    <input id="account-name" name="name" type="text" autocomplete="name" required maxlength="100" value=account.name.clone()/>
                    <button type="submit">"Save name"</button>
                </div>
                <FieldError error=name_error field="name"/>
                <FormError error=name_error/>
                <Show when=move || name_saved.get()>
                    <p class="saved" role="status">"Name saved."</p>
                </Show>
            </ActionForm>
            <p class="hint">"Each workgroup also shows the name its Administrators and Managers set for you there."</p>
        </section>
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <ActionForm action=password>
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                <FieldError error=password_error field="current_password"/>
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new_password" type="password" autocomplete="new-password" required
                    minlength=MIN_PASSWORD.to_string()/>
                <p class="hint">{format!("At least {MIN_PASSWORD} characters. Changing it signs you out everywhere else.")}</p>
                <FieldError error=password_error field="new_password"/>
                <FormError error=password_error/>
                <div class="actions">
                    <button type="submit" disabled=move || password.pending().get()>"Change password"</button>
                </div>
                <Show when=move || password_changed.get()>
                    <p class="saved" role="status">"Password changed. Every other session is signed out."</p>
                </Show>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <table class="table" data-testid="sessions">
                <thead>
                    <tr>
                        <th scope="col">"Browser"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Signed in (UTC)"</th>
                        <th scope="col">"Last used (UTC)"</th>
                        <th scope="col"><span class="sr-only">"This session"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {account
                        .sessions
                        .into_iter()
                        .map(|s| view! {
                            <tr class:current=s.current>
                                <td title=s.user_agent.clone()>{browser_label(&s.user_agent)}</td>
                                <td>{s.address}</td>
                                <td>{moment(s.signed_in_at)}</td>
                                <td>{moment(s.last_seen_at)}</td>
                                <td>{s.current.then_some("This session")}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="hint" data-testid="sessions-elsewhere">
                {match elsewhere {
                    0 => "You are signed in here only.".to_string(),
                    1 => "You are signed in in 1 other place.".to_string(),
                    n => format!("You are signed in in {n} other places."),
                }}
            </p>
            <ActionForm action=others>
                <FormError error=others_error/>
                <button type="submit" disabled=move || elsewhere == 0>"Sign out everywhere else"</button>
                <Show when=move || others_done.get()>
                    <p class="saved" role="status">"Signed out everywhere else."</p>
                </Show>
            </ActionForm>
        </section>
    }
}
