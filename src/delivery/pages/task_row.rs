//! A task's row with the life-cycle buttons and the reassign form, the
//! actions behind them, and their messages (the service page and My Tasks).

use super::money;
use crate::delivery::{date_label, AssignTask, AssigneeChoices, ClaimTask, TaskRow, TaskStatus, WorkTask};
use crate::error::AppError;
use crate::runbooks::duration_label;
use crate::teams::TeamMode;
use crate::ui::{error_of, FieldError, FormError};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The actions that change tasks, shared by the service page and My Tasks.
#[derive(Clone, Copy)]
pub(super) struct TaskActions {
    pub(super) work: ServerAction<WorkTask>,
    pub(super) assign: ServerAction<AssignTask>,
    pub(super) claim: ServerAction<ClaimTask>,
}

impl TaskActions {
    pub(super) fn new() -> Self {
        TaskActions { work: ServerAction::new(), assign: ServerAction::new(), claim: ServerAction::new() }
    }

    pub(super) fn versions(self) -> (usize, usize, usize) {
        (self.work.version().get(), self.assign.version().get(), self.claim.version().get())
    }

    fn error(self) -> Signal<Option<AppError>> {
        let errors = [error_of(self.work), error_of(self.assign), error_of(self.claim)];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

/// The latest failure of a task action, with the way to licenses when one is missing.
#[component]
pub(super) fn TaskMessages(actions: TaskActions) -> impl IntoView {
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

pub(super) fn assignee_options(choices: &AssigneeChoices, current: &str) -> impl IntoView {
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
pub(super) fn TaskLine(
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

