//! My Tasks: what is assigned to me, and the queues of my pull-from-queue teams.

use super::task_row::{TaskActions, TaskLine, TaskMessages};
use super::Pager;
use crate::ui::live::use_task_changes;
use crate::delivery::{date_label, my_tasks, AssigneeChoices, TaskRow};
use crate::runbooks::duration_label;
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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
        <Loaded resource=work let:w>
            {
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
        </Loaded>
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
