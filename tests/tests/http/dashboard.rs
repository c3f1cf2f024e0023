//! The dashboard for a single-municipality coordinator (issue 17 item 15): the token's municipality by
//! default, and an ETag that a polling client sends back to get 304 until anything shown changes.

use chrono::{Duration, TimeZone, Utc};
use reqwest::Method;
use serde_json::json;
use tests::{Reply, TestApp};

async fn poll(app: &TestApp, path: &str, token: &str, etag: &str) -> Reply {
    TestApp::send(app.request(Method::GET, path, Some(token)).header("If-None-Match", etag)).await
}

#[tokio::test]
async fn a_coordinator_gets_its_own_municipality_and_an_administrator_must_say_which() {
    let app = TestApp::spawn().await;
    let west = app.municipality("West Betuwe").await;
    let oldambt = app.municipality("Oldambt").await;
    app.area(&west, "WB-OOST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": west})).await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": oldambt})).await;

    let own = app.get("/api/v1/dashboard?year=2027", &coordinator).await;
    assert_eq!(own.ok(200)["municipalityId"], west.as_str());
    assert_eq!(own.body["areas"][0]["code"], "WB-OOST");
    assert_eq!(app.get("/api/v1/dashboard", &viewer).await.ok(200)["municipalityId"], oldambt.as_str());
    let named = app.get(&format!("/api/v1/dashboard?municipalityId={west}&year=2027"), &coordinator).await;
    assert_eq!(named.ok(200), own.ok(200), "the default is the same as naming it");
    // Naming another municipality is still out of scope.
    let other = app.get(&format!("/api/v1/dashboard?municipalityId={oldambt}"), &coordinator).await;
    assert_eq!(other.problem(400), ["municipalityId"]);

    let missing = app.get("/api/v1/dashboard", &app.admin).await;
    assert_eq!(missing.problem(400), ["municipalityId"]);
    let mut both = app.get("/api/v1/dashboard?year=1999", &app.admin).await.problem(400);
    both.sort();
    assert_eq!(both, ["municipalityId", "year"], "every problem at once");
    let partner_org = app.organisation("Politie Noord-Nederland", "police").await;
    let partner = app.token(json!({"role": "partner", "organisationId": partner_org})).await;
    assert_eq!(app.get("/api/v1/dashboard", &partner).await.problem(400), ["municipalityId"]);
    let admin_named = app.get(&format!("/api/v1/dashboard?municipalityId={oldambt}"), &app.admin).await;
    assert_eq!(admin_named.ok(200)["municipalityId"], oldambt.as_str());
}

#[tokio::test]
async fn a_polling_dashboard_gets_304_until_something_it_shows_changes_or_the_day_does() {
    let app = TestApp::spawn().await;
    app.set_now(Utc.with_ymd_and_hms(2027, 1, 10, 10, 0, 0).unwrap());
    let m = app.municipality("West Betuwe").await;
    app.area(&m, "WB-OOST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let path = "/api/v1/dashboard?year=2027";

    let first = app.get(path, &coordinator).await;
    first.ok(200);
    let etag = first.etag();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "{etag}");
    let unchanged = poll(&app, path, &coordinator, &etag).await;
    assert_eq!(unchanged.status, 304);
    assert_eq!(unchanged.etag(), etag);
    assert_eq!(app.get(path, &coordinator).await.etag(), etag, "the same body has the same ETag");
    assert_eq!(poll(&app, path, &coordinator, "\"other\", *").await.status, 304);

    // A change in the municipality: a new area on the dashboard.
    app.area(&m, "WB-WEST").await;
    let changed = poll(&app, path, &coordinator, &etag).await;
    assert_eq!(changed.ok(200)["areas"].as_array().unwrap().len(), 2);
    assert_ne!(changed.etag(), etag);
    assert_eq!(poll(&app, path, &coordinator, &changed.etag()).await.status, 304);

    // Nothing stored changed, but it is another day: the deadline states are for that day.
    let etag = changed.etag();
    app.advance(Duration::days(1));
    let next_day = poll(&app, path, &coordinator, &etag).await;
    assert_eq!(next_day.ok(200)["today"], "2027-01-11");
    assert_ne!(next_day.etag(), etag);

    // Another year or another reader is another view with its own ETag.
    let other_year = app.get("/api/v1/dashboard?year=2028", &coordinator).await;
    assert_ne!(other_year.etag(), next_day.etag());
    assert_eq!(poll(&app, "/api/v1/dashboard?year=2028", &coordinator, &next_day.etag()).await.status, 200);
}
