//! One service: its facts and its tasks, each with the steps its viewer may take.

use super::task_row::{TaskActions, TaskLine, TaskMessages};
use super::{money, status_class, Pager, Progress};
use crate::ui::live::use_task_changes;
use crate::delivery::{date_label, get_service};
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

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
        <Loaded resource=detail let:d>
            {
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
        </Loaded>
    }
}
