use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn an_organisation_joins_changes_dates_and_leaves_an_area() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-WEST").await;
    let org = app.organisation("Politie Oost-Nederland", "police").await;
    let base = format!("/api/v1/areas/{area}/partners");
    let added = app.post(&base, &app.admin, &json!({"organisationId": org, "since": "2020-01-01"})).await;
    assert_eq!(added.ok(201)["since"], "2020-01-01");
    assert_eq!(added.header("location"), Some(format!("{base}/{org}").as_str()));
    app.post(&base, &app.admin, &json!({"organisationId": org})).await.problem(409);

    let list = app.get(&base, &app.admin).await;
    assert_eq!(list.ok(200)["results"][0]["organisationId"], org.as_str());
    let one = app.get(&format!("{base}/{org}"), &app.admin).await;
    let changed = app.patch(&format!("{base}/{org}"), &app.admin, &one.etag(), &json!({"until": "2019-12-31"})).await;
    assert_eq!(changed.problem(400), ["until"]);
    let changed = app.patch(&format!("{base}/{org}"), &app.admin, &one.etag(), &json!({"until": "2026-12-31"})).await;
    assert_eq!(changed.ok(200)["until"], "2026-12-31");
    assert_eq!(app.delete(&format!("{base}/{org}"), &app.admin, &changed.etag()).await.status, 204);
    app.get(&format!("{base}/{org}"), &app.admin).await.problem(404);
}

#[tokio::test]
async fn a_partner_must_be_a_known_organisation_in_a_visible_area() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let area = app.area(&m, "WOERDEN-OOST").await;
    let r = app
        .post(&format!("/api/v1/areas/{area}/partners"), &app.admin, &json!({"organisationId": uuid::Uuid::now_v7()}))
        .await;
    assert_eq!(r.problem(400), ["organisationId"]);
    let org = app.organisation("GroenWest", "housing_corporation").await;
    let r = app
        .post(&format!("/api/v1/areas/{}/partners", uuid::Uuid::now_v7()), &app.admin, &json!({"organisationId": org}))
        .await;
    r.problem(404);
}
