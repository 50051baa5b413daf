//! The workgroup selector (top of the left navigation) and the Settings →
//! Workgroups tab.

use super::{get_workgroup_settings, Role, SetDefaultCost, WorkgroupSettings};
use crate::app::use_app_session;
use crate::auth::Me;
use crate::money::{Cents, Money};
use crate::ui::{error_of, succeeded, FieldError, FormError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;

/// Choosing a workgroup switches at once when scripts run; without them the
/// Switch button submits the same form.
#[component]
pub fn WorkgroupSelector(me: Me) -> impl IntoView {
    let session = use_app_session();
    let error = error_of(session.switch);
    let current = me.workgroup.id;
    view! {
        <ActionForm action=session.switch attr:class="selector">
            <label for="workgroup-select">"Workgroup"</label>
            <div class="selector-row">
                <select id="workgroup-select" name="workgroup_id" on:change=crate::ui::submit_on_change>
                    {me
                        .workgroups
                        .into_iter()
                        .map(|w| {
                            view! {
                                <option value=w.id.to_string() selected=w.id == current>
                                    {w.name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="no-js">"Switch"</button>
            </div>
            <FormError error/>
        </ActionForm>
    }
}

#[component]
pub fn WorkgroupsTab() -> impl IntoView {
    let session = use_app_session();
    let set_cost = ServerAction::<SetDefaultCost>::new();
    let settings = Resource::new(move || set_cost.version().get(), |_| get_workgroup_settings());
    view! {
        <Title text="Workgroups · Settings · Tandem"/>
        <Loaded resource=settings let:s>
            {view! { <CurrentWorkgroup settings=s set_cost/> }.into_any()}
        </Loaded>
        <NewWorkgroup/>
        <p class="hint">
            "Workgroups are never deleted. Each one keeps its customers, agents, services and billing to itself; "
            "an agent can switch between at most 10."
        </p>
        {move || session.create.value().get().and_then(|r| r.ok()).map(|w| {
            view! { <p class="notice" role="status">{format!("Created {}. You are now working in it.", w.name)}</p> }
        })}
    }
}

#[component]
fn CurrentWorkgroup(settings: WorkgroupSettings, set_cost: ServerAction<SetDefaultCost>) -> impl IntoView {
    let session = use_app_session();
    let rename_error = error_of(session.rename);
    let cost_error = error_of(set_cost);
    let renamed = succeeded(session.rename);
    let cost_saved = succeeded(set_cost);
    let can_edit = settings.role.at_least(Role::Manager);
    let cost = Money { cents: Cents(settings.default_cost_cents), currency: settings.currency.clone() };
    let since = crate::ui::day(settings.created_at);
    view! {
        <section class="panel" aria-labelledby="current-heading">
            <h2 id="current-heading">"Current workgroup"</h2>
            <dl class="facts">
                <div><dt>"Your role"</dt><dd>{settings.role.label()}</dd></div>
                <div><dt>"Active agents"</dt><dd>{settings.members}</dd></div>
                <div><dt>"Free training subscriptions"</dt><dd>{settings.training_seats}</dd></div>
                <div><dt>"Created"</dt><dd>{since}</dd></div>
            </dl>
            {if can_edit {
                view! {
                    <ActionForm action=session.rename attr:class="row-form">
                        <label for="workgroup-name">"Workgroup name"</label>
                        <div class="row">
                            <input id="workgroup-name" name="name" type="text" required maxlength="80"
                                value=settings.name.clone()/>
                            <button type="submit">"Save name"</button>
                        </div>
                        <FieldError error=rename_error field="name"/>
                        <FormError error=rename_error/>
                        <Show when=move || renamed.get()>
                            <p class="saved" role="status">"Name saved."</p>
                        </Show>
                    </ActionForm>
                    <ActionForm action=set_cost attr:class="row-form">
                        <label for="default-cost">"Default agent cost per hour (USD)"</label>
                        <div class="row">
                            <input id="default-cost" name="cost" type="text" inputmode="decimal" required
                                value=cost.cents.plain()/>
                            <button type="submit">"Save cost"</button>
                        </div>
                        <p class="hint">"Used for agents who have no hourly rate of their own."</p>
                        <FieldError error=cost_error field="cost"/>
                        <FormError error=cost_error/>
                        <Show when=move || cost_saved.get()>
                            <p class="saved" role="status">"Cost saved."</p>
                        </Show>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! {
                    <dl class="facts">
                        <div><dt>"Workgroup name"</dt><dd>{settings.name.clone()}</dd></div>
                        <div><dt>"Default agent cost per hour"</dt><dd>{cost.to_string()}</dd></div>
                    </dl>
                    <p class="hint">"Administrators and Managers can rename the workgroup and set the default cost."</p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn NewWorkgroup() -> impl IntoView {
    let session = use_app_session();
    let error = error_of(session.create);
    view! {
        <section class="panel" aria-labelledby="new-heading">
            <h2 id="new-heading">"Add a workgroup"</h2>
            <ActionForm action=session.create attr:class="row-form">
                <label for="new-workgroup-name">"New workgroup name"</label>
                <div class="row">
                    <input id="new-workgroup-name" name="name" type="text" required maxlength="80"/>
                    <button type="submit" disabled=move || session.create.pending().get()>"Create workgroup"</button>
                </div>
                <p class="hint">"You become its Administrator. It starts with 3 free subscriptions for training."</p>
                <FieldError error field="new_name"/>
                <FormError error/>
            </ActionForm>
        </section>
    }
}
