//! Issue 11, parts 3–5: an email carries power only once verified, invitation
//! links live in mail only, Managers never reach Administrator invitations
//! or Administrators, sign-in sends people only to this site, and the Account
//! page (name, password, sessions). Each hole is replayed as it worked before
//! and must now be refused and change nothing.


use crate::common::{test_db, unique_email, Client, TestDb, PASSWORD};
use tandem::account::{Account, ChangePassword, GetAccount, SignOutEverywhereElse, UpdateName};
use tandem::agents::{AcceptInvitation, AgentsOverview, GetInvitation, InvitationView, InviteAgents, ListAgents, ResendInvitation, RevokeInvitation, UpdateMember};
use tandem::auth::{GetMe, LogIn, Me, ResendVerification, VerifyEmail};
use tandem::error::AppError;
use uuid::Uuid;

/// Memberships, invitations (with their hashes and states) and unread
/// notifications: what an exploit would change.
async fn snapshot(db: &TestDb) -> (Vec<(Uuid, Uuid, String, String, Option<i64>)>, Vec<(Uuid, String, bool, bool)>, i64, i64) {
    let mut conn = db.owner_conn().await;
    let members = sqlx::query_as("SELECT workgroup_id, agent_id, role, display_name, hourly_rate_cents FROM memberships ORDER BY 1, 2")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let invitations = sqlx::query_as(
        "SELECT id, token_hash, accepted_at IS NOT NULL, revoked_at IS NOT NULL FROM invitations ORDER BY created_at, id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let notifications: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications").fetch_one(&mut conn).await.unwrap();
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox").fetch_one(&mut conn).await.unwrap();
    (members, invitations, notifications, mails)
}

async fn invite(client: &mut Client, email: &str, role: &str) {
    let answer = client.call::<InviteAgents>(&[("emails", email), ("role", role)]).await;
    assert!(answer.error().is_none(), "{}", answer.body);
    assert!(answer.body.contains("\"Ok\""), "{}", answer.body);
}

async fn invitation_id(db: &TestDb, email: &str) -> Uuid {
    let mut conn = db.owner_conn().await;
    sqlx::query_scalar("SELECT id FROM invitations WHERE lower(email) = lower($1) ORDER BY created_at DESC LIMIT 1")
        .bind(email)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_outsider_who_registers_the_invited_address_gets_nothing_until_verified() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;

    // Before: the outsider signs up first with a predictable address, Olivia
    // invites it as Administrator, the outsider's bell holds the link, and
    // accepting it made them Administrator of Olivia's workgroup.
    let predictable = unique_email("new.admin");
    let mut mallory = Client::new(db.router());
    assert!(mallory.sign_up("Mallory", &predictable).await.error().is_none());
    invite(&mut olivia.client, &predictable, "administrator").await;

    // No notification reaches an unverified address.
    let unread: i64 = mallory.call::<tandem::feed::UnreadNotifications>(&[]).await.json();
    assert_eq!(unread, 0);
    // Even holding the link (say it leaked), accepting is refused, clearly.
    let token = db.mailed_token(&predictable, "/invitations/").await;
    let view: InvitationView = mallory.call::<GetInvitation>(&[("token", &token)]).await.json();
    assert!(!view.signed_in_verified);
    let before = snapshot(&db).await;
    let refused = mallory.call::<AcceptInvitation>(&[("token", &token)]).await.error();
    assert_eq!(refused, Some(AppError::Conflict(tandem::agents::VERIFY_FIRST.into())));
    assert!(tandem::agents::VERIFY_FIRST.starts_with("Verify your email address first"));
    assert_eq!(snapshot(&db).await, before, "a refused acceptance changes nothing");
    let me: Me = mallory.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    assert_eq!(me.workgroups.len(), 1);
    assert!(!me.email_verified);

    // Whoever can read the mailbox verifies; then the invitation works.
    db.verify(&mut mallory, &predictable).await;
    assert_eq!(mallory.call::<AcceptInvitation>(&[("token", &token)]).await.error(), None);
    assert_eq!(db.role_in(wg, me.agent_id).await.as_deref(), Some("administrator"));
}

#[tokio::test]
async fn a_manager_never_reaches_administrator_invitations_or_administrators() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let wg = olivia.own_workgroup;
    let mut manny = db.sign_up("Manny").await;
    db.join_as(&mut manny, wg, "manager").await;
    let admin_email = unique_email("future.admin");
    invite(&mut olivia.client, &admin_email, "administrator").await;
    let associate_email = unique_email("future.associate");
    invite(&mut manny.client, &associate_email, "associate").await;
    let admin_token = db.mailed_token(&admin_email, "/invitations/").await;
    let admin_invitation = invitation_id(&db, &admin_email).await;

    // Before: the Agents page showed Manny the Administrator invitation's
    // link. Now no one sees any link, and Manny does not see that invitation.
    let seen = manny.client.call::<ListAgents>(&[]).await;
    let overview: AgentsOverview = seen.json();
    assert!(overview.invitations.iter().all(|i| i.email != admin_email), "{:?}", overview.invitations);
    assert!(overview.invitations.iter().any(|i| i.email == associate_email));
    assert!(!seen.body.contains(&admin_token));
    let as_admin = olivia.client.call::<ListAgents>(&[]).await;
    assert!(as_admin.body.contains(&admin_email));
    assert!(!as_admin.body.contains(&admin_token), "links are in the mail only");
    assert!(!as_admin.body.contains("/invitations/"));

    // Resend (a fresh link to an address of Manny's choosing) and Revoke are
    // refused as if it did not exist, and change nothing.
    let before = snapshot(&db).await;
    let id = admin_invitation.to_string();
    assert_eq!(manny.client.call::<ResendInvitation>(&[("invitation_id", &id)]).await.error(), Some(AppError::NotFound));
    assert_eq!(manny.client.call::<RevokeInvitation>(&[("invitation_id", &id)]).await.error(), Some(AppError::NotFound));
    // Renaming or re-rating an Administrator (keeping their role) is refused.
    let olivia_id = olivia.id.to_string();
    for fields in [
        vec![("agent_id", olivia_id.as_str()), ("role", "administrator"), ("rate", "1"), ("name", "Olivia")],
        vec![("agent_id", olivia_id.as_str()), ("role", "administrator"), ("rate", ""), ("name", "Not Olivia")],
    ] {
        let refused = manny.client.call::<UpdateMember>(&fields).await.error().expect("refused");
        assert!(refused.for_field("role").is_some_and(|m| m.contains("Only an Administrator")), "{refused:?}");
    }
    assert_eq!(snapshot(&db).await, before);

    // An Administrator may do all of it; Resend makes the old link useless.
    assert_eq!(olivia.client.call::<ResendInvitation>(&[("invitation_id", &id)]).await.error(), None);
    let new_token = db.mailed_token(&admin_email, "/invitations/").await;
    assert_ne!(new_token, admin_token);
    let mut anyone = Client::new(db.router());
    assert_eq!(anyone.call::<GetInvitation>(&[("token", &admin_token)]).await.error(), Some(AppError::NotFound));
    assert!(anyone.call::<GetInvitation>(&[("token", &new_token)]).await.error().is_none());
    let fields = [("agent_id", olivia_id.as_str()), ("role", "administrator"), ("rate", "120"), ("name", "Olivia O.")];
    assert_eq!(olivia.client.call::<UpdateMember>(&fields).await.error(), None);
}

#[tokio::test]
async fn verification_links_expire_are_replaced_and_work_signed_out() {
    let db = test_db().await;
    let mut ada = db.sign_up_unverified("Ada").await;
    let first = db.mailed_token(&ada.email, "/verify-email/").await;
    let mut conn = db.owner_conn().await;
    let kept: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM email_verifications").fetch_all(&mut conn).await.unwrap();
    assert_eq!(kept, vec![tandem::server::tokens::hash(&first)], "only the hash is kept");

    // 24 hours later the link is refused and verifies nothing.
    sqlx::query("UPDATE email_verifications SET expires_at = now() - interval '1 second'").execute(&mut conn).await.unwrap();
    let expired = ada.client.call::<VerifyEmail>(&[("token", &first)]).await.error();
    assert!(matches!(&expired, Some(AppError::Conflict(m)) if m.contains("expired")), "{expired:?}");
    let account: Account = ada.client.call::<GetAccount>(&[]).await.json();
    assert!(!account.email_verified);

    // Resend: a new link; the old one no longer works at all.
    assert_eq!(ada.client.call::<ResendVerification>(&[("next", "/account")]).await.error(), None);
    let links = db.mailed_links(&ada.email, "/verify-email/").await;
    assert_eq!(links.len(), 2);
    assert!(links[1].ends_with("?next=/account"), "{}", links[1]);
    let second = db.mailed_token(&ada.email, "/verify-email/").await;
    assert!(matches!(ada.client.call::<VerifyEmail>(&[("token", &first)]).await.error(), Some(AppError::Conflict(_))));

    // The link works in a browser that is not signed in (the mail opened
    // elsewhere); it then asks to log in.
    let mut elsewhere = Client::new(db.router());
    let used = elsewhere.call::<VerifyEmail>(&[("token", &second), ("next", "/account")]).await;
    assert!(used.error().is_none(), "{}", used.body);
    let account: Account = ada.client.call::<GetAccount>(&[]).await.json();
    assert!(account.email_verified);
    assert!(matches!(ada.client.call::<ResendVerification>(&[]).await.error(), Some(AppError::Conflict(_))));
    // Used once, it is gone.
    assert!(matches!(elsewhere.call::<VerifyEmail>(&[("token", &second)]).await.error(), Some(AppError::Conflict(_))));
}

#[tokio::test]
async fn accepting_an_invitation_changes_the_session_id() {
    let db = test_db().await;
    let mut olivia = db.sign_up("Olivia").await;
    let mut max = db.sign_up("Max").await;
    invite(&mut olivia.client, &max.email, "manager").await;
    let token = db.mailed_token(&max.email, "/invitations/").await;
    let before = max.client.cookie.clone().unwrap();
    assert_eq!(max.client.call::<AcceptInvitation>(&[("token", &token)]).await.error(), None);
    let after = max.client.cookie.clone().unwrap();
    assert_ne!(before, after);
    // The old id signs no one in; the new one is in Olivia's workgroup.
    let mut old = Client::new(db.router());
    old.cookie = Some(before);
    assert_eq!(old.call::<GetMe>(&[]).await.json::<Option<Me>>(), None);
    let me: Me = max.client.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    assert_eq!(me.workgroup.id, olivia.own_workgroup);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut laptop = Client::new(db.router());
    assert!(laptop.call::<LogIn>(&[("email", &ada.email), ("password", PASSWORD)]).await.error().is_none());
    let account: Account = ada.client.call::<GetAccount>(&[]).await.json();
    assert_eq!(account.sessions.len(), 2);
    assert_eq!(account.sessions.iter().filter(|s| s.current).count(), 1);

    // A wrong current password, a short new one: refused next to the field, nothing changes.
    let wrong = ada.client.call::<ChangePassword>(&[("current_password", "not my password"), ("new_password", "a brand new password")]).await;
    assert!(wrong.error().unwrap().for_field("current_password").is_some());
    let short = ada.client.call::<ChangePassword>(&[("current_password", PASSWORD), ("new_password", "short")]).await;
    assert!(short.error().unwrap().for_field("new_password").is_some());
    assert!(laptop.call::<GetMe>(&[]).await.json::<Option<Me>>().is_some());

    let before = ada.client.cookie.clone().unwrap();
    let changed = ada.client.call::<ChangePassword>(&[("current_password", PASSWORD), ("new_password", "a brand new password")]).await;
    assert!(changed.error().is_none(), "{}", changed.body);
    // This browser stays signed in, under a new id; the laptop is signed out.
    assert_ne!(ada.client.cookie.clone().unwrap(), before);
    assert!(ada.client.call::<GetMe>(&[]).await.json::<Option<Me>>().is_some());
    assert_eq!(laptop.call::<GetMe>(&[]).await.json::<Option<Me>>(), None);
    let account: Account = ada.client.call::<GetAccount>(&[]).await.json();
    assert_eq!(account.sessions.len(), 1);
    // The old password no longer signs in; the new one does.
    let mut fresh = Client::new(db.router());
    assert!(fresh.call::<LogIn>(&[("email", &ada.email), ("password", PASSWORD)]).await.error().is_some());
    assert!(fresh.call::<LogIn>(&[("email", &ada.email), ("password", "a brand new password")]).await.error().is_none());

    // Sign out everywhere else: `fresh` goes, this one stays.
    assert_eq!(ada.client.call::<SignOutEverywhereElse>(&[]).await.error(), None);
    assert_eq!(fresh.call::<GetMe>(&[]).await.json::<Option<Me>>(), None);
    assert!(ada.client.call::<GetMe>(&[]).await.json::<Option<Me>>().is_some());
}

#[tokio::test]
async fn an_ended_session_is_not_revived_by_its_own_next_save() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut laptop = Client::new(db.router());
    assert!(laptop.call::<LogIn>(&[("email", &ada.email), ("password", PASSWORD)]).await.error().is_none());
    let stale = laptop.same_session();
    assert_eq!(ada.client.call::<SignOutEverywhereElse>(&[]).await.error(), None);
    // A request with the ended id that modifies its session (switching
    // workgroup saves it) must not bring the row back.
    let mut stale = stale;
    let _ = stale.call::<tandem::workgroups::SwitchWorkgroup>(&[("workgroup_id", &ada.own_workgroup.to_string())]).await;
    let mut conn = db.owner_conn().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE agent_id = $1").bind(ada.id).fetch_one(&mut conn).await.unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn the_account_page_renames_with_clear_refusals() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let blank = ada.client.call::<UpdateName>(&[("name", "   ")]).await.error().unwrap();
    assert!(blank.for_field("name").is_some());
    let long = "x".repeat(101);
    assert!(ada.client.call::<UpdateName>(&[("name", &long)]).await.error().unwrap().for_field("name").is_some());
    assert_eq!(ada.client.call::<GetAccount>(&[]).await.json::<Account>().name, "Ada");
    assert_eq!(ada.client.call::<UpdateName>(&[("name", "  Ada   Lovelace ")]).await.error(), None);
    let me: Me = ada.client.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    assert_eq!(me.name, "Ada Lovelace");
}

#[tokio::test]
async fn sign_in_never_sends_anyone_to_another_site() {
    let db = test_db().await;
    let ada = db.sign_up("Ada").await;
    for (next, expected) in [
        ("/%09/evil.example", "/dashboard"),
        ("/\t/evil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("/services?status=open", "/services?status=open"),
    ] {
        let mut browser = Client::new(db.router());
        let answer = browser.call::<LogIn>(&[("email", ada.email.as_str()), ("password", PASSWORD), ("next", next)]).await;
        let location = answer.headers.get(http::header::LOCATION).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(location.as_deref(), Some(expected), "next={next:?}: {} {}", answer.status, answer.body);
    }
}
