//! The demo data (`serve --demo`): its past years look as they went.

use chrono::{TimeZone, Utc};
use serde_json::Value;
use tests::TestApp;

/// The state of one stage deadline of an area and year, as the deadline list shows it.
async fn state(app: &TestApp, area: &str, year: i32, stage: &str) -> (String, String) {
    let path = format!("/api/v1/deadlines?areaId={area}&year={year}&stage={stage}");
    let reply = app.get(&path, &app.admin).await;
    let d = &reply.ok(200)["results"][0];
    (d["state"].as_str().unwrap_or_default().to_owned(), d["metAt"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn the_demo_dates_past_adoptions_in_their_years_so_past_deadlines_are_met_or_met_late() {
    let app = TestApp::spawn().await;
    app.set_now(Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap());
    api::demo::load_if_empty(&app.db).await.expect("demo loads").expect("database was empty");
    let areas = app.get("/api/v1/areas?code=WB-OOST", &app.admin).await;
    let area = areas.ok(200)["results"][0]["id"].as_str().expect("demo area WB-OOST").to_owned();

    let (analysis_2022, met_at) = state(&app, &area, 2022, "analysis").await;
    assert_eq!(analysis_2022, "met");
    assert!(met_at.starts_with("2022-02-24"), "adopted in 2022: {met_at}");
    assert_eq!(state(&app, &area, 2023, "agenda").await.0, "met_late");
    assert_eq!(state(&app, &area, 2025, "plan").await.0, "met");
    assert_eq!(state(&app, &area, 2026, "plan").await.0, "met_late");
    assert_eq!(state(&app, &area, 2025, "monitor").await.0, "met");

    // The transition history carries the same moments.
    let docs = app.get(&format!("/api/v1/documents?areaId={area}&kind=analysis&year=2022"), &app.admin).await;
    let doc = docs.ok(200)["results"][0]["id"].as_str().expect("analysis 2022").to_owned();
    let history = app.get(&format!("/api/v1/documents/{doc}/versions/1/transitions"), &app.admin).await;
    let moments: Vec<&str> = history.ok(200)["results"]
        .as_array()
        .expect("transitions")
        .iter()
        .filter_map(|t: &Value| t["at"].as_str())
        .collect();
    assert!(!moments.is_empty() && moments.iter().all(|m| m.starts_with("2022-")), "{moments:?}");
}
