//! Bounds on what a workgroup can create (migrations/20261205000001_bounds.sql):
//! every list a page shows whole has a ceiling, held exactly under
//! concurrency, refused with a sentence for people, changing nothing.

use crate::common::{test_db, TestDb};
use futures::future::join_all;
use tandem::customers::{CreateCustomer, ImportCustomerUsers};
use tandem::error::AppError;
use tandem::runbooks::{AddStep, CreateRunbook};
use tandem::teams::CreateTeam;
use uuid::Uuid;

async fn count(db: &TestDb, sql: &str, key: Uuid) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).bind(key).fetch_one(&mut db.owner_conn().await).await.unwrap()
}

async fn arrange(db: &TestDb, sql: &str, key: Uuid, rows: i32) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).bind(key).bind(rows).execute(&mut db.owner_conn().await).await.unwrap();
}

fn conflict(answer: &Option<AppError>) -> &str {
    match answer {
        Some(AppError::Conflict(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_team_bound_holds_exactly_when_ten_creations_race_for_five_places() {
    let db = test_db().await;
    let olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    arrange(&db, "INSERT INTO teams (id, workgroup_id, name, mode)
                  SELECT gen_random_uuid(), $1, 'Team ' || n, 'pull_from_queue' FROM generate_series(1, $2) n", wg, 195).await;

    let creations = (0..10).map(|i| {
        let mut browser = olivia.client.same_session();
        async move { browser.call::<CreateTeam>(&[("name", &format!("Racer {i}")), ("mode", "load_balance")]).await.error() }
    });
    let answers = join_all(creations).await;
    assert_eq!(answers.iter().filter(|a| a.is_none()).count(), 5, "{answers:?}");
    for refused in answers.iter().filter(|a| a.is_some()) {
        assert_eq!(conflict(refused), "A workgroup can have at most 200 teams. Delete one it no longer uses first.");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM teams WHERE workgroup_id = $1", wg).await, 200);
}

#[tokio::test]
async fn an_import_past_a_customers_user_bound_adds_no_one() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let c = &mut olivia.client;
    let customer: Uuid = c.call::<CreateCustomer>(&[("name", "Contoso")]).await.json();
    arrange(&db, &format!("INSERT INTO customer_users (id, workgroup_id, customer_id, name, email)
                  SELECT gen_random_uuid(), '{wg}', $1, 'User ' || n, 'user' || n || '@contoso.example' FROM generate_series(1, $2) n"), customer, 99_998).await;

    let csv = "Ann, ann@contoso.example\nBo, bo@contoso.example\nCy, cy@contoso.example\n";
    let refused = c.call::<ImportCustomerUsers>(&[("customer_id", &customer.to_string()), ("csv", csv)]).await.error();
    assert_eq!(conflict(&refused), "A customer can have at most 100,000 users. Nothing was added.");
    assert_eq!(count(&db, "SELECT count(*) FROM customer_users WHERE customer_id = $1", customer).await, 99_998);

    // Up to the bound is fine.
    let two = "Ann, ann@contoso.example\nBo, bo@contoso.example\n";
    assert_eq!(c.call::<ImportCustomerUsers>(&[("customer_id", &customer.to_string()), ("csv", two)]).await.error(), None);
    assert_eq!(count(&db, "SELECT count(*) FROM customer_users WHERE customer_id = $1", customer).await, 100_000);
}

#[tokio::test]
async fn a_runbook_stops_at_two_hundred_tasks() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let c = &mut olivia.client;
    let runbook: Uuid = c.call::<CreateRunbook>(&[("name", "Long"), ("description", ""), ("copy_of", "")]).await.json();
    arrange(&db, &format!("INSERT INTO runbook_steps (id, workgroup_id, runbook_id, position, name, estimated_minutes)
                  SELECT gen_random_uuid(), '{wg}', $1, n, 'Step ' || n, 5 FROM generate_series(1, $2) n"), runbook, 200).await;

    let step = [("runbook_id", runbook.to_string()), ("name", "One more".into()), ("instructions", String::new()), ("estimated_minutes", "5".into()), ("license_type", String::new())];
    let fields: Vec<(&str, &str)> = step.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = c.call::<AddStep>(&fields).await.error();
    assert_eq!(conflict(&refused), "A runbook can have at most 200 tasks. Split it into two runbooks.");
    assert_eq!(count(&db, "SELECT count(*) FROM runbook_steps WHERE runbook_id = $1", runbook).await, 200);
}

/// Every table whose rows a page lists whole for a workgroup, a customer or
/// a runbook carries a bound; a new one needs a trigger too.
#[tokio::test]
async fn every_list_shown_whole_has_a_bound() {
    let db = test_db().await;
    let mut bounded: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE t.tgfoid = 'enforce_bound'::regproc ORDER BY 1",
    )
    .fetch_all(&mut db.owner_conn().await)
    .await
    .unwrap();
    bounded.sort();
    let tables: Vec<&str> = bounded.iter().map(|(table, _)| table.as_str()).collect();
    assert_eq!(tables, ["customer_users", "customers", "memberships", "runbook_steps", "runbooks", "teams", "user_groups"]);
}
