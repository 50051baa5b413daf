//! Feed, notifications, dashboard and reports: every kind of event once and
//! in its own workgroup only, notifications read by their agent alone, report
//! figures equal to figures worked out by hand, no money for Associates.


use crate::common::{test_db, Agent, Client, TestDb};
use std::collections::BTreeMap;
use tandem::agents::{AcceptInvitation, InviteAgents, UpdateMember};
use tandem::coupons::{ApplyCoupons, GenerateCoupon, GeneratedCoupon};
use tandem::dashboard::{Dashboard, GetDashboard};
use tandem::delivery::{AssignTask, ClaimTask, CreateService, WorkTask};
use tandem::error::AppError;
use tandem::feed::store::NewEvent;
use tandem::feed::{EventKind, FeedPage, GetFeed, ListNotifications, NotificationList, ReadAllNotifications, ReadNotification, UnreadNotifications};
use tandem::reports::{GetReport, Report};
use tandem::workgroups::SwitchWorkgroup;
use uuid::Uuid;

async fn owner_exec(db: &TestDb, sql: &str, binds: &[Uuid]) {
    let mut conn = db.owner_conn().await;
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&mut conn).await.unwrap();
}

async fn customer(db: &TestDb, workgroup: Uuid, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    let mut conn = db.owner_conn().await;
    sqlx::query("INSERT INTO customers (id, workgroup_id, name) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(workgroup)
        .bind(name)
        .execute(&mut conn)
        .await
        .unwrap();
    id
}

/// A workgroup's own runbook of `steps` steps of 30 minutes.
async fn runbook(db: &TestDb, workgroup: Uuid, steps: i32) -> Uuid {
    let id = Uuid::new_v4();
    let mut conn = db.owner_conn().await;
    sqlx::query("INSERT INTO runbooks (id, workgroup_id, name) VALUES ($1, $2, 'Two steps')")
        .bind(id)
        .bind(workgroup)
        .execute(&mut conn)
        .await
        .unwrap();
    for p in 1..=steps {
        sqlx::query(
            "INSERT INTO runbook_steps (id, workgroup_id, runbook_id, position, name, estimated_minutes) VALUES ($1, $2, $3, $4, $5, 30)",
        )
        .bind(Uuid::new_v4())
        .bind(workgroup)
        .bind(id)
        .bind(p)
        .bind(format!("Step {p}"))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    id
}

async fn team(db: &TestDb, workgroup: Uuid, name: &str, members: &[Uuid]) -> Uuid {
    let id = Uuid::new_v4();
    owner_exec(db, &format!("INSERT INTO teams (id, workgroup_id, name, mode) VALUES ($1, $2, '{name}', 'pull_from_queue')"), &[id, workgroup]).await;
    for m in members {
        owner_exec(db, "INSERT INTO team_members (workgroup_id, team_id, agent_id) VALUES ($1, $2, $3)", &[workgroup, id, *m]).await;
    }
    id
}

async fn kinds(db: &TestDb, workgroup: Uuid) -> BTreeMap<String, i64> {
    let mut conn = db.owner_conn().await;
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT kind, count(*) FROM events WHERE workgroup_id = $1 GROUP BY kind")
        .bind(workgroup)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.into_iter().collect()
}

async fn task_ids(db: &TestDb, service: Uuid) -> Vec<Uuid> {
    let mut conn = db.owner_conn().await;
    sqlx::query_scalar("SELECT id FROM tasks WHERE service_id = $1 ORDER BY position").bind(service).fetch_all(&mut conn).await.unwrap()
}

async fn work(c: &mut Client, task: Uuid, step: &str) {
    let answer = c.call::<WorkTask>(&[("task_id", &task.to_string()), ("step", step)]).await;
    assert!(answer.error().is_none(), "{step}: {}", answer.body);
}

async fn unread(c: &mut Client) -> i64 {
    c.call::<UnreadNotifications>(&[]).await.json()
}

async fn switch(c: &mut Client, workgroup: Uuid) {
    assert!(c.call::<SwitchWorkgroup>(&[("workgroup_id", &workgroup.to_string())]).await.error().is_none());
}

/// Olivia's workgroup with Max invited (he has an account), joined as a Manager.
async fn olivia_and_max(db: &TestDb) -> (Agent, Agent) {
    let mut olivia = db.sign_up("Olivia").await;
    let mut max = db.sign_up("Max").await;
    let invited = olivia.client.call::<InviteAgents>(&[("emails", &max.email), ("role", "manager")]).await;
    assert!(invited.error().is_none(), "{}", invited.body);
    // The invitation reaches Max's bell while he is in his own workgroup.
    assert_eq!(unread(&mut max.client).await, 1);
    let list: NotificationList = max.client.call::<ListNotifications>(&[]).await.json();
    assert!(list.items[0].summary.contains("invited you to join Olivia as Manager"), "{:?}", list.items);
    assert!(list.items[0].link.starts_with("/invitations/"));
    let token = list.items[0].link.trim_start_matches("/invitations/").to_string();
    assert!(max.client.call::<AcceptInvitation>(&[("token", &token)]).await.error().is_none());
    // Accepting settles the invitation notice.
    assert_eq!(unread(&mut max.client).await, 0);
    (olivia, max)
}

#[tokio::test]
async fn each_kind_of_event_appears_once_in_its_workgroup_only() {
    let db = test_db().await;
    let (mut olivia, mut max) = olivia_and_max(&db).await;
    let (a, b) = (olivia.own_workgroup, max.own_workgroup);
    let role = olivia
        .client
        .call::<UpdateMember>(&[("agent_id", &max.id.to_string()), ("role", "associate"), ("rate", "")])
        .await;
    assert!(role.error().is_none(), "{}", role.body);

    let acme = customer(&db, a, "Acme").await;
    let rb = runbook(&db, a, 2).await;
    let queue = team(&db, a, "Helpdesk", &[olivia.id, max.id]).await;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    let created = olivia
        .client
        .call::<CreateService>(&[
            ("runbook_id", &rb.to_string()),
            ("customer_id", &acme.to_string()),
            ("name", ""),
            ("due_on", &due),
            ("assignee", &format!("team:{queue}")),
        ])
        .await;
    assert!(created.error().is_none(), "{}", created.body);
    let service: Uuid = created.json();
    let tasks = task_ids(&db, service).await;
    // Two tasks reached the queue: one notice for Max, none for Olivia who assigned them.
    let notices: NotificationList = max.client.call::<ListNotifications>(&[]).await.json();
    assert_eq!(notices.items.iter().filter(|n| n.summary.contains("Helpdesk queue")).count(), 1, "{:?}", notices.items);
    assert_eq!(unread(&mut olivia.client).await, 0);

    assert!(max.client.call::<ClaimTask>(&[("task_id", &tasks[0].to_string())]).await.error().is_none());
    work(&mut max.client, tasks[0], "start").await;
    work(&mut max.client, tasks[0], "fail").await;
    let given = olivia.client.call::<AssignTask>(&[("task_id", &tasks[1].to_string()), ("assignee", &format!("agent:{}", max.id))]).await;
    assert!(given.error().is_none(), "{}", given.body);
    assert_eq!(unread(&mut max.client).await, 2, "the queue notice and the assignment");
    for t in &tasks {
        work(&mut max.client, *t, "start").await;
        work(&mut max.client, *t, "complete").await;
    }

    // Coupons: generated in Olivia's workgroup, redeemed by Max in his own.
    let mut tx = db.tx(None, Some(a)).await;
    let expires = chrono::Utc::now() + chrono::Duration::days(200);
    let pack = tandem::licenses::store::acquire(&mut tx, a, "mailbox_migration", "purchase", 5, Some(expires), None, None).await.unwrap();
    // What the billing code will write for purchases and refunds.
    tandem::feed::store::record(&mut tx, a, NewEvent::new(EventKind::LicensesBought, "Olivia bought 5 Mailbox Migration licenses").actor(olivia.id).link("/settings/licenses"))
        .await
        .unwrap();
    tandem::feed::store::record(&mut tx, a, NewEvent::new(EventKind::Refund, "Olivia refunded order 1001").actor(olivia.id)).await.unwrap();
    tx.commit().await.unwrap();
    let coupon: GeneratedCoupon = olivia
        .client
        .call::<GenerateCoupon>(&[("label", "For Max"), ("pack_id", &pack.to_string()), ("count", "2"), ("email", "")])
        .await
        .json();
    switch(&mut max.client, b).await;
    assert!(max.client.call::<ApplyCoupons>(&[("codes", &coupon.code)]).await.error().is_none());

    let expected: BTreeMap<String, i64> = [
        ("agent_invited", 1),
        ("agent_joined", 1),
        ("role_changed", 1),
        ("service_created", 1),
        ("task_assigned", 2), // the queue (both tasks at once), then the second task to Max
        ("task_claimed", 1),
        ("task_failed", 1),
        ("task_completed", 2),
        ("service_completed", 1),
        ("coupon_generated", 1),
        ("licenses_bought", 1),
        ("refund", 1),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(kinds(&db, a).await, expected);
    assert_eq!(kinds(&db, b).await, [("coupon_redeemed".to_string(), 1)].into_iter().collect());

    // The feed as its readers see it: newest first, filtered, in the session's workgroup only.
    let feed: FeedPage = olivia.client.call::<GetFeed>(&[("kind", ""), ("customer", ""), ("before", "")]).await.json();
    assert_eq!(feed.entries.len(), 14);
    assert!(feed.entries.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(feed.entries[0].kind, EventKind::CouponGenerated);
    assert!(feed.entries.iter().all(|e| e.kind != EventKind::CouponRedeemed));
    let completed = feed.entries.iter().find(|e| e.kind == EventKind::ServiceCompleted).unwrap();
    assert_eq!(completed.link.as_deref(), Some(format!("/services/{service}").as_str()));
    let claimed = feed.entries.iter().find(|e| e.kind == EventKind::TaskClaimed).unwrap();
    assert_eq!(claimed.summary, "Max claimed Step 1 (Two steps)");
    let only: FeedPage = olivia.client.call::<GetFeed>(&[("kind", "task_completed"), ("customer", ""), ("before", "")]).await.json();
    assert_eq!(only.entries.len(), 2);
    let by_customer: FeedPage =
        olivia.client.call::<GetFeed>(&[("kind", ""), ("customer", &acme.to_string()), ("before", "")]).await.json();
    assert_eq!(by_customer.entries.len(), 8, "the service's events");
    let older: FeedPage = olivia
        .client
        .call::<GetFeed>(&[("kind", ""), ("customer", ""), ("before", &feed.entries[3].id.to_string())])
        .await
        .json();
    assert_eq!(older.entries.len(), 10);
    let maxs: FeedPage = max.client.call::<GetFeed>(&[("kind", ""), ("customer", ""), ("before", "")]).await.json();
    assert_eq!(maxs.entries.len(), 1);
    assert_eq!(maxs.entries[0].kind, EventKind::CouponRedeemed);
    // Another workgroup's customer id filters to nothing rather than leaking.
    let foreign: FeedPage = max.client.call::<GetFeed>(&[("kind", ""), ("customer", &acme.to_string()), ("before", "")]).await.json();
    assert!(foreign.entries.is_empty());
}

#[tokio::test]
async fn notifications_are_read_and_marked_by_their_agent_only() {
    let db = test_db().await;
    let (mut olivia, mut max) = olivia_and_max(&db).await;
    let a = olivia.own_workgroup;
    let acme = customer(&db, a, "Acme").await;
    let rb = runbook(&db, a, 1).await;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    let created = olivia
        .client
        .call::<CreateService>(&[
            ("runbook_id", &rb.to_string()),
            ("customer_id", &acme.to_string()),
            ("name", "Laptop"),
            ("due_on", &due),
            ("assignee", &format!("agent:{}", max.id)),
        ])
        .await;
    assert!(created.error().is_none(), "{}", created.body);
    assert_eq!(unread(&mut max.client).await, 1);
    let list: NotificationList = max.client.call::<ListNotifications>(&[]).await.json();
    let mine = list.items.iter().find(|n| !n.read).unwrap().clone();
    assert_eq!(mine.summary, "Olivia assigned you Step 1 of Laptop for Acme");

    // Olivia can neither see nor mark Max's notification.
    assert!(olivia.client.call::<ListNotifications>(&[]).await.json::<NotificationList>().items.is_empty());
    let refused = olivia.client.call::<ReadNotification>(&[("id", &mine.id.to_string())]).await;
    assert_eq!(refused.error(), Some(AppError::NotFound));
    assert_eq!(unread(&mut max.client).await, 1);
    // Row-level security says the same, whatever the query asks for.
    let mut tx = db.tx(Some(olivia.id), Some(a)).await;
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0);
    let updated = sqlx::query("UPDATE notifications SET read_at = now() WHERE agent_id = $1").bind(max.id).execute(&mut *tx).await.unwrap();
    assert_eq!(updated.rows_affected(), 0);
    tx.commit().await.unwrap();
    // Nobody writes a notification from a workgroup they are not acting in.
    let mut tx = db.tx(Some(olivia.id), Some(a)).await;
    let forged = sqlx::query("INSERT INTO notifications (workgroup_id, agent_id, kind, summary, link) VALUES ($1, $2, 'task_assigned', 'x', '/')")
        .bind(max.own_workgroup)
        .bind(max.id)
        .execute(&mut *tx)
        .await;
    assert!(forged.is_err(), "a notification from another workgroup was written");
    drop(tx);

    // Max reads it: the count falls. In his own workgroup, Olivia's notices are not counted.
    let read = max.client.call::<ReadNotification>(&[("id", &mine.id.to_string())]).await;
    assert!(read.error().is_none(), "{}", read.body);
    assert_eq!(unread(&mut max.client).await, 0);
    let again = olivia.client.call::<AssignTask>(&[("task_id", &task_ids(&db, created.json()).await[0].to_string()), ("assignee", &format!("agent:{}", max.id))]).await;
    assert!(again.error().is_none());
    assert_eq!(unread(&mut max.client).await, 1);
    switch(&mut max.client, max.own_workgroup).await;
    assert_eq!(unread(&mut max.client).await, 0);
    switch(&mut max.client, a).await;
    assert_eq!(max.client.call::<ReadAllNotifications>(&[]).await.json::<u64>(), 1);
    assert_eq!(unread(&mut max.client).await, 0);
}

#[tokio::test]
async fn licenses_running_out_are_told_once_per_pack_to_administrators_and_managers() {
    let db = test_db().await;
    let (mut olivia, mut max) = olivia_and_max(&db).await;
    let a = olivia.own_workgroup;
    let mut tx = db.tx(None, Some(a)).await;
    let soon = chrono::Utc::now() + chrono::Duration::days(10);
    let later = chrono::Utc::now() + chrono::Duration::days(300);
    tandem::licenses::store::acquire(&mut tx, a, "mailbox_migration", "purchase", 4, Some(soon), None, None).await.unwrap();
    tandem::licenses::store::acquire(&mut tx, a, "document_migration", "purchase", 4, Some(later), None, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(tandem::feed::reminders::notify_expiring_licenses(&db.pool).await.unwrap(), 2, "Olivia and Max (Manager)");
    assert_eq!(tandem::feed::reminders::notify_expiring_licenses(&db.pool).await.unwrap(), 0, "once per pack");
    let list: NotificationList = olivia.client.call::<ListNotifications>(&[]).await.json();
    assert_eq!(list.items.len(), 1);
    assert!(list.items[0].summary.starts_with("4 Mailbox Migration licenses expire on "), "{}", list.items[0].summary);
    assert_eq!(unread(&mut max.client).await, 1);
    // An Associate is not told.
    db.set_role(a, max.id, "associate").await;
    let mut tx = db.tx(None, Some(a)).await;
    tandem::licenses::store::acquire(&mut tx, a, "document_migration", "purchase", 1, Some(soon), None, None).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(tandem::feed::reminders::notify_expiring_licenses(&db.pool).await.unwrap(), 1);
    assert_eq!(unread(&mut max.client).await, 1);
}

/// A completed task written as the owner, with the figures a report adds up.
struct Done {
    service: Uuid,
    customer: Uuid,
    agent: Uuid,
    days_ago: i64,
    minutes: i32,
    worked: i64,
    est_cost: i64,
    act_cost: i64,
    pack: Option<Uuid>,
}

async fn seed_task(db: &TestDb, workgroup: Uuid, t: &Done) {
    let mut conn = db.owner_conn().await;
    sqlx::query(
        "INSERT INTO tasks (id, workgroup_id, service_id, position, name, instructions, estimated_minutes, customer_id, agent_id,
                            status, due_on, completed_at, worked_seconds, rate_cents, estimated_cost_cents, actual_cost_cents, pack_id)
         VALUES ($1, $2, $3, 1, 'Task', '', $4, $5, $6, 'completed', current_date, now() - make_interval(days => $7::int),
                 $8, 6000, $9, $10, $11)",
    )
    .bind(Uuid::new_v4())
    .bind(workgroup)
    .bind(t.service)
    .bind(t.minutes)
    .bind(t.customer)
    .bind(t.agent)
    .bind(t.days_ago as i32)
    .bind(t.worked)
    .bind(t.est_cost)
    .bind(t.act_cost)
    .bind(t.pack)
    .execute(&mut conn)
    .await
    .unwrap();
}

async fn seed_service(db: &TestDb, workgroup: Uuid, customer: Uuid, name: &str, by: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    let mut conn = db.owner_conn().await;
    sqlx::query(
        "INSERT INTO services (id, workgroup_id, customer_id, runbook_id, name, due_on, created_by, tasks_total)
         VALUES ($1, $2, $3, '8f2b6a4e-0001-4c1a-9d2e-000000000001', $4, current_date, $5, 10)",
    )
    .bind(id)
    .bind(workgroup)
    .bind(customer)
    .bind(name)
    .bind(by)
    .execute(&mut conn)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn report_figures_equal_figures_worked_out_by_hand() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let a = olivia.own_workgroup;
    let mut max = db.sign_up("Max").await;
    db.join_as(&mut max, a, "associate").await;
    let acme = customer(&db, a, "Acme").await;
    let bolt = customer(&db, a, "Bolt").await;
    let s1 = seed_service(&db, a, acme, "Acme onboarding", olivia.id).await;
    let s2 = seed_service(&db, a, acme, "Acme mailboxes", olivia.id).await;
    let s3 = seed_service(&db, a, bolt, "Bolt cleanup", olivia.id).await;
    let pack = Uuid::new_v4();
    owner_exec(
        &db,
        "INSERT INTO license_packs (id, workgroup_id, license_type, source, expires_at, consumed) VALUES ($1, $2, 'mailbox_migration', 'purchase', now() + interval '1 year', 2)",
        &[pack, a],
    )
    .await;
    let (o, m) = (olivia.id, max.id);
    let tasks = [
        // In range (the last 30 days):
        Done { service: s1, customer: acme, agent: o, days_ago: 1, minutes: 60, worked: 3000, est_cost: 6000, act_cost: 5000, pack: None },
        Done { service: s1, customer: acme, agent: m, days_ago: 2, minutes: 30, worked: 3600, est_cost: 3000, act_cost: 6000, pack: None },
        Done { service: s2, customer: acme, agent: m, days_ago: 3, minutes: 45, worked: 1800, est_cost: 4500, act_cost: 3000, pack: Some(pack) },
        Done { service: s2, customer: acme, agent: m, days_ago: 4, minutes: 45, worked: 2700, est_cost: 4500, act_cost: 4500, pack: Some(pack) },
        Done { service: s3, customer: bolt, agent: o, days_ago: 5, minutes: 120, worked: 9000, est_cost: 12000, act_cost: 15000, pack: None },
        // Before the range: left out.
        Done { service: s3, customer: bolt, agent: o, days_ago: 45, minutes: 600, worked: 99999, est_cost: 99999, act_cost: 99999, pack: None },
    ];
    for t in &tasks {
        seed_task(&db, a, t).await;
    }
    // An unfinished task counts nowhere.
    owner_exec(
        &db,
        "INSERT INTO tasks (id, workgroup_id, service_id, position, name, instructions, estimated_minutes, customer_id, due_on, worked_seconds)
         VALUES ($1, $2, $3, 2, 'Open', '', 500, $4, current_date, 777)",
        &[Uuid::new_v4(), a, s1, acme],
    )
    .await;
    // Another workgroup's completed work counts nowhere either.
    let other = db.sign_up("Otto").await;
    let oc = customer(&db, other.own_workgroup, "Other").await;
    let os = seed_service(&db, other.own_workgroup, oc, "Other", other.id).await;
    seed_task(&db, other.own_workgroup, &Done { service: os, customer: oc, agent: other.id, days_ago: 1, minutes: 60, worked: 60, est_cost: 1, act_cost: 1, pack: None }).await;

    // Per customer, by hand: Acme = tasks 1-4, Bolt = task 5.
    let r = report_by(&olivia.client, "customer").await;
    let figures: Vec<_> = r
        .rows
        .iter()
        .map(|x| (x.name.as_str(), x.tasks, x.estimated_minutes, x.worked_seconds, x.estimated_cost_cents, x.actual_cost_cents, x.licenses))
        .collect();
    assert_eq!(
        figures,
        vec![
            ("Acme", 4, 60 + 30 + 45 + 45, 3000 + 3600 + 1800 + 2700, Some(6000 + 3000 + 4500 + 4500), Some(5000 + 6000 + 3000 + 4500), 2),
            ("Bolt", 1, 120, 9000, Some(12000), Some(15000), 0),
        ]
    );
    assert_eq!(
        (r.totals.tasks, r.totals.estimated_minutes, r.totals.worked_seconds, r.totals.estimated_cost_cents, r.totals.actual_cost_cents, r.totals.licenses),
        (5, 300, 20100, Some(30000), Some(33500), 2)
    );
    assert!(r.shows_money);

    // Per service and per agent.
    let r = report_by(&olivia.client, "service").await;
    let figures: Vec<_> = r.rows.iter().map(|x| (x.name.as_str(), x.detail.as_deref(), x.tasks, x.actual_cost_cents, x.licenses)).collect();
    assert_eq!(
        figures,
        vec![("Acme mailboxes", Some("Acme"), 2, Some(7500), 2), ("Acme onboarding", Some("Acme"), 2, Some(11000), 0), ("Bolt cleanup", Some("Bolt"), 1, Some(15000), 0)]
    );
    let r = report_by(&olivia.client, "agent").await;
    let figures: Vec<_> = r.rows.iter().map(|x| (x.name.as_str(), x.tasks, x.estimated_minutes, x.worked_seconds, x.estimated_cost_cents)).collect();
    // Max joined as "Member" (the test helper's display name).
    assert_eq!(figures, vec![("Member", 3, 120, 8100, Some(12000)), ("Olivia", 2, 180, 12000, Some(18000))]);

    // A range that reaches back 60 days takes in the old task.
    let from = (chrono::Utc::now().date_naive() - chrono::Duration::days(60)).to_string();
    let wide: Report = olivia.client.call::<GetReport>(&[("from", &from), ("to", ""), ("by", "customer")]).await.json();
    assert_eq!(wide.totals.tasks, 6);
    let bad = olivia.client.call::<GetReport>(&[("from", "2026-12-31"), ("to", "2026-01-01"), ("by", "agent")]).await;
    assert!(bad.error().unwrap().for_field("from").is_some());

    // An Associate sees the effort, never the money.
    let r = report_by(&max.client, "customer").await;
    assert!(!r.shows_money);
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0].tasks, 4);
    assert!(r.rows.iter().chain([&r.totals]).all(|x| x.estimated_cost_cents.is_none() && x.actual_cost_cents.is_none()));
    let d: Dashboard = max.client.call::<GetDashboard>(&[]).await.json();
    assert_eq!(d.spend_this_month, None);

    // The export: real dates, currency cells for a Manager, no money for an Associate.
    let sheet = read_xlsx(&db, &olivia.client, "/reports/export.xlsx?by=customer").await;
    assert_eq!(sheet.0[4], vec!["Customer", "Tasks completed", "Estimated hours", "Actual hours", "Estimated cost", "Actual cost", "Licenses consumed"]);
    assert_eq!(sheet.0[5][0], "Acme");
    assert_eq!(sheet.0[5][4], "180");
    assert_eq!(sheet.0[5][5], "185");
    assert!(sheet.1, "the range is written as dates");
    let associate = read_xlsx(&db, &max.client, "/reports/export.xlsx?by=customer").await;
    assert_eq!(associate.0[4], vec!["Customer", "Tasks completed", "Estimated hours", "Actual hours", "Licenses consumed"]);
    let anonymous = Client::new(db.router()).get("/reports/export.xlsx").await;
    assert_eq!(anonymous.status, http::StatusCode::UNAUTHORIZED);
}

/// The first sheet's cells as text, and whether the start of the range (B2) is a date cell.
async fn read_xlsx(db: &TestDb, c: &Client, path: &str) -> (Vec<Vec<String>>, bool) {
    use calamine::{Data, Reader, Xlsx};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = http::Request::get(path).header(http::header::COOKIE, c.cookie.clone().unwrap()).body(axum::body::Body::empty()).unwrap();
    let res = db.router().oneshot(req).await.unwrap();
    assert_eq!(res.status(), http::StatusCode::OK);
    assert_eq!(res.headers()[http::header::CONTENT_TYPE], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Report").unwrap();
    let cells = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    let is_date = matches!(range.get_value((1, 1)), Some(Data::DateTime(_)));
    (cells, is_date)
}

async fn report_by(c: &Client, by: &str) -> Report {
    c.same_session().call::<GetReport>(&[("from", ""), ("to", ""), ("by", by)]).await.json()
}
