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
