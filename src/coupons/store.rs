//! SQL for coupons. Reading or redeeming a coupon by its code sets
//! `app.coupon_code`, which the row-level security policies check: holding a
//! code is what lets another workgroup see that one coupon.

use super::{CouponCode, GeneratedCoupon, PackChoice};
use crate::server::db::Tx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Failed checks allowed per workgroup in the window.
pub const MAX_FAILURES: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i32 = 15;

pub struct NewCoupon<'a> {
    pub code: &'a CouponCode,
    pub label: &'a str,
    pub license_type: &'a str,
    pub count: i32,
    pub expires_at: DateTime<Utc>,
    pub source_workgroup_id: Option<Uuid>,
    pub source_pack_id: Option<Uuid>,
    pub notify_email: Option<&'a str>,
    pub created_by: Option<Uuid>,
}

pub async fn insert(tx: &mut Tx, c: NewCoupon<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO coupons (id, code, label, license_type, count, expires_at, source_workgroup_id, source_pack_id, notify_email, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        c.code.as_str(),
        c.label,
        c.license_type,
        c.count,
        c.expires_at,
        c.source_workgroup_id,
        c.source_pack_id,
        c.notify_email,
        c.created_by
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn hold(tx: &mut Tx, code: &CouponCode) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('app.coupon_code', $1, true)").bind(code.as_str()).execute(&mut **tx).await?;
    Ok(())
}

pub struct Found {
    pub id: Uuid,
    pub license_type: String,
    pub type_name: String,
    pub count: i32,
    pub expires_at: DateTime<Utc>,
    pub redeemed: bool,
    pub expired: bool,
}

pub async fn by_code(tx: &mut Tx, code: &CouponCode) -> Result<Option<Found>, sqlx::Error> {
    hold(tx, code).await?;
    sqlx::query_as!(
        Found,
        r#"SELECT c.id, c.license_type, t.name AS type_name, c.count, c.expires_at,
                  c.redeemed_at IS NOT NULL AS "redeemed!", c.expires_at <= now() AS "expired!"
             FROM coupons c JOIN license_types t ON t.code = c.license_type
            WHERE c.code = $1"#,
        code.as_str()
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Marks the coupon redeemed into this workgroup, once ever: None if it was
/// redeemed already (by anyone, even a moment ago) or has expired.
pub async fn redeem(tx: &mut Tx, code: &CouponCode, workgroup_id: Uuid) -> Result<Option<Found>, sqlx::Error> {
    hold(tx, code).await?;
    let redeemed = sqlx::query_scalar!(
        "UPDATE coupons SET redeemed_at = now(), redeemed_workgroup_id = $2
          WHERE code = $1 AND redeemed_at IS NULL AND expires_at > now()
          RETURNING id",
        code.as_str(),
        workgroup_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    match redeemed {
        Some(_) => by_code(tx, code).await,
        None => Ok(None),
    }
}

pub async fn set_redeemed_pack(tx: &mut Tx, code: &CouponCode, pack_id: Uuid) -> Result<(), sqlx::Error> {
    hold(tx, code).await?;
    sqlx::query!("UPDATE coupons SET redeemed_pack_id = $2 WHERE code = $1", code.as_str(), pack_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn generated(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<GeneratedCoupon>, sqlx::Error> {
    sqlx::query_as!(
        GeneratedCoupon,
        r#"SELECT c.id, c.label, t.name AS type_name, c.count, c.code, c.expires_at, c.created_at,
                  c.redeemed_at IS NOT NULL AS "redeemed!"
             FROM coupons c JOIN license_types t ON t.code = c.license_type
            WHERE c.source_workgroup_id = $1
            ORDER BY c.created_at DESC, c.id
            LIMIT 200"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn pack_choices(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<PackChoice>, sqlx::Error> {
    sqlx::query_as!(
        PackChoice,
        r#"SELECT p.id, t.name AS type_name, p.available, p.expires_at
             FROM license_packs p JOIN license_types t ON t.code = p.license_type
            WHERE p.workgroup_id = $1 AND p.available > 0 AND p.expires_at > now()
            ORDER BY t.position, p.expires_at"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn is_throttled(tx: &mut Tx, workgroup_id: Uuid) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM coupon_failures
            WHERE workgroup_id = $1 AND failed_at > now() - make_interval(mins => $2)"#,
        workgroup_id,
        FAILURE_WINDOW_MINUTES
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(n >= MAX_FAILURES)
}

pub async fn record_failures(tx: &mut Tx, workgroup_id: Uuid, n: usize) -> Result<(), sqlx::Error> {
    for _ in 0..n {
        sqlx::query!("INSERT INTO coupon_failures (workgroup_id) VALUES ($1)", workgroup_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
