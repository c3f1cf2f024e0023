//! Promises at risk (issue 17 item 12): a contribution shows its latest check-in, the list filters on its
//! confidence, and the dashboard counts the promises under way that are at risk or off track.

use serde_json::{Value, json};

use crate::contributions::World;

fn report(date: &str, confidence: &str) -> Value {
    json!({"date": date, "progressPercent": 30, "confidence": confidence})
}

async fn agreed(w: &World, goal: &str) -> String {
    let c = w.propose(&w.coordinator, goal).await.id();
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    c
}

async fn listed(w: &World, query: &str) -> Vec<String> {
    let list = w.app.get(&format!("/api/v1/contributions?{query}"), &w.coordinator).await;
    list.ok(200)["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

async fn promises(w: &World) -> (u64, u64) {
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"].clone();
    let m = m.as_str().unwrap();
    let dash = w.app.get(&format!("/api/v1/dashboard?municipalityId={m}&year=2027"), &w.coordinator).await;
    let row =
        dash.ok(200)["areas"].as_array().unwrap().iter().find(|a| a["areaId"] == w.area.as_str()).unwrap().clone();
    let counts = &row["contributions"];
    assert_eq!(dash.body["totals"]["contributions"]["atRisk"], counts["atRisk"]);
    (counts["atRisk"].as_u64().unwrap(), counts["offTrack"].as_u64().unwrap())
}

/// The length of a page of the list and the SQL statements it took.
async fn page_statements(w: &World, query: &str) -> (usize, u64) {
    let before = w.app.db.statements();
    let page = w.app.get(&format!("/api/v1/contributions?{query}"), &w.coordinator).await;
    (page.ok(200)["results"].as_array().unwrap().len(), w.app.db.statements() - before)
}

#[tokio::test]
async fn a_contribution_shows_its_latest_check_in_by_date_and_its_etag_moves_with_a_report() {
    let w = World::new().await;
    let c = agreed(&w, "G1").await;
    let path = format!("/api/v1/contributions/{c}");
    let before = w.app.get(&path, &w.coordinator).await;
    assert_eq!(before.ok(200)["latestCheckIn"], Value::Null);

    w.check_in(&w.partner, &c, report("2026-11-20", "on_track")).await.ok(201);
    let latest = w.check_in(&w.partner, &c, report("2026-11-22", "at_risk")).await.id();
    // Reported later about an earlier day: not the latest.
    w.check_in(&w.coordinator, &c, report("2026-11-01", "off_track")).await.ok(201);
    let after = w.app.get(&path, &w.coordinator).await;
    let shown = &after.ok(200)["latestCheckIn"];
    assert_eq!((shown["id"].as_str(), shown["date"].as_str()), (Some(latest.as_str()), Some("2026-11-22")));
    assert_eq!((shown["confidence"].as_str(), shown["progressPercent"].as_i64()), (Some("at_risk"), Some(30)));
    assert_ne!(after.etag(), before.etag(), "the body changed, so the ETag does");
    let polled =
        w.app.request(reqwest::Method::GET, &path, Some(&w.coordinator)).header("If-None-Match", before.etag());
    assert_eq!(tests::TestApp::send(polled).await.ok(200)["latestCheckIn"]["id"], latest.as_str());
    // The list shows it as well, and a change made on the new ETag goes through.
    let list = w.app.get(&format!("/api/v1/contributions?agendaDocumentId={}", w.agenda), &w.coordinator).await;
    assert_eq!(list.ok(200)["results"][0]["latestCheckIn"]["id"], latest.as_str());
    w.app.patch(&path, &w.coordinator, &after.etag(), &json!({"description": "Elke week"})).await.ok(200);
}

#[tokio::test]
async fn the_list_filters_on_the_confidence_of_the_latest_check_in_and_refuses_an_unknown_one() {
    let w = World::new().await;
    let (risky, lost, fine, silent) =
        (agreed(&w, "G1").await, agreed(&w, "G2").await, agreed(&w, "G1").await, agreed(&w, "G2").await);
    w.check_in(&w.partner, &risky, report("2026-11-21", "on_track")).await.ok(201);
    w.check_in(&w.partner, &risky, report("2026-11-22", "at_risk")).await.ok(201);
    w.check_in(&w.partner, &lost, report("2026-11-22", "off_track")).await.ok(201);
    w.check_in(&w.partner, &fine, report("2026-11-20", "at_risk")).await.ok(201);
    w.check_in(&w.partner, &fine, report("2026-11-22", "on_track")).await.ok(201);
    assert_eq!(listed(&w, "confidence=at_risk").await, [risky.as_str()]);
    assert_eq!(listed(&w, "confidence=off_track").await, [lost.as_str()]);
    assert_eq!(listed(&w, "confidence=on_track").await, [fine.as_str()]);
    assert_eq!(listed(&w, "pageSize=200").await.len(), 4, "{silent} has no check-in and no confidence");
    assert_eq!(listed(&w, "confidence=at_risk&goalKey=G2").await, Vec::<String>::new());
    // The latest check-ins are read for the page in one statement, whatever its size.
    let (one, one_count) = page_statements(&w, "pageSize=1").await;
    let (four, four_count) = page_statements(&w, "pageSize=4").await;
    assert_eq!((one, four, one_count), (1, 4, four_count), "not one statement per contribution");
    println!("contribution list statements: {four_count} for a page of 4");

    let refused = w.app.get("/api/v1/contributions?confidence=doubtful", &w.coordinator).await;
    assert_eq!(refused.problem(400), ["confidence"]);
    assert!(refused.body["invalidParams"][0]["reason"].as_str().unwrap().contains("on_track"), "{}", refused.text);
}

#[tokio::test]
async fn the_dashboard_counts_the_promises_under_way_at_risk_and_off_track() {
    let w = World::new().await;
    assert_eq!(promises(&w).await, (0, 0));
    let (risky, lost) = (agreed(&w, "G1").await, agreed(&w, "G2").await);
    w.check_in(&w.partner, &risky, report("2026-11-22", "at_risk")).await.ok(201);
    w.check_in(&w.partner, &lost, report("2026-11-22", "off_track")).await.ok(201);
    assert_eq!(promises(&w).await, (1, 1));
    assert_eq!(listed(&w, "confidence=at_risk&status=committed").await, [risky.as_str()], "as the list counts them");
    // A contribution that is closed is no longer a promise at risk, whatever its last report said.
    w.act(&w.partner, &lost, "start", None).await.ok(200);
    assert_eq!(promises(&w).await, (1, 1), "in progress is still under way");
    w.act(&w.partner, &lost, "not_deliver", None).await.ok(200);
    assert_eq!(promises(&w).await, (1, 0));
    w.check_in(&w.partner, &risky, report("2026-11-23", "on_track")).await.ok(201);
    assert_eq!(promises(&w).await, (0, 0));
}
