//! Shopping cart, checkout, orders, refunds, Billing History export and
//! subscriptions, through the real router on PostgreSQL: one order and one
//! charge however often a checkout is sent, one refund however many race,
//! the refund window to the minute, roles and workgroup boundaries.


use chrono::Duration;
use crate::common::{test_db, Agent, Client, TestDb};
use tandem::billing::{
    self,
    BillingHistory, GetBillingInfo, GetOrder, History, OrderDetails, OrderStatus, RefundOrder, SaveBillingAddress,
    SaveSubscriptionCard,
};
use tandem::cart::{
    CartView, Checkout, CheckoutState, CreateQuote, GetCart, OpenCheckout, Purchase, RemoveCartItem, SaveCartAddresses, SetCartItem,
};
use tandem::error::AppError;
use tandem::licenses::store as licenses;
use tandem::subscriptions::{store as seats, ListSubscriptions, Plan, SetSeatRenewal, SubscriptionsOverview};
use uuid::Uuid;

const ADDRESS: [(&str, &str); 6] = [
    ("billing[name]", "Ada Lovelace"),
    ("billing[line1]", "1 Analytical Way"),
    ("billing[city]", "London"),
    ("billing[postal_code]", "N1 9GU"),
    ("billing[country]", "GB"),
    ("ship_to_billing", "on"),
];

fn card(number: &str) -> Vec<(&'static str, String)> {
    vec![("holder", "Ada Lovelace".into()), ("number", number.into()), ("expiry", "12/39".into()), ("cvc", "123".into())]
}

/// Fills the cart with `items` (code, count), enters the address and opens Complete Purchase.
async fn open(client: &mut Client, items: &[(&str, i32)]) -> Purchase {
    for (code, n) in items {
        let set = client.call::<SetCartItem>(&[("code", code), ("quantity", &n.to_string())]).await;
        assert!(set.error().is_none(), "{}", set.body);
    }
    let saved = client.call::<SaveCartAddresses>(&ADDRESS).await;
    assert!(saved.error().is_none(), "{}", saved.body);
    match client.call::<OpenCheckout>(&[]).await.json::<CheckoutState>() {
        CheckoutState::Ready(p) => *p,
        other => panic!("{other:?}"),
    }
}

async fn pay(client: &mut Client, purchase: &Purchase, number: &str) -> crate::common::Answer {
    let key = purchase.key.to_string();
    let mut fields: Vec<(&str, String)> = vec![("key", key), ("fingerprint", purchase.fingerprint.clone())];
    fields.extend(card(number));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.call::<Checkout>(&fields).await
}

/// Buys `items` by card and returns the order id.
async fn buy(client: &mut Client, items: &[(&str, i32)]) -> Uuid {
    let purchase = open(client, items).await;
    let answer = pay(client, &purchase, "4242 4242 4242 4242").await;
    answer.json::<Uuid>()
}

async fn count(db: &TestDb, sql: &str, wg: Uuid) -> i64 {
    let mut conn = db.owner_conn().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).bind(wg).fetch_one(&mut conn).await.unwrap()
}

async fn order(client: &mut Client, id: Uuid) -> OrderDetails {
    client.call::<GetOrder>(&[("order_id", &id.to_string())]).await.json()
}

async fn refund(client: &mut Client, id: Uuid) -> crate::common::Answer {
    client.call::<RefundOrder>(&[("order_id", &id.to_string())]).await
}

/// (available, reserved, consumed) of every pack of the workgroup, and the log agrees.
async fn packs(db: &TestDb, agent: &Agent) -> Vec<(String, i32, i32, i32)> {
    let wg = agent.own_workgroup;
    let mut tx = db.tx(Some(agent.id), Some(wg)).await;
    let (packs, _) = licenses::packs(&mut tx, wg).await.unwrap();
    let replay = licenses::replay(&mut tx, wg).await.unwrap();
    for p in &packs {
        let r = replay.iter().find(|r| r.0 == p.id).unwrap();
        assert_eq!((p.available as i64, p.reserved as i64, p.consumed as i64), (r.1, r.2, r.3));
    }
    packs.into_iter().map(|p| (p.license_type, p.available, p.reserved, p.consumed)).collect()
}

#[tokio::test]
async fn the_same_checkout_sent_16_times_at_once_makes_one_order_and_one_charge() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let purchase = open(&mut ada.client, &[("mailbox_migration", 3)]).await;
    assert_eq!(purchase.totals.total.0, 3600);

    let mut tasks = vec![];
    for _ in 0..16 {
        let mut client = ada.client.same_session();
        let purchase = purchase.clone();
        tasks.push(tokio::spawn(async move { pay(&mut client, &purchase, "4242424242424242").await.json::<Uuid>() }));
    }
    let mut ids = vec![];
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every request answers with the one order");
    let wg = ada.own_workgroup;
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", wg).await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM payments WHERE workgroup_id = $1", wg).await, 1);
    assert_eq!(db.gateway.charges_made(), 1);
    assert_eq!(packs(&db, &ada).await, vec![("mailbox_migration".to_string(), 3, 0, 0)]);
    assert_eq!(count(&db, "SELECT count(*) FROM license_log WHERE workgroup_id = $1 AND reference LIKE 'order %'", wg).await, 1);

    // A replay later (a retry after a timeout) answers with the same order, charging nothing.
    assert_eq!(pay(&mut ada.client, &purchase, "4242424242424242").await.json::<Uuid>(), ids[0]);
    assert_eq!(db.gateway.charges_made(), 1);
    // The cart was emptied by the purchase; the same key with another cart is refused.
    let mut other = purchase.clone();
    other.fingerprint = "document_migrationx5@1500;total=7500".into();
    assert!(matches!(pay(&mut ada.client, &other, "4242424242424242").await.error(), Some(AppError::Conflict(m)) if m.contains("different cart")));
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", wg).await, 1);

    let o = order(&mut ada.client, ids[0]).await;
    assert_eq!(o.status, OrderStatus::Paid);
    assert_eq!(o.totals.total.0, 3600);
    assert!(o.paid.unwrap().1.starts_with("Visa •••• 4242"));
}

#[tokio::test]
async fn card_numbers_and_codes_never_reach_the_database() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    buy(&mut ada.client, &[("document_migration", 1)]).await;
    let saved = ada
        .client
        .call::<SaveSubscriptionCard>(&[("holder", "Ada"), ("number", "5555 5555 5555 4444"), ("expiry", "01/40"), ("cvc", "987")])
        .await;
    assert!(saved.error().is_none(), "{}", saved.body);
    let mut conn = db.owner_conn().await;
    for table in ["payments", "billing_info", "orders", "order_lines", "mail_outbox", "license_log"] {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT row_to_json(t)::text FROM {table} t")))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for row in rows {
            for secret in ["4242424242424242", "4242 4242", "5555555555554444", "5555 5555", "\"123\"", "987"] {
                assert!(!row.contains(secret), "{table} holds {secret}: {row}");
            }
        }
    }
    let info: tandem::billing::BillingInfo = ada.client.call::<GetBillingInfo>(&[]).await.json();
    assert_eq!(info.card.as_deref(), Some("Mastercard •••• 4444, expires 01/2040"));
}

#[tokio::test]
async fn a_declined_card_shows_its_message_and_makes_no_order() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let purchase = open(&mut ada.client, &[("public_folder_migration", 2)]).await;
    for (number, message) in [
        ("4000 0000 0000 0002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4012 8888 8888 1881", "The sandbox gateway takes test cards only, such as 4242 4242 4242 4242."),
        ("4242 4242 4242 4241", "That card number is not valid. Check the digits."),
    ] {
        let answer = pay(&mut ada.client, &purchase, number).await;
        assert_eq!(answer.status, http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.error().unwrap().for_field("number").as_deref(), Some(message), "{number}");
    }
    let wg = ada.own_workgroup;
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", wg).await, 0);
    assert_eq!(db.gateway.charges_made(), 0);
    assert!(packs(&db, &ada).await.is_empty());
    // Nothing changed: the cart still holds its products, and the same page can pay.
    let cart: CartView = ada.client.call::<GetCart>(&[]).await.json();
    assert_eq!(cart.lines.len(), 1);
    pay(&mut ada.client, &purchase, "4242424242424242").await.json::<Uuid>();
    assert_eq!(packs(&db, &ada).await, vec![("public_folder_migration".to_string(), 2, 0, 0)]);
}

#[tokio::test]
async fn bad_input_is_refused_next_to_its_field() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let e = ada.client.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "0")]).await.error().unwrap();
    assert!(e.for_field("quantity").is_some());
    let e = ada.client.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "2.5")]).await.error().unwrap();
    assert!(e.for_field("quantity").is_some());
    assert_eq!(ada.client.call::<SetCartItem>(&[("code", "nothing"), ("quantity", "1")]).await.error(), Some(AppError::NotFound));
    let e = ada.client.call::<SaveCartAddresses>(&[("billing[name]", "Ada"), ("billing[country]", "GB"), ("ship_to_billing", "on")]).await;
    assert_eq!(e.error().unwrap().for_field("billing_line1").as_deref(), Some("Enter the street address."));
    // Unticked "Ship to billing address": the shipping address is checked too.
    let mut fields = ADDRESS[..5].to_vec();
    fields.push(("shipping[name]", "Depot"));
    let e = ada.client.call::<SaveCartAddresses>(&fields).await.error().unwrap();
    assert!(e.for_field("shipping_line1").is_some());
    // Opening Complete Purchase with an empty cart says so.
    assert_eq!(ada.client.call::<OpenCheckout>(&[]).await.json::<CheckoutState>(), CheckoutState::EmptyCart);
    let purchase = open(&mut ada.client, &[("mailbox_migration", 1)]).await;
    let mut fields = vec![("key", purchase.key.to_string()), ("fingerprint", purchase.fingerprint.clone())];
    fields.extend(card("4242424242424242"));
    fields[4].1 = "13/30".into();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(ada.client.call::<Checkout>(&fields).await.error().unwrap().for_field("expiry").is_some());
    // A cart changed after the page opened is not paid for blindly.
    ada.client.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "2")]).await;
    assert!(matches!(pay(&mut ada.client, &purchase, "4242424242424242").await.error(), Some(AppError::Conflict(m)) if m.contains("changed")));
    ada.client.call::<RemoveCartItem>(&[("code", "mailbox_migration")]).await;
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", ada.own_workgroup).await, 0);
}

#[tokio::test]
async fn refunds_are_offered_only_inside_the_window() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let a = buy(&mut ada.client, &[("mailbox_migration", 2)]).await;
    let b = buy(&mut ada.client, &[("document_migration", 1)]).await;

    db.clock.advance(Duration::hours(23) + Duration::minutes(59));
    for id in [a, b] {
        assert!(order(&mut ada.client, id).await.refund_offer.is_err());
        assert!(matches!(refund(&mut ada.client, id).await.error(), Some(AppError::Conflict(m)) if m.contains("24 hours")));
    }
    db.clock.advance(Duration::minutes(2)); // 24h01m
    assert_eq!(order(&mut ada.client, a).await.refund_offer, Ok(()));
    assert_eq!(order(&mut ada.client, b).await.refund_offer, Ok(()));

    db.clock.advance(Duration::days(14) + Duration::hours(23) - Duration::hours(24) - Duration::minutes(1)); // 14d23h
    assert_eq!(order(&mut ada.client, a).await.refund_offer, Ok(()));
    let done = refund(&mut ada.client, a).await;
    assert!(done.error().is_none(), "{}", done.body);
    let refunded = order(&mut ada.client, a).await;
    assert_eq!(refunded.status, OrderStatus::Refunded);
    assert_eq!(refunded.refunded.unwrap().1 .0, 2400);
    assert!(refunded.refund_offer.is_err());

    db.clock.advance(Duration::hours(1) + Duration::minutes(1)); // 15d01m
    assert!(order(&mut ada.client, b).await.refund_offer.is_err());
    assert!(matches!(refund(&mut ada.client, b).await.error(), Some(AppError::Conflict(m)) if m.contains("15 days")));

    let mut p = packs(&db, &ada).await;
    p.sort();
    assert_eq!(p, vec![("document_migration".to_string(), 1, 0, 0), ("mailbox_migration".to_string(), 0, 0, 0)]);
    let wg = ada.own_workgroup;
    assert_eq!(count(&db, "SELECT count(*) FROM license_log WHERE workgroup_id = $1 AND action = 'refunded'", wg).await, 1);
    // The order itself was never edited: its amounts are as they were.
    assert_eq!(count(&db, "SELECT total_cents FROM orders WHERE workgroup_id = $1 AND method = 'card' ORDER BY number LIMIT 1", wg).await, 2400);
}

#[tokio::test]
async fn eight_concurrent_refunds_of_one_order_make_one_refund() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let id = buy(&mut ada.client, &[("mailbox_migration", 3)]).await;
    db.clock.advance(Duration::days(2));
    let mut tasks = vec![];
    for _ in 0..8 {
        let mut client = ada.client.same_session();
        tasks.push(tokio::spawn(async move { refund(&mut client, id).await.error() }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            None => ok += 1,
            Some(AppError::Conflict(m)) => assert!(m.contains("refunded"), "{m}"),
            Some(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(ok, 1);
    let wg = ada.own_workgroup;
    assert_eq!(count(&db, "SELECT count(*) FROM refunds WHERE workgroup_id = $1", wg).await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM license_log WHERE workgroup_id = $1 AND action = 'refunded'", wg).await, 1);
    assert_eq!(db.gateway.refunds_made(), 1);
    assert_eq!(packs(&db, &ada).await, vec![("mailbox_migration".to_string(), 0, 0, 0)]);
    // The feed tells each once: the purchase, then the refund.
    assert_eq!(count(&db, "SELECT count(*) FROM events WHERE workgroup_id = $1 AND kind = 'licenses_bought' AND summary LIKE '%3 Mailbox Migration%'", wg).await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM events WHERE workgroup_id = $1 AND kind = 'refund'", wg).await, 1);
}

#[tokio::test]
async fn an_order_with_a_used_license_is_never_refunded() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let id = buy(&mut ada.client, &[("mailbox_migration", 3)]).await;
    let wg = ada.own_workgroup;
    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
    let pack = licenses::reserve(&mut tx, wg, "mailbox_migration", Some(ada.id), "task 1").await.unwrap().unwrap();
    tx.commit().await.unwrap();
    db.clock.advance(Duration::days(3));
    // Reserved: no Refund.
    assert!(order(&mut ada.client, id).await.refund_offer.unwrap_err().contains("in use"));
    assert!(matches!(refund(&mut ada.client, id).await.error(), Some(AppError::Conflict(_))));
    // Consumed: still none.
    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
    licenses::consume(&mut tx, wg, pack, Some(ada.id), "task 1").await.unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(refund(&mut ada.client, id).await.error(), Some(AppError::Conflict(_))));
    assert_eq!(packs(&db, &ada).await, vec![("mailbox_migration".to_string(), 2, 0, 1)]);
    assert_eq!(db.gateway.refunds_made(), 0);
}

/// Places a quote for `items` and answers its id and number.
async fn quote(client: &mut Client, items: &[(&str, i32)]) -> (Uuid, i64) {
    let purchase = open(client, items).await;
    let fields = [("key", purchase.key.to_string()), ("fingerprint", purchase.fingerprint.clone()), ("email", "billing@example.com".into())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = client.call::<CreateQuote>(&fields).await.json::<Uuid>();
    // A second click on Create Quote: the same order.
    assert_eq!(client.call::<CreateQuote>(&fields).await.json::<Uuid>(), id);
    (id, order(client, id).await.number)
}

/// What a workgroup holds, to compare before and after an attempt.
async fn holdings(db: &TestDb, wg: Uuid) -> [i64; 4] {
    [
        count(db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", wg).await,
        count(db, "SELECT count(*) FROM payments WHERE workgroup_id = $1", wg).await,
        count(db, "SELECT coalesce(sum(available + reserved), 0)::bigint FROM license_packs WHERE workgroup_id = $1", wg).await,
        count(db, "SELECT count(*) FROM license_log WHERE workgroup_id = $1", wg).await,
    ]
}

async fn operator_mark_paid(db: &TestDb, number: i64, reference: &str, cents: i64) -> Result<billing::operator::Recorded, billing::operator::Refused> {
    let mut owner = db.owner_conn().await;
    billing::operator::mark_paid(&mut owner, &db.pool, number, reference, tandem::money::Cents(cents), db.clock.now()).await
}

#[tokio::test]
async fn no_role_of_a_workgroup_can_mark_its_own_quote_paid() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let wg = ada.own_workgroup;
    let (id, _) = quote(&mut ada.client, &[("user_migration_bundle", 4)]).await;
    let before = holdings(&db, wg).await;
    // The exploit as it was: the Administrator of a workgroup anyone can
    // sign up for posts Mark as paid for their own quote. No server function
    // records a payment any more, under any name.
    let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    assert!(paths.iter().any(|p| p.contains("create_quote")), "the registry is read: {paths:?}");
    assert!(!paths.iter().any(|p| p.contains("paid") || p.contains("wire")), "{paths:?}");
    for path in ["/api/mark_order_paid", "/api/MarkOrderPaid"] {
        let answer = ada.client.post_form(path, &[("order_id", &id.to_string()), ("reference", "BANK-1")]).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
    }
    let o = order(&mut ada.client, id).await;
    assert_eq!(o.status, OrderStatus::Open);
    assert_eq!(holdings(&db, wg).await, before, "nothing changed");
    assert!(packs(&db, &ada).await.is_empty(), "no licenses before the payment");
}

#[tokio::test]
async fn a_quote_is_paid_when_the_operator_records_its_transfer() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let wg = ada.own_workgroup;
    let (id, number) = quote(&mut ada.client, &[("user_migration_bundle", 4)]).await;
    let o = order(&mut ada.client, id).await;
    assert_eq!((o.status, o.wire, o.totals.total.0), (OrderStatus::Open, true, 6000));
    let mut conn = db.owner_conn().await;
    let body: String = sqlx::query_scalar("SELECT body FROM mail_outbox WHERE workgroup_id = $1 AND to_email = 'billing@example.com'")
        .bind(wg)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(body.contains(&format!("quote TANDEM-{number} (your order number, {number})")), "{body}");
    assert!(body.contains("$60.00") && body.contains(&format!("/settings/billing/{id}/quote")));
    assert!(body.contains("when the transfer is received"));

    // The operator lists it among the quotes awaiting a transfer.
    let open = billing::operator::list(&mut conn, true).await.unwrap();
    let listed = open.iter().find(|o| o.number == number).expect("listed");
    assert_eq!((listed.total.0, listed.wire, listed.status, listed.reference()), (6000, true, OrderStatus::Open, format!("TANDEM-{number}")));

    // Refused, changing nothing: a wrong amount, no reference, no such order.
    let before = holdings(&db, wg).await;
    assert!(matches!(operator_mark_paid(&db, number, "BANK-1", 5999).await, Err(billing::operator::Refused::WrongAmount { total: 6000, .. })));
    assert!(matches!(operator_mark_paid(&db, number, "  ", 6000).await, Err(billing::operator::Refused::BadReference)));
    assert!(matches!(operator_mark_paid(&db, 999_999, "BANK-1", 6000).await, Err(billing::operator::Refused::NoSuchOrder(999_999))));
    assert_eq!(holdings(&db, wg).await, before);

    // The right amount, once: the licenses arrive with the payment.
    let recorded = operator_mark_paid(&db, number, "BANK  1", 6000).await.unwrap();
    assert_eq!((recorded.order_id, recorded.workgroup_id), (id, wg));
    assert!(matches!(operator_mark_paid(&db, number, "BANK-1", 6000).await, Err(billing::operator::Refused::AlreadyPaid(_))));
    assert_eq!(packs(&db, &ada).await, vec![("user_migration_bundle".to_string(), 4, 0, 0)]);
    assert_eq!(count(&db, "SELECT count(*) FROM payments WHERE workgroup_id = $1 AND recorded_by IS NULL", wg).await, 1);
    let o = order(&mut ada.client, id).await;
    assert_eq!(o.status, OrderStatus::Paid);
    assert!(o.paid.unwrap().1.contains("BANK 1"));
    assert!(billing::operator::list(&mut conn, true).await.unwrap().iter().all(|o| o.number != number));
    let told: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE workgroup_id = $1 AND subject LIKE '%payment received'")
        .bind(wg)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(told, 1);

    // A card order has no transfer to record.
    let card_order = buy(&mut ada.client, &[("mailbox_migration", 1)]).await;
    let card_number = order(&mut ada.client, card_order).await.number;
    assert!(matches!(operator_mark_paid(&db, card_number, "BANK-2", 1200).await, Err(billing::operator::Refused::NotWire(_))));

    // Wire transfers are never refundable, whenever.
    for days in [2, 3, 9] {
        db.clock.advance(Duration::days(days)); // 2, 5 and 14 days after
        assert!(order(&mut ada.client, id).await.refund_offer.unwrap_err().contains("wire transfer"));
        assert!(matches!(refund(&mut ada.client, id).await.error(), Some(AppError::Conflict(_))));
    }
}

#[tokio::test]
async fn associates_are_refused_everything_but_their_own_seat() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let id = buy(&mut ada.client, &[("mailbox_migration", 1)]).await.to_string();
    let wg = ada.own_workgroup;
    let mut bob = db.sign_up("Bob").await;
    db.join_as(&mut bob, wg, "associate").await;
    let c = &mut bob.client;
    let forbidden = [
        c.call::<GetCart>(&[]).await,
        c.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "1")]).await,
        c.call::<RemoveCartItem>(&[("code", "mailbox_migration")]).await,
        c.call::<SaveCartAddresses>(&ADDRESS).await,
        c.call::<OpenCheckout>(&[]).await,
        c.call::<Checkout>(&[("key", &Uuid::new_v4().to_string()), ("fingerprint", "x"), ("holder", "B"), ("number", "4242424242424242"), ("expiry", "12/39"), ("cvc", "123")]).await,
        c.call::<CreateQuote>(&[("key", &Uuid::new_v4().to_string()), ("fingerprint", "x"), ("email", "b@example.com")]).await,
        c.call::<BillingHistory>(&[("range", "all"), ("from", ""), ("to", "")]).await,
        c.call::<GetOrder>(&[("order_id", &id)]).await,
        c.call::<RefundOrder>(&[("order_id", &id)]).await,
        c.call::<GetBillingInfo>(&[]).await,
        c.call::<SaveBillingAddress>(&[("address[name]", "B"), ("currency", "usd")]).await,
        c.call::<SaveSubscriptionCard>(&card("4242424242424242").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await,
        c.call::<SetSeatRenewal>(&[("agent_id", &ada.id.to_string()), ("renew", "off")]).await,
        c.get("/settings/billing/export.xlsx?range=all").await,
    ];
    for (i, answer) in forbidden.iter().enumerate() {
        assert_eq!(answer.status, http::StatusCode::FORBIDDEN, "call {i}: {}", answer.body);
    }
    // Their own seat, and nobody else's.
    let mine: SubscriptionsOverview = c.call::<ListSubscriptions>(&[]).await.json();
    assert!(!mine.manages && mine.packs.is_empty() && mine.usage.is_empty());
    assert_eq!(mine.holders.len(), 1);
    assert_eq!((mine.holders[0].agent_id, mine.holders[0].plan), (bob.id, Some(Plan::GetAutomated)));
    // Managers buy and see history, but Billing Information is the Administrator's.
    db.set_role(wg, bob.id, "manager").await;
    assert!(bob.client.call::<GetCart>(&[]).await.error().is_none());
    assert_eq!(bob.client.call::<GetBillingInfo>(&[]).await.error(), Some(AppError::Forbidden));
    assert_eq!(bob.client.call::<BillingHistory>(&[("range", "all"), ("from", ""), ("to", "")]).await.json::<History>().rows.len(), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", wg).await, 1);
}

#[tokio::test]
async fn another_workgroups_order_ids_give_nothing() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let id = buy(&mut ada.client, &[("mailbox_migration", 2)]).await.to_string();
    db.clock.advance(Duration::days(2));
    let mut eve = db.sign_up("Eve").await;
    for answer in [
        eve.client.call::<GetOrder>(&[("order_id", &id)]).await,
        eve.client.call::<RefundOrder>(&[("order_id", &id)]).await,
        eve.client.call::<GetOrder>(&[("order_id", "not-an-id")]).await,
    ] {
        assert_eq!(answer.error(), Some(AppError::NotFound), "{}", answer.body);
    }
    let h: History = eve.client.call::<BillingHistory>(&[("range", "all"), ("from", ""), ("to", "")]).await.json();
    assert!(h.rows.is_empty());
    // Row-level security agrees, whatever the SQL asks for.
    let mut tx = db.tx(Some(eve.id), Some(eve.own_workgroup)).await;
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM orders").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0);
    drop(tx);
    assert_eq!(packs(&db, &ada).await, vec![("mailbox_migration".to_string(), 2, 0, 0)]);
    assert_eq!(order(&mut ada.client, id.parse().unwrap()).await.status, OrderStatus::Paid);
}

#[tokio::test]
async fn the_export_reads_back_with_the_rows_and_totals_shown() {
    use calamine::{Data, Reader, Xlsx};
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    buy(&mut ada.client, &[("mailbox_migration", 3)]).await;
    let refunded = buy(&mut ada.client, &[("public_folder_migration", 1), ("document_migration", 2)]).await;
    let purchase = open(&mut ada.client, &[("user_migration_bundle", 1)]).await;
    let fields = [("key", purchase.key.to_string()), ("fingerprint", purchase.fingerprint.clone()), ("email", "q@example.com".into())];
    ada.client.call::<CreateQuote>(&fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await.json::<Uuid>();
    db.clock.advance(Duration::days(2));
    assert!(refund(&mut ada.client, refunded).await.error().is_none());

    let shown: History = ada.client.call::<BillingHistory>(&[("range", "30d"), ("from", ""), ("to", "")]).await.json();
    assert_eq!(shown.rows.len(), 3);
    assert_eq!(shown.paid_total.0, 3600);
    let answer = ada.client.get("/settings/billing/export.xlsx?range=30d").await;
    assert_eq!(answer.status, http::StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(answer.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"billing-history-"));
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(answer.bytes.clone())).unwrap();
    let sheet = book.worksheet_range("Billing History").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][0], Data::String("Order".into()));
    for (row, order) in rows[1..4].iter().zip(&shown.rows) {
        assert_eq!(row[0], Data::Float(order.number as f64));
        match &row[1] {
            Data::DateTime(d) => {
                let at = d.as_datetime().unwrap();
                assert!((at.and_utc() - order.created_at).num_seconds().abs() <= 1, "a real Excel date: {at} {}", order.created_at);
            }
            other => panic!("date cell is {other:?}"),
        }
        assert_eq!(row[2], Data::String(order.items.clone()));
        assert_eq!(row[4], Data::String(order.status.label().into()));
        assert_eq!(row[5], Data::Float(order.total.0 as f64 / 100.0));
    }
    let statuses: Vec<&str> = shown.rows.iter().map(|r| r.status.label()).collect();
    assert_eq!(statuses, ["Open", "Refunded", "Paid"]);
    let last = rows.last().unwrap();
    assert_eq!((last[4].clone(), last[5].clone()), (Data::String("Paid total".into()), Data::Float(36.0)));

    // The file has the rows the filter shows, no more.
    let future = (chrono::Utc::now() + Duration::days(30)).format("%Y-%m-%d").to_string();
    let empty = ada.client.get(&format!("/settings/billing/export.xlsx?range=custom&from={future}&to=")).await;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(empty.bytes)).unwrap();
    let sheet = book.worksheet_range("Billing History").unwrap();
    assert_eq!(sheet.rows().filter(|r| matches!(r[0], Data::Float(_))).count(), 0);
    let bad = ada.client.get("/settings/billing/export.xlsx?range=custom&from=yesterday").await;
    assert_eq!(bad.status, http::StatusCode::UNPROCESSABLE_ENTITY);
    // No session, no file.
    assert_eq!(Client::new(db.router()).get("/settings/billing/export.xlsx").await.status, http::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn seats_are_bought_handed_out_as_agents_join_and_freed_when_they_leave() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let wg = ada.own_workgroup;
    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
    assert!(seats::has_plan_seat(&mut tx, wg, Plan::GetAutomated).await.unwrap(), "the training seats are Get Automated");
    assert!(!seats::has_plan_seat(&mut tx, wg, Plan::GetOrganized).await.unwrap());
    drop(tx);
    // Seats renew on the subscription card: it comes first.
    let e = ada.client.call::<SetCartItem>(&[("code", "get_organized"), ("quantity", "7")]).await.error().unwrap();
    assert!(e.for_field("quantity").unwrap().contains("Billing Information"));
    let saved = ada.client.call::<SaveSubscriptionCard>(&card("4242424242424242").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(saved.error().is_none(), "{}", saved.body);
    buy(&mut ada.client, &[("get_organized", 7)]).await;
    let mut tx = db.tx(Some(ada.id), Some(wg)).await;
    assert!(seats::has_plan_seat(&mut tx, wg, Plan::GetOrganized).await.unwrap());
    drop(tx);

    // 10 subscriptions now: the bulk discount applies to the next cart.
    let purchase = open(&mut ada.client, &[("mailbox_migration", 10)]).await;
    assert_eq!((purchase.totals.discount_percent, purchase.totals.total.0), (5, 11400));
    ada.client.call::<RemoveCartItem>(&[("code", "mailbox_migration")]).await;

    // Joining agents take free seats, Get Automated first; Inactive frees them.
    let mut agents = vec![];
    for name in ["Bob", "Cy", "Di"] {
        let mut a = db.sign_up(name).await;
        db.join_as(&mut a, wg, "associate").await;
        agents.push(a);
    }
    let o: SubscriptionsOverview = ada.client.call::<ListSubscriptions>(&[]).await.json();
    let plan_of = |o: &SubscriptionsOverview, id: Uuid| o.holders.iter().find(|h| h.agent_id == id).and_then(|h| h.plan);
    assert_eq!(plan_of(&o, ada.id), Some(Plan::GetAutomated));
    assert_eq!(plan_of(&o, agents[0].id), Some(Plan::GetAutomated));
    assert_eq!(plan_of(&o, agents[1].id), Some(Plan::GetAutomated));
    assert_eq!(plan_of(&o, agents[2].id), Some(Plan::GetOrganized));
    let automated = o.usage.iter().find(|u| u.plan == Plan::GetAutomated).unwrap();
    assert_eq!((automated.seats, automated.used), (3, 3));
    db.set_role(wg, agents[0].id, "inactive").await;
    let mut eve = db.sign_up("Eve").await;
    db.join_as(&mut eve, wg, "associate").await;
    let o: SubscriptionsOverview = ada.client.call::<ListSubscriptions>(&[]).await.json();
    assert_eq!(plan_of(&o, agents[0].id), None);
    assert_eq!(plan_of(&o, eve.id), Some(Plan::GetAutomated), "the freed seat goes to the next agent");

    // Renewal, per agent.
    assert!(o.holders.iter().all(|h| h.renew));
    let off = ada.client.call::<SetSeatRenewal>(&[("agent_id", &eve.id.to_string()), ("renew", "off")]).await;
    assert!(off.error().is_none(), "{}", off.body);
    let o: SubscriptionsOverview = ada.client.call::<ListSubscriptions>(&[]).await.json();
    assert!(!o.holders.iter().find(|h| h.agent_id == eve.id).unwrap().renew);

    // The Agents page shows each member's plan.
    let agents_page: tandem::agents::AgentsOverview = ada.client.call::<tandem::agents::ListAgents>(&[]).await.json();
    let di = agents_page.members.iter().find(|m| m.agent_id == agents[2].id).unwrap();
    assert_eq!(di.plan, Some(Plan::GetOrganized));

    // Seats in use keep their order from being refunded.
    let seat_order = ada.client.call::<BillingHistory>(&[("range", "all"), ("from", ""), ("to", "")]).await.json::<History>().rows[0].id;
    db.clock.advance(Duration::days(2));
    assert!(order(&mut ada.client, seat_order).await.refund_offer.unwrap_err().contains("seats"));
}

#[tokio::test]
async fn the_cart_survives_and_belongs_to_one_agent_in_one_workgroup() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    ada.client.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "3")]).await;
    ada.client.call::<SetCartItem>(&[("code", "mailbox_migration"), ("quantity", "5")]).await;
    // Another session of the same agent sees it.
    let cart: CartView = ada.client.same_session().call::<GetCart>(&[]).await.json();
    assert_eq!(cart.lines.iter().map(|l| (l.code.as_str(), l.quantity)).collect::<Vec<_>>(), [("mailbox_migration", 5)]);
    assert_eq!(cart.totals.total.0, 6000);
    // Another Manager of the workgroup has a cart of their own.
    let mut max = db.sign_up("Max").await;
    db.join_as(&mut max, ada.own_workgroup, "manager").await;
    assert!(max.client.call::<GetCart>(&[]).await.json::<CartView>().lines.is_empty());
}

#[tokio::test]
async fn a_checkout_key_replayed_elsewhere_never_borrows_a_charge() {
    use tandem::server::payments::{TEST_CARD_DECLINED, TEST_CARD_OK};
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let a = ada.own_workgroup;
    let in_a = open(&mut ada.client, &[("mailbox_migration", 3)]).await;
    let paid_in_a = pay(&mut ada.client, &in_a, TEST_CARD_OK).await.json::<Uuid>();
    assert_eq!(db.gateway.charges_made(), 1);

    // Ada is Administrator of a second workgroup and fills the same cart there.
    let bea = db.sign_up("Bea").await;
    let b = bea.own_workgroup;
    db.join_as(&mut ada, b, "administrator").await;
    let in_b = open(&mut ada.client, &[("mailbox_migration", 3)]).await;
    assert_eq!(in_b.fingerprint, in_a.fingerprint, "the same cart, the same fingerprint");
    assert_ne!(in_b.key, in_a.key);

    // The exploit: A's paid page replayed in B with a declined card.
    let before = holdings(&db, b).await;
    let answer = pay(&mut ada.client, &in_a, TEST_CARD_DECLINED).await;
    assert!(matches!(answer.error(), Some(AppError::Conflict(m)) if m.contains("out of date")), "{}", answer.body);
    assert_eq!(holdings(&db, b).await, before, "no order in B");
    // Another Manager of A replays Ada's page: it is not theirs.
    let mut max = db.sign_up("Max").await;
    db.join_as(&mut max, a, "manager").await;
    open(&mut max.client, &[("mailbox_migration", 3)]).await;
    let answer = pay(&mut max.client, &in_a, TEST_CARD_OK).await;
    assert!(matches!(answer.error(), Some(AppError::Conflict(m)) if m.contains("out of date")), "{}", answer.body);
    // A key nobody was given, or not a key at all.
    for key in [Uuid::new_v4().to_string(), "not-a-key".into()] {
        let forged = Purchase { key: key.parse().unwrap_or_default(), ..in_b.clone() };
        assert!(matches!(pay(&mut ada.client, &forged, TEST_CARD_OK).await.error(), Some(AppError::Conflict(_))));
    }
    // B's own page with B's declined card: declined, nothing made.
    assert!(pay(&mut ada.client, &in_b, TEST_CARD_DECLINED).await.error().unwrap().for_field("number").is_some());
    assert_eq!(holdings(&db, b).await, before);
    assert_eq!(db.gateway.charges_made(), 1);

    // Paid with a good card, B's order has a charge of its own.
    let paid_in_b = pay(&mut ada.client, &in_b, TEST_CARD_OK).await.json::<Uuid>();
    assert_ne!(paid_in_b, paid_in_a);
    assert_eq!(db.gateway.charges_made(), 2);
    let mut conn = db.owner_conn().await;
    let (payments, charges): (i64, i64) = sqlx::query_as("SELECT count(*), count(DISTINCT gateway_charge) FROM payments WHERE method = 'card'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!((payments, charges), (2, 2), "the sandbox ledger and the payments table agree");
    // Max's page in A was never used: the order count of A is Ada's one.
    assert_eq!(count(&db, "SELECT count(*) FROM orders WHERE workgroup_id = $1", a).await, 1);
}

#[tokio::test]
async fn a_complete_purchase_page_goes_out_of_date_after_a_day() {
    let db = test_db().await;
    let mut ada = db.sign_up("Ada").await;
    let purchase = open(&mut ada.client, &[("mailbox_migration", 1)]).await;
    db.clock.advance(Duration::hours(25));
    let answer = pay(&mut ada.client, &purchase, "4242424242424242").await;
    assert!(matches!(answer.error(), Some(AppError::Conflict(m)) if m.contains("out of date")), "{}", answer.body);
    assert_eq!(db.gateway.charges_made(), 0);
    // Opened again, it pays.
    let purchase = open(&mut ada.client, &[]).await;
    pay(&mut ada.client, &purchase, "4242424242424242").await.json::<Uuid>();
    assert_eq!(db.gateway.charges_made(), 1);
}
