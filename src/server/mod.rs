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
pub mod live;
pub mod mail;
mod operator_cli;
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
use operator_cli::USAGE;
use std::process::ExitCode;


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
        ["coupons", "create", flags @ ..] => operator_cli::create_coupons(config, flags).await,
        ["orders", "list"] => operator_cli::list_orders(config, false).await,
        ["orders", "list", "--open"] => operator_cli::list_orders(config, true).await,
        ["orders", "mark-paid", number, flags @ ..] => operator_cli::mark_order_paid(config, number, flags).await,
        ["mail", "outbox", flags @ ..] => operator_cli::mail_outbox(config, flags).await,
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
    crate::server::live::spawn_listener(pool.clone());
    spawn_reminders(pool.clone());
    let app = http::router(state);

    let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!(%addr, ready_in_ms = started.elapsed().as_millis() as u64, "Tandem is serving on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            shutdown_signal().await;
            crate::server::live::close();
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
