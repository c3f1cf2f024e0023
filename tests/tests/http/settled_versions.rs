//! Adopted and superseded versions are served from memory on PostgreSQL (`persistence::settled`). What can
//! still change about them (the status, when a later version is adopted) must show at once, in the instance
//! that made the change and in any other; and a version's municipality still decides who may read it.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

use crate::credentials::get_at;

async fn act(app: &TestApp, token: &str, path: &str, action: &str) {
    let etag = app.get(path, token).await.etag();
    let request = app.request(Method::POST, &format!("{path}/transitions"), Some(token)).header("If-Match", etag);
    TestApp::send(request.json(&json!({"action": action}))).await.ok(200);
}

/// Fills version `n` of an analysis and adopts it.
async fn adopt(app: &TestApp, token: &str, doc: &str, n: i64, summary: &str) {
    let path = format!("/api/v1/documents/{doc}/versions/{n}");
    let etag = app.get(&path, token).await.etag();
    let request = app.request(Method::PUT, &path, Some(token)).header("If-Match", etag);
    TestApp::send(request.json(&json!({"content": {"summary": summary}}))).await.ok(200);
    act(app, token, &path, "submit").await;
    act(app, token, &path, "adopt").await;
}

/// Asks until the version has `status`; fails if it takes longer than a notification can.
async fn until_status(app: &TestApp, base: &str, path: &str, token: &str, status: &str) -> Value {
    let start = Instant::now();
    loop {
        let reply = get_at(app, base, path, token).await;
        if reply.ok(200)["status"] == status {
            return reply.body;
        }
        assert!(start.elapsed() < Duration::from_secs(2), "still {} after {:?}", reply.body["status"], start.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_version_read_from_memory_shows_at_once_that_a_later_one_superseded_it_in_every_instance() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-OOST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let created =
        app.post("/api/v1/documents", &coordinator, &json!({"areaId": area, "kind": "analysis", "year": 2026})).await;
    let doc = created.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    adopt(&app, &coordinator, &doc, 1, "Vergrijzing in de kernen").await;
    let v1 = format!("/api/v1/documents/{doc}/versions/1");
    // Read in both instances (and twice), so both keep it.
    for base in [&app.address, &other, &app.address, &other] {
        let read = get_at(&app, base, &v1, &coordinator).await;
        assert_eq!(read.ok(200)["status"], "adopted");
        assert_eq!(read.body["content"]["summary"], "Vergrijzing in de kernen");
    }
    let etag = app.get(&v1, &coordinator).await.etag();

    app.post(&format!("/api/v1/documents/{doc}/versions"), &coordinator, &json!({})).await.ok(201);
    adopt(&app, &coordinator, &doc, 2, "Vergrijzing en eenzaamheid").await;
    let here = app.get(&v1, &coordinator).await;
    assert_eq!(here.ok(200)["status"], "superseded", "at once in the instance that adopted version 2");
    assert_ne!(here.etag(), etag, "with a new ETag");
    let there = until_status(&app, &other, &v1, &coordinator, "superseded").await;
    assert_eq!(there["content"]["summary"], "Vergrijzing in de kernen", "the content itself never changes");
}

#[tokio::test]
async fn a_remembered_version_is_still_only_for_those_who_may_read_its_document() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-OOST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let elsewhere = app.municipality("Oldambt").await;
    let stranger = app.token(json!({"role": "coordinator", "municipalityId": elsewhere})).await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": m})).await;
    let created =
        app.post("/api/v1/documents", &coordinator, &json!({"areaId": area, "kind": "analysis", "year": 2026})).await;
    let doc = created.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    adopt(&app, &coordinator, &doc, 1, "Vergrijzing in de kernen").await;
    let v1 = format!("/api/v1/documents/{doc}/versions/1");
    app.get(&v1, &app.admin).await.ok(200);
    app.get(&v1, &coordinator).await.ok(200);

    app.get(&v1, &stranger).await.problem(404);
    app.get(&v1, &viewer).await.ok(200);
    // A partner's access hangs on its partnerships, which the database decides: not a partner here, no read.
    let org = app.organisation("Woonstichting", "housing_corporation").await;
    let partner = app.token(json!({"role": "partner", "organisationId": org})).await;
    app.get(&v1, &partner).await.problem(404);
}
