//! The Reports page: a date range, a grouping, a chart, a table, an export.

use strum::VariantArray;
use super::{get_report, hours, ReportBy, ReportRow, CHART_ROWS};
use crate::money::Cents;
use crate::ui::chart::{BarChart, ChartRow};
use crate::ui::{urlencode, FieldError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

fn money(cents: Option<i64>) -> String {
    cents.map(|c| Cents(c).dollars()).unwrap_or_default()
}

fn row_link(by: ReportBy, row: &ReportRow) -> Option<String> {
    let key = row.key?;
    match by {
        ReportBy::Customer => Some(format!("/delivery?customer={key}")),
        ReportBy::Service => Some(format!("/services/{key}")),
        ReportBy::Agent => None,
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let report = Resource::new(move || (param("from"), param("to"), param("by")), |(f, t, b)| get_report(f, t, b));
    view! {
        <Title text="Reports · Tandem"/>
        <h1>"Reports"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let form = move |from: String, to: String, by: ReportBy, error: Option<crate::error::AppError>| {
                    let error = Signal::derive(move || error.clone());
                    let by_options = ReportBy::VARIANTS
                        .iter()
                        .map(|&b| view! { <option value=b.as_str() selected=b == by>{b.label()}</option> })
                        .collect_view();
                    view! {
                        <Form method="GET" action="" attr:class="filters">
                            <div>
                                <label for="report-from">"From"</label>
                                <input id="report-from" type="date" name="from" value=from/>
                                <FieldError error field="from"/>
                            </div>
                            <div>
                                <label for="report-to">"To"</label>
                                <input id="report-to" type="date" name="to" value=to/>
                                <FieldError error field="to"/>
                            </div>
                            <div>
                                <label for="report-by">"Per"</label>
                                <select id="report-by" name="by">{by_options}</select>
                            </div>
                            <div class="filter-button"><button type="submit">"Show"</button></div>
                        </Form>
                    }
                };
                match report.await {
                    Ok(r) => {
                        let by = r.by;
                        let export = format!(
                            "/reports/export.xlsx?from={}&to={}&by={}",
                            r.from,
                            r.to,
                            urlencode(by.as_str())
                        );
                        let chart_rows: Vec<ChartRow> = r
                            .rows
                            .iter()
                            .take(CHART_ROWS)
                            .map(|row| ChartRow {
                                label: row.name.clone(),
                                values: vec![row.estimated_minutes * 60, row.worked_seconds],
                                shown: vec![format!("{} h", hours(row.estimated_minutes * 60)), format!("{} h", hours(row.worked_seconds))],
                            })
                            .collect();
                        let chart_title = format!(
                            "Estimated and actual hours per {}{}",
                            by.label().to_lowercase(),
                            if r.rows.len() > CHART_ROWS { format!(" (the first {CHART_ROWS})") } else { String::new() }
                        );
                        let shows_money = r.shows_money;
                        let line = move |row: &ReportRow, total: bool| {
                            let label = row.name.clone();
                            let name = match (total, row_link(by, row)) {
                                (false, Some(href)) => view! { <A href=href>{label}</A> }.into_any(),
                                _ => view! { <span>{label}</span> }.into_any(),
                            };
                            let detail = row.detail.clone().map(|d| view! { <div class="hint">{d}</div> });
                            let cells = view! {
                                <td class="num">{row.tasks}</td>
                                <td class="num">{hours(row.estimated_minutes * 60)}</td>
                                <td class="num">{hours(row.worked_seconds)}</td>
                                {shows_money.then(|| view! {
                                    <td class="num">{money(row.estimated_cost_cents)}</td>
                                    <td class="num">{money(row.actual_cost_cents)}</td>
                                })}
                                <td class="num">{row.licenses}</td>
                            };
                            if total {
                                view! { <tr class="total" data-testid="report-total"><th scope="row">{name}</th>{cells}</tr> }.into_any()
                            } else {
                                view! { <tr data-testid="report-row"><td>{name}{detail}</td>{cells}</tr> }.into_any()
                            }
                        };
                        let body = if r.rows.is_empty() {
                            view! { <p class="panel hint">"No task was completed in this range."</p> }.into_any()
                        } else {
                            let rows = r.rows.iter().map(|row| line(row, false)).collect_view();
                            view! {
                                <section class="panel">
                                    <BarChart title=chart_title series=vec!["Estimated", "Actual"] rows=chart_rows testid="chart-report"/>
                                </section>
                                <table class="table" data-testid="report">
                                    <thead>
                                        <tr>
                                            <th scope="col">{by.label()}</th>
                                            <th scope="col" class="num">"Tasks completed"</th>
                                            <th scope="col" class="num">"Estimated hours"</th>
                                            <th scope="col" class="num">"Actual hours"</th>
                                            {shows_money.then(|| view! {
                                                <th scope="col" class="num">"Estimated cost"</th>
                                                <th scope="col" class="num">"Actual cost"</th>
                                            })}
                                            <th scope="col" class="num">"Licenses consumed"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                    <tfoot>{line(&r.totals, true)}</tfoot>
                                </table>
                                {r.truncated.then(|| view! { <p class="hint">"Showing the first 500 rows; the totals cover them all."</p> })}
                            }
                            .into_any()
                        };
                        view! {
                            {form(r.from.to_string(), r.to.to_string(), by, None)}
                            <p class="report-actions">
                                <a href=export class="button-link" rel="external" download="">"Export to .xlsx"</a>
                                {(!shows_money).then(|| view! { <span class="hint">" Costs are shown to Administrators and Managers."</span> })}
                            </p>
                            {body}
                        }
                        .into_any()
                    }
                    Err(error) if error.for_field("from").is_some() || error.for_field("to").is_some() => {
                        view! { {form(param("from"), param("to"), param("by").trim().parse().unwrap_or_default(), Some(error))} }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
