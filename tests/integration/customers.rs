//! Customers, their users and groups: who may use them, that they stay
//! inside their workgroup (and groups inside their customer), and CSV import.


use crate::common::{test_db, Client, TestDb};
use tandem::customers::*;
use tandem::error::AppError;
use uuid::Uuid;

async fn list(c: &mut Client, query: &str, page: u32) -> CustomerPage {
    c.call::<ListCustomers>(&[("query", query), ("page", &page.to_string())]).await.json()
}

/// Creates a customer and returns its id.
async fn new_customer(c: &mut Client, name: &str) -> String {
    let answer = c.call::<CreateCustomer>(&[("name", name)]).await;
    assert_eq!(answer.error(), None, "{}", answer.body);
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    list(c, &name, 1).await.customers.into_iter().find(|x| x.name == name).unwrap().id.to_string()
}

async fn overview(c: &mut Client, id: &str) -> CustomerOverview {
    c.call::<GetCustomerOverview>(&[("id", id), ("query", ""), ("page", "1")]).await.json()
}

async fn detail(c: &mut Client, id: &str) -> CustomerDetail {
    c.call::<GetCustomer>(&[("id", id)]).await.json()
}

async fn add_user(c: &mut Client, customer: &str, name: &str, email: &str) -> Option<AppError> {
    c.call::<AddCustomerUser>(&[("customer_id", customer), ("name", name), ("email", email)]).await.error()
}

async fn user_id(c: &mut Client, customer: &str, email: &str) -> String {
    detail(c, customer).await.users.into_iter().find(|u| u.email == email).unwrap().id.to_string()
}

async fn new_group(c: &mut Client, customer: &str, name: &str) -> String {
    assert_eq!(c.call::<CreateUserGroup>(&[("customer_id", customer), ("name", name)]).await.error(), None);
    detail(c, customer).await.groups.into_iter().find(|g| g.name == name).unwrap().id.to_string()
}

async fn import(c: &mut Client, customer: &str, csv: &str) -> Result<ImportReport, AppError> {
    let answer = c.call::<ImportCustomerUsers>(&[("customer_id", customer), ("csv", csv)]).await;
    match answer.error() {
        None => Ok(answer.json()),
        Some(e) => Err(e),
    }
}

#[tokio::test]
async fn customers_users_and_groups_are_kept() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let c = &mut ada.client;

    let contoso = new_customer(c, " Contoso   Ltd ").await;
    let dup = c.call::<CreateCustomer>(&[("name", "contoso ltd")]).await.error().unwrap();
    assert_eq!(dup.for_field("name").unwrap(), "A customer named contoso ltd already exists.");
    assert!(c.call::<CreateCustomer>(&[("name", "  ")]).await.error().unwrap().for_field("name").is_some());
    let fabrikam = new_customer(c, "Fabrikam").await;

    // Users one at a time; emails are unique per customer, whatever their case.
    assert_eq!(add_user(c, &contoso, "Grace Hopper", "grace@contoso.example").await, None);
    assert_eq!(add_user(c, &contoso, "Alan Turing", "alan@contoso.example").await, None);
    let again = add_user(c, &contoso, "Grace again", "GRACE@contoso.example").await.unwrap();
    assert_eq!(again.for_field("email").unwrap(), "GRACE@contoso.example is already a user of this customer.");
    assert!(add_user(c, &contoso, "Bad", "not-an-email").await.unwrap().for_field("email").is_some());
    assert!(add_user(c, &contoso, "", "x@y.example").await.unwrap().for_field("name").is_some());
    // The same person may be a user of another customer.
    assert_eq!(add_user(c, &fabrikam, "Grace Hopper", "grace@contoso.example").await, None);

    let found = list(c, "", 1).await;
    assert_eq!(found.total, 2);
    assert_eq!(found.customers[0].name, "Contoso Ltd");
    assert_eq!((found.customers[0].user_count, found.customers[0].group_count), (2, 0));
    assert_eq!(list(c, "FAB", 1).await.customers.len(), 1);
    assert_eq!(list(c, "zzz", 1).await.total, 0);

    // Rename, edit and delete.
    assert_eq!(c.call::<RenameCustomer>(&[("customer_id", &contoso), ("name", "Contoso")]).await.error(), None);
    let taken = c.call::<RenameCustomer>(&[("customer_id", &contoso), ("name", "FABRIKAM")]).await.error().unwrap();
    assert!(taken.for_field("name").unwrap().contains("already exists"));
    let alan = user_id(c, &contoso, "alan@contoso.example").await;
    let grace = user_id(c, &contoso, "grace@contoso.example").await;
    let edit = [("customer_id", contoso.as_str()), ("user_id", &alan), ("name", "Alan M. Turing"), ("email", "turing@contoso.example")];
    assert_eq!(c.call::<UpdateCustomerUser>(&edit).await.error(), None);
    let clash = [("customer_id", contoso.as_str()), ("user_id", &alan), ("name", "Alan"), ("email", "Grace@Contoso.example")];
    assert!(c.call::<UpdateCustomerUser>(&clash).await.error().unwrap().for_field("user_email").unwrap().contains("already a user"));

    // Groups.
    let hires = new_group(c, &contoso, "New hires").await;
    let dup = c.call::<CreateUserGroup>(&[("customer_id", &contoso), ("name", "new HIRES")]).await.error().unwrap();
    assert!(dup.for_field("name").unwrap().contains("already has a group"));
    for user in [&alan, &grace, &alan] {
        let fields = [("customer_id", contoso.as_str()), ("group_id", &hires), ("user_id", user)];
        assert_eq!(c.call::<AddGroupMember>(&fields).await.error(), None);
    }
    let d = detail(c, &contoso).await;
    assert_eq!(d.name, "Contoso");
    assert_eq!(d.users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["Alan M. Turing", "Grace Hopper"]);
    assert_eq!(d.groups.len(), 1);
    assert_eq!(d.groups[0].member_ids.len(), 2);
    let o = overview(c, &contoso).await;
    assert_eq!((o.user_count, o.groups[0].members.len()), (2, 2));

    let fields = [("customer_id", contoso.as_str()), ("group_id", &hires), ("user_id", &grace)];
    assert_eq!(c.call::<RemoveGroupMember>(&fields).await.error(), None);
    assert_eq!(c.call::<RemoveGroupMember>(&fields).await.error(), Some(AppError::NotFound));
    assert_eq!(c.call::<RenameUserGroup>(&[("customer_id", &contoso), ("group_id", &hires), ("name", "March hires")]).await.error(), None);
    // Deleting a user takes them out of their groups.
    assert_eq!(c.call::<DeleteCustomerUser>(&[("customer_id", &contoso), ("user_id", &alan)]).await.error(), None);
    let d = detail(c, &contoso).await;
    assert_eq!((d.users.len(), d.groups[0].name.as_str(), d.groups[0].member_ids.len()), (1, "March hires", 0));
    assert_eq!(c.call::<DeleteUserGroup>(&[("customer_id", &contoso), ("group_id", &hires)]).await.error(), None);
    assert!(detail(c, &contoso).await.groups.is_empty());
}

#[tokio::test]
async fn users_and_customers_come_in_pages() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let c = &mut ada.client;
    let contoso = new_customer(c, "Contoso").await;
    let csv: String = (0..120).map(|i| format!("User {i:03},user{i:03}@contoso.example\n")).collect();
    assert_eq!(import(c, &contoso, &csv).await.unwrap().added, 120);
    let page = |p: u32| [("id", contoso.clone()), ("query", String::new()), ("page", p.to_string())];
    let mut seen = Vec::new();
    for p in 1..=3 {
        let fields = page(p);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let o: CustomerOverview = c.call::<GetCustomerOverview>(&fields).await.json();
        assert_eq!((o.users.total, o.user_count), (120, 120));
        seen.extend(o.users.users.into_iter().map(|u| u.name));
    }
    assert_eq!(seen.len(), 120);
    assert_eq!(seen[0], "User 000");
    assert_eq!(seen[119], "User 119");
    let o: CustomerOverview = c.call::<GetCustomerOverview>(&[("id", &contoso), ("query", "USER011"), ("page", "1")]).await.json();
    assert_eq!(o.users.users.len(), 1);
    assert_eq!(o.users.total, 1);

    for i in 0..(PAGE_SIZE + 3) {
        c.call::<CreateCustomer>(&[("name", &format!("Customer {i:03}"))]).await;
    }
    let first = list(c, "customer", 1).await;
    let second = list(c, "customer", 2).await;
    assert_eq!((first.customers.len(), second.customers.len(), first.total), (PAGE_SIZE as usize, 3, PAGE_SIZE as i64 + 3));
    assert_eq!(second.customers[2].name, format!("Customer {:03}", PAGE_SIZE + 2));
}

#[tokio::test]
async fn csv_import_takes_good_rows_and_reports_the_others() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let c = &mut ada.client;
    let contoso = new_customer(c, "Contoso").await;
    assert_eq!(add_user(c, &contoso, "Grace Hopper", "grace@contoso.example").await, None);

    let csv = "Name,Email\n\
               \"Lovelace, Ada\",ada@contoso.example\n\
               ,nobody@contoso.example\n\
               Carl,carl@\n\
               Dee,dee@contoso.example\n\
               Dee again,DEE@contoso.example\n\
               Grace H.,Grace@Contoso.example\n\
               \n\
               Eve,eve@contoso.example\n";
    let report = import(c, &contoso, csv).await.unwrap();
    assert_eq!(report.added, 3);
    let refused: Vec<(u64, &str)> = report.refused.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert_eq!(refused[0], (3, "Missing name."));
    assert!(refused[1].0 == 4 && refused[1].1.starts_with("Bad email"), "{refused:?}");
    assert!(refused[2].0 == 6 && refused[2].1.contains("Duplicate in the file") && refused[2].1.contains("line 5"), "{refused:?}");
    assert_eq!(refused[3], (7, "Already a user of this customer."));
    let names: Vec<String> = detail(c, &contoso).await.users.into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["Dee", "Eve", "Grace Hopper", "Lovelace, Ada"]);

    // The page shows the report (after a form post without JavaScript, too),
    // however often it is rendered, for ten minutes.
    for _ in 0..2 {
        let shown = c.call::<TakeImportReport>(&[("customer_id", &contoso)]).await.json::<Option<ImportReport>>();
        assert_eq!(shown.as_ref(), Some(&report));
    }
    db.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(c.call::<TakeImportReport>(&[("customer_id", &contoso)]).await.json::<Option<ImportReport>>(), None);

    // Importing the same rows again adds nobody.
    let again = import(c, &contoso, "ada@contoso.example,Ada\nAda,ada@contoso.example\n").await.unwrap();
    assert_eq!(again.added, 0);
    assert_eq!(again.refused.len(), 2);
    assert_eq!(again.refused[1].reason, "Already a user of this customer.");

    // Requests that cannot be taken whole change nothing.
    let too_many: String = (0..=MAX_IMPORT_ROWS).map(|i| format!("U{i},u{i}@bulk.example\n")).collect();
    let e = import(c, &contoso, &too_many).await.unwrap_err();
    assert!(e.for_field("csv").unwrap().contains("5,000"), "{e:?}");
    assert!(import(c, &contoso, "name,email\n").await.unwrap_err().for_field("csv").is_some());
    assert_eq!(import(c, &Uuid::new_v4().to_string(), "Zed,zed@x.example").await.unwrap_err(), AppError::NotFound);
    assert_eq!(import(c, "not-an-id", "Zed,zed@x.example").await.unwrap_err(), AppError::NotFound);
    assert_eq!(detail(c, &contoso).await.users.len(), 4);

    // Exactly the cap is fine.
    let fabrikam = new_customer(c, "Fabrikam").await;
    let full: String = (0..MAX_IMPORT_ROWS).map(|i| format!("U{i},u{i}@bulk.example\n")).collect();
    assert_eq!(import(c, &fabrikam, &full).await.unwrap().added, MAX_IMPORT_ROWS as u32);
}

/// Every customer function, called with the ids given, as one agent.
/// Returns each call's error (None when it succeeded).
async fn call_everything(c: &mut Client, customer: &str, user: &str, group: &str, tag: &str) -> Vec<(&'static str, Option<AppError>)> {
    let email = format!("{tag}@calls.example");
    let csv = format!("Imported {tag},imported.{tag}@calls.example");
    vec![
        ("list_customers", c.call::<ListCustomers>(&[("query", ""), ("page", "1")]).await.error()),
        ("get_customer", c.call::<GetCustomer>(&[("id", customer)]).await.error()),
        ("get_customer_overview", c.call::<GetCustomerOverview>(&[("id", customer), ("query", ""), ("page", "1")]).await.error()),
        ("rename_customer", c.call::<RenameCustomer>(&[("customer_id", customer), ("name", &format!("Renamed by {tag}"))]).await.error()),
        ("add_customer_user", c.call::<AddCustomerUser>(&[("customer_id", customer), ("name", tag), ("email", &email)]).await.error()),
        (
            "update_customer_user",
            c.call::<UpdateCustomerUser>(&[("customer_id", customer), ("user_id", user), ("name", tag), ("email", &format!("u.{email}"))])
                .await
                .error(),
        ),
        ("import_customer_users", c.call::<ImportCustomerUsers>(&[("customer_id", customer), ("csv", &csv)]).await.error()),
        ("take_import_report", c.call::<TakeImportReport>(&[("customer_id", customer)]).await.error()),
        ("create_user_group", c.call::<CreateUserGroup>(&[("customer_id", customer), ("name", &format!("Group of {tag}"))]).await.error()),
        (
            "rename_user_group",
            c.call::<RenameUserGroup>(&[("customer_id", customer), ("group_id", group), ("name", &format!("Group renamed by {tag}"))])
                .await
                .error(),
        ),
        ("add_group_member", c.call::<AddGroupMember>(&[("customer_id", customer), ("group_id", group), ("user_id", user)]).await.error()),
        ("remove_group_member", c.call::<RemoveGroupMember>(&[("customer_id", customer), ("group_id", group), ("user_id", user)]).await.error()),
        ("delete_user_group", c.call::<DeleteUserGroup>(&[("customer_id", customer), ("group_id", group)]).await.error()),
        ("delete_customer_user", c.call::<DeleteCustomerUser>(&[("customer_id", customer), ("user_id", user)]).await.error()),
        ("create_customer", c.call::<CreateCustomer>(&[("name", &format!("Customer of {tag}"))]).await.error()),
    ]
}

/// A customer with one user in one group, made by `c`: (customer, user, group).
async fn arrange(c: &mut Client, name: &str) -> (String, String, String) {
    let customer = new_customer(c, name).await;
    assert_eq!(add_user(c, &customer, "Someone", &format!("someone@{}.example", name.to_lowercase().replace(' ', "-"))).await, None);
    let user = detail(c, &customer).await.users[0].id.to_string();
    let group = new_group(c, &customer, "Group").await;
    (customer, user, group)
}

#[tokio::test]
async fn role_matrix_for_customers() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    for role in ["administrator", "manager", "associate", "inactive"] {
        let mut agent = db.sign_up(role).await;
        db.join_as(&mut agent, wg, role).await;
        let (customer, user, group) = arrange(&mut olivia.client, &format!("Customer for {role}")).await;
        let expected = if role == "inactive" { Some(AppError::Forbidden) } else { None };
        for (function, error) in call_everything(&mut agent.client, &customer, &user, &group, role).await {
            assert_eq!(error, expected, "{function} as {role}");
        }
        if role == "inactive" {
            // Nothing changed.
            let d = detail(&mut olivia.client, &customer).await;
            assert_eq!((d.name.as_str(), d.users.len(), d.groups.len()), (format!("Customer for {role}").as_str(), 1, 1));
        }
    }
    let (customer, user, group) = arrange(&mut olivia.client, "For strangers").await;
    let mut stranger = Client::new(db.router());
    for (function, error) in call_everything(&mut stranger, &customer, &user, &group, "stranger").await {
        assert_eq!(error, Some(AppError::Unauthenticated), "{function} signed out");
    }
    // Seven customers made for the roles, and one each by the three who may.
    assert_eq!(list(&mut olivia.client, "", 1).await.total, 8);
}

#[tokio::test]
async fn another_workgroups_customers_users_and_groups_are_out_of_reach() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut bob = db.sign_up("Bob").await;
    let (customer, user, group) = arrange(&mut ada.client, "Contoso").await;
    let fields = [("customer_id", customer.as_str()), ("group_id", &group), ("user_id", &user)];
    assert_eq!(ada.client.call::<AddGroupMember>(&fields).await.error(), None);
    let before = detail(&mut ada.client, &customer).await;

    let (own_customer, own_user, own_group) = arrange(&mut bob.client, "Bob's customer").await;
    for (function, error) in call_everything(&mut bob.client, &customer, &user, &group, "bob").await {
        match function {
            // Bob's own list, and a customer created in Bob's workgroup.
            "list_customers" | "create_customer" => assert_eq!(error, None, "{function}"),
            // Nothing to show: the report kept is Bob's own (of his refused import), not Ada's.
            "take_import_report" => assert_eq!(error, None, "{function}"),
            _ => assert_eq!(error, Some(AppError::NotFound), "{function} with Ada's ids"),
        }
    }
    // Mixed: Bob's customer with Ada's user or group, and the other way round.
    let b = &mut bob.client;
    for fields in [
        [("customer_id", own_customer.as_str()), ("group_id", &own_group), ("user_id", &user)],
        [("customer_id", own_customer.as_str()), ("group_id", &group), ("user_id", &own_user)],
        [("customer_id", customer.as_str()), ("group_id", &own_group), ("user_id", &own_user)],
    ] {
        assert_eq!(b.call::<AddGroupMember>(&fields).await.error(), Some(AppError::NotFound));
    }
    let bobs = list(b, "", 1).await;
    assert!(bobs.customers.iter().all(|c| c.id.to_string() != customer));
    assert_eq!(list(b, "contoso", 1).await.total, 0);

    // Ada's customer is as it was.
    assert_eq!(detail(&mut ada.client, &customer).await, before);
    assert_eq!(list(&mut ada.client, "", 1).await.total, 1);

    // The store functions others call find nothing of Ada's from Bob's workgroup.
    let (customer, user, group) = (customer.parse::<Uuid>().unwrap(), user.parse::<Uuid>().unwrap(), group.parse::<Uuid>().unwrap());
    let mut tx = db.tx(Some(bob.id), Some(bob.own_workgroup)).await;
    assert!(!store::exists(&mut tx, bob.own_workgroup, customer).await.unwrap());
    assert!(store::users_of(&mut tx, bob.own_workgroup, customer, &[user]).await.unwrap().is_empty());
    assert!(store::group_members(&mut tx, bob.own_workgroup, customer, group).await.unwrap().is_empty());
    // Even naming Ada's workgroup: row-level security hides it from Bob's transaction.
    assert!(!store::exists(&mut tx, ada.own_workgroup, customer).await.unwrap());
    assert!(store::users_of(&mut tx, ada.own_workgroup, customer, &[user]).await.unwrap().is_empty());
    tx.rollback().await.unwrap();
    let mut tx = db.tx(Some(ada.id), Some(ada.own_workgroup)).await;
    assert!(store::exists(&mut tx, ada.own_workgroup, customer).await.unwrap());
    assert_eq!(store::users_of(&mut tx, ada.own_workgroup, customer, &[user, Uuid::new_v4()]).await.unwrap().len(), 1);
    assert_eq!(store::group_members(&mut tx, ada.own_workgroup, customer, group).await.unwrap().len(), 1);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn groups_hold_only_their_own_customers_users() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let wg = ada.own_workgroup;
    let c = &mut ada.client;
    let (contoso, contoso_user, contoso_group) = arrange(c, "Contoso").await;
    let (fabrikam, fabrikam_user, _) = arrange(c, "Fabrikam").await;

    // Fabrikam's user cannot join Contoso's group, however the ids are combined.
    for customer in [&contoso, &fabrikam] {
        let fields = [("customer_id", customer.as_str()), ("group_id", &contoso_group), ("user_id", &fabrikam_user)];
        assert_eq!(c.call::<AddGroupMember>(&fields).await.error(), Some(AppError::NotFound));
    }
    // Nor is Contoso's user reachable through Fabrikam.
    let fields = [("customer_id", fabrikam.as_str()), ("user_id", &contoso_user)];
    assert_eq!(c.call::<DeleteCustomerUser>(&fields).await.error(), Some(AppError::NotFound));
    assert!(detail(c, &contoso).await.groups[0].member_ids.is_empty());

    let (contoso, fabrikam_user, contoso_group) =
        (contoso.parse::<Uuid>().unwrap(), fabrikam_user.parse::<Uuid>().unwrap(), contoso_group.parse::<Uuid>().unwrap());
    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
    assert!(store::users_of(&mut tx, wg, contoso, &[fabrikam_user]).await.unwrap().is_empty());
    assert!(!store::add_member(&mut tx, wg, contoso, contoso_group, fabrikam_user).await.unwrap());
    tx.rollback().await.unwrap();

    // The schema refuses it too, whatever the code does.
    let mut conn = db.owner_conn().await;
    let direct = sqlx::query("INSERT INTO user_group_members (workgroup_id, customer_id, group_id, user_id) VALUES ($1, $2, $3, $4)")
        .bind(wg)
        .bind(contoso)
        .bind(contoso_group)
        .bind(fabrikam_user)
        .execute(&mut conn)
        .await;
    assert!(direct.is_err());
}

#[tokio::test]
async fn users_and_groups_that_tasks_refer_to_are_not_deleted() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let (customer, user, group) = arrange(&mut ada.client, "Contoso").await;
    stand_in_for_tasks(&db, &customer, &user, &group).await;
    let c = &mut ada.client;
    let e = c.call::<DeleteCustomerUser>(&[("customer_id", &customer), ("user_id", &user)]).await.error().unwrap();
    assert_eq!(e, AppError::Conflict("This user is part of a service's tasks, so it cannot be deleted.".into()));
    let e = c.call::<DeleteUserGroup>(&[("customer_id", &customer), ("group_id", &group)]).await.error().unwrap();
    assert_eq!(e, AppError::Conflict("This group is part of a service's tasks, so it cannot be deleted.".into()));
    let d = detail(c, &customer).await;
    assert_eq!((d.users.len(), d.groups.len()), (1, 1));
}

/// A table referring to a user and a group the way tasks do.
async fn stand_in_for_tasks(db: &TestDb, customer: &str, user: &str, group: &str) {
    let mut conn = db.owner_conn().await;
    for sql in [
        "CREATE TABLE task_stand_in (workgroup_id uuid NOT NULL, customer_id uuid NOT NULL, user_id uuid, group_id uuid,
           FOREIGN KEY (workgroup_id, customer_id, user_id) REFERENCES customer_users (workgroup_id, customer_id, id),
           FOREIGN KEY (workgroup_id, customer_id, group_id) REFERENCES user_groups (workgroup_id, customer_id, id))",
        "INSERT INTO task_stand_in SELECT workgroup_id, customer_id, id, NULL FROM customer_users",
        "INSERT INTO task_stand_in SELECT workgroup_id, customer_id, NULL, id FROM user_groups",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    }
    let _ = (customer, user, group);
}
