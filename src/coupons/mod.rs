//! Coupons: licenses of one type on their way to another workgroup, issued
//! from a pack's unused licenses or by a distributor. A code is redeemed once.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// No 0/O or 1/I: 32 symbols, 5 bits each.
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// 20 symbols: 100 bits of randomness.
pub const CODE_LEN: usize = 20;
const _: () = assert!(CODE_LEN * 5 >= 80, "coupon codes carry at least 80 random bits");
/// At most this many codes in one Check or Apply.
pub const MAX_CODES: usize = 20;

/// A well-formed coupon code, kept as `XXXXX-XXXXX-XXXXX-XXXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CouponCode(String);

impl CouponCode {
    /// Accepts any case, stray spaces and dashes.
    pub fn parse(input: &str) -> Option<CouponCode> {
        let symbols: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if symbols.len() != CODE_LEN || !symbols.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        Some(CouponCode(group(&symbols)))
    }

    /// A new code from a CSPRNG.
    #[cfg(feature = "ssr")]
    pub fn generate() -> CouponCode {
        use rand::Rng;
        let mut rng = rand::rng();
        let symbols: String = (0..CODE_LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        CouponCode(group(&symbols))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn group(symbols: &str) -> String {
    symbols.as_bytes().chunks(5).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-")
}

/// Codes as typed in the Enter Coupon field, separated by spaces or commas.
/// A code typed with spaces inside its groups is still one code when the
/// whole field holds exactly one code's worth of symbols.
pub fn split_codes(input: &str) -> Vec<String> {
    let whole: String = input.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    if CouponCode::parse(&whole).is_some() {
        return vec![input.trim().to_string()];
    }
    input.split([' ', ',', '\n', '\t']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponInfo {
    pub type_name: String,
    pub count: i32,
    pub expires_at: DateTime<Utc>,
}

/// The answer for one code of a Check or Apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeOutcome {
    pub code: String,
    pub result: Result<CouponInfo, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedCoupon {
    pub id: Uuid,
    pub label: String,
    pub type_name: String,
    pub count: i32,
    pub code: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub redeemed: bool,
}

/// A pack coupons can be generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackChoice {
    pub id: Uuid,
    pub type_name: String,
    pub available: i32,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponsOverview {
    pub generated: Vec<GeneratedCoupon>,
    pub packs: Vec<PackChoice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_accept_any_case_spaces_and_dashes() {
        let canonical = CouponCode::parse("ABCDE-FGHJK-LMNPQ-RSTUV").unwrap();
        assert_eq!(canonical.as_str(), "ABCDE-FGHJK-LMNPQ-RSTUV");
        assert_eq!(CouponCode::parse(" abcde fghjk-lmnpq RSTUV ").unwrap(), canonical);
        assert_eq!(CouponCode::parse("abcdefghjklmnpqrstuv").unwrap(), canonical);
    }

    #[test]
    fn look_alikes_and_wrong_lengths_are_malformed() {
        assert!(CouponCode::parse("ABCDE-FGHJK-LMNPQ-RSTU0").is_none());
        assert!(CouponCode::parse("ABCDE-FGHJK-LMNPQ-RSTUI").is_none());
        assert!(CouponCode::parse("ABCDE-FGHJK-LMNPQ").is_none());
        assert!(CouponCode::parse("").is_none());
    }

    #[test]
    fn generated_codes_are_well_formed_and_differ() {
        let a = CouponCode::generate();
        assert_eq!(CouponCode::parse(a.as_str()).as_ref(), Some(&a));
        assert_ne!(a, CouponCode::generate());
    }

    #[test]
    fn the_field_splits_on_spaces_unless_it_is_one_spaced_code() {
        assert_eq!(split_codes("AAAAA-BBBBB-CCCCC-DDDDD  EEEEE-FFFFF-GGGGG-HHHHH").len(), 2);
        assert_eq!(split_codes("aaaaa bbbbb ccccc ddddd"), vec!["aaaaa bbbbb ccccc ddddd".to_string()]);
        assert!(split_codes("   ").is_empty());
    }
}
