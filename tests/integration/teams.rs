//! Teams: who may change them, and that they hold only this workgroup's agents.


use crate::common::{test_db, Client};
use tandem::error::AppError;
use tandem::teams::{AddTeamMember, CreateTeam, DeleteTeam, ListTeams, RemoveTeamMember, TeamMode, TeamsOverview, UpdateTeam};
use uuid::Uuid;

async fn teams(c: &mut Client) -> TeamsOverview {
    c.call::<ListTeams>(&[]).await.json()
}

async fn team_id(c: &mut Client, name: &str) -> Uuid {
    teams(c).await.teams.into_iter().find(|t| t.name == name).unwrap().id
}

#[tokio::test]
async fn create_rename_delete_and_staff_a_team() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let asa = db.sign_up("Asa").await;
    db.add_member(wg, asa.id, "associate").await;
    let c = &mut olivia.client;

    assert_eq!(c.call::<CreateTeam>(&[("name", " Migrations "), ("mode", "pull_from_queue")]).await.error(), None);
    let dup = c.call::<CreateTeam>(&[("name", "migrations"), ("mode", "load_balance")]).await.error().unwrap();
    assert!(dup.for_field("name").unwrap().contains("already exists"));
    let bad = c.call::<CreateTeam>(&[("name", "X"), ("mode", "round_robin")]).await.error().unwrap();
    assert!(bad.for_field("mode").is_some());

    let id = team_id(c, "Migrations").await.to_string();
    for agent in [olivia.id, asa.id] {
        assert_eq!(c.call::<AddTeamMember>(&[("team_id", &id), ("agent_id", &agent.to_string())]).await.error(), None);
    }
    assert_eq!(c.call::<UpdateTeam>(&[("team_id", &id), ("name", "Mail moves"), ("mode", "load_balance")]).await.error(), None);
    let t = teams(c).await.teams.remove(0);
    assert_eq!((t.name.as_str(), t.mode, t.members.len()), ("Mail moves", TeamMode::LoadBalance, 2));

    assert_eq!(c.call::<RemoveTeamMember>(&[("team_id", &id), ("agent_id", &asa.id.to_string())]).await.error(), None);
    assert_eq!(teams(c).await.teams[0].members.len(), 1);

    // An agent set Inactive leaves every team.
    c.call::<AddTeamMember>(&[("team_id", &id), ("agent_id", &asa.id.to_string())]).await;
    let upd = c.call::<tandem::agents::UpdateMember>(&[("agent_id", &asa.id.to_string()), ("role", "inactive"), ("rate", "")]).await;
    assert_eq!(upd.error(), None);
    let left = teams(c).await;
    assert_eq!(left.teams[0].members.len(), 1);
    assert!(left.agents.iter().all(|a| a.agent_id != asa.id));
    // ... and cannot be added back while inactive.
    let again = c.call::<AddTeamMember>(&[("team_id", &id), ("agent_id", &asa.id.to_string())]).await.error();
    assert_eq!(again, Some(AppError::NotFound));

    assert_eq!(c.call::<DeleteTeam>(&[("team_id", &id)]).await.error(), None);
    assert!(teams(c).await.teams.is_empty());
}

#[tokio::test]
async fn role_matrix_for_teams() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;

    for (role, manages) in [("administrator", true), ("manager", true), ("associate", false), ("inactive", false)] {
        let mut agent = db.sign_up(role).await;
        db.join_as(&mut agent, wg, role).await;
        olivia.client.call::<CreateTeam>(&[("name", &format!("Team for {role}")), ("mode", "pull_from_queue")]).await;
        let id = team_id(&mut olivia.client, &format!("Team for {role}")).await.to_string();
        let me = agent.id.to_string();
        let expect = |ok: bool| if ok { None } else { Some(AppError::Forbidden) };
        let c = &mut agent.client;

        assert_eq!(c.call::<ListTeams>(&[]).await.error(), expect(role != "inactive"), "list_teams as {role}");
        let created = c.call::<CreateTeam>(&[("name", &format!("By {role}")), ("mode", "load_balance")]).await.error();
        assert_eq!(created, expect(manages), "create_team as {role}");
        let updated = c.call::<UpdateTeam>(&[("team_id", &id), ("name", &format!("Team for {role}")), ("mode", "load_balance")]).await.error();
        assert_eq!(updated, expect(manages), "update_team as {role}");
        let olivia_id = olivia.id.to_string();
        let added = c.call::<AddTeamMember>(&[("team_id", &id), ("agent_id", &olivia_id)]).await.error();
        assert_eq!(added, expect(manages), "add_team_member as {role}");
        let removed = c.call::<RemoveTeamMember>(&[("team_id", &id), ("agent_id", &olivia_id)]).await.error();
        assert_eq!(removed, expect(manages), "remove_team_member as {role}");
        let deleted = c.call::<DeleteTeam>(&[("team_id", &id)]).await.error();
        assert_eq!(deleted, expect(manages), "delete_team as {role}");
        let _ = me;
    }
    let mut stranger = Client::new(db.router());
    assert_eq!(stranger.call::<ListTeams>(&[]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<CreateTeam>(&[("name", "x"), ("mode", "load_balance")]).await.error(), Some(AppError::Unauthenticated));
}

#[tokio::test]
async fn another_workgroups_teams_and_agents_are_out_of_reach() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut bob = db.sign_up("Bob").await;
    ada.client.call::<CreateTeam>(&[("name", "Ada's team"), ("mode", "pull_from_queue")]).await;
    let adas_team = team_id(&mut ada.client, "Ada's team").await.to_string();
    bob.client.call::<CreateTeam>(&[("name", "Bob's team"), ("mode", "pull_from_queue")]).await;
    let bobs_team = team_id(&mut bob.client, "Bob's team").await.to_string();
    let (ada_id, bob_id) = (ada.id.to_string(), bob.id.to_string());

    let b = &mut bob.client;
    assert_eq!(b.call::<UpdateTeam>(&[("team_id", &adas_team), ("name", "Mine"), ("mode", "load_balance")]).await.error(), Some(AppError::NotFound));
    assert_eq!(b.call::<DeleteTeam>(&[("team_id", &adas_team)]).await.error(), Some(AppError::NotFound));
    assert_eq!(b.call::<AddTeamMember>(&[("team_id", &adas_team), ("agent_id", &bob_id)]).await.error(), Some(AppError::NotFound));
    // Ada is not in Bob's workgroup: she cannot join his team.
    assert_eq!(b.call::<AddTeamMember>(&[("team_id", &bobs_team), ("agent_id", &ada_id)]).await.error(), Some(AppError::NotFound));
    assert_eq!(teams(b).await.teams.len(), 1);

    let adas = teams(&mut ada.client).await;
    assert_eq!(adas.teams.len(), 1);
    assert_eq!(adas.teams[0].name, "Ada's team");
    assert_eq!(adas.teams[0].mode, TeamMode::PullFromQueue);
}
