//! A contribution's history has no holes (issue 17, item 5): every change of status is a step with who,
//! when and why, also when a change of terms (PATCH or CSV import) made it a proposal again; and agreeing
//! again to work that had started returns it to `in_progress`.

use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

use crate::contributions::{World, id};

async fn history(w: &World, c: &str) -> Vec<Value> {
    let reply = w.app.get(&format!("/api/v1/contributions/{c}/transitions"), &w.coordinator).await;
    reply.ok(200)["results"].as_array().unwrap().clone()
}

fn steps(history: &[Value]) -> Vec<(String, String, String)> {
    history
        .iter()
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (s("action"), s("from"), s("to"))
        })
        .collect()
}

fn step(action: &str, from: &str, to: &str) -> (String, String, String) {
    (action.into(), from.into(), to.into())
}

#[tokio::test]
async fn a_change_of_terms_that_reopens_started_work_is_a_step_and_agreeing_again_returns_it_to_in_progress() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    w.act(&w.partner, &c, "start", None).await.ok(200);
    let path = format!("/api/v1/contributions/{c}");
    let etag = w.app.get(&path, &w.partner).await.etag();
    let less = w.app.patch(&path, &w.partner, &etag, &json!({"amount": 0.1, "title": "Wijkagent één dagdeel"})).await;
    assert_eq!(less.ok(200)["status"], "proposed");

    let h = history(&w, &c).await;
    assert_eq!(
        steps(&h),
        [
            step("agree", "proposed", "committed"),
            step("start", "committed", "in_progress"),
            step("change_terms", "in_progress", "proposed")
        ]
    );
    let reopened = &h[2];
    assert_eq!(reopened["note"], "terms changed (title, amount); the other side agrees again");
    assert!(reopened["actor"]["name"].is_string() && reopened["actor"]["tokenId"].is_string(), "{reopened}");
    assert!(reopened["at"].is_string());

    let again = w.act(&w.coordinator, &c, "agree", None).await;
    assert_eq!(again.ok(200)["status"], "in_progress", "the work had started; agreeing again does not stop it");
    assert!(again.body["committedAt"].is_string());
    assert_eq!(steps(&history(&w, &c).await)[3], step("agree", "proposed", "in_progress"));
    // Back in progress it is delivered as any started work is.
    assert_eq!(w.act(&w.partner, &c, "deliver", None).await.ok(200)["status"], "delivered");
    tests::invariants::assert_hold(&w.app.db).await;
}

#[tokio::test]
async fn a_description_that_changes_no_status_leaves_no_step() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    let path = format!("/api/v1/contributions/{c}");
    let etag = w.app.get(&path, &w.partner).await.etag();
    w.app.patch(&path, &w.partner, &etag, &json!({"description": "Samen met de BOA's"})).await.ok(200);
    assert_eq!(steps(&history(&w, &c).await), [step("agree", "proposed", "committed")]);
}

#[tokio::test]
async fn a_csv_import_that_reopens_a_contribution_with_check_ins_is_a_step_and_agreement_resumes_the_work() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G2").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    // Progress reported while committed: the work has started although nobody pressed start.
    let report =
        json!({"date": "2026-11-20", "progressPercent": 10, "confidence": "on_track", "note": "Eerste spreekuur"});
    w.app.post(&format!("/api/v1/contributions/{c}/check-ins"), &w.partner, &report).await.ok(201);
    let etag = w.app.get(&format!("/api/v1/contributions/{c}"), &w.coordinator).await.etag();
    // The ETag is the revision and, after a report, that report's id.
    let revision = etag.trim_matches('"').split('-').next().unwrap();
    let csv = format!("id;revision;dueDate\n{c};{revision};31-03-2028\n");
    w.import(&w.coordinator, csv.into_bytes()).await.ok(200);

    let h = history(&w, &c).await;
    assert_eq!(steps(&h), [step("agree", "proposed", "committed"), step("change_terms", "committed", "proposed")]);
    assert_eq!(h[1]["note"], "terms changed (dueDate); the other side agrees again");
    assert!(h[1]["actor"]["tokenId"].is_string());

    let again = w.act(&w.partner, &c, "agree", None).await;
    assert_eq!(again.ok(200)["status"], "in_progress", "it had check-ins, so its work had started");
    tests::invariants::assert_hold(&w.app.db).await;
}

#[tokio::test]
async fn agreeing_to_a_reopened_contribution_that_never_started_commits_it() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    let path = format!("/api/v1/contributions/{c}");
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let request = w.app.request(Method::PATCH, &path, Some(&w.coordinator)).header("If-Match", etag);
    let changed = TestApp::send(request.json(&json!({"unit": "uur"}))).await;
    assert_eq!(changed.ok(200)["status"], "proposed");
    assert_eq!(w.act(&w.partner, &c, "agree", None).await.ok(200)["status"], "committed");
    let h = history(&w, &c).await;
    assert_eq!(
        steps(&h),
        [
            step("agree", "proposed", "committed"),
            step("change_terms", "committed", "proposed"),
            step("agree", "proposed", "committed")
        ]
    );
}
