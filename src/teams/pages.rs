//! The Teams page.

use super::{list_teams, AddTeamMember, CreateTeam, DeleteTeam, RemoveTeamMember, Team, TeamMember, TeamMode, UpdateTeam};
use crate::ui::{error_of, FieldError, FormError, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;

/// The actions of the page, handed to each team's card.
#[derive(Clone, Copy)]
struct TeamActions {
    update: ServerAction<UpdateTeam>,
    delete: ServerAction<DeleteTeam>,
    add: ServerAction<AddTeamMember>,
    remove: ServerAction<RemoveTeamMember>,
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let actions = TeamActions {
        update: ServerAction::new(),
        delete: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let overview = Resource::new(
        move || {
            (
                create.version().get(),
                actions.update.version().get(),
                actions.delete.version().get(),
                actions.add.version().get(),
                actions.remove.version().get(),
            )
        },
        |_| list_teams(),
    );
    let errors = [error_of(actions.update), error_of(actions.delete), error_of(actions.add), error_of(actions.remove)];
    let latest_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! {
        <Title text="Teams · Tandem"/>
        <h1>"Teams"</h1>
        <p class="hint">
            "A team in Pull from queue mode keeps its tasks in a queue until a member claims one on My Tasks. "
            "A team in Load balance mode gives each task at once to the member with the fewest open tasks."
        </p>
        <FieldError error=latest_error field="team_name"/>
        <FormError error=latest_error/>
        <Loaded resource=overview let:o>
            {
                let can_edit = o.can_edit;
                let agents = o.agents.clone();
                let cards = if o.teams.is_empty() {
                    view! { <p class="panel hint">"No teams yet."</p> }.into_any()
                } else {
                    o.teams
                        .into_iter()
                        .map(|t| view! { <TeamCard team=t agents=agents.clone() can_edit actions/> })
                        .collect_view()
                        .into_any()
                };
                view! {
                    {can_edit.then(|| view! { <NewTeam create/> })}
                    {cards}
                }
                .into_any()
            }
        </Loaded>
    }
}

fn mode_options(current: TeamMode) -> impl IntoView {
    [TeamMode::PullFromQueue, TeamMode::LoadBalance]
        .into_iter()
        .map(|m| view! { <option value=m.as_str() selected=m == current>{m.label()}</option> })
        .collect_view()
}

#[component]
fn NewTeam(create: ServerAction<CreateTeam>) -> impl IntoView {
    let error = error_of(create);
    view! {
        <section class="panel" aria-labelledby="new-team-heading">
            <h2 id="new-team-heading">"New team"</h2>
            <ActionForm action=create>
                <div class="grid-2">
                    <div>
                        <label for="team-name">"Team name"</label>
                        <input id="team-name" name="name" type="text" required maxlength="80"/>
                        <FieldError error field="name"/>
                    </div>
                    <div>
                        <label for="team-mode">"Mode"</label>
                        <select id="team-mode" name="mode">{mode_options(TeamMode::PullFromQueue)}</select>
                        <FieldError error field="mode"/>
                    </div>
                </div>
                <FormError error/>
                <div class="actions">
                    <button type="submit" disabled=move || create.pending().get()>"Create team"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn TeamCard(team: Team, agents: Vec<TeamMember>, can_edit: bool, actions: TeamActions) -> impl IntoView {
    let Team { id, name, mode, members } = team;
    let team_id = id.to_string();
    let candidates: Vec<TeamMember> =
        agents.into_iter().filter(|a| !members.iter().any(|m| m.agent_id == a.agent_id)).collect();
    let member_list = if members.is_empty() {
        view! { <p class="hint">"No members yet."</p> }.into_any()
    } else {
        let items = members
            .into_iter()
            .map(|m| {
                let label = format!("Remove {} from {}", m.name, name);
                let (team_id, agent_id) = (team_id.clone(), m.agent_id.to_string());
                view! {
                    <li>
                        <span>{m.name}</span>
                        {can_edit.then(move || view! {
                            <ActionForm action=actions.remove attr:class="inline">
                                <input type="hidden" name="team_id" value=team_id/>
                                <input type="hidden" name="agent_id" value=agent_id/>
                                <button type="submit" class="link" aria-label=label>"Remove"</button>
                            </ActionForm>
                        })}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="members">{items}</ul> }.into_any()
    };
    let (add_id, add_name) = (team_id.clone(), name.clone());
    let add_form = (can_edit && !candidates.is_empty()).then(move || {
        let (team_id, name) = (add_id, add_name);
        let options = candidates
            .into_iter()
            .map(|a| view! { <option value=a.agent_id.to_string()>{a.name}</option> })
            .collect_view();
        view! {
            <ActionForm action=actions.add attr:class="row-form">
                <input type="hidden" name="team_id" value=team_id.clone()/>
                <label for=format!("add-{team_id}")>{format!("Add an agent to {name}")}</label>
                <div class="row">
                    <select id=format!("add-{team_id}") name="agent_id">{options}</select>
                    <button type="submit">"Add"</button>
                </div>
            </ActionForm>
        }
    });
    let (edit_id, edit_name) = (team_id.clone(), name.clone());
    let edit_forms = can_edit.then(move || {
        // Each form's children own what they show.
        let (name_for, name_label, name_value) = (format!("name-{edit_id}"), format!("Name of {edit_name}"), edit_name.clone());
        let (mode_for, mode_label) = (format!("mode-{edit_id}"), format!("Mode of {edit_name}"));
        let (update_id, delete_id, delete_label) = (edit_id.clone(), edit_id, format!("Delete {edit_name}"));
        view! {
            <details>
                <summary>"Rename, change mode or delete"</summary>
                <ActionForm action=actions.update attr:class="row-form">
                    <input type="hidden" name="team_id" value=update_id/>
                    <div class="grid-2">
                        <div>
                            <label for=name_for.clone()>{name_label}</label>
                            <input id=name_for name="name" type="text" required maxlength="80" value=name_value/>
                        </div>
                        <div>
                            <label for=mode_for.clone()>{mode_label}</label>
                            <select id=mode_for name="mode">{mode_options(mode)}</select>
                        </div>
                    </div>
                    <div class="actions"><button type="submit">"Save team"</button></div>
                </ActionForm>
                <ActionForm action=actions.delete attr:class="row-form">
                    <input type="hidden" name="team_id" value=delete_id/>
                    <button type="submit" class="danger">{delete_label}</button>
                </ActionForm>
            </details>
        }
    });
    let (heading_id, labelled_by) = (format!("team-{id}"), format!("team-{id}"));
    let test_id = format!("team-{name}");
    view! {
        <section class="panel team" aria-labelledby=labelled_by data-testid=test_id>
            <div class="team-head">
                <h2 id=heading_id>{name}</h2>
                <span class="badge">{mode.label()}</span>
            </div>
            {member_list}
            {add_form}
            {edit_forms}
        </section>
    }
}
