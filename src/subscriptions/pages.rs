//! Settings → Subscriptions: seats per plan, who holds them, renewals.

use super::{list_subscriptions, SetSeatRenewal, SubscriptionsOverview};
use crate::money::Cents;
use crate::ui::{day, error_of, FormError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SubscriptionsTab() -> impl IntoView {
    let renewal = ServerAction::<SetSeatRenewal>::new();
    let overview = Resource::new(move || renewal.version().get(), |_| list_subscriptions());
    view! {
        <Title text="Subscriptions · Settings · Tandem"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) if o.manages => view! { <Seats overview=o renewal/> }.into_any(),
                    Ok(o) => view! { <MySeat overview=o/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MySeat(overview: SubscriptionsOverview) -> impl IntoView {
    let mine = overview.holders.into_iter().find(|h| h.agent_id == overview.me);
    let text = match mine.and_then(|h| h.plan) {
        Some(plan) => format!("You hold a {} seat in this workgroup.", plan.label()),
        None => "You hold no subscription seat in this workgroup yet: one is given to you as soon as a seat is free.".to_string(),
    };
    view! {
        <section class="panel">
            <h2>"Your subscription"</h2>
            <p data-testid="my-seat">{text}</p>
        </section>
    }
}

#[component]
fn Seats(overview: SubscriptionsOverview, renewal: ServerAction<SetSeatRenewal>) -> impl IntoView {
    let error = error_of(renewal);
    let price = |plan| overview.prices.iter().find(|(p, _)| *p == plan).map(|(_, c)| format!("{} per seat and year", Cents(*c).dollars()));
    view! {
        <section class="panel" aria-labelledby="plans-heading">
            <h2 id="plans-heading">"Plans"</h2>
            <div class="plans">
                {overview.usage.iter().map(|u| view! {
                    <div class="plan" data-testid=format!("plan-{}", u.plan.as_str())>
                        <h3>{u.plan.label()}</h3>
                        <p class="plan-seats">{format!("{} of {} seats in use", u.used, u.seats)}</p>
                        <p class="hint">{price(u.plan)}</p>
                        <A href=format!("/settings/cart?type={}", u.plan.as_str()) attr:class="button">"Buy seats"</A>
                    </div>
                }).collect_view()}
            </div>
            <p class="hint">"Seats are handed to agents as they join, in joining order, and freed when an agent goes Inactive. "
                "Assigning a team needs a Get Automated seat. New workgroups get 3 free training seats."</p>
        </section>
        <section class="panel" aria-labelledby="holders-heading">
            <h2 id="holders-heading">"Agents"</h2>
            <table class="table" data-testid="seat-holders">
                <thead><tr><th scope="col">"Agent"</th><th scope="col">"Role"</th><th scope="col">"Subscription"</th><th scope="col">"Renewal"</th></tr></thead>
                <tbody>
                    {overview.holders.into_iter().map(|h| {
                        let renew_to = if h.renew { "off" } else { "on" };
                        view! {
                            <tr>
                                <td>{h.name.clone()}<br/><span class="hint">{h.email.clone()}</span></td>
                                <td>{h.role.label()}</td>
                                <td>{h.plan.map(|p| p.label()).unwrap_or("No seat")}</td>
                                <td>
                                    {h.plan.is_some().then(|| view! {
                                        {if h.renew { "On " } else { "Off " }}
                                        <ActionForm action=renewal attr:class="inline">
                                            <input type="hidden" name="agent_id" value=h.agent_id.to_string()/>
                                            <input type="hidden" name="renew" value=renew_to/>
                                            <button type="submit" class="link" aria-label=format!("Turn renewal {renew_to} for {}", h.name)>
                                                {format!("Turn {renew_to}")}
                                            </button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <FormError error/>
        </section>
        <section class="panel" aria-labelledby="packs-heading">
            <h2 id="packs-heading">"Seat packs"</h2>
            {(overview.total_packs > overview.packs.len() as i64).then(|| view! {
                <p class="hint" data-testid="seat-packs-more">
                    {format!("Showing the {} running or newest seat packs, of {}.", overview.packs.len(), overview.total_packs)}
                </p>
            })}
            <table class="table" data-testid="seat-packs">
                <thead><tr><th scope="col">"Plan"</th><th scope="col">"Source"</th><th scope="col" class="num">"Seats"</th>
                    <th scope="col">"Acquired"</th><th scope="col">"Ends"</th></tr></thead>
                <tbody>
                    {overview.packs.into_iter().map(|p| view! {
                        <tr class=if p.ended { "expired" } else { "" }>
                            <td>{p.plan.label()}</td>
                            <td>{p.source_label()}</td>
                            <td class="num">{p.seats}</td>
                            <td>{day(p.acquired_at)}</td>
                            <td>{p.expires_at.map(day).unwrap_or_else(|| "Never".into())}{p.ended.then_some(" (ended)")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
