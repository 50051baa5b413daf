//! Settings → Enter Coupon (Check, then Apply) and Generate a coupon.

use super::{check_coupons, list_coupons, ApplyCoupons, CodeOutcome, GenerateCoupon};
use crate::ui::{day, error_of, FieldError, FormError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// Check is a GET form (the codes go in the address), so its answer shows
/// with or without JavaScript; Apply is the POST that changes things.
#[component]
pub fn EnterCouponTab() -> impl IntoView {
    let query = use_query_map();
    let codes = move || query.with(|q| q.get("codes").unwrap_or_default());
    let apply = ServerAction::<ApplyCoupons>::new();
    let apply_error = error_of(apply);
    let checked = Resource::new(codes, |c| async move {
        if c.trim().is_empty() { Ok(vec![]) } else { check_coupons(c).await }
    });
    view! {
        <Title text="Enter Coupon · Settings · Tandem"/>
        <section class="panel" aria-labelledby="coupon-heading">
            <h2 id="coupon-heading">"Enter Coupon"</h2>
            <Form method="GET" action="">
                <label for="coupon-codes">"Coupon codes"</label>
                <input id="coupon-codes" name="codes" type="text" value=codes() autocomplete="off"
                    placeholder="XXXXX-XXXXX-XXXXX-XXXXX"/>
                <p class="hint">"Separate several codes with spaces."</p>
                <div class="actions"><button type="submit">"Check"</button></div>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match checked.await {
                        Ok(outcomes) if outcomes.is_empty() => ().into_any(),
                        Ok(outcomes) => {
                            let any_valid = outcomes.iter().any(|o| o.result.is_ok());
                            view! {
                                <Outcomes outcomes title="What these codes hold"/>
                                {any_valid.then(|| view! {
                                    <ActionForm action=apply attr:class="confirm">
                                        <input type="hidden" name="codes" value=codes()/>
                                        <p>"Add the valid coupons' licenses to this workgroup?"</p>
                                        <button type="submit" class="primary-inline" disabled=move || apply.pending().get()>"Apply"</button>
                                    </ActionForm>
                                })}
                            }.into_any()
                        }
                        Err(e) => view! {
                            <p class="field-error" role="alert">{e.for_field("codes").or(e.general()).unwrap_or_default()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
            <FormError error=apply_error/>
            {move || apply.value().get().and_then(|r| r.ok()).map(|outcomes| view! {
                <Outcomes outcomes title="Applied"/>
                <p class="hint"><A href="/settings/licenses">"See the licenses"</A></p>
            })}
            <p class="generate-link"><A href="/settings/coupons/generate">"Generate a coupon"</A>" from unused licenses, to move them to another workgroup."</p>
        </section>
    }
}

#[component]
fn Outcomes(outcomes: Vec<CodeOutcome>, title: &'static str) -> impl IntoView {
    view! {
        <h3>{title}</h3>
        <ul class="outcomes" role="status" data-testid="coupon-outcomes">
            {outcomes.into_iter().map(|o| match o.result {
                Ok(info) => view! {
                    <li class="ok">{format!("{}: {} {} licenses, expires {}", o.code, info.count, info.type_name, day(info.expires_at))}</li>
                }.into_any(),
                Err(why) => view! { <li class="refused">{format!("{}: {why}", o.code)}</li> }.into_any(),
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn GenerateCouponPage() -> impl IntoView {
    let generate = ServerAction::<GenerateCoupon>::new();
    let error = error_of(generate);
    let overview = Resource::new(move || generate.version().get(), |_| list_coupons());
    view! {
        <Title text="Generate a coupon · Settings · Tandem"/>
        <p><A href="/settings/coupons">"← Enter Coupon"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(o) => {
                        let form = if o.packs.is_empty() {
                            view! { <p class="hint">"No pack has unused licenses to put in a coupon."</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=generate>
                                    <label for="coupon-label">"Label"</label>
                                    <input id="coupon-label" name="label" type="text" required maxlength="100"/>
                                    <FieldError error field="label"/>
                                    <label for="coupon-pack">"License pack"</label>
                                    <select id="coupon-pack" name="pack_id">
                                        {o.packs.iter().map(|p| view! {
                                            <option value=p.id.to_string()>
                                                {format!("{} · {} available · expires {}", p.type_name, p.available, day(p.expires_at))}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    <FieldError error field="pack_id"/>
                                    <label for="coupon-count">"Number of licenses"</label>
                                    <input id="coupon-count" name="count" type="number" min="1" required class="narrow"/>
                                    <FieldError error field="count"/>
                                    <label for="coupon-email">"Email to notify (optional)"</label>
                                    <input id="coupon-email" name="email" type="email"/>
                                    <FieldError error field="email"/>
                                    <FormError error/>
                                    <div class="actions">
                                        <button type="submit" disabled=move || generate.pending().get()>
                                            {move || if generate.pending().get() { "Generating…" } else { "Generate the Coupon Code" }}
                                        </button>
                                    </div>
                                </ActionForm>
                            }.into_any()
                        };
                        view! {
                            <section class="panel" aria-labelledby="generate-heading">
                                <h2 id="generate-heading">"Generate a coupon"</h2>
                                <p class="hint">"The licenses leave the pack at once. The coupon expires with the pack and can be redeemed in any workgroup, once."</p>
                                {form}
                            </section>
                            <section class="panel" aria-labelledby="generated-heading">
                                <h2 id="generated-heading">"Generated Coupons"</h2>
                                {if o.generated.is_empty() {
                                    view! { <p class="hint">"None yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-testid="generated-coupons">
                                            <thead><tr>
                                                <th scope="col">"Label"</th><th scope="col">"License Type"</th><th scope="col" class="num">"Count"</th>
                                                <th scope="col">"Code"</th><th scope="col">"Expires"</th><th scope="col">"Redeemed"</th>
                                            </tr></thead>
                                            <tbody>
                                                {o.generated.into_iter().map(|c| view! {
                                                    <tr>
                                                        <td>{c.label}</td>
                                                        <td>{c.type_name}</td>
                                                        <td class="num">{c.count}</td>
                                                        <td><code class="coupon-code">{c.code}</code></td>
                                                        <td>{day(c.expires_at)}</td>
                                                        <td>{if c.redeemed { "Yes" } else { "No" }}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
