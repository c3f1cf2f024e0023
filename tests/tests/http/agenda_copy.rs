//! An agenda for the next period starts from the goals of the one in force (`copyFrom`), keys kept (issue 17,
//! item 9).

use serde_json::json;
use uuid::Uuid;

use crate::version_rules::{Cycle, agenda};

#[tokio::test]
async fn a_new_agenda_copies_the_goals_in_force_of_another_agenda_of_the_area() {
    let c = Cycle::new().await;
    let current = c.agenda_in_force(&c.area).await;
    // A later draft of the current agenda is not what is copied: the version in force is.
    c.app.post(&format!("/api/v1/documents/{current}/versions"), &c.coordinator, &json!({})).await.ok(201);
    c.save(&current, 2, json!({"goals": []})).await.ok(200);

    let body = json!({"areaId": c.area, "kind": "agenda", "periodStart": 2031, "copyFrom": current});
    let created = c.app.post("/api/v1/documents", &c.coordinator, &body).await;
    let content = &created.ok(201)["version"]["content"];
    let in_force = c.app.get(&format!("/api/v1/documents/{current}/versions/1"), &c.coordinator).await;
    assert_eq!(content["goals"], in_force.ok(200)["content"]["goals"], "every goal with its results, keys kept");
    assert_eq!(content["goals"][0]["results"][0]["key"], agenda()["goals"][0]["results"][0]["key"]);
    assert_eq!(content["vision"], "", "only the goals are carried over");
    let next = created.body["document"]["id"].as_str().unwrap().to_owned();
    let version = c.app.get(&format!("/api/v1/documents/{next}/versions/1"), &c.coordinator).await;
    assert_eq!(version.ok(200)["content"]["goals"][1]["key"], "G2");
}

#[tokio::test]
async fn copy_from_must_be_an_agenda_of_the_same_area_with_a_version_in_force() {
    let c = Cycle::new().await;
    let current = c.agenda_in_force(&c.area).await;
    let elsewhere = c.agenda_in_force(&c.other_area).await;
    let draft_only = c.document(&c.area, "agenda", 2031).await;
    let analysis = c.document(&c.area, "analysis", 2030).await;
    let create = |copy_from: serde_json::Value, start: i32| json!({"areaId": c.area, "kind": "agenda", "periodStart": start, "copyFrom": copy_from});
    for (source, code) in [
        (json!(elsewhere), "not_an_agenda_of_the_area"),
        (json!(analysis), "not_an_agenda_of_the_area"),
        (json!(draft_only), "not_in_force"),
        (json!(Uuid::now_v7()), "unknown"),
    ] {
        let r = c.app.post("/api/v1/documents", &c.coordinator, &create(source, 2035)).await;
        assert_eq!(r.problem(400), ["copyFrom"], "{}", r.text);
        assert_eq!(r.body["invalidParams"][0]["code"], code);
    }
    let r = c.app.post("/api/v1/documents", &c.coordinator, &create(json!("not-an-id"), 2035)).await;
    assert_eq!(r.problem(400), ["copyFrom"]);
    let plan = json!({"areaId": c.area, "kind": "plan", "year": 2028, "copyFrom": current});
    assert_eq!(c.app.post("/api/v1/documents", &c.coordinator, &plan).await.problem(400), ["copyFrom"]);
    // With every other problem of the body in the same answer, and nothing created.
    let r = c.app.post("/api/v1/documents", &c.coordinator, &create(json!(elsewhere), 2029)).await;
    assert_eq!(r.problem(400), ["copyFrom"], "2029 overlaps the agenda in force, which is a conflict, checked later");
    let list = c.app.get(&format!("/api/v1/documents?areaId={}&kind=agenda", c.area), &c.coordinator).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 2, "{current} and {draft_only} only");
}
