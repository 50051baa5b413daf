//! SQL for customers, their users and groups. Every query names the
//! workgroup, and those on users and groups name the customer too: an id of
//! another workgroup or another customer simply finds nothing.

use super::{CustomerChoice, CustomerPage, CustomerSummary, CustomerUser, GroupView, UserGroup, UserPage, PAGE_SIZE};
use crate::error::AppResult;
use crate::server::db::Tx;
use std::collections::HashSet;
use uuid::Uuid;

fn offset(page: u32) -> i64 {
    (page.max(1) as i64 - 1) * PAGE_SIZE as i64
}

/// The workgroup's customers whose name contains `query` (any case), by name.
pub async fn list(tx: &mut Tx, workgroup_id: Uuid, query: &str, page: u32) -> Result<CustomerPage, sqlx::Error> {
    let needle = query.trim().to_lowercase();
    let rows = sqlx::query!(
        r#"SELECT c.id, c.name,
                  (SELECT count(*) FROM customer_users u WHERE u.workgroup_id = c.workgroup_id AND u.customer_id = c.id) AS "user_count!",
                  (SELECT count(*) FROM user_groups g WHERE g.workgroup_id = c.workgroup_id AND g.customer_id = c.id) AS "group_count!"
             FROM customers c
            WHERE c.workgroup_id = $1 AND strpos(lower(c.name), $2) > 0
            ORDER BY lower(c.name), c.id
            LIMIT $3 OFFSET $4"#,
        workgroup_id,
        needle,
        PAGE_SIZE as i64,
        offset(page)
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM customers WHERE workgroup_id = $1 AND strpos(lower(name), $2) > 0"#,
        workgroup_id,
        needle
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(CustomerPage {
        customers: rows
            .into_iter()
            .map(|r| CustomerSummary { id: r.id, name: r.name, user_count: r.user_count, group_count: r.group_count })
            .collect(),
        query: query.trim().to_string(),
        page: page.max(1),
        total,
    })
}

pub async fn create(tx: &mut Tx, workgroup_id: Uuid, name: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO customers (id, workgroup_id, name) VALUES ($1, $2, $3)", id, workgroup_id, name)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn rename(tx: &mut Tx, workgroup_id: Uuid, id: Uuid, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("UPDATE customers SET name = $3 WHERE workgroup_id = $1 AND id = $2", workgroup_id, id, name)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The workgroup's customers for a choice list: the first thousand by name.
pub async fn choices(tx: &mut Tx, workgroup_id: Uuid) -> Result<Vec<CustomerChoice>, sqlx::Error> {
    sqlx::query_as!(
        CustomerChoice,
        "SELECT id, name FROM customers WHERE workgroup_id = $1 ORDER BY lower(name), id LIMIT 1000",
        workgroup_id
    )
    .fetch_all(&mut **tx)
    .await
}

/// Whether the customer is one of this workgroup's.
pub async fn exists(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM customers WHERE workgroup_id = $1 AND id = $2) AS "exists!""#,
        workgroup_id,
        customer_id
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn name_of(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM customers WHERE workgroup_id = $1 AND id = $2", workgroup_id, customer_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Locks the customer's row, so that concurrent imports into it take turns.
pub async fn lock(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        "SELECT id FROM customers WHERE workgroup_id = $1 AND id = $2 FOR UPDATE",
        workgroup_id,
        customer_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Every user of the customer, by name.
pub async fn all_users(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Vec<CustomerUser>, sqlx::Error> {
    sqlx::query_as!(
        CustomerUser,
        "SELECT id, name, email FROM customer_users
          WHERE workgroup_id = $1 AND customer_id = $2 ORDER BY lower(name), id",
        workgroup_id,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await
}

/// One page of the customer's users whose name or email contains `query`.
pub async fn users_page(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, query: &str, page: u32) -> Result<UserPage, sqlx::Error> {
    let needle = query.trim().to_lowercase();
    let users = sqlx::query_as!(
        CustomerUser,
        "SELECT id, name, email FROM customer_users
          WHERE workgroup_id = $1 AND customer_id = $2
            AND (strpos(lower(name), $3) > 0 OR strpos(lower(email), $3) > 0)
          ORDER BY lower(name), id
          LIMIT $4 OFFSET $5",
        workgroup_id,
        customer_id,
        needle,
        PAGE_SIZE as i64,
        offset(page)
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM customer_users
            WHERE workgroup_id = $1 AND customer_id = $2
              AND (strpos(lower(name), $3) > 0 OR strpos(lower(email), $3) > 0)"#,
        workgroup_id,
        customer_id,
        needle
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(UserPage { users, query: query.trim().to_string(), page: page.max(1), total })
}

pub async fn user_count(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM customer_users WHERE workgroup_id = $1 AND customer_id = $2"#,
        workgroup_id,
        customer_id
    )
    .fetch_one(&mut **tx)
    .await
}

/// Those of `user_ids` that are users of this customer of this workgroup.
pub async fn users_of(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, user_ids: &[Uuid]) -> AppResult<Vec<CustomerUser>> {
    Ok(sqlx::query_as!(
        CustomerUser,
        "SELECT id, name, email FROM customer_users
          WHERE workgroup_id = $1 AND customer_id = $2 AND id = ANY($3)
          ORDER BY lower(name), id",
        workgroup_id,
        customer_id,
        user_ids
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Whether the group is one of this customer's (of this workgroup).
pub async fn group_exists(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM user_groups WHERE id = $1 AND workgroup_id = $2 AND customer_id = $3) AS "e!""#,
        group_id,
        workgroup_id,
        customer_id
    )
    .fetch_one(&mut **tx)
    .await
}

/// The users in one of this customer's groups (none if the group is not its).
pub async fn group_members(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid) -> AppResult<Vec<CustomerUser>> {
    Ok(sqlx::query_as!(
        CustomerUser,
        "SELECT u.id, u.name, u.email
           FROM user_group_members m
           JOIN customer_users u ON u.workgroup_id = m.workgroup_id AND u.customer_id = m.customer_id AND u.id = m.user_id
          WHERE m.workgroup_id = $1 AND m.customer_id = $2 AND m.group_id = $3
          ORDER BY lower(u.name), u.id",
        workgroup_id,
        customer_id,
        group_id
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Adds a user; `None` when the customer is not this workgroup's.
pub async fn add_user(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, name: &str, email: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO customer_users (id, workgroup_id, customer_id, name, email)
         SELECT $3, workgroup_id, id, $4, $5 FROM customers WHERE workgroup_id = $1 AND id = $2
         RETURNING id",
        workgroup_id,
        customer_id,
        Uuid::new_v4(),
        name,
        email
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_user(
    tx: &mut Tx,
    workgroup_id: Uuid,
    customer_id: Uuid,
    user_id: Uuid,
    name: &str,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE customer_users SET name = $4, email = $5 WHERE workgroup_id = $1 AND customer_id = $2 AND id = $3",
        workgroup_id,
        customer_id,
        user_id,
        name,
        email
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_user(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM customer_users WHERE workgroup_id = $1 AND customer_id = $2 AND id = $3",
        workgroup_id,
        customer_id,
        user_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which of `emails` (lowercase) are already users of the customer.
pub async fn existing_emails(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, emails: &[String]) -> Result<HashSet<String>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"SELECT lower(email) AS "email!" FROM customer_users
            WHERE workgroup_id = $1 AND customer_id = $2 AND lower(email) = ANY($3)"#,
        workgroup_id,
        customer_id,
        emails
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Adds many users in one statement; an email the customer has by now (a
/// user added meanwhile) is skipped. Returns the emails (lowercase) that went in.
pub async fn insert_users(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, names: &[String], emails: &[String]) -> Result<HashSet<String>, sqlx::Error> {
    let ids: Vec<Uuid> = names.iter().map(|_| Uuid::new_v4()).collect();
    let rows = sqlx::query_scalar!(
        r#"INSERT INTO customer_users (id, workgroup_id, customer_id, name, email)
           SELECT r.id, $1, $2, r.name, r.email FROM UNNEST($3::uuid[], $4::text[], $5::text[]) AS r (id, name, email)
           ON CONFLICT (workgroup_id, customer_id, (lower(email))) DO NOTHING
           RETURNING lower(email) AS "email!""#,
        workgroup_id,
        customer_id,
        &ids,
        names,
        emails
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The customer's groups with their members, by name.
pub async fn groups(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Vec<GroupView>, sqlx::Error> {
    let groups = sqlx::query!(
        "SELECT id, name FROM user_groups WHERE workgroup_id = $1 AND customer_id = $2 ORDER BY lower(name), id",
        workgroup_id,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let members = sqlx::query!(
        "SELECT m.group_id, u.id, u.name, u.email
           FROM user_group_members m
           JOIN customer_users u ON u.workgroup_id = m.workgroup_id AND u.customer_id = m.customer_id AND u.id = m.user_id
          WHERE m.workgroup_id = $1 AND m.customer_id = $2
          ORDER BY lower(u.name), u.id",
        workgroup_id,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(groups
        .into_iter()
        .map(|g| GroupView {
            members: members
                .iter()
                .filter(|m| m.group_id == g.id)
                .map(|m| CustomerUser { id: m.id, name: m.name.clone(), email: m.email.clone() })
                .collect(),
            id: g.id,
            name: g.name,
        })
        .collect())
}

/// The customer's groups with the ids of their members.
pub async fn group_ids(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid) -> Result<Vec<UserGroup>, sqlx::Error> {
    Ok(groups(tx, workgroup_id, customer_id)
        .await?
        .into_iter()
        .map(|g| UserGroup { id: g.id, name: g.name, member_ids: g.members.into_iter().map(|m| m.id).collect() })
        .collect())
}

/// Creates a group; `None` when the customer is not this workgroup's.
pub async fn create_group(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO user_groups (id, workgroup_id, customer_id, name)
         SELECT $3, workgroup_id, id, $4 FROM customers WHERE workgroup_id = $1 AND id = $2
         RETURNING id",
        workgroup_id,
        customer_id,
        Uuid::new_v4(),
        name
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn rename_group(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE user_groups SET name = $4 WHERE workgroup_id = $1 AND customer_id = $2 AND id = $3",
        workgroup_id,
        customer_id,
        group_id,
        name
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_group(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM user_groups WHERE workgroup_id = $1 AND customer_id = $2 AND id = $3",
        workgroup_id,
        customer_id,
        group_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a user of the customer into one of its groups. False when the
/// group or the user is not this customer's (in this workgroup).
pub async fn add_member(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO user_group_members (workgroup_id, customer_id, group_id, user_id)
         SELECT g.workgroup_id, g.customer_id, g.id, u.id
           FROM user_groups g
           JOIN customer_users u ON u.workgroup_id = g.workgroup_id AND u.customer_id = g.customer_id
          WHERE g.workgroup_id = $1 AND g.customer_id = $2 AND g.id = $3 AND u.id = $4
         ON CONFLICT DO NOTHING",
        workgroup_id,
        customer_id,
        group_id,
        user_id
    )
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    // Already in the group counts as done; anything else was not found.
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM user_group_members
                           WHERE workgroup_id = $1 AND customer_id = $2 AND group_id = $3 AND user_id = $4) AS "exists!""#,
        workgroup_id,
        customer_id,
        group_id,
        user_id
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn remove_member(tx: &mut Tx, workgroup_id: Uuid, customer_id: Uuid, group_id: Uuid, user_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM user_group_members WHERE workgroup_id = $1 AND customer_id = $2 AND group_id = $3 AND user_id = $4",
        workgroup_id,
        customer_id,
        group_id,
        user_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
