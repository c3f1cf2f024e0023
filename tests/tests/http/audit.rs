use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn every_change_is_audited_with_actor_old_new_and_request_id() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OLD-NOORD").await;
    let read = app.get(&format!("/api/v1/areas/{area}"), &app.admin).await;
    let changed = TestApp::send(
        app.request(reqwest::Method::PATCH, &format!("/api/v1/areas/{area}"), Some(&app.admin))
            .header("If-Match", read.etag())
            .header("X-Request-Id", "audit-test-1")
            .json(&json!({"name": "Noordelijke dorpen"})),
    )
    .await;
    changed.ok(200);
    let trail = app.get(&format!("/api/v1/audit-events?resourceId={area}"), &app.admin).await;
    let events = trail.ok(200)["results"].as_array().unwrap().clone();
    let actions: Vec<_> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["area.created", "area.updated"]);
    let update = &events[1];
    assert_eq!(update["changes"]["old"]["name"], "Gebied OLD-NOORD");
    assert_eq!(update["changes"]["new"]["name"], "Noordelijke dorpen");
    assert_eq!(update["requestId"], "audit-test-1");
    assert!(update["actor"]["tokenId"].is_string());
    assert!(events[0]["changes"]["old"].is_null());

    let (audits, events) = persistence::audit::counts(app.db.conn()).await.unwrap();
    // Admin token from configuration (audited, unpublished), municipality, area and its update (both).
    assert_eq!((audits, events), (4, 3));
}

#[tokio::test]
async fn a_refused_change_leaves_no_trail() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let before = persistence::audit::counts(app.db.conn()).await.unwrap();
    app.post("/api/v1/areas", &app.admin, &json!({"municipalityId": m, "name": "", "code": "A"})).await.problem(400);
    let etag = app.get(&format!("/api/v1/municipalities/{m}"), &app.admin).await.etag();
    app.patch(&format!("/api/v1/municipalities/{m}"), &app.admin, &etag, &json!({"cbsCode": "nope"}))
        .await
        .problem(400);
    assert_eq!(persistence::audit::counts(app.db.conn()).await.unwrap(), before);
}

#[tokio::test]
async fn a_coordinator_reads_the_trail_of_its_own_municipality_only() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    app.area(&m, "WB-1").await;
    app.area(&other, "OLD-1").await;
    let c = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let trail = app.get("/api/v1/audit-events", &c).await;
    let events = trail.ok(200)["results"].as_array().unwrap().clone();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["municipalityId"] == m.as_str()), "{events:?}");
    let filtered = app.get(&format!("/api/v1/audit-events?municipalityId={other}"), &c).await;
    assert_eq!(filtered.body["results"].as_array().map(Vec::len), Some(0));
    let by_action = app.get("/api/v1/audit-events?action=area.created", &app.admin).await;
    assert_eq!(by_action.body["results"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_document_allows_the_null_old_of_a_create_and_new_of_a_delete() {
    // The document said `old` and `new` were always objects; a create's `old` is null (found by schemathesis).
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let read = app.get(&format!("/api/v1/municipalities/{m}"), &app.admin).await;
    app.delete(&format!("/api/v1/municipalities/{m}"), &app.admin, &read.etag()).await.ok(204);
    let trail = app.get(&format!("/api/v1/audit-events?resourceId={m}"), &app.admin).await;
    let events = trail.ok(200)["results"].as_array().unwrap().clone();
    assert!(events[0]["changes"]["old"].is_null() && events[0]["changes"]["new"].is_object());
    assert!(events[1]["changes"]["new"].is_null() && events[1]["changes"]["old"].is_object());

    let doc = TestApp::send(app.request(reqwest::Method::GET, "/api/v1/openapi.json", None)).await.body;
    let changes = &doc["components"]["schemas"]["Changes"];
    assert_eq!(changes["required"], json!(["old", "new"]));
    for side in ["old", "new"] {
        assert_eq!(changes["properties"][side]["type"], json!(["object", "null"]), "{side}");
    }
}
