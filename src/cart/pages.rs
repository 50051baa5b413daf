//! Settings → Shopping Cart: choose products and counts (Next), Buy Products
//! for more, Purchase; the addresses; Complete Purchase by card or quote.

use super::{
    discount_rule, get_cart, open_checkout, CartLine, CartView, CatalogItem, CheckoutState, CreateQuote, Purchase, RemoveCartItem,
    SaveCartAddresses, SetCartItem, Totals,
};
use crate::money::Cents;
use crate::ui::address::{AddressFields, AddressLines};
use crate::ui::{error_of, FieldError, FormError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CartTab() -> impl IntoView {
    let set = ServerAction::<SetCartItem>::new();
    let remove = ServerAction::<RemoveCartItem>::new();
    let cart = Resource::new(move || (set.version().get(), remove.version().get()), |_| get_cart());
    let query = use_query_map();
    let selected = move || query.with(|q| q.get("type").unwrap_or_default());
    view! {
        <Title text="Shopping Cart · Settings · Tandem"/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(cart) => {
                        let code = selected();
                        let chosen = cart.catalog.iter().find(|c| c.code == code).cloned();
                        view! {
                            <div class="cart">
                                <Products catalog=cart.catalog.clone() selected=code/>
                                <div class="cart-main">
                                    {chosen.map(|item| {
                                        let count = cart.lines.iter().find(|l| l.code == item.code).map(|l| l.quantity).unwrap_or(1);
                                        view! { <ProductForm item count set/> }
                                    })}
                                    <CartSummary cart remove/>
                                </div>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Products(catalog: Vec<CatalogItem>, selected: String) -> impl IntoView {
    view! {
        <nav class="panel cart-products" aria-labelledby="products-heading">
            <h2 id="products-heading">"Buy Products"</h2>
            <ul>
                {catalog.into_iter().map(|item| {
                    let current = item.code == selected;
                    view! {
                        <li>
                            <A href=format!("/settings/cart?type={}", item.code) attr:class=if current { "product current" } else { "product" }>
                                <span class="product-name">{item.name.clone()}</span>
                                <span class="product-price">{format!("{} / {}", Cents::dollars(Cents(item.unit_price_cents)), item.unit())}</span>
                            </A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn ProductForm(item: CatalogItem, count: i32, set: ServerAction<SetCartItem>) -> impl IntoView {
    let error = error_of(set);
    let label = if item.seats { "Number of seats" } else { "Number of licenses" };
    view! {
        <section class="panel" aria-labelledby="product-heading">
            <h2 id="product-heading">{item.name.clone()}</h2>
            <p class="hint">{format!("{} per {}, in US dollars.", Cents::dollars(Cents(item.unit_price_cents)), item.unit())}
                {item.seats.then_some(" Seats last a year; surplus seats go to agents as they join.")}
                {(!item.seats).then_some(" Licenses can be used for a year from purchase.")}</p>
            <ActionForm action=set>
                <input type="hidden" name="code" value=item.code.clone()/>
                <label for="cart-quantity">{label}</label>
                <input id="cart-quantity" name="quantity" type="number" min="1" max="10000" required class="narrow" value=count.to_string()/>
                <FieldError error field="quantity"/>
                <FormError error/>
                <div class="actions">
                    <button type="submit" class="primary-inline" disabled=move || set.pending().get()>"Next"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn TotalsRows(totals: Totals, subscriptions: Option<i64>, columns: usize) -> impl IntoView {
    let span = (columns - 1).to_string();
    let discount_label = match subscriptions {
        Some(n) => format!("Bulk discount ({}%: this workgroup holds {n} subscriptions)", totals.discount_percent),
        None => format!("Bulk discount ({}%)", totals.discount_percent),
    };
    view! {
        <tr class="subtotal"><th scope="row" colspan=span.clone()>"Subtotal"</th><td class="num">{Cents::dollars(totals.subtotal)}</td></tr>
        <tr><th scope="row" colspan=span.clone()>{discount_label}</th><td class="num">{format!("−{}", Cents::dollars(totals.discount))}</td></tr>
        <tr class="grand-total"><th scope="row" colspan=span>"Total (USD)"</th><td class="num" data-testid="cart-total">{Cents::dollars(totals.total)}</td></tr>
    }
}

fn line_cells(l: &CartLine) -> impl IntoView {
    view! {
        <td>{l.name.clone()}{l.seats.then_some(" (seats, 1 year)")}</td>
        <td class="num">{l.quantity}</td>
        <td class="num">{Cents::dollars(Cents(l.unit_price_cents))}</td>
        <td class="num">{Cents::dollars(l.total())}</td>
    }
}

#[component]
fn CartSummary(cart: CartView, remove: ServerAction<RemoveCartItem>) -> impl IntoView {
    let remove_error = error_of(remove);
    if cart.lines.is_empty() {
        return view! {
            <section class="panel" aria-labelledby="cart-heading">
                <h2 id="cart-heading">"Your cart"</h2>
                <p class="hint">"Your cart is empty. Choose a product under Buy Products, enter a count, then Next."</p>
                <p class="hint">{discount_rule()}</p>
            </section>
        }
        .into_any();
    }
    let next_product = cart.catalog.iter().find(|c| !cart.lines.iter().any(|l| l.code == c.code)).map(|c| c.code.clone());
    view! {
        <section class="panel" aria-labelledby="cart-heading">
            <h2 id="cart-heading">"Your cart"</h2>
            <table class="table" data-testid="cart">
                <thead><tr>
                    <th scope="col">"Product"</th><th scope="col" class="num">"Count"</th><th scope="col" class="num">"Unit price"</th>
                    <th scope="col" class="num">"Total"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {cart.lines.clone().into_iter().map(|l| view! {
                        <tr>
                            {line_cells(&l)}
                            <td>
                                <ActionForm action=remove attr:class="inline">
                                    <input type="hidden" name="code" value=l.code.clone()/>
                                    <button type="submit" class="link" aria-label=format!("Remove {}", l.name)>"Remove"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><TotalsRows totals=cart.totals subscriptions=Some(cart.subscriptions) columns=4/></tfoot>
            </table>
            <FormError error=remove_error/>
            <p class="hint">{discount_rule()}</p>
            <div class="actions">
                {next_product.map(|code| view! { <A href=format!("/settings/cart?type={code}") attr:class="button">"Buy Products"</A> })}
                <A href="/settings/cart/address" attr:class="button primary-inline">"Purchase"</A>
            </div>
        </section>
    }
    .into_any()
}

/// The billing address, and the shipping address when "Ship to billing
/// address" is unticked (the stylesheet hides it while ticked, no script needed).
#[component]
pub fn CartAddressPage() -> impl IntoView {
    let save = ServerAction::<SaveCartAddresses>::new();
    let error = error_of(save);
    let cart = Resource::new(|| (), |_| get_cart());
    view! {
        <Title text="Billing address · Shopping Cart · Tandem"/>
        <p><A href="/settings/cart">"← Shopping Cart"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cart.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(cart) if cart.lines.is_empty() => view! {
                        <section class="panel"><p class="hint">"Your cart is empty. "<A href="/settings/cart">"Choose products first."</A></p></section>
                    }.into_any(),
                    Ok(cart) => {
                        let same = cart.shipping.is_none() || cart.shipping == cart.billing;
                        let shipping = if same { None } else { cart.shipping.clone() };
                        view! {
                            <section class="panel" aria-labelledby="address-heading">
                                <h2 id="address-heading">"Addresses"</h2>
                                <ActionForm action=save attr:class="address-form">
                                    <AddressFields name="billing" legend="Billing address" value=cart.billing.clone() error/>
                                    <label class="check">
                                        <input type="checkbox" name="ship_to_billing" value="on" checked=same/>
                                        " Ship to billing address"
                                    </label>
                                    <div class="shipping-fields">
                                        <AddressFields name="shipping" legend="Shipping address" value=shipping error required=false/>
                                    </div>
                                    <FormError error/>
                                    <div class="actions">
                                        <button type="submit" class="primary-inline" disabled=move || save.pending().get()>"Next"</button>
                                    </div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Complete Purchase. The page is opened once (its resource does not track
/// the tabs), so its idempotency key stays the same for every Checkout or
/// Create Quote sent from it: a double click or a retry makes one order.
#[component]
pub fn CompletePurchasePage() -> impl IntoView {
    let pay = ServerAction::<super::Checkout>::new();
    let quote = ServerAction::<CreateQuote>::new();
    let opened = Resource::new(|| (), |_| open_checkout());
    view! {
        <Title text="Complete Purchase · Shopping Cart · Tandem"/>
        <p><A href="/settings/cart">"← Shopping Cart"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match opened.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(CheckoutState::EmptyCart) => view! {
                        <section class="panel"><p class="hint">"Your cart is empty. "<A href="/settings/cart">"Choose products first."</A></p></section>
                    }.into_any(),
                    Ok(CheckoutState::NeedsAddress) => view! {
                        <section class="panel"><p class="hint">"Enter your billing address first. "<A href="/settings/cart/address">"Billing address"</A></p></section>
                    }.into_any(),
                    Ok(CheckoutState::Ready(purchase)) => view! { <Complete purchase=*purchase pay quote/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Complete(purchase: Purchase, pay: ServerAction<super::Checkout>, quote: ServerAction<CreateQuote>) -> impl IntoView {
    let query = use_query_map();
    let wire = move || query.with(|q| q.get("pay").as_deref() == Some("wire"));
    let pay_error = error_of(pay);
    let quote_error = error_of(quote);
    let key = purchase.key.to_string();
    let fingerprint = purchase.fingerprint.clone();
    let (key2, fingerprint2) = (key.clone(), fingerprint.clone());
    let email = purchase.email.clone();
    view! {
        <section class="panel" aria-labelledby="complete-heading">
            <h2 id="complete-heading">"Complete Purchase"</h2>
            <table class="table" data-testid="purchase">
                <thead><tr>
                    <th scope="col">"Product"</th><th scope="col" class="num">"Count"</th>
                    <th scope="col" class="num">"Unit price"</th><th scope="col" class="num">"Total"</th>
                </tr></thead>
                <tbody>{purchase.lines.clone().into_iter().map(|l| view! { <tr>{line_cells(&l)}</tr> }).collect_view()}</tbody>
                <tfoot><TotalsRows totals=purchase.totals subscriptions=None columns=4/></tfoot>
            </table>
            <div class="grid-2 addresses">
                <div><h3>"Billing address"</h3><AddressLines lines=purchase.billing.lines()/></div>
                <div><h3>"Shipping address"</h3><AddressLines lines=purchase.shipping.lines()/></div>
            </div>
            <p class="hint"><A href="/settings/cart/address">"Change the addresses"</A></p>
        </section>
        <section class="panel" aria-label="Payment">
            <nav class="tabs" aria-label="Payment method">
                <A href="/settings/cart/complete?pay=card" attr:class=move || if wire() { "tab" } else { "tab current" }>"Pay via Credit Card"</A>
                <A href="/settings/cart/complete?pay=wire" attr:class=move || if wire() { "tab current" } else { "tab" }>"Pay via Wire Transfer"</A>
            </nav>
            <div class:hidden=wire>
                <ActionForm action=pay attr:class="card-form">
                    <input type="hidden" name="key" value=key/>
                    <input type="hidden" name="fingerprint" value=fingerprint/>
                    <label for="card-holder">"Cardholder name"</label>
                    <input id="card-holder" name="holder" type="text" autocomplete="cc-name" required maxlength="100"/>
                    <FieldError error=pay_error field="holder"/>
                    <label for="card-number">"Card number"</label>
                    <input id="card-number" name="number" type="text" inputmode="numeric" autocomplete="cc-number" required maxlength="23"
                        placeholder="4242 4242 4242 4242"/>
                    <FieldError error=pay_error field="number"/>
                    <div class="grid-2">
                        <div>
                            <label for="card-expiry">"Expiry (MM/YY)"</label>
                            <input id="card-expiry" name="expiry" type="text" inputmode="numeric" autocomplete="cc-exp" required maxlength="7" placeholder="08/29"/>
                            <FieldError error=pay_error field="expiry"/>
                        </div>
                        <div>
                            <label for="card-cvc">"CVC"</label>
                            <input id="card-cvc" name="cvc" type="text" inputmode="numeric" autocomplete="cc-csc" required maxlength="4"/>
                            <FieldError error=pay_error field="cvc"/>
                        </div>
                    </div>
                    <FormError error=pay_error/>
                    <p class="hint">"The card is charged once, now, and is not kept: only its brand, last four digits and expiry are. "
                        "Sandbox test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 has insufficient funds."</p>
                    <div class="actions">
                        <button type="submit" class="primary-inline" disabled=move || pay.pending().get()>
                            {move || if pay.pending().get() { "Paying…" } else { "Checkout" }}
                        </button>
                    </div>
                </ActionForm>
            </div>
            <div class:hidden=move || !wire()>
                <ActionForm action=quote attr:class="quote-form">
                    <input type="hidden" name="key" value=key2/>
                    <input type="hidden" name="fingerprint" value=fingerprint2/>
                    <p class="hint">"Create Quote makes an Open order and emails its quote. Pay it by wire transfer quoting the order number; the licenses arrive when the transfer is received."</p>
                    <label for="quote-email">"Email the quote to"</label>
                    <input id="quote-email" name="email" type="email" required value=email/>
                    <FieldError error=quote_error field="email"/>
                    <FormError error=quote_error/>
                    <div class="actions">
                        <button type="submit" class="primary-inline" disabled=move || quote.pending().get()>"Create Quote"</button>
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}
