//! A progress report leaves its contribution's row alone: the contribution's ETag names its revision and its
//! latest report, so a report moves the ETag without moving the revision, and reports on one contribution do
//! not wait for each other. A change of status still excludes them (SPEC §6, §9).

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

use crate::contributions::{World, rows};

fn id(reply: &tests::Reply) -> String {
    reply.body["id"].as_str().unwrap().to_owned()
}

async fn agreed(w: &World) -> String {
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    c
}

fn report(day: &str, percent: i64) -> Value {
    json!({"date": day, "progressPercent": percent, "confidence": "on_track"})
}

async fn get_if_none_match(w: &World, path: &str, etag: &str) -> u16 {
    let request = w.app.request(Method::GET, path, Some(&w.partner)).header("If-None-Match", etag);
    TestApp::send(request).await.status.as_u16()
}

#[tokio::test]
async fn a_report_moves_the_etag_and_a_change_based_on_the_etag_before_it_is_stale() {
    let w = World::new().await;
    let c = agreed(&w).await;
    let path = format!("/api/v1/contributions/{c}");
    let before = w.app.get(&path, &w.partner).await.etag();

    let reported = w.check_in(&w.partner, &c, report("2026-11-20", 10)).await;
    reported.ok(201);
    let first = id(&reported);
    let now = w.app.get(&path, &w.partner).await;
    assert_eq!(now.body["latestCheckIn"]["id"], first.as_str());
    let current = now.etag();
    assert_ne!(current, before, "the body shows the new report, so its ETag moves");
    assert_eq!(get_if_none_match(&w, &path, &before).await, 200);
    assert_eq!(get_if_none_match(&w, &path, &current).await, 304);

    let stale = w.app.patch(&path, &w.partner, &before, &json!({"description": "Ook op zaterdag"})).await;
    stale.problem(412);
    assert!(stale.body["detail"].as_str().unwrap().contains(&current), "it names the current ETag: {}", stale.body);
    let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(&w.partner));
    let stale = TestApp::send(request.header("If-Match", before.as_str()).json(&json!({"action": "start"}))).await;
    stale.problem(412);

    // A report dated before the latest does not become the latest: the body, and so the ETag, stay the same.
    w.check_in(&w.partner, &c, report("2026-11-01", 5)).await.ok(201);
    assert_eq!(w.app.get(&path, &w.partner).await.etag(), current, "the latest report is still the first");

    let changed = w.app.patch(&path, &w.partner, &current, &json!({"description": "Ook op zaterdag"})).await;
    let body = changed.ok(200).clone();
    assert_eq!(body["latestCheckIn"]["id"], first.as_str(), "the answer shows the latest report");
    assert_eq!(changed.etag(), w.app.get(&path, &w.partner).await.etag(), "and the ETag a read gives");
    assert_ne!(changed.etag(), current);
}

#[tokio::test]
async fn a_report_does_not_make_an_export_stale() {
    let w = World::new().await;
    let c = agreed(&w).await;
    let export = w.export(&w.coordinator, "").await;
    let table = rows(&export.text);
    let revision = &table[1][table[0].iter().position(|h| h == "revision").unwrap()];

    w.check_in(&w.partner, &c, report("2026-11-20", 10)).await.ok(201);
    let import = format!("id;revision;description\n{c};{revision};Samen met de BOA's\n");
    w.import(&w.coordinator, import.into_bytes()).await.ok(200);
    let now = w.app.get(&format!("/api/v1/contributions/{c}"), &w.coordinator).await;
    assert_eq!(now.body["description"], "Samen met de BOA's", "the terms were changed, not refused as stale");
}

/// Reports and a withdrawal sent at once: every report is either in before the withdrawal or refused (409);
/// none lands after it. Without the report holding the row until its commit, a report that read the
/// contribution while it was agreed commits after the withdrawal (on PostgreSQL; SQLite's writers take turns).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reports_racing_a_withdrawal_land_before_it_or_are_refused() {
    let w = World::new().await;
    for round in 0..8 {
        let c = agreed(&w).await;
        let path = format!("/api/v1/contributions/{c}");
        let reports = (0..10).map(|i| w.check_in(&w.partner, &c, report("2026-11-20", i)));
        let withdraw = async {
            // Let the reports get under way first.
            tokio::time::sleep(std::time::Duration::from_millis(2 * round)).await;
            let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(&w.coordinator));
            TestApp::send(request.header("If-Match", "*").json(&json!({"action": "withdraw", "note": "Vervalt"}))).await
        };
        let (replies, withdrawn) = tokio::join!(join_all(reports), withdraw);
        withdrawn.ok(200);
        for r in replies.iter().filter(|r| r.status != 201) {
            r.problem(409);
        }
        let accepted = replies.iter().filter(|r| r.status == 201).count();
        let listed = w.app.get(&format!("{path}/check-ins?pageSize=200"), &w.partner).await;
        assert_eq!(listed.ok(200)["results"].as_array().unwrap().len(), accepted, "round {round}");

        let feed = w.app.get("/api/v1/events?pageSize=200&types=checkin.created,contribution.withdrawn", &w.app.admin);
        let feed = feed.await;
        let order: Vec<&str> = feed.ok(200)["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resourceUrl"].as_str().unwrap().contains(&c))
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(order.last(), Some(&"contribution.withdrawn"), "round {round}: no report after it: {order:?}");
        assert_eq!(order.len(), accepted + 1);
    }
}

/// Reports on one contribution from many clients at once all land, each with its trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reports_on_one_contribution_all_land() {
    let w = World::new().await;
    let c = agreed(&w).await;
    let replies = join_all((0..24).map(|i| w.check_in(&w.partner, &c, report("2026-11-20", i % 100)))).await;
    for r in &replies {
        r.ok(201);
    }
    let listed = w.app.get(&format!("/api/v1/contributions/{c}/check-ins?pageSize=200"), &w.partner).await;
    assert_eq!(listed.ok(200)["results"].as_array().unwrap().len(), 24);
    let last = replies.iter().map(id).max().unwrap();
    let now = w.app.get(&format!("/api/v1/contributions/{c}"), &w.partner).await;
    assert_eq!(now.body["latestCheckIn"]["id"], last.as_str(), "of one date, the one recorded last");
    tests::invariants::assert_hold(&w.app.db).await;
}
