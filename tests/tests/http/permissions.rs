//! The permission matrix of the README, role by role: who may write, and what lies outside a scope (404).

use serde_json::json;
use tests::TestApp;

struct World {
    app: TestApp,
    m: String,
    other_m: String,
    area: String,
    second_area: String,
    other_area: String,
    org: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other_m = app.municipality("Oldambt").await;
    let area = app.area(&m, "WB-OOST").await;
    let second_area = app.area(&m, "WB-WEST").await;
    let other_area = app.area(&other_m, "OLD-NOORD").await;
    let org = app.organisation("Politie Oost-Nederland", "police").await;
    app.add_partner(&area, &org).await;
    World { app, m, other_m, area, second_area, other_area, org }
}

fn ids(r: &tests::Reply) -> Vec<String> {
    r.body["results"].as_array().expect("results").iter().map(|x| x["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_viewer_reads_its_municipality_and_writes_nothing() {
    let w = world().await;
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": w.m})).await;
    assert_eq!(ids(&w.app.get("/api/v1/areas", &viewer).await), [w.area.clone(), w.second_area.clone()]);
    assert_eq!(ids(&w.app.get("/api/v1/municipalities", &viewer).await), [w.m.as_str()]);
    w.app.get(&format!("/api/v1/areas/{}", w.other_area), &viewer).await.problem(404);
    w.app.get(&format!("/api/v1/municipalities/{}", w.other_m), &viewer).await.problem(404);
    w.app.post("/api/v1/areas", &viewer, &json!({"municipalityId": w.m, "name": "N", "code": "N"})).await.problem(403);
    let etag = w.app.get(&format!("/api/v1/areas/{}", w.area), &viewer).await.etag();
    w.app.patch(&format!("/api/v1/areas/{}", w.area), &viewer, &etag, &json!({"name": "N"})).await.problem(403);
    w.app.post("/api/v1/organisations", &viewer, &json!({"name": "N", "kind": "other"})).await.problem(403);
    w.app.get("/api/v1/audit-events", &viewer).await.problem(403);
}

#[tokio::test]
async fn a_coordinator_manages_its_own_municipality_and_cannot_see_another() {
    let w = world().await;
    let c = w.app.token(json!({"role": "coordinator", "municipalityId": w.m})).await;
    let etag = w.app.get(&format!("/api/v1/municipalities/{}", w.m), &c).await.etag();
    w.app
        .patch(&format!("/api/v1/municipalities/{}", w.m), &c, &etag, &json!({"calendar": {"planDue": "06-01"}}))
        .await
        .ok(200);
    w.app.post("/api/v1/municipalities", &c, &json!({"name": "Nieuw"})).await.problem(403);
    w.app.get(&format!("/api/v1/areas/{}", w.other_area), &c).await.problem(404);
    w.app.patch(&format!("/api/v1/areas/{}", w.other_area), &c, "\"1\"", &json!({"name": "x"})).await.problem(404);
    w.app.post("/api/v1/areas", &c, &json!({"municipalityId": w.other_m, "name": "N", "code": "N"})).await.problem(400);
    w.app
        .post(&format!("/api/v1/areas/{}/partners", w.other_area), &c, &json!({"organisationId": w.org}))
        .await
        .problem(404);
    w.app
        .post(&format!("/api/v1/areas/{}/partners", w.second_area), &c, &json!({"organisationId": w.org}))
        .await
        .ok(201);
}

#[tokio::test]
async fn an_area_editor_reads_its_municipality_but_manages_no_areas() {
    let w = world().await;
    let e = w.app.token(json!({"role": "area_editor", "municipalityId": w.m, "areaIds": [w.area]})).await;
    assert_eq!(ids(&w.app.get("/api/v1/areas", &e).await).len(), 2);
    w.app.post("/api/v1/areas", &e, &json!({"municipalityId": w.m, "name": "N", "code": "N"})).await.problem(403);
    let etag = w.app.get(&format!("/api/v1/areas/{}", w.area), &e).await.etag();
    w.app.patch(&format!("/api/v1/areas/{}", w.area), &e, &etag, &json!({"name": "x"})).await.problem(403);
    w.app.get(&format!("/api/v1/areas/{}", w.other_area), &e).await.problem(404);
}

#[tokio::test]
async fn a_partner_sees_only_the_areas_it_takes_part_in() {
    let w = world().await;
    let p = w.app.token(json!({"role": "partner", "organisationId": w.org})).await;
    assert_eq!(ids(&w.app.get("/api/v1/areas", &p).await), [w.area.as_str()]);
    assert_eq!(ids(&w.app.get("/api/v1/municipalities", &p).await), [w.m.as_str()]);
    assert_eq!(ids(&w.app.get("/api/v1/organisations", &p).await), [w.org.as_str()]);
    w.app.get(&format!("/api/v1/areas/{}", w.second_area), &p).await.problem(404);
    w.app.get(&format!("/api/v1/areas/{}/partners", w.second_area), &p).await.problem(404);
    w.app.get(&format!("/api/v1/areas/{}/partners/{}", w.area, w.org), &p).await.ok(200);
    w.app.post("/api/v1/organisations", &p, &json!({"name": "N", "kind": "other"})).await.problem(403);
    let etag = w.app.get(&format!("/api/v1/areas/{}", w.area), &p).await.etag();
    w.app.patch(&format!("/api/v1/areas/{}", w.area), &p, &etag, &json!({"name": "x"})).await.problem(403);
    w.app.get("/api/v1/audit-events", &p).await.problem(403);
    w.app.get("/api/v1/api-tokens", &p).await.problem(403);
}
