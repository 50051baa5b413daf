//! Card payments go through a `PaymentGateway`. The built-in sandbox behaves
//! like a payment provider's test mode: it accepts its test card numbers,
//! declines the ones meant to be declined and refuses every other card.
//!
//! Card numbers and security codes live only in memory for the length of one
//! request: `CardDetails` never prints them, and only the brand, the last four
//! digits and the expiry (`CardSummary`) are ever stored.

use crate::error::{AppError, AppResult};
use crate::money::Cents;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// A card as typed for one payment. Debug shows only what may be stored.
pub struct CardDetails {
    pub holder: String,
    number: String,
    pub exp_month: i32,
    pub exp_year: i32,
    cvc: String,
}

impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardDetails({})", self.summary().describe())
    }
}

/// What may be kept of a card: brand, last four digits, expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
    pub exp_month: i32,
    pub exp_year: i32,
}

impl CardSummary {
    /// "Visa •••• 4242, expires 12/2030".
    pub fn describe(&self) -> String {
        format!("{} •••• {}, expires {:02}/{}", self.brand, self.last4, self.exp_month, self.exp_year)
    }
}

impl CardDetails {
    /// Checks what was typed; each problem is reported next to its field.
    pub fn parse(holder: &str, number: &str, expiry: &str, cvc: &str, today: NaiveDate) -> AppResult<CardDetails> {
        let no_holder = "Enter the name on the card.";
        let holder = crate::text::one_line("holder", holder, 100, no_holder, no_holder)?;
        let digits: String = number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if digits.is_empty() {
            return Err(AppError::validation("number", "Enter the card number."));
        }
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || !luhn(&digits) {
            return Err(AppError::validation("number", "That card number is not valid. Check the digits."));
        }
        let (exp_month, exp_year) = parse_expiry(expiry)
            .ok_or_else(|| AppError::validation("expiry", "Enter the expiry date as MM/YY, such as 08/29."))?;
        if (exp_year, exp_month) < (today.year(), today.month() as i32) {
            return Err(AppError::validation("expiry", "This card has expired."));
        }
        let cvc = cvc.trim().to_string();
        let cvc_len = if brand(&digits) == "American Express" { 4 } else { 3 };
        if cvc.len() != cvc_len || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::validation("cvc", format!("Enter the {cvc_len}-digit security code (CVC).")));
        }
        Ok(CardDetails { holder, number: digits, exp_month, exp_year, cvc })
    }

    /// The full number, for a gateway adapter to send; never store or log it.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The security code, for a gateway adapter to send; never store or log it.
    pub fn cvc(&self) -> &str {
        &self.cvc
    }

    pub fn summary(&self) -> CardSummary {
        CardSummary {
            brand: brand(&self.number).to_string(),
            last4: self.number[self.number.len() - 4..].to_string(),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
        }
    }
}

/// The Luhn checksum every card number carries.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

pub fn brand(digits: &str) -> &'static str {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    match () {
        _ if digits.starts_with('4') => "Visa",
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "Mastercard",
        _ if prefix(2) == 34 || prefix(2) == 37 => "American Express",
        _ if prefix(4) == 6011 || prefix(2) == 65 => "Discover",
        _ => "Card",
    }
}

/// "08/29", "8/2029", "08 / 29" → (8, 2029).
fn parse_expiry(input: &str) -> Option<(i32, i32)> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let (m, y) = cleaned.split_once('/').or_else(|| (cleaned.len() == 4).then(|| cleaned.split_at(2)))?;
    let month: i32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    let year: i32 = match y.len() {
        2 => 2000 + y.parse::<i32>().ok()?,
        4 => y.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub id: String,
    pub card: CardSummary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    pub token: String,
    pub card: CardSummary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// The card was refused; the message is for the person paying.
    Declined(String),
    /// The gateway could not do it (its fault or ours); the detail is for the log.
    Failed(String),
}

impl From<GatewayError> for AppError {
    fn from(e: GatewayError) -> Self {
        match e {
            GatewayError::Declined(message) => AppError::validation("number", message),
            GatewayError::Failed(detail) => AppError::Internal(crate::error::log_internal(&detail)),
        }
    }
}

/// A payment provider. Every call carries an idempotency key: the same key
/// again returns the first answer and moves no more money.
#[async_trait::async_trait]
pub trait PaymentGateway: Send + Sync + std::fmt::Debug {
    async fn charge(&self, key: Uuid, amount: Cents, currency: &str, card: &CardDetails) -> Result<Charge, GatewayError>;
    async fn refund(&self, key: Uuid, charge_id: &str, amount: Cents) -> Result<String, GatewayError>;
    /// Keeps a card on file (the subscription card) and returns its token.
    async fn save_card(&self, card: &CardDetails) -> Result<SavedCard, GatewayError>;
}

/// Test card numbers, as payment providers' test modes have them.
pub const TEST_CARD_OK: &str = "4242424242424242";
pub const TEST_CARD_DECLINED: &str = "4000000000000002";
pub const TEST_CARD_NO_FUNDS: &str = "4000000000009995";

const SANDBOX_ONLY: &str = "The sandbox gateway takes test cards only, such as 4242 4242 4242 4242.";

fn sandbox_verdict(number: &str) -> Result<(), String> {
    match number {
        TEST_CARD_OK | "5555555555554444" | "378282246310005" => Ok(()),
        TEST_CARD_DECLINED => Err("Your card was declined.".into()),
        TEST_CARD_NO_FUNDS => Err("Your card has insufficient funds.".into()),
        "4000000000000069" => Err("Your card has expired.".into()),
        "4000000000000127" => Err("Your card's security code is incorrect.".into()),
        _ => Err(SANDBOX_ONLY.into()),
    }
}

#[derive(Debug, Default)]
struct Ledger {
    charges: HashMap<Uuid, (String, i64, CardSummary)>,
    refunds: HashMap<Uuid, String>,
    refunded: HashMap<String, i64>,
}

/// The built-in gateway: moves no money, remembers what it did (in memory).
#[derive(Debug, Default)]
pub struct SandboxGateway {
    ledger: Mutex<Ledger>,
}

impl SandboxGateway {
    /// How many charges were made (a repeated key is not a new charge).
    pub fn charges_made(&self) -> usize {
        self.ledger.lock().map(|l| l.charges.len()).unwrap_or(0)
    }

    pub fn refunds_made(&self) -> usize {
        self.ledger.lock().map(|l| l.refunds.len()).unwrap_or(0)
    }
}

#[async_trait::async_trait]
impl PaymentGateway for SandboxGateway {
    async fn charge(&self, key: Uuid, amount: Cents, _currency: &str, card: &CardDetails) -> Result<Charge, GatewayError> {
        let mut ledger = self.ledger.lock().map_err(|_| GatewayError::Failed("sandbox ledger poisoned".into()))?;
        if let Some((id, charged, summary)) = ledger.charges.get(&key) {
            if *charged != amount.0 {
                return Err(GatewayError::Failed(format!("idempotency key {key} reused with another amount")));
            }
            return Ok(Charge { id: id.clone(), card: summary.clone() });
        }
        sandbox_verdict(&card.number).map_err(GatewayError::Declined)?;
        let charge = Charge { id: format!("ch_sandbox_{}", Uuid::new_v4().simple()), card: card.summary() };
        ledger.charges.insert(key, (charge.id.clone(), amount.0, charge.card.clone()));
        Ok(charge)
    }

    async fn refund(&self, key: Uuid, charge_id: &str, amount: Cents) -> Result<String, GatewayError> {
        let mut ledger = self.ledger.lock().map_err(|_| GatewayError::Failed("sandbox ledger poisoned".into()))?;
        if let Some(id) = ledger.refunds.get(&key) {
            return Ok(id.clone());
        }
        // Charges made before a restart are not in memory: the sandbox trusts the caller's record.
        let charged = ledger.charges.values().find(|(id, ..)| id == charge_id).map(|(_, a, _)| *a);
        let already = ledger.refunded.get(charge_id).copied().unwrap_or(0);
        if charged.is_some_and(|c| already + amount.0 > c) {
            return Err(GatewayError::Failed(format!("refund of {charge_id} exceeds the charge")));
        }
        let id = format!("re_sandbox_{}", Uuid::new_v4().simple());
        ledger.refunds.insert(key, id.clone());
        *ledger.refunded.entry(charge_id.to_string()).or_default() += amount.0;
        Ok(id)
    }

    async fn save_card(&self, card: &CardDetails) -> Result<SavedCard, GatewayError> {
        sandbox_verdict(&card.number).map_err(GatewayError::Declined)?;
        Ok(SavedCard { token: format!("card_sandbox_{}", Uuid::new_v4().simple()), card: card.summary() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn luhn_and_brands() {
        assert!(luhn(TEST_CARD_OK) && luhn(TEST_CARD_DECLINED) && luhn(TEST_CARD_NO_FUNDS) && luhn("378282246310005"));
        assert!(!luhn("4242424242424241"));
        assert_eq!(brand(TEST_CARD_OK), "Visa");
        assert_eq!(brand("5555555555554444"), "Mastercard");
        assert_eq!(brand("378282246310005"), "American Express");
    }

    #[test]
    fn cards_are_checked_field_by_field() {
        let ok = CardDetails::parse(" Ada  Lovelace ", "4242 4242 4242 4242", "08/29", "123", today()).unwrap();
        assert_eq!(ok.summary(), CardSummary { brand: "Visa".into(), last4: "4242".into(), exp_month: 8, exp_year: 2029 });
        assert_eq!(ok.holder, "Ada Lovelace");
        let field = |r: AppResult<CardDetails>| match r {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(CardDetails::parse("", TEST_CARD_OK, "08/29", "123", today())), "holder");
        assert_eq!(field(CardDetails::parse("A", "4242 4242 4242 4241", "08/29", "123", today())), "number");
        assert_eq!(field(CardDetails::parse("A", "abcd", "08/29", "123", today())), "number");
        assert_eq!(field(CardDetails::parse("A", TEST_CARD_OK, "13/29", "123", today())), "expiry");
        assert_eq!(field(CardDetails::parse("A", TEST_CARD_OK, "10/26", "123", today())), "expiry");
        assert!(CardDetails::parse("A", TEST_CARD_OK, "11/2026", "123", today()).is_ok());
        assert_eq!(field(CardDetails::parse("A", TEST_CARD_OK, "08/29", "12", today())), "cvc");
        assert_eq!(field(CardDetails::parse("A", "378282246310005", "08/29", "123", today())), "cvc");
    }

    #[test]
    fn debug_never_shows_the_number_or_the_code() {
        let card = CardDetails::parse("Ada", TEST_CARD_OK, "08/29", "987", today()).unwrap();
        let shown = format!("{card:?}");
        assert!(!shown.contains("4242424242424242") && !shown.contains("987"), "{shown}");
        assert!(shown.contains("4242"));
    }

    #[tokio::test]
    async fn the_sandbox_behaves_like_a_test_mode() {
        let gw = SandboxGateway::default();
        let card = |n: &str| CardDetails::parse("Ada", n, "08/29", "123", today()).unwrap();
        let key = Uuid::new_v4();
        let first = gw.charge(key, Cents(3600), "USD", &card(TEST_CARD_OK)).await.unwrap();
        assert_eq!(gw.charge(key, Cents(3600), "USD", &card(TEST_CARD_OK)).await.unwrap(), first);
        assert_eq!(gw.charges_made(), 1);
        assert_eq!(
            gw.charge(Uuid::new_v4(), Cents(1), "USD", &card(TEST_CARD_DECLINED)).await,
            Err(GatewayError::Declined("Your card was declined.".into()))
        );
        assert_eq!(
            gw.charge(Uuid::new_v4(), Cents(1), "USD", &card(TEST_CARD_NO_FUNDS)).await,
            Err(GatewayError::Declined("Your card has insufficient funds.".into()))
        );
        assert!(matches!(gw.charge(Uuid::new_v4(), Cents(1), "USD", &card("4012888888881881")).await, Err(GatewayError::Declined(_))));
        assert_eq!(gw.charges_made(), 1);
        let rkey = Uuid::new_v4();
        let r = gw.refund(rkey, &first.id, Cents(3600)).await.unwrap();
        assert_eq!(gw.refund(rkey, &first.id, Cents(3600)).await.unwrap(), r);
        assert!(gw.refund(Uuid::new_v4(), &first.id, Cents(1)).await.is_err());
    }
}
