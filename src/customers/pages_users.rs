//! The customer page's users: the list (search, pages, edit, delete, add to
//! a group), Add user, and Import CSV with its report.

use super::pages::{pager, CustomerActions, Drafts};
use super::{AddCustomerUser, CustomerUser, ImportCustomerUsers, ImportReport, UserPage};
use crate::error::AppError;
use crate::ui::{error_of, urlencode, FieldError, FormError, LoadError};
use leptos::prelude::*;
use leptos_router::components::Form;
use uuid::Uuid;

#[component]
pub(super) fn UsersPanel(
    customer_id: String,
    user_count: i64,
    users: UserPage,
    /// The customer's groups (id, name).
    groups: Vec<(Uuid, String)>,
    /// (group, user) pairs.
    memberships: Vec<(Uuid, Uuid)>,
    actions: CustomerActions,
) -> impl IntoView {
    let error = actions.list_error();
    let UserPage { users, query, page, total } = users;
    let listing = if users.is_empty() {
        let text = if user_count == 0 { "No users yet. Add them one at a time or import a CSV file below." } else { "No user's name or email contains that." };
        view! { <p class="hint">{text}</p> }.into_any()
    } else {
        let rows = users
            .into_iter()
            .map(|user| {
                let in_groups: Vec<(Uuid, String)> = groups
                    .iter()
                    .filter(|(g, _)| memberships.contains(&(*g, user.id)))
                    .cloned()
                    .collect();
                let other_groups: Vec<(Uuid, String)> =
                    groups.iter().filter(|g| !in_groups.contains(g)).cloned().collect();
                let in_groups = in_groups.into_iter().map(|(_, n)| n).collect::<Vec<_>>().join(", ");
                view! { <UserRow customer_id=customer_id.clone() user in_groups other_groups actions/> }
            })
            .collect_view();
        let base = format!("/customers/{customer_id}?uq={}", urlencode(&query));
        view! {
            <table class="table" data-testid="users">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Groups"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {pager(page, total, ("user", "users"), move |p| format!("{base}&upage={p}"))}
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="users-heading">
            <h2 id="users-heading">{format!("Users ({user_count})")}</h2>
            {(user_count > 0).then(|| view! {
                <Form method="GET" action="" attr:class="filters" attr:role="search">
                    <div>
                        <label for="user-search">"Search users"</label>
                        <input id="user-search" name="uq" type="search" value=query.clone() placeholder="Name or email"/>
                    </div>
                    <button type="submit">"Search"</button>
                </Form>
            })}
            <FieldError error field="user_name"/>
            <FieldError error field="user_email"/>
            <FormError error/>
            {listing}
        </section>
    }
}

#[component]
fn UserRow(
    customer_id: String,
    user: CustomerUser,
    in_groups: String,
    other_groups: Vec<(Uuid, String)>,
    actions: CustomerActions,
) -> impl IntoView {
    let CustomerUser { id, name, email } = user;
    let user_id = id.to_string();
    let (add_customer, add_user, add_name) = (customer_id.clone(), user_id.clone(), name.clone());
    let add_form = (!other_groups.is_empty()).then(move || {
        let (customer_id, user_id, name) = (add_customer, add_user, add_name);
        let select_id = format!("add-{user_id}-to-group");
        let options = other_groups
            .into_iter()
            .map(|(g, n)| view! { <option value=g.to_string()>{n}</option> })
            .collect_view();
        view! {
            <ActionForm action=actions.add_member attr:class="inline">
                <input type="hidden" name="customer_id" value=customer_id.clone()/>
                <input type="hidden" name="user_id" value=user_id.clone()/>
                <label class="sr-only" for=select_id.clone()>{format!("Add {name} to a group")}</label>
                <select id=select_id name="group_id">{options}</select>
                <button type="submit">"Add to group"</button>
            </ActionForm>
        }
    });
    let (name_for, email_for) = (format!("user-{id}-name"), format!("user-{id}-email"));
    let (name_label, email_label, delete_label) = (format!("Name of {name}"), format!("Email of {name}"), format!("Delete {name}"));
    let test_id = format!("user-{email}");
    let (update_customer, update_user, name_value, email_value) = (customer_id.clone(), user_id.clone(), name.clone(), email.clone());
    view! {
        <tr data-testid=test_id>
            <td>{name}</td>
            <td>{email}</td>
            <td>{in_groups}</td>
            <td class="cell-actions">
                {add_form}
                <details>
                    <summary>"Edit"</summary>
                    <ActionForm action=actions.update_user attr:class="row-form">
                        <input type="hidden" name="customer_id" value=update_customer/>
                        <input type="hidden" name="user_id" value=update_user/>
                        <label for=name_for.clone()>{name_label}</label>
                        <input id=name_for name="name" type="text" required maxlength="120" value=name_value/>
                        <label for=email_for.clone()>{email_label}</label>
                        <input id=email_for name="email" type="email" required maxlength="254" value=email_value/>
                        <div class="actions"><button type="submit">"Save user"</button></div>
                    </ActionForm>
                    <ActionForm action=actions.delete_user attr:class="row-form">
                        <input type="hidden" name="customer_id" value=customer_id/>
                        <input type="hidden" name="user_id" value=user_id/>
                        <button type="submit" class="danger">{delete_label}</button>
                    </ActionForm>
                </details>
            </td>
        </tr>
    }
}

#[component]
pub(super) fn AddUserPanel(customer_id: String, action: ServerAction<AddCustomerUser>, drafts: Drafts) -> impl IntoView {
    let error = error_of(action);
    view! {
        <section class="panel" aria-labelledby="add-user-heading">
            <h2 id="add-user-heading">"Add user"</h2>
            <ActionForm action>
                <input type="hidden" name="customer_id" value=customer_id/>
                <div class="grid-2">
                    <div>
                        <label for="user-name">"Name"</label>
                        <input id="user-name" name="name" type="text" required maxlength="120"
                            prop:value=move || drafts.user_name.get()
                            on:input=move |ev| drafts.user_name.set(event_target_value(&ev))/>
                        <FieldError error field="name"/>
                    </div>
                    <div>
                        <label for="user-email">"Email"</label>
                        <input id="user-email" name="email" type="email" required maxlength="254"
                            prop:value=move || drafts.user_email.get()
                            on:input=move |ev| drafts.user_email.set(event_target_value(&ev))/>
                        <FieldError error field="email"/>
                    </div>
                </div>
                <FormError error/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>"Add user"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
pub(super) fn ImportPanel(
    customer_id: String,
    action: ServerAction<ImportCustomerUsers>,
    drafts: Drafts,
    report: Resource<Result<Option<ImportReport>, AppError>>,
) -> impl IntoView {
    let error = error_of(action);
    view! {
        <section class="panel" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import CSV"</h2>
            <p class="hint">
                "One user per line: name, then email, separated by a comma, such as Ada Lovelace,ada@example.com. "
                "A first line naming the columns (name,email) is optional; fields with commas go in double quotes. "
                "At most 5,000 rows. Valid rows are added; the others are listed with the reason."
            </p>
            <ActionForm action>
                <input type="hidden" name="customer_id" value=customer_id/>
                <div class="js-only">
                    <label for="csv-file">"CSV file"</label>
                    <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" on:change=move |ev| load_file(ev, drafts.csv)/>
                    <p class="hint">"The file's text appears below; check it, then press Import."</p>
                </div>
                <label for="csv-text">"Rows to import"</label>
                <textarea id="csv-text" name="csv" rows="8" spellcheck="false" placeholder="name,email\nAda Lovelace,ada@example.com"
                    prop:value=move || drafts.csv.get()
                    on:input=move |ev| drafts.csv.set(event_target_value(&ev))></textarea>
                <FieldError error field="csv"/>
                <FormError error/>
                <div class="actions">
                    <button type="submit" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Importing…" } else { "Import" }}
                    </button>
                </div>
            </ActionForm>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(Some(report)) => view! { <Report report/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let refused_total = report.refused_total();
    let summary = match (report.added, refused_total) {
        (1, 0) => "Imported 1 user.".to_string(),
        (n, 0) => format!("Imported {n} users."),
        (n, r) => format!("Imported {n} {}; {r} {} refused.", if n == 1 { "user" } else { "users" }, if r == 1 { "row was" } else { "rows were" }),
    };
    let more = (report.more_refused > 0).then(|| view! { <li>{format!("… and {} more.", report.more_refused)}</li> });
    view! {
        <div class="import-report" role="status" data-testid="import-report">
            <h3>"Import report"</h3>
            <p class="saved">{summary}</p>
            {(refused_total > 0).then(|| view! {
                <ul class="outcomes">
                    {report.refused.into_iter().map(|r| view! {
                        <li class="refused">{format!("Line {}: {} ({})", r.line, r.reason, r.text)}</li>
                    }).collect_view()}
                    {more}
                </ul>
            })}
        </div>
    }
}

/// Reads the chosen file into the text area (in the browser; without
/// JavaScript the file input is hidden and the text is pasted).
fn load_file(ev: leptos::ev::Event, target: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        let Ok(reader) = web_sys::FileReader::new() else { return };
        let reading = reader.clone();
        let onload = Closure::once_into_js(move || {
            if let Some(text) = reading.result().ok().and_then(|r| r.as_string()) {
                target.set(text);
            }
        });
        reader.set_onload(Some(onload.unchecked_ref()));
        let _ = reader.read_as_text(&file);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, target);
}
