//! Typed configuration, read once from the environment at start-up.

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// An external PostgreSQL server. `None` means the embedded cluster.
    pub database_url: Option<String>,
    /// Where the embedded cluster keeps its files (`TANDEM_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Folder of the PostgreSQL server programs (`TANDEM_PG_BIN`), found when unset.
    pub pg_bin: Option<PathBuf>,
    /// The unprivileged account that runs the embedded cluster when Tandem runs as root.
    pub pg_os_user: String,
    /// Mark the session cookie `Secure` (serve over https).
    pub secure_cookies: bool,
    /// `json` for one JSON object per log line, anything else for readable lines.
    pub log_format: String,
    /// The address people reach Tandem at, for links in mail (`TANDEM_PUBLIC_URL`).
    pub public_url: String,
    /// Where mail goes (`TANDEM_SMTP_URL`, e.g. `smtp://localhost:25`); unset keeps it in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of Tandem's mail (`TANDEM_MAIL_FROM`).
    pub mail_from: String,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let secure_cookies = match var("TANDEM_SECURE_COOKIES").as_deref() {
            None | Some("false") | Some("0") | Some("no") => false,
            Some("true") | Some("1") | Some("yes") => true,
            Some(other) => anyhow::bail!("TANDEM_SECURE_COOKIES must be true or false, not {other:?}"),
        };
        Ok(Self {
            database_url: var("DATABASE_URL"),
            data_dir: var("TANDEM_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("data")),
            pg_bin: var("TANDEM_PG_BIN").map(PathBuf::from),
            pg_os_user: var("TANDEM_PG_USER").unwrap_or_else(|| "postgres".to_string()),
            secure_cookies,
            log_format: var("TANDEM_LOG_FORMAT").unwrap_or_else(|| "text".to_string()),
            public_url: var("TANDEM_PUBLIC_URL").unwrap_or_else(|| {
                format!("http://{}", var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string()))
            }),
            smtp_url: var("TANDEM_SMTP_URL"),
            mail_from: var("TANDEM_MAIL_FROM").unwrap_or_else(|| "Tandem <tandem@localhost>".to_string()),
        })
    }
}
