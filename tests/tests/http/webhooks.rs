//! Webhook subscriptions and at-least-once delivery (SPEC §8), against a real receiver on a local port.

use std::collections::HashMap;

use chrono::Duration;
use serde_json::{Value, json};
use tests::TestApp;
use tests::receiver::{Answer, Receiver};

async fn subscribe(app: &TestApp, token: &str, body: Value) -> (String, String) {
    let reply = app.post("/api/v1/subscriptions", token, &body).await;
    let created = reply.ok(201);
    (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
}

/// Runs worker rounds, moving the clock an hour after each, until nothing is pending (at most 40 rounds).
async fn deliver_everything(app: &TestApp, worker: &api::webhooks::Worker) {
    for _ in 0..40 {
        worker.run_once().await.expect("worker round");
        let (pending, _, _) = persistence::deliveries::counts(app.db.conn()).await.unwrap();
        if pending == 0 {
            return;
        }
        app.advance(Duration::hours(1));
    }
    panic!("deliveries still pending after 40 rounds");
}

fn types(received: &[tests::receiver::Received]) -> Vec<String> {
    received.iter().map(|r| r.json["type"].as_str().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn events_arrive_signed_and_in_the_shape_of_the_feed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (_, secret) = subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    assert!(secret.starts_with("whsec_"));
    let m = app.municipality("West Betuwe").await;
    app.area(&m, "WB-1").await;

    app.webhook_worker().run_once().await.unwrap();
    let mut received = receiver.wait_for(2).await;
    // Deliveries go out side by side, so they may arrive in any order; the id gives the order.
    received.sort_by_key(|r| r.json["id"].as_i64());
    assert_eq!(types(&received), ["municipality.created", "area.created"]);
    for r in &received {
        assert!(r.signed_with(&secret), "signature {} does not verify", r.signature);
        assert!(!r.signed_with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "another secret must not verify");
        assert!(r.id.starts_with("msg_"));
    }
    let feed = app.get("/api/v1/events", &app.admin).await;
    assert_eq!(received[1].json["id"], feed.body["results"][1]["id"]);
    assert_eq!(received[1].json["resourceId"], feed.body["results"][1]["resourceId"]);
    assert_eq!(received[1].json["municipalityId"], m.as_str());
}

#[tokio::test]
async fn a_receiver_that_fails_three_times_gets_the_event_once_it_answers() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (id, secret) =
        subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url(), "eventTypes": ["municipality.created"]}))
            .await;
    receiver.answer_next(&[Answer::Status(500), Answer::Status(500), Answer::Status(500)]);
    app.municipality("Oldambt").await;

    deliver_everything(&app, &app.webhook_worker()).await;
    let received = receiver.received();
    assert_eq!(received.len(), 4, "three failures and the acknowledged delivery");
    assert!(received.iter().all(|r| r.id == received[0].id), "one webhook-id for every attempt");
    assert!(received.iter().all(|r| r.signed_with(&secret)));
    assert_eq!(persistence::deliveries::counts(app.db.conn()).await.unwrap(), (0, 1, 0));

    let log = app.get(&format!("/api/v1/subscriptions/{id}/deliveries"), &app.admin).await;
    let attempts = log.ok(200)["results"].as_array().unwrap().clone();
    let codes: Vec<_> = attempts.iter().map(|a| a["statusCode"].as_i64().unwrap()).collect();
    assert_eq!(codes, [500, 500, 500, 204]);
    let numbers: Vec<_> = attempts.iter().map(|a| a["attempt"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(attempts[0]["error"], "answered HTTP 500");
    assert_eq!(attempts[0]["responseExcerpt"], "receiver answered 500");
    assert_eq!(attempts[3]["succeeded"], true);
    assert!(attempts.iter().all(|a| a["durationMs"].is_i64() && a["attemptedAt"].is_string()));
    // A success clears the failure streak.
    let s = app.get(&format!("/api/v1/subscriptions/{id}"), &app.admin).await;
    assert_eq!(s.ok(200)["health"]["status"], "healthy");
    assert_eq!(s.body["health"]["consecutiveFailures"], 0);
}

#[tokio::test]
async fn retries_wait_for_their_backoff() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    receiver.answer_next(&[Answer::Status(503)]);
    app.municipality("Woerden").await;
    let worker = app.webhook_worker();
    worker.run_once().await.unwrap();
    worker.run_once().await.unwrap();
    assert_eq!(receiver.received().len(), 1, "no retry before the backoff has passed");
    app.advance(Duration::seconds(10));
    worker.run_once().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_receiver_that_is_down_for_a_while_gets_everything_when_it_is_back() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (id, _) = subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    receiver.stop().await;
    let m = app.municipality("Stichtse Vecht").await;
    for code in ["SV-1", "SV-2", "SV-3", "SV-4", "SV-5", "SV-6"] {
        app.area(&m, code).await;
    }
    let worker = app.webhook_worker();
    for _ in 0..6 {
        worker.run_once().await.unwrap();
        app.advance(Duration::minutes(30));
    }
    assert!(receiver.received().is_empty());
    let s = app.get(&format!("/api/v1/subscriptions/{id}"), &app.admin).await;
    assert_eq!(s.ok(200)["health"]["status"], "failing", "{}", s.text);
    assert!(s.body["health"]["lastError"].as_str().unwrap().starts_with("cannot connect"), "{}", s.text);
    assert!(s.body["health"]["failingSince"].is_string());

    receiver.restart().await;
    deliver_everything(&app, &worker).await;
    let received = receiver.received();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for r in &received {
        *by_id.entry(r.json["id"].to_string()).or_default() += 1;
    }
    assert_eq!(by_id.len(), 7, "the municipality and six areas");
    assert!(by_id.values().all(|&n| n == 1), "each acknowledged once: {by_id:?}");
    assert_eq!(app.get(&format!("/api/v1/subscriptions/{id}"), &app.admin).await.body["health"]["status"], "healthy");
}

#[tokio::test]
async fn a_delivery_is_given_up_only_after_a_day_of_retries() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    receiver.answer_always(Answer::Status(500));
    subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    app.municipality("Oldambt").await;
    let worker = app.webhook_worker();
    let start = app.db.clock().now();
    worker.run_once().await.unwrap();
    while persistence::deliveries::counts(app.db.conn()).await.unwrap().0 > 0 {
        app.advance(Duration::minutes(20));
        worker.run_once().await.unwrap();
        assert!(app.db.clock().now() - start < Duration::hours(40), "never given up");
    }
    assert_eq!(persistence::deliveries::counts(app.db.conn()).await.unwrap(), (0, 0, 1));
    assert!(app.db.clock().now() - start >= Duration::hours(24), "given up too early");
    let tries = receiver.received().len();
    assert!((10..60).contains(&tries), "{tries} attempts");
}

#[tokio::test]
async fn a_worker_killed_mid_delivery_is_followed_by_one_that_delivers_again() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    receiver.answer_next(&[Answer::Hang]);
    app.municipality("West Betuwe").await;

    let first = app.webhook_worker().spawn();
    let received = receiver.wait_for(1).await;
    first.abort();
    let _ = first.await;
    // The claim outlives the worker until its lease ends; no other worker sends it meanwhile.
    let second = app.webhook_worker_on(app.second_db().await);
    second.run_once().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
    app.advance(Duration::minutes(2));
    second.run_once().await.unwrap();
    let again = receiver.wait_for(2).await;
    assert_eq!(again[1].id, received[0].id, "the same delivery, sent again");
    assert_eq!(persistence::deliveries::counts(app.db.conn()).await.unwrap(), (0, 1, 0));
}

#[tokio::test]
async fn two_workers_deliver_each_event_once() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    let m = app.municipality("Woerden").await;
    for i in 0..40 {
        app.area(&m, &format!("W-{i}")).await;
    }
    let a = app.webhook_worker().spawn();
    let b = app.webhook_worker_on(app.second_db().await).spawn();
    let received = receiver.wait_for(41).await;
    // Let both go on a little: nothing more may come.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    a.abort();
    b.abort();
    let received_after = receiver.received();
    assert_eq!(received_after.len(), received.len());
    let mut ids: Vec<_> = received_after.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 41, "every delivery exactly once");
}

#[tokio::test]
async fn a_partner_subscription_never_receives_another_organisations_events() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-1").await;
    let police = app.organisation("Politie", "police").await;
    let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
    // Events from before the subscription (the police's own organisation.created) are not sent.
    app.advance(Duration::seconds(1));
    subscribe(&app, &partner, json!({"callbackUrl": receiver.url()})).await;

    let housing = app.organisation("Woningcorporatie", "housing_corporation").await;
    app.add_partner(&area, &housing).await;
    app.add_partner(&area, &police).await;
    app.area(&m, "WB-2").await;
    deliver_everything(&app, &app.webhook_worker()).await;
    let received = receiver.received();
    assert_eq!(types(&received), ["area_partner.added"]);
    assert_eq!(received[0].json["organisationId"], police.as_str());
}

#[tokio::test]
async fn subscriptions_are_validated_and_their_secret_is_shown_once() {
    let app = TestApp::spawn().await;
    let reply = app
        .post(
            "/api/v1/subscriptions",
            &app.admin,
            &json!({"callbackUrl": "https://user:pw@example.nl/hook", "eventTypes": ["version.adopted", "nope"],
                    "secret": "geheim", "areaId": "0190d5a0-0000-7000-8000-000000000000"}),
        )
        .await;
    let mut names = reply.problem(400);
    names.sort();
    assert_eq!(names, ["areaId", "callbackUrl", "eventTypes[1]", "secret"]);
    app.post("/api/v1/subscriptions", &app.admin, &json!({"callbackUrl": "ftp://example.nl/"})).await.problem(400);
    app.post("/api/v1/subscriptions", &app.admin, &json!({"eventTypes": []})).await.problem(400);

    let own = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let created = app
        .post(
            "/api/v1/subscriptions",
            &app.admin,
            &json!({"callbackUrl": "https://example.nl/hook", "secret": own, "description": "Raadsdashboard"}),
        )
        .await;
    assert_eq!(created.ok(201)["secret"], own);
    let location = created.header("location").unwrap().to_owned();
    let read = app.get(&location, &app.admin).await;
    assert!(read.ok(200).get("secret").is_none());
    assert!(!read.text.contains(own));
    assert!(!app.get("/api/v1/subscriptions", &app.admin).await.text.contains(own));
    let trail = app.get("/api/v1/audit-events?resourceType=subscription", &app.admin).await;
    assert!(!trail.text.contains(own), "the audit trail keeps no secret");

    let patched = app
        .patch(&location, &app.admin, &read.etag(), &json!({"active": false, "eventTypes": ["version.adopted"]}))
        .await;
    assert_eq!(patched.ok(200)["active"], false);
    assert_eq!(patched.body["eventTypes"], json!(["version.adopted"]));
    app.patch(&location, &app.admin, &read.etag(), &json!({"active": true})).await.problem(412);
    app.patch(&location, &app.admin, &patched.etag(), &json!({"callbackUrl": "nope"})).await.problem(400);
    app.delete(&location, &app.admin, &patched.etag()).await.ok(204);
    app.get(&location, &app.admin).await.problem(404);
}

#[tokio::test]
async fn who_may_subscribe_and_to_what() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    let other_area = app.area(&other, "OLD-1").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": m})).await;
    let hook = json!({"callbackUrl": "https://example.nl/hook"});

    app.post("/api/v1/subscriptions", &viewer, &hook).await.problem(403);
    app.get("/api/v1/subscriptions", &viewer).await.problem(403);
    let (mine, _) = subscribe(&app, &coordinator, hook.clone()).await;
    let read = app.get(&format!("/api/v1/subscriptions/{mine}"), &coordinator).await;
    assert_eq!(read.ok(200)["ownerMunicipalityId"], m.as_str());
    // Another municipality's area is not there for this coordinator.
    let foreign = app
        .post(
            "/api/v1/subscriptions",
            &coordinator,
            &json!({"callbackUrl": "https://example.nl/h", "areaId": other_area}),
        )
        .await;
    assert_eq!(foreign.problem(400), ["areaId"]);
    // The administrator's subscriptions are not the coordinator's to see.
    let (admins, _) = subscribe(&app, &app.admin, hook).await;
    app.get(&format!("/api/v1/subscriptions/{admins}"), &coordinator).await.problem(404);
    let list = app.get("/api/v1/subscriptions", &coordinator).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_ping_is_sent_at_once_signed_and_logged() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (id, secret) = subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    let reply = app.post(&format!("/api/v1/subscriptions/{id}/ping"), &app.admin, &json!({})).await;
    assert_eq!(reply.ok(200)["succeeded"], true, "{}", reply.text);
    assert_eq!(reply.body["statusCode"], 204);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].signed_with(&secret));
    assert_eq!(received[0].json["type"], "ping");
    assert_eq!(received[0].json["resourceId"], id.as_str());

    receiver.stop().await;
    let down = app.post(&format!("/api/v1/subscriptions/{id}/ping"), &app.admin, &json!({})).await;
    assert_eq!(down.ok(200)["succeeded"], false);
    assert!(down.body["statusCode"].is_null());
    assert!(down.body["error"].as_str().unwrap().starts_with("cannot connect"), "{}", down.text);
    let log = app.get(&format!("/api/v1/subscriptions/{id}/deliveries"), &app.admin).await;
    assert_eq!(log.ok(200)["results"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    receiver.answer_always(Answer::Status(307));
    let (id, _) = subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    let reply = app.post(&format!("/api/v1/subscriptions/{id}/ping"), &app.admin, &json!({})).await;
    assert_eq!(reply.ok(200)["statusCode"], 307);
    assert_eq!(reply.body["succeeded"], false);
    assert!(reply.body["error"].as_str().unwrap().contains("redirects are not followed"));
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_paused_subscription_gets_what_happened_meanwhile_when_resumed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (id, _) = subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    let path = format!("/api/v1/subscriptions/{id}");
    let etag = app.get(&path, &app.admin).await.etag();
    let paused = app.patch(&path, &app.admin, &etag, &json!({"active": false})).await;
    app.municipality("Oldambt").await;
    let worker = app.webhook_worker();
    worker.run_once().await.unwrap();
    assert!(receiver.received().is_empty(), "nothing while paused");

    app.patch(&path, &app.admin, &paused.etag(), &json!({"active": true})).await.ok(200);
    worker.run_once().await.unwrap();
    assert_eq!(types(&receiver.received()), ["municipality.created"]);
}

// The outbound guard (SPEC §15) and who owns and reads subscriptions.

/// Issues a token as the administrator; returns its id and secret.
async fn issue(app: &TestApp, body: Value) -> (String, String) {
    let mut body = body;
    body["name"] = json!(format!("test {}", body["role"].as_str().unwrap_or("token")));
    let reply = app.post("/api/v1/api-tokens", &app.admin, &body).await;
    (reply.id(), reply.ok(201)["token"].as_str().unwrap().to_owned())
}

async fn revoke(app: &TestApp, token_id: &str) {
    let path = format!("/api/v1/api-tokens/{token_id}");
    let etag = app.get(&path, &app.admin).await.etag();
    assert_eq!(app.delete(&path, &app.admin, &etag).await.status, 204);
}

/// The problem a callback URL was refused with: its code and reason.
fn callback_url_problem(reply: &tests::Reply) -> (String, String) {
    assert_eq!(reply.problem(400), ["callbackUrl"], "{}", reply.text);
    let param = &reply.body["invalidParams"][0];
    (param["code"].as_str().unwrap().to_owned(), param["reason"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_callback_url_at_an_internal_address_is_refused_in_every_spelling() {
    let app = TestApp::spawn_with_outbound(Default::default()).await;
    let receiver = Receiver::start().await;
    let port = receiver.port;
    for (url, says) in [
        (format!("http://127.0.0.1:{port}/x"), "127.0.0.1, a loopback address"),
        ("http://169.254.169.254/latest/meta-data/".to_owned(), "169.254.169.254, a link-local address"),
        ("http://[::1]/".to_owned(), "::1, a loopback address"),
        (format!("http://0.0.0.0:{port}/"), "0.0.0.0, an unspecified address"),
        (format!("http://2130706433:{port}/"), "127.0.0.1, a loopback address"),
        (format!("http://[::ffff:127.0.0.1]:{port}/"), "127.0.0.1, a loopback address"),
        (format!("http://127.1:{port}/"), "127.0.0.1, a loopback address"),
        ("http://0x7f000001/".to_owned(), "127.0.0.1, a loopback address"),
        ("http://10.1.2.3/hook".to_owned(), "10.1.2.3, a private-network address"),
        ("http://[fd00::5]/hook".to_owned(), "fd00::5, a unique-local address"),
        ("http://224.0.0.1/".to_owned(), "224.0.0.1, a multicast address"),
    ] {
        let reply = app.post("/api/v1/subscriptions", &app.admin, &json!({"callbackUrl": url})).await;
        let (code, reason) = callback_url_problem(&reply);
        assert_eq!(code, "address_not_allowed", "{url}: {reason}");
        assert!(reason.contains(says), "{url}: {reason}");
    }
    // Nor can an existing subscription be pointed there.
    let created = app.post("/api/v1/subscriptions", &app.admin, &json!({"callbackUrl": "https://example.nl/h"})).await;
    let location = created.header("location").unwrap().to_owned();
    let patched = app
        .patch(&location, &app.admin, &created.etag(), &json!({"callbackUrl": format!("http://127.0.0.1:{port}/")}))
        .await;
    assert_eq!(callback_url_problem(&patched).0, "address_not_allowed");
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_name_that_resolves_to_an_internal_address_is_refused_when_connecting() {
    let app = TestApp::spawn_with_outbound(Default::default()).await;
    let receiver = Receiver::start().await;
    // What a name resolves to can change after it was given, so it is checked on every connection.
    let url = format!("http://localhost:{}/hooks", receiver.port);
    let (id, _) = subscribe(&app, &app.admin, json!({"callbackUrl": url})).await;

    let ping = app.post(&format!("/api/v1/subscriptions/{id}/ping"), &app.admin, &json!({})).await;
    assert_eq!(ping.ok(200)["succeeded"], false, "{}", ping.text);
    assert!(ping.body["statusCode"].is_null());
    let error = ping.body["error"].as_str().unwrap();
    assert!(error.starts_with("not sent, refused by the outbound policy: localhost resolves only to"), "{error}");
    assert!(error.contains("a loopback address"), "{error}");

    app.municipality("Oldambt").await;
    app.webhook_worker().run_once().await.unwrap();
    let log = app.get(&format!("/api/v1/subscriptions/{id}/deliveries"), &app.admin).await;
    let attempts = log.ok(200)["results"].as_array().unwrap().clone();
    let types: Vec<_> = attempts.iter().map(|a| a["eventType"].as_str().unwrap()).collect();
    assert_eq!(types, ["ping", "municipality.created"]);
    for a in &attempts {
        assert!(a["error"].as_str().unwrap().starts_with("not sent, refused by the outbound policy"), "{a}");
        assert_eq!(a["succeeded"], false);
    }
    let s = app.get(&format!("/api/v1/subscriptions/{id}"), &app.admin).await;
    assert!(s.ok(200)["health"]["lastError"].as_str().unwrap().contains("refused by the outbound policy"));
    assert!(receiver.received().is_empty(), "no request reached the local listener");
}

#[tokio::test]
async fn only_administrators_read_what_a_receiver_answered() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    receiver.answer_always(Answer::Status(500));
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-1").await;
    let police = app.organisation("Politie", "police").await;
    let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
    app.advance(Duration::seconds(1));
    let (id, _) = subscribe(&app, &partner, json!({"callbackUrl": receiver.url()})).await;
    let ping_path = format!("/api/v1/subscriptions/{id}/ping");
    let log_path = format!("/api/v1/subscriptions/{id}/deliveries");
    let path = format!("/api/v1/subscriptions/{id}");

    // An answer: its status is told to everyone who sees the subscription, its body only to administrators.
    let ping = app.post(&ping_path, &partner, &json!({})).await;
    assert_eq!(ping.ok(200)["statusCode"], 500);
    assert_eq!(ping.body["error"], "answered HTTP 500");
    assert!(ping.body["responseExcerpt"].is_null(), "{}", ping.text);
    assert!(!ping.text.contains("receiver answered"));
    let admin_ping = app.post(&ping_path, &app.admin, &json!({})).await;
    assert_eq!(admin_ping.ok(200)["responseExcerpt"], "receiver answered 500");

    // No answer: whether the connection was refused or timed out is for administrators only.
    receiver.stop().await;
    let down = app.post(&ping_path, &partner, &json!({})).await;
    assert!(down.ok(200)["statusCode"].is_null());
    assert!(down.body["durationMs"].is_i64());
    let told = down.body["error"].as_str().unwrap();
    assert!(told.starts_with("no answer"), "{told}");
    app.add_partner(&area, &police).await;
    app.webhook_worker().run_once().await.unwrap();

    let partners_log = app.get(&log_path, &partner).await;
    let attempts = partners_log.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(attempts.len(), 4, "{}", partners_log.text);
    assert!(attempts.iter().all(|a| a["responseExcerpt"].is_null()), "{}", partners_log.text);
    assert_eq!(attempts[0]["statusCode"], 500);
    assert_eq!(attempts[3]["eventType"], "area_partner.added");
    for secret in ["receiver answered", "onnect", "efused"] {
        assert!(!partners_log.text.contains(secret), "the partner reads '{secret}': {}", partners_log.text);
        let s = app.get(&path, &partner).await;
        assert!(!s.text.contains(secret), "the partner reads '{secret}': {}", s.text);
    }
    assert!(app.get(&path, &partner).await.body["health"]["lastError"].as_str().unwrap().starts_with("no answer"));

    let admins_log = app.get(&log_path, &app.admin).await;
    let attempts = admins_log.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(attempts[0]["responseExcerpt"], "receiver answered 500");
    assert!(attempts[3]["error"].as_str().unwrap().starts_with("cannot connect"), "{}", admins_log.text);
    let s = app.get(&path, &app.admin).await;
    assert!(s.body["health"]["lastError"].as_str().unwrap().starts_with("cannot connect"), "{}", s.text);
}

#[tokio::test]
async fn a_subscription_gets_nothing_once_its_owner_has_no_valid_token_left() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-1").await;
    let other_area = app.area(&m, "WB-2").await;
    let police = app.organisation("Politie", "police").await;
    let (token_id, partner) = issue(&app, json!({"role": "partner", "organisationId": police})).await;
    app.advance(Duration::seconds(1));
    let (id, _) = subscribe(&app, &partner, json!({"callbackUrl": receiver.url()})).await;
    let path = format!("/api/v1/subscriptions/{id}");
    app.add_partner(&area, &police).await;
    let worker = app.webhook_worker();
    deliver_everything(&app, &worker).await;
    assert_eq!(types(&receiver.received()), ["area_partner.added"]);
    assert!(app.get(&path, &app.admin).await.body["suspendedSince"].is_null());

    revoke(&app, &token_id).await;
    app.add_partner(&other_area, &police).await;
    for _ in 0..3 {
        worker.run_once().await.unwrap();
        app.advance(Duration::hours(1));
    }
    assert_eq!(receiver.received().len(), 1, "nothing after the organisation's only token was revoked");
    let s = app.get(&path, &app.admin).await;
    assert!(s.ok(200)["suspendedSince"].is_string(), "{}", s.text);
    assert!(s.body["suspendedReason"].as_str().unwrap().contains("no valid partner token"), "{}", s.text);
    assert_eq!(s.body["active"], true, "suspension is not the owner's pause");

    // The subscription is the organisation's: with a valid token again, it gets what happened meanwhile.
    let (renewed_id, renewed) = issue(&app, json!({"role": "partner", "organisationId": police})).await;
    worker.run_once().await.unwrap();
    assert_eq!(types(&receiver.wait_for(2).await), ["area_partner.added", "area_partner.added"]);
    let s = app.get(&path, &renewed).await;
    assert!(s.ok(200)["suspendedSince"].is_null(), "{}", s.text);
    assert!(s.body["suspendedReason"].is_null());

    // An expired token is no valid token either.
    revoke(&app, &renewed_id).await;
    let expires = app.db.clock().now() + Duration::days(1);
    app.token(json!({"role": "partner", "organisationId": police, "expiresAt": expires})).await;
    worker.run_once().await.unwrap();
    assert!(app.get(&path, &app.admin).await.body["suspendedSince"].is_null(), "a token that has not expired");
    app.advance(Duration::days(2));
    worker.run_once().await.unwrap();
    assert!(app.get(&path, &app.admin).await.body["suspendedSince"].is_string(), "expired");
}

#[tokio::test]
async fn a_coordinator_sees_and_deletes_its_municipalitys_subscriptions_whoever_made_them() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let m = app.municipality("Oldambt").await;
    let other = app.municipality("Woerden").await;
    let (first_id, first) = issue(&app, json!({"role": "coordinator", "municipalityId": m})).await;
    let (id, _) = subscribe(&app, &first, json!({"callbackUrl": receiver.url()})).await;
    let path = format!("/api/v1/subscriptions/{id}");
    revoke(&app, &first_id).await;
    app.area(&m, "OLD-1").await;
    let worker = app.webhook_worker();
    worker.run_once().await.unwrap();
    assert!(receiver.received().is_empty(), "the municipality had no coordinator token left");

    let second = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let listed = app.get("/api/v1/subscriptions", &second).await;
    let results = listed.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1, "{}", listed.text);
    assert_eq!(results[0]["id"], id.as_str());
    assert!(results[0]["suspendedReason"].as_str().unwrap().contains("municipality has no valid coordinator token"));
    let read = app.get(&path, &second).await;
    assert_eq!(read.ok(200)["ownerMunicipalityId"], m.as_str());
    let elsewhere = app.token(json!({"role": "coordinator", "municipalityId": other})).await;
    app.get(&path, &elsewhere).await.problem(404);
    app.delete(&path, &elsewhere, &read.etag()).await.problem(404);
    assert_eq!(app.delete(&path, &second, &read.etag()).await.status, 204);
    app.get(&path, &app.admin).await.problem(404);
    worker.run_once().await.unwrap();
    assert!(receiver.received().is_empty(), "a deleted subscription gets nothing");
}

#[tokio::test]
async fn a_committed_event_is_delivered_at_once_not_at_the_next_poll() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    subscribe(&app, &app.admin, json!({"callbackUrl": receiver.url()})).await;
    // A worker that polls only every 5 s: only the commit's wake-up can bring the event sooner.
    let settings = api::config::WebhookSettings {
        poll_interval: std::time::Duration::from_secs(5),
        request_timeout: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let worker = api::webhooks::Worker::new(app.db.clone(), settings, app.address.clone(), app.outbound.clone())
        .expect("webhook worker")
        .spawn();
    // Let it run its first (idle) round and start waiting.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(receiver.received().is_empty());

    let committed = std::time::Instant::now();
    app.municipality("Culemborg").await;
    let received = receiver.wait_for(1).await;
    let took = committed.elapsed();
    worker.abort();
    assert_eq!(types(&received), ["municipality.created"]);
    assert!(took < std::time::Duration::from_secs(1), "delivered {took:?} after the commit");
}
