//! A partner never learns of, nor agrees to, a goal it cannot read (issue 17, item 6): a promise to a draft
//! agenda, or to a goal that is only in an agenda's draft, is not listed, not readable and not agreed to by
//! the partner; it answers 404 as anything outside its scope does, and never names the goal.

use reqwest::Method;
use serde_json::json;
use tests::{Reply, TestApp};

use crate::contributions::{World, agenda_content, id};

async fn listed(w: &World, token: &str) -> Vec<String> {
    let list = w.app.get("/api/v1/contributions?pageSize=200", token).await;
    list.ok(200)["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

async fn patch(w: &World, token: &str, c: &str) -> Reply {
    let request = w.app.request(Method::PATCH, &format!("/api/v1/contributions/{c}"), Some(token));
    TestApp::send(request.header("If-Match", "*").json(&json!({"amount": 0.5}))).await
}

/// Everything a partner could do with contribution `c`, each refused as unknown, never naming `goal`.
async fn unknown_to_partner(w: &World, c: &str, goal: &str) {
    assert!(!listed(w, &w.partner).await.contains(&c.to_owned()), "listed to the partner");
    let csv = w.export(&w.partner, "").await;
    assert_eq!(csv.status.as_u16(), 200);
    assert!(!csv.text.contains(c) && !csv.text.contains(goal), "exported to the partner: {}", csv.text);
    let deadlines = w.app.get("/api/v1/deadlines?pageSize=200", &w.partner).await;
    assert!(!deadlines.ok(200).to_string().contains(c), "a deadline of it shown to the partner");
    let answers = [
        w.app.get(&format!("/api/v1/contributions/{c}"), &w.partner).await,
        w.app.get(&format!("/api/v1/contributions/{c}/transitions"), &w.partner).await,
        w.app.get(&format!("/api/v1/contributions/{c}/check-ins"), &w.partner).await,
        w.act(&w.partner, c, "agree", None).await,
        patch(w, &w.partner, c).await,
    ];
    for answer in answers {
        assert_eq!(answer.problem(404), Vec::<String>::new());
        assert!(!answer.text.contains(goal), "{}", answer.text);
    }
}

#[tokio::test]
async fn a_partner_neither_sees_nor_agrees_to_a_promise_to_a_draft_agenda() {
    let w = World::new().await;
    let area = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await;
    let municipality = area.ok(200)["municipalityId"].as_str().unwrap().to_owned();
    let north = w.app.area(&municipality, "WB-NOORD").await;
    w.app.add_partner(&north, &w.police).await;
    w.adopt_analysis(&north).await;
    let body = json!({"areaId": north, "kind": "agenda", "periodStart": 2027});
    let created = w.app.post("/api/v1/documents", &w.coordinator, &body).await;
    let draft = created.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    w.save(&draft, 1, agenda_content(&["GEHEIM1"])).await;
    w.app.get(&format!("/api/v1/documents/{draft}"), &w.partner).await.problem(404);

    let mut proposal = w.proposal("GEHEIM1", &w.police);
    proposal["agendaDocumentId"] = json!(draft);
    let c = id(&w.app.post("/api/v1/contributions", &w.coordinator, &proposal).await);
    assert!(listed(&w, &w.coordinator).await.contains(&c), "the municipality sees its own proposal");
    unknown_to_partner(&w, &c, "GEHEIM1").await;
    let filtered = w.app.get(&format!("/api/v1/contributions?agendaDocumentId={draft}"), &w.partner).await;
    assert_eq!(filtered.ok(200)["results"], json!([]));

    // Once the agenda is submitted, and so readable to partners, the partner sees the promise and agrees.
    w.act_on_version(&draft, 1, "submit").await.ok(200);
    assert_eq!(w.app.get(&format!("/api/v1/contributions/{c}"), &w.partner).await.ok(200)["goalKey"], "GEHEIM1");
    assert_eq!(w.act(&w.partner, &c, "agree", None).await.ok(200)["status"], "committed");
}

#[tokio::test]
async fn a_partner_does_not_agree_to_a_goal_that_is_only_in_the_draft_of_an_agenda_it_reads() {
    let w = World::new().await;
    w.act_on_version(&w.agenda, 1, "adopt").await.ok(200);
    let next = w.app.post(&format!("/api/v1/documents/{}/versions", w.agenda), &w.coordinator, &json!({})).await;
    assert_eq!(next.ok(201)["number"], 2);
    w.save(&w.agenda, 2, agenda_content(&["G1", "G2", "GEHEIM3"])).await;

    let c = id(&w.app.post("/api/v1/contributions", &w.coordinator, &w.proposal("GEHEIM3", &w.police)).await);
    // Neither listed, exported, shown as a deadline, read nor agreed to.
    unknown_to_partner(&w, &c, "GEHEIM3").await;
    assert!(listed(&w, &w.coordinator).await.contains(&c), "the municipality sees its own proposal");
    assert_eq!(w.app.get(&format!("/api/v1/contributions/{c}"), &w.coordinator).await.ok(200)["status"], "proposed");
    // Nor does it propose to that goal: the goals it is told of are those it may read.
    let own = w.propose(&w.partner, "GEHEIM3").await;
    assert_eq!(own.problem(400), ["goalKey"]);
    assert!(own.text.contains("goals are G1, G2"), "{}", own.text);

    w.act_on_version(&w.agenda, 2, "submit").await.ok(200);
    assert_eq!(w.act(&w.partner, &c, "agree", None).await.ok(200)["status"], "committed");
}
