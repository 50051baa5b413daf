//! The address fieldset of the cart and of Billing Information.

use crate::cart::{Address, COUNTRIES};
use crate::error::AppError;
use crate::ui::FieldError;
use leptos::prelude::*;

/// Inputs named `{name}[field]` (read as an `AddressInput`); errors for
/// `{name}_{field}` show under each field.
/// `required` marks the required fields for the browser too; a fieldset that
/// may be hidden (the shipping address) leaves that to the server.
#[component]
pub fn AddressFields(
    name: &'static str,
    legend: &'static str,
    value: Option<Address>,
    error: Signal<Option<AppError>>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let v = value.unwrap_or_default();
    let country = if v.country.is_empty() { "US".to_string() } else { v.country.clone() };
    let input = move |field: &'static str, label: &'static str, value: String, autocomplete: &'static str, needed: bool| {
        let required = required && needed;
        let id = format!("{name}-{field}");
        view! {
            <div class=format!("field field-{field}")>
                <label for=id.clone()>{label}</label>
                <input id=id type="text" name=format!("{name}[{field}]") value=value autocomplete=format!("{name} {autocomplete}")
                    required=required maxlength="120"/>
                <FieldError error field=format!("{name}_{field}")/>
            </div>
        }
    };
    view! {
        <fieldset class=format!("address {name}-address")>
            <legend>{legend}</legend>
            <div class="address-grid">
                {input("name", "Name", v.name, "name", true)}
                {input("company", "Company (optional)", v.company, "organization", false)}
                {input("line1", "Street address", v.line1, "address-line1", true)}
                {input("line2", "Address line 2 (optional)", v.line2, "address-line2", false)}
                {input("city", "City", v.city, "address-level2", true)}
                {input("region", "State or region", v.region, "address-level1", false)}
                {input("postal_code", "Postal code", v.postal_code, "postal-code", true)}
                <div class="field field-country">
                    <label for=format!("{name}-country")>"Country"</label>
                    <select id=format!("{name}-country") name=format!("{name}[country]") autocomplete=format!("{name} country")>
                        {COUNTRIES.iter().map(|(code, label, _)| {
                            let selected = *code == country;
                            view! { <option value=*code selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError error field=format!("{name}_country")/>
                </div>
            </div>
        </fieldset>
    }
}

/// A checked address, one line each.
#[component]
pub fn AddressLines(lines: Vec<String>) -> impl IntoView {
    view! { <address>{lines.into_iter().map(|l| view! { {l}<br/> }).collect_view()}</address> }
}
