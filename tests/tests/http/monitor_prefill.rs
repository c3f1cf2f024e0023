//! A new monitor version lists what it must assess: the goals of the agenda in force with their results,
//! the measures of the adopted plan and the contributions to the agenda, without verdicts (issue 17, item 8).

use serde_json::{Value, json};

use crate::version_rules::{Cycle, plan};

fn keys(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|a| a[field].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_new_monitor_lists_every_goal_measure_and_contribution_to_assess_without_verdicts() {
    let c = Cycle::new().await;
    let monitor_before = c.document(&c.area, "monitor", 2026).await;
    let empty = c.app.get(&format!("/api/v1/documents/{monitor_before}/versions/1"), &c.coordinator).await;
    assert_eq!(empty.ok(200)["content"]["goalAssessments"], json!([]), "no agenda in force: nothing to list");

    let agenda = c.agenda_in_force(&c.area).await;
    c.adopted(&c.area, "plan", 2027, plan(Some(&c.police))).await;
    let contribution = c.contribution(&agenda, &c.police).await;
    let body = json!({"areaId": c.area, "kind": "monitor", "year": 2027});
    let created = c.app.post("/api/v1/documents", &c.coordinator, &body).await;
    let content = created.ok(201)["version"]["content"].clone();
    assert_eq!(
        content["goalAssessments"],
        json!([{"goalKey": "G1", "verdict": null, "evidence": "", "resultValues": [{"resultKey": "G1.R1", "value": null}]},
               {"goalKey": "G2", "verdict": null, "evidence": "", "resultValues": []}])
    );
    assert_eq!(keys(&content["measureAssessments"], "measureKey"), ["M1", "M2"]);
    assert_eq!(content["contributionAssessments"], json!([{"contributionId": contribution, "verdict": null}]));

    let doc = created.body["document"]["id"].as_str().unwrap().to_owned();
    c.act(&doc, 1, "submit").await.ok(200);
    let readiness = c.readiness(&doc, 1).await;
    let blocking = keys(&readiness["blocking"], "rule");
    assert_eq!(
        blocking,
        [
            "monitor_measure_unassessed",
            "monitor_measure_unassessed",
            "monitor_goal_unassessed",
            "monitor_goal_unassessed",
            "monitor_contribution_unassessed"
        ],
        "an empty verdict is no assessment"
    );
    c.act(&doc, 1, "adopt").await.problem(409);
}

#[tokio::test]
async fn a_new_version_of_a_monitor_keeps_its_verdicts_and_adds_what_is_new_to_assess() {
    let c = Cycle::new().await;
    let agenda = c.agenda_in_force(&c.area).await;
    c.adopted(&c.area, "plan", 2027, plan(Some(&c.police))).await;
    let first = c.contribution(&agenda, &c.police).await;
    let assessed = json!({
        "goalAssessments": [{"goalKey": "G1", "verdict": "achieved", "resultValues": [{"resultKey": "G1.R1", "value": 31}]},
                            {"goalKey": "G2", "verdict": "not_assessable"}],
        "measureAssessments": [{"measureKey": "M1", "verdict": "executed"}, {"measureKey": "M2", "verdict": "cancelled"}],
        "contributionAssessments": [{"contributionId": first, "verdict": "not_delivered"}]});
    let doc = c.adopted(&c.area, "monitor", 2027, assessed.clone()).await;
    let second = c.contribution(&agenda, &c.police).await;

    let v2 = c.app.post(&format!("/api/v1/documents/{doc}/versions"), &c.coordinator, &json!({})).await;
    let content = &v2.ok(201)["content"];
    assert_eq!(content["goalAssessments"][0]["verdict"], "achieved", "what was assessed stays");
    assert_eq!(content["goalAssessments"][0]["resultValues"], json!([{"resultKey": "G1.R1", "value": 31.0}]));
    assert_eq!(keys(&content["measureAssessments"], "verdict"), ["executed", "cancelled"]);
    assert_eq!(
        content["contributionAssessments"],
        json!([{"contributionId": first, "verdict": "not_delivered"}, {"contributionId": second, "verdict": null}])
    );
}
