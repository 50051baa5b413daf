//! The Feed page, the Notifications page and the bell in the top bar.

use strum::VariantArray;
use super::{get_feed, list_notifications, unread_notifications, EventKind, ReadAllNotifications, ReadNotification};
use crate::ui::live::use_live;
use crate::ui::{error_of, moment, urlencode, FormError, LoadError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The actions that change the bell's figure, shared by the bell and the
/// Notifications page.
#[derive(Clone, Copy)]
pub struct NotificationActions {
    pub read: ServerAction<ReadNotification>,
    pub read_all: ServerAction<ReadAllNotifications>,
    /// Moves when the agent's notifications change elsewhere: one live
    /// stream per signed-in tab, however many parts of the page listen.
    pub live: ReadSignal<u64>,
}

/// Called once by the signed-in layout.
pub fn provide_notification_actions() {
    provide_context(NotificationActions { read: ServerAction::new(), read_all: ServerAction::new(), live: use_live("notifications") });
}

fn notification_actions() -> NotificationActions {
    expect_context::<NotificationActions>()
}

/// The bell: a link to the notifications with the unread count, kept live.
#[component]
pub fn Bell() -> impl IntoView {
    let actions = notification_actions();
    let count = Resource::new(
        move || (actions.live.get(), actions.read.version().get(), actions.read_all.version().get()),
        |_| unread_notifications(),
    );
    view! {
        <Transition fallback=|| view! { <A href="/notifications" attr:class="bell"><BellIcon/></A> }>
            {move || Suspend::new(async move {
                let n = count.await.unwrap_or(0);
                let count_class = if n > 0 { "bell-count" } else { "bell-count zero" };
                let label = match n {
                    0 => "Notifications, none unread".to_string(),
                    1 => "Notifications, 1 unread".to_string(),
                    n => format!("Notifications, {n} unread"),
                };
                view! {
                    <A href="/notifications" attr:class="bell" attr:aria-label=label.clone() attr:title=label>
                        <BellIcon/>
                        <span class=count_class data-testid="bell-count">{n}</span>
                    </A>
                }
            })}
        </Transition>
    }
}

#[component]
fn BellIcon() -> impl IntoView {
    view! {
        <svg class="bell-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
        </svg>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let actions = notification_actions();
    let list = Resource::new(
        move || (actions.live.get(), actions.read.version().get(), actions.read_all.version().get()),
        |_| list_notifications(),
    );
    let error = error_of(actions.read);
    view! {
        <Title text="Notifications · Tandem"/>
        <div class="page-head">
            <h1>"Notifications"</h1>
            <ActionForm action=actions.read_all attr:class="inline">
                <button type="submit" class="secondary">"Mark all read"</button>
            </ActionForm>
        </div>
        <FormError error/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.items.is_empty() => {
                        view! { <p class="panel hint">"Nothing yet. Tasks assigned to you, your teams' queues, invitations and licenses running out show here."</p> }.into_any()
                    }
                    Ok(list) => {
                        let items = list
                            .items
                            .into_iter()
                            .map(|n| {
                                let id = n.id.to_string();
                                let when = moment(n.created_at);
                                let class = if n.read { "notification" } else { "notification unread" };
                                let mark = (!n.read).then(|| {
                                    let id = id.clone();
                                    let aria = format!("Mark read: {}", n.summary);
                                    view! {
                                        <ActionForm action=actions.read attr:class="inline">
                                            <input type="hidden" name="id" value=id/>
                                            <button type="submit" class="link" aria-label=aria>"Mark read"</button>
                                        </ActionForm>
                                    }
                                });
                                view! {
                                    <li class=class data-testid="notification">
                                        <div class="notification-head">
                                            <span class="badge">{n.kind.label()}</span>
                                            <span class="hint">{when}</span>
                                            {(!n.read).then(|| view! { <span class="sr-only">" (unread)"</span> })}
                                        </div>
                                        <ActionForm action=actions.read attr:class="inline">
                                            <input type="hidden" name="id" value=id/>
                                            <input type="hidden" name="open" value="1"/>
                                            <button type="submit" class="link notification-open">{n.summary.clone()}</button>
                                        </ActionForm>
                                        " "
                                        {mark}
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <p class="hint">{format!("{} unread", list.unread)}</p>
                            <ul class="notifications">{items}</ul>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn FeedPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let feed = Resource::new(move || (param("kind"), param("customer"), param("before")), |(k, c, b)| get_feed(k, c, b));
    view! {
        <Title text="Feed · Tandem"/>
        <h1>"Feed"</h1>
        <Loaded resource=feed let:page>
            {
                let (kind, customer, before) = (param("kind"), param("customer"), param("before"));
                let kind_options = EventKind::VARIANTS
                    .iter()
                    .map(|k| view! { <option value=k.as_str() selected=k.as_str() == kind>{k.label()}</option> })
                    .collect_view();
                let customer_options = page
                    .customers
                    .iter()
                    .map(|c| {
                        let id = c.id.to_string();
                        let selected = id == customer;
                        view! { <option value=id selected=selected>{c.name.clone()}</option> }
                    })
                    .collect_view();
                let base = format!("/feed?kind={}&customer={}", urlencode(&kind), urlencode(&customer));
                let body = if page.entries.is_empty() {
                    view! { <p class="panel hint">"Nothing has happened here yet (or nothing matches the filter)."</p> }.into_any()
                } else {
                    let rows = page
                        .entries
                        .into_iter()
                        .map(|e| {
                            let what = match e.link {
                                Some(href) => view! { <A href=href>{e.summary}</A> }.into_any(),
                                None => view! { <span>{e.summary}</span> }.into_any(),
                            };
                            view! {
                                <li class="feed-entry" data-testid="feed-entry" data-kind=e.kind.as_str()>
                                    <span class="badge">{e.kind.label()}</span>
                                    " "
                                    {what}
                                    <div class="hint">{moment(e.at)} " UTC"</div>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="feed">{rows}</ul> }.into_any()
                };
                let newer = (!before.is_empty()).then(|| view! { <A href=base.clone()>"← Newest"</A> });
                let older = page.older.map(|id| view! { <A href=format!("{base}&before={id}") attr:rel="next">"Older →"</A> });
                view! {
                    <Form method="GET" action="" attr:class="filters">
                        <div>
                            <label for="feed-kind">"What"</label>
                            <select id="feed-kind" name="kind">
                                <option value="">"Everything"</option>
                                {kind_options}
                            </select>
                        </div>
                        <div>
                            <label for="feed-customer">"Customer"</label>
                            <select id="feed-customer" name="customer">
                                <option value="">"All customers"</option>
                                {customer_options}
                            </select>
                        </div>
                        <div class="filter-button"><button type="submit">"Show"</button></div>
                    </Form>
                    {body}
                    <nav class="pager" aria-label="Pages">{newer}{older}</nav>
                }
                .into_any()
            }
        </Loaded>
    }
}
