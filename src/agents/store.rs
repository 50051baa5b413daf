//! SQL for members and invitations.

use super::{Invitation, InvitationStatus, Member};
use crate::server::db::Tx;
use crate::workgroups::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub async fn members(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.agent_id, m.display_name, a.email, m.role AS "role: Role", m.hourly_rate_cents, m.joined_at
             FROM memberships m JOIN agents a ON a.id = m.agent_id
            WHERE m.workgroup_id = $1
            ORDER BY m.role = 'inactive', lower(m.display_name), a.email"#,
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Member {
            agent_id: r.agent_id,
            name: r.display_name,
            email: r.email,
            role: r.role,
            hourly_rate_cents: r.hourly_rate_cents,
            joined_at: r.joined_at,
            plan: None,
        })
        .collect())
}

/// Locks the workgroup's memberships against concurrent role changes (so two
/// Administrators cannot demote each other at once) and returns the member's role.
pub async fn lock_member(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query!("SELECT id FROM workgroups WHERE id = $1 FOR UPDATE", workgroup_id)
        .fetch_optional(&mut **tx)
        .await?;
    crate::workgroups::store::role_of(tx, workgroup_id, agent_id).await
}

pub async fn count_administrators(tx: &mut Tx, workgroup_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM memberships WHERE workgroup_id = $1 AND role = 'administrator'"#,
        workgroup_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_member(
    tx: &mut Tx,
    workgroup_id: Uuid,
    agent_id: Uuid,
    role: Role,
    hourly_rate_cents: Option<i64>,
    display_name: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE memberships SET role = $3, hourly_rate_cents = $4, display_name = coalesce($5, display_name)
          WHERE workgroup_id = $1 AND agent_id = $2",
        workgroup_id,
        agent_id,
        role.as_str(),
        hourly_rate_cents,
        display_name
    )
    .execute(&mut **tx)
    .await?;
    if role == Role::Inactive {
        // An inactive agent works on nothing: out of every team here.
        sqlx::query!("DELETE FROM team_members WHERE workgroup_id = $1 AND agent_id = $2", workgroup_id, agent_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Whether this email belongs to an active member of the workgroup.
pub async fn is_active_member_email(tx: &mut Tx, workgroup_id: Uuid, email: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM memberships m JOIN agents a ON a.id = m.agent_id
                           WHERE m.workgroup_id = $1 AND lower(a.email) = lower($2) AND m.role <> 'inactive') AS "exists!""#,
        workgroup_id,
        email
    )
    .fetch_one(&mut **tx)
    .await
}

pub struct NewInvitation<'a> {
    pub workgroup_id: Uuid,
    pub email: &'a str,
    pub role: Role,
    /// The SHA-256 of the link's token (see `server::tokens`).
    pub token_hash: &'a str,
    pub invited_by: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// Records an invitation. An earlier open one for the same email that has
/// expired is closed first; one still open makes this return false.
pub async fn insert_invitation(tx: &mut Tx, new: NewInvitation<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "UPDATE invitations SET revoked_at = now()
          WHERE workgroup_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at <= now()",
        new.workgroup_id,
        new.email
    )
    .execute(&mut **tx)
    .await?;
    let inserted = sqlx::query!(
        "INSERT INTO invitations (id, workgroup_id, email, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workgroup_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL DO NOTHING",
        Uuid::new_v4(),
        new.workgroup_id,
        new.email,
        new.role.as_str(),
        new.token_hash,
        new.invited_by,
        new.expires_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

fn status(accepted: bool, revoked: bool, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> InvitationStatus {
    if accepted {
        InvitationStatus::Accepted
    } else if revoked {
        InvitationStatus::Revoked
    } else if expires_at <= now {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

/// The workgroup's invitations, newest first. Without `with_administrators`
/// (a Manager looking), invitations for the Administrator role are left out.
pub async fn invitations(tx: &mut Tx, workgroup_id: Uuid, with_administrators: bool) -> Result<Vec<Invitation>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.email, i.role AS "role: Role", a.name AS invited_by, i.sent_at, i.expires_at,
                  i.accepted_at IS NOT NULL AS "accepted!", i.revoked_at IS NOT NULL AS "revoked!", now() AS "now!"
             FROM invitations i JOIN agents a ON a.id = i.invited_by
            WHERE i.workgroup_id = $1 AND ($2 OR i.role <> 'administrator')
            ORDER BY i.created_at DESC
            LIMIT 200"#,
        workgroup_id,
        with_administrators
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Invitation {
            id: r.id,
            email: r.email,
            role: r.role,
            invited_by: r.invited_by,
            sent_at: r.sent_at,
            expires_at: r.expires_at,
            status: status(r.accepted, r.revoked, r.expires_at, r.now),
        })
        .collect())
}

pub fn invitation_link(base_url: &str, token: &str) -> String {
    format!("{}/invitations/{token}", base_url.trim_end_matches('/'))
}

/// Revokes an open invitation; false if there is none by this id that the
/// actor may see (Managers never see those for Administrators).
pub async fn revoke_invitation(tx: &mut Tx, workgroup_id: Uuid, id: Uuid, with_administrators: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE invitations SET revoked_at = now()
          WHERE workgroup_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
            AND ($3 OR role <> 'administrator')",
        workgroup_id,
        id,
        with_administrators
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An invitation made anew for Resend.
pub struct Resent {
    pub email: String,
    pub role: Role,
}

/// Gives an open (pending or expired) invitation a new token and a new
/// validity: the old link stops working. None if there is no such invitation
/// the actor may see.
pub async fn renew_invitation(
    tx: &mut Tx,
    workgroup_id: Uuid,
    id: Uuid,
    with_administrators: bool,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<Option<Resent>, sqlx::Error> {
    let row = sqlx::query!(
        r#"UPDATE invitations SET token_hash = $4, expires_at = $5, sent_at = now()
          WHERE workgroup_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
            AND ($3 OR role <> 'administrator')
          RETURNING email, role AS "role: Role""#,
        workgroup_id,
        id,
        with_administrators,
        token_hash,
        expires_at
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| Resent { email: r.email, role: r.role }))
}

/// An invitation found by its token (the transaction may read just that one).
pub struct ByToken {
    pub id: Uuid,
    pub workgroup_id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub expires_at: DateTime<Utc>,
    pub status: InvitationStatus,
}

/// The token as it came in a link; only its hash is looked up.
pub async fn by_token(tx: &mut Tx, token: &str) -> Result<Option<ByToken>, sqlx::Error> {
    let token_hash = crate::server::tokens::hash(token);
    sqlx::query("SELECT set_config('app.invitation_token_hash', $1, true)")
        .bind(&token_hash)
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query!(
        r#"SELECT i.id, i.workgroup_id, i.email, i.role AS "role: Role", a.name AS invited_by, i.expires_at,
                  i.accepted_at IS NOT NULL AS "accepted!", i.revoked_at IS NOT NULL AS "revoked!", now() AS "now!"
             FROM invitations i JOIN agents a ON a.id = i.invited_by
            WHERE i.token_hash = $1"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| {
        ByToken {
            id: r.id,
            workgroup_id: r.workgroup_id,
            email: r.email,
            role: r.role,
            invited_by: r.invited_by,
            expires_at: r.expires_at,
            status: status(r.accepted, r.revoked, r.expires_at, r.now),
        }
    }))
}

/// Marks the invitation used, once: false if it was accepted, revoked or
/// expired in the meantime. The transaction must be in its workgroup.
pub async fn mark_accepted(tx: &mut Tx, id: Uuid, agent_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE invitations SET accepted_at = now(), accepted_by = $2
          WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()",
        id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds the agent to the workgroup, or brings an inactive membership back,
/// with the given role. False if already an active member.
pub async fn join(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, display_name: &str, role: Role) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO memberships (workgroup_id, agent_id, role, display_name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workgroup_id, agent_id) DO UPDATE SET role = excluded.role, joined_at = now()
           WHERE memberships.role = 'inactive'",
        workgroup_id,
        agent_id,
        role.as_str(),
        display_name
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
