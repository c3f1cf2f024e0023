//! The difference between two versions: the RFC 6902 patch, and the keyed diff people can read (issue 17,
//! item 10).

use serde_json::json;

use crate::version_rules::Cycle;

fn goal(key: &str, title: &str, target: i64) -> serde_json::Value {
    json!({"key": key, "title": title, "theme": "social", "priority": 2, "municipalityRole": "facilitate",
           "results": [{"key": format!("{key}.R1"), "description": "Meer ontmoeting", "target": target}]})
}

#[tokio::test]
async fn removing_the_first_goal_is_one_removed_goal_in_the_keyed_diff_and_the_patch_stays() {
    let c = Cycle::new().await;
    c.adopted(&c.area, "analysis", 2026, json!({"summary": "Vergrijzing"})).await;
    let goals = json!([goal("G1", "Een", 1), goal("G2", "Twee", 2), goal("G3", "Drie", 3)]);
    let doc = c.adopted(&c.area, "agenda", 2027, json!({"vision": "Leefbaar", "goals": goals})).await;
    c.app.post(&format!("/api/v1/documents/{doc}/versions"), &c.coordinator, &json!({})).await.ok(201);
    let goals = json!([goal("G2", "Twee en meer", 2), goal("G3", "Drie", 4), goal("G4", "Vier", 4)]);
    c.save(&doc, 2, json!({"vision": "Leefbaar en veilig", "goals": goals})).await.ok(200);

    let base = format!("/api/v1/documents/{doc}/versions/2/diff?against=1");
    let keyed = c.app.get(&format!("{base}&format=keyed"), &c.coordinator).await;
    assert_eq!(
        keyed.ok(200).clone()["fields"],
        json!([{"field": "vision", "old": "Leefbaar", "new": "Leefbaar en veilig"}])
    );
    assert_eq!(keyed.header("content-type"), Some("application/json"));
    let items: Vec<_> = keyed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["item"].as_str().unwrap(), i["key"].as_str().unwrap(), i["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        items,
        [("goal", "G1", "removed"), ("goal", "G2", "changed"), ("result", "G3.R1", "changed"), ("goal", "G4", "added"),]
    );
    assert_eq!(keyed.body["items"][0]["value"]["title"], "Een");
    assert_eq!(keyed.body["items"][1]["fields"], json!([{"field": "title", "old": "Twee", "new": "Twee en meer"}]));
    assert_eq!(keyed.body["items"][2]["parent"], "G3");
    assert_eq!(keyed.body["items"][2]["fields"], json!([{"field": "target", "old": 3.0, "new": 4.0}]));

    let patch = c.app.get(&base, &c.coordinator).await;
    assert_eq!(patch.header("content-type"), Some("application/json-patch+json"));
    assert!(patch.ok(200).as_array().unwrap().len() > 4, "the patch is unchanged: position by position");
    let explicit = c.app.get(&format!("{base}&format=patch"), &c.coordinator).await;
    assert_eq!(explicit.ok(200), &patch.body);

    assert_eq!(c.app.get(&format!("{base}&format=prose"), &c.coordinator).await.problem(400), ["format"]);
    let unknown = format!("/api/v1/documents/{doc}/versions/2/diff?against=9&format=keyed");
    assert_eq!(c.app.get(&unknown, &c.coordinator).await.problem(400), ["against"]);
}
