use futures_util::future::join_all;
use serde_json::json;
use tests::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_all_succeed() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let bodies: Vec<_> =
        (0..50).map(|i| json!({"municipalityId": m, "name": format!("Gebied {i}"), "code": format!("A{i}")})).collect();
    let requests = bodies.iter().map(|body| app.post("/api/v1/areas", &app.admin, body));
    let replies = join_all(requests).await;
    for r in &replies {
        r.ok(201);
    }
    let listed = app.get(&format!("/api/v1/areas?municipalityId={m}&pageSize=200"), &app.admin).await;
    assert_eq!(listed.body["results"].as_array().map(Vec::len), Some(50));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_changes_based_on_one_etag_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OLD-1").await;
    let etag = app.get(&format!("/api/v1/areas/{area}"), &app.admin).await.etag();
    let path = format!("/api/v1/areas/{area}");
    let bodies: Vec<_> = (0..20).map(|i| json!({"name": format!("Naam {i}")})).collect();
    let requests = bodies.iter().map(|body| app.patch(&path, &app.admin, &etag, body));
    let replies = join_all(requests).await;
    let won: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(won.len(), 1, "exactly one change based on the same ETag is applied");
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 412), "the others are 412");
    let now = app.get(&path, &app.admin).await;
    assert_eq!(now.body["name"], won[0].body["name"]);
    let trail = app.get(&format!("/api/v1/audit-events?resourceId={area}&action=area.updated"), &app.admin).await;
    assert_eq!(trail.body["results"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_one_idempotency_key_create_one_resource() {
    let app = TestApp::spawn().await;
    let requests = (0..10).map(|_| {
        TestApp::send(
            app.request(reqwest::Method::POST, "/api/v1/organisations", Some(&app.admin))
                .header("Idempotency-Key", "same-key")
                .json(&json!({"name": "Het Oude Ambt", "kind": "welfare"})),
        )
    });
    let replies = join_all(requests).await;
    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).map(|r| r.body["id"].clone()).collect();
    assert!(replies.iter().all(|r| r.status == 201 || r.status == 409), "{replies:?}");
    assert!(created.windows(2).all(|w| w[0] == w[1]), "every 201 names the same organisation");
    let listed = app.get("/api/v1/organisations", &app.admin).await;
    assert_eq!(listed.body["results"].as_array().map(Vec::len), Some(1));
}

/// A version's and a contribution's transitions based on one ETag race alike: one wins, the rest are stale
/// (412), not a conflict of state (409), whichever database decides the race.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transitions_based_on_one_etag_lose_as_stale() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let area = app.area(&m, "WO-CENTRUM").await;
    let body = json!({"areaId": area, "kind": "analysis", "year": 2027});
    let doc = app.post("/api/v1/documents", &app.admin, &body).await.ok(201)["document"]["id"].clone();
    let path = format!("/api/v1/documents/{}/versions/1", doc.as_str().unwrap());
    let etag = app.get(&path, &app.admin).await.etag();
    let requests = (0..12).map(|_| {
        TestApp::send(
            app.request(reqwest::Method::POST, &format!("{path}/transitions"), Some(&app.admin))
                .header("If-Match", etag.as_str())
                .json(&json!({"action": "submit"})),
        )
    });
    let replies = join_all(requests).await;
    assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 1, "one submission wins");
    for r in replies.iter().filter(|r| r.status != 200) {
        r.problem(412);
    }
}
