use chrono::{Duration, Utc};
use serde_json::json;
use tests::TestApp;

#[tokio::test]
async fn the_secret_is_shown_once_and_the_token_works_until_revoked() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let created = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            &json!({"name": "Dashboard raad", "role": "viewer", "municipalityId": m}),
        )
        .await;
    let secret = created.ok(201)["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("gc_") && secret.len() >= 40);
    assert_eq!(created.body["role"], "viewer");
    let path = format!("/api/v1/api-tokens/{}", created.id());
    let read = app.get(&path, &app.admin).await;
    assert!(read.ok(200).get("token").is_none(), "the secret is never shown again");
    assert!(!read.text.contains(&secret[3..]), "nor any part beyond the prefix");

    app.get("/api/v1/areas", &secret).await.ok(200);
    assert_eq!(app.delete(&path, &app.admin, &read.etag()).await.status, 204);
    app.get("/api/v1/areas", &secret).await.problem(401);
    let revoked = app.get(&path, &app.admin).await;
    assert!(revoked.ok(200)["revokedAt"].is_string());
    let listed = app.get("/api/v1/api-tokens?role=viewer", &app.admin).await;
    assert_eq!(listed.body["results"].as_array().map(Vec::len), Some(0), "revoked tokens are hidden by default");
    let listed = app.get("/api/v1/api-tokens?role=viewer&includeRevoked=true", &app.admin).await;
    assert_eq!(listed.body["results"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let expires = Utc::now() + Duration::hours(1);
    let secret = app.token(json!({"role": "viewer", "municipalityId": m, "expiresAt": expires})).await;
    app.get("/api/v1/areas", &secret).await.ok(200);
    app.set_now(expires + Duration::seconds(1));
    app.get("/api/v1/areas", &secret).await.problem(401);
    let r = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            &json!({"name": "x", "role": "viewer", "municipalityId": m, "expiresAt": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.problem(400), ["expiresAt"]);
}

#[tokio::test]
async fn each_role_needs_exactly_its_own_scope() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let r = app.post("/api/v1/api-tokens", &app.admin, &json!({"name": "c", "role": "coordinator"})).await;
    assert_eq!(r.problem(400), ["municipalityId"]);
    let r =
        app.post("/api/v1/api-tokens", &app.admin, &json!({"name": "p", "role": "partner", "municipalityId": m})).await;
    assert_eq!(r.problem(400), ["municipalityId", "organisationId"]);
    let r = app
        .post("/api/v1/api-tokens", &app.admin, &json!({"name": "e", "role": "area_editor", "municipalityId": m}))
        .await;
    assert_eq!(r.problem(400), ["areaIds"]);
    let other = app.municipality("Oldambt").await;
    let foreign_area = app.area(&other, "OLD-1").await;
    let r = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            &json!({"name": "e", "role": "area_editor", "municipalityId": m, "areaIds": [foreign_area]}),
        )
        .await;
    assert_eq!(r.problem(400), ["areaIds[0]"]);
    let r = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            &json!({"name": "v", "role": "viewer", "municipalityId": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(r.problem(400), ["municipalityId"]);
}

#[tokio::test]
async fn a_coordinator_issues_tokens_for_its_own_municipality_only() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    let area = app.area(&m, "WB-OOST").await;
    let in_area = app.organisation("Politie Oost-Nederland", "police").await;
    let elsewhere = app.organisation("Acantus", "housing_corporation").await;
    app.add_partner(&area, &in_area).await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;

    let own = app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "dashboard", "role": "viewer"})).await;
    assert_eq!(own.ok(201)["municipalityId"], m.as_str(), "the coordinator's municipality is the default");
    app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "e", "role": "area_editor", "areaIds": [area]}))
        .await
        .ok(201);
    app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "p", "role": "partner", "organisationId": in_area}))
        .await
        .ok(201);
    app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "p", "role": "partner", "organisationId": elsewhere}))
        .await
        .problem(403);
    app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "v", "role": "viewer", "municipalityId": other}))
        .await
        .problem(403);
    app.post("/api/v1/api-tokens", &coordinator, &json!({"name": "a", "role": "admin"})).await.problem(403);

    // The coordinator sees the tokens of its municipality, not the administrator's or other municipalities'.
    app.token(json!({"role": "viewer", "municipalityId": other})).await;
    let listed = app.get("/api/v1/api-tokens", &coordinator).await;
    let results = listed.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 4, "its own token and the three it issued: {results:?}");
    let foreign = app.get("/api/v1/api-tokens?role=viewer", &app.admin).await.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["municipalityId"] == other.as_str())
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .unwrap();
    app.get(&format!("/api/v1/api-tokens/{foreign}"), &coordinator).await.problem(404);
}

#[tokio::test]
async fn a_token_is_renamed_with_if_match() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let created = app
        .post("/api/v1/api-tokens", &app.admin, &json!({"name": "old", "role": "viewer", "municipalityId": m}))
        .await;
    let path = format!("/api/v1/api-tokens/{}", created.id());
    let changed = app.patch(&path, &app.admin, &created.etag(), &json!({"name": "Monitor dashboard"})).await;
    assert_eq!(changed.ok(200)["name"], "Monitor dashboard");
    app.patch(&path, &app.admin, &created.etag(), &json!({"name": "stale"})).await.problem(412);
    app.patch(&path, &app.admin, &changed.etag(), &json!({"role": "admin"})).await.problem(400);
}

#[tokio::test]
async fn viewers_partners_and_editors_cannot_manage_tokens() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": m})).await;
    app.get("/api/v1/api-tokens", &viewer).await.problem(403);
    app.post("/api/v1/api-tokens", &viewer, &json!({"name": "v", "role": "viewer"})).await.problem(403);
}
