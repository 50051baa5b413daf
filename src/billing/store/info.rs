//! A workgroup's billing information: address, currency, subscription card.

use crate::billing::BillingInfo;
use crate::cart::{local_currency, Address};
use crate::server::db::Tx;
use crate::server::payments::CardSummary;
use sqlx::types::Json;
use uuid::Uuid;

pub async fn billing_info(tx: &mut Tx, workgroup_id: Uuid) -> Result<BillingInfo, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT address AS "address: Json<Address>", card_brand, card_last4::text AS "card_last4?", card_exp_month, card_exp_year,
                  currency_choice
             FROM billing_info WHERE workgroup_id = $1"#,
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else {
        return Ok(BillingInfo { address: None, card: None, currency_choice: "usd".into(), currency: "USD".into() });
    };
    let address = r.address.map(|a| a.0);
    let card = match (r.card_brand, r.card_last4, r.card_exp_month, r.card_exp_year) {
        (Some(brand), Some(last4), Some(exp_month), Some(exp_year)) => Some(CardSummary { brand, last4, exp_month, exp_year }.describe()),
        _ => None,
    };
    let currency = match (r.currency_choice.as_str(), &address) {
        ("local", Some(a)) => local_currency(&a.country).to_string(),
        _ => "USD".to_string(),
    };
    Ok(BillingInfo { address, card, currency_choice: r.currency_choice, currency })
}

pub async fn has_subscription_card(tx: &mut Tx, workgroup_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM billing_info WHERE workgroup_id = $1 AND card_token IS NOT NULL) AS "e!""#,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn save_billing_address(tx: &mut Tx, workgroup_id: Uuid, address: &Address, currency_choice: &str, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO billing_info (workgroup_id, address, currency_choice, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workgroup_id) DO UPDATE SET address = excluded.address, currency_choice = excluded.currency_choice,
                                                  updated_at = now(), updated_by = excluded.updated_by",
        workgroup_id,
        Json(address) as _,
        currency_choice,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn save_subscription_card(tx: &mut Tx, workgroup_id: Uuid, token: &str, card: &CardSummary, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO billing_info (workgroup_id, card_token, card_brand, card_last4, card_exp_month, card_exp_year, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workgroup_id) DO UPDATE SET card_token = excluded.card_token, card_brand = excluded.card_brand,
             card_last4 = excluded.card_last4, card_exp_month = excluded.card_exp_month, card_exp_year = excluded.card_exp_year,
             updated_at = now(), updated_by = excluded.updated_by",
        workgroup_id,
        token,
        card.brand,
        card.last4,
        card.exp_month,
        card.exp_year,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
