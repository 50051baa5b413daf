//! Limits on the work a request can cause: body sizes, atomic throttles,
//! the client address behind proxies, unreadable requests.

use crate::common::{test_db, unique_email, Client, PASSWORD};
use axum::body::Body;
use futures::future::join_all;
use http::{header, Request, StatusCode};
use leptos::server_fn::ServerFn;
use tandem::auth::{LogIn, SignUp};
use tandem::customers::ImportCustomerUsers;
use tandem::error::AppError;

async fn agents(db: &crate::common::TestDb) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM agents").fetch_one(&mut db.owner_conn().await).await.unwrap()
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_get_at_most_five_answers_then_the_pause() {
    let db = test_db().await;
    let ada = db.sign_up("Ada").await;
    let attempts = (0..40).map(|_| {
        let mut browser = Client::new(db.router());
        let email = ada.email.clone();
        async move { browser.call::<LogIn>(&[("email", &email), ("password", "wrong wrong wrong")]).await.error() }
    });
    let answers = join_all(attempts).await;
    let mismatches = answers.iter().filter(|a| matches!(a, Some(AppError::Validation { .. }))).count();
    let paused = answers.iter().filter(|a| matches!(a, Some(AppError::TooManyRequests(_)))).count();
    assert!(mismatches <= 5, "{mismatches} answers about the password");
    assert_eq!(mismatches + paused, 40, "{answers:?}");
    // Even the right password waits now.
    let right = Client::new(db.router()).call::<LogIn>(&[("email", &ada.email), ("password", PASSWORD)]).await.error();
    assert!(matches!(right, Some(AppError::TooManyRequests(_))), "{right:?}");
}

#[tokio::test]
async fn sign_ups_from_one_address_pause_after_the_hourly_limit() {
    let db = test_db().await;
    let router = db.router_with("http://tandem.test", |c| c.sign_ups_per_hour = 3);
    let peer = "198.51.100.20:5000".parse().unwrap();
    let sign_up = |email: String| {
        let mut browser = Client::new(router.clone());
        browser.peer = Some(peer);
        async move { browser.call::<SignUp>(&[("name", "Flood"), ("email", &email), ("password", PASSWORD)]).await.error() }
    };
    let answers = join_all((0..8).map(|i| sign_up(unique_email(&format!("flood{i}"))))).await;
    let created = answers.iter().filter(|a| a.is_none()).count();
    assert_eq!(created, 3, "{answers:?}");
    for refused in answers.iter().flatten() {
        let AppError::TooManyRequests(message) = refused else { panic!("{refused:?}") };
        assert!(message.contains("Try again in 60 minutes"), "{message}");
    }
    assert_eq!(agents(&db).await, 3);
    // Another address is not held up.
    let mut other = Client::new(router.clone());
    other.peer = Some("198.51.100.21:5000".parse().unwrap());
    assert!(other.sign_up("Other", &unique_email("other")).await.error().is_none());
}

/// Wrong passwords for different emails from `peer`, each claiming another
/// address in `X-Forwarded-For`; true when the last one was paused.
async fn address_paused_after_31(router: &axum::Router, peer: &str) -> bool {
    let mut last = None;
    for i in 0..31 {
        let mut browser = Client::new(router.clone());
        browser.peer = Some(peer.parse().unwrap());
        let email = unique_email("guess");
        let forged = format!("203.0.113.{i}");
        last = browser
            .post_form_with(LogIn::PATH, &[("email", &email), ("password", "guess guess guess")], &[("x-forwarded-for", &forged)])
            .await
            .error();
    }
    matches!(last, Some(AppError::TooManyRequests(_)))
}

#[tokio::test]
async fn a_client_cannot_escape_the_throttle_by_naming_its_own_address() {
    let db = test_db().await;
    // No trusted proxy: the header is ignored, all 31 come from one address.
    assert!(address_paused_after_31(&db.router(), "192.0.2.50:4000").await);
    // Behind the operator's proxy, the header it appends names each client.
    let proxied = db.router_with("http://tandem.test", |c| c.trusted_proxies = tandem::server::client_ip::parse_trusted("10.0.0.5").unwrap());
    assert!(!address_paused_after_31(&proxied, "10.0.0.5:4000").await);
}

fn post(path: &str, body: Body, length: Option<u64>) -> Request<Body> {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(n) = length {
        req = req.header(header::CONTENT_LENGTH, n);
    }
    req.body(body).unwrap()
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_before_any_work() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    let email = unique_email("big");
    let big_name = "n".repeat(300 * 1024);
    let form = serde_urlencoded::to_string([("name", big_name.as_str()), ("email", &email), ("password", PASSWORD)]).unwrap();

    // Declared too large: refused without reading.
    let declared = browser.send(post(SignUp::PATH, Body::from(form.clone()), Some(form.len() as u64))).await;
    assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", declared.body);
    let Some(AppError::TooLarge(message)) = declared.error() else { panic!("{}", declared.body) };
    assert!(message.contains("at most 256 KB"), "{message}");

    // A gigabyte claimed, a few bytes sent: refused as well.
    let liar = browser.send(post(SignUp::PATH, Body::from("name=x"), Some(1 << 30))).await;
    assert_eq!(liar.status, StatusCode::PAYLOAD_TOO_LARGE);

    // A gigabyte streamed without a length: refused once the limit is passed,
    // having read about 256 KB of it (the stream is made as it is read).
    let chunk = axum::body::Bytes::from(vec![b'a'; 64 * 1024]);
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = read.clone();
    let stream = futures::stream::iter((0..16 * 1024).map(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok::<_, std::io::Error>(chunk.clone())
    }));
    let streamed = browser.send(post(SignUp::PATH, Body::from_stream(stream), None)).await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);
    let chunks = read.load(std::sync::atomic::Ordering::Relaxed);
    assert!(chunks <= 8, "read {chunks} chunks of 64 KB");

    // Without JavaScript the refusal is a page.
    let mut page = post(SignUp::PATH, Body::from(form.clone()), Some(form.len() as u64));
    page.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
    let page = browser.send(page).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("too much to send at once"), "{}", page.body);

    assert_eq!(agents(&db).await, 0, "nothing was created");
    // The import takes more than a plain form: 1 MB of CSV reaches it
    // (and is refused there for naming no customer, not for its size).
    let csv = "Name,name@example.com\n".repeat(1024 * 1024 / 22);
    let mut ada = db.sign_up("Ada").await;
    let import = ada.client.call::<ImportCustomerUsers>(&[("customer_id", "not-an-id"), ("csv", &csv)]).await;
    assert_ne!(import.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(import.status.is_client_error(), "{}", import.status);
}

#[tokio::test]
async fn unreadable_requests_get_400_with_a_message_not_500() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    let cases: Vec<Request<Body>> = vec![
        // A field missing.
        post(SignUp::PATH, Body::from("name=Ada&password=x"), None),
        // Not a form at all.
        post(SignUp::PATH, Body::from(vec![0xff, 0xfe, 0x00, 0x01]), None),
        // A repeated field.
        post(SignUp::PATH, Body::from("name=a&name=b&email=a%40b.c&password=correct+horse+battery"), None),
        // JSON where a form is expected.
        Request::post(SignUp::PATH).header(header::CONTENT_TYPE, "application/json").body(Body::from("{\"name\":1}")).unwrap(),
    ];
    for req in cases {
        let answer = browser.send(req).await;
        assert!(answer.status.is_client_error(), "{} {}", answer.status, answer.body);
        assert!(answer.error().is_some(), "{}", answer.body);
    }
    assert_eq!(agents(&db).await, 0);
}

/// Opens the live update stream in `client`'s session.
async fn live(router: &axum::Router, client: &Client) -> http::Response<Body> {
    use tower::ServiceExt;
    let req = Request::get("/api/live").header(header::COOKIE, client.cookie.clone().unwrap()).body(Body::empty()).unwrap();
    router.clone().oneshot(req).await.unwrap()
}

/// Whether the stream ends (rather than idles) within `secs`.
async fn ends_within(res: http::Response<Body>, secs: u64) -> bool {
    use http_body_util::BodyExt;
    let mut body = res.into_body();
    tokio::time::timeout(std::time::Duration::from_secs(secs), async {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_session_holds_a_few_live_streams_and_they_end_with_the_session() {
    let db = test_db().await;
    let router = db.router();
    let mut ada = db.sign_up("Ada").await;
    let max = tandem::server::live::MAX_STREAMS_PER_SESSION;
    let mut open = Vec::new();
    for _ in 0..max {
        let res = live(&router, &ada.client).await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    let refused = live(&router, &ada.client).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // Closing a tab gives its slot back.
    open.pop();
    let again = live(&router, &ada.client).await;
    assert_eq!(again.status(), StatusCode::OK);
    open.push(again);

    // Signing out ends every stream of the session.
    ada.client.call::<tandem::auth::LogOut>(&[]).await;
    for res in open {
        assert!(ends_within(res, 25).await, "a stream outlived its session");
    }
}

#[tokio::test]
async fn a_live_stream_ends_when_its_agent_becomes_inactive() {
    let db = test_db().await;
    let router = db.router();
    let olivia = db.sign_up("Olivia").await;
    let mut max = db.sign_up("Max").await;
    db.join_as(&mut max, olivia.own_workgroup, "associate").await;
    let stream = live(&router, &max.client).await;
    assert_eq!(stream.status(), StatusCode::OK);
    db.set_role(olivia.own_workgroup, max.id, "inactive").await;
    assert!(ends_within(stream, 25).await, "an Inactive agent kept their live stream");
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_with_400_before_any_work() {
    let db = test_db().await;
    let mut browser = Client::new(db.router());
    for name in ["a\0b", "\0"] {
        let answer = browser.sign_up(name, &unique_email("nul")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(answer.error(), Some(AppError::BadRequest(tandem::server::limits::NUL_REFUSED.into())));
    }
    let answer = browser.call::<LogIn>(&[("email", "x@example.com\0"), ("password", PASSWORD)]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let page = browser.get("/customers/%00?page=%00").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(agents(&db).await, 0);
}
