//! Least privilege in PostgreSQL: what the app role cannot do even when a
//! query of its own is turned against it (SQL that an injection could send).

use crate::common::test_db;
use tandem::server::db;

/// Runs `sql` on one of the app's connections; the error text if refused.
async fn as_app(pool: &sqlx::PgPool, sql: &str) -> Result<(), String> {
    let mut tx = pool.begin().await.unwrap();
    let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *tx).await.map(|_| ()).map_err(|e| e.to_string());
    tx.rollback().await.ok();
    result
}

#[tokio::test]
async fn the_app_role_logs_in_as_itself_and_cannot_become_the_owner() {
    let db = test_db().await;
    let mut conn = db.pool.acquire().await.unwrap();
    sqlx::raw_sql("RESET ROLE").execute(&mut *conn).await.unwrap();
    let (current, session, superuser): (String, String, bool) =
        sqlx::query_as("SELECT current_user::text, session_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!((current.as_str(), session.as_str(), superuser), ("tandem_app", "tandem_app", false));
    drop(conn);
    for role in ["postgres", "tandem_mail"] {
        let refused = as_app(&db.pool, &format!("SET ROLE {role}")).await;
        assert!(refused.is_err(), "SET ROLE {role} was allowed");
    }
    assert!(as_app(&db.pool, "SET SESSION AUTHORIZATION postgres").await.is_err());
}

#[tokio::test]
async fn settings_the_app_role_can_set_unlock_nothing() {
    let db = test_db().await;
    let (ada, _workgroup) = db.agent("Ada").await;
    // Mail about Ada's account (a verification link), written as the app does.
    let mut tx = db.tx(Some(ada), None).await;
    tandem::server::mail::enqueue_account(&mut tx, tandem::server::mail::Mail { to: "x@example.com", subject: "Secret", body: "token" })
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The old mail-sender flag no longer reads the outbox.
    let mut tx = db.tx(None, None).await;
    sqlx::query("SELECT set_config('app.mail_sender', 'on', true)").execute(&mut *tx).await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0, "the app role read the outbox by setting app.mail_sender");
    // The old distributor flag no longer issues coupons from nowhere.
    sqlx::query("SELECT set_config('app.distributor', 'on', true)").execute(&mut *tx).await.unwrap();
    let forged = sqlx::query(
        "INSERT INTO coupons (id, code, label, license_type, count, expires_at)
         VALUES (gen_random_uuid(), 'FORGED-0000-0000', '', 'user_migration_bundle', 1000, now() + interval '1 year')",
    )
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "the app role issued a distributor coupon");
    tx.rollback().await.ok();

    // The mail sender's own role does read it.
    let mail = db::mail_pool(&db.owner).await.unwrap();
    let waiting = tandem::server::mail::waiting(&mail, Some("x@example.com")).await.unwrap();
    assert_eq!(waiting.len(), 1);
}

#[tokio::test]
async fn the_app_role_updates_only_the_columns_the_code_updates() {
    let db = test_db().await;
    for sql in [
        "UPDATE agents SET email = 'taken@example.com'",
        "UPDATE agents SET created_at = now()",
        "UPDATE coupons SET count = 1000",
        "UPDATE coupons SET license_type = 'mailbox_migration'",
        "UPDATE subscription_packs SET seats = 1000",
        "UPDATE workgroups SET created_at = now()",
        "DELETE FROM license_log",
        "UPDATE license_packs SET available = 1000",
    ] {
        let refused = as_app(&db.pool, sql).await;
        assert!(refused.as_ref().is_err_and(|e| e.contains("permission denied")), "{sql}: {refused:?}");
    }
}

#[tokio::test]
async fn start_up_refuses_to_serve_when_the_app_role_may_do_more() {
    let db = test_db().await;
    db::verify_app_role(&db.pool).await.unwrap();
    let mut owner = db.owner_conn().await;
    sqlx::raw_sql("GRANT UPDATE ON agents TO tandem_app").execute(&mut owner).await.unwrap();
    let refused = db::verify_app_role(&db.pool).await.unwrap_err().to_string();
    assert!(refused.contains("agents.email"), "{refused}");
    sqlx::raw_sql("REVOKE UPDATE ON agents FROM tandem_app; GRANT UPDATE (name, password_hash, email_verified_at) ON agents TO tandem_app")
        .execute(&mut owner)
        .await
        .unwrap();
    sqlx::raw_sql("ALTER FUNCTION apply_license_log() SET search_path = public").execute(&mut owner).await.unwrap();
    let refused = db::verify_app_role(&db.pool).await.unwrap_err().to_string();
    assert!(refused.contains("apply_license_log"), "{refused}");
}
