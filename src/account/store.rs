//! SQL for the Account page: the agent's name and password, and their
//! sessions (rows of the tower-sessions table, which name their agent).

use crate::server::db::Tx;
use uuid::Uuid;

pub async fn password_hash(tx: &mut Tx, agent_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT password_hash FROM agents WHERE id = $1", agent_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn set_password(tx: &mut Tx, agent_id: Uuid, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE agents SET password_hash = $2 WHERE id = $1", agent_id, password_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_name(tx: &mut Tx, agent_id: Uuid, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE agents SET name = $2 WHERE id = $1", agent_id, name).execute(&mut **tx).await?;
    Ok(())
}

pub struct SessionRow {
    pub id: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

/// The agent's live sessions, most recently used first.
pub async fn sessions_of(tx: &mut Tx, agent_id: Uuid) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT id, data->>'address' AS address, data->>'user_agent' AS user_agent, created_at, last_seen_at
             FROM sessions WHERE agent_id = $1 AND expires_at > now()
            ORDER BY last_seen_at DESC, created_at DESC
            LIMIT 100"#,
        agent_id
    )
    .fetch_all(&mut **tx)
    .await
}

/// Ends every session of the agent but `keep`; returns how many ended.
pub async fn end_other_sessions(tx: &mut Tx, agent_id: Uuid, keep: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM sessions WHERE agent_id = $1 AND id <> $2", agent_id, keep)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}
