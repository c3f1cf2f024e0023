//! A page of contributions is kept in memory while the municipalities it comes from do not change
//! (`usecases::contributions::list`). It is never stale: each change it shows is there at the next read,
//! whichever instance made it, in whichever municipality the partner works, and a partner whose partnership
//! ends loses those rows at once.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

use crate::contributions::{World, agenda_content};

/// The partner's list as it reads it now: each contribution's title, status and latest progress.
async fn listed(w: &World, token: &str, query: &str) -> Vec<(String, String, Value)> {
    let list = w.app.get(&format!("/api/v1/contributions?pageSize=50{query}"), token).await;
    let rows = list.ok(200)["results"].as_array().unwrap().clone();
    rows.iter()
        .map(|c| {
            let (title, status) = (c["title"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned());
            (title, status, c["latestCheckIn"]["progressPercent"].clone())
        })
        .collect()
}

/// Reads the list twice, so that the second read is the kept page, and returns it.
async fn read_twice(w: &World, token: &str, query: &str) -> Vec<(String, String, Value)> {
    let first = listed(w, token, query).await;
    assert_eq!(listed(w, token, query).await, first, "a second read with nothing changed");
    first
}

async fn act(app: &TestApp, token: &str, path: &str, body: Value) {
    let etag = app.get(path, token).await.etag();
    let request = app.request(Method::POST, &format!("{path}/transitions"), Some(token));
    TestApp::send(request.header("If-Match", etag).json(&body)).await.ok(200);
}

async fn document(app: &TestApp, body: Value, content: Value) -> String {
    let doc = app.post("/api/v1/documents", &app.admin, &body).await.ok(201)["document"]["id"].clone();
    let version = format!("/api/v1/documents/{}/versions/1", doc.as_str().unwrap());
    let etag = app.get(&version, &app.admin).await.etag();
    let save = app.request(Method::PUT, &version, Some(&app.admin)).header("If-Match", etag);
    TestApp::send(save.json(&json!({"content": content}))).await.ok(200);
    act(app, &app.admin, &version, json!({"action": "submit"})).await;
    doc.as_str().unwrap().to_owned()
}

/// A submitted agenda with goal G1 in a new municipality's area, where `organisation` takes part.
async fn agenda_elsewhere(app: &TestApp, organisation: &str) -> String {
    let municipality = app.municipality("Tiel").await;
    let area = app.area(&municipality, "TL-NOORD").await;
    app.add_partner(&area, organisation).await;
    let analysis = json!({"areaId": area, "kind": "analysis", "year": 2026});
    let analysis = document(app, analysis, json!({"summary": "Weinig ontmoetingsplekken"})).await;
    act(app, &app.admin, &format!("/api/v1/documents/{analysis}/versions/1"), json!({"action": "adopt"})).await;
    let agenda = json!({"areaId": area, "kind": "agenda", "periodStart": 2027});
    document(app, agenda, agenda_content(&["G1"])).await
}

/// The statements one read of the list takes.
async fn statements(w: &World, token: &str) -> u64 {
    let before = w.app.db.statements();
    listed(w, token, "").await;
    w.app.db.statements() - before
}

fn titled(title: &str, status: &str, progress: Value) -> (String, String, Value) {
    (title.to_owned(), status.to_owned(), progress)
}

#[tokio::test]
async fn every_change_a_list_of_contributions_shows_is_there_at_the_next_read() {
    let w = World::new().await;
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![]);

    let proposed = w.propose(&w.partner, "G1").await;
    let c = proposed.ok(201)["id"].as_str().unwrap().to_owned();
    let title = proposed.body["title"].as_str().unwrap().to_owned();
    // Read afresh after the change: the counters, the page and its latest check-ins; then kept: the counters.
    let (computed, kept) = (statements(&w, &w.partner).await, statements(&w, &w.partner).await);
    assert_eq!(computed - kept, 2, "read again with nothing changed, the page is kept ({computed} → {kept})");
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![titled(&title, "proposed", Value::Null)]);

    w.act(&w.coordinator, &c, "agree", None).await.ok(200);
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![titled(&title, "committed", Value::Null)]);
    // The coordinator's list of the municipality is kept under its own key, and moves with the same changes.
    assert_eq!(read_twice(&w, &w.coordinator, "").await, vec![titled(&title, "committed", Value::Null)]);

    // A report made through another instance on the same database shows here at once, to both.
    let other = w.app.second_instance().await;
    let report = json!({"date": "2026-11-20", "progressPercent": 40, "confidence": "on_track"});
    let request = w.app.client.request(Method::POST, format!("{other}/api/v1/contributions/{c}/check-ins"));
    TestApp::send(request.bearer_auth(&w.partner).json(&report)).await.ok(201);
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![titled(&title, "committed", json!(40))]);
    assert_eq!(read_twice(&w, &w.coordinator, "").await, vec![titled(&title, "committed", json!(40))]);
    // So does a filter on the latest report's confidence, read before and after a report that changes it.
    let at_risk = "&confidence=at_risk";
    assert_eq!(read_twice(&w, &w.partner, at_risk).await, vec![]);
    let report = json!({"date": "2026-11-22", "progressPercent": 45, "confidence": "at_risk"});
    w.check_in(&w.partner, &c, report).await.ok(201);
    assert_eq!(read_twice(&w, &w.partner, at_risk).await, vec![titled(&title, "committed", json!(45))]);

    // A promise in a municipality where the partner had none yet: a municipality more to watch.
    let tiel = agenda_elsewhere(&w.app, &w.police).await;
    let mut proposal = w.proposal("G1", &w.police);
    proposal["agendaDocumentId"] = json!(tiel);
    proposal["title"] = json!("Buurtpreventie in Tiel");
    w.app.post("/api/v1/contributions", &w.partner, &proposal).await.ok(201);
    let both = read_twice(&w, &w.partner, "").await;
    assert_eq!(both.iter().map(|(t, ..)| t.as_str()).collect::<Vec<_>>(), [title.as_str(), "Buurtpreventie in Tiel"]);
    // The administrator's list of one municipality is kept by its counter, and moves with it.
    let tiel = w.app.get(&format!("/api/v1/documents/{tiel}"), &w.app.admin).await.ok(200)["municipalityId"].clone();
    let in_tiel = format!("&municipalityId={}", tiel.as_str().unwrap());
    let proposed = read_twice(&w, &w.app.admin, &in_tiel).await;
    assert_eq!(proposed, vec![titled("Buurtpreventie in Tiel", "proposed", Value::Null)]);
    let list = w.app.get(&format!("/api/v1/contributions?pageSize=50{in_tiel}"), &w.app.admin).await;
    let there = list.ok(200)["results"][0]["id"].as_str().unwrap().to_owned();
    w.act(&w.app.admin, &there, "agree", None).await.ok(200);
    let agreed = read_twice(&w, &w.app.admin, &in_tiel).await;
    assert_eq!(agreed, vec![titled("Buurtpreventie in Tiel", "committed", Value::Null)]);
    assert_eq!(read_twice(&w, &w.coordinator, "").await.len(), 1, "the coordinator sees its municipality's");
}

#[tokio::test]
async fn a_partner_loses_the_rows_of_a_partnership_that_ends_at_once() {
    let w = World::new().await;
    let c = w.propose(&w.partner, "G1").await.ok(201)["id"].as_str().unwrap().to_owned();
    w.act(&w.coordinator, &c, "agree", None).await.ok(200);
    assert_eq!(read_twice(&w, &w.partner, "").await.len(), 1);

    // Ending it today (23 November) leaves today's list as it is, and tomorrow's empty without any change.
    let partnership = format!("/api/v1/areas/{}/partners/{}", w.area, w.police);
    let etag = w.app.get(&partnership, &w.coordinator).await.etag();
    w.app.patch(&partnership, &w.coordinator, &etag, &json!({"until": "2026-11-23"})).await.ok(200);
    assert_eq!(read_twice(&w, &w.partner, "").await.len(), 1);
    w.app.set_now(Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap());
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![]);

    // Taken back (the partnership runs again): the promise is the partner's again at the next read.
    let etag = w.app.get(&partnership, &w.coordinator).await.etag();
    w.app.patch(&partnership, &w.coordinator, &etag, &json!({"until": null})).await.ok(200);
    assert_eq!(read_twice(&w, &w.partner, "").await.len(), 1);
    // And ended as of yesterday: gone at the next read, on the same day.
    let etag = w.app.get(&partnership, &w.coordinator).await.etag();
    w.app.patch(&partnership, &w.coordinator, &etag, &json!({"until": "2026-11-23"})).await.ok(200);
    assert_eq!(read_twice(&w, &w.partner, "").await, vec![]);
}
