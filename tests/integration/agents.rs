//! Members, roles and invitations: the role rules, the tenant boundary and
//! acceptance races, through the real router on PostgreSQL.


use crate::common::{test_db, Agent, Client, TestDb, PASSWORD};
use tandem::account::{ChangePassword, GetAccount, SignOutEverywhereElse, UpdateName};
use tandem::agents::{
    AcceptInvitation, AgentsOverview, GetInvitation, InvitationStatus, InvitationView, InviteAgents, InviteOutcome, ListAgents,
    ResendInvitation, RevokeInvitation, UpdateMember,
};
use tandem::error::AppError;
use uuid::Uuid;

/// Invites `email` and answers the link's token, read from the invitee's mail
/// (the only place it is).
async fn invite(db: &TestDb, client: &mut Client, email: &str, role: &str) -> String {
    let outcomes: Vec<InviteOutcome> = client.call::<InviteAgents>(&[("emails", email), ("role", role)]).await.json();
    let first = outcomes.into_iter().next().unwrap();
    first.result.expect("invited");
    db.mailed_token(&first.email, "/invitations/").await
}

fn hash(token: &str) -> String {
    tandem::server::tokens::hash(token)
}

async fn invitation_ids(db: &TestDb, workgroup: Uuid) -> Vec<Uuid> {
    let mut conn = db.owner_conn().await;
    sqlx::query_scalar("SELECT id FROM invitations WHERE workgroup_id = $1 ORDER BY created_at")
        .bind(workgroup)
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_brings_the_agent_in_with_the_chosen_role() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;

    // Invite someone who has no account yet.
    let email = crate::common::unique_email("max");
    let token = invite(&db, &mut olivia.client, &format!(" {email} , not-an-email"), "manager").await;
    let link = format!("http://tandem.test/invitations/{token}");
    let outcomes: Vec<InviteOutcome> =
        olivia.client.call::<InviteAgents>(&[("emails", &format!("{email}, not-an-email")), ("role", "manager")]).await.json();
    assert!(outcomes[0].result.as_ref().unwrap_err().contains("Already invited"));
    assert!(outcomes[1].result.as_ref().unwrap_err().contains("not an email"));

    // The mail is in the outbox, in the same workgroup.
    let mut conn = db.owner_conn().await;
    let mails: Vec<(Uuid, String)> = sqlx::query_as("SELECT workgroup_id, body FROM mail_outbox WHERE lower(to_email) = lower($1)")
        .bind(&email)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, wg);
    assert!(mails[0].1.contains(&link));

    // Only the token's hash is kept.
    let kept: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM invitations WHERE workgroup_id = $1").bind(wg).fetch_all(&mut conn).await.unwrap();
    assert_eq!(kept, vec![hash(&token)]);

    // The invitee looks at the link before having an account.
    let mut max = Client::new(db.router());
    let view: InvitationView = max.call::<GetInvitation>(&[("token", &token)]).await.json();
    assert_eq!((view.workgroup_name.as_str(), view.status, view.account_exists), ("Olivia", InvitationStatus::Pending, false));

    // Signs up, then accepts: a Manager in Olivia's workgroup, which becomes current.
    max.sign_up("Max", &email.to_uppercase()).await;
    db.verify(&mut max, &email).await;
    assert_eq!(max.call::<AcceptInvitation>(&[("token", &token)]).await.error(), None);
    let me: Option<tandem::auth::Me> = max.call::<tandem::auth::GetMe>(&[]).await.json();
    let me = me.unwrap();
    assert_eq!(me.workgroup.id, wg);
    assert_eq!(me.workgroup.role, tandem::workgroups::Role::Manager);
    assert_eq!(me.workgroups.len(), 2);

    // A link works once.
    assert!(matches!(max.call::<AcceptInvitation>(&[("token", &token)]).await.error(), Some(AppError::Conflict(_))));
    // Re-inviting a member is refused.
    let again: Vec<InviteOutcome> = olivia.client.call::<InviteAgents>(&[("emails", &email), ("role", "associate")]).await.json();
    assert!(again[0].result.as_ref().unwrap_err().contains("Already a member"));
}

#[tokio::test]
async fn an_invitation_is_for_its_email_and_can_be_revoked_or_expire() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let mut eve = db.sign_up("Eve").await;

    let link = invite(&db, &mut olivia.client, "someone.else@example.com", "associate").await;
    let err = eve.client.call::<AcceptInvitation>(&[("token", &link)]).await.error();
    assert!(matches!(err, Some(AppError::Conflict(m)) if m.contains("someone.else@example.com")));

    let link = invite(&db, &mut olivia.client, &eve.email, "associate").await;
    let id = *invitation_ids(&db, olivia.own_workgroup).await.last().unwrap();
    assert_eq!(olivia.client.call::<RevokeInvitation>(&[("invitation_id", &id.to_string())]).await.error(), None);
    let err = eve.client.call::<AcceptInvitation>(&[("token", &link)]).await.error();
    assert_eq!(err, Some(AppError::Conflict("This invitation was revoked.".into())));

    let link = invite(&db, &mut olivia.client, &eve.email, "associate").await;
    let mut conn = db.owner_conn().await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE token_hash = $1")
        .bind(hash(&link))
        .execute(&mut conn)
        .await
        .unwrap();
    let err = eve.client.call::<AcceptInvitation>(&[("token", &link)]).await.error();
    assert!(matches!(err, Some(AppError::Conflict(m)) if m.contains("expired")));
    // An expired invitation does not block a new one.
    invite(&db, &mut olivia.client, &eve.email, "associate").await;
    assert_eq!(db.role_in(olivia.own_workgroup, eve.id).await, None);

    // Unknown tokens give nothing.
    assert_eq!(eve.client.call::<GetInvitation>(&[("token", "nope")]).await.error(), Some(AppError::NotFound));
}

#[tokio::test]
async fn roles_and_rates_follow_the_rules() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut manager = db.sign_up("Manny").await;
    db.join_as(&mut manager, wg, "manager").await;
    let associate = db.sign_up("Asa").await;
    db.add_member(wg, associate.id, "associate").await;

    let update = |who: Uuid, role: &'static str, rate: &'static str| {
        let who = who.to_string();
        move |c: &mut Client| {
            let who = who.clone();
            let mut c = c.same_session();
            async move { c.call::<UpdateMember>(&[("agent_id", &who), ("role", role), ("rate", rate)]).await.error() }
        }
    };
    // The last Administrator cannot step down.
    let err = update(olivia.id, "manager", "")(&mut olivia.client).await.unwrap();
    assert!(err.for_field("role").unwrap().contains("at least one Administrator"));
    // Managers never give or take the Administrator role.
    assert!(update(associate.id, "administrator", "")(&mut manager.client).await.unwrap().for_field("role").is_some());
    assert!(update(olivia.id, "associate", "")(&mut manager.client).await.unwrap().for_field("role").is_some());
    // They do change other roles and rates.
    assert_eq!(update(associate.id, "manager", "60")(&mut manager.client).await, None);
    assert_eq!(db.role_in(wg, associate.id).await.as_deref(), Some("manager"));
    // Bad rates are refused next to the field and change nothing.
    assert!(update(associate.id, "manager", "sixty")(&mut olivia.client).await.unwrap().for_field("rate").is_some());
    let overview: AgentsOverview = olivia.client.call::<ListAgents>(&[]).await.json();
    let asa = overview.members.iter().find(|m| m.agent_id == associate.id).unwrap();
    assert_eq!(asa.hourly_rate_cents, Some(6000));
    // The name shown in this workgroup is the membership's own.
    let asa_id = associate.id.to_string();
    let renamed = olivia.client.call::<UpdateMember>(&[("agent_id", &asa_id), ("role", "manager"), ("rate", "60"), ("name", "  Asa  Smith ")]).await;
    assert_eq!(renamed.error(), None);
    let blank = olivia.client.call::<UpdateMember>(&[("agent_id", &asa_id), ("role", "manager"), ("rate", "60"), ("name", " ")]).await;
    assert!(blank.error().unwrap().for_field("name").is_some());
    let overview: AgentsOverview = olivia.client.call::<ListAgents>(&[]).await.json();
    assert_eq!(overview.members.iter().find(|m| m.agent_id == associate.id).unwrap().name, "Asa Smith");
    // An Administrator promotes; then the first may step down.
    assert_eq!(update(manager.id, "administrator", "")(&mut olivia.client).await, None);
    assert_eq!(update(olivia.id, "manager", "95")(&mut olivia.client).await, None);
}

#[tokio::test]
async fn associates_see_members_but_no_rates_or_invitations() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut asa = db.sign_up("Asa").await;
    db.join_as(&mut asa, wg, "associate").await;
    olivia.client.call::<UpdateMember>(&[("agent_id", &asa.id.to_string()), ("role", "associate"), ("rate", "60")]).await;
    invite(&db, &mut olivia.client, "new@example.com", "associate").await;

    let seen: AgentsOverview = asa.client.call::<ListAgents>(&[]).await.json();
    assert_eq!(seen.members.len(), 2);
    assert!(seen.members.iter().all(|m| m.hourly_rate_cents.is_none()));
    assert!(seen.invitations.is_empty());
}

/// Every function of this issue, called as each role.
#[tokio::test]
async fn role_matrix_for_agents_and_invitations() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let target = db.sign_up("Target").await;
    db.add_member(wg, target.id, "associate").await;

    for (role, manages) in [("administrator", true), ("manager", true), ("associate", false), ("inactive", false)] {
        let mut agent: Agent = db.sign_up(role).await;
        db.join_as(&mut agent, wg, role).await;
        let denied = AppError::Forbidden;
        let c = &mut agent.client;

        let list = c.call::<ListAgents>(&[]).await.error();
        assert_eq!(list, if role == "inactive" { Some(denied.clone()) } else { None }, "list_agents as {role}");

        let upd = c.call::<UpdateMember>(&[("agent_id", &target.id.to_string()), ("role", "associate"), ("rate", "")]).await.error();
        assert_eq!(upd, if manages { None } else { Some(denied.clone()) }, "update_member as {role}");

        let inv = c.call::<InviteAgents>(&[("emails", &crate::common::unique_email("x")), ("role", "associate")]).await.error();
        assert_eq!(inv, if manages { None } else { Some(denied.clone()) }, "invite_agents as {role}");

        invite(&db, &mut olivia.client, &crate::common::unique_email("y"), "associate").await;
        let id = *invitation_ids(&db, wg).await.last().unwrap();
        let resend = c.call::<ResendInvitation>(&[("invitation_id", &id.to_string())]).await.error();
        assert_eq!(resend, if manages { None } else { Some(denied.clone()) }, "resend_invitation as {role}");
        let rev = c.call::<RevokeInvitation>(&[("invitation_id", &id.to_string())]).await.error();
        assert_eq!(rev, if manages { None } else { Some(denied.clone()) }, "revoke_invitation as {role}");

        // The Account page's functions need a signed-in agent, whatever the role.
        assert_eq!(c.call::<GetAccount>(&[]).await.error(), None, "get_account as {role}");
        assert_eq!(c.call::<UpdateName>(&[("name", role)]).await.error(), None, "update_name as {role}");
        assert_eq!(c.call::<SignOutEverywhereElse>(&[]).await.error(), None, "sign_out_everywhere_else as {role}");
        let resend_mine = c.call::<tandem::auth::ResendVerification>(&[]).await.error();
        assert!(matches!(resend_mine, Some(AppError::Conflict(_))), "resend_verification as {role} (already verified): {resend_mine:?}");
    }

    let mut stranger = Client::new(db.router());
    assert_eq!(stranger.call::<ListAgents>(&[]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<InviteAgents>(&[("emails", "a@b.co"), ("role", "associate")]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<AcceptInvitation>(&[("token", "x")]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<ResendInvitation>(&[("invitation_id", &Uuid::new_v4().to_string())]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<GetAccount>(&[]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<UpdateName>(&[("name", "x")]).await.error(), Some(AppError::Unauthenticated));
    let change = stranger.call::<ChangePassword>(&[("current_password", PASSWORD), ("new_password", "another long one")]).await.error();
    assert_eq!(change, Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<SignOutEverywhereElse>(&[]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<tandem::auth::ResendVerification>(&[]).await.error(), Some(AppError::Unauthenticated));
}

#[tokio::test]
async fn another_workgroups_members_and_invitations_are_out_of_reach() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut bob = db.sign_up("Bob").await;
    let member = db.sign_up("Member").await;
    db.add_member(ada.own_workgroup, member.id, "associate").await;
    invite(&db, &mut ada.client, "pending@example.com", "associate").await;
    let ada_invitation = invitation_ids(&db, ada.own_workgroup).await[0];

    // Bob, Administrator of his own workgroup, names Ada's ids.
    let upd = bob.client.call::<UpdateMember>(&[("agent_id", &member.id.to_string()), ("role", "manager"), ("rate", "1")]).await.error();
    assert_eq!(upd, Some(AppError::NotFound));
    let upd = bob.client.call::<UpdateMember>(&[("agent_id", &ada.id.to_string()), ("role", "inactive"), ("rate", "")]).await.error();
    assert_eq!(upd, Some(AppError::NotFound));
    let rev = bob.client.call::<RevokeInvitation>(&[("invitation_id", &ada_invitation.to_string())]).await.error();
    assert_eq!(rev, Some(AppError::NotFound));
    let resend = bob.client.call::<ResendInvitation>(&[("invitation_id", &ada_invitation.to_string())]).await.error();
    assert_eq!(resend, Some(AppError::NotFound));
    let seen: AgentsOverview = bob.client.call::<ListAgents>(&[]).await.json();
    assert_eq!(seen.members.len(), 1);
    assert!(seen.invitations.is_empty());

    // Nothing changed on Ada's side.
    assert_eq!(db.role_in(ada.own_workgroup, member.id).await.as_deref(), Some("associate"));
    assert_eq!(db.role_in(ada.own_workgroup, ada.id).await.as_deref(), Some("administrator"));
    let ada_view: AgentsOverview = ada.client.call::<ListAgents>(&[]).await.json();
    assert_eq!(ada_view.invitations[0].status, InvitationStatus::Pending);
}

#[tokio::test]
async fn concurrent_acceptances_at_nine_memberships_let_exactly_one_through() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    for i in 2..=9 {
        ada.client.call::<tandem::workgroups::CreateWorkgroup>(&[("name", &format!("Ada {i}"))]).await;
    }
    // Eight workgroups invite Ada.
    let mut tokens = vec![];
    for i in 0..8 {
        let mut inviter = db.sign_up(&format!("Inviter {i}")).await;
        tokens.push(invite(&db, &mut inviter.client, &ada.email, "associate").await);
    }
    let attempts = tokens.into_iter().map(|token| {
        let mut c = ada.client.same_session();
        tokio::spawn(async move {
            let error = c.call::<AcceptInvitation>(&[("token", &token)]).await.error();
            (error, c)
        })
    });
    let outcomes: Vec<(Option<AppError>, Client)> = futures::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    let results: Vec<&Option<AppError>> = outcomes.iter().map(|(e, _)| e).collect();
    let wins = results.iter().filter(|r| r.is_none()).count();
    assert_eq!(wins, 1, "{results:?}");
    // The winner's acceptance changes the shared session's id: a loser that
    // reads the session only after that finds it gone (signed out).
    assert!(results.iter().copied().flatten().all(|e| *e == AppError::Conflict(tandem::workgroups::MEMBERSHIP_LIMIT_MESSAGE.into())
        || *e == AppError::Unauthenticated), "{results:?}");
    let (_, winner) = outcomes.into_iter().find(|(e, _)| e.is_none()).unwrap();
    let mut winner = winner;
    let me: Option<tandem::auth::Me> = winner.call::<tandem::auth::GetMe>(&[]).await.json();
    assert_eq!(me.unwrap().workgroups.len(), 10);
    let _ = PASSWORD;
}
