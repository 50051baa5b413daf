//! The hostile campaign: thousands of generated requests over every server
//! function and plain route, signed out and as each role, must each get an
//! answer below 500 (a 4xx with a message when refused) and, when refused,
//! change nothing a tenant owns.
//!
//! Values come from proptest strategies (overlong and control-character
//! strings, NUL, odd Unicode, HTML and SQL fragments, numbers of every
//! shape, malformed and foreign UUIDs, dates at the edges), seeded: a
//! failure prints its seed and request number, and
//! `TANDEM_CAMPAIGN_SEED=<seed> cargo test campaign` replays it.
//! `TANDEM_CAMPAIGN_REQUESTS` sets how many requests each of the four
//! shards sends (default 2,500: 10,000 in all).

// Its own test binary, so its thousands of requests share no process-wide
// state (the hashing permits, Leptos's renderer) with the other tests.
#[allow(dead_code)]
#[path = "../integration/common.rs"]
mod common;

use common::{test_db, Client, TestDb};
use axum::body::Body;
use http::{header, Request};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A server function as its source declares it.
#[derive(Debug, Clone)]
struct Endpoint {
    name: String,
    path: String,
    /// (field, type) in order.
    args: Vec<(String, String)>,
}

/// Reads every `#[server]` function's name and arguments from `src/`, and
/// matches each to its registered path.
fn endpoints() -> Vec<Endpoint> {
    let mut found = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut rest = text.as_str();
                while let Some(at) = rest.find("#[server") {
                    rest = &rest[at..];
                    let Some(fn_at) = rest.find("pub async fn ") else { break };
                    let sig = &rest[fn_at + "pub async fn ".len()..];
                    let open = sig.find('(').unwrap();
                    let name = sig[..open].trim().to_string();
                    let close = sig.find(") ->").unwrap();
                    let args = split_args(&sig[open + 1..close]);
                    found.push((name, args));
                    rest = &rest[fn_at + 1..];
                }
            }
        }
    }
    let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    let endpoints: Vec<Endpoint> = found
        .into_iter()
        .map(|(name, args)| {
            let prefix = format!("/api/{name}");
            let path = paths
                .iter()
                .find(|p| p.strip_prefix(&prefix).is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit())))
                .unwrap_or_else(|| panic!("no registered path for server function {name}"));
            Endpoint { name, path: path.to_string(), args }
        })
        .collect();
    assert!(endpoints.len() >= 80, "only {} server functions found", endpoints.len());
    endpoints
}

fn split_args(list: &str) -> Vec<(String, String)> {
    let mut args = Vec::new();
    let (mut depth, mut start) = (0, 0);
    let list = list.trim();
    for (i, c) in list.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                args.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(&list[start..]);
    args.into_iter()
        .filter_map(|a| a.split_once(':'))
        .map(|(n, t)| (n.trim().to_string(), t.trim().to_string()))
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// Ids of the campaign's world, to aim values at real rows too.
#[derive(Clone)]
struct World {
    ids: Vec<String>,
}

fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        // Known troublemakers.
        Just(String::new()),
        Just(" ".repeat(3)),
        Just("\0".to_string()),
        Just("a\0b".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("\"><img src=x onerror=alert(1)>".to_string()),
        Just("'; DROP TABLE agents; --".to_string()),
        Just("' OR '1'='1".to_string()),
        Just("%00%27%22".to_string()),
        Just("\u{202e}gnp.exe".to_string()),
        Just("\u{feff}\u{200b}\u{fffd}".to_string()),
        Just("Z\u{0351}\u{0360}\u{0361}\u{0489}algo".to_string()),
        Just("😀".repeat(200)),
        Just("x".repeat(10_000)),
        Just("../../etc/passwd".to_string()),
        Just("${jndi:ldap://x}".to_string()),
        Just("{{7*7}}".to_string()),
        Just("\r\nSet-Cookie: x=y".to_string()),
        Just("null".to_string()),
        Just("undefined".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        // Numbers of every shape.
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("-0".to_string()),
        Just("1e309".to_string()),
        Just("NaN".to_string()),
        Just("Infinity".to_string()),
        Just("9223372036854775807".to_string()),
        Just("9223372036854775808".to_string()),
        Just("-9223372036854775809".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("0x10".to_string()),
        Just("1.5".to_string()),
        Just("1,000".to_string()),
        Just("00000000000000000001".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        (0u32..100_000).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        // Dates at the edges.
        Just("0000-01-01".to_string()),
        Just("9999-12-31".to_string()),
        Just("+275760-09-13".to_string()),
        Just("-4713-01-01".to_string()),
        Just("2026-02-30".to_string()),
        Just("1999-12-31".to_string()),
        Just("2100-01-01".to_string()),
        Just("2026-12-04".to_string()),
        Just("2026-12-04T25:61:61Z".to_string()),
        // UUIDs: nil, random, malformed.
        Just(Uuid::nil().to_string()),
        Just("00000000-0000-0000-0000-00000000000g".to_string()),
        Just("{00000000-0000-0000-0000-000000000000}".to_string()),
        any::<u128>().prop_map(|n| Uuid::from_u128(n).to_string()),
        // Whatever else a string can be.
        any::<String>(),
        "\\PC{0,40}",
        "[\\x00-\\x1f\\x7f]{1,20}",
        "[a-z@.]{0,30}",
        "[ -~]{0,300}",
    ]
    .boxed()
}

/// A value for a field of type `ty`: usually hostile, sometimes a real id
/// or a plausible value, so requests also reach the rules behind parsing.
fn value_for(ty: &str, world: &World) -> BoxedStrategy<String> {
    let ids = world.ids.clone();
    let real = proptest::sample::select(ids).boxed();
    let plausible = match ty {
        t if t.contains("bool") => prop_oneof![Just("true".to_string()), Just("false".to_string())].boxed(),
        t if t.contains("i64") || t.contains("i32") || t.contains("u32") || t.contains("usize") => (0i64..50).prop_map(|n| n.to_string()).boxed(),
        _ => prop_oneof![Just("Acme".to_string()), Just("ada@example.com".to_string()), Just("2026-12-31".to_string())].boxed(),
    };
    prop_oneof![6 => hostile_text(), 2 => real, 2 => plausible].boxed()
}

/// One generated request.
#[derive(Debug)]
struct Hostile {
    kind: &'static str,
    who: usize,
    method: http::Method,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn form(fields: &[(String, String)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap().into_bytes()
}

const PAGES: &[&str] = &[
    "/", "/login", "/signup", "/dashboard", "/delivery", "/services/new", "/services/{}", "/my-tasks", "/runbooks", "/runbooks/{}",
    "/agents", "/teams", "/customers", "/customers/{}", "/reports", "/feed", "/notifications", "/account", "/settings",
    "/settings/workgroups", "/settings/licenses", "/settings/coupons", "/settings/coupons/generate", "/settings/billing",
    "/settings/billing/{}", "/settings/billing/{}/quote", "/settings/cart", "/settings/cart/address", "/settings/cart/complete",
    "/settings/billing-info", "/settings/subscriptions", "/invitations/{}", "/verify-email/{}", "/no/such/page",
];

fn generate(runner: &mut TestRunner, endpoints: &[Endpoint], world: &World, people: usize) -> Hostile {
    fn pick_in(runner: &mut TestRunner, s: BoxedStrategy<String>) -> String {
        s.new_tree(runner).unwrap().current()
    }
    let n = |runner: &mut TestRunner, below: u32| (0..below).new_tree(runner).unwrap().current();
    let who = n(runner, people as u32) as usize;
    let dice = n(runner, 100);
    if dice < 8 {
        // A page, with a hostile id or query.
        let page = PAGES[n(runner, PAGES.len() as u32) as usize];
        let id = urlencode(&value_for("String", world).new_tree(runner).unwrap().current());
        let query = urlencode(&hostile_text().new_tree(runner).unwrap().current());
        let path = format!("{}?page={query}&next={query}&customer={query}", page.replace("{}", &id));
        return Hostile { kind: "page", who, method: http::Method::GET, path, content_type: None, body: vec![] };
    }
    if dice < 12 {
        let route = ["/settings/billing/export.xlsx", "/reports/export.xlsx", "/healthz"][n(runner, 3) as usize];
        let mut query = String::new();
        for field in ["range", "from", "to", "agent", "customer", "group_by", "status", "page"] {
            let v = urlencode(&value_for("String", world).new_tree(runner).unwrap().current());
            query.push_str(&format!("{field}={v}&"));
        }
        return Hostile { kind: "export", who, method: http::Method::GET, path: format!("{route}?{query}"), content_type: None, body: vec![] };
    }
    let endpoint = &endpoints[n(runner, endpoints.len() as u32) as usize];
    let mut fields: Vec<(String, String)> = Vec::new();
    let shape = n(runner, 100);
    for (name, ty) in &endpoint.args {
        let roll = n(runner, 100);
        if roll < 7 {
            continue; // missing
        }
        let v = pick_in(runner, value_for(ty, world));
        fields.push((name.clone(), v));
        if roll > 94 || ty.starts_with("Vec") {
            let again = pick_in(runner, value_for(ty, world));
            fields.push((name.clone(), again)); // repeated
        }
    }
    if n(runner, 100) < 5 {
        fields.push(("unexpected".into(), pick_in(runner, hostile_text())));
    }
    let form_type = Some("application/x-www-form-urlencoded".to_string());
    let (kind, content_type, body) = match shape {
        0..=84 => ("server function", form_type, form(&fields)),
        85..=88 => ("wrong content type", Some("application/json".to_string()), serde_json::to_vec(&BTreeMap::from_iter(fields.clone())).unwrap()),
        89..=91 => ("no content type", None, form(&fields)),
        92..=94 => ("garbage body", form_type, pick_in(runner, any::<String>().boxed()).into_bytes().into_iter().chain([0xff, 0xfe, 0]).collect()),
        95..=96 => ("multipart claimed", Some("multipart/form-data; boundary=x".to_string()), form(&fields)),
        97 => ("huge body", form_type, {
            let mut big = form(&fields);
            big.extend(b"&pad=".iter().chain(vec![b'a'; 300 * 1024].iter()));
            big
        }),
        _ => ("GET on a server function", None, vec![]),
    };
    let method = if kind == "GET on a server function" { http::Method::GET } else { http::Method::POST };
    let path = if method == http::Method::GET {
        format!("{}?{}", endpoint.path, String::from_utf8_lossy(&form(&fields)))
    } else {
        endpoint.path.clone()
    };
    Hostile { kind, who, method, path, content_type, body }
}

pub(crate) fn urlencode(s: &str) -> String {
    tandem::ui::urlencode(s)
}

/// What a tenant owns, to compare around a refused request.
async fn snapshot(db: &TestDb) -> Vec<String> {
    let mut conn = db.owner_conn().await;
    let row: (i64, i64, i64, i64, i64, i64, Option<String>, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM license_log),
                (SELECT coalesce(sum(available + 7 * reserved + 13 * consumed), 0)::int8 FROM license_packs),
                (SELECT count(*) FROM orders),
                (SELECT count(*) FROM payments),
                (SELECT count(*) FROM refunds),
                (SELECT count(*) FROM coupons WHERE redeemed_at IS NOT NULL),
                (SELECT md5(string_agg(workgroup_id::text || agent_id::text || role, ',' ORDER BY workgroup_id, agent_id)) FROM memberships),
                (SELECT count(*) FROM subscription_packs),
                (SELECT count(*) FROM seat_assignments),
                (SELECT count(*) FROM agents)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    vec![format!("{row:?}")]
}

/// The license log replays to the packs' counters.
async fn replay_holds(db: &TestDb) {
    let mut conn = db.owner_conn().await;
    let off: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM license_packs p
           LEFT JOIN (SELECT pack_id, sum(available_delta) AS a, sum(reserved_delta) AS r, sum(consumed_delta) AS c
                        FROM license_log GROUP BY pack_id) l ON l.pack_id = p.id
          WHERE (p.available, p.reserved, p.consumed) IS DISTINCT FROM (coalesce(l.a, 0), coalesce(l.r, 0), coalesce(l.c, 0))",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(off, 0, "license packs that the log does not replay to");
}

async fn shard(seed: u64, requests: usize) -> BTreeMap<String, usize> {
    let db = test_db().await;
    // The world: a workgroup with every role, a second workgroup, some rows.
    let mut admin = db.sign_up("Olivia").await;
    let workgroup = admin.own_workgroup;
    let mut people: Vec<Client> = vec![Client::new(db.router())];
    let mut ids = vec![workgroup.to_string(), admin.id.to_string()];
    for role in ["manager", "associate", "inactive"] {
        let mut agent = db.sign_up(role).await;
        db.join_as(&mut agent, workgroup, role).await;
        ids.push(agent.id.to_string());
        people.push(agent.client);
    }
    let stranger = db.sign_up("Stranger").await;
    ids.push(stranger.own_workgroup.to_string());
    ids.push(stranger.id.to_string());
    let customer = admin.client.call::<tandem::customers::CreateCustomer>(&[("name", "Acme")]).await;
    if let Ok(id) = serde_json::from_str::<Uuid>(&customer.body) {
        ids.push(id.to_string());
    }
    people.push(stranger.client);
    people.push(admin.client.same_session());
    let _ = &mut admin;

    let endpoints: Vec<Endpoint> =
        endpoints().into_iter().filter(|e| !["log_out", "sign_out_everywhere_else"].contains(&e.name.as_str())).collect();
    let world = World { ids };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    // Requests of a shard go one at a time: what follows one precedes the next.
    let mut before = snapshot(&db).await;
    for i in 0..requests {
        let h = generate(&mut runner, &endpoints, &world, people.len());
        let mut req = Request::builder().method(h.method.clone()).uri(&h.path).header(header::ACCEPT, "application/json");
        if let Some(ct) = &h.content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let Ok(req) = req.body(Body::from(h.body.clone())) else {
            *kinds.entry("unsendable (refused by the client)".into()).or_default() += 1;
            continue;
        };
        // A request that never answers is a failure to report, not a hang.
        let Ok(answer) = tokio::time::timeout(std::time::Duration::from_secs(60), people[h.who].send(req)).await else {
            panic!("no answer within 60 s: seed {seed}, request {i}: {} {} as person {} ({})", h.method, h.path.chars().take(300).collect::<String>(), h.who, h.kind);
        };
        let status = answer.status;
        let context = || format!("seed {seed}, request {i}: {} {} as person {} ({}) -> {} {}", h.method, h.path.chars().take(200).collect::<String>(), h.who, h.kind, status, answer.body.chars().take(300).collect::<String>());
        assert!(status.as_u16() < 500, "a server error: {}", context());
        if status.is_client_error() && h.path.starts_with("/api/") && h.method == http::Method::POST {
            let error: tandem::error::AppError =
                serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("a refusal without a message: {}", context()));
            assert!(!error.to_string().trim().is_empty(), "an empty message: {}", context());
        }
        let after = snapshot(&db).await;
        if status.is_client_error() {
            assert_eq!(after, before, "a refused request changed something: {}", context());
        }
        before = after;
        *kinds.entry(format!("{} ({})", h.kind, if status.is_client_error() { "refused" } else { "answered" })).or_default() += 1;
    }
    replay_holds(&db).await;
    kinds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_hostile_requests_get_answers_and_change_nothing_when_refused() {
    let seed: u64 = std::env::var("TANDEM_CAMPAIGN_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261204);
    let per_shard: usize = std::env::var("TANDEM_CAMPAIGN_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_500);
    let started = std::time::Instant::now();
    let shards = (0..4).map(|k| shard(seed + k, per_shard));
    let mut total: BTreeMap<String, usize> = BTreeMap::new();
    for result in futures::future::join_all(shards).await {
        for (kind, n) in result {
            *total.entry(kind).or_default() += n;
        }
    }
    let sent: usize = total.values().sum();
    println!("campaign: seed {seed}, {sent} requests in {:.1} s", started.elapsed().as_secs_f64());
    for (kind, n) in &total {
        println!("  {n:>6}  {kind}");
    }
    assert!(sent >= 4 * per_shard * 99 / 100, "only {sent} requests were sent");
}
