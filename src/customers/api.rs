//! Server functions for customers, their users and groups: Administrators,
//! Managers and Associates use them all; Inactive members none.

use super::{CustomerDetail, CustomerOverview, CustomerPage, ImportReport};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::{import, parse_name, parse_user_email, store, RefusedRow, MAX_REPORTED_ROWS},
    crate::server::context::{authorize, parse_id, session},
    crate::workgroups::Role,
};

/// Session key of the last import's report, shown once on the customer's page.
#[cfg(feature = "ssr")]
const IMPORT_REPORT_KEY: &str = "customer_import_report";

/// Turns the database's refusals into messages a person can act on.
#[cfg(feature = "ssr")]
fn refused(e: sqlx::Error, field: &str, value: &str) -> AppError {
    crate::error::on_constraint(
        e,
        [
            ("customers_name_key", AppError::validation(field, format!("A customer named {value} already exists."))),
            ("customer_users_email_key", AppError::validation(field, format!("{value} is already a user of this customer."))),
            ("user_groups_name_key", AppError::validation(field, format!("This customer already has a group named {value}."))),
        ],
    )
}

/// A user or group that services' tasks refer to stays (the tasks keep it).
#[cfg(feature = "ssr")]
fn in_use(e: sqlx::Error, what: &str) -> AppError {
    if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("23503") {
        AppError::Conflict(format!("This {what} is part of a service's tasks, so it cannot be deleted."))
    } else {
        e.into()
    }
}

#[server]
pub async fn list_customers(query: String, page: u32) -> Result<CustomerPage, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let found = store::list(&mut tx, ctx.workgroup_id, &query, page).await?;
    tx.commit().await?;
    Ok(found)
}

/// A customer with all its users and its groups (with their members' ids).
#[server]
pub async fn get_customer(id: String) -> Result<CustomerDetail, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let id = parse_id(&id)?;
    let mut tx = ctx.begin(&state).await?;
    let name = store::name_of(&mut tx, ctx.workgroup_id, id).await?.ok_or(AppError::NotFound)?;
    let users = store::all_users(&mut tx, ctx.workgroup_id, id).await?;
    let groups = store::group_ids(&mut tx, ctx.workgroup_id, id).await?;
    tx.commit().await?;
    Ok(CustomerDetail { id, name, users, groups })
}

/// What the customer's page shows: one page of its users (filtered by
/// `query`) and all its groups with their members.
#[server]
pub async fn get_customer_overview(id: String, query: String, page: u32) -> Result<CustomerOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let id = parse_id(&id)?;
    let mut tx = ctx.begin(&state).await?;
    let name = store::name_of(&mut tx, ctx.workgroup_id, id).await?.ok_or(AppError::NotFound)?;
    let user_count = store::user_count(&mut tx, ctx.workgroup_id, id).await?;
    let users = store::users_page(&mut tx, ctx.workgroup_id, id, &query, page).await?;
    let groups = store::groups(&mut tx, ctx.workgroup_id, id).await?;
    tx.commit().await?;
    Ok(CustomerOverview { id, name, user_count, users, groups })
}

/// Creates a customer and opens its page.
#[server]
pub async fn create_customer(name: String) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let name = parse_name("name", &name, "customer")?;
    let mut tx = ctx.begin(&state).await?;
    let id = store::create(&mut tx, ctx.workgroup_id, &name).await.map_err(|e| refused(e, "name", &name))?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/customers/{id}"));
    Ok(id)
}

#[server]
pub async fn rename_customer(customer_id: String, name: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = parse_id(&customer_id)?;
    let name = parse_name("name", &name, "customer")?;
    let mut tx = ctx.begin(&state).await?;
    if !store::rename(&mut tx, ctx.workgroup_id, customer_id, &name).await.map_err(|e| refused(e, "name", &name))? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn add_customer_user(customer_id: String, name: String, email: String) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = parse_id(&customer_id)?;
    let name = parse_name("name", &name, "user")?;
    let email = parse_user_email("email", &email)?;
    let mut tx = ctx.begin(&state).await?;
    let id = store::add_user(&mut tx, ctx.workgroup_id, customer_id, &name, &email)
        .await
        .map_err(|e| refused(e, "email", &email))?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(id)
}

#[server]
pub async fn update_customer_user(customer_id: String, user_id: String, name: String, email: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, user_id) = (parse_id(&customer_id)?, parse_id(&user_id)?);
    let name = parse_name("user_name", &name, "user")?;
    let email = parse_user_email("user_email", &email)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::update_user(&mut tx, ctx.workgroup_id, customer_id, user_id, &name, &email)
        .await
        .map_err(|e| refused(e, "user_email", &email))?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn delete_customer_user(customer_id: String, user_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, user_id) = (parse_id(&customer_id)?, parse_id(&user_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::delete_user(&mut tx, ctx.workgroup_id, customer_id, user_id).await.map_err(|e| in_use(e, "user"))? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Adds every valid `name,email` row of `csv` and reports each refused row
/// with its reason. The report is also kept for the customer's page to show
/// once (a page without JavaScript gets it after the form's redirect).
#[server]
pub async fn import_customer_users(customer_id: String, csv: String) -> Result<ImportReport, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = parse_id(&customer_id)?;
    let checked = import::check(&csv)?;
    let mut tx = ctx.begin(&state).await?;
    if !store::lock(&mut tx, ctx.workgroup_id, customer_id).await? {
        return Err(AppError::NotFound);
    }
    let emails: Vec<String> = checked.rows.iter().map(|r| r.email.to_lowercase()).collect();
    let existing = store::existing_emails(&mut tx, ctx.workgroup_id, customer_id, &emails).await?;
    let (fresh, known): (Vec<_>, Vec<_>) = checked.rows.into_iter().partition(|r| !existing.contains(&r.email.to_lowercase()));
    let names: Vec<String> = fresh.iter().map(|r| r.name.clone()).collect();
    let emails: Vec<String> = fresh.iter().map(|r| r.email.clone()).collect();
    let inserted = store::insert_users(&mut tx, ctx.workgroup_id, customer_id, &names, &emails).await?;
    tx.commit().await?;

    let mut refused = checked.refused;
    let already = fresh.iter().filter(|r| !inserted.contains(&r.email.to_lowercase())).chain(known.iter());
    refused.extend(already.map(|r| RefusedRow {
        line: r.line,
        text: format!("{}, {}", r.name, r.email),
        reason: "Already a user of this customer.".to_string(),
    }));
    refused.sort_by_key(|r| r.line);
    let more_refused = refused.len().saturating_sub(MAX_REPORTED_ROWS) as u32;
    refused.truncate(MAX_REPORTED_ROWS);
    let report = ImportReport { added: inserted.len() as u32, refused, more_refused };
    tracing::info!(%customer_id, added = report.added, refused = report.refused_total(), "users imported");
    session().await?.insert(IMPORT_REPORT_KEY, (customer_id, &report, state.clock.now())).await?;
    Ok(report)
}

/// How long the customer's page keeps showing the last import's report.
pub const IMPORT_REPORT_SHOWN: chrono::Duration = chrono::Duration::minutes(10);

/// The report of the last import into this customer, for a few minutes.
/// Reading it changes nothing: a page rendered twice, or a render whose
/// answer is dropped, cannot lose it (taking it once did, now and then).
#[server]
pub async fn take_import_report(customer_id: String) -> Result<Option<ImportReport>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = parse_id(&customer_id)?;
    let session = session().await?;
    let now = state.clock.now();
    Ok(match session.get::<(Uuid, ImportReport, chrono::DateTime<chrono::Utc>)>(IMPORT_REPORT_KEY).await {
        Ok(Some((id, report, at))) if id == customer_id && now - at < IMPORT_REPORT_SHOWN => Some(report),
        // Another customer's, too old, or kept by an earlier version: none.
        _ => None,
    })
}

#[server]
pub async fn create_user_group(customer_id: String, name: String) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = parse_id(&customer_id)?;
    let name = parse_name("name", &name, "group")?;
    let mut tx = ctx.begin(&state).await?;
    let id = store::create_group(&mut tx, ctx.workgroup_id, customer_id, &name)
        .await
        .map_err(|e| refused(e, "name", &name))?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(id)
}

#[server]
pub async fn rename_user_group(customer_id: String, group_id: String, name: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, group_id) = (parse_id(&customer_id)?, parse_id(&group_id)?);
    let name = parse_name("group_name", &name, "group")?;
    let mut tx = ctx.begin(&state).await?;
    if !store::rename_group(&mut tx, ctx.workgroup_id, customer_id, group_id, &name)
        .await
        .map_err(|e| refused(e, "group_name", &name))?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn delete_user_group(customer_id: String, group_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, group_id) = (parse_id(&customer_id)?, parse_id(&group_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::delete_group(&mut tx, ctx.workgroup_id, customer_id, group_id).await.map_err(|e| in_use(e, "group"))? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn add_group_member(customer_id: String, group_id: String, user_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, group_id, user_id) = (parse_id(&customer_id)?, parse_id(&group_id)?, parse_id(&user_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::add_member(&mut tx, ctx.workgroup_id, customer_id, group_id, user_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[server]
pub async fn remove_group_member(customer_id: String, group_id: String, user_id: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let (customer_id, group_id, user_id) = (parse_id(&customer_id)?, parse_id(&group_id)?, parse_id(&user_id)?);
    let mut tx = ctx.begin(&state).await?;
    if !store::remove_member(&mut tx, ctx.workgroup_id, customer_id, group_id, user_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
