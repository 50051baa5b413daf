//! The Runbooks page (the library and the workgroup's own) and one runbook's page.

use super::{
    duration_label, get_runbook, list_runbooks, AddStep, CreateRunbook, DeleteRunbook, DeleteStep, LicenseChoice, MoveStep,
    Runbook, Step, UpdateRunbook, UpdateStep,
};
use crate::ui::{error_of, FieldError, FormError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RunbooksPage() -> impl IntoView {
    let create = ServerAction::<CreateRunbook>::new();
    let runbooks = Resource::new(move || create.version().get(), |_| list_runbooks());
    let error = error_of(create);
    view! {
        <Title text="Runbooks · Tandem"/>
        <h1>"Runbooks"</h1>
        <p class="hint">
            "A runbook is an ordered list of tasks. Assign one to a customer to make a service with one task per step "
            "(one per user where the step needs a per-user license)."
        </p>
        <Loaded resource=runbooks let:list>
            {
                let options = list
                    .iter()
                    .map(|r| view! { <option value=r.id.to_string()>{r.name.clone()}</option> })
                    .collect_view();
                let rows = list
                    .into_iter()
                    .map(|r| {
                        let href = format!("/runbooks/{}", r.id);
                        let assign = format!("/services/new?runbook={}", r.id);
                        let licenses = if r.licenses.is_empty() { "None".to_string() } else { r.licenses.join(", ") };
                        view! {
                            <tr>
                                <td>
                                    <A href=href>{r.name}</A>
                                    {r.built_in.then(|| view! { " " <span class="badge">"Built-in"</span> })}
                                    <div class="hint">{r.description}</div>
                                </td>
                                <td class="num">{r.steps}</td>
                                <td>{duration_label(r.estimated_minutes)}</td>
                                <td>{licenses}</td>
                                <td><A href=assign attr:class="button-link">"Assign to a customer"</A></td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Runbook"</th>
                                <th scope="col" class="num">"Tasks"</th>
                                <th scope="col">"Estimated"</th>
                                <th scope="col">"Licenses needed"</th>
                                <th scope="col"><span class="sr-only">"Assign"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <section class="panel" aria-labelledby="new-runbook-heading">
                        <h2 id="new-runbook-heading">"New runbook"</h2>
                        <ActionForm action=create>
                            <div class="grid-2">
                                <div>
                                    <label for="runbook-name">"Name"</label>
                                    <input id="runbook-name" name="name" type="text" required maxlength="120"/>
                                    <FieldError error field="name"/>
                                </div>
                                <div>
                                    <label for="runbook-copy">"Start from"</label>
                                    <select id="runbook-copy" name="copy_of">
                                        <option value="">"An empty runbook"</option>
                                        {options}
                                    </select>
                                </div>
                            </div>
                            <label for="runbook-description">"Description"</label>
                            <textarea id="runbook-description" name="description" rows="2" maxlength="2000"></textarea>
                            <FieldError error field="description"/>
                            <FormError error/>
                            <div class="actions">
                                <button type="submit" disabled=move || create.pending().get()>"Create runbook"</button>
                            </div>
                        </ActionForm>
                    </section>
                }
                .into_any()
            }
        </Loaded>
    }
}

/// The actions of one runbook's page.
#[derive(Clone, Copy)]
struct StepActions {
    update: ServerAction<UpdateStep>,
    delete: ServerAction<DeleteStep>,
    move_step: ServerAction<MoveStep>,
}

#[component]
pub fn RunbookPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateRunbook>::new();
    let delete = ServerAction::<DeleteRunbook>::new();
    let add = ServerAction::<AddStep>::new();
    let steps = StepActions { update: ServerAction::new(), delete: ServerAction::new(), move_step: ServerAction::new() };
    let page = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
                add.version().get(),
                steps.update.version().get(),
                steps.delete.version().get(),
                steps.move_step.version().get(),
            )
        },
        |(id, ..)| get_runbook(id),
    );
    let errors = [error_of(steps.update), error_of(steps.delete), error_of(steps.move_step), error_of(delete)];
    let step_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! {
        <Loaded resource=page let:p>
            {view! { <RunbookView runbook=p.runbook licenses=p.license_types update delete add steps step_error/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn RunbookView(
    runbook: Runbook,
    licenses: Vec<LicenseChoice>,
    update: ServerAction<UpdateRunbook>,
    delete: ServerAction<DeleteRunbook>,
    add: ServerAction<AddStep>,
    steps: StepActions,
    step_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let Runbook { id, name, description, built_in, steps: list } = runbook;
    let editable = !built_in;
    let total: i64 = list.iter().map(|s| i64::from(s.estimated_minutes)).sum();
    let count = list.len();
    let rows = list
        .into_iter()
        .enumerate()
        .map(|(i, s)| view! { <StepRow step=s number=i + 1 first=i == 0 last=i + 1 == count editable licenses=licenses.clone() actions=steps/> })
        .collect_view();
    let assign = format!("/services/new?runbook={id}");
    let runbook_id = id.to_string();
    let edit = editable.then(|| {
        let (update_error, add_error) = (error_of(update), error_of(add));
        let (rid_update, rid_add, rid_delete) = (runbook_id.clone(), runbook_id.clone(), runbook_id.clone());
        let (name_value, description_value) = (name.clone(), description.clone());
        let options = license_options(&licenses, None);
        view! {
            <section class="panel" aria-labelledby="add-step-heading">
                <h2 id="add-step-heading">"Add a task"</h2>
                <ActionForm action=add>
                    <input type="hidden" name="runbook_id" value=rid_add/>
                    <div class="grid-3">
                        <div>
                            <label for="step-name">"Task name"</label>
                            <input id="step-name" name="name" type="text" required maxlength="120"/>
                            <FieldError error=add_error field="step_name"/>
                        </div>
                        <div>
                            <label for="step-minutes">"Estimated minutes"</label>
                            <input id="step-minutes" name="estimated_minutes" type="number" min="1" max="100000" required value="30"/>
                            <FieldError error=add_error field="estimated_minutes"/>
                        </div>
                        <div>
                            <label for="step-license">"License needed"</label>
                            <select id="step-license" name="license_type">{options}</select>
                            <FieldError error=add_error field="license_type"/>
                        </div>
                    </div>
                    <label for="step-instructions">"Instructions"</label>
                    <textarea id="step-instructions" name="instructions" rows="3" maxlength="4000"></textarea>
                    <FieldError error=add_error field="instructions"/>
                    <FormError error=add_error/>
                    <div class="actions"><button type="submit">"Add task"</button></div>
                </ActionForm>
            </section>
            <details class="panel">
                <summary>"Rename or delete this runbook"</summary>
                <ActionForm action=update>
                    <input type="hidden" name="runbook_id" value=rid_update/>
                    <label for="runbook-name">"Name"</label>
                    <input id="runbook-name" name="name" type="text" required maxlength="120" value=name_value/>
                    <FieldError error=update_error field="name"/>
                    <label for="runbook-description">"Description"</label>
                    <textarea id="runbook-description" name="description" rows="2" maxlength="2000">{description_value}</textarea>
                    <FormError error=update_error/>
                    <div class="actions"><button type="submit">"Save runbook"</button></div>
                </ActionForm>
                <ActionForm action=delete attr:class="row-form">
                    <input type="hidden" name="runbook_id" value=rid_delete/>
                    <button type="submit" class="danger">"Delete runbook"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <Title text=format!("{name} · Runbooks · Tandem")/>
        <p class="breadcrumb"><A href="/runbooks">"Runbooks"</A></p>
        <div class="page-head">
            <h1>{name.clone()} {built_in.then(|| view! { " " <span class="badge">"Built-in"</span> })}</h1>
            <A href=assign attr:class="button-link">"Assign to a customer"</A>
        </div>
        <p class="hint">{description}</p>
        {built_in.then(|| view! {
            <p class="hint">"Built-in runbooks cannot be changed. To adapt one, create a runbook on the Runbooks page starting from it."</p>
        })}
        <FieldError error=step_error field="step_name"/>
        <FieldError error=step_error field="estimated_minutes"/>
        <FormError error=step_error/>
        <table class="table">
            <thead>
                <tr>
                    <th scope="col" class="num">"#"</th>
                    <th scope="col">"Task"</th>
                    <th scope="col">"Estimated"</th>
                    <th scope="col">"License needed"</th>
                    {editable.then(|| view! { <th scope="col"><span class="sr-only">"Change"</span></th> })}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row" colspan="2">{format!("{count} tasks")}</th>
                    <td>{duration_label(total)}</td>
                    <td colspan="2"></td>
                </tr>
            </tfoot>
        </table>
        {edit}
    }
}

fn license_options(licenses: &[LicenseChoice], current: Option<&str>) -> impl IntoView {
    let none = view! { <option value="" selected=current.is_none()>"None"</option> };
    let rest = licenses
        .iter()
        .map(|l| view! { <option value=l.code.clone() selected=current == Some(l.code.as_str())>{l.name.clone()}</option> })
        .collect_view();
    view! { {none} {rest} }
}

#[component]
fn StepRow(step: Step, number: usize, first: bool, last: bool, editable: bool, licenses: Vec<LicenseChoice>, actions: StepActions) -> impl IntoView {
    let Step { id, name, instructions, estimated_minutes, license_type, license_name, .. } = step;
    let step_id = id.to_string();
    let change = editable.then(|| {
        let (up_id, down_id, delete_id, edit_id) = (step_id.clone(), step_id.clone(), step_id.clone(), step_id.clone());
        let options = license_options(&licenses, license_type.as_deref());
        let (name_value, instructions_value) = (name.clone(), instructions.clone());
        let (name_label, minutes_label) = (format!("Name of task {number}"), format!("Estimated minutes of task {number}"));
        view! {
            <td class="row-actions">
                <ActionForm action=actions.move_step attr:class="inline">
                    <input type="hidden" name="step_id" value=up_id/>
                    <input type="hidden" name="direction" value="up"/>
                    <button type="submit" class="link" disabled=first aria-label=format!("Move task {number} up")>"↑"</button>
                </ActionForm>
                <ActionForm action=actions.move_step attr:class="inline">
                    <input type="hidden" name="step_id" value=down_id/>
                    <input type="hidden" name="direction" value="down"/>
                    <button type="submit" class="link" disabled=last aria-label=format!("Move task {number} down")>"↓"</button>
                </ActionForm>
                <details>
                    <summary>"Edit"</summary>
                    <ActionForm action=actions.update>
                        <input type="hidden" name="step_id" value=edit_id/>
                        <label>{name_label}<input name="name" type="text" required maxlength="120" value=name_value/></label>
                        <label>{minutes_label}<input name="estimated_minutes" type="number" min="1" max="100000" required value=estimated_minutes.to_string()/></label>
                        <label>"License needed"<select name="license_type">{options}</select></label>
                        <label>"Instructions"<textarea name="instructions" rows="3" maxlength="4000">{instructions_value}</textarea></label>
                        <div class="actions"><button type="submit">"Save task"</button></div>
                    </ActionForm>
                    <ActionForm action=actions.delete attr:class="row-form">
                        <input type="hidden" name="step_id" value=delete_id/>
                        <button type="submit" class="danger">"Delete task"</button>
                    </ActionForm>
                </details>
            </td>
        }
    });
    view! {
        <tr>
            <td class="num">{number}</td>
            <td><strong>{name}</strong><div class="hint pre">{instructions}</div></td>
            <td>{duration_label(i64::from(estimated_minutes))}</td>
            <td>{license_name.unwrap_or_else(|| "None".into())}</td>
            {change}
        </tr>
    }
}
