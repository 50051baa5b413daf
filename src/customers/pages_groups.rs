//! The customer page's groups: New group, and a card per group with its
//! members (Remove), rename and delete. Users join a group from their row
//! in the users list.

use super::pages::{CustomerActions, Drafts};
use super::GroupView;
use crate::ui::{error_of, FieldError, FormError};
use leptos::prelude::*;

#[component]
pub(super) fn GroupsPanel(customer_id: String, groups: Vec<GroupView>, actions: CustomerActions, drafts: Drafts) -> impl IntoView {
    let create_error = error_of(actions.create_group);
    let list_error = actions.list_error();
    let cards = if groups.is_empty() {
        view! { <p class="hint">"No groups yet. A group gathers some of the customer's users for a service, such as new hires."</p> }.into_any()
    } else {
        groups
            .into_iter()
            .map(|group| view! { <GroupCard customer_id=customer_id.clone() group actions/> })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">"Groups"</h2>
            <ActionForm action=actions.create_group>
                <input type="hidden" name="customer_id" value=customer_id.clone()/>
                <label for="group-name">"New group"</label>
                <div class="row">
                    <input id="group-name" name="name" type="text" required maxlength="120" placeholder="New hires, March"
                        prop:value=move || drafts.group_name.get()
                        on:input=move |ev| drafts.group_name.set(event_target_value(&ev))/>
                    <button type="submit" disabled=move || actions.create_group.pending().get()>"Create group"</button>
                </div>
                <FieldError error=create_error field="name"/>
                <FormError error=create_error/>
            </ActionForm>
            <FieldError error=list_error field="group_name"/>
            {cards}
        </section>
    }
}

#[component]
fn GroupCard(customer_id: String, group: GroupView, actions: CustomerActions) -> impl IntoView {
    let GroupView { id, name, members } = group;
    let group_id = id.to_string();
    let count = match members.len() {
        1 => "1 user".to_string(),
        n => format!("{n} users"),
    };
    let member_list = if members.is_empty() {
        view! { <p class="hint">"No users yet: add them from the users list above (Add to group)."</p> }.into_any()
    } else {
        let (customer_id, group_id, group_name) = (customer_id.clone(), group_id.clone(), name.clone());
        let items = members
            .into_iter()
            .map(move |m| {
                let label = format!("Remove {} from {}", m.name, group_name);
                let (customer_id, group_id) = (customer_id.clone(), group_id.clone());
                view! {
                    <li>
                        <span>{format!("{} · {}", m.name, m.email)}</span>
                        <ActionForm action=actions.remove_member attr:class="inline">
                            <input type="hidden" name="customer_id" value=customer_id.clone()/>
                            <input type="hidden" name="group_id" value=group_id.clone()/>
                            <input type="hidden" name="user_id" value=m.id.to_string()/>
                            <button type="submit" class="link" aria-label=label>"Remove"</button>
                        </ActionForm>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="members">{items}</ul> }.into_any()
    };
    let rename_for = format!("group-{id}-name");
    let (test_id, rename_label, delete_label) = (format!("group-{name}"), format!("Name of {name}"), format!("Delete {name}"));
    let (rename_customer, rename_group, name_value) = (customer_id.clone(), group_id.clone(), name.clone());
    view! {
        <div class="group-card" data-testid=test_id>
            <div class="team-head">
                <h3>{name}</h3>
                <span class="badge">{count}</span>
            </div>
            {member_list}
            <details>
                <summary>"Rename or delete"</summary>
                <ActionForm action=actions.rename_group attr:class="row-form">
                    <input type="hidden" name="customer_id" value=rename_customer/>
                    <input type="hidden" name="group_id" value=rename_group/>
                    <label for=rename_for.clone()>{rename_label}</label>
                    <div class="row">
                        <input id=rename_for name="name" type="text" required maxlength="120" value=name_value/>
                        <button type="submit">"Rename group"</button>
                    </div>
                </ActionForm>
                <ActionForm action=actions.delete_group attr:class="row-form">
                    <input type="hidden" name="customer_id" value=customer_id/>
                    <input type="hidden" name="group_id" value=group_id/>
                    <button type="submit" class="danger">{delete_label}</button>
                </ActionForm>
            </details>
        </div>
    }
}
