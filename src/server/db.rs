//! The database: the owner's connection for migrations, the app's pool that
//! runs every query as `tandem_app`, and tenant transactions.

use anyhow::{bail, Context};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgPool, Postgres, Transaction};
use std::str::FromStr;
use uuid::Uuid;

/// The role every application query runs as: it owns no table, is no
/// superuser and cannot bypass row-level security.
pub const APP_ROLE: &str = "tandem_app"; // also spelled out in the SQL below

/// Raised by the `memberships` trigger when an agent would get an 11th active membership.
pub const MEMBERSHIP_LIMIT_SQLSTATE: &str = "TD001";

pub type Tx = Transaction<'static, Postgres>;

pub fn parse_url(url: &str) -> anyhow::Result<PgConnectOptions> {
    PgConnectOptions::from_str(url).context("DATABASE_URL is not a valid PostgreSQL URL")
}

/// Creates the app role (a cluster-wide object, so not in a migration that
/// runs once per database), then applies the migrations as the owner.
pub async fn migrate(owner: &PgConnectOptions) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect_with(owner).await.context("connecting to PostgreSQL")?;
    // Several databases of one cluster may be set up at once (the tests do):
    // the role statements tolerate each other.
    const ROLE_SQL: &str = "DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_app') THEN
             CREATE ROLE tandem_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
           END IF;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
         END $$";
    const GRANT_SQL: &str = "DO $$ BEGIN
           IF NOT pg_has_role(current_user, 'tandem_app', 'MEMBER') THEN
             EXECUTE format('GRANT tandem_app TO %I', current_user);
           END IF;
         EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL;
         END $$";
    for attempt in 0..5 {
        let result = async {
            conn.execute(ROLE_SQL).await?;
            conn.execute(GRANT_SQL).await
        }
        .await;
        match result {
            Ok(_) => break,
            Err(e) if attempt < 4 => {
                tracing::debug!(error = %e, "retrying the app role set-up");
                tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
            }
            Err(e) => return Err(e).context("creating the app role"),
        }
    }
    sqlx::migrate!("./migrations").run(&mut conn).await.context("applying migrations")?;
    conn.close().await?;
    Ok(())
}

/// The pool the app queries with: each connection switches to the app role
/// as soon as it opens.
pub async fn app_pool(owner: &PgConnectOptions, max_connections: u32) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("SET ROLE tandem_app").await?;
                Ok(())
            })
        })
        .connect_with(owner.clone())
        .await
        .context("connecting the app pool")?;
    verify_app_role(&pool).await?;
    Ok(pool)
}

/// Refuses to serve if the app's queries could see past row-level security.
pub async fn verify_app_role(pool: &PgPool) -> anyhow::Result<()> {
    let row: (String, bool, bool, i64) = sqlx::query_as(
        "SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
         FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(pool)
    .await?;
    let (user, is_super, bypass, owned) = row;
    if user != APP_ROLE || is_super || bypass || owned > 0 {
        bail!(
            "refusing to serve: queries run as {user:?} (superuser: {is_super}, bypasses RLS: {bypass}, owns {owned} tables); \
             they must run as {APP_ROLE}, which may do none of these"
        );
    }
    let unforced: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
         WHERE a.attname = 'workgroup_id' AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
    )
    .fetch_all(pool)
    .await?;
    if !unforced.is_empty() {
        bail!("refusing to serve: tenant tables without forced row-level security: {}", unforced.join(", "));
    }
    Ok(())
}

/// Who a transaction acts for: the row-level security policies read these.
#[derive(Debug, Clone, Copy)]
pub struct Tenant {
    pub agent_id: Option<Uuid>,
    pub workgroup_id: Option<Uuid>,
}

/// Begins a transaction scoped to one workgroup (and agent): the settings
/// live only as long as the transaction, so a pooled connection never carries
/// one request's tenant into the next.
pub async fn begin_for(pool: &PgPool, tenant: Tenant) -> Result<Tx, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "SELECT set_config('app.workgroup_id', coalesce($1::text, ''), true),
                set_config('app.agent_id', coalesce($2::text, ''), true)",
    )
    .bind(tenant.workgroup_id)
    .bind(tenant.agent_id)
    .execute(&mut *tx)
    .await?;
    Ok(tx)
}

/// Points an open tenant transaction at another workgroup (used when a
/// transaction creates a workgroup and must then write inside it).
pub async fn set_workgroup(tx: &mut Tx, workgroup_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('app.workgroup_id', $1::text, true)")
        .bind(workgroup_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Names the agent a transaction acts for (after sign-up creates them).
pub async fn set_agent(tx: &mut Tx, agent_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('app.agent_id', $1::text, true)")
        .bind(agent_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
