//! The Dashboard page: figures and server-drawn charts.

use super::{get_dashboard, week_label};
use crate::ui::live::use_task_changes;
use crate::ui::chart::{BarChart, ChartRow, ColumnChart};
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let changes = use_task_changes();
    let dashboard = Resource::new(move || changes.get(), |_| get_dashboard());
    view! {
        <Title text="Dashboard · Tandem"/>
        <h1>"Dashboard"</h1>
        <Loaded resource=dashboard let:d>
            {
                let s = d.services;
                let services = vec![
                    ChartRow::one("In progress", s.in_progress, s.in_progress.to_string()),
                    ChartRow::one("Blocked", s.blocked, s.blocked.to_string()),
                    ChartRow::one("Completed", s.completed, s.completed.to_string()),
                ];
                let weeks: Vec<ChartRow> = d
                    .weeks
                    .iter()
                    .map(|w| ChartRow::one(week_label(w.week), w.completed, w.completed.to_string()))
                    .collect();
                let completed_recently: i64 = d.weeks.iter().map(|w| w.completed).sum();
                let licenses: Vec<ChartRow> = d
                    .licenses
                    .iter()
                    .map(|l| ChartRow {
                        label: l.type_name.clone(),
                        values: vec![l.available, l.expiring],
                        shown: vec![l.available.to_string(), l.expiring.to_string()],
                    })
                    .collect();
                let seats = d.seats;
                let seat_rows = vec![
                    ChartRow::one("Used", seats.used, seats.used.to_string()),
                    ChartRow::one("Free", seats.free(), seats.free().to_string()),
                ];
                let overdue_class = if d.overdue_tasks > 0 { "tile-figure overdue" } else { "tile-figure" };
                view! {
                    <div class="tiles">
                        <A href="/delivery" attr:class="tile" attr:data-testid="tile-open-tasks">
                            <span class="tile-figure">{d.open_tasks}</span>
                            <span class="tile-label">"Open tasks"</span>
                        </A>
                        <A href="/delivery" attr:class="tile" attr:data-testid="tile-overdue-tasks">
                            <span class=overdue_class>{d.overdue_tasks}</span>
                            <span class="tile-label">"Overdue tasks"</span>
                        </A>
                        <div class="tile" data-testid="tile-seats">
                            <span class="tile-figure">{format!("{} / {}", seats.used, seats.total)}</span>
                            <span class="tile-label">{format!("Seats used ({} free)", seats.free())}</span>
                        </div>
                        {d.spend_this_month.map(|m| view! {
                            <div class="tile" data-testid="tile-spend">
                                <span class="tile-figure">{m.to_string()}</span>
                                <span class="tile-label">"Spend this month"</span>
                            </div>
                        })}
                    </div>
                    <div class="charts">
                        <section class="panel">
                            <BarChart title=format!("Services by status ({})", count(s.in_progress + s.blocked + s.completed, "service", "services"))
                                series=vec!["Services"] rows=services testid="chart-services"/>
                        </section>
                        <section class="panel">
                            <ColumnChart title=format!("Tasks completed per week ({} in {} weeks)", completed_recently, d.weeks.len())
                                rows=weeks testid="chart-weeks"/>
                        </section>
                        <section class="panel">
                            <BarChart title="Licenses available by type".to_string()
                                series=vec!["Available", "Expiring within 30 days"] rows=licenses testid="chart-licenses"/>
                            <p class="hint"><A href="/settings/licenses">"See the license packs"</A></p>
                        </section>
                        <section class="panel">
                            <BarChart title=format!("Seats: {} used, {} free of {}", seats.used, seats.free(), seats.total)
                                series=vec!["Seats"] rows=seat_rows testid="chart-seats"/>
                        </section>
                    </div>
                }
                .into_any()
            }
        </Loaded>
    }
}
