//! The hourly pass that tells Administrators and Managers about license
//! packs running out within 30 days, once per pack.

use super::{store, EXPIRY_NOTICE_DAYS};
use crate::server::db::{self, Tenant};
use sqlx::PgPool;

/// Answers how many notifications were written.
pub async fn notify_expiring_licenses(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let mut told = 0;
    for workgroup_id in store::expiring_workgroups(pool, EXPIRY_NOTICE_DAYS).await? {
        let mut tx = db::begin_for(pool, Tenant { agent_id: None, workgroup_id: Some(workgroup_id) }).await?;
        told += store::notify_expiring(&mut tx, workgroup_id, EXPIRY_NOTICE_DAYS).await?;
        tx.commit().await?;
    }
    Ok(told)
}
