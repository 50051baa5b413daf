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
    /// Served over https (`TANDEM_PUBLIC_URL` is https://): the session
    /// cookie is `Secure` and responses carry HSTS.
    pub secure_cookies: bool,
    /// `json` for one JSON object per log line, anything else for readable lines.
    pub log_format: String,
    /// The address people reach Tandem at, for links in mail (`TANDEM_PUBLIC_URL`).
    pub public_url: String,
    /// Where mail goes (`TANDEM_SMTP_URL`, e.g. `smtp://localhost:25`); unset keeps it in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of Tandem's mail (`TANDEM_MAIL_FROM`).
    pub mail_from: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TANDEM_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// New accounts allowed per client address and hour (`TANDEM_SIGN_UPS_PER_HOUR`, default 20).
    pub sign_ups_per_hour: u32,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if var("TANDEM_SECURE_COOKIES").is_some() {
            anyhow::bail!("TANDEM_SECURE_COOKIES is gone: cookies are Secure (and HSTS is sent) when TANDEM_PUBLIC_URL is https://");
        }
        let public_url = var("TANDEM_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{}", var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string())));
        if super::origin::origin_of(&public_url).is_none() {
            anyhow::bail!("TANDEM_PUBLIC_URL must be an http:// or https:// address, such as https://tandem.example.com, not {public_url:?}");
        }
        let trusted_proxies = super::client_ip::parse_trusted(&var("TANDEM_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("TANDEM_TRUSTED_PROXIES: {e}"))?;
        let sign_ups_per_hour = match var("TANDEM_SIGN_UPS_PER_HOUR") {
            None => 20,
            Some(v) => v.trim().parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                anyhow::anyhow!("TANDEM_SIGN_UPS_PER_HOUR must be a whole number of at least 1, not {v:?}")
            })?,
        };
        let secure_cookies = public_url.trim().to_ascii_lowercase().starts_with("https://");
        Ok(Self {
            database_url: var("DATABASE_URL"),
            data_dir: var("TANDEM_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("data")),
            pg_bin: var("TANDEM_PG_BIN").map(PathBuf::from),
            pg_os_user: var("TANDEM_PG_USER").unwrap_or_else(|| "postgres".to_string()),
            secure_cookies,
            log_format: var("TANDEM_LOG_FORMAT").unwrap_or_else(|| "text".to_string()),
            public_url,
            smtp_url: var("TANDEM_SMTP_URL"),
            mail_from: var("TANDEM_MAIL_FROM").unwrap_or_else(|| "Tandem <tandem@localhost>".to_string()),
            trusted_proxies,
            sign_ups_per_hour,
        })
    }
}
