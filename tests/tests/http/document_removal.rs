//! A wrong period does not block an area for good (issue 17, item 4): a document that was never adopted can
//! be removed (audited), a document whose every version is withdrawn gives its years back, and each refusal
//! names its real cause.

use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

struct Area {
    app: TestApp,
    m: String,
    area: String,
    coordinator: String,
}

async fn area() -> Area {
    let app = TestApp::spawn().await;
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-OOST").await;
    let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
    Area { app, m, area, coordinator }
}

fn goals() -> Value {
    json!({"vision": "Veilige kernen", "goals": [
        {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 1, "municipalityRole": "direct"}]})
}

impl Area {
    async fn create(&self, kind: &str, year: i32) -> Reply {
        let body = if kind == "agenda" {
            json!({"areaId": self.area, "kind": kind, "periodStart": year})
        } else {
            json!({"areaId": self.area, "kind": kind, "year": year})
        };
        self.app.post("/api/v1/documents", &self.coordinator, &body).await
    }

    async fn document(&self, kind: &str, year: i32) -> String {
        self.create(kind, year).await.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    async fn save(&self, doc: &str, n: i64, content: Value) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await
    }

    async fn act(&self, doc: &str, n: i64, action: &str, note: Option<&str>) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action, "note": note}))).await
    }

    async fn adopted(&self, kind: &str, year: i32, content: Value) -> String {
        let doc = self.document(kind, year).await;
        self.save(&doc, 1, content).await.ok(200);
        self.act(&doc, 1, "submit", None).await.ok(200);
        self.act(&doc, 1, "adopt", None).await.ok(200);
        doc
    }

    async fn remove(&self, token: &str, doc: &str) -> Reply {
        let path = format!("/api/v1/documents/{doc}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        self.app.delete(&path, token, &etag).await
    }
}

#[tokio::test]
async fn a_document_that_was_never_adopted_is_removed_by_whoever_may_write_it_and_the_removal_is_audited() {
    let a = area().await;
    let doc = a.document("agenda", 2027).await;
    a.save(&doc, 1, goals()).await.ok(200);
    a.act(&doc, 1, "submit", None).await.ok(200);
    let path = format!("/api/v1/documents/{doc}");

    TestApp::send(a.app.request(Method::DELETE, &path, Some(&a.coordinator))).await.problem(428);
    a.app.delete(&path, &a.coordinator, "\"99\"").await.problem(412);
    let viewer = a.app.token(json!({"role": "viewer", "municipalityId": a.m})).await;
    a.remove(&viewer, &doc).await.problem(403);
    let west = a.app.area(&a.m, "WB-WEST").await;
    let other_editor = a.app.token(json!({"role": "area_editor", "municipalityId": a.m, "areaIds": [west]})).await;
    a.remove(&other_editor, &doc).await.problem(403);
    let elsewhere = a.app.municipality("Oldambt").await;
    let outsider = a.app.token(json!({"role": "coordinator", "municipalityId": elsewhere})).await;
    a.remove(&outsider, &doc).await.problem(404);
    a.app.get(&path, &a.coordinator).await.ok(200);

    let editor = a.app.token(json!({"role": "area_editor", "municipalityId": a.m, "areaIds": [a.area]})).await;
    let removed = a.remove(&editor, &doc).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    a.app.get(&path, &a.coordinator).await.problem(404);
    a.app.get(&format!("{path}/versions/1"), &a.coordinator).await.problem(404);
    a.app.delete(&path, &a.coordinator, "*").await.problem(404);

    let trail =
        a.app.get(&format!("/api/v1/audit-events?resourceId={doc}&action=document.deleted"), &a.app.admin).await;
    let trail = trail.ok(200)["results"].as_array().unwrap().clone();
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0]["changes"]["old"]["id"], doc.as_str());
    assert_eq!(trail[0]["changes"]["new"], Value::Null);
    assert!(trail[0]["actor"].is_object() || trail[0]["actorName"].is_string(), "{}", trail[0]);
    let feed = a.app.get("/api/v1/events?types=document.deleted", &a.coordinator).await;
    assert_eq!(feed.ok(200)["results"][0]["resourceId"], doc.as_str());
    // Its years are free again: the agenda of the right period is made.
    a.create("agenda", 2027).await.ok(201);
    tests::invariants::assert_hold(&a.app.db).await;
}

#[tokio::test]
async fn a_document_that_was_ever_adopted_or_has_contributions_is_not_removed_and_the_answer_says_why() {
    let a = area().await;
    let analysis = a.adopted("analysis", 2026, json!({"summary": "Vergrijzing"})).await;
    let refused = a.remove(&a.coordinator, &analysis).await;
    refused.problem(409);
    assert!(
        refused.body["detail"].as_str().unwrap().contains("version 1 of this document was adopted"),
        "{}",
        refused.text
    );
    // Also once superseded, and not for an administrator either.
    let next = a.app.post(&format!("/api/v1/documents/{analysis}/versions"), &a.coordinator, &json!({})).await;
    assert_eq!(next.ok(201)["number"], 2);
    a.act(&analysis, 2, "submit", None).await.ok(200);
    a.act(&analysis, 2, "adopt", None).await.ok(200);
    a.remove(&a.app.admin, &analysis).await.problem(409);

    let agenda = a.document("agenda", 2027).await;
    a.save(&agenda, 1, goals()).await.ok(200);
    a.act(&agenda, 1, "submit", None).await.ok(200);
    let police = a.app.organisation("Politie Oost-Nederland", "police").await;
    a.app.add_partner(&a.area, &police).await;
    let proposal = json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": police,
                          "title": "Wijkagent", "kind": "capacity"});
    let c = a.app.post("/api/v1/contributions", &a.coordinator, &proposal).await.id();
    let kept = a.remove(&a.coordinator, &agenda).await;
    kept.problem(409);
    assert!(kept.body["detail"].as_str().unwrap().contains("contributions were made to this agenda"), "{}", kept.text);
    a.app.get(&format!("/api/v1/contributions/{c}"), &a.coordinator).await.ok(200);
    a.app.get(&format!("/api/v1/documents/{agenda}"), &a.coordinator).await.ok(200);
}

#[tokio::test]
async fn a_withdrawn_agenda_gives_its_years_back_and_no_longer_stands_for_the_agenda_in_force() {
    let a = area().await;
    a.adopted("analysis", 2027, json!({"summary": "Vergrijzing"})).await;
    let wrong = a.document("agenda", 2027).await;
    let blocked = a.create("agenda", 2028).await;
    blocked.problem(409);
    let detail = blocked.body["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("the agenda period 2028–2031 overlaps the area's agenda for 2027–2030"), "{detail}");
    assert!(detail.contains("agenda periods of one area never overlap"), "{detail}");

    a.act(&wrong, 1, "withdraw", Some("verkeerde periode")).await.ok(200);
    let right = a.create("agenda", 2028).await.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    a.save(&right, 1, goals()).await.ok(200);
    a.act(&right, 1, "submit", None).await.ok(200);
    a.act(&right, 1, "adopt", None).await.ok(200);
    // A plan for 2029 finds the agenda in force through the right agenda, not the withdrawn one.
    let plan = a.document("plan", 2029).await;
    let measures =
        json!({"measures": [{"key": "M1", "title": "Buurtpreventie", "kind": "activity", "goalKeys": ["G1"]}]});
    a.save(&plan, 1, measures).await.ok(200);

    // Working on the withdrawn agenda again would take its years back: refused, by its cause.
    let again = a.app.post(&format!("/api/v1/documents/{wrong}/versions"), &a.coordinator, &json!({})).await;
    again.problem(409);
    let detail = again.body["detail"].as_str().unwrap();
    assert!(detail.contains("the agenda period 2027–2030 overlaps the area's agenda for 2028–2031"), "{detail}");
    // It was never adopted, so it can go.
    assert_eq!(a.remove(&a.coordinator, &wrong).await.status, 204);
    tests::invariants::assert_hold(&a.app.db).await;
}

#[tokio::test]
async fn a_withdrawn_document_worked_on_again_takes_its_year_back_and_duplicates_are_told_as_such() {
    let a = area().await;
    let analysis = a.document("analysis", 2026).await;
    let duplicate = a.create("analysis", 2026).await;
    duplicate.problem(409);
    let detail = duplicate.body["detail"].as_str().unwrap();
    assert!(detail.contains("the area already has an analysis for 2026"), "{detail}");
    assert!(detail.contains("an area has one analysis per year") && !detail.contains("agenda"), "{detail}");
    a.document("plan", 2026).await;
    let plan = a.create("plan", 2026).await;
    plan.problem(409);
    assert!(plan.body["detail"].as_str().unwrap().contains("an area has one plan per year"), "{}", plan.text);
    a.document("monitor", 2026).await;
    let monitor = a.create("monitor", 2026).await;
    monitor.problem(409);
    assert!(monitor.body["detail"].as_str().unwrap().contains("a monitor for 2026"), "{}", monitor.text);

    a.act(&analysis, 1, "withdraw", Some("dubbel")).await.ok(200);
    let next = a.app.post(&format!("/api/v1/documents/{analysis}/versions"), &a.coordinator, &json!({})).await;
    assert_eq!(next.ok(201)["number"], 2, "its year was free, so it is taken again");
    a.create("analysis", 2026).await.problem(409);
}
