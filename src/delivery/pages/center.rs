//! The Delivery Center: every service of the workgroup, filtered and sorted.

use super::{money, status_class, Pager, Progress};
use crate::ui::live::use_task_changes;
use crate::delivery::{date_label, list_services, ServiceRow, ServiceStatus};
use crate::ui::{urlencode, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

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
        <Loaded resource=services let:list>
            {
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
        </Loaded>
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
