//! Money is integer cents with a currency code; never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Cents(pub i64);

impl Cents {
    /// Parses what a person types for an amount of dollars: "95", "95.5",
    /// "$1,250.00". At most two decimals; never negative.
    pub fn parse_dollars(input: &str) -> Result<Cents, &'static str> {
        let cleaned: String = input.trim().trim_start_matches('$').chars().filter(|c| *c != ',').collect();
        if cleaned.is_empty() {
            return Err("Enter an amount, such as 95 or 95.50.");
        }
        let (whole, frac) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
            return Err("Enter an amount in dollars, such as 95 or 95.50.");
        }
        if frac.len() > 2 {
            return Err("Use at most two decimals (cents).");
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| "That amount is too large.")? };
        let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac))
            .filter(|c| *c <= 100_000_000)
            .map(Cents)
            .ok_or("That amount is too large.")
    }

    /// "$1,250.00": an amount in dollars as pages show it.
    pub fn dollars(self) -> String {
        format!("${}", self.plain())
    }

    /// "1,250.00": dollars and cents with thousands separators, no symbol.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}.{:02}", abs % 100)
    }
}

/// An amount with its currency, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub cents: Cents,
    pub currency: String,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.currency.as_str() {
            "USD" => f.write_str(&self.cents.dollars()),
            other => write!(f, "{} {other}", self.cents.plain()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_people_type() {
        assert_eq!(Cents::parse_dollars("95"), Ok(Cents(9500)));
        assert_eq!(Cents::parse_dollars(" $95.5 "), Ok(Cents(9550)));
        assert_eq!(Cents::parse_dollars("1,250.05"), Ok(Cents(125005)));
        assert_eq!(Cents::parse_dollars(".75"), Ok(Cents(75)));
        assert_eq!(Cents::parse_dollars("0"), Ok(Cents(0)));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in ["", "-5", "abc", "1.234", "1e3", ".", "99999999999999999999", "1000001"] {
            assert!(Cents::parse_dollars(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn shows_dollars_with_separators() {
        assert_eq!(Money { cents: Cents(125005), currency: "USD".into() }.to_string(), "$1,250.05");
        assert_eq!(Cents(5).plain(), "0.05");
        assert_eq!(Cents(100_000_000).plain(), "1,000,000.00");
    }
}
