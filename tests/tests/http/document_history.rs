//! The history of a document (issue 17, item 7): `GET /documents/{id}/history` gives its creation and every
//! change to its versions, by number, with who, when and the note; a version shows the note of its last return.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

use crate::contributions::{World, agenda_content};

async fn act(w: &World, doc: &str, n: i64, action: &str, note: Option<&str>) -> Reply {
    let path = format!("/api/v1/documents/{doc}/versions/{n}");
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(&w.coordinator));
    TestApp::send(request.header("If-Match", etag).json(&json!({"action": action, "note": note}))).await
}

async fn save(w: &World, doc: &str, n: i64, content: Value, note: &str) {
    let path = format!("/api/v1/documents/{doc}/versions/{n}");
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let request = w.app.request(Method::PUT, &path, Some(&w.coordinator)).header("If-Match", etag);
    TestApp::send(request.json(&json!({"content": content, "changeNote": note}))).await.ok(200);
}

fn steps(history: &Reply) -> Vec<(String, Value, Value)> {
    history.ok(200)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["version"].clone(), e["note"].clone()))
        .collect()
}

fn step(action: &str, version: Option<i64>, note: Option<&str>) -> (String, Value, Value) {
    (action.to_owned(), json!(version), json!(note))
}

#[tokio::test]
async fn a_document_tells_its_whole_history_by_version_number_with_who_when_and_why() {
    let w = World::new().await;
    let doc = &w.agenda; // created, version 1 saved with goals G1 and G2, submitted
    let returned = act(&w, doc, 1, "return", Some("Doel G2 mist een meetbaar resultaat")).await;
    assert_eq!(returned.ok(200)["returnNote"], "Doel G2 mist een meetbaar resultaat");
    save(&w, doc, 1, agenda_content(&["G1", "G2"]), "Resultaat bij G2").await;
    let v1 = w.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &w.coordinator).await;
    assert_eq!(v1.ok(200)["returnNote"], "Doel G2 mist een meetbaar resultaat", "kept while the draft is reworked");
    act(&w, doc, 1, "submit", None).await.ok(200);
    act(&w, doc, 1, "adopt", None).await.ok(200);
    let second = w.app.post(&format!("/api/v1/documents/{doc}/versions"), &w.coordinator, &json!({})).await;
    assert_eq!(second.ok(201)["returnNote"], Value::Null, "a new version was never returned");
    act(&w, doc, 2, "submit", None).await.ok(200);
    act(&w, doc, 2, "adopt", None).await.ok(200);
    w.app.post(&format!("/api/v1/documents/{doc}/versions"), &w.coordinator, &json!({})).await.ok(201);
    act(&w, doc, 3, "withdraw", Some("Toch geen tussentijdse herziening")).await.ok(200);

    let history = w.app.get(&format!("/api/v1/documents/{doc}/history"), &w.coordinator).await;
    assert_eq!(
        steps(&history),
        [
            step("document.created", None, None),
            step("version.created", Some(1), None),
            step("version.updated", Some(1), None),
            step("version.submitted", Some(1), None),
            step("version.returned", Some(1), Some("Doel G2 mist een meetbaar resultaat")),
            step("version.updated", Some(1), Some("Resultaat bij G2")),
            step("version.submitted", Some(1), None),
            step("version.adopted", Some(1), None),
            step("version.created", Some(2), None),
            step("version.submitted", Some(2), None),
            step("version.adopted", Some(2), None),
            step("version.superseded", Some(1), None),
            step("version.created", Some(3), None),
            step("version.withdrawn", Some(3), Some("Toch geen tussentijdse herziening")),
        ]
    );
    for entry in history.body["results"].as_array().unwrap() {
        assert!(entry["at"].is_string() && entry["actor"]["name"].is_string(), "{entry}");
    }
    let versions = w.app.get(&format!("/api/v1/documents/{doc}/versions"), &w.coordinator).await;
    let notes: Vec<_> =
        versions.ok(200)["results"].as_array().unwrap().iter().map(|v| v["returnNote"].clone()).collect();
    assert_eq!(notes, [json!("Doel G2 mist een meetbaar resultaat"), Value::Null, Value::Null]);

    // A partner reads the history of the versions it may read: not the withdrawn draft.
    let partner = w.app.get(&format!("/api/v1/documents/{doc}/history"), &w.partner).await;
    let seen: Vec<_> = steps(&partner).into_iter().map(|(_, v, _)| v).collect();
    assert!(seen.contains(&json!(1)) && seen.contains(&json!(2)) && !seen.contains(&json!(3)), "{seen:?}");
}

#[tokio::test]
async fn the_history_of_a_document_outside_the_scope_is_not_there() {
    let w = World::new().await;
    let elsewhere = w.app.municipality("Oldambt").await;
    let outsider = w.app.token(json!({"role": "coordinator", "municipalityId": elsewhere})).await;
    w.app.get(&format!("/api/v1/documents/{}/history", w.agenda), &outsider).await.problem(404);
    w.app.get(&format!("/api/v1/documents/{}/history", uuid::Uuid::now_v7()), &w.coordinator).await.problem(404);
    assert_eq!(w.app.get("/api/v1/documents/not-an-id/history", &w.coordinator).await.problem(400), ["id"]);
    // A draft agenda is not there for a partner, nor its history.
    let area = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await;
    let m = area.ok(200)["municipalityId"].as_str().unwrap().to_owned();
    let north = w.app.area(&m, "WB-NOORD").await;
    w.app.add_partner(&north, &w.police).await;
    let body = json!({"areaId": north, "kind": "agenda", "periodStart": 2027});
    let draft = w.app.post("/api/v1/documents", &w.coordinator, &body).await;
    let draft = draft.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    w.app.get(&format!("/api/v1/documents/{draft}/history"), &w.partner).await.problem(404);
    let unknown =
        w.app.get(&format!("/api/v1/documents/{draft}/history?at=2027-01-01T00:00:00Z"), &w.coordinator).await;
    assert_eq!(unknown.problem(400), ["at"]);
}
