//! The Delivery Center, a service's page, the assign form, and My Tasks.

use super::live::use_task_changes;
use super::{
    assign_form, date_label, get_service, list_services, my_tasks, AssignChoices, AssignTask, AssigneeChoices, ClaimTask,
    CreateService, ServiceRow, ServiceStatus, TaskRow, TaskStatus, WorkTask, PAGE_SIZE,
};
use crate::error::AppError;
use crate::money::Cents;
use crate::runbooks::duration_label;
use crate::teams::TeamMode;
use crate::ui::{error_of, urlencode, FieldError, FormError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

fn money(cents: i64) -> String {
    format!("${}", Cents(cents).plain())
}

/// A progress bar with its figures for screen readers and on hover.
#[component]
fn Progress(done: i32, total: i32) -> impl IntoView {
    let percent = if total > 0 { i64::from(done) * 100 / i64::from(total) } else { 0 };
    let text = format!("{done} of {total} tasks completed");
    view! {
        <progress class="progress" max=total.max(1) value=done title=text.clone() aria-label=text>{format!("{percent}%")}</progress>
        <span class="progress-figures" aria-hidden="true">{format!("{done}/{total}")}</span>
    }
}

fn status_class(status: ServiceStatus) -> &'static str {
    match status {
        ServiceStatus::Completed => "status status-done",
        ServiceStatus::Blocked => "status status-blocked",
        ServiceStatus::InProgress => "status",
    }
}

/// Previous / next links that keep the other query parameters.
#[component]
fn Pager(base: String, page: i64, total: i64) -> impl IntoView {
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = move |p: i64| format!("{base}{}page={p}", if base.contains('?') { "&" } else { "?" });
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! { <A href=link(page - 1) attr:rel="prev">"← Previous"</A> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <A href=link(page + 1) attr:rel="next">"Next →"</A> })}
            </nav>
        }
    })
}

// ---- Delivery Center ---------------------------------------------------------

#[component]
pub fn DeliveryCenterPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let changes = use_task_changes();
    let services = Resource::new(
        move || (param("customer"), param("status"), param("sort"), param("page"), changes.get()),
        |(customer, status, sort, page, _)| list_services(customer, status, sort, page),
    );
    view! {
        <Title text="Delivery Center · Tandem"/>
        <div class="page-head">
            <h1>"Delivery Center"</h1>
            <A href="/services/new" attr:class="button-link">"Assign a runbook"</A>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(list) => {
                        let (customer, status, sort) = (param("customer"), param("status"), param("sort"));
                        let base = format!(
                            "/delivery?customer={}&status={}&sort={}",
                            urlencode(&customer),
                            urlencode(&status),
                            urlencode(&sort)
                        );
                        let customer_options = list
                            .customers
                            .iter()
                            .map(|c| {
                                let id = c.id.to_string();
                                let selected = id == customer;
                                view! { <option value=id selected=selected>{c.name.clone()}</option> }
                            })
                            .collect_view();
                        let status_options = [ServiceStatus::InProgress, ServiceStatus::Blocked, ServiceStatus::Completed]
                            .into_iter()
                            .map(|s| view! { <option value=s.as_str() selected=s.as_str() == status>{s.label()}</option> })
                            .collect_view();
                        let sort_options = [("due", "Due date"), ("name", "Service"), ("customer", "Customer"), ("progress", "Progress")]
                            .into_iter()
                            .map(|(v, l)| view! { <option value=v selected=v == sort || (sort.is_empty() && v == "due")>{l}</option> })
                            .collect_view();
                        let shows_cost = list.shows_cost;
                        let body = if list.rows.is_empty() {
                            view! {
                                <p class="panel hint">
                                    "No services here yet. "
                                    <A href="/services/new">"Assign a runbook to a customer"</A>
                                    " to start one."
                                </p>
                            }
                            .into_any()
                        } else {
                            let rows = list.rows.into_iter().map(|r| view! { <ServiceLine row=r shows_cost/> }).collect_view();
                            view! {
                                <table class="table" data-testid="services">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Service"</th>
                                            <th scope="col">"Customer"</th>
                                            <th scope="col">"Due"</th>
                                            <th scope="col">"Assignee"</th>
                                            <th scope="col">"Progress"</th>
                                            <th scope="col">"Status"</th>
                                            {shows_cost.then(|| view! { <th scope="col" class="num">"Estimated cost"</th> })}
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }
                            .into_any()
                        };
                        view! {
                            <Form method="GET" action="" attr:class="filters">
                                <div>
                                    <label for="dc-customer">"Customer"</label>
                                    <select id="dc-customer" name="customer">
                                        <option value="">"All customers"</option>
                                        {customer_options}
                                    </select>
                                </div>
                                <div>
                                    <label for="dc-status">"Status"</label>
                                    <select id="dc-status" name="status">
                                        <option value="">"Any status"</option>
                                        {status_options}
                                    </select>
                                </div>
                                <div>
                                    <label for="dc-sort">"Sort by"</label>
                                    <select id="dc-sort" name="sort">{sort_options}</select>
                                </div>
                                <div class="filter-button"><button type="submit">"Show"</button></div>
                            </Form>
                            <p class="hint">{match list.total { 1 => "1 service".to_string(), n => format!("{n} services") }}</p>
                            {body}
                            <Pager base page=list.page total=list.total/>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServiceLine(row: ServiceRow, shows_cost: bool) -> impl IntoView {
    let href = format!("/services/{}", row.id);
    let customer_href = format!("/delivery?customer={}", row.customer_id);
    let due_class = if row.overdue { "overdue" } else { "" };
    let due = date_label(row.due_on);
    let runbook = (row.runbook_name != row.name).then(|| row.runbook_name.clone());
    view! {
        <tr>
            <td>
                <A href=href>{row.name}</A>
                {runbook.map(|r| view! { <div class="hint">{r}</div> })}
            </td>
            <td><A href=customer_href>{row.customer_name}</A></td>
            <td class=format!("nowrap {due_class}")>{due}{row.overdue.then(|| view! { <span class="sr-only">" (overdue)"</span> })}</td>
            <td>{row.assignee}</td>
            <td class="progress-cell"><Progress done=row.tasks_completed total=row.tasks_total/></td>
            <td><span class=status_class(row.status)>{row.status.label()}</span></td>
            {shows_cost.then(|| view! { <td class="num">{row.estimated_cost_cents.map(money)}</td> })}
        </tr>
    }
}

// ---- one service -----------------------------------------------------------------

/// The actions that change tasks, shared by the service page and My Tasks.
#[derive(Clone, Copy)]
struct TaskActions {
    work: ServerAction<WorkTask>,
    assign: ServerAction<AssignTask>,
    claim: ServerAction<ClaimTask>,
}

impl TaskActions {
    fn new() -> Self {
        TaskActions { work: ServerAction::new(), assign: ServerAction::new(), claim: ServerAction::new() }
    }

    fn versions(self) -> (usize, usize, usize) {
        (self.work.version().get(), self.assign.version().get(), self.claim.version().get())
    }

    fn error(self) -> Signal<Option<AppError>> {
        let errors = [error_of(self.work), error_of(self.assign), error_of(self.claim)];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

/// The latest failure of a task action, with the way to licenses when one is missing.
#[component]
fn TaskMessages(actions: TaskActions) -> impl IntoView {
    let error = actions.error();
    view! {
        {move || {
            error.get().and_then(|e| e.for_field("license")).map(|message| {
                view! {
                    <div class="form-error" role="alert">
                        {message} " "
                        <A href="/settings/cart">"Open the Shopping Cart"</A>
                        " · "
                        <A href="/settings/coupons">"Enter a coupon"</A>
                    </div>
                }
            })
        }}
        <FieldError error field="assignee"/>
        <FormError error/>
    }
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let actions = TaskActions::new();
    let changes = use_task_changes();
    let detail = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.with(|q| q.get("page").unwrap_or_default()),
                actions.versions(),
                changes.get(),
            )
        },
        |(id, page, ..)| get_service(id, page),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let s = d.service;
                        let shows_cost = s.estimated_cost_cents.is_some();
                        let (me, manages, choices) = (d.me, d.manages, d.choices);
                        let rows = d
                            .tasks
                            .into_iter()
                            .map(|t| view! { <TaskLine task=t me manages choices=choices.clone() actions shows_cost show_service=false/> })
                            .collect_view();
                        let customer_href = format!("/delivery?customer={}", s.customer_id);
                        let (page, total, base) = (d.page, i64::from(s.tasks_total), format!("/services/{}", s.id));
                        view! {
                            <Title text=format!("{} · Delivery Center · Tandem", s.name)/>
                            <p class="breadcrumb"><A href="/delivery">"Delivery Center"</A></p>
                            <h1>{s.name.clone()}</h1>
                            <dl class="facts">
                                <div><dt>"Customer"</dt><dd><A href=customer_href>{s.customer_name}</A></dd></div>
                                <div><dt>"Runbook"</dt><dd>{s.runbook_name}</dd></div>
                                <div><dt>"Due"</dt><dd class=if s.overdue { "overdue" } else { "" }>{date_label(s.due_on)}{s.overdue.then_some(" (overdue)")}</dd></div>
                                <div><dt>"Assignee"</dt><dd>{s.assignee}</dd></div>
                                <div><dt>"Progress"</dt><dd class="progress-cell" data-testid="service-progress"><Progress done=s.tasks_completed total=s.tasks_total/></dd></div>
                                <div><dt>"Status"</dt><dd><span class=status_class(s.status)>{s.status.label()}</span></dd></div>
                                {s.estimated_cost_cents.map(|c| view! { <div><dt>"Estimated cost"</dt><dd>{money(c)}</dd></div> })}
                            </dl>
                            <TaskMessages actions/>
                            <table class="table" data-testid="tasks">
                                <thead>
                                    <tr>
                                        <th scope="col">"Task"</th>
                                        <th scope="col">"Estimated"</th>
                                        <th scope="col">"Assignee"</th>
                                        <th scope="col">"Status"</th>
                                        {shows_cost.then(|| view! { <th scope="col" class="num">"Cost"</th> })}
                                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                            <Pager base page total/>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn assignee_options(choices: &AssigneeChoices, current: &str) -> impl IntoView {
    let agents = choices
        .agents
        .iter()
        .map(|a| {
            let value = format!("agent:{}", a.id);
            let selected = value == current;
            view! { <option value=value selected=selected>{a.name.clone()}</option> }
        })
        .collect_view();
    let teams = choices
        .teams
        .iter()
        .map(|t| {
            let value = format!("team:{}", t.id);
            let selected = value == current;
            let label = match t.mode {
                TeamMode::PullFromQueue => format!("{} (queue)", t.name),
                TeamMode::LoadBalance => format!("{} (load balanced)", t.name),
            };
            view! { <option value=value selected=selected disabled=!choices.teams_allowed>{label}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=current.is_empty()>"No one yet"</option>
        <optgroup label="Agents">{agents}</optgroup>
        {(!choices.teams.is_empty()).then(|| view! { <optgroup label="Teams">{teams}</optgroup> })}
    }
}

/// One button that posts a step of a task's life.
fn step_button(actions: TaskActions, task_id: &str, step: &'static str, label: &'static str, name: &str) -> impl IntoView {
    let aria = format!("{label}: {name}");
    let task_id = task_id.to_string();
    let class = if matches!(step, "fail" | "stop") { "secondary" } else { "" };
    view! {
        <ActionForm action=actions.work attr:class="inline">
            <input type="hidden" name="task_id" value=task_id/>
            <input type="hidden" name="step" value=step/>
            <button type="submit" class=class aria-label=aria>{label}</button>
        </ActionForm>
    }
}

#[component]
fn TaskLine(
    task: TaskRow,
    me: Uuid,
    manages: bool,
    choices: AssigneeChoices,
    actions: TaskActions,
    shows_cost: bool,
    show_service: bool,
) -> impl IntoView {
    let id = task.id.to_string();
    let who = task.assignee_label();
    let status = task.status_label();
    let badge = match (task.status, task.with_errors) {
        (TaskStatus::Completed, false) => "status status-done",
        (TaskStatus::Failed, _) | (TaskStatus::Completed, true) => "status status-blocked",
        _ => "status",
    };
    let mine = task.agent_id == Some(me);
    let may_work = task.agent_id.is_some() && (mine || manages);
    let title = match &task.user_name {
        Some(user) => format!("{} · {user}", task.name),
        None => task.name.clone(),
    };
    let mut buttons = Vec::new();
    if may_work {
        match (task.status, task.with_errors) {
            (s, _) if s.can_start() => buttons.push(step_button(actions, &id, "start", "Start", &title).into_any()),
            (TaskStatus::InProgress, _) => {
                buttons.push(step_button(actions, &id, "complete", "Complete", &title).into_any());
                buttons.push(step_button(actions, &id, "complete_with_errors", "Complete with errors", &title).into_any());
                buttons.push(step_button(actions, &id, "fail", "Fail", &title).into_any());
                buttons.push(step_button(actions, &id, "stop", "Stop", &title).into_any());
            }
            (TaskStatus::Completed, true) => buttons.push(step_button(actions, &id, "retry_errors", "Retry errors", &title).into_any()),
            _ => {}
        }
    }
    let reassignable = !matches!(task.status, TaskStatus::InProgress | TaskStatus::Completed);
    let current = match (task.agent_id, task.team_id) {
        (Some(agent), _) => format!("agent:{agent}"),
        (None, Some(team)) => format!("team:{team}"),
        (None, None) => String::new(),
    };
    let reassign = (reassignable && !show_service).then(|| {
        let (task_id, label) = (id.clone(), format!("Assign {title} to"));
        let options = assignee_options(&choices, &current);
        view! {
            <ActionForm action=actions.assign attr:class="row-form reassign">
                <input type="hidden" name="task_id" value=task_id/>
                <select name="assignee" aria-label=label>{options}</select>
                <button type="submit" class="secondary">"Assign"</button>
            </ActionForm>
        }
    });
    let service = show_service.then(|| {
        let href = format!("/services/{}", task.service_id);
        view! { <div class="hint"><A href=href>{task.service_name.clone()}</A> " · " {task.customer_name.clone()}</div> }
    });
    let license = task.license_name.clone().map(|l| view! { <span class="badge">{format!("Needs {l}")}</span> });
    let due_class = if task.overdue { "hint overdue" } else { "hint" };
    let due = format!("Due {}{}", date_label(task.due_on), if task.overdue { " (overdue)" } else { "" });
    let instructions = (!task.instructions.is_empty()).then(|| {
        let text = task.instructions.clone();
        view! { <details><summary>"Instructions"</summary><p class="pre">{text}</p></details> }
    });
    view! {
        <tr data-testid="task" data-task-id=id>
            <td>
                <strong>{task.name.clone()}</strong>
                {task.user_name.clone().map(|u| view! { " · " <span>{u}</span> })}
                " " {license}
                {service}
                <div class=due_class>{due}</div>
                {instructions}
            </td>
            <td>{duration_label(i64::from(task.estimated_minutes))}</td>
            <td>{who}{reassign}</td>
            <td><span class=badge>{status}</span></td>
            {shows_cost.then(|| view! { <td class="num">{task.estimated_cost_cents.map(money)}</td> })}
            <td class="row-actions">{buttons}</td>
        </tr>
    }
}

// ---- assign a runbook --------------------------------------------------------------

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
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(f) => view! { <AssignFormView form=f create/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
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

// ---- My Tasks ------------------------------------------------------------------------

#[component]
pub fn MyTasksPage() -> impl IntoView {
    let query = use_query_map();
    let actions = TaskActions::new();
    let changes = use_task_changes();
    let work = Resource::new(
        move || (query.with(|q| q.get("page").unwrap_or_default()), actions.versions(), changes.get()),
        |(page, ..)| my_tasks(page),
    );
    let claimed = Signal::derive(move || matches!(actions.claim.value().get(), Some(Ok(_))));
    view! {
        <Title text="My Tasks · Tandem"/>
        <h1>"My Tasks"</h1>
        <TaskMessages actions/>
        {move || claimed.get().then(|| view! { <p class="success" role="status">"Claimed. The task is now in your list."</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match work.await {
                    Ok(w) => {
                        let mine = if w.mine.is_empty() {
                            view! { <p class="panel hint">"Nothing assigned to you right now."</p> }.into_any()
                        } else {
                            let shows_cost = false;
                            let rows = w
                                .mine
                                .into_iter()
                                .map(|t| {
                                    let me = t.agent_id.unwrap_or_default();
                                    view! { <TaskLine task=t me manages=false choices=AssigneeChoices::default() actions shows_cost show_service=true/> }
                                })
                                .collect_view();
                            view! {
                                <table class="table" data-testid="my-tasks">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Task"</th>
                                            <th scope="col">"Estimated"</th>
                                            <th scope="col">"Assignee"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }
                            .into_any()
                        };
                        let queues = w
                            .queues
                            .into_iter()
                            .map(|q| {
                                let (heading, labelled_by) = (format!("queue-{}", q.team_id), format!("queue-{}", q.team_id));
                                let more = (q.waiting > q.tasks.len() as i64)
                                    .then(|| view! { <p class="hint">{format!("Showing the first {} of {} waiting.", q.tasks.len(), q.waiting)}</p> });
                                let list = if q.tasks.is_empty() {
                                    view! { <p class="hint">"The queue is empty."</p> }.into_any()
                                } else {
                                    let rows = q.tasks.into_iter().map(|t| view! { <QueueLine task=t actions/> }).collect_view();
                                    view! { <table class="table"><tbody>{rows}</tbody></table> }.into_any()
                                };
                                view! {
                                    <section class="panel" aria-labelledby=labelled_by data-testid=format!("queue-{}", q.team_name)>
                                        <h2 id=heading>{format!("{} queue", q.team_name)} " " <span class="badge">{format!("{} waiting", q.waiting)}</span></h2>
                                        {list}
                                        {more}
                                    </section>
                                }
                            })
                            .collect_view();
                        view! {
                            <h2>{format!("Assigned to me ({})", w.mine_total)}</h2>
                            {mine}
                            <Pager base="/my-tasks".to_string() page=w.page total=w.mine_total/>
                            {queues}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn QueueLine(task: TaskRow, actions: TaskActions) -> impl IntoView {
    let (id, row_id) = (task.id.to_string(), task.id.to_string());
    let href = format!("/services/{}", task.service_id);
    let title = match &task.user_name {
        Some(user) => format!("{} · {user}", task.name),
        None => task.name.clone(),
    };
    let due_class = if task.overdue { "overdue" } else { "" };
    view! {
        <tr data-testid="queued-task" data-task-id=row_id>
            <td>
                <strong>{title.clone()}</strong>
                {task.license_name.map(|l| view! { " " <span class="badge">{format!("Needs {l}")}</span> })}
                <div class="hint"><A href=href>{task.service_name}</A> " · " {task.customer_name}</div>
            </td>
            <td>{duration_label(i64::from(task.estimated_minutes))}</td>
            <td class=due_class>{format!("Due {}", date_label(task.due_on))}</td>
            <td class="row-actions">
                <ActionForm action=actions.claim attr:class="inline">
                    <input type="hidden" name="task_id" value=id/>
                    <button type="submit" aria-label=format!("Claim {title}")>"Claim"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
