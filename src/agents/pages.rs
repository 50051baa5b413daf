//! The Agents page (members, Invite Agents, invitations) and the page an
//! invitation link opens.

use super::{
    get_invitation, list_agents, AcceptInvitation, AgentsOverview, InvitationStatus, InviteAgents, Member,
    ResendInvitation, RevokeInvitation, UpdateMember,
};
use crate::money::Cents;
use crate::ui::{day, error_of, succeeded, urlencode, FieldError, FormError, Loaded, VerifyFirst};
use crate::workgroups::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

const ROLES: [Role; 4] = [Role::Administrator, Role::Manager, Role::Associate, Role::Inactive];

#[component]
pub fn AgentsPage() -> impl IntoView {
    let update = ServerAction::<UpdateMember>::new();
    let invite = ServerAction::<InviteAgents>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let overview = Resource::new(
        move || (update.version().get(), invite.version().get(), revoke.version().get(), resend.version().get()),
        |_| list_agents(),
    );
    view! {
        <Title text="Agents · Tandem"/>
        <h1>"Agents"</h1>
        <Loaded resource=overview let:o>
            {view! { <Agents overview=o update invite revoke resend/> }.into_any()}
        </Loaded>
    }
}

#[component]
fn Agents(
    overview: AgentsOverview,
    update: ServerAction<UpdateMember>,
    invite: ServerAction<InviteAgents>,
    revoke: ServerAction<RevokeInvitation>,
    resend: ServerAction<ResendInvitation>,
) -> impl IntoView {
    let manages = overview.my_role.at_least(Role::Manager);
    let my_role = overview.my_role;
    let update_error = error_of(update);
    let update_saved = succeeded(update);
    let default_rate = Cents(overview.default_cost_cents).plain();
    let rows = overview
        .members
        .into_iter()
        .map(|m| view! { <MemberRow member=m my_role manages update default_rate=default_rate.clone()/> })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Members"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Hourly rate"</th>
                        <th scope="col">"Subscription"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <FieldError error=update_error field="name"/>
            <FieldError error=update_error field="role"/>
            <FieldError error=update_error field="rate"/>
            <FormError error=update_error/>
            <Show when=move || update_saved.get()>
                <p class="saved" role="status">"Saved."</p>
            </Show>
            {manages.then(|| view! {
                <p class="hint">"Change a name (as shown in this workgroup), role or rate, then press Enter or Save. An empty rate uses the workgroup's default agent cost."</p>
            })}
        </section>
        {manages.then(|| view! { <InviteForm invite my_role/> <Invitations invitations=overview.invitations revoke resend/> })}
    }
}

#[component]
fn MemberRow(member: Member, my_role: Role, manages: bool, update: ServerAction<UpdateMember>, default_rate: String) -> impl IntoView {
    // A Manager sees an Administrator's rate but changes nothing of theirs.
    let editable = manages && super::may_manage(my_role, member.role);
    let status = if member.role == Role::Inactive { "Inactive" } else { "Active" };
    let plan = match (member.plan, member.role) {
        (Some(plan), _) => plan.label(),
        (None, Role::Inactive) => "—",
        (None, _) if manages => "No seat",
        (None, _) => "—",
    };
    let form_id = format!("member-{}", member.agent_id);
    let rate = member.hourly_rate_cents.map(|c| Cents(c).plain()).unwrap_or_default();
    let shown_rate = member
        .hourly_rate_cents
        .map(|c| Cents(c).dollars())
        .unwrap_or_else(|| if manages { format!("Default (${default_rate})") } else { "—".to_string() });
    let editable_roles: Vec<Role> = ROLES
        .into_iter()
        .filter(|r| *r == member.role || super::may_change_role(my_role, member.role, *r))
        .collect();
    let role_locked = editable_roles.len() <= 1;
    view! {
        <tr data-testid=format!("member-{}", member.email)>
            {if editable {
                view! {
                    <td>
                        <label class="sr-only" for=format!("{form_id}-name")>{format!("Name of {}", member.name)}</label>
                        <input id=format!("{form_id}-name") name="name" form=form_id.clone() type="text" required maxlength="100"
                            value=member.name.clone()/>
                    </td>
                    <td>{member.email.clone()}</td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-role")>{format!("Role of {}", member.name)}</label>
                        <select id=format!("{form_id}-role") name="role" form=form_id.clone() disabled=role_locked>
                            {editable_roles
                                .into_iter()
                                .map(|r| view! { <option value=r.as_str() selected=r == member.role>{r.label()}</option> })
                                .collect_view()}
                        </select>
                    </td>
                    <td>
                        <label class="sr-only" for=format!("{form_id}-rate")>{format!("Hourly rate of {}", member.name)}</label>
                        <input id=format!("{form_id}-rate") name="rate" form=form_id.clone() type="text" inputmode="decimal"
                            class="narrow" value=rate placeholder=default_rate/>
                    </td>
                    <td>{plan}</td>
                    <td>{status}</td>
                    <td>
                        <ActionForm action=update attr:id=form_id.clone() attr:class="inline">
                            <input type="hidden" name="agent_id" value=member.agent_id.to_string()/>
                            <button type="submit">"Save"</button>
                        </ActionForm>
                    </td>
                }
                    .into_any()
            } else {
                view! {
                    <td>{member.name.clone()}</td>
                    <td>{member.email.clone()}</td>
                    <td>{member.role.label()}</td>
                    <td>{shown_rate}</td>
                    <td>{plan}</td>
                    <td>{status}</td>
                    <td></td>
                }
                    .into_any()
            }}
        </tr>
    }
}

#[component]
fn InviteForm(invite: ServerAction<InviteAgents>, my_role: Role) -> impl IntoView {
    let error = error_of(invite);
    let roles: Vec<Role> = [Role::Administrator, Role::Manager, Role::Associate]
        .into_iter()
        .filter(|r| super::may_change_role(my_role, Role::Associate, *r))
        .collect();
    view! {
        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite Agents"</h2>
            <ActionForm action=invite>
                <label for="invite-emails">"Emails"</label>
                <input id="invite-emails" name="emails" type="text" placeholder="ada@example.com, grace@example.com" required/>
                <p class="hint">"Separate several addresses with commas. Each gets a mail with a link that works for 14 days; accepting needs a verified address."</p>
                <FieldError error field="emails"/>
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    {roles
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str() selected=r == Role::Associate>{r.label()}</option> })
                        .collect_view()}
                </select>
                <FieldError error field="role"/>
                <FormError error/>
                <div class="actions">
                    <button type="submit" disabled=move || invite.pending().get()>"Invite"</button>
                </div>
            </ActionForm>
            {move || invite.value().get().and_then(|r| r.ok()).map(|outcomes| view! {
                <ul class="outcomes" role="status">
                    {outcomes.into_iter().map(|o| match o.result {
                        Ok(()) => view! {
                            <li class="ok">{format!("Invited {}: the link is in their mail.", o.email)}</li>
                        }.into_any(),
                        Err(why) => view! { <li class="refused">{format!("{}: {why}", o.email)}</li> }.into_any(),
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn Invitations(
    invitations: Vec<super::Invitation>,
    revoke: ServerAction<RevokeInvitation>,
    resend: ServerAction<ResendInvitation>,
) -> impl IntoView {
    let resend_error = error_of(resend);
    let revoke_error = error_of(revoke);
    if invitations.is_empty() {
        return view! { <section class="panel"><h2>"Invitations"</h2><p class="hint">"No invitations yet."</p></section> }.into_any();
    }
    view! {
        <section class="panel">
            <h2>"Invitations"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Invited by"</th>
                        <th scope="col">"Sent"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {invitations
                        .into_iter()
                        .map(|i| {
                            let pending = i.status == InvitationStatus::Pending;
                            let open = i.is_open();
                            view! {
                                <tr data-testid=format!("invitation-{}", i.email)>
                                    <td>{i.email.clone()}</td>
                                    <td>{i.role.label()}</td>
                                    <td>{i.invited_by.clone()}</td>
                                    <td>{day(i.sent_at)}</td>
                                    <td>{day(i.expires_at)}</td>
                                    <td>{i.status.label()}</td>
                                    <td>
                                        {open.then(|| view! {
                                            <ActionForm action=resend attr:class="inline">
                                                <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                                                <button type="submit">"Resend"</button>
                                            </ActionForm>
                                        })}
                                        {pending.then(|| view! {
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                                                <button type="submit">"Revoke"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <FormError error=resend_error/>
            <FormError error=revoke_error/>
            <Show when=move || succeeded(resend).get()>
                <p class="saved" role="status">"Sent again with a new link; the old link no longer works."</p>
            </Show>
        </section>
    }
    .into_any()
}

/// `/invitations/:token`: shows the invitation and lets its addressee accept it.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = error_of(accept);
    let invitation = Resource::new(token, get_invitation);
    view! {
        <Title text="Invitation · Tandem"/>
        <main class="auth">
            <div class="auth-card">
                <h1 class="brand">"Tandem"</h1>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let here = format!("/invitations/{}", token());
                        match invitation.await {
                            Err(_) => view! {
                                <h2>"Invitation not found"</h2>
                                <p>"This link does not lead to an invitation. Check that you copied all of it."</p>
                            }.into_any(),
                            Ok(v) => {
                                let intro = format!("{} invited you to join {} as {}.", v.invited_by, v.workgroup_name, v.role.label());
                                let next = urlencode(&here);
                                let action = if v.status != InvitationStatus::Pending {
                                    view! { <p class="form-error">{format!("This invitation is {}.", v.status.label().to_lowercase())}</p> }.into_any()
                                } else if v.signed_in_as.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&v.email)) && !v.signed_in_verified {
                                    view! { <VerifyFirst next=here.clone()/> }.into_any()
                                } else if v.signed_in_as.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&v.email)) {
                                    view! {
                                        <ActionForm action=accept>
                                            <input type="hidden" name="token" value=token()/>
                                            <FormError error/>
                                            <button type="submit" class="primary">"Accept invitation"</button>
                                        </ActionForm>
                                    }.into_any()
                                } else if let Some(other) = v.signed_in_as.clone() {
                                    view! {
                                        <p class="form-error">{format!("You are logged in as {other}, but this invitation is for {}. Log out, then come back to this link.", v.email)}</p>
                                    }.into_any()
                                } else if v.account_exists {
                                    view! { <A href=format!("/login?next={next}") attr:class="button primary">"Log in to accept"</A> }.into_any()
                                } else {
                                    view! {
                                        <A href=format!("/signup?next={next}&email={}", urlencode(&v.email)) attr:class="button primary">"Sign up to accept"</A>
                                    }.into_any()
                                };
                                view! {
                                    <h2>"You are invited"</h2>
                                    <p>{intro}</p>
                                    <p class="hint">{format!("For {} · expires {}", v.email, day(v.expires_at))}</p>
                                    {action}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
        </main>
    }
}
