//! Sign-in and workgroup server functions through the real router: sessions,
//! roles and the tenant boundary as a browser meets them.


use crate::common::{test_db, unique_email, Client, PASSWORD};
use leptos::server_fn::ServerFn;
use tandem::auth::{GetMe, LogIn, LogOut, Me};
use tandem::error::AppError;
use tandem::workgroups::{CreateWorkgroup, GetWorkgroupSettings, RenameWorkgroup, SetDefaultCost, SwitchWorkgroup, WorkgroupSettings};

#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_the_old_one_is_dead() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    let email = unique_email("ada");
    let signed_up = browser.sign_up("Ada Lovelace", &email).await;
    assert!(signed_up.error().is_none(), "{}", signed_up.body);
    let cookie = signed_up.set_cookie.expect("sign-up sets the session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let first = browser.cookie.clone().unwrap();

    // Signing in again from the same browser: a new id.
    let again = browser.call::<LogIn>(&[("email", &email), ("password", PASSWORD)]).await;
    assert!(again.error().is_none(), "{}", again.body);
    let second = browser.cookie.clone().unwrap();
    assert_ne!(first, second);

    // The old id no longer signs anyone in.
    let mut thief = Client::new(db.router());
    thief.cookie = Some(first);
    assert_eq!(thief.call::<GetMe>(&[]).await.json::<Option<Me>>(), None);

    let me: Option<Me> = browser.call::<GetMe>(&[]).await.json();
    let me = me.unwrap();
    assert_eq!(me.name, "Ada Lovelace");
    assert_eq!(me.workgroup.name, "Ada Lovelace");
    assert_eq!(me.workgroups.len(), 1);

    browser.call::<LogOut>(&[]).await;
    assert_eq!(browser.call::<GetMe>(&[]).await.json::<Option<Me>>(), None);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer_then_a_pause() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    let email = unique_email("ada");
    browser.sign_up("Ada", &email).await;
    browser.call::<LogOut>(&[]).await;

    let wrong = browser.call::<LogIn>(&[("email", &email), ("password", "nope nope nope")]).await.error();
    let unknown = browser.call::<LogIn>(&[("email", &unique_email("nobody")), ("password", PASSWORD)]).await.error();
    assert!(matches!(wrong, Some(AppError::Validation { .. })));
    assert_eq!(wrong, unknown);

    for _ in 0..4 {
        browser.call::<LogIn>(&[("email", &email), ("password", "nope nope nope")]).await;
    }
    // Five failures for this email: even the right password waits now.
    let paused = browser.call::<LogIn>(&[("email", &email), ("password", PASSWORD)]).await.error();
    assert!(matches!(paused, Some(AppError::TooManyRequests(_))), "{paused:?}");
}

#[tokio::test]
async fn bad_input_is_refused_next_to_its_field_and_changes_nothing() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    let short = browser.call::<tandem::auth::SignUp>(&[("name", "Ada"), ("email", &unique_email("a")), ("password", "short")]).await;
    assert!(short.error().unwrap().for_field("password").is_some());
    let bad_email = browser.call::<tandem::auth::SignUp>(&[("name", "Ada"), ("email", "ada"), ("password", PASSWORD)]).await;
    assert!(bad_email.error().unwrap().for_field("email").is_some());
    assert_eq!(browser.cookie, None);

    browser.sign_up("Ada", &unique_email("ada")).await;
    let blank = browser.call::<RenameWorkgroup>(&[("name", "   ")]).await.error().unwrap();
    assert!(blank.for_field("name").is_some());
    let cost = browser.call::<SetDefaultCost>(&[("cost", "-5")]).await.error().unwrap();
    assert!(cost.for_field("cost").is_some());
    let s: WorkgroupSettings = browser.call::<GetWorkgroupSettings>(&[]).await.json();
    assert_eq!((s.name.as_str(), s.default_cost_cents), ("Ada", 0));
}

#[tokio::test]
async fn roles_decide_who_may_rename_and_set_the_default_cost() {
    let db = test_db().await;
    let mut owner = Client::new(db.router());
    owner.sign_up("Olivia Owner", &unique_email("olivia")).await;
    let wg = owner.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap().workgroup.id;

    let mut expected = vec![];
    for (role, may_edit) in [("administrator", true), ("manager", true), ("associate", false), ("inactive", false)] {
        let mut member = Client::new(db.router());
        let email = unique_email(role);
        member.sign_up(role, &email).await;
        let me = member.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
        db.add_member(wg, me.agent_id, role).await;
        let switched = member.call::<SwitchWorkgroup>(&[("workgroup_id", &wg.to_string())]).await.error();
        if role == "inactive" {
            // An inactive member cannot even enter.
            assert_eq!(switched, Some(AppError::NotFound));
            continue;
        }
        assert_eq!(switched, None);
        let rename = member.call::<RenameWorkgroup>(&[("name", &format!("Renamed by {role}"))]).await.error();
        let cost = member.call::<SetDefaultCost>(&[("cost", "80")]).await.error();
        let read = member.call::<GetWorkgroupSettings>(&[]).await.error();
        assert_eq!(read, None, "every active role reads the settings");
        if may_edit {
            assert_eq!((rename, cost), (None, None), "{role}");
            expected.push(format!("Renamed by {role}"));
        } else {
            assert_eq!((rename, cost), (Some(AppError::Forbidden), Some(AppError::Forbidden)), "{role}");
        }
    }
    let s: WorkgroupSettings = owner.call::<GetWorkgroupSettings>(&[]).await.json();
    assert_eq!(&s.name, expected.last().unwrap());

    // Signed out: nothing at all.
    let mut stranger = Client::new(db.router());
    assert_eq!(stranger.call::<RenameWorkgroup>(&[("name", "x")]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<GetWorkgroupSettings>(&[]).await.error(), Some(AppError::Unauthenticated));
    assert_eq!(stranger.call::<CreateWorkgroup>(&[("name", "x")]).await.error(), Some(AppError::Unauthenticated));
}

#[tokio::test]
async fn a_member_set_inactive_loses_access_on_the_next_request() {
    let db = test_db().await;
    let mut owner = Client::new(db.router());
    owner.sign_up("Olivia", &unique_email("olivia")).await;
    let wg = owner.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap().workgroup.id;

    let mut member = Client::new(db.router());
    member.sign_up("Max", &unique_email("max")).await;
    let me = member.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    db.add_member(wg, me.agent_id, "manager").await;
    assert_eq!(member.call::<SwitchWorkgroup>(&[("workgroup_id", &wg.to_string())]).await.error(), None);
    assert_eq!(member.call::<GetWorkgroupSettings>(&[]).await.json::<WorkgroupSettings>().id, wg);

    let mut conn = db.owner_conn().await;
    sqlx::query("UPDATE memberships SET role = 'inactive' WHERE workgroup_id = $1 AND agent_id = $2")
        .bind(wg)
        .bind(me.agent_id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(member.call::<RenameWorkgroup>(&[("name", "Mine now")]).await.error(), Some(AppError::Forbidden));
    // And the next page shows the agent's own workgroup instead.
    let back = member.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    assert_eq!(back.workgroup.name, "Max");
}

#[tokio::test]
async fn switching_to_a_workgroup_one_is_not_in_gives_nothing() {
    let db = test_db().await;
    let mut ada = Client::new(db.router());
    ada.sign_up("Ada", &unique_email("ada")).await;
    let mut bob = Client::new(db.router());
    bob.sign_up("Bob", &unique_email("bob")).await;
    let bobs = bob.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap().workgroup.id;

    assert_eq!(ada.call::<SwitchWorkgroup>(&[("workgroup_id", &bobs.to_string())]).await.error(), Some(AppError::NotFound));
    assert_eq!(ada.call::<SwitchWorkgroup>(&[("workgroup_id", "not-a-uuid")]).await.error(), Some(AppError::NotFound));
    // Ada's writes still land in her own workgroup only.
    ada.call::<RenameWorkgroup>(&[("name", "Ada's")]).await;
    assert_eq!(bob.call::<GetWorkgroupSettings>(&[]).await.json::<WorkgroupSettings>().name, "Bob");
}

#[tokio::test]
async fn creating_a_workgroup_makes_it_current_with_its_creator_as_administrator() {
    let db = test_db().await;
    let mut ada = Client::new(db.router());
    ada.sign_up("Ada", &unique_email("ada")).await;
    let created = ada.call::<CreateWorkgroup>(&[("name", "  East   Coast ")]).await;
    assert!(created.error().is_none(), "{}", created.body);
    let me = ada.call::<GetMe>(&[]).await.json::<Option<Me>>().unwrap();
    assert_eq!(me.workgroup.name, "East Coast");
    assert_eq!(me.workgroup.role, tandem::workgroups::Role::Administrator);
    assert_eq!(me.workgroups.len(), 2);
    let blank = ada.call::<CreateWorkgroup>(&[("name", " ")]).await.error().unwrap();
    assert!(blank.for_field("new_name").is_some());
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let db = test_db().await;
    let mut client = Client::new(db.router());
    let health = client.get("/healthz").await;
    assert_eq!(health.status, http::StatusCode::OK);
    assert!(health.body.contains("\"database\":\"up\""));
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_before_any_work() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let name = || async {
        let mut conn = db.owner_conn().await;
        sqlx::query_scalar::<_, String>("SELECT name FROM workgroups WHERE id = $1").bind(ada.own_workgroup).fetch_one(&mut conn).await.unwrap()
    };
    let before = name().await;
    for headers in [
        vec![("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("origin", "http://tandem.test.evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        let answer = ada.client.post_form_with(RenameWorkgroup::PATH, &[("name", "Pwned")], &headers).await;
        assert_eq!(answer.status, http::StatusCode::FORBIDDEN, "{headers:?}");
        assert!(answer.body.contains("came from another site"), "{}", answer.body);
        // So is signing up from another site (no session needed to do work).
        let mut stranger = Client::new(db.router());
        let email = unique_email("csrf");
        let answer = stranger.post_form_with(tandem::auth::SignUp::PATH, &[("name", "X"), ("email", &email), ("password", PASSWORD)], &headers).await;
        assert_eq!(answer.status, http::StatusCode::FORBIDDEN);
    }
    assert_eq!(name().await, before, "nothing changed");
    // This site's own forms, with and without JavaScript, keep working.
    for headers in [
        vec![("origin", "http://tandem.test"), ("sec-fetch-site", "same-origin")],
        vec![("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")],
        vec![("sec-fetch-site", "same-origin")],
    ] {
        let answer = ada.client.post_form_with(RenameWorkgroup::PATH, &[("name", "Renamed")], &headers).await;
        assert!(answer.error().is_none() && answer.status.is_success(), "{headers:?}: {} {}", answer.status, answer.body);
    }
    assert_eq!(name().await, "Renamed");
    // Reading from anywhere is not a change.
    let health = ada.client.get("/healthz").await;
    assert_eq!(health.status, http::StatusCode::OK);
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_hsts_is_sent() {
    let db = test_db().await;
    let mut plain = Client::new(db.router());
    let answer = plain.sign_up("Ada", &unique_email("ada")).await;
    assert!(!answer.set_cookie.unwrap().contains("Secure"));
    assert!(plain.get("/healthz").await.headers.get("strict-transport-security").is_none());

    let mut https = Client::new(db.router_at("https://tandem.example"));
    let answer = https.post_form_with(
        tandem::auth::SignUp::PATH,
        &[("name", "Bea"), ("email", &unique_email("bea")), ("password", PASSWORD)],
        &[("origin", "https://tandem.example")],
    ).await;
    assert!(answer.error().is_none(), "{}", answer.body);
    assert!(answer.set_cookie.unwrap().contains("Secure"));
    let hsts = https.get("/healthz").await.headers.get("strict-transport-security").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(hsts.as_deref(), Some("max-age=63072000; includeSubDomains"));
}
