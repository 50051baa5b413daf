//! Event writers. Each builds its summary from the rows it describes, so a
//! hook in a server function is one call.

use crate::feed::EventKind;
use crate::server::db::Tx;
use crate::workgroups::Role;
use uuid::Uuid;

/// An event described by its caller (for changes whose rows this module does
/// not read, such as purchases and refunds).
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub actor_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub service_id: Option<Uuid>,
    pub task_id: Option<Uuid>,
    /// What happened, in a sentence; no money (every member reads the feed).
    pub summary: &'a str,
    /// Where the object lives, a path such as "/settings/billing".
    pub link: Option<&'a str>,
}

impl<'a> NewEvent<'a> {
    pub fn new(kind: EventKind, summary: &'a str) -> Self {
        NewEvent { kind, actor_id: None, customer_id: None, service_id: None, task_id: None, summary, link: None }
    }

    pub fn actor(self, agent_id: Uuid) -> Self {
        NewEvent { actor_id: Some(agent_id), ..self }
    }

    pub fn link(self, link: &'a str) -> Self {
        NewEvent { link: Some(link), ..self }
    }
}

pub async fn record(tx: &mut Tx, workgroup_id: Uuid, e: NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO events (workgroup_id, kind, actor_id, customer_id, service_id, task_id, summary, link)
         VALUES ($1, $2, $3, $4, $5, $6, left($7, 1000), $8)",
        workgroup_id,
        e.kind.as_str(),
        e.actor_id,
        e.customer_id,
        e.service_id,
        e.task_id,
        e.summary,
        e.link
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- delivery ---------------------------------------------------------------

/// A service was created: the event, then who got its tasks.
pub async fn service_created(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, service_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, customer_id, service_id, summary, link)
           SELECT s.workgroup_id, 'service_created', $3, s.customer_id, s.id,
                  left(coalesce(act.display_name, 'Someone') || ' created ' || s.name || ' for ' || c.name
                       || ' (' || s.tasks_total || CASE WHEN s.tasks_total = 1 THEN ' task)' ELSE ' tasks)' END, 1000),
                  '/services/' || s.id
             FROM services s
             JOIN customers c ON c.workgroup_id = s.workgroup_id AND c.id = s.customer_id
             LEFT JOIN memberships act ON act.workgroup_id = s.workgroup_id AND act.agent_id = $3
            WHERE s.workgroup_id = $1 AND s.id = $2"#,
        workgroup_id,
        service_id,
        actor
    )
    .execute(&mut **tx)
    .await?;
    assignments(tx, workgroup_id, actor, service_id, None).await
}

/// A task was given to someone (an agent, a load-balanced member, a queue).
pub async fn task_assigned(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, task_id: Uuid) -> Result<(), sqlx::Error> {
    let service = sqlx::query_scalar!("SELECT service_id FROM tasks WHERE workgroup_id = $1 AND id = $2", workgroup_id, task_id)
        .fetch_one(&mut **tx)
        .await?;
    assignments(tx, workgroup_id, actor, service, Some(task_id)).await
}

/// One "task assigned" event per assignee of the service's tasks (or of one
/// task), and the notifications: to each agent given tasks (not to oneself),
/// and once per service to each member of a team whose queue got tasks.
async fn assignments(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, service_id: Uuid, task_id: Option<Uuid>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, customer_id, service_id, task_id, summary, link)
           SELECT $1, 'task_assigned', $3, s.customer_id, s.id,
                  CASE WHEN count(*) = 1 THEN (array_agg(t.id))[1] END,
                  left(coalesce(act.display_name, 'Someone') || ' assigned '
                       || CASE WHEN count(*) = 1 THEN min(t.name || coalesce(' · ' || u.name, '')) ELSE count(*) || ' tasks' END
                       || ' of ' || s.name || ' to '
                       || coalesce(a.display_name || coalesce(' (' || tm.name || ')', ''), tm.name || ' queue'), 1000),
                  '/services/' || s.id
             FROM tasks t
             JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
             LEFT JOIN customer_users u ON u.workgroup_id = t.workgroup_id AND u.id = t.customer_user_id
             LEFT JOIN memberships a ON a.workgroup_id = t.workgroup_id AND a.agent_id = t.agent_id
             LEFT JOIN teams tm ON tm.workgroup_id = t.workgroup_id AND tm.id = t.team_id
             LEFT JOIN memberships act ON act.workgroup_id = t.workgroup_id AND act.agent_id = $3
            WHERE t.workgroup_id = $1 AND t.service_id = $2 AND ($4::uuid IS NULL OR t.id = $4)
              AND (t.agent_id IS NOT NULL OR t.team_id IS NOT NULL)
            GROUP BY s.customer_id, s.id, s.name, t.agent_id, a.display_name, t.team_id, tm.name, act.display_name"#,
        workgroup_id,
        service_id,
        actor,
        task_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"INSERT INTO notifications (workgroup_id, agent_id, kind, summary, link)
           SELECT $1, t.agent_id, 'task_assigned',
                  left(coalesce(act.display_name, 'Someone') || ' assigned you '
                       || CASE WHEN count(*) = 1 THEN min(t.name || coalesce(' · ' || u.name, '')) ELSE count(*) || ' tasks' END
                       || ' of ' || s.name || ' for ' || c.name, 1000),
                  '/services/' || s.id
             FROM tasks t
             JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
             JOIN customers c ON c.workgroup_id = s.workgroup_id AND c.id = s.customer_id
             LEFT JOIN customer_users u ON u.workgroup_id = t.workgroup_id AND u.id = t.customer_user_id
             LEFT JOIN memberships act ON act.workgroup_id = t.workgroup_id AND act.agent_id = $3
            WHERE t.workgroup_id = $1 AND t.service_id = $2 AND ($4::uuid IS NULL OR t.id = $4)
              AND t.agent_id IS NOT NULL AND t.agent_id <> $3
            GROUP BY t.agent_id, s.id, s.name, c.name, act.display_name"#,
        workgroup_id,
        service_id,
        actor,
        task_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"WITH targets AS (
               SELECT DISTINCT m.agent_id, 'queue:' || t.team_id || ':' || s.id AS once_key,
                      left('New in the ' || tm.name || ' queue: ' || s.name || ' for ' || c.name, 1000) AS summary
             FROM tasks t
             JOIN teams tm ON tm.workgroup_id = t.workgroup_id AND tm.id = t.team_id AND tm.mode = 'pull_from_queue'
             JOIN team_members m ON m.workgroup_id = t.workgroup_id AND m.team_id = t.team_id
             JOIN memberships mm ON mm.workgroup_id = m.workgroup_id AND mm.agent_id = m.agent_id AND mm.role <> 'inactive'
             JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
             JOIN customers c ON c.workgroup_id = s.workgroup_id AND c.id = s.customer_id
            WHERE t.workgroup_id = $1 AND t.service_id = $2 AND ($4::uuid IS NULL OR t.id = $4)
              AND t.agent_id IS NULL AND m.agent_id <> $3),
           fresh AS (
               INSERT INTO notification_once (workgroup_id, agent_id, once_key)
               SELECT $1, agent_id, once_key FROM targets
               ON CONFLICT DO NOTHING
               RETURNING agent_id, once_key)
           INSERT INTO notifications (workgroup_id, agent_id, kind, summary, link, once_key)
           SELECT $1, t.agent_id, 'queue_task', t.summary, '/my-tasks', t.once_key
             FROM targets t JOIN fresh f ON f.agent_id = t.agent_id AND f.once_key = t.once_key"#,
        workgroup_id,
        service_id,
        actor,
        task_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn task_claimed(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, task_id: Uuid) -> Result<(), sqlx::Error> {
    task_event(tx, workgroup_id, actor, task_id, EventKind::TaskClaimed, "claimed").await
}

pub async fn task_failed(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, task_id: Uuid) -> Result<(), sqlx::Error> {
    task_event(tx, workgroup_id, actor, task_id, EventKind::TaskFailed, "marked as failed").await
}

/// A task was completed; when that completes its service, that too (once).
pub async fn task_completed(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, task_id: Uuid) -> Result<(), sqlx::Error> {
    task_event(tx, workgroup_id, actor, task_id, EventKind::TaskCompleted, "completed").await?;
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, customer_id, service_id, summary, link)
           SELECT $1, 'service_completed', $3, s.customer_id, s.id,
                  left(s.name || ' for ' || c.name || ' is completed: all ' || s.tasks_total || ' tasks done', 1000),
                  '/services/' || s.id
             FROM tasks t
             JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
             JOIN customers c ON c.workgroup_id = s.workgroup_id AND c.id = s.customer_id
            WHERE t.workgroup_id = $1 AND t.id = $2 AND s.tasks_completed = s.tasks_total
              AND NOT EXISTS (SELECT 1 FROM events e
                               WHERE e.workgroup_id = $1 AND e.service_id = s.id AND e.kind = 'service_completed')"#,
        workgroup_id,
        task_id,
        actor
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn task_event(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, task_id: Uuid, kind: EventKind, verb: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, customer_id, service_id, task_id, summary, link)
           SELECT $1, $4, $3, t.customer_id, t.service_id, t.id,
                  left(coalesce(act.display_name, 'Someone') || ' ' || $5 || ' ' || t.name || coalesce(' · ' || u.name, '')
                       || CASE WHEN $4 = 'task_completed' AND t.with_errors THEN ' with errors' ELSE '' END
                       || ' (' || s.name || ')', 1000),
                  '/services/' || s.id
             FROM tasks t
             JOIN services s ON s.workgroup_id = t.workgroup_id AND s.id = t.service_id
             LEFT JOIN customer_users u ON u.workgroup_id = t.workgroup_id AND u.id = t.customer_user_id
             LEFT JOIN memberships act ON act.workgroup_id = t.workgroup_id AND act.agent_id = $3
            WHERE t.workgroup_id = $1 AND t.id = $2"#,
        workgroup_id,
        task_id,
        actor,
        kind.as_str(),
        verb
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- coupons ------------------------------------------------------------------

pub async fn coupon_generated(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, coupon_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, summary, link)
           SELECT $1, 'coupon_generated', $3,
                  left(coalesce(act.display_name, 'Someone') || ' generated the coupon "' || c.label || '": '
                       || c.count || ' ' || lt.name || CASE WHEN c.count = 1 THEN ' license' ELSE ' licenses' END, 1000),
                  '/settings/coupons/generate'
             FROM coupons c
             JOIN license_types lt ON lt.code = c.license_type
             LEFT JOIN memberships act ON act.workgroup_id = $1 AND act.agent_id = $3
            WHERE c.id = $2 AND c.source_workgroup_id = $1"#,
        workgroup_id,
        coupon_id,
        actor
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A coupon was redeemed into `pack_id` (the pack it made, still whole).
pub async fn coupon_redeemed(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, pack_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, summary, link)
           SELECT $1, 'coupon_redeemed', $3,
                  left(coalesce(act.display_name, 'Someone') || ' redeemed a coupon: ' || p.available || ' ' || lt.name
                       || CASE WHEN p.available = 1 THEN ' license' ELSE ' licenses' END, 1000),
                  '/settings/licenses'
             FROM license_packs p
             JOIN license_types lt ON lt.code = p.license_type
             LEFT JOIN memberships act ON act.workgroup_id = $1 AND act.agent_id = $3
            WHERE p.workgroup_id = $1 AND p.id = $2"#,
        workgroup_id,
        pack_id,
        actor
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- agents -----------------------------------------------------------------------

/// An invitation was sent: the event, and a notification to the person (see
/// `invitation_notice`).
pub async fn agent_invited(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, email: &str, role: Role, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, summary, link)
           SELECT $1, 'agent_invited', $2, left(coalesce(act.display_name, 'Someone') || ' invited ' || $3 || ' as ' || $4, 1000), '/agents'
             FROM (SELECT 1) one
             LEFT JOIN memberships act ON act.workgroup_id = $1 AND act.agent_id = $2"#,
        workgroup_id,
        actor,
        email,
        role.label()
    )
    .execute(&mut **tx)
    .await?;
    invitation_notice(tx, workgroup_id, actor, email, role, token).await
}

/// Tells the holder of the invited address, if they have an account whose
/// address is verified (whatever workgroup they are in). An unverified
/// account with that address may belong to anyone: it hears nothing. The
/// link (with the token) is readable by that agent only.
pub async fn invitation_notice(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, email: &str, role: Role, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO notifications (workgroup_id, agent_id, kind, summary, link)
           SELECT $1, a.id, 'invitation',
                  left(coalesce(act.display_name, 'Someone') || ' invited you to join ' || w.name || ' as ' || $4, 1000),
                  '/invitations/' || $5
             FROM agents a
             JOIN workgroups w ON w.id = $1
             LEFT JOIN memberships act ON act.workgroup_id = $1 AND act.agent_id = $2
            WHERE lower(a.email) = lower($3) AND a.email_verified_at IS NOT NULL"#,
        workgroup_id,
        actor,
        email,
        role.label(),
        token
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An agent joined (accepted an invitation). Their invitation notices from
/// this workgroup are done with. The transaction acts as the joiner.
pub async fn agent_joined(tx: &mut Tx, workgroup_id: Uuid, agent_id: Uuid, role: Role) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, summary, link)
           SELECT $1, 'agent_joined', $2, left(m.display_name || ' joined as ' || $3, 1000), '/agents'
             FROM memberships m WHERE m.workgroup_id = $1 AND m.agent_id = $2"#,
        workgroup_id,
        agent_id,
        role.label()
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE notifications SET read_at = now()
          WHERE agent_id = $2 AND workgroup_id = $1 AND kind = 'invitation' AND read_at IS NULL",
        workgroup_id,
        agent_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn role_changed(tx: &mut Tx, workgroup_id: Uuid, actor: Uuid, agent_id: Uuid, from: Role, to: Role) -> Result<(), sqlx::Error> {
    if from == to {
        return Ok(());
    }
    sqlx::query!(
        r#"INSERT INTO events (workgroup_id, kind, actor_id, summary, link)
           SELECT $1, 'role_changed', $2,
                  left(coalesce(act.display_name, 'Someone') || ' changed the role of ' || m.display_name || ' from ' || $4 || ' to ' || $5, 1000),
                  '/agents'
             FROM memberships m
             LEFT JOIN memberships act ON act.workgroup_id = $1 AND act.agent_id = $2
            WHERE m.workgroup_id = $1 AND m.agent_id = $3"#,
        workgroup_id,
        actor,
        agent_id,
        from.label(),
        to.label()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
