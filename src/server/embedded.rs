//! The embedded default database: a private PostgreSQL cluster in a folder of
//! the project, reachable only through a Unix socket inside that folder.
//!
//! Created by initdb on first start and reused after. PostgreSQL refuses to run
//! as root, so as root the cluster runs as an unprivileged account
//! (`postgres` unless configured) and its folders belong to that account.

use anyhow::{bail, Context};
use sqlx::postgres::PgConnectOptions;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const DATABASE: &str = "tandem"; // also in ensure_database()
const SUPERUSER: &str = "postgres";

#[derive(Debug, Clone)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    /// `Some(account)` when we are root and must act as that account.
    run_as: Option<String>,
}

impl EmbeddedPostgres {
    pub fn new(root: &Path, bin_dir: Option<PathBuf>, os_user: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let root = root.canonicalize()?;
        let bin_dir = match bin_dir {
            Some(dir) => dir,
            None => find_bin_dir()?,
        };
        let run_as = nix::unistd::geteuid().is_root().then(|| os_user.to_string());
        Ok(Self { data_dir: root, bin_dir, run_as })
    }

    fn cluster_dir(&self) -> PathBuf {
        self.data_dir.join("pg")
    }

    fn socket_dir(&self) -> PathBuf {
        self.data_dir.join("socket")
    }

    fn log_file(&self) -> PathBuf {
        self.data_dir.join("postgres.log")
    }

    /// Options that reach the cluster's superuser over the private socket.
    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(self.socket_dir())
            .username(SUPERUSER)
            .database(DATABASE)
    }

    /// The same, as a URL (for `tandem db url` and the test scripts).
    pub fn url(&self) -> String {
        format!("postgres://{SUPERUSER}@localhost/{DATABASE}?host={}", self.socket_dir().display())
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin_dir.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn run(&self, mut cmd: Command, what: &str) -> anyhow::Result<()> {
        let out = cmd.output().with_context(|| format!("running {what}"))?;
        if !out.status.success() {
            bail!(
                "{what} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// Makes the folders and hands them to the account that runs PostgreSQL.
    fn prepare_folders(&self) -> anyhow::Result<()> {
        for dir in [self.cluster_dir(), self.socket_dir()] {
            std::fs::create_dir_all(&dir)?;
            set_mode(&dir, 0o700)?;
        }
        if let Some(user) = &self.run_as {
            let account = nix::unistd::User::from_name(user)?
                .with_context(|| format!("the account {user:?} that should run PostgreSQL does not exist (set TANDEM_PG_USER)"))?;
            for path in [self.data_dir.clone(), self.cluster_dir(), self.socket_dir()] {
                chown_recursive(&path, account.uid, account.gid)?;
            }
            let probe = Command::new("runuser")
                .args(["-u", user, "--", "test", "-w"])
                .arg(self.cluster_dir())
                .status()?;
            if !probe.success() {
                bail!(
                    "the account {user:?} cannot reach {}: a parent folder is closed to it. \
                     Set TANDEM_DATA_DIR to a folder it can reach, or DATABASE_URL to a server.",
                    self.cluster_dir().display()
                );
            }
        }
        Ok(())
    }

    fn is_initialised(&self) -> bool {
        self.cluster_dir().join("PG_VERSION").exists()
    }

    /// Whether a postmaster is running on this cluster now.
    pub fn is_running(&self) -> bool {
        let mut cmd = self.command("pg_ctl");
        cmd.arg("status").arg("-D").arg(self.cluster_dir());
        cmd.output().map(|o| o.status.success()).unwrap_or(false)
    }

    /// A crash leaves `postmaster.pid` behind; if its process is gone (or is
    /// some other program that got the same pid), remove it and the socket lock.
    fn clear_stale_pid(&self) -> anyhow::Result<()> {
        let pid_file = self.cluster_dir().join("postmaster.pid");
        let Ok(contents) = std::fs::read_to_string(&pid_file) else { return Ok(()) };
        let pid: i32 = contents.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        let alive_postgres = pid > 0
            && std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim() == "postgres")
                .unwrap_or(false);
        if !alive_postgres {
            tracing::warn!(pid, "removing a stale postmaster.pid left by a crash");
            std::fs::remove_file(&pid_file)?;
            if let Ok(entries) = std::fs::read_dir(self.socket_dir()) {
                for entry in entries.flatten() {
                    if entry.file_name().to_string_lossy().starts_with(".s.PGSQL") {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
        }
        Ok(())
    }

    /// Creates the cluster if needed and starts it unless it already runs.
    /// Returns true when this call started it.
    pub fn start(&self) -> anyhow::Result<bool> {
        self.prepare_folders()?;
        if !self.is_initialised() {
            tracing::info!(dir = %self.cluster_dir().display(), "creating the embedded PostgreSQL cluster");
            let mut cmd = self.command("initdb");
            cmd.arg("-D").arg(self.cluster_dir())
                .args(["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"]);
            self.run(cmd, "initdb")?;
        }
        self.clear_stale_pid()?;
        if self.is_running() {
            tracing::info!("the embedded PostgreSQL cluster is already running; using it");
            return Ok(false);
        }
        // No TCP listener at all: the socket folder is the only way in.
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c max_connections=200 -c shared_buffers=128MB -c fsync=on",
            self.socket_dir().display()
        );
        let mut cmd = self.command("pg_ctl");
        cmd.arg("start").arg("-w").arg("-t").arg("60")
            .arg("-D").arg(self.cluster_dir())
            .arg("-l").arg(self.log_file())
            .arg("-o").arg(options);
        self.run(cmd, "pg_ctl start")
            .with_context(|| format!("see {}", self.log_file().display()))?;
        tracing::info!("embedded PostgreSQL cluster started");
        Ok(true)
    }

    /// Stops the cluster, letting connections finish quickly.
    pub fn stop(&self) -> anyhow::Result<()> {
        if !self.is_running() {
            return Ok(());
        }
        let mut cmd = self.command("pg_ctl");
        cmd.arg("stop").arg("-w").args(["-m", "fast"]).arg("-D").arg(self.cluster_dir());
        self.run(cmd, "pg_ctl stop")?;
        tracing::info!("embedded PostgreSQL cluster stopped");
        Ok(())
    }

    /// Creates the application database if it does not exist yet.
    pub async fn ensure_database(&self) -> anyhow::Result<()> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect_with(&self.connect_options().database("postgres")).await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(DATABASE)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            sqlx::query("CREATE DATABASE tandem").execute(&mut conn).await?;
        }
        conn.close().await?;
        Ok(())
    }
}

/// The newest PostgreSQL found in Debian's layout, or on PATH.
fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    bail!("PostgreSQL server programs not found: install PostgreSQL (make run does), set TANDEM_PG_BIN, or set DATABASE_URL")
}

fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

fn chown_recursive(path: &Path, uid: nix::unistd::Uid, gid: nix::unistd::Gid) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.uid() != uid.as_raw() || meta.gid() != gid.as_raw() {
        nix::unistd::chown(path, Some(uid), Some(gid))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            chown_recursive(&entry?.path(), uid, gid)?;
        }
    }
    Ok(())
}
