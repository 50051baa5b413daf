//! The Shopping Cart: license types and plan seats with counts, kept on the
//! server per agent and workgroup; the addresses; Complete Purchase (card
//! checkout or a wire-transfer quote). The bulk discount rule lives here.

pub mod api;
#[cfg(feature = "ssr")]
pub mod purchase;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use crate::error::{AppError, AppResult};
use crate::money::Cents;
use crate::text::squish;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bulk discount tiers: (at least this many subscriptions held in this
/// workgroup, percent off the order). Subscriptions in the agent's other
/// workgroups never count.
pub const DISCOUNT_TIERS: [(i64, i64); 3] = [(10, 5), (25, 10), (50, 15)];

pub fn discount_percent(subscriptions: i64) -> i64 {
    DISCOUNT_TIERS.iter().rev().find(|(min, _)| subscriptions >= *min).map(|(_, pct)| *pct).unwrap_or(0)
}

/// The rule in words, as the cart shows it.
pub fn discount_rule() -> String {
    let tiers: Vec<String> = DISCOUNT_TIERS.iter().map(|(min, pct)| format!("{pct}% off with {min} or more")).collect();
    format!("Bulk discount by the subscriptions this workgroup holds: {}.", tiers.join(", "))
}

/// At most this many of one product in a cart line.
pub const MAX_QUANTITY: i32 = 10_000;

/// A product of the catalogue: a license type or a plan's yearly seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub code: String,
    pub name: String,
    pub unit_price_cents: i64,
    /// A plan's seats (bought per seat and year) rather than licenses.
    pub seats: bool,
}

impl CatalogItem {
    pub fn unit(&self) -> &'static str {
        if self.seats { "seat / year" } else { "license" }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub code: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub seats: bool,
}

impl CartLine {
    pub fn total(&self) -> Cents {
        Cents(i64::from(self.quantity) * self.unit_price_cents)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    pub subtotal: Cents,
    pub discount_percent: i64,
    pub discount: Cents,
    pub total: Cents,
}

/// Prices a cart: the discount is rounded down to the cent, in the buyer's favour never by more.
pub fn totals(lines: &[CartLine], subscriptions: i64) -> Totals {
    let subtotal: i64 = lines.iter().map(|l| l.total().0).sum();
    let discount_percent = discount_percent(subscriptions);
    let discount = subtotal * discount_percent / 100;
    Totals { subtotal: Cents(subtotal), discount_percent, discount: Cents(discount), total: Cents(subtotal - discount) }
}

/// What a payment is for: products, counts, unit prices and total. A
/// checkout replayed with its key must carry the same fingerprint.
pub fn fingerprint(lines: &[CartLine], totals: &Totals) -> String {
    let mut parts: Vec<String> = lines.iter().map(|l| format!("{}x{}@{}", l.code, l.quantity, l.unit_price_cents)).collect();
    parts.sort();
    format!("{};total={}", parts.join(","), totals.total.0)
}

/// (ISO code, name, local currency) of the countries Tandem bills in.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("US", "United States", "USD"),
    ("CA", "Canada", "CAD"),
    ("GB", "United Kingdom", "GBP"),
    ("IE", "Ireland", "EUR"),
    ("DE", "Germany", "EUR"),
    ("FR", "France", "EUR"),
    ("NL", "Netherlands", "EUR"),
    ("BE", "Belgium", "EUR"),
    ("ES", "Spain", "EUR"),
    ("IT", "Italy", "EUR"),
    ("CH", "Switzerland", "CHF"),
    ("SE", "Sweden", "SEK"),
    ("AU", "Australia", "AUD"),
    ("NZ", "New Zealand", "NZD"),
    ("JP", "Japan", "JPY"),
    ("SG", "Singapore", "SGD"),
    ("IN", "India", "INR"),
    ("BR", "Brazil", "BRL"),
    ("ZA", "South Africa", "ZAR"),
];

pub fn country_name(code: &str) -> &str {
    COUNTRIES.iter().find(|c| c.0 == code).map(|c| c.1).unwrap_or(code)
}

pub fn local_currency(country: &str) -> &'static str {
    COUNTRIES.iter().find(|c| c.0 == country).map(|c| c.2).unwrap_or("USD")
}

/// An address as typed (every field optional until checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AddressInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
}

/// A checked address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    pub name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl AddressInput {
    /// Checks the address; errors name the field as `{prefix}_{field}`.
    pub fn parse(&self, prefix: &str) -> AppResult<Address> {
        let required = |field: &str, value: &str, what: &str| -> AppResult<String> {
            let v = squish(value);
            if v.is_empty() {
                Err(AppError::validation(&format!("{prefix}_{field}"), format!("Enter the {what}.")))
            } else if v.chars().count() > 120 {
                Err(AppError::validation(&format!("{prefix}_{field}"), "Keep it to 120 characters or fewer."))
            } else {
                Ok(v)
            }
        };
        let optional = |field: &str, value: &str| -> AppResult<String> {
            let v = squish(value);
            if v.chars().count() > 120 {
                Err(AppError::validation(&format!("{prefix}_{field}"), "Keep it to 120 characters or fewer."))
            } else {
                Ok(v)
            }
        };
        let address = Address {
            name: required("name", &self.name, "name")?,
            company: optional("company", &self.company)?,
            line1: required("line1", &self.line1, "street address")?,
            line2: optional("line2", &self.line2)?,
            city: required("city", &self.city, "city")?,
            region: optional("region", &self.region)?,
            postal_code: required("postal_code", &self.postal_code, "postal code")?,
            country: self.country.trim().to_ascii_uppercase(),
        };
        if !COUNTRIES.iter().any(|c| c.0 == address.country) {
            return Err(AppError::validation(&format!("{prefix}_country"), "Choose a country."));
        }
        Ok(address)
    }
}

impl Address {
    /// The address as printed lines.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.name.clone()];
        for l in [&self.company, &self.line1, &self.line2] {
            if !l.is_empty() {
                out.push(l.clone());
            }
        }
        let city = [self.city.as_str(), self.region.as_str(), self.postal_code.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(city);
        out.push(country_name(&self.country).to_string());
        out
    }
}

/// The Shopping Cart tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub catalog: Vec<CatalogItem>,
    pub lines: Vec<CartLine>,
    pub totals: Totals,
    /// Subscriptions this workgroup holds (what the discount counts).
    pub subscriptions: i64,
    pub billing: Option<Address>,
    pub shipping: Option<Address>,
    /// Seats renew on the workgroup's subscription card: it must be on file.
    pub subscription_card: bool,
}

/// The Complete Purchase page, made when it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// The idempotency key every Checkout or Create Quote from this page carries.
    pub key: Uuid,
    pub fingerprint: String,
    pub lines: Vec<CartLine>,
    pub totals: Totals,
    pub billing: Address,
    pub shipping: Address,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutState {
    Ready(Box<Purchase>),
    EmptyCart,
    NeedsAddress,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, quantity: i32, unit: i64) -> CartLine {
        CartLine { code: code.into(), name: code.into(), quantity, unit_price_cents: unit, seats: false }
    }

    #[test]
    fn discount_tiers_count_this_workgroups_subscriptions() {
        assert_eq!(discount_percent(0), 0);
        assert_eq!(discount_percent(9), 0);
        assert_eq!(discount_percent(10), 5);
        assert_eq!(discount_percent(25), 10);
        assert_eq!(discount_percent(1000), 15);
        let t = totals(&[line("mailbox_migration", 3, 1200), line("public_folder_migration", 1, 2501)], 10);
        assert_eq!(t.subtotal, Cents(6101));
        assert_eq!(t.discount, Cents(305));
        assert_eq!(t.total, Cents(5796));
        assert!(discount_rule().contains("5% off with 10 or more"));
    }

    #[test]
    fn fingerprints_ignore_order_but_not_counts() {
        let a = [line("a", 1, 100), line("b", 2, 100)];
        let b = [line("b", 2, 100), line("a", 1, 100)];
        let c = [line("a", 1, 100), line("b", 3, 100)];
        assert_eq!(fingerprint(&a, &totals(&a, 0)), fingerprint(&b, &totals(&b, 0)));
        assert_ne!(fingerprint(&a, &totals(&a, 0)), fingerprint(&c, &totals(&c, 0)));
    }

    #[test]
    fn addresses_report_the_missing_field() {
        let mut input = AddressInput { name: " Ada ".into(), line1: "1 Main St".into(), city: "Springfield".into(), postal_code: "12345".into(), country: "us".into(), ..Default::default() };
        let a = input.parse("billing").unwrap();
        assert_eq!((a.name.as_str(), a.country.as_str()), ("Ada", "US"));
        assert_eq!(a.lines().last().map(String::as_str), Some("United States"));
        input.city = " ".into();
        assert_eq!(input.parse("billing").unwrap_err().for_field("billing_city").as_deref(), Some("Enter the city."));
        input.city = "X".into();
        input.country = "XX".into();
        assert!(input.parse("shipping").unwrap_err().for_field("shipping_country").is_some());
    }
}
