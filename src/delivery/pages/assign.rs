//! Assigning a runbook to a customer: choose both, then the users, due date
//! and assignee.

use super::task_row::assignee_options;
use crate::delivery::{assign_form, AssignChoices, CreateService};
use crate::runbooks::duration_label;
use crate::ui::{error_of, FieldError, FormError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewServicePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let create = ServerAction::<CreateService>::new();
    let form = Resource::new(move || (param("runbook"), param("customer")), |(runbook, customer)| assign_form(runbook, customer));
    view! {
        <Title text="Assign a runbook · Tandem"/>
        <p class="breadcrumb"><A href="/delivery">"Delivery Center"</A></p>
        <h1>"Assign a runbook to a customer"</h1>
        <Loaded resource=form let:f>
            {view! { <AssignFormView form=f create/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn AssignFormView(form: AssignChoices, create: ServerAction<CreateService>) -> impl IntoView {
    let error = error_of(create);
    let runbook_id = form.runbook.as_ref().map(|r| r.id.to_string()).unwrap_or_default();
    let customer_id = form.customer_id.map(|c| c.to_string()).unwrap_or_default();
    let runbook_options = form
        .runbooks
        .iter()
        .map(|r| {
            let id = r.id.to_string();
            let selected = id == runbook_id;
            view! { <option value=id selected=selected>{r.name.clone()}</option> }
        })
        .collect_view();
    let customer_options = form
        .customers
        .iter()
        .map(|c| {
            let id = c.id.to_string();
            let selected = id == customer_id;
            view! { <option value=id selected=selected>{c.name.clone()}</option> }
        })
        .collect_view();
    // Step one: which runbook, which customer (a GET form; changing a
    // choice with JavaScript on submits it at once).
    let chooser = view! {
        <Form method="GET" action="" attr:class="filters" attr:id="assign-choose">
            <div>
                <label for="assign-runbook">"Runbook"</label>
                <select id="assign-runbook" name="runbook" required on:change=crate::ui::submit_on_change>
                    <option value="">"Choose a runbook"</option>
                    {runbook_options}
                </select>
            </div>
            <div>
                <label for="assign-customer">"Customer"</label>
                <select id="assign-customer" name="customer" required on:change=crate::ui::submit_on_change>
                    <option value="">"Choose a customer"</option>
                    {customer_options}
                </select>
            </div>
            <div class="filter-button"><button type="submit" class="secondary">"Choose"</button></div>
        </Form>
    };
    let no_customers = form.customers.is_empty().then(|| {
        view! { <p class="panel hint">"There are no customers yet. " <A href="/customers">"Add a customer"</A> " first."</p> }
    });
    let details = match (form.runbook.clone(), form.customer_id) {
        (Some(runbook), Some(_)) => {
            let steps = runbook
                .steps
                .iter()
                .map(|s| {
                    let license = s.license_name.clone().map(|l| format!(" · needs {l} per user"));
                    view! { <li>{s.name.clone()} " (" {duration_label(i64::from(s.estimated_minutes))} ")" {license}</li> }
                })
                .collect_view();
            let users_hint = if form.per_user {
                "This runbook needs a license per user: one task per chosen user for those steps."
            } else {
                "Optional: the users this service is for."
            };
            let users = form
                .users
                .iter()
                .map(|u| {
                    let (id, for_id) = (format!("user-{}", u.id), format!("user-{}", u.id));
                    view! {
                        <label class="check" for=for_id>
                            <input id=id type="checkbox" name="users[]" value=u.id.to_string()/>
                            {u.name.clone()} " " <span class="hint">{u.email.clone()}</span>
                        </label>
                    }
                })
                .collect_view();
            let groups = form
                .groups
                .iter()
                .map(|g| view! { <option value=g.id.to_string()>{format!("{} ({} users)", g.name, g.members)}</option> })
                .collect_view();
            let has_users = !form.users.is_empty();
            let teams_note = (!form.choices.teams.is_empty() && !form.choices.teams_allowed).then(|| {
                view! { <p class="hint">"Assigning to a team needs a Get Automated subscription in this workgroup."</p> }
            });
            let assignees = assignee_options(&form.choices, "");
            let due = form.default_due.to_string();
            let (rid, cid, name) = (runbook_id.clone(), customer_id.clone(), runbook.name.clone());
            view! {
                <section class="panel" aria-labelledby="assign-heading">
                    <h2 id="assign-heading">{format!("{} tasks", runbook.steps.len())}</h2>
                    <ol class="steps">{steps}</ol>
                    <ActionForm action=create>
                        <input type="hidden" name="runbook_id" value=rid/>
                        <input type="hidden" name="customer_id" value=cid/>
                        <FieldError error field="runbook_id"/>
                        <FieldError error field="customer_id"/>
                        <div class="grid-3">
                            <div>
                                <label for="service-name">"Service name"</label>
                                <input id="service-name" name="name" type="text" maxlength="200" value=name/>
                                <FieldError error field="name"/>
                            </div>
                            <div>
                                <label for="service-due">"Due date"</label>
                                <input id="service-due" name="due_on" type="date" required value=due/>
                                <FieldError error field="due_on"/>
                            </div>
                            <div>
                                <label for="service-assignee">"Assign tasks to"</label>
                                <select id="service-assignee" name="assignee">{assignees}</select>
                                <FieldError error field="assignee"/>
                            </div>
                        </div>
                        {teams_note}
                        <fieldset>
                            <legend>"Users"</legend>
                            <p class="hint">{users_hint}</p>
                            {if has_users {
                                view! { <div class="checks">{users}</div> }.into_any()
                            } else {
                                view! { <p class="hint">"This customer has no users yet."</p> }.into_any()
                            }}
                            {(!form.groups.is_empty()).then(|| view! {
                                <label for="service-group">"Or a group"</label>
                                <select id="service-group" name="group_id">
                                    <option value="">"No group"</option>
                                    {groups}
                                </select>
                            })}
                            <FieldError error field="users"/>
                            <FieldError error field="group_id"/>
                        </fieldset>
                        <FormError error/>
                        <div class="actions">
                            <button type="submit" disabled=move || create.pending().get()>"Assign"</button>
                        </div>
                    </ActionForm>
                </section>
            }
            .into_any()
        }
        _ => view! { <p class="hint">"Choose a runbook and a customer to see the tasks and pick users."</p> }.into_any(),
    };
    view! { {chooser} {no_customers} {details} }
}

