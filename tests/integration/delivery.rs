//! Services and tasks: claims, load balancing, licensed tasks, costs,
//! reminders, workgroup boundaries and roles.


use crate::common::{test_db, Agent, Client, TestDb};
use futures::future::join_all;
use tandem::delivery::store::{self as delivery, NewService, NewTask};
use tandem::delivery::{
    AssignTask, ClaimOutcome, ClaimTask, CreateService, GetService, ListServices, MyTasks, MyWork, ServiceDetail, ServiceList,
    ServiceStatus, TaskStatus, WorkTask,
};
use tandem::error::AppError;
use uuid::Uuid;

const MAILBOX_RUNBOOK: &str = "8f2b6a4e-0001-4c1a-9d2e-000000000003";
const ONBOARD_RUNBOOK: &str = "8f2b6a4e-0001-4c1a-9d2e-000000000001";

/// A customer with users, written as the owner (the customers pages have their own tests).
async fn customer(db: &TestDb, workgroup: Uuid, name: &str, users: usize) -> (Uuid, Vec<Uuid>) {
    let mut conn = db.owner_conn().await;
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO customers (id, workgroup_id, name) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(workgroup)
        .bind(name)
        .execute(&mut conn)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..users {
        let user = Uuid::new_v4();
        sqlx::query("INSERT INTO customer_users (id, workgroup_id, customer_id, name, email) VALUES ($1, $2, $3, $4, $5)")
            .bind(user)
            .bind(workgroup)
            .bind(id)
            .bind(format!("User {i:04}"))
            .bind(format!("user{i}@{}.example", name.to_lowercase()))
            .execute(&mut conn)
            .await
            .unwrap();
        ids.push(user);
    }
    (id, ids)
}

async fn team(db: &TestDb, workgroup: Uuid, name: &str, mode: &str, members: &[Uuid]) -> Uuid {
    let mut conn = db.owner_conn().await;
    let id = Uuid::new_v4();
    sqlx::query("INSERT INTO teams (id, workgroup_id, name, mode) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(workgroup)
        .bind(name)
        .bind(mode)
        .execute(&mut conn)
        .await
        .unwrap();
    for m in members {
        sqlx::query("INSERT INTO team_members (workgroup_id, team_id, agent_id) VALUES ($1, $2, $3)")
            .bind(workgroup)
            .bind(id)
            .bind(m)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    id
}

async fn grant_licenses(db: &TestDb, workgroup: Uuid, license_type: &str, count: i32, days: i64) -> Uuid {
    let mut tx = db.tx(None, Some(workgroup)).await;
    let expires = chrono::Utc::now() + chrono::Duration::days(days);
    let pack = tandem::licenses::store::acquire(&mut tx, workgroup, license_type, "purchase", count, Some(expires), None, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    pack
}

async fn pack_counts(db: &TestDb, workgroup: Uuid, pack: Uuid) -> (i32, i32, i32) {
    let mut conn = db.owner_conn().await;
    sqlx::query_as("SELECT available, reserved, consumed FROM license_packs WHERE id = $1 AND workgroup_id = $2")
        .bind(pack)
        .bind(workgroup)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

fn tomorrow() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string()
}

/// Assigns a runbook through the server function; answers the new service's id.
async fn assign(c: &mut Client, runbook: &str, customer: Uuid, assignee: &str, users: &[Uuid]) -> Result<Uuid, AppError> {
    let customer = customer.to_string();
    let due = tomorrow();
    let users: Vec<String> = users.iter().map(|u| u.to_string()).collect();
    let mut fields = vec![
        ("runbook_id", runbook),
        ("customer_id", customer.as_str()),
        ("name", ""),
        ("due_on", due.as_str()),
        ("assignee", assignee),
    ];
    for u in &users {
        fields.push(("users[]", u.as_str()));
    }
    let answer = c.call::<CreateService>(&fields).await;
    match answer.error() {
        Some(e) => Err(e),
        None => Ok(answer.json()),
    }
}

async fn service(c: &mut Client, id: Uuid) -> ServiceDetail {
    c.call::<GetService>(&[("service_id", &id.to_string()), ("page", "")]).await.json()
}

async fn work(c: &mut Client, task: Uuid, step: &str) -> Option<AppError> {
    c.call::<WorkTask>(&[("task_id", &task.to_string()), ("step", step)]).await.error()
}

#[tokio::test]
async fn a_runbook_becomes_a_service_with_a_task_per_user_where_licensed() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let (acme, users) = customer(&db, wg, "Acme", 2).await;
    let c = &mut olivia.client;

    // The mailbox runbook needs a license per user: no users, no service.
    let none = assign(c, MAILBOX_RUNBOOK, acme, "", &[]).await.unwrap_err();
    assert!(none.for_field("users").unwrap().contains("per user"), "{none:?}");
    let id = assign(c, MAILBOX_RUNBOOK, acme, &format!("agent:{}", olivia.id), &users).await.unwrap();
    let detail = service(c, id).await;
    // Prepare the tenant, Migrate the mailbox x2 users, Switch the MX records.
    assert_eq!(detail.tasks.len(), 4);
    assert_eq!(detail.service.tasks_total, 4);
    assert_eq!(detail.tasks.iter().filter(|t| t.user_name.is_some()).count(), 2);
    assert!(detail.tasks.iter().all(|t| t.agent_id == Some(olivia.id) && t.status == TaskStatus::Open));
    assert_eq!(detail.service.status, ServiceStatus::InProgress);
    assert_eq!(detail.service.name, "Mailbox migration to Office 365");

    // Bad input changes nothing and says where.
    let past = c
        .call::<CreateService>(&[
            ("runbook_id", ONBOARD_RUNBOOK),
            ("customer_id", &acme.to_string()),
            ("name", "x"),
            ("due_on", "2001-01-01"),
            ("assignee", ""),
        ])
        .await
        .error()
        .unwrap();
    assert!(past.for_field("due_on").is_some());
    let other_customer_user = customer(&db, wg, "Globex", 1).await.1;
    let wrong = assign(c, MAILBOX_RUNBOOK, acme, "", &other_customer_user).await.unwrap_err();
    assert!(wrong.for_field("users").is_some());
    let list: ServiceList = c.call::<ListServices>(&[("customer_id", ""), ("status", ""), ("sort", ""), ("page", "")]).await.json();
    assert_eq!(list.total, 1);
}

#[tokio::test]
async fn claims_race_every_task_claimed_exactly_once() {
    let db = test_db().await;
    let (owner, wg) = db.agent("Owner").await;
    let mut claimers = Vec::new();
    for i in 0..32 {
        let (agent, _) = db.agent(&format!("Claimer {i}")).await;
        db.add_member(wg, agent, "associate").await;
        claimers.push(agent);
    }
    let queue = team(&db, wg, "Queue", "pull_from_queue", &claimers).await;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let mut tx = db.tx(Some(owner), Some(wg)).await;
    let tasks: Vec<NewTask> = (0..1000)
        .map(|i| NewTask {
            position: i,
            name: format!("Task {i}"),
            instructions: String::new(),
            estimated_minutes: 10,
            license_type: None,
            customer_user_id: None,
        })
        .collect();
    let runbook: Uuid = ONBOARD_RUNBOOK.parse().unwrap();
    let new = NewService {
        customer_id: acme,
        runbook_id: runbook,
        name: "Big",
        due_on: chrono::Utc::now().date_naive(),
        agent_id: None,
        team_id: Some(queue),
        created_by: owner,
    };
    delivery::insert_service(&mut tx, wg, &new, &tasks).await.unwrap();
    tx.commit().await.unwrap();

    // Each claimer takes the first task of the queue it sees until none is left.
    let runs = claimers.iter().map(|&agent| {
        let pool = db.pool.clone();
        async move {
            let mut won = Vec::new();
            let mut lost = 0;
            loop {
                let mut tx = tandem::server::db::begin_for(&pool, tandem::server::db::Tenant { agent_id: Some(agent), workgroup_id: Some(wg) })
                    .await
                    .unwrap();
                let next: Option<Uuid> = sqlx::query_scalar(
                    "SELECT id FROM tasks WHERE workgroup_id = $1 AND team_id = $2 AND agent_id IS NULL AND status = 'open'
                      ORDER BY due_on, id LIMIT 1",
                )
                .bind(wg)
                .bind(queue)
                .fetch_optional(&mut *tx)
                .await
                .unwrap();
                let Some(task) = next else { break };
                if delivery::claim(&mut tx, wg, task, agent).await.unwrap() {
                    won.push(task);
                } else {
                    lost += 1;
                }
                tx.commit().await.unwrap();
            }
            (won, lost)
        }
    });
    let results = join_all(runs).await;
    let mut all: Vec<Uuid> = results.iter().flat_map(|(won, _)| won.clone()).collect();
    let lost: usize = results.iter().map(|(_, l)| l).sum();
    assert_eq!(all.len(), 1000, "every task claimed ({lost} lost races)");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 1000, "no task claimed twice");
    let mut conn = db.owner_conn().await;
    let (unclaimed, holders): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE agent_id IS NULL), count(DISTINCT agent_id) FROM tasks WHERE workgroup_id = $1",
    )
    .bind(wg)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(unclaimed, 0);
    assert!(holders > 1, "the claims were spread over several agents");
}

#[tokio::test]
async fn a_claim_is_first_come_and_members_only() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut asa = db.sign_up("Asa").await;
    let mut ben = db.sign_up("Ben").await;
    let mut outsider = db.sign_up("Otto").await;
    db.join_as(&mut asa, wg, "associate").await;
    db.join_as(&mut ben, wg, "associate").await;
    db.join_as(&mut outsider, wg, "associate").await;
    let queue = team(&db, wg, "Queue", "pull_from_queue", &[asa.id, ben.id]).await;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let id = assign(&mut olivia.client, ONBOARD_RUNBOOK, acme, &format!("team:{queue}"), &[]).await.unwrap();
    let tasks = service(&mut olivia.client, id).await.tasks;
    assert!(tasks.iter().all(|t| t.agent_id.is_none() && t.team_name.as_deref() == Some("Queue")));
    let first = tasks[0].id.to_string();

    // Both see it in their queue; the outsider sees no queue.
    let queues: MyWork = asa.client.call::<MyTasks>(&[("page", "")]).await.json();
    assert_eq!(queues.queues[0].waiting, 4);
    let none: MyWork = outsider.client.call::<MyTasks>(&[("page", "")]).await.json();
    assert!(none.queues.is_empty());

    // The outsider (not a member of the team) is refused.
    let refused = outsider.client.call::<ClaimTask>(&[("task_id", &first)]).await.error().unwrap();
    assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");

    let won: ClaimOutcome = asa.client.call::<ClaimTask>(&[("task_id", &first)]).await.json();
    assert_eq!(won, ClaimOutcome::Claimed);
    let lost = ben.client.call::<ClaimTask>(&[("task_id", &first)]).await.error().unwrap();
    assert_eq!(lost, AppError::Conflict("Member claimed this task first.".into()));
    let mine: MyWork = asa.client.call::<MyTasks>(&[("page", "")]).await.json();
    assert_eq!(mine.mine.len(), 1);
    assert_eq!(mine.queues[0].waiting, 3);

    // Eight racing claims of one task: one winner.
    let second = tasks[1].id.to_string();
    let mut browsers = Vec::new();
    for _ in 0..4 {
        browsers.push(asa.client.same_session());
        browsers.push(ben.client.same_session());
    }
    let fields = [("task_id", second.as_str())];
    let answers = join_all(browsers.iter_mut().map(|b| b.call::<ClaimTask>(&fields))).await;
    assert_eq!(answers.iter().filter(|a| a.error().is_none()).count(), 1);
}

#[tokio::test]
async fn load_balancing_follows_the_rule() {
    let db = test_db().await;
    let (owner, wg) = db.agent("Owner").await;
    let mut members = Vec::new();
    for name in ["Ann", "Bob", "Cid"] {
        let (agent, _) = db.agent(name).await;
        db.add_member(wg, agent, "associate").await;
        members.push(agent);
    }
    let (ann, bob, cid) = (members[0], members[1], members[2]);
    let lb = team(&db, wg, "Balanced", "load_balance", &members).await;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let runbook: Uuid = ONBOARD_RUNBOOK.parse().unwrap();
    let mut tx = db.tx(Some(owner), Some(wg)).await;
    // Ann already holds one 30-minute task; Bob one 10-minute task; Cid none.
    let made = |minutes: i32| NewTask {
        position: 1,
        name: "Prior".into(),
        instructions: String::new(),
        estimated_minutes: minutes,
        license_type: None,
        customer_user_id: None,
    };
    for (agent, minutes) in [(ann, 30), (bob, 10)] {
        let new = NewService {
            customer_id: acme,
            runbook_id: runbook,
            name: "Prior",
            due_on: chrono::Utc::now().date_naive(),
            agent_id: Some(agent),
            team_id: None,
            created_by: owner,
        };
        delivery::insert_service(&mut tx, wg, &new, &[made(minutes)]).await.unwrap();
    }
    // Fewest open tasks first: Cid.
    assert_eq!(delivery::pick_member(&mut tx, wg, lb).await.unwrap(), Some(cid));
    let new = NewService {
        customer_id: acme,
        runbook_id: runbook,
        name: "Next",
        due_on: chrono::Utc::now().date_naive(),
        agent_id: None,
        team_id: Some(lb),
        created_by: owner,
    };
    let (_, ids) = delivery::insert_service(&mut tx, wg, &new, &[made(60), made(20), made(20), made(5)]).await.unwrap();
    let mut picks = Vec::new();
    for id in &ids {
        picks.push(delivery::balance_task(&mut tx, wg, lb, *id).await.unwrap().unwrap());
    }
    // Task 1 (60 min) -> Cid (0 open). Now each has 1 open: Bob has the fewest
    // minutes (10) -> Bob. Then Ann 1 open (30), Bob 2, Cid 1 (60): Ann (fewer minutes).
    // Then all have 2 open except... Ann 2 (50), Bob 2 (30), Cid 1 (60): Cid.
    assert_eq!(picks, vec![cid, bob, ann, cid]);
    // A full tie (same count, same minutes) goes to the member assigned least recently.
    sqlx::query("UPDATE tasks SET status = 'completed' WHERE workgroup_id = $1").bind(wg).execute(&mut *tx).await.unwrap();
    let pick = delivery::pick_member(&mut tx, wg, lb).await.unwrap().unwrap();
    assert_eq!(pick, bob, "Bob was given a task by the team before Ann and Cid's last");
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn licensed_tasks_reserve_consume_restore_and_retry_for_free() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let (acme, users) = customer(&db, wg, "Acme", 3).await;
    let c = &mut olivia.client;
    let id = assign(c, MAILBOX_RUNBOOK, acme, &format!("agent:{}", olivia.id), &users).await.unwrap();
    let licensed: Vec<Uuid> = service(c, id).await.tasks.iter().filter(|t| t.license_type.is_some()).map(|t| t.id).collect();
    assert_eq!(licensed.len(), 3);

    // No license: no start, with a message that says so and where to buy.
    let refused = work(c, licensed[0], "start").await.unwrap();
    assert!(refused.for_field("license").unwrap().contains("Mailbox Migration"), "{refused:?}");
    assert_eq!(service(c, id).await.tasks.iter().find(|t| t.id == licensed[0]).unwrap().status, TaskStatus::Open);

    // Two packs: the one expiring first is used first.
    let late = grant_licenses(&db, wg, "mailbox_migration", 2, 300).await;
    let early = grant_licenses(&db, wg, "mailbox_migration", 1, 30).await;
    assert_eq!(work(c, licensed[0], "start").await, None);
    assert_eq!(pack_counts(&db, wg, early).await, (0, 1, 0));
    assert_eq!(work(c, licensed[0], "complete").await, None);
    assert_eq!(pack_counts(&db, wg, early).await, (0, 0, 1));

    assert_eq!(work(c, licensed[1], "start").await, None);
    assert_eq!(pack_counts(&db, wg, late).await, (1, 1, 0));
    assert_eq!(work(c, licensed[1], "fail").await, None);
    assert_eq!(pack_counts(&db, wg, late).await, (2, 0, 0));
    assert_eq!(work(c, licensed[1], "start").await, None);
    assert_eq!(work(c, licensed[1], "stop").await, None);
    assert_eq!(pack_counts(&db, wg, late).await, (2, 0, 0));

    // Completed with errors, then a free retry: one license in all.
    assert_eq!(work(c, licensed[2], "start").await, None);
    assert_eq!(work(c, licensed[2], "complete_with_errors").await, None);
    assert_eq!(pack_counts(&db, wg, late).await, (1, 0, 1));
    assert_eq!(work(c, licensed[2], "retry_errors").await, None);
    assert_eq!(work(c, licensed[2], "complete").await, None);
    assert_eq!(pack_counts(&db, wg, late).await, (1, 0, 1));
    // Wrong steps are refused.
    assert!(matches!(work(c, licensed[2], "start").await, Some(AppError::Conflict(_))));
    assert!(matches!(work(c, licensed[1], "complete").await, Some(AppError::Conflict(_))));

    // The log replayed gives the counts.
    let mut tx = db.tx(None, Some(wg)).await;
    for (pack, available, reserved, consumed) in tandem::licenses::store::replay(&mut tx, wg).await.unwrap() {
        let counts = pack_counts(&db, wg, pack).await;
        assert_eq!((i64::from(counts.0), i64::from(counts.1), i64::from(counts.2)), (available, reserved, consumed));
    }
    tx.commit().await.unwrap();
    let detail = service(c, id).await;
    assert_eq!(detail.service.tasks_completed, 2);
}

#[tokio::test]
async fn progress_status_and_costs_follow_the_tasks() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut asa = db.sign_up("Asa").await;
    db.join_as(&mut asa, wg, "associate").await;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let mut conn = db.owner_conn().await;
    sqlx::query("UPDATE workgroups SET default_cost_cents = 6000 WHERE id = $1").bind(wg).execute(&mut conn).await.unwrap();
    sqlx::query("UPDATE memberships SET hourly_rate_cents = 12000 WHERE workgroup_id = $1 AND agent_id = $2")
        .bind(wg)
        .bind(asa.id)
        .execute(&mut conn)
        .await
        .unwrap();
    let c = &mut olivia.client;
    // Onboarding: 15 + 20 + 60 + 30 = 125 minutes.
    let id = assign(c, ONBOARD_RUNBOOK, acme, "", &[]).await.unwrap();
    assert_eq!(service(c, id).await.service.estimated_cost_cents, Some(12500), "125 min at the $60 default");
    let tasks = service(c, id).await.tasks;
    let asa_agent = format!("agent:{}", asa.id);
    assert_eq!(c.call::<AssignTask>(&[("task_id", &tasks[2].id.to_string()), ("assignee", &asa_agent)]).await.error(), None);
    // 65 min at $60 + 60 min at $120.
    assert_eq!(service(c, id).await.service.estimated_cost_cents, Some(6500 + 12000));
    // A new rate re-prices open tasks.
    let upd = c.call::<tandem::agents::UpdateMember>(&[("agent_id", &asa.id.to_string()), ("role", "associate"), ("rate", "90")]).await;
    assert_eq!(upd.error(), None);
    assert_eq!(service(c, id).await.service.estimated_cost_cents, Some(6500 + 9000));
    // Associates see no money.
    let seen = service(&mut asa.client, id).await;
    assert_eq!(seen.service.estimated_cost_cents, None);
    assert!(seen.tasks.iter().all(|t| t.estimated_cost_cents.is_none()));

    // Working the tasks moves progress and status.
    let me = format!("agent:{}", olivia.id);
    for t in &tasks {
        if t.id != tasks[2].id {
            c.call::<AssignTask>(&[("task_id", &t.id.to_string()), ("assignee", &me)]).await;
        }
    }
    assert_eq!(work(c, tasks[0].id, "start").await, None);
    assert_eq!(work(c, tasks[0].id, "fail").await, None);
    assert_eq!(service(c, id).await.service.status, ServiceStatus::Blocked);
    let blocked: ServiceList = c.call::<ListServices>(&[("customer_id", ""), ("status", "blocked"), ("sort", ""), ("page", "")]).await.json();
    assert_eq!(blocked.total, 1);
    for t in &tasks {
        let actor = if t.id == tasks[2].id { &mut asa.client } else { &mut *c };
        assert_eq!(work(actor, t.id, "start").await, None);
        assert_eq!(work(actor, t.id, "complete").await, None);
    }
    let done = service(c, id).await;
    assert_eq!((done.service.tasks_completed, done.service.status), (4, ServiceStatus::Completed));
    // Completed tasks keep the price of their day.
    c.call::<tandem::agents::UpdateMember>(&[("agent_id", &asa.id.to_string()), ("role", "associate"), ("rate", "200")]).await;
    assert_eq!(service(c, id).await.service.estimated_cost_cents, Some(6500 + 9000));
    // An associate may not work someone else's task.
    let other = tasks[0].id;
    sqlx::query("UPDATE tasks SET status = 'open' WHERE id = $1").bind(other).execute(&mut conn).await.unwrap();
    assert_eq!(work(&mut asa.client, other, "start").await, Some(AppError::Forbidden));
}

#[tokio::test]
async fn team_assignment_needs_a_get_automated_seat() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let queue = team(&db, wg, "Queue", "pull_from_queue", &[olivia.id]).await;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let mut conn = db.owner_conn().await;
    sqlx::query("DELETE FROM subscription_packs WHERE workgroup_id = $1").bind(wg).execute(&mut conn).await.unwrap();
    let refused = assign(&mut olivia.client, ONBOARD_RUNBOOK, acme, &format!("team:{queue}"), &[]).await.unwrap_err();
    assert!(refused.for_field("assignee").unwrap().contains("Get Automated"));
}

#[tokio::test]
async fn an_inactive_agent_s_tasks_go_back() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut asa = db.sign_up("Asa").await;
    db.join_as(&mut asa, wg, "associate").await;
    let (acme, users) = customer(&db, wg, "Acme", 1).await;
    let pack = grant_licenses(&db, wg, "mailbox_migration", 1, 100).await;
    let id = assign(&mut olivia.client, MAILBOX_RUNBOOK, acme, &format!("agent:{}", asa.id), &users).await.unwrap();
    let licensed = service(&mut olivia.client, id).await.tasks.into_iter().find(|t| t.license_type.is_some()).unwrap();
    assert_eq!(work(&mut asa.client, licensed.id, "start").await, None);
    assert_eq!(pack_counts(&db, wg, pack).await, (0, 1, 0));
    let upd = olivia.client.call::<tandem::agents::UpdateMember>(&[("agent_id", &asa.id.to_string()), ("role", "inactive"), ("rate", "")]).await;
    assert_eq!(upd.error(), None);
    let after = service(&mut olivia.client, id).await;
    assert!(after.tasks.iter().all(|t| t.agent_id.is_none() && t.status == TaskStatus::Open));
    assert_eq!(pack_counts(&db, wg, pack).await, (1, 0, 0), "the reserved license came back");
}

#[tokio::test]
async fn reminders_are_queued_once_a_day() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let id = assign(&mut olivia.client, ONBOARD_RUNBOOK, acme, &format!("agent:{}", olivia.id), &[]).await.unwrap();
    let other = db.sign_up("Quiet").await;
    let (globex, _) = customer(&db, other.own_workgroup, "Globex", 0).await;
    let _ = globex;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(tandem::delivery::reminders::queue(&db.pool, today).await.unwrap(), 1);
    assert_eq!(tandem::delivery::reminders::queue(&db.pool, today).await.unwrap(), 0, "once a day");
    let mut conn = db.owner_conn().await;
    let (to, subject, body): (String, String, String) =
        sqlx::query_as("SELECT to_email, subject, body FROM mail_outbox WHERE workgroup_id = $1 AND subject LIKE 'Tandem:%'")
            .bind(wg)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(to, olivia.email);
    assert_eq!(subject, "Tandem: 0 overdue, 4 due tomorrow");
    assert!(body.contains("Create the user account (Onboard a new employee)"), "{body}");
    // The day after tomorrow they are overdue: a new reminder.
    assert_eq!(tandem::delivery::reminders::queue(&db.pool, today + chrono::Duration::days(2)).await.unwrap(), 1);
    let _ = id;
}

#[tokio::test]
async fn another_workgroup_s_ids_give_nothing() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut mallory = db.sign_up("Mallory").await;
    let queue = team(&db, wg, "Queue", "pull_from_queue", &[olivia.id]).await;
    let (acme, users) = customer(&db, wg, "Acme", 1).await;
    let id = assign(&mut olivia.client, MAILBOX_RUNBOOK, acme, &format!("team:{queue}"), &users).await.unwrap();
    let tasks = service(&mut olivia.client, id).await.tasks;
    let task = tasks[0].id.to_string();
    let m = &mut mallory.client;

    assert_eq!(m.call::<GetService>(&[("service_id", &id.to_string()), ("page", "")]).await.error(), Some(AppError::NotFound));
    assert_eq!(m.call::<ClaimTask>(&[("task_id", &task)]).await.error(), Some(AppError::NotFound));
    assert_eq!(work(m, tasks[0].id, "start").await, Some(AppError::NotFound));
    assert_eq!(m.call::<AssignTask>(&[("task_id", &task), ("assignee", "")]).await.error(), Some(AppError::NotFound));
    // Assigning with another workgroup's customer, users, team or runbook.
    let (own_customer, _) = customer(&db, mallory.own_workgroup, "Mine", 0).await;
    let theirs = assign(m, MAILBOX_RUNBOOK, acme, "", &users).await.unwrap_err();
    assert!(theirs.for_field("customer_id").is_some());
    let their_users = assign(m, MAILBOX_RUNBOOK, own_customer, "", &users).await.unwrap_err();
    assert!(their_users.for_field("users").is_some());
    let their_team = assign(m, ONBOARD_RUNBOOK, own_customer, &format!("team:{queue}"), &[]).await.unwrap_err();
    assert!(their_team.for_field("assignee").is_some());
    let their_agent = assign(m, ONBOARD_RUNBOOK, own_customer, &format!("agent:{}", olivia.id), &[]).await.unwrap_err();
    assert!(their_agent.for_field("assignee").is_some());
    let list: ServiceList = m.call::<ListServices>(&[("customer_id", &acme.to_string()), ("status", ""), ("sort", ""), ("page", "")]).await.json();
    assert!(list.rows.is_empty());
    let work_list: MyWork = m.call::<MyTasks>(&[("page", "")]).await.json();
    assert!(work_list.mine.is_empty() && work_list.queues.is_empty());

    // Runbooks: the library is shared, a workgroup's own are not.
    let created = olivia
        .client
        .call::<tandem::runbooks::CreateRunbook>(&[("name", "Secret"), ("description", ""), ("copy_of", ONBOARD_RUNBOOK)])
        .await;
    assert!(created.error().is_none(), "{}", created.body);
    let own = olivia.client.call::<tandem::runbooks::ListRunbooks>(&[]).await.json::<Vec<tandem::runbooks::RunbookSummary>>();
    let secret = own.iter().find(|r| r.name == "Secret").unwrap();
    assert_eq!(secret.steps, 4);
    let seen = m.call::<tandem::runbooks::ListRunbooks>(&[]).await.json::<Vec<tandem::runbooks::RunbookSummary>>();
    assert!(seen.iter().all(|r| r.name != "Secret") && seen.iter().filter(|r| r.built_in).count() == 4);
    let sid = secret.id.to_string();
    assert_eq!(m.call::<tandem::runbooks::GetRunbook>(&[("runbook_id", &sid)]).await.error(), Some(AppError::NotFound));
    let step = olivia.client.call::<tandem::runbooks::GetRunbook>(&[("runbook_id", &sid)]).await.json::<tandem::runbooks::RunbookPage>().runbook.steps[0].id.to_string();
    let fields = [("step_id", step.as_str()), ("name", "Hacked"), ("instructions", ""), ("estimated_minutes", "5"), ("license_type", "")];
    assert_eq!(m.call::<tandem::runbooks::UpdateStep>(&fields).await.error(), Some(AppError::NotFound));
    assert_eq!(m.call::<tandem::runbooks::DeleteStep>(&[("step_id", &step)]).await.error(), Some(AppError::NotFound));
    assert_eq!(m.call::<tandem::runbooks::DeleteRunbook>(&[("runbook_id", &sid)]).await.error(), Some(AppError::NotFound));
    // The built-in library cannot be changed by anyone.
    let builtin = olivia.client.call::<tandem::runbooks::UpdateRunbook>(&[("runbook_id", ONBOARD_RUNBOOK), ("name", "Mine"), ("description", "")]).await;
    assert!(matches!(builtin.error(), Some(AppError::Conflict(_))));
}

#[tokio::test]
async fn role_matrix_for_delivery() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let (acme, _) = customer(&db, wg, "Acme", 0).await;
    let id = assign(&mut olivia.client, ONBOARD_RUNBOOK, acme, "", &[]).await.unwrap();
    let task = service(&mut olivia.client, id).await.tasks[0].id;
    for role in ["administrator", "manager", "associate", "inactive"] {
        let mut agent: Agent = db.sign_up(&format!("Someone {role}")).await;
        db.join_as(&mut agent, wg, role).await;
        let c = &mut agent.client;
        let allowed = role != "inactive";
        let me = format!("agent:{}", agent.id);
        let list = c.call::<ListServices>(&[("customer_id", ""), ("status", ""), ("sort", ""), ("page", "")]).await;
        assert_eq!(list.error().is_none(), allowed, "{role} list");
        assert_eq!(c.call::<MyTasks>(&[("page", "")]).await.error().is_none(), allowed, "{role} my tasks");
        assert_eq!(assign(c, ONBOARD_RUNBOOK, acme, "", &[]).await.is_ok(), allowed, "{role} assign");
        let reassigned = c.call::<AssignTask>(&[("task_id", &task.to_string()), ("assignee", &me)]).await.error();
        assert_eq!(reassigned.is_none(), allowed, "{role} assign task: {reassigned:?}");
        if allowed {
            assert_eq!(work(c, task, "start").await, None, "{role} start own task");
            assert_eq!(work(c, task, "stop").await, None, "{role} stop own task");
            let rb = c.call::<tandem::runbooks::CreateRunbook>(&[("name", &format!("RB {role}")), ("description", ""), ("copy_of", "")]).await;
            assert!(rb.error().is_none(), "{role} create runbook: {}", rb.body);
            let shown: ServiceList = list.json();
            assert_eq!(shown.shows_cost, role != "associate", "{role} sees money");
        } else {
            assert_eq!(reassigned, Some(AppError::Forbidden));
            assert_eq!(work(c, task, "start").await, Some(AppError::Forbidden));
        }
    }
    let mut signed_out = Client::new(db.router());
    assert_eq!(signed_out.call::<MyTasks>(&[("page", "")]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(signed_out.call::<ClaimTask>(&[("task_id", &task.to_string())]).await.error(), Some(AppError::Unauthenticated));
}

#[tokio::test]
async fn a_page_for_an_unknown_service_answers_not_found() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let c = &mut olivia.client;
    assert_eq!(c.get("/delivery").await.status, http::StatusCode::OK);
    let unknown = c.get(&format!("/services/{}", Uuid::new_v4())).await;
    assert_eq!(unknown.status, http::StatusCode::NOT_FOUND);
    assert!(unknown.body.contains(&AppError::NotFound.to_string()), "{}", unknown.body);
}
