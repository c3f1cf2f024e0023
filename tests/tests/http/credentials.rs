//! On PostgreSQL tokens and sessions are served from memory (`persistence::credentials`), so these tests hold
//! that a change to them still counts at once: in the instance that made it, and in another instance on the
//! same database, which hears of it by `NOTIFY`. On SQLite, which reads them from the file every time, the
//! same must hold.

use std::time::{Duration, Instant};

use domain::clock::Clock;
use reqwest::Method;
use serde_json::json;
use tests::{Reply, TestApp};

use crate::pages_support::{csrf_of, page, post_form, sign_in};

/// How long another instance may take to hear of a change: the time a `NOTIFY` takes to arrive.
const HEARD_WITHIN: Duration = Duration::from_secs(2);

pub(crate) async fn get_at(app: &TestApp, base: &str, path: &str, token: &str) -> Reply {
    TestApp::send(app.client.request(Method::GET, format!("{base}{path}")).bearer_auth(token)).await
}

async fn page_at(app: &TestApp, base: &str, path: &str, cookie: &str) -> Reply {
    TestApp::send(app.client.request(Method::GET, format!("{base}{path}")).header("Cookie", cookie)).await
}

/// A new viewer token of municipality `m`: its secret and its path.
async fn viewer(app: &TestApp, m: &str, name: &str) -> (String, String) {
    let created =
        app.post("/api/v1/api-tokens", &app.admin, &json!({"name": name, "role": "viewer", "municipalityId": m})).await;
    let secret = created.ok(201)["token"].as_str().unwrap().to_owned();
    (secret, format!("/api/v1/api-tokens/{}", created.id()))
}

/// Revokes the token at `path` in `app`'s own instance.
async fn revoke(app: &TestApp, path: &str) {
    let etag = app.get(path, &app.admin).await.etag();
    assert_eq!(app.delete(path, &app.admin, &etag).await.status, 204);
}

/// Asks `ask` until it answers `status`, and says how long that took; fails after [`HEARD_WITHIN`].
async fn until_status<F, Fut>(status: u16, mut ask: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    let start = Instant::now();
    loop {
        let reply = ask().await;
        if reply.status.as_u16() == status {
            return start.elapsed();
        }
        assert!(start.elapsed() < HEARD_WITHIN, "still {} after {:?}: {}", reply.status, start.elapsed(), reply.text);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_token_revoked_in_one_instance_is_refused_by_the_other() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let m = app.municipality("Oldambt").await;
    let (secret, path) = viewer(&app, &m, "Dashboard").await;
    // Both instances have now authenticated it, so both remember it.
    app.get("/api/v1/areas", &secret).await.ok(200);
    get_at(&app, &other, "/api/v1/areas", &secret).await.ok(200);

    revoke(&app, &path).await;
    // In the instance that revoked it, the very next request is refused.
    app.get("/api/v1/areas", &secret).await.problem(401);
    let took = until_status(401, || get_at(&app, &other, "/api/v1/areas", &secret)).await;
    eprintln!("the other instance refused the revoked token after {took:?}");
}

#[tokio::test]
async fn a_shortened_expiry_counts_at_once_in_every_instance() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let m = app.municipality("Oldambt").await;
    let (secret, path) = viewer(&app, &m, "x").await;
    get_at(&app, &other, "/api/v1/areas", &secret).await.ok(200);

    let soon = app.clock.now() + chrono::Duration::minutes(5);
    let etag = app.get(&path, &app.admin).await.etag();
    app.patch(&path, &app.admin, &etag, &json!({"expiresAt": soon})).await.ok(200);
    app.set_now(soon + chrono::Duration::seconds(1));
    until_status(401, || get_at(&app, &other, "/api/v1/areas", &secret)).await;
}

#[tokio::test]
async fn signing_out_in_one_instance_ends_the_session_in_the_other() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let cookie = sign_in(&app, &app.admin).await;
    assert_eq!(page_at(&app, &other, "/gemeenten", &cookie).await.status, 200, "the session works everywhere");
    let csrf = csrf_of(&page(&app, "/gemeenten", Some(&cookie)).await);

    let out = post_form(&app, "/uitloggen", &[("csrf", &csrf)], Some(&cookie)).await;
    assert_eq!(out.status, 303);
    assert_eq!(page(&app, "/gemeenten", Some(&cookie)).await.status, 303, "signed out here at once");
    until_status(303, || page_at(&app, &other, "/gemeenten", &cookie)).await;
}

#[tokio::test]
async fn a_session_ends_in_every_instance_when_its_token_is_revoked() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let m = app.municipality("West Betuwe").await;
    let body = json!({"name": "coordinator", "role": "coordinator", "municipalityId": m});
    let created = app.post("/api/v1/api-tokens", &app.admin, &body).await;
    let secret = created.ok(201)["token"].as_str().unwrap().to_owned();
    let cookie = sign_in(&app, &secret).await;
    let overview = format!("/gemeenten/{m}/overzicht");
    assert_eq!(page(&app, &overview, Some(&cookie)).await.status, 200);
    assert_eq!(page_at(&app, &other, &overview, &cookie).await.status, 200);

    let path = format!("/api/v1/api-tokens/{}", created.id());
    revoke(&app, &path).await;
    assert_eq!(page(&app, &overview, Some(&cookie)).await.status, 303, "the session went with its token");
    until_status(303, || page_at(&app, &other, &overview, &cookie)).await;
}

#[tokio::test]
async fn an_instance_that_stops_listening_reads_credentials_from_the_database_until_it_listens_again() {
    // SQLite has no listener: it reads credentials from the file every time, which the tests above cover.
    if !tests::on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let m = app.municipality("Oldambt").await;
    let (secret, path) = viewer(&app, &m, "x").await;
    get_at(&app, &other, "/api/v1/areas", &secret).await.ok(200);

    // Cut every listening connection to this database, as a network fault or a restart would: a revocation
    // announced now may reach nobody.
    use persistence::ConnectionTrait;
    app.db
        .conn()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
        )
        .await
        .expect("terminate the listeners");
    revoke(&app, &path).await;
    until_status(401, || get_at(&app, &other, "/api/v1/areas", &secret)).await;
    // Once it listens again, it serves from memory and hears revocations as before.
    let (secret, path) = viewer(&app, &m, "y").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    get_at(&app, &other, "/api/v1/areas", &secret).await.ok(200);
    revoke(&app, &path).await;
    until_status(401, || get_at(&app, &other, "/api/v1/areas", &secret)).await;
}
