//! The operator commands of the `tandem` binary (coupons, orders, mail):
//! each parses its flags, opens what it needs, and answers on standard output.

use super::config::Config;
use super::{clock, database, db, mail, println_out, StopOnDrop};
use anyhow::Context as _;

pub(super) const USAGE: &str = "\
Usage: tandem [COMMAND]

Commands:
  serve        Start Tandem (the default). Without DATABASE_URL it starts the
               embedded PostgreSQL cluster in TANDEM_DATA_DIR and stops it on exit.
  migrate      Apply the database migrations and exit.
  db start     Start the embedded cluster and leave it running; prints its URL.
  db stop      Stop the embedded cluster.
  db url       Print the embedded cluster's URL.
  coupons create --type TYPE --count N --expires YYYY-MM-DD [--codes K] [--label TEXT]
               Issue K distributor coupons (default 1) of N licenses each and
               print their codes. TYPE is one of: user_migration_bundle,
               mailbox_migration, document_migration,
               personal_archive_migration, public_folder_migration.
  orders list [--open]
               List orders across the installation, newest first (at most
               1,000): number, date, total, method, status, the reference a
               wire transfer quotes, and the workgroup. --open: only quotes
               awaiting their wire transfer.
  orders mark-paid NUMBER --reference TEXT --amount CENTS
               Record the wire transfer that pays order NUMBER: TEXT is the
               bank's reference of the transfer, CENTS the amount received
               (it must equal the order's total). Once per order; the
               licenses arrive at once and the quote's recipient is mailed.
  mail outbox [--to EMAIL]
               Print the mail waiting to be sent (to, subject, body), oldest
               first, so an operator without SMTP can pass it on.
  help         Show this text.
";

/// `tandem coupons create`: distributor coupons, printed one code per line.
pub(super) async fn create_coupons(config: Config, flags: &[&str]) -> anyhow::Result<()> {
    use anyhow::bail;
    let mut license_type = None;
    let mut count = None;
    let mut expires = None;
    let mut codes = 1u32;
    let mut label = "Distributor coupon".to_string();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match *flag {
            "--type" => license_type = Some(value.to_string()),
            "--count" => count = Some(value.parse::<i32>().ok().filter(|n| *n > 0).context("--count must be a whole number above 0")?),
            "--expires" => {
                let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").context("--expires must be a date like 2027-12-31")?;
                expires = Some(day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc());
            }
            "--codes" => codes = value.parse().ok().filter(|n| (1..=1000).contains(n)).context("--codes must be 1 to 1000")?,
            "--label" => label = value.to_string(),
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    let (Some(license_type), Some(count), Some(expires)) = (license_type, count, expires) else {
        bail!("--type, --count and --expires are required\n\n{USAGE}");
    };
    if expires <= chrono::Utc::now() {
        bail!("--expires must be in the future");
    }
    let (owner, _guard) = database(&config).await?;
    db::migrate(&owner).await?;
    // As the owner: only the operator issues distributor coupons.
    let pool = db::owner_pool(&owner).await?;
    let mut tx = pool.begin().await?;
    if !crate::licenses::store::type_exists(&mut tx, &license_type).await? {
        bail!("unknown license type {license_type:?}\n\n{USAGE}");
    }
    let mut issued = vec![];
    for _ in 0..codes {
        let code = crate::coupons::CouponCode::generate();
        let new = crate::coupons::store::NewCoupon {
            code: &code,
            label: &label,
            license_type: &license_type,
            count,
            expires_at: expires,
            source_workgroup_id: None,
            source_pack_id: None,
            notify_email: None,
            created_by: None,
        };
        crate::coupons::store::insert(&mut tx, new).await?;
        issued.push(code);
    }
    tx.commit().await?;
    pool.close().await;
    for code in issued {
        println_out(code.as_str());
    }
    Ok(())
}

/// The owner's connection and the app pool, for an operator command.
async fn operator_connections(config: &Config) -> anyhow::Result<(sqlx::PgConnection, sqlx::PgPool, StopOnDrop)> {
    use sqlx::Connection as _;
    let (owner, guard) = database(config).await?;
    db::migrate(&owner).await?;
    let conn = sqlx::PgConnection::connect_with(&owner).await.context("connecting as the owner")?;
    let pool = db::app_pool(&owner, 2).await?;
    Ok((conn, pool, guard))
}

/// `tandem orders list [--open]`: one order per line, under a header.
pub(super) async fn list_orders(config: Config, open_only: bool) -> anyhow::Result<()> {
    let (mut owner, pool, _guard) = operator_connections(&config).await?;
    let orders = crate::billing::operator::list(&mut owner, open_only).await?;
    pool.close().await;
    let mut out = format!("{:<8} {:<10} {:>14} {:<6} {:<8} {:<14} WORKGROUP\n", "NUMBER", "DATE", "TOTAL", "METHOD", "STATUS", "REFERENCE");
    for o in &orders {
        out.push_str(&format!(
            "{:<8} {:<10} {:>14} {:<6} {:<8} {:<14} {}\n",
            o.number,
            o.created_at.format("%Y-%m-%d"),
            format!("{} {}", o.total.plain(), o.currency),
            if o.wire { "wire" } else { "card" },
            o.status.label(),
            o.reference(),
            o.workgroup
        ));
    }
    if orders.is_empty() {
        out.push_str(if open_only { "(no order awaits a wire transfer)\n" } else { "(no orders)\n" });
    }
    println_out(&out);
    Ok(())
}

/// `tandem orders mark-paid NUMBER --reference TEXT --amount CENTS`.
pub(super) async fn mark_order_paid(config: Config, number: &str, flags: &[&str]) -> anyhow::Result<()> {
    use anyhow::bail;
    let number: i64 = number.trim_start_matches('#').parse().ok().filter(|n| *n > 0).context("NUMBER must be an order number, such as 1001")?;
    let (mut reference, mut amount) = (None, None);
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match *flag {
            "--reference" => reference = Some(value.to_string()),
            "--amount" => {
                amount = Some(value.parse::<i64>().ok().filter(|c| *c >= 0).context("--amount must be whole cents, such as 6000 for $60.00")?)
            }
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    let (Some(reference), Some(amount)) = (reference, amount) else {
        bail!("--reference and --amount are required\n\n{USAGE}");
    };
    let (mut owner, pool, _guard) = operator_connections(&config).await?;
    let now = clock::Clock::system().now();
    let result = crate::billing::operator::mark_paid(&mut owner, &pool, number, &reference, crate::money::Cents(amount), now).await;
    pool.close().await;
    let recorded = result?;
    println_out(&format!(
        "order {} paid: ${} recorded with reference {reference:?}; its licenses are in the workgroup",
        recorded.number,
        recorded.total.plain()
    ));
    Ok(())
}

/// `tandem mail outbox`: waiting mail, each message as headers, a blank
/// line, the body and a line of dashes.
pub(super) async fn mail_outbox(config: Config, flags: &[&str]) -> anyhow::Result<()> {
    let to = match flags {
        [] => None,
        ["--to", email] => Some(*email),
        _ => anyhow::bail!("usage: tandem mail outbox [--to EMAIL]\n\n{USAGE}"),
    };
    let (owner, _guard) = database(&config).await?;
    db::migrate(&owner).await?;
    let pool = db::mail_pool(&owner).await?;
    let waiting = mail::waiting(&pool, to).await?;
    pool.close().await;
    for m in waiting {
        println_out(&format!("To: {}\nSubject: {}\nDate: {}\n\n{}\n----", m.to, m.subject, m.created_at.to_rfc3339(), m.body.trim_end()));
    }
    Ok(())
}
