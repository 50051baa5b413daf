//! The HTML shell, the router, and the signed-in layout: the left navigation
//! with the workgroup selector at its top.

use crate::account::{pages::AccountPage, UpdateName};
use crate::agents::pages::{AgentsPage, InvitationPage};
use crate::billing::pages::{BillingHistoryTab, BillingInfoTab, OrderPage, QuotePage};
use crate::cart::pages::{CartAddressPage, CartTab, CompletePurchasePage};
use crate::coupons::pages::{EnterCouponTab, GenerateCouponPage};
use crate::dashboard::pages::DashboardPage;
use crate::feed::pages::{provide_notification_actions, Bell, FeedPage, NotificationsPage};
use crate::reports::pages::ReportsPage;
use crate::delivery::pages::{DeliveryCenterPage, MyTasksPage, NewServicePage, ServicePage};
use crate::runbooks::pages::{RunbookPage, RunbooksPage};
use crate::customers::pages::{CustomerPage, CustomersPage};
use crate::licenses::pages::LicensesTab;
use crate::subscriptions::pages::SubscriptionsTab;
use crate::teams::pages::TeamsPage;
use crate::auth::{get_me, pages::{LoginPage, SignupPage, VerifyEmailPage}, LogOut, Me};
use crate::error::AppError;
use crate::ui::{LoadError, Tabs};
use crate::workgroups::{pages::{WorkgroupSelector, WorkgroupsTab}, CreateWorkgroup, RenameWorkgroup, Role, SwitchWorkgroup};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/tandem.css"/>
        <Title text="Tandem"/>
        // Pages render whole before they are sent (SsrMode::Async): they work
        // without JavaScript, and a redirect is a real HTTP redirect.
        <Router>
            <Routes fallback=NotFound>
                <Route ssr=SsrMode::Async path=path!("/login") view=LoginPage/>
                <Route ssr=SsrMode::Async path=path!("/signup") view=SignupPage/>
                <Route ssr=SsrMode::Async path=path!("/invitations/:token") view=InvitationPage/>
                <Route ssr=SsrMode::Async path=path!("/verify-email/:token") view=VerifyEmailPage/>
                <ParentRoute ssr=SsrMode::Async path=path!("") view=SignedIn>
                    <Route ssr=SsrMode::Async path=path!("") view=|| view! { <Redirect path="/dashboard"/> }/>
                    <Route ssr=SsrMode::Async path=path!("dashboard") view=DashboardPage/>
                    <Route ssr=SsrMode::Async path=path!("delivery") view=DeliveryCenterPage/>
                    <Route ssr=SsrMode::Async path=path!("services/new") view=NewServicePage/>
                    <Route ssr=SsrMode::Async path=path!("services/:id") view=ServicePage/>
                    <Route ssr=SsrMode::Async path=path!("my-tasks") view=MyTasksPage/>
                    <Route ssr=SsrMode::Async path=path!("runbooks") view=RunbooksPage/>
                    <Route ssr=SsrMode::Async path=path!("runbooks/:id") view=RunbookPage/>
                    <Route ssr=SsrMode::Async path=path!("agents") view=AgentsPage/>
                    <Route ssr=SsrMode::Async path=path!("teams") view=TeamsPage/>
                    <Route ssr=SsrMode::Async path=path!("customers") view=CustomersPage/>
                    <Route ssr=SsrMode::Async path=path!("customers/:id") view=CustomerPage/>
                    <Route ssr=SsrMode::Async path=path!("reports") view=ReportsPage/>
                    <Route ssr=SsrMode::Async path=path!("feed") view=FeedPage/>
                    <Route ssr=SsrMode::Async path=path!("notifications") view=NotificationsPage/>
                    <Route ssr=SsrMode::Async path=path!("account") view=AccountPage/>
                    <ParentRoute ssr=SsrMode::Async path=path!("settings") view=SettingsPage>
                        <Route ssr=SsrMode::Async path=path!("") view=|| view! { <Redirect path="/settings/workgroups"/> }/>
                        <Route ssr=SsrMode::Async path=path!("workgroups") view=WorkgroupsTab/>
                        <Route ssr=SsrMode::Async path=path!("licenses") view=LicensesTab/>
                        <Route ssr=SsrMode::Async path=path!("coupons") view=EnterCouponTab/>
                        <Route ssr=SsrMode::Async path=path!("coupons/generate") view=GenerateCouponPage/>
                        <Route ssr=SsrMode::Async path=path!("billing") view=BillingHistoryTab/>
                        <Route ssr=SsrMode::Async path=path!("billing/:id") view=OrderPage/>
                        <Route ssr=SsrMode::Async path=path!("billing/:id/quote") view=QuotePage/>
                        <Route ssr=SsrMode::Async path=path!("cart") view=CartTab/>
                        <Route ssr=SsrMode::Async path=path!("cart/address") view=CartAddressPage/>
                        <Route ssr=SsrMode::Async path=path!("cart/complete") view=CompletePurchasePage/>
                        <Route ssr=SsrMode::Async path=path!("billing-info") view=BillingInfoTab/>
                        <Route ssr=SsrMode::Async path=path!("subscriptions") view=SubscriptionsTab/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The actions whose effects every page of the signed-in app shows at once.
#[derive(Clone, Copy)]
pub struct AppSession {
    pub switch: ServerAction<SwitchWorkgroup>,
    pub create: ServerAction<CreateWorkgroup>,
    pub rename: ServerAction<RenameWorkgroup>,
    pub log_out: ServerAction<LogOut>,
    /// The agent's own name (Account page), shown in the top bar.
    pub update_name: ServerAction<UpdateName>,
}

pub fn use_app_session() -> AppSession {
    expect_context::<AppSession>()
}

/// Everything behind sign-in. Changing workgroup (or its name) reloads the
/// agent and re-renders the layout, so every page below refetches its data.
#[component]
fn SignedIn() -> impl IntoView {
    let session = AppSession {
        switch: ServerAction::new(),
        create: ServerAction::new(),
        rename: ServerAction::new(),
        log_out: ServerAction::new(),
        update_name: ServerAction::new(),
    };
    provide_context(session);
    provide_notification_actions();
    let me = Resource::new(
        move || {
            (
                session.switch.version().get(),
                session.create.version().get(),
                session.rename.version().get(),
                session.update_name.version().get(),
            )
        },
        |_| get_me(),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Layout me/> }.into_any(),
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <main class="content"><LoadError error/></main> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Layout(me: Me) -> impl IntoView {
    let session = use_app_session();
    let workgroup_name = me.workgroup.name.clone();
    let buys = me.workgroup.role.at_least(Role::Manager);
    // The Settings tabs a role may use.
    provide_context(me.workgroup.role);
    view! {
        <div class="app">
            <aside class="sidebar">
                <div class="brand">"Tandem"</div>
                <WorkgroupSelector me=me.clone()/>
                <nav class="nav" aria-label="Main">
                    <A href="/dashboard" attr:class="nav-link">"Dashboard"</A>
                    <A href="/delivery" attr:class="nav-link">"Delivery Center"</A>
                    <A href="/my-tasks" attr:class="nav-link">"My Tasks"</A>
                    <A href="/customers" attr:class="nav-link">"Customers"</A>
                    <A href="/runbooks" attr:class="nav-link">"Runbooks"</A>
                    <A href="/teams" attr:class="nav-link">"Teams"</A>
                    <A href="/agents" attr:class="nav-link">"Agents"</A>
                    <A href="/reports" attr:class="nav-link">"Reports"</A>
                    <A href="/feed" attr:class="nav-link">"Feed"</A>
                    <A href="/settings/workgroups" attr:class="nav-link">"Settings"</A>
                </nav>
            </aside>
            <div class="main">
                <header class="topbar">
                    <span class="current-workgroup" data-testid="current-workgroup">{workgroup_name}</span>
                    <span class="spacer"></span>
                    {buys.then(|| view! { <CartLink/> })}
                    <Bell/>
                    <span class="agent">
                        {me.name.clone()} " · " {me.workgroup.role.label()}
                    </span>
                    <A href="/account" attr:class="account-link">"Account"</A>
                    <ActionForm action=session.log_out attr:class="inline">
                        <button type="submit" class="link">"Log out"</button>
                    </ActionForm>
                </header>
                <main class="content">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

#[component]
fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings · Tandem"/>
        <h1>"Settings"</h1>
        <Tabs tabs=settings_tabs(use_context::<Role>().unwrap_or(Role::Associate))/>
        <Outlet/>
    }
}

/// Settings tabs in the product's order; each shown to the roles that can use it.
fn settings_tabs(role: Role) -> Vec<(&'static str, &'static str)> {
    let tabs = [
        ("/settings/workgroups", "Workgroups", Role::Associate),
        ("/settings/licenses", "Licenses", Role::Associate),
        ("/settings/coupons", "Enter Coupon", Role::Associate),
        ("/settings/billing", "Billing History", Role::Manager),
        ("/settings/cart", "Shopping Cart", Role::Manager),
        ("/settings/billing-info", "Billing Information", Role::Administrator),
        ("/settings/subscriptions", "Subscriptions", Role::Associate),
    ];
    tabs.into_iter().filter(|(.., needs)| role.at_least(*needs)).map(|(href, label, _)| (href, label)).collect()
}

/// The purchase icon of the top bar: opens the Shopping Cart.
#[component]
fn CartLink() -> impl IntoView {
    view! {
        <A href="/settings/cart" attr:class="cart-link" attr:title="Shopping Cart" attr:aria-label="Shopping Cart">
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM2 2h3.3l.9 2H21a1 1 0 0 1 .96 1.27l-2.7 9A1 1 0 0 1 18.3 15H8.1l-.9 2H19v2H5.6a1 1 0 0 1-.9-1.45L6.1 14.6 3.9 4H2V2z"/>
            </svg>
        </A>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found · Tandem"/>
        <main class="auth">
            <div class="auth-card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <A href="/">"Go to Tandem"</A>
            </div>
        </main>
    }
}
