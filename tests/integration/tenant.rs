//! The tenant boundary, on a real PostgreSQL: row-level security, cross-
//! workgroup ids, and the 10-workgroup limit (also under concurrency).


use crate::common::test_db;
use tandem::error::AppError;
use tandem::workgroups::{store, Role};

#[tokio::test]
async fn the_app_role_sees_no_tenant_rows_without_a_workgroup() {
    let db = test_db().await;
    let (_a, _wa) = db.agent("Ada").await;
    let (_b, _wb) = db.agent("Bob").await;

    let mut tx = db.tx(None, None).await;
    for table in ["workgroups", "memberships", "subscription_packs"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} leaked rows with no workgroup set");
    }
    // Writing without a workgroup is refused by the policies, whatever the SQL says.
    let err = sqlx::query("UPDATE workgroups SET name = 'taken'").execute(&mut *tx).await.unwrap();
    assert_eq!(err.rows_affected(), 0);
}

#[tokio::test]
async fn the_app_role_cannot_read_past_the_current_workgroup() {
    let db = test_db().await;
    let (a, wa) = db.agent("Ada").await;
    let (_b, wb) = db.agent("Bob").await;

    let mut tx = db.tx(Some(a), Some(wa)).await;
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM workgroups").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(names, vec!["Ada".to_string()]);
    let seats: i64 = sqlx::query_scalar("SELECT count(*) FROM subscription_packs WHERE workgroup_id = $1")
        .bind(wb)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seats, 0);
}

#[tokio::test]
async fn another_workgroups_id_gives_nothing_and_changes_nothing() {
    let db = test_db().await;
    let (a, wa) = db.agent("Ada").await;
    let (b, wb) = db.agent("Bob").await;

    // Bob, acting in his own workgroup, names Ada's.
    let mut tx = db.tx(Some(b), Some(wb)).await;
    assert_eq!(store::settings(&mut tx, wa, Role::Administrator).await.unwrap(), None);
    assert!(!store::rename(&mut tx, wa, "Bob was here").await.unwrap());
    assert!(!store::set_default_cost(&mut tx, wa, 1).await.unwrap());
    assert_eq!(store::role_of(&mut tx, wa, a).await.unwrap(), None);
    tx.commit().await.unwrap();

    let mut tx = db.tx(Some(a), Some(wa)).await;
    let s = store::settings(&mut tx, wa, Role::Administrator).await.unwrap().unwrap();
    assert_eq!((s.name.as_str(), s.default_cost_cents), ("Ada", 0));
}

#[tokio::test]
async fn new_workgroups_start_with_their_creator_as_administrator_and_three_seats() {
    let db = test_db().await;
    let (a, wa) = db.agent("Ada").await;
    let mut tx = db.tx(Some(a), Some(wa)).await;
    let s = store::settings(&mut tx, wa, Role::Administrator).await.unwrap().unwrap();
    assert_eq!(s.training_seats, 3);
    assert_eq!(s.members, 1);
    assert_eq!(store::role_of(&mut tx, wa, a).await.unwrap(), Some(Role::Administrator));
}

#[tokio::test]
async fn an_eleventh_active_membership_is_refused() {
    let db = test_db().await;
    let (a, _own) = db.agent("Ada").await;
    for i in 2..=10 {
        let mut tx = db.tx(Some(a), None).await;
        store::create(&mut tx, a, "Ada", &format!("Workgroup {i}")).await.unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = db.tx(Some(a), None).await;
    let err = store::create(&mut tx, a, "Ada", "Workgroup 11").await.unwrap_err();
    assert_eq!(AppError::from(err), AppError::Conflict(tandem::workgroups::MEMBERSHIP_LIMIT_MESSAGE.into()));
    drop(tx);

    // Joining someone else's workgroup is refused the same way.
    let (_b, wb) = db.agent("Bob").await;
    let mut conn = db.owner_conn().await;
    let joined = sqlx::query("INSERT INTO memberships (workgroup_id, agent_id, role, display_name) VALUES ($1, $2, 'associate', 'Ada')")
        .bind(wb)
        .bind(a)
        .execute(&mut conn)
        .await;
    assert!(joined.is_err());

    // An inactive membership frees the place.
    sqlx::query("UPDATE memberships SET role = 'inactive' WHERE agent_id = $1 AND workgroup_id = (SELECT id FROM workgroups WHERE name = 'Workgroup 2')")
        .bind(a)
        .execute(&mut conn)
        .await
        .unwrap();
    let mut tx = db.tx(Some(a), None).await;
    store::create(&mut tx, a, "Ada", "Workgroup 11").await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.tx(Some(a), None).await;
    assert_eq!(store::list_for_agent(&mut tx, a).await.unwrap().len(), 10);
}

#[tokio::test]
async fn concurrent_joins_at_nine_memberships_let_exactly_one_through() {
    let db = test_db().await;
    let (a, _own) = db.agent("Ada").await;
    for i in 2..=9 {
        let mut tx = db.tx(Some(a), None).await;
        store::create(&mut tx, a, "Ada", &format!("Workgroup {i}")).await.unwrap();
        tx.commit().await.unwrap();
    }
    let attempts = (0..16).map(|i| {
        let pool = db.pool.clone();
        tokio::spawn(async move {
            let mut tx = tandem::server::db::begin_for(&pool, tandem::server::db::Tenant { agent_id: Some(a), workgroup_id: None })
                .await
                .unwrap();
            // Released together: everyone holds a transaction before anyone inserts.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            match store::create(&mut tx, a, "Ada", &format!("Race {i}")).await {
                Ok(_) => tx.commit().await.is_ok(),
                Err(_) => false,
            }
        })
    });
    let wins = futures::future::join_all(attempts).await.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(wins, 1);
    let mut tx = db.tx(Some(a), None).await;
    assert_eq!(store::list_for_agent(&mut tx, a).await.unwrap().len(), 10);
}

#[tokio::test]
async fn start_up_refuses_an_app_role_that_could_bypass_row_security() {
    let db = test_db().await;
    tandem::server::db::verify_app_role(&db.pool).await.unwrap();
    // A pool that does not switch to the app role (the owner, a superuser here) is refused.
    let owner_pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(db.owner.clone()).await.unwrap();
    assert!(tandem::server::db::verify_app_role(&owner_pool).await.is_err());
}
