//! tower-sessions backed by the `sessions` table, so any app process can
//! serve any request. Each row names its agent (from the session's data), so
//! the Account page can list an agent's sessions and end the others.

use async_trait::async_trait;
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The agent a session's data names, if signed in.
fn agent_of(record: &Record) -> Option<uuid::Uuid> {
    record.data.get(crate::server::context::AGENT_KEY)?.as_str()?.parse().ok()
}

/// How stale `last_seen_at` may get before a request refreshes it: a write
/// per session every few minutes, not one per request.
const SEEN_EVERY_MINUTES: i32 = 5;

fn expiry(record: &Record) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_default()
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data).map_err(backend)?;
        // Ids are 128 random bits; on the rare collision, draw again.
        loop {
            let inserted = sqlx::query!(
                "INSERT INTO sessions (id, data, expires_at, agent_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
                record.id.to_string(),
                data,
                expiry(record),
                agent_of(record),
            )
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates a session that still exists, never brings one back: a request
    /// that was in flight when its session was ended elsewhere ("Sign out
    /// everywhere else", a password change) must not revive it when it saves.
    /// New sessions (and cycled ids) go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data).map_err(backend)?;
        sqlx::query!(
            "UPDATE sessions SET data = $2, expires_at = $3, agent_id = $4, last_seen_at = now() WHERE id = $1",
            record.id.to_string(),
            data,
            expiry(record),
            agent_of(record),
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query!(
            r#"SELECT data, expires_at, last_seen_at < now() - make_interval(mins => $2::int) AS "stale!"
                 FROM sessions WHERE id = $1 AND expires_at > now()"#,
            id.to_string(),
            SEEN_EVERY_MINUTES
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        if row.stale {
            sqlx::query!("UPDATE sessions SET last_seen_at = now() WHERE id = $1", id.to_string())
                .execute(&self.pool)
                .await
                .map_err(backend)?;
        }
        let data = serde_json::from_value(row.data).map_err(backend)?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp()).map_err(backend)?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("DELETE FROM sessions WHERE id = $1", id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query!("DELETE FROM sessions WHERE expires_at <= now()")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
