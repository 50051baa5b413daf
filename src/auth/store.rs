//! SQL for agents and sign-in throttling. Agents are global (not in a
//! workgroup); everything they see inside one goes through memberships.

use crate::server::db::Tx;
use uuid::Uuid;

/// Failed sign-ins allowed per email, and per address, in the window.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub struct Credentials {
    pub id: Uuid,
    pub password_hash: String,
}

pub async fn insert_agent(tx: &mut Tx, name: &str, email: &str, password_hash: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO agents (id, name, email, password_hash) VALUES ($1, $2, $3, $4)",
        id,
        name,
        email,
        password_hash
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn credentials(tx: &mut Tx, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as!(Credentials, "SELECT id, password_hash FROM agents WHERE lower(email) = lower($1)", email)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn agent_name(tx: &mut Tx, agent_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM agents WHERE id = $1", agent_id)
        .fetch_optional(&mut **tx)
        .await
}

pub struct Profile {
    pub name: String,
    pub email: String,
    /// Whether the agent has proved they read mail at `email`.
    pub verified: bool,
}

pub async fn agent_profile(tx: &mut Tx, agent_id: Uuid) -> Result<Option<(String, String)>, sqlx::Error> {
    Ok(profile(tx, agent_id).await?.map(|p| (p.name, p.email)))
}

pub async fn profile(tx: &mut Tx, agent_id: Uuid) -> Result<Option<Profile>, sqlx::Error> {
    sqlx::query_as!(
        Profile,
        r#"SELECT name, email, email_verified_at IS NOT NULL AS "verified!" FROM agents WHERE id = $1"#,
        agent_id
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Takes one sign-in attempt for this email from this address, or `false`
/// when sign-ins for either are paused. The attempt counts as a failure
/// until `clear_failures` forgets it (the password was right). Attempts on
/// one email, and from one address, are taken one at a time (transaction
/// advisory locks, always email first), so parallel guesses cannot all slip
/// under the limit: 40 at once get at most 5 answers about the password.
pub async fn take_sign_in_attempt(tx: &mut Tx, email: &str, address: &str) -> Result<bool, sqlx::Error> {
    lock(tx, "sign-in email", &email.to_lowercase()).await?;
    lock(tx, "sign-in address", address).await?;
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM login_failures
               WHERE lower(email) = lower($1) AND failed_at > now() - make_interval(mins => $3::int)) AS "by_email!",
             (SELECT count(*) FROM login_failures
               WHERE address = $2 AND failed_at > now() - make_interval(mins => $3::int)) AS "by_address!""#,
        email,
        address,
        FAILURE_WINDOW_MINUTES as i32
    )
    .fetch_one(&mut **tx)
    .await?;
    if row.by_email >= MAX_FAILURES_PER_EMAIL || row.by_address >= MAX_FAILURES_PER_ADDRESS {
        return Ok(false);
    }
    sqlx::query!("INSERT INTO login_failures (email, address) VALUES ($1, $2)", email, address)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Sign-ups allowed per client address in the window (`TANDEM_SIGN_UPS_PER_HOUR`).
pub const SIGN_UP_WINDOW_MINUTES: i64 = 60;

/// Takes one sign-up for this client address, or `false` when it has had
/// `limit` in the last hour. Taken one at a time per address, like sign-ins.
pub async fn take_sign_up_attempt(tx: &mut Tx, address: &str, limit: u32) -> Result<bool, sqlx::Error> {
    lock(tx, "sign-up address", address).await?;
    let taken = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM sign_up_attempts
            WHERE address = $1 AND taken_at > now() - make_interval(mins => $2::int)"#,
        address,
        SIGN_UP_WINDOW_MINUTES as i32
    )
    .fetch_one(&mut **tx)
    .await?;
    if taken >= i64::from(limit) {
        return Ok(false);
    }
    sqlx::query!("INSERT INTO sign_up_attempts (address) VALUES ($1)", address).execute(&mut **tx).await?;
    Ok(true)
}

/// Holds a transaction-scoped advisory lock on `key` within `scope`.
async fn lock(tx: &mut Tx, scope: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))", scope, key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn clear_failures(tx: &mut Tx, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_failures WHERE lower(email) = lower($1)", email)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Housekeeping: forgets failures and sign-ups older than their windows.
pub async fn prune_failures(pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM login_failures WHERE failed_at < now() - make_interval(mins => $1::int)",
        FAILURE_WINDOW_MINUTES as i32
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "DELETE FROM sign_up_attempts WHERE taken_at < now() - make_interval(mins => $1::int)",
        SIGN_UP_WINDOW_MINUTES as i32
    )
    .execute(pool)
    .await?;
    Ok(())
}

// ---- email verification -----------------------------------------------------------

/// Verification links work for this long.
pub const VERIFICATION_HOURS: i64 = 24;

/// Replaces the agent's verification link with a new one (the old stops working).
/// The transaction must act as the agent.
pub async fn new_verification(tx: &mut Tx, agent_id: Uuid, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM email_verifications WHERE agent_id = $1", agent_id).execute(&mut **tx).await?;
    sqlx::query!(
        "INSERT INTO email_verifications (token_hash, agent_id, expires_at)
         VALUES ($1, $2, now() + make_interval(hours => $3::int))",
        token_hash,
        agent_id,
        VERIFICATION_HOURS as i32
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub enum Verified {
    /// The agent whose address it proved.
    Done(Uuid),
    Expired,
    Unknown,
}

/// Uses a verification link: marks the agent's address verified and forgets
/// their links. Anyone holding the link may use it (signed in or not).
pub async fn verify(tx: &mut Tx, token_hash: &str) -> Result<Verified, sqlx::Error> {
    sqlx::query("SELECT set_config('app.verification_token_hash', $1, true)")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query!(
        r#"SELECT agent_id, expires_at > now() AS "live!" FROM email_verifications WHERE token_hash = $1"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(Verified::Unknown) };
    if !row.live {
        return Ok(Verified::Expired);
    }
    sqlx::query!("UPDATE agents SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1", row.agent_id)
        .execute(&mut **tx)
        .await?;
    crate::server::db::set_agent(tx, row.agent_id).await?;
    sqlx::query!("DELETE FROM email_verifications WHERE agent_id = $1", row.agent_id).execute(&mut **tx).await?;
    Ok(Verified::Done(row.agent_id))
}
