//! The event feed (SPEC §8): in order, resumable after the last id, filtered to the caller's scope.

use serde_json::{Value, json};
use tests::TestApp;

fn types(reply: &Value) -> Vec<String> {
    reply["results"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

fn ids(reply: &Value) -> Vec<i64> {
    reply["results"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn the_feed_is_in_order_and_resumes_after_the_last_id_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    for code in ["A", "B", "C", "D"] {
        app.area(&m, code).await;
    }
    let all = app.get("/api/v1/events?pageSize=200", &app.admin).await;
    let all_ids = ids(all.ok(200));
    assert_eq!(
        types(&all.body),
        ["municipality.created", "area.created", "area.created", "area.created", "area.created"]
    );
    assert!(all_ids.windows(2).all(|w| w[0] < w[1]), "{all_ids:?}");
    let first = &all.body["results"][1];
    assert_eq!(first["resourceType"], "area");
    assert_eq!(first["municipalityId"], m.as_str());
    assert!(
        first["resourceUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/areas/{}", first["resourceId"].as_str().unwrap()))
    );

    // Two at a time, following `next`, gives the same events once each.
    let mut seen = Vec::new();
    let mut url = "/api/v1/events?pageSize=2".to_owned();
    loop {
        let page = app.get(&url, &app.admin).await;
        seen.extend(ids(page.ok(200)));
        match page.body["next"].as_str() {
            Some(next) => url = next.trim_start_matches(&app.address).to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, all_ids);

    // A reader that remembers the last id gets exactly what happened since.
    let last = *all_ids.last().unwrap();
    assert_eq!(ids(app.get(&format!("/api/v1/events?after={last}"), &app.admin).await.ok(200)), Vec::<i64>::new());
    app.area(&m, "E").await;
    let since = app.get(&format!("/api/v1/events?after={last}"), &app.admin).await;
    assert_eq!(types(since.ok(200)), ["area.created"]);
    assert!(ids(&since.body)[0] > last);
}

#[tokio::test]
async fn the_feed_filters_by_type_municipality_and_area() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let other = app.municipality("Woerden").await;
    let area = app.area(&m, "OLD-1").await;
    app.area(&other, "WOE-1").await;
    let etag = app.get(&format!("/api/v1/areas/{area}"), &app.admin).await.etag();
    app.patch(&format!("/api/v1/areas/{area}"), &app.admin, &etag, &json!({"name": "Noord"})).await.ok(200);

    let created = app.get("/api/v1/events?types=area.created", &app.admin).await;
    assert_eq!(types(created.ok(200)), ["area.created", "area.created"]);
    let two = app.get("/api/v1/events?types=area.updated,municipality.created", &app.admin).await;
    assert_eq!(types(two.ok(200)), ["municipality.created", "municipality.created", "area.updated"]);
    let of_m = app.get(&format!("/api/v1/events?municipalityId={other}"), &app.admin).await;
    assert_eq!(types(of_m.ok(200)), ["municipality.created", "area.created"]);
    let of_area = app.get(&format!("/api/v1/events?areaId={area}"), &app.admin).await;
    assert_eq!(types(of_area.ok(200)), ["area.created", "area.updated"]);
}

#[tokio::test]
async fn each_role_reads_only_the_events_in_its_scope() {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let other = app.municipality("Oldambt").await;
    let area = app.area(&m, "WB-1").await;
    app.area(&other, "OLD-1").await;
    let police = app.organisation("Politie", "police").await;
    let housing = app.organisation("Woningcorporatie", "housing_corporation").await;
    app.add_partner(&area, &police).await;
    app.add_partner(&area, &housing).await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    let viewer = app.token(json!({"role": "viewer", "municipalityId": m})).await;
    let partner = app.token(json!({"role": "partner", "organisationId": police})).await;

    for token in [&coordinator, &viewer] {
        let feed = app.get("/api/v1/events?pageSize=200", token).await;
        let events = feed.ok(200)["results"].as_array().unwrap().clone();
        assert_eq!(events.len(), 4, "municipality, area, two partners: {events:?}");
        assert!(events.iter().all(|e| e["municipalityId"] == m.as_str()));
        // Asking for another municipality gives nothing rather than its events.
        let other_feed = app.get(&format!("/api/v1/events?municipalityId={other}"), token).await;
        assert_eq!(ids(other_feed.ok(200)), Vec::<i64>::new());
    }
    let feed = app.get("/api/v1/events?pageSize=200", &partner).await;
    let events = feed.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(types(&feed.body), ["organisation.created", "area_partner.added"]);
    assert!(events.iter().all(|e| e["organisationId"] == police.as_str()), "{events:?}");
}

#[tokio::test]
async fn bad_feed_parameters_are_all_reported_at_once() {
    let app = TestApp::spawn().await;
    let reply = app.get("/api/v1/events?after=-1&types=version.adopted,nope&pageSize=500", &app.admin).await;
    let mut names = reply.problem(400);
    names.sort();
    assert_eq!(names, ["after", "pageSize", "types"]);
    app.get("/api/v1/events?after=abc", &app.admin).await.problem(400);
    app.get("/api/v1/events?colour=red", &app.admin).await.problem(400);
    TestApp::send(app.request(reqwest::Method::GET, "/api/v1/events", None)).await.problem(401);
}

/// On PostgreSQL a transaction that began first can commit last, so its event's row id is below ids already
/// visible. The feed must still hand it out after them rather than skip it. (SQLite has one writer at a
/// time, so there the situation cannot arise.)
#[tokio::test]
async fn an_event_that_commits_late_is_not_skipped_by_a_reader_who_has_moved_on() {
    if !tests::on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let slow = app.db.begin(persistence::Actor::system("slow writer")).await.unwrap();
    let change = persistence::Change::of::<Value>(
        domain::event::EventType::AreaUpdated,
        uuid::Uuid::now_v7(),
        "/api/v1/areas/x".into(),
        None,
        Some(&json!({})),
    )
    .unwrap()
    .in_municipality(uuid::Uuid::now_v7());
    slow.record(change).await.unwrap();

    app.area(&m, "W-1").await;
    let feed = app.get("/api/v1/events", &app.admin).await;
    assert_eq!(types(feed.ok(200)), ["municipality.created", "area.created"]);
    let last = *ids(&feed.body).last().unwrap();

    slow.commit().await.unwrap();
    let since = app.get(&format!("/api/v1/events?after={last}"), &app.admin).await;
    assert_eq!(types(since.ok(200)), ["area.updated"], "the late event comes after what the reader saw");
}
