//! The mail outbox: mail is written to `mail_outbox` in the same transaction
//! as the change it tells about, and a background task sends it over SMTP
//! when `TANDEM_SMTP_URL` is set. Without it, mail stays in the outbox and
//! the operator reads it with `tandem mail outbox` to pass it on: links that
//! carry power (verification, invitations) are never shown on any page.

use crate::server::db::Tx;
use sqlx::PgPool;
use uuid::Uuid;

pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn enqueue(tx: &mut Tx, workgroup_id: Uuid, mail: Mail<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO mail_outbox (id, workgroup_id, to_email, subject, body) VALUES ($1, $2, $3, $4, $5)",
        Uuid::new_v4(),
        workgroup_id,
        mail.to,
        mail.subject,
        mail.body
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Mail about an agent's account (a verification link), in no workgroup.
/// The transaction must act as an agent.
pub async fn enqueue_account(tx: &mut Tx, mail: Mail<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO mail_outbox (id, workgroup_id, to_email, subject, body) VALUES ($1, NULL, $2, $3, $4)",
        Uuid::new_v4(),
        mail.to,
        mail.subject,
        mail.body
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A message still waiting to be sent.
pub struct Waiting {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// `tandem mail outbox`: every unsent message (oldest first), optionally
/// only those to one address. Reads across workgroups, as the sender does:
/// `pool` is `db::mail_pool`, the only role that may.
pub async fn waiting(pool: &PgPool, to: Option<&str>) -> Result<Vec<Waiting>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query_as!(
        Waiting,
        r#"SELECT to_email AS "to", subject, body, created_at FROM mail_outbox
            WHERE sent_at IS NULL AND ($1::text IS NULL OR lower(to_email) = lower($1))
            ORDER BY created_at, id"#,
        to
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Sends waiting mail every few seconds, logged in as `tandem_mail`
/// (`db::mail_pool`). Each message is claimed with
/// `FOR UPDATE SKIP LOCKED`, so several app processes never send one twice.
pub fn spawn_sender(pool: PgPool, smtp_url: String, from: String) {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    tokio::spawn(async move {
        let Some((host, port)) = parse_smtp_url(&smtp_url) else {
            tracing::error!("TANDEM_SMTP_URL must look like smtp://host:port; mail stays in the outbox");
            return;
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        let Ok(from) = from.parse::<lettre::message::Mailbox>() else {
            tracing::error!("TANDEM_MAIL_FROM is not a valid address; mail stays in the outbox");
            return;
        };
        loop {
            let result: Result<usize, sqlx::Error> = async {
                let mut tx = pool.begin().await?;
                let batch = sqlx::query!(
                    "SELECT id, to_email, subject, body FROM mail_outbox
                      WHERE sent_at IS NULL AND attempts < 5
                      ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED"
                )
                .fetch_all(&mut *tx)
                .await?;
                let n = batch.len();
                for m in batch {
                    let message = m.to_email.parse().map_err(|e: lettre::address::AddressError| e.to_string()).and_then(|to| {
                        Message::builder()
                            .from(from.clone())
                            .to(to)
                            .subject(m.subject.clone())
                            .body(m.body.clone())
                            .map_err(|e| e.to_string())
                    });
                    let outcome: Result<(), String> = match message {
                        Ok(msg) => transport.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
                        Err(e) => Err(e),
                    };
                    match outcome {
                        Ok(()) => {
                            sqlx::query!("UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = $1", m.id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "could not send mail");
                            sqlx::query!(
                                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                                m.id,
                                e
                            )
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(n)
            }
            .await;
            match result {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail outbox check failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    });
}

/// `smtp://host:port` (port 25 when left out): a relay on a trusted network,
/// such as the machine's own mail server.
fn parse_smtp_url(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("smtp://")?.trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => Some((host.to_string(), port.parse().ok()?)),
        None if !rest.is_empty() => Some((rest.to_string(), 25)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn smtp_urls() {
        assert_eq!(super::parse_smtp_url("smtp://localhost:2525"), Some(("localhost".into(), 2525)));
        assert_eq!(super::parse_smtp_url("smtp://mail.internal"), Some(("mail.internal".into(), 25)));
        assert_eq!(super::parse_smtp_url("http://x"), None);
        assert_eq!(super::parse_smtp_url("smtp://:25"), None);
    }
}
