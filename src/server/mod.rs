//! Server-only code: configuration, database, sessions, HTTP, and the
//! operator commands of the `tandem` binary.

pub mod client_ip;
pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod embedded;
pub mod http;
pub mod limits;
pub mod mail;
pub mod origin;
pub mod payments;
pub mod session_store;
pub mod tokens;

use anyhow::Context as _;
use config::Config;
use context::AppState;
use embedded::EmbeddedPostgres;
use leptos::prelude::*;
use sqlx::postgres::PgConnectOptions;
use std::process::ExitCode;

const USAGE: &str = "\
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

pub async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "tandem: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    init_tracing(&config);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["serve"] => serve(config).await,
        ["migrate"] => migrate_only(config).await,
        ["db", "start"] => db_start(config).await,
        ["db", "stop"] => embedded(&config).and_then(|pg| pg.stop()),
        ["db", "url"] => embedded(&config).map(|pg| println_out(&pg.url())),
        ["coupons", "create", flags @ ..] => create_coupons(config, flags).await,
        ["orders", "list"] => list_orders(config, false).await,
        ["orders", "list", "--open"] => list_orders(config, true).await,
        ["orders", "mark-paid", number, flags @ ..] => mark_order_paid(config, number, flags).await,
        ["mail", "outbox", flags @ ..] => mail_outbox(config, flags).await,
        ["help"] | ["--help"] | ["-h"] => {
            println_out(USAGE);
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "tandem stopped");
            ExitCode::FAILURE
        }
    }
}

/// Operator commands answer on standard output, for scripts to read.
fn println_out(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{}", text.trim_end());
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn embedded(config: &Config) -> anyhow::Result<EmbeddedPostgres> {
    EmbeddedPostgres::new(&config.data_dir, config.pg_bin.clone(), &config.pg_os_user)
}

async fn db_start(config: Config) -> anyhow::Result<()> {
    let pg = embedded(&config)?;
    pg.start()?;
    pg.ensure_database().await?;
    println_out(&pg.url());
    Ok(())
}

/// Stops the embedded cluster when serving ends, however it ends.
struct StopOnDrop(Option<EmbeddedPostgres>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(pg) = self.0.take() {
            if let Err(e) = pg.stop() {
                tracing::error!(error = format!("{e:#}"), "could not stop the embedded PostgreSQL cluster");
            }
        }
    }
}

/// The owner's connection options, starting the embedded cluster if needed.
async fn database(config: &Config) -> anyhow::Result<(PgConnectOptions, StopOnDrop)> {
    match &config.database_url {
        Some(url) => Ok((db::parse_url(url)?, StopOnDrop(None))),
        None => {
            let pg = embedded(config)?;
            // Stop on exit only what this process started: an operator
            // command run beside a serving Tandem leaves its database up.
            let started = pg.start()?;
            let guard = StopOnDrop(started.then(|| pg.clone()));
            pg.ensure_database().await?;
            Ok((pg.connect_options(), guard))
        }
    }
}

async fn migrate_only(config: Config) -> anyhow::Result<()> {
    let (owner, _guard) = database(&config).await?;
    db::migrate(&owner).await
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let conf = get_configuration(None).context("reading the Leptos configuration")?;
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;

    let (owner, _guard) = database(&config).await?;
    db::migrate(&owner).await?;
    let pool = db::app_pool(&owner, 32).await?;

    if let Some(smtp) = &config.smtp_url {
        mail::spawn_sender(db::mail_pool(&owner).await?, smtp.clone(), config.mail_from.clone());
    }
    let state = AppState {
        pool: pool.clone(),
        leptos_options,
        config,
        clock: clock::Clock::system(),
        gateway: std::sync::Arc::new(payments::SandboxGateway::default()),
    };
    spawn_housekeeping(pool.clone());
    crate::delivery::live::spawn_listener(pool.clone());
    spawn_reminders(pool.clone());
    let app = http::router(state);

    let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!(%addr, ready_in_ms = started.elapsed().as_millis() as u64, "Tandem is serving on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            shutdown_signal().await;
            crate::delivery::live::close();
        })
        .await?;
    tracing::info!("shutting down");
    pool.close().await;
    Ok(())
}

/// Forgets expired sessions and old sign-in failures every ten minutes.
fn spawn_housekeeping(pool: sqlx::PgPool) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        let store = session_store::PgSessionStore::new(pool.clone());
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = crate::auth::store::prune_failures(&pool).await {
                tracing::warn!(error = %e, "could not prune sign-in failures");
            }
        }
    });
}

/// Queues the daily reminders of tasks due tomorrow and overdue: checked
/// every hour, sent once a day per agent and workgroup. The same hour tells
/// Administrators and Managers of license packs running out (once per pack).
fn spawn_reminders(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match crate::delivery::reminders::queue(&pool, chrono::Utc::now().date_naive()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(mails = n, "queued task reminders"),
                Err(e) => tracing::warn!(error = %e, "could not queue task reminders"),
            }
            match crate::feed::reminders::notify_expiring_licenses(&pool).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(notifications = n, "told of licenses running out"),
                Err(e) => tracing::warn!(error = %e, "could not tell of licenses running out"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// `tandem coupons create`: distributor coupons, printed one code per line.
async fn create_coupons(config: Config, flags: &[&str]) -> anyhow::Result<()> {
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
async fn list_orders(config: Config, open_only: bool) -> anyhow::Result<()> {
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
async fn mark_order_paid(config: Config, number: &str, flags: &[&str]) -> anyhow::Result<()> {
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
async fn mail_outbox(config: Config, flags: &[&str]) -> anyhow::Result<()> {
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
