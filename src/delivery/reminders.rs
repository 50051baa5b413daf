//! Daily reminders of tasks due tomorrow and overdue, to the mail outbox.

use super::store;
use crate::server::db::{self, Tenant};
use crate::server::mail::{self, Mail};
use chrono::NaiveDate;
use sqlx::PgPool;

/// Queues today's reminders in every workgroup that has due tasks: one mail
/// per agent and workgroup per day, however often this runs. Answers how
/// many mails were queued.
pub async fn queue(pool: &PgPool, today: NaiveDate) -> Result<usize, sqlx::Error> {
    let mut queued = 0;
    for workgroup_id in store::due_workgroups(pool, today).await? {
        let mut tx = db::begin_for(pool, Tenant { agent_id: None, workgroup_id: Some(workgroup_id) }).await?;
        for r in store::take_reminders(&mut tx, workgroup_id, today).await? {
            let mut body = format!("Hello {},\n\nYour tasks in {} that need attention:\n", r.name, r.workgroup_name);
            if !r.overdue.is_empty() {
                body.push_str("\nOverdue:\n");
                for t in r.overdue.iter().take(50) {
                    body.push_str(&format!("  - {t}\n"));
                }
            }
            if !r.due_tomorrow.is_empty() {
                body.push_str("\nDue tomorrow:\n");
                for t in r.due_tomorrow.iter().take(50) {
                    body.push_str(&format!("  - {t}\n"));
                }
            }
            body.push_str("\nOpen My Tasks in Tandem to work on them.\n");
            let subject = format!("Tandem: {} overdue, {} due tomorrow", r.overdue.len(), r.due_tomorrow.len());
            mail::enqueue(&mut tx, workgroup_id, Mail { to: &r.email, subject: &subject, body: &body }).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}
