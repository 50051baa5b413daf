//! Settings → Licenses: the packs, the price list (Administrators and
//! Managers) and the license security log with its filters.

use strum::VariantArray;
use super::{license_log, list_licenses, LicenseType, LogAction, Pack};
use crate::money::Cents;
use crate::ui::{day, moment, LoadError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// Both resources are made here, at the top, not inside a Suspend: a
/// resource first made while hydrating a Suspend does not always find the
/// value the server sent, and the page then fails to hydrate.
#[component]
pub fn LicensesTab() -> impl IntoView {
    let overview = Resource::new(|| (), |_| list_licenses());
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let entries = Resource::new(
        move || (param("type"), param("from"), param("to")),
        |(t, f, to)| license_log(t, f, to),
    );
    view! {
        <Title text="Licenses · Settings · Tandem"/>
        <Loaded resource=overview let:o>
            {view! {
                <Packs packs=o.packs total=o.total_packs/>
                {o.manages.then(|| view! { <Prices types=o.types.clone()/> <SecurityLog types=o.types entries/> })}
            }.into_any()}
        </Loaded>
    }
}

#[component]
fn Packs(packs: Vec<Pack>, total: i64) -> impl IntoView {
    let shown = packs.len();
    if packs.is_empty() {
        return view! {
            <section class="panel">
                <h2>"License packs"</h2>
                <p class="hint">"No licenses yet. Buy them in the Shopping Cart or redeem a coupon under Enter Coupon."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <h2>"License packs"</h2>
            <table class="table" data-testid="packs">
                <thead>
                    <tr>
                        <th scope="col">"License Type"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Acquired"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col" class="num">"Available"</th>
                        <th scope="col" class="num">"In use"</th>
                        <th scope="col" class="num">"Used"</th>
                    </tr>
                </thead>
                <tbody>
                    {packs
                        .into_iter()
                        .map(|p| {
                            let class = if p.expired { "expired" } else { "" };
                            view! {
                                <tr class=class>
                                    <td>{p.type_name.clone()}</td>
                                    <td>{p.source_label()}</td>
                                    <td>{day(p.acquired_at)}</td>
                                    <td>{day(p.expires_at)} {p.expired.then(|| view! { " " <span class="badge">"Expired"</span> })}</td>
                                    <td class="num">{p.available}</td>
                                    <td class="num">{p.reserved}</td>
                                    <td class="num">{p.consumed}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {(total > shown as i64).then(|| view! {
                <p class="hint" data-testid="packs-more">
                    {format!("Showing the {shown} packs that hold licenses or were acquired last, of {total}.")}
                </p>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Prices(types: Vec<LicenseType>) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Prices"</h2>
            <table class="table">
                <thead><tr><th scope="col">"License Type"</th><th scope="col">"Per"</th><th scope="col" class="num">"Unit price (USD)"</th></tr></thead>
                <tbody>
                    {types.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name}</td>
                            <td>{if t.per_user { "end user" } else { "migration" }}</td>
                            <td class="num">{t.unit_price_cents.map(|c| Cents(c).dollars())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The filters are a GET form: they live in the address, work without
/// JavaScript, and can be bookmarked.
#[component]
fn SecurityLog(types: Vec<LicenseType>, entries: Resource<Result<Vec<super::LogEntry>, crate::error::AppError>>) -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let selected = param("type");
    view! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">"License security log"</h2>
            <Form method="GET" action="" attr:class="filters">
                <div>
                    <label for="log-type">"License type"</label>
                    <select id="log-type" name="type">
                        <option value="">"All types"</option>
                        {types.into_iter().map(|t| {
                            let is = t.code == selected;
                            view! { <option value=t.code selected=is>{t.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="log-from">"From"</label>
                    <input id="log-from" name="from" type="date" value=param("from")/>
                </div>
                <div>
                    <label for="log-to">"To"</label>
                    <input id="log-to" name="to" type="date" value=param("to")/>
                </div>
                <div class="filter-button"><button type="submit">"Filter"</button></div>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="hint">"Nothing in the log for these filters."</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="table" data-testid="license-log">
                                <thead>
                                    <tr>
                                        <th scope="col">"When (UTC)"</th>
                                        <th scope="col">"License Type"</th>
                                        <th scope="col">"Change"</th>
                                        <th scope="col" class="num">"Available"</th>
                                        <th scope="col" class="num">"In use"</th>
                                        <th scope="col" class="num">"Used"</th>
                                        <th scope="col">"By"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{moment(e.at)}</td>
                                            <td>{e.type_name}</td>
                                            <td>{e.action.label()}</td>
                                            <td class="num">{signed(e.available_delta)}</td>
                                            <td class="num">{signed(e.reserved_delta)}</td>
                                            <td class="num">{signed(e.consumed_delta)}</td>
                                            <td>{e.agent_name.unwrap_or_else(|| "Tandem".to_string())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
            <p class="hint">{format!("Changes recorded: {}. The log is append-only.", LogAction::VARIANTS.iter().map(|a| a.label()).collect::<Vec<_>>().join(", "))}</p>
        </section>
    }
}

fn signed(n: i32) -> String {
    match n {
        0 => "·".to_string(),
        n if n > 0 => format!("+{n}"),
        n => n.to_string(),
    }
}
