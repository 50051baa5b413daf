//! Settings → Billing History (Date Filter, Export, details, Refund, Mark as
//! paid), the printable quote, and Settings → Billing Information.

use super::{
    billing_history, get_billing_info, get_order, wire_reference, BillingInfo, DateRange, History, OrderDetails, OrderStatus,
    RefundOrder, SaveBillingAddress, SaveSubscriptionCard,
};
use strum::VariantArray;
use crate::money::Cents;
use crate::ui::address::{AddressFields, AddressLines};
use crate::ui::{day, error_of, moment, succeeded, urlencode, FieldError, FormError, LoadError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BillingHistoryTab() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let history = Resource::new(move || (param("range"), param("from"), param("to")), |(r, f, t)| billing_history(r, f, t));
    view! {
        <Title text="Billing History · Settings · Tandem"/>
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">"Billing History"</h2>
            <Filters/>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(h) => view! { <HistoryTable history=h/> }.into_any(),
                        Err(e) => match e.general() {
                            Some(_) => view! { <LoadError error=e/> }.into_any(),
                            None => view! { <p class="field-error" role="alert">{e.to_string()}</p> }.into_any(),
                        },
                    }
                })}
            </Transition>
        </section>
    }
}

/// A GET form: the filter lives in the address, works without JavaScript,
/// and the Export link carries the same parameters.
#[component]
fn Filters() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let range = param("range").trim().parse::<DateRange>().unwrap_or_default();
    let export = move || {
        format!(
            "/settings/billing/export.xlsx?range={}&from={}&to={}",
            urlencode(param("range").trim().parse::<DateRange>().unwrap_or_default().as_str()),
            urlencode(&param("from")),
            urlencode(&param("to"))
        )
    };
    view! {
        <Form method="GET" action="" attr:class="filters">
            <div>
                <label for="billing-range">"Date Filter"</label>
                <select id="billing-range" name="range">
                    {DateRange::VARIANTS.iter().map(|&r| view! { <option value=r.as_str() selected=r == range>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="billing-from">"From"</label>
                <input id="billing-from" name="from" type="date" value=param("from")/>
            </div>
            <div>
                <label for="billing-to">"To"</label>
                <input id="billing-to" name="to" type="date" value=param("to")/>
            </div>
            <div class="filter-button"><button type="submit">"Filter"</button></div>
            <div class="filter-button">
                <a class="button" href=export download rel="external">"Export"</a>
            </div>
        </Form>
        <p class="hint">"From and To apply to Custom range. Export downloads the rows shown as an Excel file."</p>
    }
}

#[component]
fn HistoryTable(history: History) -> impl IntoView {
    if history.rows.is_empty() {
        return view! { <p class="hint">"No purchases in this period."</p> }.into_any();
    }
    let count = history.rows.len();
    view! {
        <table class="table" data-testid="billing-history">
            <thead><tr>
                <th scope="col">"Date"</th><th scope="col">"Order"</th><th scope="col">"Items"</th>
                <th scope="col" class="num">"Total"</th><th scope="col">"Payment"</th><th scope="col">"Status"</th>
            </tr></thead>
            <tbody>
                {history.rows.into_iter().map(|o| view! {
                    <tr>
                        <td>{day(o.created_at)}</td>
                        <td><A href=format!("/settings/billing/{}", o.id)>{format!("#{}", o.number)}</A></td>
                        <td>{o.items}</td>
                        <td class="num">{Cents::dollars(o.total)}</td>
                        <td>{o.payment}</td>
                        <td><span class=format!("status status-{}", o.status.label().to_lowercase())>{o.status.label()}</span></td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr>
                <th scope="row" colspan="3">{format!("{count} {} shown · Paid total", if count == 1 { "order" } else { "orders" })}</th>
                <td class="num" data-testid="paid-total">{Cents::dollars(history.paid_total)}</td><td colspan="2"></td>
            </tr></tfoot>
        </table>
    }
    .into_any()
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let refund = ServerAction::<RefundOrder>::new();
    let order = Resource::new(move || (id(), refund.version().get()), |(id, _)| get_order(id));
    let just_paid = move || query.with(|q| q.get("paid").is_some());
    view! {
        <Title text="Order · Billing History · Tandem"/>
        <p><A href="/settings/billing">"← Billing History"</A></p>
        <Loaded resource=order let:o>
            {view! { <Order order=o refund just_paid=just_paid()/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn Order(order: OrderDetails, refund: ServerAction<RefundOrder>, just_paid: bool) -> impl IntoView {
    let refund_error = error_of(refund);
    let refunded_now = succeeded(refund);
    let id = order.id.to_string();
    let status = order.status;
    view! {
        {(just_paid && status == OrderStatus::Paid).then(|| view! {
            <p class="notice panel" role="status">"Thank you: the payment went through. "<A href="/settings/licenses">"See the licenses"</A></p>
        })}
        <section class="panel" aria-labelledby="order-heading">
            <div class="team-head">
                <h2 id="order-heading">{format!("Order #{}", order.number)}</h2>
                <span class=format!("status status-{}", status.label().to_lowercase()) data-testid="order-status">{status.label()}</span>
            </div>
            <dl class="facts">
                <div><dt>"Date (UTC)"</dt><dd>{moment(order.created_at)}</dd></div>
                <div><dt>"Placed by"</dt><dd>{order.placed_by.clone().unwrap_or_default()}</dd></div>
                <div><dt>"Payment"</dt><dd>{order.paid.as_ref().map(|(_, how)| how.clone()).unwrap_or_else(|| "Awaiting wire transfer".into())}</dd></div>
                {order.paid.as_ref().map(|(at, _)| view! { <div><dt>"Paid (UTC)"</dt><dd>{moment(*at)}</dd></div> })}
                {order.refunded.map(|(at, amount)| view! { <div><dt>"Refunded (UTC)"</dt><dd>{format!("{} · {}", moment(at), Cents::dollars(amount))}</dd></div> })}
            </dl>
            <table class="table" data-testid="order-lines">
                <thead><tr>
                    <th scope="col">"Product"</th><th scope="col" class="num">"Count"</th>
                    <th scope="col" class="num">"Unit price"</th><th scope="col" class="num">"Total"</th>
                </tr></thead>
                <tbody>
                    {order.lines.iter().map(|l| view! {
                        <tr>
                            <td>{l.name.clone()}{l.seats.then_some(" (seats, 1 year)")}</td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{Cents::dollars(l.unit_price)}</td>
                            <td class="num">{Cents::dollars(l.total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="3">"Subtotal"</th><td class="num">{Cents::dollars(order.totals.subtotal)}</td></tr>
                    <tr><th scope="row" colspan="3">{format!("Bulk discount ({}%)", order.totals.discount_percent)}</th>
                        <td class="num">{format!("−{}", Cents::dollars(order.totals.discount))}</td></tr>
                    <tr class="grand-total"><th scope="row" colspan="3">"Total (USD)"</th><td class="num">{Cents::dollars(order.totals.total)}</td></tr>
                </tfoot>
            </table>
            <div class="grid-2 addresses">
                <div><h3>"Billing address"</h3><AddressLines lines=order.billing.lines()/></div>
                <div><h3>"Shipping address"</h3><AddressLines lines=order.shipping.lines()/></div>
            </div>
            {(order.wire && status == OrderStatus::Open).then(|| view! { <WireInstructions number=order.number/> })}
            {order.wire.then(|| view! {
                <p><A href=format!("/settings/billing/{}/quote", order.id)>"Printable quote"</A>
                   {order.quote_email.clone().map(|e| format!(" · emailed to {e}"))}</p>
            })}
        </section>
        {match order.refund_offer.clone() {
            Ok(()) => view! {
                <section class="panel" aria-labelledby="refund-heading">
                    <h2 id="refund-heading">"Refund"</h2>
                    <p class="hint">"The card is refunded in full and this order's licenses leave your workgroup at once."</p>
                    <ActionForm action=refund>
                        <input type="hidden" name="order_id" value=id.clone()/>
                        <FormError error=refund_error/>
                        <div class="actions"><button type="submit" class="danger" disabled=move || refund.pending().get()>"Refund"</button></div>
                    </ActionForm>
                </section>
            }.into_any(),
            Err(why) if status == OrderStatus::Paid => view! { <p class="hint" data-testid="refund-why">{why}</p> }.into_any(),
            Err(_) => ().into_any(),
        }}
        <Show when=move || refunded_now.get()><p class="notice" role="status">"Refunded."</p></Show>
    }
}

/// What to put on the wire transfer, and when the licenses arrive.
#[component]
fn WireInstructions(number: i64) -> impl IntoView {
    view! {
        <p class="wire-instructions" data-testid="wire-instructions">
            "Pay by wire transfer and quote "<strong>{wire_reference(number)}</strong>
            {format!(" (your order number, {number}) as the payment reference. ")}
            "The licenses are added to your workgroup when the transfer is received."
        </p>
    }
}

/// The printable quote of an order paid by wire transfer.
#[component]
pub fn QuotePage() -> impl IntoView {
    let params = use_params_map();
    let order = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), get_order);
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <Title text="Quote · Tandem"/>
        <p class="no-print"><A href="/settings/billing">"← Billing History"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(o) => view! {
                        <article class="panel quote" data-testid="quote">
                            <header class="quote-head">
                                <div><h2>{format!("Quote #{}", o.number)}</h2><p>{format!("Date: {}", day(o.created_at))}</p></div>
                                <div class="quote-from"><strong>"Tandem"</strong><br/>"Licenses priced in US dollars"</div>
                            </header>
                            <div class="grid-2 addresses">
                                <div><h3>"Bill to"</h3><AddressLines lines=o.billing.lines()/></div>
                                <div><h3>"Ship to"</h3><AddressLines lines=o.shipping.lines()/></div>
                            </div>
                            <table class="table">
                                <thead><tr><th scope="col">"Product"</th><th scope="col" class="num">"Count"</th>
                                    <th scope="col" class="num">"Unit price"</th><th scope="col" class="num">"Total"</th></tr></thead>
                                <tbody>{o.lines.iter().map(|l| view! {
                                    <tr><td>{l.name.clone()}</td><td class="num">{l.quantity}</td><td class="num">{Cents::dollars(l.unit_price)}</td><td class="num">{Cents::dollars(l.total)}</td></tr>
                                }).collect_view()}</tbody>
                                <tfoot>
                                    <tr><th scope="row" colspan="3">"Subtotal"</th><td class="num">{Cents::dollars(o.totals.subtotal)}</td></tr>
                                    <tr><th scope="row" colspan="3">{format!("Bulk discount ({}%)", o.totals.discount_percent)}</th><td class="num">{format!("−{}", Cents::dollars(o.totals.discount))}</td></tr>
                                    <tr class="grand-total"><th scope="row" colspan="3">"Total due (USD)"</th><td class="num">{Cents::dollars(o.totals.total)}</td></tr>
                                </tfoot>
                            </table>
                            <WireInstructions number=o.number/>
                            <p class="hint">{format!("Status: {}", o.status.label())}</p>
                        </article>
                        <p class="no-print js-only"><button type="button" on:click=print>"Print"</button></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn BillingInfoTab() -> impl IntoView {
    let save_address = ServerAction::<SaveBillingAddress>::new();
    let save_card = ServerAction::<SaveSubscriptionCard>::new();
    let info = Resource::new(move || (save_address.version().get(), save_card.version().get()), |_| get_billing_info());
    view! {
        <Title text="Billing Information · Settings · Tandem"/>
        <Loaded resource=info let:info>
            {view! { <BillingInformation info save_address save_card/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn BillingInformation(info: BillingInfo, save_address: ServerAction<SaveBillingAddress>, save_card: ServerAction<SaveSubscriptionCard>) -> impl IntoView {
    let address_error = error_of(save_address);
    let card_error = error_of(save_card);
    let address_saved = succeeded(save_address);
    let card_saved = succeeded(save_card);
    let local = info.currency_choice == "local";
    let local_code = info.address.as_ref().map(|a| crate::cart::local_currency(&a.country)).unwrap_or("USD");
    view! {
        <section class="panel" aria-labelledby="card-heading">
            <h2 id="card-heading">"Subscription card"</h2>
            <p data-testid="subscription-card">{info.card.clone().unwrap_or_else(|| "No card on file.".into())}</p>
            <p class="hint">"Subscriptions renew on this card each year. It is never used for license purchases: those take a card at each checkout."</p>
            <ActionForm action=save_card attr:class="card-form">
                <label for="sub-holder">"Cardholder name"</label>
                <input id="sub-holder" name="holder" type="text" autocomplete="cc-name" required maxlength="100"/>
                <FieldError error=card_error field="holder"/>
                <label for="sub-number">"Card number"</label>
                <input id="sub-number" name="number" type="text" inputmode="numeric" autocomplete="cc-number" required maxlength="23"/>
                <FieldError error=card_error field="number"/>
                <div class="grid-2">
                    <div>
                        <label for="sub-expiry">"Expiry (MM/YY)"</label>
                        <input id="sub-expiry" name="expiry" type="text" autocomplete="cc-exp" required maxlength="7"/>
                        <FieldError error=card_error field="expiry"/>
                    </div>
                    <div>
                        <label for="sub-cvc">"CVC"</label>
                        <input id="sub-cvc" name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc" required maxlength="4"/>
                        <FieldError error=card_error field="cvc"/>
                    </div>
                </div>
                <FormError error=card_error/>
                <div class="actions"><button type="submit" disabled=move || save_card.pending().get()>
                    {if info.card.is_some() { "Replace the card" } else { "Save the card" }}
                </button></div>
                <Show when=move || card_saved.get()><p class="saved" role="status">"Saved."</p></Show>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="address-heading">
            <h2 id="address-heading">"Billing address and currency"</h2>
            <ActionForm action=save_address>
                <AddressFields name="address" legend="Billing address" value=info.address.clone() error=address_error/>
                <fieldset class="currency">
                    <legend>"Currency of subscription charges"</legend>
                    <label class="check"><input type="radio" name="currency" value="local" checked=local/>
                        {format!(" Local currency of the billing country ({local_code})")}</label>
                    <label class="check"><input type="radio" name="currency" value="usd" checked=!local/>" US dollars (USD)"</label>
                    <FieldError error=address_error field="currency"/>
                </fieldset>
                <p class="hint">{format!("Subscription charges use {}. Licenses are always priced and charged in US dollars.", info.currency)}</p>
                <FormError error=address_error/>
                <div class="actions"><button type="submit" disabled=move || save_address.pending().get()>"Save"</button></div>
                <Show when=move || address_saved.get()><p class="saved" role="status">"Saved."</p></Show>
            </ActionForm>
        </section>
    }
}
