//! License packs, the security log, and coupons on a real PostgreSQL:
//! counts never negative, the log replays to the counts, a code is redeemed
//! once even under 64 concurrent requests, and no workgroup reaches another's.


use crate::common::{test_db, TestDb};
use rand::{Rng, SeedableRng};
use tandem::coupons::{ApplyCoupons, CheckCoupons, CodeOutcome, CouponCode, CouponsOverview, GenerateCoupon, GeneratedCoupon, ListCoupons};
use tandem::error::AppError;
use tandem::licenses::{store, LicensesOverview, ListLicenses};
use uuid::Uuid;

/// Gives a workgroup a pack of `n` licenses, as a purchase would.
async fn pack(db: &TestDb, agent: Uuid, wg: Uuid, license_type: &str, n: i32) -> Uuid {
    let mut tx = db.tx(Some(agent), Some(wg)).await;
    let id = store::acquire(&mut tx, wg, license_type, "purchase", n, None, None, Some(agent)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// Packs' counts and what the log replays to must agree, and be >= 0.
async fn assert_log_replays_to_counts(db: &TestDb, agent: Uuid, wg: Uuid) {
    let mut tx = db.tx(Some(agent), Some(wg)).await;
    let (packs, _) = store::packs(&mut tx, wg).await.unwrap();
    let replay = store::replay(&mut tx, wg).await.unwrap();
    assert_eq!(packs.len(), replay.len());
    for p in packs {
        assert!(p.available >= 0 && p.reserved >= 0 && p.consumed >= 0);
        let r = replay.iter().find(|r| r.0 == p.id).unwrap();
        assert_eq!((p.available as i64, p.reserved as i64, p.consumed as i64), (r.1, r.2, r.3), "pack {}", p.id);
    }
}

#[tokio::test]
async fn the_app_role_cannot_edit_counts_or_the_log() {
    let db = test_db().await;
    let (a, wa) = db.agent("Ada").await;
    let p = pack(&db, a, wa, "mailbox_migration", 3).await;
    let mut tx = db.tx(Some(a), Some(wa)).await;
    let upd = sqlx::query("UPDATE license_packs SET available = 100 WHERE id = $1").bind(p).execute(&mut *tx).await;
    assert!(upd.is_err(), "the app role must not update counts");
    drop(tx);
    for sql in ["UPDATE license_log SET available_delta = 100", "DELETE FROM license_log"] {
        let mut tx = db.tx(Some(a), Some(wa)).await;
        assert!(sqlx::query(sql).execute(&mut *tx).await.is_err(), "{sql}");
    }
    // Overdrawing is refused by the schema itself.
    let mut tx = db.tx(Some(a), Some(wa)).await;
    let over = store::record(&mut tx, wa, p, store::Change::moved_to_coupon(4), Some(a), None).await;
    assert!(over.is_err());
}

#[tokio::test]
async fn reserve_consume_restore_and_free_retries_keep_the_books() {
    let db = test_db().await;
    let (a, wa) = db.agent("Ada").await;
    let later = pack(&db, a, wa, "mailbox_migration", 2).await;
    // An earlier-expiring pack is used first.
    let mut tx = db.tx(Some(a), Some(wa)).await;
    let sooner = store::acquire(&mut tx, wa, "mailbox_migration", "coupon", 1, Some(chrono::Utc::now() + chrono::Duration::days(30)), None, None)
        .await
        .unwrap();
    let first = store::reserve(&mut tx, wa, "mailbox_migration", Some(a), "task 1").await.unwrap();
    assert_eq!(first, Some(sooner));
    let second = store::reserve(&mut tx, wa, "mailbox_migration", Some(a), "task 2").await.unwrap();
    assert_eq!(second, Some(later));
    store::consume(&mut tx, wa, sooner, Some(a), "task 1").await.unwrap();
    store::retry_free(&mut tx, wa, sooner, Some(a), "task 1").await.unwrap();
    store::restore(&mut tx, wa, later, Some(a), "task 2").await.unwrap();
    assert_eq!(store::reserve(&mut tx, wa, "document_migration", Some(a), "task 3").await.unwrap(), None);
    tx.commit().await.unwrap();

    let mut tx = db.tx(Some(a), Some(wa)).await;
    let (packs, _) = store::packs(&mut tx, wa).await.unwrap();
    let s = packs.iter().find(|p| p.id == sooner).unwrap();
    assert_eq!((s.available, s.reserved, s.consumed), (0, 0, 1));
    let l = packs.iter().find(|p| p.id == later).unwrap();
    assert_eq!((l.available, l.reserved, l.consumed), (2, 0, 0));
    drop(tx);
    assert_log_replays_to_counts(&db, a, wa).await;
}

/// Any sequence of acquire / reserve / consume / restore / generate keeps
/// every count >= 0 and the log replaying to the counts (seeded, repeatable).
#[tokio::test]
async fn random_sequences_keep_counts_and_log_in_step() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let wg = ada.own_workgroup;
    for seed in 0..6u64 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut reserved: Vec<Uuid> = vec![];
        for step in 0..40 {
            let reference = format!("seed {seed} step {step}");
            match rng.random_range(0..5) {
                0 => {
                    pack(&db, ada.id, wg, "document_migration", rng.random_range(1..4)).await;
                }
                1 => {
                    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
                    if let Some(p) = store::reserve(&mut tx, wg, "document_migration", Some(ada.id), &reference).await.unwrap() {
                        reserved.push(p);
                    }
                    tx.commit().await.unwrap();
                }
                2 | 3 if !reserved.is_empty() => {
                    let p = reserved.remove(rng.random_range(0..reserved.len()));
                    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
                    if rng.random_bool(0.5) {
                        store::consume(&mut tx, wg, p, Some(ada.id), &reference).await.unwrap();
                    } else {
                        store::restore(&mut tx, wg, p, Some(ada.id), &reference).await.unwrap();
                    }
                    tx.commit().await.unwrap();
                }
                _ => {
                    let overview: CouponsOverview = ada.client.call::<ListCoupons>(&[]).await.json();
                    if let Some(choice) = overview.packs.first() {
                        let n = rng.random_range(1..=choice.available + 1);
                        let answer = ada
                            .client
                            .call::<GenerateCoupon>(&[("label", "random"), ("pack_id", &choice.id.to_string()), ("count", &n.to_string()), ("email", "")])
                            .await;
                        assert_eq!(answer.error().is_none(), n <= choice.available, "{}", answer.body);
                    }
                }
            }
            assert_log_replays_to_counts(&db, ada.id, wg).await;
        }
    }
}

#[tokio::test]
async fn a_coupon_moves_licenses_from_one_workgroup_to_another() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let mut bob = db.sign_up("Bob").await;
    let source = pack(&db, ada.id, ada.own_workgroup, "mailbox_migration", 5).await;

    // More than available is refused and changes nothing.
    let too_many = ada
        .client
        .call::<GenerateCoupon>(&[("label", "Too many"), ("pack_id", &source.to_string()), ("count", "6"), ("email", "")])
        .await
        .error()
        .unwrap();
    assert!(too_many.for_field("count").unwrap().contains("only 5"));

    let coupon: GeneratedCoupon = ada
        .client
        .call::<GenerateCoupon>(&[("label", "For Bob"), ("pack_id", &source.to_string()), ("count", "3"), ("email", "bob@example.com")])
        .await
        .json();
    assert!(CouponCode::parse(&coupon.code).is_some());
    let ada_view: LicensesOverview = ada.client.call::<ListLicenses>(&[]).await.json();
    assert_eq!(ada_view.packs[0].available, 2);

    // Check shows what it holds; typed in lower case with spaces, it still works.
    let typed = coupon.code.to_lowercase().replace('-', " ");
    let checked: Vec<CodeOutcome> = bob.client.call::<CheckCoupons>(&[("codes", &typed)]).await.json();
    let info = checked[0].result.as_ref().unwrap();
    assert_eq!((info.type_name.as_str(), info.count), ("Mailbox Migration", 3));
    // Checking changes nothing.
    let bob_view: LicensesOverview = bob.client.call::<ListLicenses>(&[]).await.json();
    assert!(bob_view.packs.is_empty());

    let applied: Vec<CodeOutcome> = bob.client.call::<ApplyCoupons>(&[("codes", &format!("{} BADCODE", coupon.code))]).await.json();
    assert!(applied[0].result.is_ok());
    assert!(applied[1].result.as_ref().unwrap_err().starts_with("Not a coupon code"));
    let bob_view: LicensesOverview = bob.client.call::<ListLicenses>(&[]).await.json();
    assert_eq!(bob_view.packs.len(), 1);
    assert_eq!((bob_view.packs[0].available, bob_view.packs[0].source.as_str()), (3, "coupon"));

    // Redeemed once, ever: not again here, nor back home.
    for c in [&mut bob.client, &mut ada.client] {
        let again: Vec<CodeOutcome> = c.call::<ApplyCoupons>(&[("codes", &coupon.code)]).await.json();
        assert_eq!(again[0].result, Err("Already redeemed.".into()));
    }
    let unknown: Vec<CodeOutcome> = bob.client.call::<CheckCoupons>(&[("codes", "ABCDE-FGHJK-LMNPQ-RSTUV")]).await.json();
    assert!(unknown[0].result.as_ref().unwrap_err().starts_with("Unknown"));
    assert_log_replays_to_counts(&db, ada.id, ada.own_workgroup).await;
    assert_log_replays_to_counts(&db, bob.id, bob.own_workgroup).await;
}

#[tokio::test]
async fn sixty_four_concurrent_redemptions_of_one_code_make_one_pack() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let source = pack(&db, ada.id, ada.own_workgroup, "document_migration", 10).await;
    let coupon: GeneratedCoupon = ada
        .client
        .call::<GenerateCoupon>(&[("label", "Race"), ("pack_id", &source.to_string()), ("count", "4"), ("email", "")])
        .await
        .json();
    // Eight workgroups, eight browsers each.
    let mut tasks = vec![];
    for i in 0..8 {
        let agent = db.sign_up(&format!("Racer {i}")).await;
        for _ in 0..8 {
            let mut c = agent.client.same_session();
            let code = coupon.code.clone();
            tasks.push(tokio::spawn(async move {
                let a: Vec<CodeOutcome> = c.call::<ApplyCoupons>(&[("codes", &code)]).await.json();
                a[0].result.is_ok()
            }));
        }
    }
    let wins = futures::future::join_all(tasks).await.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(wins, 1);
    let mut conn = db.owner_conn().await;
    let packs: i64 = sqlx::query_scalar("SELECT count(*) FROM license_packs WHERE source = 'coupon'").fetch_one(&mut conn).await.unwrap();
    let acquired: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM license_log l JOIN license_packs p ON p.id = l.pack_id WHERE p.source = 'coupon' AND l.action = 'acquired'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((packs, acquired), (1, 1));
}

#[tokio::test]
async fn two_generations_that_together_exceed_the_pack_let_at_most_one_win() {
    let db = test_db().await;
    let ada = db.sign_up("Ada").await;
    let source = pack(&db, ada.id, ada.own_workgroup, "public_folder_migration", 5).await;
    let tasks = (0..2).map(|i| {
        let mut c = ada.client.same_session();
        let pack_id = source.to_string();
        tokio::spawn(async move {
            c.call::<GenerateCoupon>(&[("label", &format!("Half {i}")), ("pack_id", &pack_id), ("count", "3"), ("email", "")])
                .await
                .error()
                .is_none()
        })
    });
    let wins = futures::future::join_all(tasks).await.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(wins, 1);
    assert_log_replays_to_counts(&db, ada.id, ada.own_workgroup).await;
}

#[tokio::test]
async fn another_workgroups_packs_are_out_of_reach() {
    let db = test_db().await;
    let ada = db.sign_up("Ada").await;
    let mut bob = db.sign_up("Bob").await;
    let adas = pack(&db, ada.id, ada.own_workgroup, "mailbox_migration", 5).await;

    let taken = bob
        .client
        .call::<GenerateCoupon>(&[("label", "Theft"), ("pack_id", &adas.to_string()), ("count", "1"), ("email", "")])
        .await
        .error();
    assert_eq!(taken, Some(AppError::NotFound));
    let seen: LicensesOverview = bob.client.call::<ListLicenses>(&[]).await.json();
    assert!(seen.packs.is_empty());
    let coupons: CouponsOverview = bob.client.call::<ListCoupons>(&[]).await.json();
    assert!(coupons.packs.is_empty() && coupons.generated.is_empty());
    let mut tx = db.tx(Some(bob.id), Some(bob.own_workgroup)).await;
    assert!(tandem::licenses::store::lock(&mut tx, bob.own_workgroup, adas).await.unwrap().is_none());
    assert!(tandem::licenses::store::lock(&mut tx, ada.own_workgroup, adas).await.unwrap().is_none());
}

#[tokio::test]
async fn associates_see_counts_but_not_prices_and_cannot_redeem() {
    let db = test_db().await;
    let olivia = db.sign_up("Olivia").await;
    pack(&db, olivia.id, olivia.own_workgroup, "mailbox_migration", 2).await;
    let mut asa = db.sign_up("Asa").await;
    db.join_as(&mut asa, olivia.own_workgroup, "associate").await;
    let seen: LicensesOverview = asa.client.call::<ListLicenses>(&[]).await.json();
    assert_eq!(seen.packs[0].available, 2);
    assert!(seen.types.iter().all(|t| t.unit_price_cents.is_none()));
    for denied in [
        asa.client.call::<CheckCoupons>(&[("codes", "x")]).await.error(),
        asa.client.call::<ApplyCoupons>(&[("codes", "x")]).await.error(),
        asa.client.call::<ListCoupons>(&[]).await.error(),
        asa.client.call::<tandem::licenses::LicenseLog>(&[("license_type", ""), ("from", ""), ("to", "")]).await.error(),
    ] {
        assert_eq!(denied, Some(AppError::Forbidden));
    }
}

#[tokio::test]
async fn too_many_refused_codes_pause_checking() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let twenty_bad = (0..20).map(|i| format!("bad{i}")).collect::<Vec<_>>().join(" ");
    let first: Vec<CodeOutcome> = ada.client.call::<CheckCoupons>(&[("codes", &twenty_bad)]).await.json();
    assert_eq!(first.len(), 20);
    let paused = ada.client.call::<CheckCoupons>(&[("codes", "ABCDE-FGHJK-LMNPQ-RSTUV")]).await.error();
    assert!(matches!(paused, Some(AppError::TooManyRequests(_))), "{paused:?}");
}
