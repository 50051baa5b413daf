//! Reading the feed and the bell; marking notifications read; telling
//! Administrators and Managers of licenses running out.

use crate::feed::{EventKind, FeedEntry, Notification, NotificationKind};
use crate::server::db::Tx;
use uuid::Uuid;

// ---- reading the feed ---------------------------------------------------------------

pub struct FeedFilter {
    pub kind: Option<EventKind>,
    pub customer_id: Option<Uuid>,
    pub before: Option<i64>,
    pub limit: i64,
}

/// Newest first; one more than `limit` is asked for, to know whether there is an older page.
pub async fn feed(tx: &mut Tx, workgroup_id: Uuid, f: &FeedFilter) -> Result<Vec<FeedEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, at, kind AS "kind: EventKind", summary, link FROM events
            WHERE workgroup_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR customer_id = $3)
              AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5"#,
        workgroup_id,
        f.kind.map(EventKind::as_str),
        f.customer_id,
        f.before,
        f.limit + 1
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| FeedEntry { id: r.id, at: r.at, kind: r.kind, summary: r.summary, link: r.link }).collect())
}

// ---- notifications ---------------------------------------------------------------------

/// What the bell counts: the agent's unread notifications from the current
/// workgroup, and invitations from anywhere.
pub async fn unread(tx: &mut Tx, agent_id: Uuid, workgroup_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM notifications
            WHERE agent_id = $1 AND read_at IS NULL AND (workgroup_id = $2 OR kind = 'invitation')"#,
        agent_id,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn notifications(tx: &mut Tx, agent_id: Uuid, workgroup_id: Uuid, limit: i64) -> Result<Vec<Notification>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, kind AS "kind: NotificationKind", summary, link, created_at, read_at IS NOT NULL AS "read!" FROM notifications
            WHERE agent_id = $1 AND (workgroup_id = $2 OR kind = 'invitation')
            ORDER BY id DESC LIMIT $3"#,
        agent_id,
        workgroup_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification { id: r.id, kind: r.kind, summary: r.summary, link: r.link, created_at: r.created_at, read: r.read })
        .collect())
}

/// Marks one of the agent's notifications read; answers where it leads
/// (None: not theirs, or no such notification).
pub async fn mark_read(tx: &mut Tx, agent_id: Uuid, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND agent_id = $2 RETURNING link",
        id,
        agent_id
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn mark_all_read(tx: &mut Tx, agent_id: Uuid, workgroup_id: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE notifications SET read_at = now()
          WHERE agent_id = $1 AND read_at IS NULL AND (workgroup_id = $2 OR kind = 'invitation')",
        agent_id,
        workgroup_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

// ---- licenses running out ---------------------------------------------------------------

/// The workgroups with packs running out that have not been told yet (a
/// SECURITY DEFINER function: ids only).
pub async fn expiring_workgroups(pool: &sqlx::PgPool, within_days: i32) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT w AS "w!" FROM expiring_pack_workgroups($1) AS w"#, within_days).fetch_all(pool).await
}

/// Tells this workgroup's Administrators and Managers about each pack that
/// runs out within `within_days`, once per pack. Answers how many were told.
pub async fn notify_expiring(tx: &mut Tx, workgroup_id: Uuid, within_days: i32) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        r#"WITH fresh AS (
               INSERT INTO license_expiry_notices (workgroup_id, pack_id)
               SELECT p.workgroup_id, p.id FROM license_packs p
                WHERE p.workgroup_id = $1 AND p.available > 0 AND p.expires_at > now()
                  AND p.expires_at <= now() + make_interval(days => $2)
               ON CONFLICT DO NOTHING
               RETURNING pack_id)
           INSERT INTO notifications (workgroup_id, agent_id, kind, summary, link, once_key)
           SELECT $1, m.agent_id, 'license_expiring',
                  p.available || ' ' || lt.name || CASE WHEN p.available = 1 THEN ' license expires' ELSE ' licenses expire' END
                    || ' on ' || to_char(p.expires_at AT TIME ZONE 'UTC', 'Mon FMDD, YYYY'),
                  '/settings/licenses', 'pack:' || p.id
             FROM fresh f
             JOIN license_packs p ON p.workgroup_id = $1 AND p.id = f.pack_id
             JOIN license_types lt ON lt.code = p.license_type
             JOIN memberships m ON m.workgroup_id = $1 AND m.role IN ('administrator', 'manager')"#,
        workgroup_id,
        within_days
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}
