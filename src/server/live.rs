//! Live updates: when a workgroup's tasks change, open My Tasks and Delivery
//! Center pages of that workgroup refetch.
//!
//! A change is announced after its transaction commits (`changed`): the ids
//! are batched for a moment and sent as PostgreSQL notifications, so every
//! app process behind a load balancer hears every change. (A NOTIFY inside
//! the changing transaction would make concurrent claims commit one at a
//! time.) Each process keeps one listening connection and fans the
//! workgroup ids out to its browsers over server-sent events that carry no
//! data but "changed".
//! A second channel names agents whose notifications changed: their pages
//! get a "notifications" event (the bell refetches its count).
//! The browser side is `crate::ui::live` (`use_live`, `use_task_changes`).

use crate::server::context::{AppState, Ctx};
use crate::server::db::{self, Tenant};
use crate::workgroups::{store as workgroups, Role};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tower_sessions::Session;
use uuid::Uuid;

/// What changed: a workgroup's tasks, or an agent's notifications.
#[derive(Clone, Copy)]
enum Change {
    Tasks(Uuid),
    Notifications(Uuid),
}

struct Hub {
    changes: broadcast::Sender<Change>,
    closing: watch::Sender<bool>,
}

fn hub() -> &'static Hub {
    static HUB: OnceLock<Hub> = OnceLock::new();
    HUB.get_or_init(|| Hub { changes: broadcast::channel(1024).0, closing: watch::channel(false).0 })
}

/// Where `changed` drops workgroup ids for the announcer (set when serving).
static ANNOUNCE: OnceLock<tokio::sync::mpsc::Sender<Uuid>> = OnceLock::new();

/// Tells every app process that this workgroup's tasks changed. Call it
/// after the change committed. Never waits; a full queue drops the id
/// (the batch in flight already refreshes that page).
pub fn changed(workgroup_id: Uuid) {
    if let Some(tx) = ANNOUNCE.get() {
        let _ = tx.try_send(workgroup_id);
    }
}

/// Sends the announced ids as notifications, each workgroup once per 100 ms.
fn spawn_announcer(pool: sqlx::PgPool) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Uuid>(4096);
    if ANNOUNCE.set(tx).is_err() {
        return;
    }
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut ids = std::collections::BTreeSet::from([first]);
            while let Ok(id) = rx.try_recv() {
                ids.insert(id);
            }
            let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
            if let Err(e) = sqlx::query("SELECT pg_notify('tandem_tasks', id) FROM unnest($1::text[]) AS id")
                .bind(&ids)
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "live updates: could not announce changes");
            }
        }
    });
}

/// Listens for `tandem_tasks` and `tandem_notifications`, reconnecting
/// after failures, and starts the announcer of this process's own changes.
pub fn spawn_listener(pool: sqlx::PgPool) {
    spawn_announcer(pool.clone());
    tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(e) = listener.listen_all(["tandem_tasks", "tandem_notifications"]).await {
                        tracing::warn!(error = %e, "live updates: LISTEN failed");
                    } else {
                        loop {
                            match listener.recv().await {
                                Ok(n) => {
                                    if let Ok(id) = n.payload().parse::<Uuid>() {
                                        let change = match n.channel() {
                                            "tandem_notifications" => Change::Notifications(id),
                                            _ => Change::Tasks(id),
                                        };
                                        let _ = hub().changes.send(change);
                                    }
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "live updates: listener lost its connection");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "live updates: cannot connect to listen"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

/// Open streams a session may hold at once (one per tab; a few tabs).
pub const MAX_STREAMS_PER_SESSION: usize = 4;
/// How often a stream checks that its session and role still hold.
const RECHECK: Duration = Duration::from_secs(10);

/// The state of one open stream.
struct Stream {
    changes: broadcast::Receiver<Change>,
    closing: watch::Receiver<bool>,
    pending: Option<&'static str>,
    next_check: tokio::time::Instant,
    _slot: StreamSlot,
}

/// One of a session's stream slots in this process, given back on drop.
struct StreamSlot(String);

fn open_streams() -> &'static Mutex<HashMap<String, usize>> {
    static OPEN: OnceLock<Mutex<HashMap<String, usize>>> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

impl StreamSlot {
    fn take(session_id: &str) -> Option<StreamSlot> {
        let mut open = open_streams().lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(session_id.to_string()).or_default();
        if *n >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(StreamSlot(session_id.to_string()))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = open_streams().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.0) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.0);
            }
        }
    }
}

/// Ends every open event stream, so a graceful shutdown does not wait on them.
pub fn close() {
    let _ = hub().closing.send(true);
}

/// GET /api/live: a stream of "tasks" events for the session's workgroup
/// and "notifications" events for the session's agent. At most
/// `MAX_STREAMS_PER_SESSION` per session; a stream ends within `RECHECK`
/// of its session ending or its agent no longer being an Associate.
pub async fn events(State(state): State<AppState>, ctx: Ctx, session: Session) -> Response {
    let Ctx { agent_id, workgroup_id, .. } = ctx;
    let Some(session_id) = session.id().map(|id| id.to_string()) else { return StatusCode::UNAUTHORIZED.into_response() };
    let Some(slot) = StreamSlot::take(&session_id) else {
        return (StatusCode::TOO_MANY_REQUESTS, "Too many live update streams for this session: close a few Tandem tabs.")
            .into_response();
    };
    let pool = state.pool.clone();
    // Whether this stream may go on: its session still exists and its
    // agent is still at least an Associate of its workgroup.
    let still_allowed = move || {
        let pool = pool.clone();
        let session_id = session_id.clone();
        async move {
            let check = async {
                let alive = sqlx::query_scalar!(
                    r#"SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND expires_at > now()) AS "alive!""#,
                    session_id
                )
                .fetch_one(&pool)
                .await?;
                let mut tx = db::begin_for(&pool, Tenant { agent_id: Some(agent_id), workgroup_id: Some(workgroup_id) }).await?;
                let role = workgroups::role_of(&mut tx, workgroup_id, agent_id).await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(alive && role.is_some_and(|r| r.at_least(Role::Associate)))
            };
            // A database hiccup does not end the stream; the next check decides.
            check.await.unwrap_or(true)
        }
    };
    let changes = hub().changes.subscribe();
    let closing = hub().closing.subscribe();
    // Which event a change makes for this stream, if any.
    let name = move |change: Change| match change {
        Change::Tasks(id) if id == workgroup_id => Some("tasks"),
        Change::Notifications(id) if id == agent_id => Some("notifications"),
        _ => None,
    };
    let start = Stream { changes, closing, pending: None, next_check: tokio::time::Instant::now() + RECHECK, _slot: slot };
    let stream = futures::stream::unfold(start, move |mut s| {
        let still_allowed = still_allowed.clone();
        async move {
            loop {
                if let Some(event) = s.pending.take() {
                    let event = Event::default().event(event).data("changed");
                    return Some((Ok::<_, std::convert::Infallible>(event), s));
                }
                if *s.closing.borrow() {
                    return None;
                }
                let changed = tokio::select! {
                    received = s.changes.recv() => match received {
                        Ok(change) => name(change),
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            s.pending = Some("notifications");
                            Some("tasks")
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = s.closing.changed() => return None,
                    _ = tokio::time::sleep_until(s.next_check) => {
                        if !still_allowed().await {
                            return None;
                        }
                        s.next_check = tokio::time::Instant::now() + RECHECK;
                        None
                    }
                };
                if let Some(first) = changed {
                    // Many changes at once (a service of many tasks) make one event of each kind.
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    while let Ok(change) = s.changes.try_recv() {
                        if let Some(other) = name(change).filter(|n| *n != first) {
                            s.pending = Some(other);
                        }
                    }
                    let event = Event::default().event(first).data("changed");
                    return Some((Ok::<_, std::convert::Infallible>(event), s));
                }
            }
        }
    });
    let mut res = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response();
    res.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-cache"));
    res
}
