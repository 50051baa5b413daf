//! SQL for license packs and the security log. Counts change only by
//! inserting log rows (a trigger applies them; the app role cannot update a
//! pack), and a check constraint keeps every count at zero or more.

use super::{LicenseType, LogAction, LogEntry, Pack, PACK_LIFETIME_DAYS};
use crate::server::db::Tx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub async fn types(tx: &mut Tx) -> Result<Vec<LicenseType>, sqlx::Error> {
    let rows = sqlx::query!("SELECT code, name, unit_price_cents, per_user FROM license_types ORDER BY position")
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| LicenseType { code: r.code, name: r.name, unit_price_cents: Some(r.unit_price_cents), per_user: r.per_user })
        .collect())
}

pub async fn type_exists(tx: &mut Tx, code: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM license_types WHERE code = $1) AS "e!""#, code)
        .fetch_one(&mut **tx)
        .await
}

/// The most packs the Licenses tab lists: the ones still holding licenses
/// first, then the newest. `total` says how many the workgroup has.
pub const PACKS_SHOWN: i64 = 500;

pub async fn packs(tx: &mut Tx, workgroup_id: Uuid) -> Result<(Vec<Pack>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.license_type, t.name AS type_name, p.source, p.acquired_at, p.expires_at,
                  p.available, p.reserved, p.consumed, p.expires_at <= now() AS "expired!",
                  count(*) OVER () AS "total!"
             FROM license_packs p JOIN license_types t ON t.code = p.license_type
            WHERE p.workgroup_id = $1
            ORDER BY (p.expires_at <= now() OR p.available + p.reserved = 0), p.acquired_at DESC, p.id
            LIMIT $2"#,
        workgroup_id,
        PACKS_SHOWN
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let packs = rows
        .into_iter()
        .map(|r| Pack {
            id: r.id,
            license_type: r.license_type,
            type_name: r.type_name,
            source: r.source,
            acquired_at: r.acquired_at,
            expires_at: r.expires_at,
            available: r.available,
            reserved: r.reserved,
            consumed: r.consumed,
            expired: r.expired,
        })
        .collect();
    Ok((packs, total))
}

/// One change of a pack's counts, written to the log (which applies it).
pub struct Change {
    pub action: LogAction,
    pub available: i32,
    pub reserved: i32,
    pub consumed: i32,
}

impl Change {
    pub fn acquired(n: i32) -> Self { Change { action: LogAction::Acquired, available: n, reserved: 0, consumed: 0 } }
    pub fn reserved() -> Self { Change { action: LogAction::Reserved, available: -1, reserved: 1, consumed: 0 } }
    pub fn consumed() -> Self { Change { action: LogAction::Consumed, available: 0, reserved: -1, consumed: 1 } }
    pub fn restored() -> Self { Change { action: LogAction::Restored, available: 1, reserved: -1, consumed: 0 } }
    pub fn moved_to_coupon(n: i32) -> Self { Change { action: LogAction::MovedToCoupon, available: -n, reserved: 0, consumed: 0 } }
    pub fn refunded(n: i32) -> Self { Change { action: LogAction::Refunded, available: -n, reserved: 0, consumed: 0 } }
    pub fn expired(n: i32) -> Self { Change { action: LogAction::Expired, available: -n, reserved: 0, consumed: 0 } }
    pub fn retry_free() -> Self { Change { action: LogAction::RetryFree, available: 0, reserved: 0, consumed: 0 } }
}

pub async fn record(
    tx: &mut Tx,
    workgroup_id: Uuid,
    pack_id: Uuid,
    change: Change,
    agent_id: Option<Uuid>,
    reference: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO license_log (workgroup_id, pack_id, action, available_delta, reserved_delta, consumed_delta, agent_id, reference)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        workgroup_id,
        pack_id,
        change.action.as_str(),
        change.available,
        change.reserved,
        change.consumed,
        agent_id,
        reference
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Creates a pack of `count` licenses (from a purchase or a coupon).
#[allow(clippy::too_many_arguments)]
pub async fn acquire(
    tx: &mut Tx,
    workgroup_id: Uuid,
    license_type: &str,
    source: &str,
    count: i32,
    expires_at: Option<DateTime<Utc>>,
    coupon_id: Option<Uuid>,
    agent_id: Option<Uuid>,
) -> Result<Uuid, sqlx::Error> {
    let reference = coupon_id.map(|c| format!("coupon {c}"));
    acquire_with_reference(tx, workgroup_id, license_type, source, count, expires_at, coupon_id, agent_id, reference.as_deref()).await
}

/// `acquire`, with the log's reference given (such as the order that bought the pack).
#[allow(clippy::too_many_arguments)]
pub async fn acquire_with_reference(
    tx: &mut Tx,
    workgroup_id: Uuid,
    license_type: &str,
    source: &str,
    count: i32,
    expires_at: Option<DateTime<Utc>>,
    coupon_id: Option<Uuid>,
    agent_id: Option<Uuid>,
    reference: Option<&str>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let expires_at = expires_at.unwrap_or_else(|| Utc::now() + chrono::Duration::days(PACK_LIFETIME_DAYS));
    sqlx::query!(
        "INSERT INTO license_packs (id, workgroup_id, license_type, source, expires_at, coupon_id) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        workgroup_id,
        license_type,
        source,
        expires_at,
        coupon_id
    )
    .execute(&mut **tx)
    .await?;
    record(tx, workgroup_id, id, Change::acquired(count), agent_id, reference).await?;
    Ok(id)
}

/// A pack of this workgroup, locked for a change. None if not in reach.
pub struct LockedPack {
    pub id: Uuid,
    pub license_type: String,
    pub available: i32,
    pub expires_at: DateTime<Utc>,
    pub expired: bool,
}

pub async fn lock(tx: &mut Tx, workgroup_id: Uuid, pack_id: Uuid) -> Result<Option<LockedPack>, sqlx::Error> {
    sqlx::query_as!(
        LockedPack,
        r#"SELECT id, license_type, available, expires_at, expires_at <= now() AS "expired!"
             FROM license_packs WHERE workgroup_id = $1 AND id = $2 FOR UPDATE"#,
        workgroup_id,
        pack_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// A pack's counts (available, reserved, consumed), locked for a change.
pub async fn lock_counts(tx: &mut Tx, workgroup_id: Uuid, pack_id: Uuid) -> Result<Option<(i32, i32, i32)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT available, reserved, consumed FROM license_packs WHERE workgroup_id = $1 AND id = $2 FOR UPDATE",
        workgroup_id,
        pack_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| (r.available, r.reserved, r.consumed)))
}

/// Reserves one license of the type from the earliest-expiring usable pack.
/// None when there is none.
pub async fn reserve(
    tx: &mut Tx,
    workgroup_id: Uuid,
    license_type: &str,
    agent_id: Option<Uuid>,
    reference: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let pack = sqlx::query_scalar!(
        "SELECT id FROM license_packs
          WHERE workgroup_id = $1 AND license_type = $2 AND available > 0 AND expires_at > now()
          ORDER BY expires_at, acquired_at LIMIT 1 FOR UPDATE",
        workgroup_id,
        license_type
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(pack_id) = pack {
        record(tx, workgroup_id, pack_id, Change::reserved(), agent_id, Some(reference)).await?;
    }
    Ok(pack)
}

pub async fn consume(tx: &mut Tx, workgroup_id: Uuid, pack_id: Uuid, agent_id: Option<Uuid>, reference: &str) -> Result<(), sqlx::Error> {
    record(tx, workgroup_id, pack_id, Change::consumed(), agent_id, Some(reference)).await
}

pub async fn restore(tx: &mut Tx, workgroup_id: Uuid, pack_id: Uuid, agent_id: Option<Uuid>, reference: &str) -> Result<(), sqlx::Error> {
    record(tx, workgroup_id, pack_id, Change::restored(), agent_id, Some(reference)).await
}

/// A "retry errors" pass after a completed run: logged, costs nothing.
pub async fn retry_free(tx: &mut Tx, workgroup_id: Uuid, pack_id: Uuid, agent_id: Option<Uuid>, reference: &str) -> Result<(), sqlx::Error> {
    record(tx, workgroup_id, pack_id, Change::retry_free(), agent_id, Some(reference)).await
}

/// Writes off what expired packs still hold, so expired licenses are never
/// used and the log says when they went.
pub async fn expire_due(tx: &mut Tx, workgroup_id: Uuid) -> Result<(), sqlx::Error> {
    let due = sqlx::query!(
        "SELECT id, available FROM license_packs
          WHERE workgroup_id = $1 AND expires_at <= now() AND available > 0 FOR UPDATE",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    for pack in due {
        record(tx, workgroup_id, pack.id, Change::expired(pack.available), None, Some("expiry")).await?;
    }
    Ok(())
}

/// The counts the log adds up to, per pack, for comparing with the packs.
pub async fn replay(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<(Uuid, i64, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT pack_id, sum(available_delta) AS "available!", sum(reserved_delta) AS "reserved!",
                  sum(consumed_delta) AS "consumed!"
             FROM license_log WHERE workgroup_id = $1 GROUP BY pack_id ORDER BY pack_id"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.pack_id, r.available, r.reserved, r.consumed)).collect())
}

pub struct LogFilter {
    pub license_type: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

pub async fn log(tx: &mut Tx, workgroup_id: Uuid, filter: &LogFilter) -> Result<Vec<LogEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT l.at, t.name AS type_name, l.pack_id, l.action AS "action: LogAction", l.available_delta, l.reserved_delta, l.consumed_delta,
                  a.name AS "agent_name?", l.reference
             FROM license_log l
             JOIN license_packs p ON p.workgroup_id = l.workgroup_id AND p.id = l.pack_id
             JOIN license_types t ON t.code = p.license_type
             LEFT JOIN agents a ON a.id = l.agent_id
            WHERE l.workgroup_id = $1
              AND ($2::text IS NULL OR p.license_type = $2)
              AND ($3::timestamptz IS NULL OR l.at >= $3)
              AND ($4::timestamptz IS NULL OR l.at < $4)
            ORDER BY l.at DESC, l.id DESC
            LIMIT 500"#,
        workgroup_id,
        filter.license_type,
        filter.from,
        filter.until
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntry {
            at: r.at,
            type_name: r.type_name,
            pack_id: r.pack_id,
            action: r.action,
            available_delta: r.available_delta,
            reserved_delta: r.reserved_delta,
            consumed_delta: r.consumed_delta,
            agent_name: r.agent_name,
            reference: r.reference,
        })
        .collect())
}
