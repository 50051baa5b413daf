//! Shared set-up for the integration tests: a fresh database per test in the
//! PostgreSQL server named by DATABASE_URL (`make test` starts one), migrated
//! as the owner, queried as the app role, plus an HTTP client that drives the
//! real router (sessions, server functions, layers).


use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use leptos::server_fn::ServerFn;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};
use std::sync::Arc;
use tandem::error::AppError;
use tandem::server::clock::Clock;
use tandem::server::payments::SandboxGateway;
use tandem::server::context::AppState;
use tandem::server::db::{self, Tenant, Tx};
use tower::ServiceExt;
use uuid::Uuid;

pub struct TestDb {
    pub owner: PgConnectOptions,
    pub pool: PgPool,
    /// The clock every router of this test reads; `clock.advance(..)` moves them all.
    pub clock: Clock,
    /// The sandbox gateway every router of this test charges through.
    pub gateway: Arc<SandboxGateway>,
}

pub async fn test_db() -> TestDb {
    // Internal errors are logged with their reference: show them in failing tests.
    let _ = tracing_subscriber::fmt().with_env_filter("warn,tandem=info").with_test_writer().try_init();
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL must name a PostgreSQL server (make test sets it)");
    let base = db::parse_url(&url).unwrap();
    let name = format!("tandem_test_{}", Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect_with(&base.clone().database("postgres")).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let owner = base.database(&name);
    db::migrate(&owner).await.unwrap();
    let pool = db::app_pool(&owner, 40).await.unwrap();
    TestDb { owner, pool, clock: Clock::system(), gateway: Arc::new(SandboxGateway::default()) }
}

impl TestDb {
    /// A direct connection as the owner, for arranging what the app cannot do.
    pub async fn owner_conn(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect_with(&self.owner).await.unwrap()
    }

    pub async fn tx(&self, agent: Option<Uuid>, workgroup: Option<Uuid>) -> Tx {
        db::begin_for(&self.pool, Tenant { agent_id: agent, workgroup_id: workgroup }).await.unwrap()
    }

    /// Adds an agent with their own workgroup, as sign-up does. Returns (agent, workgroup).
    pub async fn agent(&self, name: &str) -> (Uuid, Uuid) {
        let mut tx = self.tx(None, None).await;
        let email = format!("{}.{}@example.com", name.to_lowercase().replace(' ', "."), Uuid::new_v4().simple());
        let agent = tandem::auth::store::insert_agent(&mut tx, name, &email, "not-a-real-hash").await.unwrap();
        db::set_agent(&mut tx, agent).await.unwrap();
        let wg = tandem::workgroups::store::create(&mut tx, agent, name, name).await.unwrap();
        tx.commit().await.unwrap();
        (agent, wg)
    }

    /// Puts an existing agent into a workgroup with a role (what an accepted invitation will do).
    pub async fn add_member(&self, workgroup: Uuid, agent: Uuid, role: &str) {
        let mut conn = self.owner_conn().await;
        sqlx::query("INSERT INTO memberships (workgroup_id, agent_id, role, display_name) VALUES ($1, $2, $3, 'Member')")
            .bind(workgroup)
            .bind(agent)
            .bind(role)
            .execute(&mut conn)
            .await
            .unwrap();
    }

    pub fn router(&self) -> axum::Router {
        self.router_at("http://tandem.test")
    }

    /// The router of a Tandem people reach at `public_url`.
    pub fn router_at(&self, public_url: &str) -> axum::Router {
        self.router_with(public_url, |_| {})
    }

    /// The router, with its configuration changed by `edit`.
    pub fn router_with(&self, public_url: &str, edit: impl FnOnce(&mut tandem::server::config::Config)) -> axum::Router {
        let leptos_options = LeptosOptions::builder().output_name("tandem").site_root("target/site").build();
        let config = tandem::server::config::Config {
            database_url: None,
            data_dir: "data".into(),
            pg_bin: None,
            pg_os_user: "postgres".into(),
            secure_cookies: public_url.starts_with("https://"),
            log_format: "text".into(),
            public_url: public_url.into(),
            smtp_url: None,
            mail_from: "Tandem <tandem@localhost>".into(),
            trusted_proxies: Vec::new(),
            // Each test has a database of its own; the throttle's own test lowers this.
            sign_ups_per_hour: 10_000,
        };
        let mut config = config;
        edit(&mut config);
        tandem::server::http::router(AppState {
            pool: self.pool.clone(),
            leptos_options,
            config,
            clock: self.clock.clone(),
            gateway: self.gateway.clone(),
        })
    }
}

/// A browser without JavaScript: keeps the session cookie between calls.
pub struct Client {
    router: axum::Router,
    pub cookie: Option<String>,
    /// The TCP peer the server sees (none: "unknown", as under `oneshot`).
    pub peer: Option<std::net::SocketAddr>,
}

pub struct Answer {
    pub status: StatusCode,
    pub set_cookie: Option<String>,
    pub body: String,
    pub headers: http::HeaderMap,
    /// The body as it came (downloads are not text).
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn error(&self) -> Option<AppError> {
        if self.status.is_success() || self.status.is_redirection() {
            None
        } else {
            Some(serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not an AppError: {} {}", self.status, self.body)))
        }
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        assert!(self.status.is_success(), "{} {}", self.status, self.body);
        serde_json::from_str(&self.body).unwrap()
    }
}

impl Client {
    pub fn new(router: axum::Router) -> Self {
        Self { router, cookie: None, peer: None }
    }

    /// Calls the server function `S` with form fields, as a plain form post would.
    pub async fn call<S: ServerFn>(&mut self, fields: &[(&str, &str)]) -> Answer {
        self.post_form(S::PATH, fields).await
    }

    /// A form posted to any path, as a forged or outdated page would.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_form_with(path, fields, &[]).await
    }

    /// A form posted with extra request headers (such as a browser's `Origin`).
    pub async fn post_form_with(&mut self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c.clone());
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let mut req = Request::get(path);
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c.clone());
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Sends any request, with this browser's cookie and peer address.
    pub async fn send(&mut self, mut req: Request<Body>) -> Answer {
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        if let (Some(c), false) = (&self.cookie, req.headers().contains_key(header::COOKIE)) {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let set_cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        let headers = res.headers().clone();
        if let Some(sc) = &set_cookie {
            let pair = sc.split(';').next().unwrap().to_string();
            self.cookie = if sc.contains("Max-Age=0") || sc.contains("max-age=0") { None } else { Some(pair) };
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Answer { status, set_cookie, body, headers, bytes }
    }

    pub async fn sign_up(&mut self, name: &str, email: &str) -> Answer {
        self.call::<tandem::auth::SignUp>(&[("name", name), ("email", email), ("password", PASSWORD)]).await
    }
}

pub const PASSWORD: &str = "correct horse battery";

pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}.{}@example.com", Uuid::new_v4().simple())
}

/// A signed-up agent's browser and ids.
pub struct Agent {
    pub client: Client,
    pub id: Uuid,
    pub email: String,
    pub own_workgroup: Uuid,
}

impl TestDb {
    /// Signs up a new agent through the router and verifies their address
    /// with the link from their mail, as a person would.
    pub async fn sign_up(&self, name: &str) -> Agent {
        let mut agent = self.sign_up_unverified(name).await;
        let email = agent.email.clone();
        self.verify(&mut agent.client, &email).await;
        agent
    }

    /// Signs up a new agent who has not used their verification link.
    pub async fn sign_up_unverified(&self, name: &str) -> Agent {
        let mut client = Client::new(self.router());
        let email = unique_email(&name.to_lowercase().replace(' ', "."));
        let answer = client.sign_up(name, &email).await;
        assert!(answer.error().is_none(), "{}", answer.body);
        let me = client.call::<tandem::auth::GetMe>(&[]).await.json::<Option<tandem::auth::Me>>().unwrap();
        Agent { client, id: me.agent_id, email, own_workgroup: me.workgroup.id }
    }

    /// Every link to `http://tandem.test{path}…` in mail to `email`, oldest first.
    pub async fn mailed_links(&self, email: &str, path: &str) -> Vec<String> {
        let mut conn = self.owner_conn().await;
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM mail_outbox WHERE lower(to_email) = lower($1) ORDER BY created_at, id")
                .bind(email)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let prefix = format!("http://tandem.test{path}");
        bodies
            .iter()
            .flat_map(|b| b.split_whitespace().filter(|w| w.starts_with(&prefix)).map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    /// The token of the newest link to `path` mailed to `email`.
    pub async fn mailed_token(&self, email: &str, path: &str) -> String {
        let link = self.mailed_links(email, path).await.pop().unwrap_or_else(|| panic!("no {path} link mailed to {email}"));
        let rest = link.strip_prefix(&format!("http://tandem.test{path}")).unwrap();
        rest.split('?').next().unwrap().to_string()
    }

    /// Uses the newest verification link mailed to `email`, in `client`'s browser.
    pub async fn verify(&self, client: &mut Client, email: &str) -> Answer {
        let token = self.mailed_token(email, "/verify-email/").await;
        let answer = client.call::<tandem::auth::VerifyEmail>(&[("token", &token)]).await;
        assert!(answer.error().is_none(), "{}", answer.body);
        answer
    }

    /// Makes `agent` a member of `workgroup` with `role` and switches their session there.
    pub async fn join_as(&self, agent: &mut Agent, workgroup: Uuid, role: &str) {
        self.add_member(workgroup, agent.id, if role == "inactive" { "associate" } else { role }).await;
        let switched = agent.client.call::<tandem::workgroups::SwitchWorkgroup>(&[("workgroup_id", &workgroup.to_string())]).await;
        assert!(switched.error().is_none(), "{}", switched.body);
        if role == "inactive" {
            self.set_role(workgroup, agent.id, "inactive").await;
        }
    }

    pub async fn set_role(&self, workgroup: Uuid, agent: Uuid, role: &str) {
        let mut conn = self.owner_conn().await;
        sqlx::query("UPDATE memberships SET role = $3 WHERE workgroup_id = $1 AND agent_id = $2")
            .bind(workgroup)
            .bind(agent)
            .bind(role)
            .execute(&mut conn)
            .await
            .unwrap();
    }

    pub async fn role_in(&self, workgroup: Uuid, agent: Uuid) -> Option<String> {
        let mut conn = self.owner_conn().await;
        sqlx::query_scalar("SELECT role FROM memberships WHERE workgroup_id = $1 AND agent_id = $2")
            .bind(workgroup)
            .bind(agent)
            .fetch_optional(&mut conn)
            .await
            .unwrap()
    }
}

impl Client {
    /// Another browser with the same session cookie.
    pub fn same_session(&self) -> Client {
        Client { router: self.router.clone(), cookie: self.cookie.clone(), peer: self.peer }
    }
}
