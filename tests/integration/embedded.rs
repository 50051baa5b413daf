//! The embedded default database: created on first start, reused after,
//! data kept across restarts, and a crash's stale pid file no obstacle.

use tandem::server::{db, embedded::EmbeddedPostgres};

#[tokio::test]
async fn data_survives_a_restart_and_a_stale_pid_file() {
    let dir = tempfile::tempdir().unwrap();
    let pg = EmbeddedPostgres::new(dir.path(), None, "postgres").unwrap();
    assert!(pg.start().unwrap(), "the first start creates and starts the cluster");
    pg.ensure_database().await.unwrap();
    db::migrate(&pg.connect_options()).await.unwrap();
    let pool = db::app_pool(&pg.connect_options(), 2).await.unwrap();
    let mut tx = db::begin_for(&pool, db::Tenant { agent_id: None, workgroup_id: None }).await.unwrap();
    tandem::auth::store::insert_agent(&mut tx, "Ada", "ada@example.com", "hash").await.unwrap();
    tx.commit().await.unwrap();
    pool.close().await;
    pg.stop().unwrap();
    assert!(!pg.is_running());

    // A crash leaves postmaster.pid behind, naming a process that is gone.
    let pid_file = dir.path().join("pg/postmaster.pid");
    std::fs::write(&pid_file, "999999\n/tmp\n").unwrap();

    let again = EmbeddedPostgres::new(dir.path(), None, "postgres").unwrap();
    assert!(again.start().unwrap());
    db::migrate(&again.connect_options()).await.unwrap();
    let pool = db::app_pool(&again.connect_options(), 2).await.unwrap();
    let mut tx = db::begin_for(&pool, db::Tenant { agent_id: None, workgroup_id: None }).await.unwrap();
    let found = tandem::auth::store::credentials(&mut tx, "ADA@example.com").await.unwrap();
    assert!(found.is_some(), "the agent written before the restart is still there");
    tx.commit().await.unwrap();
    pool.close().await;
    again.stop().unwrap();
}
