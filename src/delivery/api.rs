//! Server functions for services and tasks. Every active member may assign
//! runbooks, see the Delivery Center and work tasks; money is shown to
//! Administrators and Managers only.

use super::{AssignChoices, ClaimOutcome, MyWork, ServiceDetail, ServiceList};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::{parse_due, parse_page, store, Assignee, TaskStatus},
    crate::customers::store as customers,
    crate::server::context::{authorize, parse_id, Ctx},
    crate::server::db::Tx,
    crate::teams::TeamMode,
    crate::workgroups::Role,
};

/// Checks an assignee against this workgroup; team assignment needs a Get Automated seat.
#[cfg(feature = "ssr")]
async fn checked_assignee(tx: &mut Tx, ctx: &Ctx, field: &str, input: &str) -> Result<Assignee, AppError> {
    let assignee = Assignee::parse(field, input)?;
    match assignee {
        Assignee::Nobody => {}
        Assignee::Agent(agent) => {
            let role = crate::workgroups::store::role_of(tx, ctx.workgroup_id, agent).await?;
            if role.is_none_or(|r| r == Role::Inactive) {
                return Err(AppError::validation(field, "Choose an active agent of this workgroup."));
            }
        }
        Assignee::Team(team) => {
            if store::lock_team(tx, ctx.workgroup_id, team).await?.is_none() {
                return Err(AppError::validation(field, "Choose a team of this workgroup."));
            }
            if !crate::subscriptions::store::has_plan_seat(tx, ctx.workgroup_id, crate::subscriptions::Plan::GetAutomated).await? {
                return Err(AppError::validation(
                    field,
                    "Assigning to a team needs a Get Automated subscription in this workgroup. Buy one on the Subscriptions tab of Settings.",
                ));
            }
        }
    }
    Ok(assignee)
}

/// Hands a task to its assignee: a load-balanced team picks its member now.
#[cfg(feature = "ssr")]
async fn hand_out(tx: &mut Tx, ctx: &Ctx, task_id: Uuid, assignee: Assignee) -> Result<(), AppError> {
    match assignee {
        Assignee::Nobody => store::set_assignee(tx, ctx.workgroup_id, task_id, None, None).await?,
        Assignee::Agent(agent) => store::set_assignee(tx, ctx.workgroup_id, task_id, Some(agent), None).await?,
        Assignee::Team(team) => match store::lock_team(tx, ctx.workgroup_id, team).await? {
            Some(TeamMode::LoadBalance) => {
                if store::balance_task(tx, ctx.workgroup_id, team, task_id).await?.is_none() {
                    // No active member yet: the task waits, unassigned, with its team.
                    store::set_assignee(tx, ctx.workgroup_id, task_id, None, Some(team)).await?;
                }
            }
            Some(TeamMode::PullFromQueue) => store::set_assignee(tx, ctx.workgroup_id, task_id, None, Some(team)).await?,
            None => return Err(AppError::NotFound),
        },
    }
    Ok(())
}

/// What the "assign a runbook" form needs; `customer_id` (may be empty)
/// chooses whose users and groups it lists.
#[server]
pub async fn assign_form(runbook_id: String, customer_id: String) -> Result<AssignChoices, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let mut tx = ctx.begin(&state).await?;
    let runbooks = crate::runbooks::store::list(&mut tx, ctx.workgroup_id)
        .await?
        .into_iter()
        .map(|r| super::Choice { id: r.id, name: r.name })
        .collect();
    let runbook = match runbook_id.trim() {
        "" => None,
        id => Some(crate::runbooks::store::get(&mut tx, ctx.workgroup_id, parse_id(id)?).await?.ok_or(AppError::NotFound)?),
    };
    let license_types = crate::licenses::store::types(&mut tx).await?;
    let per_user = runbook.as_ref().is_some_and(|r| {
        r.steps.iter().any(|s| s.license_type.as_ref().is_some_and(|code| license_types.iter().any(|t| &t.code == code && t.per_user)))
    });
    let customers = store::customers(&mut tx, ctx.workgroup_id).await?;
    let customer_id = match customer_id.trim() {
        "" => None,
        id => {
            let id = parse_id(id)?;
            customers::exists(&mut tx, ctx.workgroup_id, id).await?.then_some(id).ok_or(AppError::NotFound)?;
            Some(id)
        }
    };
    let (users, groups) = match customer_id {
        Some(id) => (store::customer_users(&mut tx, ctx.workgroup_id, id).await?, store::customer_groups(&mut tx, ctx.workgroup_id, id).await?),
        None => (Vec::new(), Vec::new()),
    };
    let choices = store::assignee_choices(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(AssignChoices {
        runbooks,
        runbook,
        per_user,
        customers,
        customer_id,
        users,
        groups,
        choices,
        default_due: state.clock.now().date_naive() + chrono::Duration::days(7),
    })
}

/// Assigns a runbook to a customer: a service with one task per step, one per
/// chosen user where the step needs a per-user license. Users come from the
/// ticked boxes (`users[]`) and/or a group; none means the customer as a whole.
#[server]
pub async fn create_service(
    runbook_id: String,
    customer_id: String,
    name: String,
    due_on: String,
    assignee: String,
    #[server(default)] users: Option<Vec<String>>,
    #[server(default)] group_id: Option<String>,
) -> Result<Uuid, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let runbook_id = parse_id(&runbook_id).map_err(|_| AppError::validation("runbook_id", "Choose a runbook."))?;
    let customer_id = parse_id(&customer_id).map_err(|_| AppError::validation("customer_id", "Choose a customer."))?;
    let due_on = parse_due("due_on", &due_on, state.clock.now().date_naive())?;
    let mut tx = ctx.begin(&state).await?;
    if !customers::exists(&mut tx, ctx.workgroup_id, customer_id).await? {
        return Err(AppError::validation("customer_id", "Choose a customer."));
    }
    let runbook = crate::runbooks::store::get(&mut tx, ctx.workgroup_id, runbook_id)
        .await?
        .ok_or_else(|| AppError::validation("runbook_id", "Choose a runbook."))?;
    if runbook.steps.is_empty() {
        return Err(AppError::validation("runbook_id", "This runbook has no tasks yet. Add tasks to it first."));
    }
    // The chosen users: ticked ones plus a group's, each once, this customer's only.
    let mut wanted: Vec<Uuid> = Vec::new();
    for id in users.unwrap_or_default() {
        wanted.push(parse_id(&id).map_err(|_| AppError::validation("users", "Choose users of this customer."))?);
    }
    if let Some(group) = group_id.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        let group = parse_id(group).map_err(|_| AppError::validation("group_id", "Choose a group of this customer."))?;
        if !customers::group_exists(&mut tx, ctx.workgroup_id, customer_id, group).await? {
            return Err(AppError::validation("group_id", "Choose a group of this customer."));
        }
        let members = customers::group_members(&mut tx, ctx.workgroup_id, customer_id, group).await?;
        if members.is_empty() {
            return Err(AppError::validation("group_id", "This group has no users yet."));
        }
        wanted.extend(members.into_iter().map(|u| u.id));
    }
    wanted.sort();
    wanted.dedup();
    let chosen: Vec<Uuid> = customers::users_of(&mut tx, ctx.workgroup_id, customer_id, &wanted).await?.into_iter().map(|u| u.id).collect();
    if chosen.len() != wanted.len() {
        return Err(AppError::validation("users", "Choose users of this customer."));
    }
    let license_types = crate::licenses::store::types(&mut tx).await?;
    let per_user = |code: &Option<String>| code.as_ref().is_some_and(|c| license_types.iter().any(|t| &t.code == c && t.per_user));
    if chosen.is_empty() && runbook.steps.iter().any(|s| per_user(&s.license_type)) {
        return Err(AppError::validation(
            "users",
            "This runbook needs a license per user: choose the users (or a group) it is for.",
        ));
    }
    let mut tasks = Vec::new();
    for step in &runbook.steps {
        let per_user_step = per_user(&step.license_type);
        let targets: Vec<Option<Uuid>> = if per_user_step { chosen.iter().copied().map(Some).collect() } else { vec![None] };
        for user in targets {
            tasks.push(store::NewTask {
                position: step.position,
                name: step.name.clone(),
                instructions: step.instructions.clone(),
                estimated_minutes: step.estimated_minutes,
                license_type: step.license_type.clone(),
                customer_user_id: user,
            });
        }
    }
    if tasks.len() > 10_000 {
        return Err(AppError::validation("users", "That would make more than 10,000 tasks. Split the users into smaller services."));
    }
    let name = match crate::text::squish(&name) {
        n if n.is_empty() => runbook.name.clone(),
        n if n.chars().count() > 200 => return Err(AppError::validation("name", "Keep the name to 200 characters or fewer.")),
        n => n,
    };
    let assignee = checked_assignee(&mut tx, &ctx, "assignee", &assignee).await?;
    let (agent_id, team_id) = match assignee {
        Assignee::Nobody => (None, None),
        Assignee::Agent(a) => (Some(a), None),
        Assignee::Team(t) => (None, Some(t)),
    };
    let service = store::NewService { customer_id, runbook_id, name: &name, due_on, agent_id, team_id, created_by: ctx.agent_id };
    let (service_id, task_ids) = store::insert_service(&mut tx, ctx.workgroup_id, &service, &tasks).await?;
    if let Assignee::Team(team) = assignee {
        if store::lock_team(&mut tx, ctx.workgroup_id, team).await? == Some(TeamMode::LoadBalance) {
            for id in task_ids {
                store::balance_task(&mut tx, ctx.workgroup_id, team, id).await?;
            }
        }
    }
    crate::feed::store::service_created(&mut tx, ctx.workgroup_id, ctx.agent_id, service_id).await?;
    tx.commit().await?;
    crate::server::live::changed(ctx.workgroup_id);
    leptos_axum::redirect(&format!("/services/{service_id}"));
    Ok(service_id)
}

/// The Delivery Center: services of the workgroup or one customer, filtered,
/// sorted ("due", "name", "customer", "progress") and paged.
#[server]
pub async fn list_services(customer_id: String, status: String, sort: String, page: String) -> Result<ServiceList, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let customer_id = match customer_id.trim() {
        "" => None,
        id => Some(parse_id(id)?),
    };
    let sort = match sort.as_str() {
        s @ ("name" | "customer" | "progress") => s.to_string(),
        _ => "due".to_string(),
    };
    let filter = store::ServiceFilter { customer_id, status: status.trim().parse().ok(), sort, page: parse_page(&page) };
    let shows_cost = ctx.role.at_least(Role::Manager);
    let mut tx = ctx.begin(&state).await?;
    let (rows, total) = store::services(&mut tx, ctx.workgroup_id, &filter, shows_cost).await?;
    let customers = store::customers(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(ServiceList { rows, total, page: filter.page, customers, shows_cost })
}

#[server]
pub async fn get_service(service_id: String, #[server(default)] page: String) -> Result<ServiceDetail, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let id = parse_id(&service_id)?;
    let page = parse_page(&page);
    let shows_cost = ctx.role.at_least(Role::Manager);
    let mut tx = ctx.begin(&state).await?;
    let service = store::service(&mut tx, ctx.workgroup_id, id, shows_cost).await?.ok_or(AppError::NotFound)?;
    let tasks = store::service_tasks(&mut tx, ctx.workgroup_id, id, page, shows_cost).await?;
    let choices = store::assignee_choices(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(ServiceDetail { service, tasks, page, choices, me: ctx.agent_id, manages: ctx.role.at_least(Role::Manager) })
}

/// The signed-in agent's tasks and the queues of their pull-from-queue teams.
#[server]
pub async fn my_tasks(page: String) -> Result<MyWork, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let page = parse_page(&page);
    let shows_cost = ctx.role.at_least(Role::Manager);
    let mut tx = ctx.begin(&state).await?;
    let (mine, mine_total) = store::my_tasks(&mut tx, ctx.workgroup_id, ctx.agent_id, page, shows_cost).await?;
    let queues = store::queues(&mut tx, ctx.workgroup_id, ctx.agent_id, shows_cost).await?;
    tx.commit().await?;
    Ok(MyWork { mine, mine_total, page, queues })
}

/// Claims a queued task. First come, exactly once; the loser learns who took it.
#[server]
pub async fn claim_task(task_id: String) -> Result<ClaimOutcome, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let task_id = parse_id(&task_id)?;
    let mut tx = ctx.begin(&state).await?;
    if store::claim(&mut tx, ctx.workgroup_id, task_id, ctx.agent_id).await? {
        crate::feed::store::task_claimed(&mut tx, ctx.workgroup_id, ctx.agent_id, task_id).await?;
        tx.commit().await?;
        crate::server::live::changed(ctx.workgroup_id);
        return Ok(ClaimOutcome::Claimed);
    }
    let refusal = store::claim_refusal(&mut tx, ctx.workgroup_id, task_id).await?;
    tx.commit().await?;
    match refusal {
        None => Err(AppError::NotFound),
        Some(Some(holder)) if holder.is_empty() => Err(AppError::Conflict("Someone else claimed this task first.".into())),
        Some(Some(holder)) => Err(AppError::Conflict(format!("{holder} claimed this task first."))),
        Some(None) => Err(AppError::Conflict("This task is not waiting in a queue of yours.".into())),
    }
}

/// Changes who a task is given to (not while it runs or once completed).
#[server]
pub async fn assign_task(task_id: String, assignee: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let task_id = parse_id(&task_id)?;
    let mut tx = ctx.begin(&state).await?;
    let task = store::lock_task(&mut tx, ctx.workgroup_id, task_id).await?.ok_or(AppError::NotFound)?;
    if matches!(task.status, TaskStatus::InProgress | TaskStatus::Completed) {
        return Err(AppError::Conflict("A task that is running or completed keeps its assignee.".into()));
    }
    let assignee = checked_assignee(&mut tx, &ctx, "assignee", &assignee).await?;
    hand_out(&mut tx, &ctx, task.id, assignee).await?;
    crate::feed::store::task_assigned(&mut tx, ctx.workgroup_id, ctx.agent_id, task.id).await?;
    tx.commit().await?;
    crate::server::live::changed(ctx.workgroup_id);
    Ok(())
}

/// Start, Complete, Complete with errors, Fail, Stop, or Retry errors.
/// The task's agent works it; Administrators and Managers may act for them.
#[server]
pub async fn work_task(task_id: String, step: String) -> Result<(), AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Associate)?;
    let task_id = parse_id(&task_id)?;
    let mut tx = ctx.begin(&state).await?;
    let task = store::lock_task(&mut tx, ctx.workgroup_id, task_id).await?.ok_or(AppError::NotFound)?;
    let Some(agent) = task.agent_id else {
        return Err(AppError::Conflict("Claim or assign this task before working on it.".into()));
    };
    if agent != ctx.agent_id && !ctx.role.at_least(Role::Manager) {
        return Err(AppError::Forbidden);
    }
    let wrong = |what: &str| AppError::Conflict(format!("This task cannot be {what} now: it is {}.", task.status.label().to_lowercase()));
    match step.as_str() {
        "start" => {
            if !task.status.can_start() {
                return Err(wrong("started"));
            }
            if !store::start(&mut tx, ctx.workgroup_id, &task, ctx.agent_id).await? {
                let name = task.license_name.clone().unwrap_or_default();
                return Err(AppError::validation(
                    "license",
                    format!("No {name} license is available, so this task cannot start. Buy licenses in the Shopping Cart or apply a coupon."),
                ));
            }
        }
        "complete" | "complete_with_errors" => {
            if task.status != TaskStatus::InProgress {
                return Err(wrong("completed"));
            }
            store::complete(&mut tx, ctx.workgroup_id, &task, ctx.agent_id, step == "complete_with_errors").await?;
            crate::feed::store::task_completed(&mut tx, ctx.workgroup_id, ctx.agent_id, task.id).await?;
        }
        "fail" | "stop" => {
            if task.status != TaskStatus::InProgress {
                return Err(wrong(if step == "fail" { "failed" } else { "stopped" }));
            }
            let to = if step == "fail" { TaskStatus::Failed } else { TaskStatus::Stopped };
            store::halt(&mut tx, ctx.workgroup_id, &task, ctx.agent_id, to).await?;
            if to == TaskStatus::Failed {
                crate::feed::store::task_failed(&mut tx, ctx.workgroup_id, ctx.agent_id, task.id).await?;
            }
        }
        "retry_errors" => {
            if !(task.status == TaskStatus::Completed && task.with_errors) {
                return Err(AppError::Conflict("Only a task completed with errors can retry its errors.".into()));
            }
            store::retry_errors(&mut tx, ctx.workgroup_id, &task, ctx.agent_id).await?;
        }
        _ => return Err(AppError::validation("step", "Choose Start, Complete, Fail, Stop or Retry errors.")),
    }
    tx.commit().await?;
    crate::server::live::changed(ctx.workgroup_id);
    Ok(())
}
