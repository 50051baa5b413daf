//! The database: the owner's connection for migrations, the app's pool that
//! runs every query as `tandem_app`, and tenant transactions.

use anyhow::{bail, Context};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgPool, Postgres, Transaction};
use std::str::FromStr;
use uuid::Uuid;

/// The role every application query runs as, logged in as itself: it owns
/// no table, is no superuser, cannot bypass row-level security and is a
/// member of no role it could `SET ROLE` to.
pub const APP_ROLE: &str = "tandem_app"; // also spelled out in the SQL below
/// The role the mail sender logs in as: it reads and marks the outbox only.
pub const MAIL_ROLE: &str = "tandem_mail";

/// The password `role` logs in with. Tandem sets it itself at every start
/// (the owner may), derived from `DATABASE_URL` (or `TANDEM_APP_PASSWORD`
/// when set), so every app process of one installation computes the same
/// one and nobody has to configure it. The embedded cluster admits its own
/// socket's users without one.
fn login_password(role: &str) -> String {
    use sha2::{Digest, Sha256};
    let secret = std::env::var("TANDEM_APP_PASSWORD")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_default();
    let digest = Sha256::digest(format!("tandem login\0{role}\0{secret}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The owner's connection options, logging in as `role` instead.
fn login_as(owner: &PgConnectOptions, role: &str) -> PgConnectOptions {
    owner.clone().username(role).password(&login_password(role))
}

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
             CREATE ROLE tandem_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
           END IF;
           IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_mail') THEN
             CREATE ROLE tandem_mail LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
           END IF;
           -- Installations from before the app logged in as itself.
           IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tandem_app') THEN
             ALTER ROLE tandem_app LOGIN;
           END IF;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
         END $$";
    const GRANT_SQL: &str = "DO $$ BEGIN
           IF NOT pg_has_role(current_user, 'tandem_app', 'MEMBER') THEN
             EXECUTE format('GRANT tandem_app TO %I', current_user);
           END IF;
         EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL;
         END $$";
    for attempt in 0..10 {
        let result = async {
            conn.execute(ROLE_SQL).await?;
            conn.execute(GRANT_SQL).await
        }
        .await;
        match result {
            Ok(_) => break,
            Err(e) if attempt < 9 => {
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

/// The pool the app queries with, logged in as the app role itself (so no
/// query can `RESET ROLE` into the owner).
pub async fn app_pool(owner: &PgConnectOptions, max_connections: u32) -> anyhow::Result<PgPool> {
    let pool = login_pool(owner, APP_ROLE, max_connections).await?;
    verify_app_role(&pool).await?;
    Ok(pool)
}

/// The mail sender's connection (and `tandem mail outbox`'s).
pub async fn mail_pool(owner: &PgConnectOptions) -> anyhow::Result<PgPool> {
    login_pool(owner, MAIL_ROLE, 1).await
}

/// A pool logged in as `role`. When the server refuses the login (the role
/// has no password yet, or another), the owner sets the derived one and the
/// login is tried again; a server that trusts its socket never gets there.
async fn login_pool(owner: &PgConnectOptions, role: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let options = || PgPoolOptions::new().max_connections(max_connections).acquire_timeout(std::time::Duration::from_secs(10));
    let first = options().connect_with(login_as(owner, role)).await;
    let refused = |e: &sqlx::Error| e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "28P01" || c == "28000");
    match first {
        Ok(pool) => Ok(pool),
        Err(e) if refused(&e) => {
            let mut conn = sqlx::PgConnection::connect_with(owner).await.context("connecting to PostgreSQL")?;
            // A hex digest: nothing to quote.
            let sql = format!("ALTER ROLE {role} WITH LOGIN PASSWORD '{}'", login_password(role));
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.with_context(|| format!("setting {role}'s password"))?;
            conn.close().await?;
            options()
                .connect_with(login_as(owner, role))
                .await
                .with_context(|| format!("logging in as {role} (see Configuration in README.md)"))
        }
        Err(e) => Err(e).with_context(|| format!("logging in as {role} (see Configuration in README.md)")),
    }
}

/// A small pool logged in as the owner, for operator commands that act
/// across workgroups (row-level security binds the owner too, unless a
/// superuser; the policies name the owner where it may).
pub async fn owner_pool(owner: &PgConnectOptions) -> anyhow::Result<PgPool> {
    PgPoolOptions::new().max_connections(1).connect_with(owner.clone()).await.context("connecting as the owner")
}

/// Columns the app role may UPDATE, per table; `*` is every column. Start-up
/// refuses to serve if the database grants more.
const UPDATABLE: &[(&str, &[&str])] = &[
    ("agents", &["name", "password_hash", "email_verified_at"]),
    ("coupons", &["redeemed_at", "redeemed_workgroup_id", "redeemed_pack_id"]),
    ("subscription_packs", &["refunded_at"]),
    ("workgroups", &["name", "default_cost_cents"]),
    ("license_packs", &["changed_at"]),
    ("notifications", &["read_at"]),
    ("team_members", &["last_assigned_at"]),
    ("memberships", &["*"]),
    ("sessions", &["*"]),
    ("invitations", &["*"]),
    ("mail_outbox", &["*"]),
    ("teams", &["*"]),
    ("carts", &["*"]),
    ("cart_items", &["*"]),
    ("seat_assignments", &["*"]),
    ("billing_info", &["*"]),
    ("customers", &["*"]),
    ("customer_users", &["*"]),
    ("user_groups", &["*"]),
    ("user_group_members", &["*"]),
    ("runbooks", &["*"]),
    ("runbook_steps", &["*"]),
    ("services", &["*"]),
    ("tasks", &["*"]),
];

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
    // Logged in as itself, and a member of nothing: `RESET ROLE` and
    // `SET ROLE` lead nowhere else.
    let (session_user, memberships): (String, i64) = sqlx::query_as(
        "SELECT session_user::text,
                (SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = session_user)",
    )
    .fetch_one(pool)
    .await?;
    if session_user != APP_ROLE || memberships > 0 {
        bail!(
            "refusing to serve: the app logs in as {session_user:?}, a member of {memberships} roles; \
             it must log in as {APP_ROLE}, a member of none"
        );
    }
    let grants: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.column_privileges
          WHERE grantee = 'tandem_app' AND privilege_type = 'UPDATE' AND table_schema = 'public'",
    )
    .fetch_all(pool)
    .await?;
    let extra: Vec<String> = grants
        .iter()
        .filter(|(table, column)| {
            !UPDATABLE.iter().any(|(t, columns)| t == table && (columns.contains(&"*") || columns.contains(&column.as_str())))
        })
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    if !extra.is_empty() {
        bail!("refusing to serve: {APP_ROLE} may UPDATE columns the code never updates: {}", extra.join(", "));
    }
    let loose: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p
          WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
            AND NOT coalesce('search_path=pg_catalog, public, pg_temp' = ANY (p.proconfig), false)",
    )
    .fetch_all(pool)
    .await?;
    if !loose.is_empty() {
        bail!("refusing to serve: SECURITY DEFINER functions without search_path = pg_catalog, public, pg_temp: {}", loose.join(", "));
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
