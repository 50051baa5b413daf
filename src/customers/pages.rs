//! The Customers page (list, search, New customer) and the page of one
//! customer (rename; its users and groups, in `pages_users` and `pages_groups`).

use super::pages_groups::GroupsPanel;
use super::pages_users::{AddUserPanel, ImportPanel, UsersPanel};
use super::{
    get_customer_overview, list_customers, take_import_report, AddCustomerUser, AddGroupMember, CreateCustomer,
    CreateUserGroup, CustomerOverview, DeleteCustomerUser, DeleteUserGroup, ImportCustomerUsers, RemoveGroupMember,
    RenameCustomer, RenameUserGroup, UpdateCustomerUser, PAGE_SIZE,
};
use crate::error::AppError;
use crate::ui::{error_of, urlencode, FieldError, FormError, LoadError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

/// "Page 2 of 7 · 320 users" with links to the pages around it; `href` makes a page's address.
pub(super) fn pager(page: u32, total: i64, nouns: (&'static str, &'static str), href: impl Fn(i64) -> String) -> impl IntoView {
    crate::ui::pager(i64::from(page), total, i64::from(PAGE_SIZE), Some(nouns), href)
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let page = move || query.with(|m| m.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let create = ServerAction::<CreateCustomer>::new();
    let error = error_of(create);
    let customers = Resource::new(move || (q(), page(), create.version().get()), |(q, p, _)| list_customers(q, p));
    view! {
        <Title text="Customers · Tandem"/>
        <h1>"Customers"</h1>
        <section class="panel" aria-labelledby="new-customer-heading">
            <h2 id="new-customer-heading">"New customer"</h2>
            <ActionForm action=create>
                <label for="customer-name">"Customer name"</label>
                <div class="row">
                    <input id="customer-name" name="name" type="text" required maxlength="120"/>
                    <button type="submit" disabled=move || create.pending().get()>"Create customer"</button>
                </div>
                <FieldError error field="name"/>
                <FormError error/>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="customers-heading">
            <h2 id="customers-heading">"All customers"</h2>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <div>
                    <label for="customer-search">"Search by name"</label>
                    <input id="customer-search" name="q" type="search" value=q()/>
                </div>
                <button type="submit">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match customers.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(found) if found.customers.is_empty() => {
                            let text = if found.query.is_empty() { "No customers yet." } else { "No customer's name contains that." };
                            view! { <p class="hint">{text}</p> }.into_any()
                        }
                        Ok(found) => {
                            let query = found.query.clone();
                            let rows = found
                                .customers
                                .into_iter()
                                .map(|c| {
                                    let (test_id, href) = (format!("customer-{}", c.name), format!("/customers/{}", c.id));
                                    view! {
                                        <tr data-testid=test_id>
                                            <td><A href=href>{c.name}</A></td>
                                            <td class="num">{c.user_count}</td>
                                            <td class="num">{c.group_count}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col" class="num">"Users"</th>
                                        <th scope="col" class="num">"Groups"</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                                {pager(found.page, found.total, ("customer", "customers"), move |p| format!("/customers?q={}&page={p}", urlencode(&query)))}
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Every action of the customer page; the page reloads its data after any of them.
#[derive(Clone, Copy)]
pub(super) struct CustomerActions {
    pub rename: ServerAction<RenameCustomer>,
    pub add_user: ServerAction<AddCustomerUser>,
    pub update_user: ServerAction<UpdateCustomerUser>,
    pub delete_user: ServerAction<DeleteCustomerUser>,
    pub import: ServerAction<ImportCustomerUsers>,
    pub create_group: ServerAction<CreateUserGroup>,
    pub rename_group: ServerAction<RenameUserGroup>,
    pub delete_group: ServerAction<DeleteUserGroup>,
    pub add_member: ServerAction<AddGroupMember>,
    pub remove_member: ServerAction<RemoveGroupMember>,
}

impl CustomerActions {
    fn new() -> Self {
        Self {
            rename: ServerAction::new(),
            add_user: ServerAction::new(),
            update_user: ServerAction::new(),
            delete_user: ServerAction::new(),
            import: ServerAction::new(),
            create_group: ServerAction::new(),
            rename_group: ServerAction::new(),
            delete_group: ServerAction::new(),
            add_member: ServerAction::new(),
            remove_member: ServerAction::new(),
        }
    }

    /// Changes whenever any action finishes (versions only grow).
    fn version(&self) -> usize {
        [
            self.rename.version().get(),
            self.add_user.version().get(),
            self.update_user.version().get(),
            self.delete_user.version().get(),
            self.import.version().get(),
            self.create_group.version().get(),
            self.rename_group.version().get(),
            self.delete_group.version().get(),
            self.add_member.version().get(),
            self.remove_member.version().get(),
        ]
        .iter()
        .sum()
    }

    /// The latest failure of the actions done from the lists (rows and cards).
    pub fn list_error(&self) -> Signal<Option<AppError>> {
        let errors = [
            error_of(self.update_user),
            error_of(self.delete_user),
            error_of(self.add_member),
            error_of(self.remove_member),
            error_of(self.rename_group),
            error_of(self.delete_group),
        ];
        Signal::derive(move || errors.iter().find_map(|e| e.get()))
    }
}

/// What the forms hold while the page reloads around them.
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    pub user_name: RwSignal<String>,
    pub user_email: RwSignal<String>,
    pub csv: RwSignal<String>,
    pub group_name: RwSignal<String>,
}

/// `/customers/:id`. Resources are made here, at the top, never inside a Suspend.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let query = use_query_map();
    let uq = move || query.with(|m| m.get("uq").unwrap_or_default());
    let upage = move || query.with(|m| m.get("upage").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1));
    let actions = CustomerActions::new();
    let drafts = Drafts { user_name: RwSignal::new(String::new()), user_email: RwSignal::new(String::new()), csv: RwSignal::new(String::new()), group_name: RwSignal::new(String::new()) };
    Effect::new(move |_| {
        if matches!(actions.add_user.value().get(), Some(Ok(_))) {
            drafts.user_name.set(String::new());
            drafts.user_email.set(String::new());
        }
    });
    Effect::new(move |_| {
        if matches!(actions.import.value().get(), Some(Ok(_))) {
            drafts.csv.set(String::new());
        }
    });
    Effect::new(move |_| {
        if matches!(actions.create_group.value().get(), Some(Ok(_))) {
            drafts.group_name.set(String::new());
        }
    });
    let overview = Resource::new(move || (id(), uq(), upage(), actions.version()), |(id, q, p, _)| get_customer_overview(id, q, p));
    let report = Resource::new(move || (id(), actions.import.version().get()), |(id, _)| take_import_report(id));
    view! {
        <Title text="Customer · Tandem"/>
        <p><A href="/customers">"← Customers"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Customer overview=o actions drafts report/> }.into_any(),
                    Err(error) => view! { <h1>"Customer"</h1> <LoadError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Customer(
    overview: CustomerOverview,
    actions: CustomerActions,
    drafts: Drafts,
    report: Resource<Result<Option<super::ImportReport>, AppError>>,
) -> impl IntoView {
    let CustomerOverview { id, name, user_count, users, groups } = overview;
    let customer_id = id.to_string();
    let rename_id = customer_id.clone();
    let rename_error = error_of(actions.rename);
    let group_choices: Vec<(uuid::Uuid, String)> = groups.iter().map(|g| (g.id, g.name.clone())).collect();
    let memberships: Vec<(uuid::Uuid, uuid::Uuid)> =
        groups.iter().flat_map(|g| g.members.iter().map(move |m| (g.id, m.id))).collect();
    let users_panel = view! {
        <UsersPanel customer_id=customer_id.clone() user_count users groups=group_choices memberships actions/>
        <AddUserPanel customer_id=customer_id.clone() action=actions.add_user drafts/>
        <ImportPanel customer_id=customer_id.clone() action=actions.import drafts report/>
        <GroupsPanel customer_id groups actions drafts/>
    };
    view! {
        <Title text=format!("{name} · Customers · Tandem")/>
        <h1>{name.clone()}</h1>
        <details class="panel-details">
            <summary>"Rename the customer"</summary>
            <ActionForm action=actions.rename attr:class="row-form">
                <input type="hidden" name="customer_id" value=rename_id/>
                <label for="rename-customer">"Customer name"</label>
                <div class="row">
                    <input id="rename-customer" name="name" type="text" required maxlength="120" value=name.clone()/>
                    <button type="submit">"Rename"</button>
                </div>
                <FieldError error=rename_error field="name"/>
                <FormError error=rename_error/>
            </ActionForm>
        </details>
        {users_panel}
    }
}
