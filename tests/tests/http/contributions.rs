//! Contributions of partners to agenda goals: both journeys to agreement, check-ins, agenda rule 4, partner
//! scope, and the CSV export and import (SPEC §3 rule 4, §6, §7).

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

/// An area with an adopted analysis, a submitted agenda (goals G1 and G2), the police as its partner with a
/// token, and a second area where the police takes no part. Other test files build on it too.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) area: String,
    pub(crate) agenda: String,
    pub(crate) police: String,
    pub(crate) coordinator: String,
    pub(crate) partner: String,
    other_agenda: String,
    pub(crate) housing: String,
}

pub(crate) fn agenda_content(goals: &[&str]) -> Value {
    let goals: Vec<_> = goals
        .iter()
        .enumerate()
        .map(|(i, g)| json!({"key": g, "title": format!("Doel {g}"), "theme": "safety", "priority": i + 1, "municipalityRole": "direct"}))
        .collect();
    json!({"vision": "Veilige en leefbare kernen", "goals": goals})
}

impl World {
    pub(crate) async fn new() -> World {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
        let m = app.municipality("West Betuwe").await;
        let area = app.area(&m, "WB-OOST").await;
        let elsewhere = app.area(&m, "WB-WEST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        let housing = app.organisation("Woningcorporatie Kleurrijk Wonen", "housing_corporation").await;
        app.add_partner(&area, &police).await;
        app.add_partner(&area, &housing).await;
        app.add_partner(&elsewhere, &housing).await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        let mut w = World {
            app,
            area: area.clone(),
            agenda: String::new(),
            police,
            coordinator,
            partner,
            other_agenda: String::new(),
            housing,
        };
        w.adopt_analysis(&area).await;
        w.agenda = w.submitted_agenda(&area, &["G1", "G2"]).await;
        w.adopt_analysis(&elsewhere).await;
        w.other_agenda = w.submitted_agenda(&elsewhere, &["G1"]).await;
        w
    }

    pub(crate) async fn act_on_version(&self, doc: &str, n: i64, action: &str) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await
    }

    pub(crate) async fn save(&self, doc: &str, n: i64, content: Value) {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await.ok(200);
    }

    pub(crate) async fn adopt_analysis(&self, area: &str) {
        let body = json!({"areaId": area, "kind": "analysis", "year": 2026});
        let doc = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        let doc = doc.ok(201)["document"]["id"].as_str().unwrap().to_owned();
        self.save(&doc, 1, json!({"summary": "Inbraken nemen toe"})).await;
        self.act_on_version(&doc, 1, "submit").await.ok(200);
        self.act_on_version(&doc, 1, "adopt").await.ok(200);
    }

    async fn submitted_agenda(&self, area: &str, goals: &[&str]) -> String {
        let body = json!({"areaId": area, "kind": "agenda", "periodStart": 2027});
        let doc = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        let doc = doc.ok(201)["document"]["id"].as_str().unwrap().to_owned();
        self.save(&doc, 1, agenda_content(goals)).await;
        self.act_on_version(&doc, 1, "submit").await.ok(200);
        doc
    }

    pub(crate) fn proposal(&self, goal: &str, organisation: &str) -> Value {
        json!({"agendaDocumentId": self.agenda, "goalKey": goal, "organisationId": organisation,
               "title": "Wijkagent twee dagdelen per week in de kern", "kind": "capacity",
               "amount": 0.2, "unit": "fte", "dueDate": "2027-12-31"})
    }

    pub(crate) async fn propose(&self, token: &str, goal: &str) -> Reply {
        self.app.post("/api/v1/contributions", token, &self.proposal(goal, &self.police)).await
    }

    pub(crate) async fn act(&self, token: &str, id: &str, action: &str, note: Option<&str>) -> Reply {
        let path = format!("/api/v1/contributions/{id}");
        let etag = self.app.get(&path, token).await.header("etag").unwrap_or("*").to_owned();
        let body = match note {
            Some(n) => json!({"action": action, "note": n}),
            None => json!({"action": action}),
        };
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(token));
        TestApp::send(request.header("If-Match", etag).json(&body)).await
    }

    pub(crate) async fn check_in(&self, token: &str, id: &str, body: Value) -> Reply {
        self.app.post(&format!("/api/v1/contributions/{id}/check-ins"), token, &body).await
    }

    async fn event_types(&self, id: &str) -> Vec<String> {
        let trail = self.app.get(&format!("/api/v1/audit-events?resourceId={id}&pageSize=200"), &self.app.admin).await;
        let mut types: Vec<_> = trail.ok(200)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        types.sort();
        types
    }

    pub(crate) async fn export(&self, token: &str, query: &str) -> Reply {
        let request = self.app.request(Method::GET, &format!("/api/v1/contributions{query}"), Some(token));
        TestApp::send(request.header("Accept", "text/csv")).await
    }

    pub(crate) async fn import(&self, token: &str, csv: Vec<u8>) -> Reply {
        let request = self.app.request(Method::POST, "/api/v1/contributions/imports", Some(token));
        TestApp::send(request.header("Content-Type", "text/csv").body(csv)).await
    }

    async fn titles(&self) -> Vec<String> {
        let list = self.app.get("/api/v1/contributions?pageSize=200", &self.coordinator).await;
        let mut titles: Vec<_> = list.ok(200)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect();
        titles.sort();
        titles
    }
}

pub(crate) fn id(r: &Reply) -> String {
    r.body["id"].as_str().unwrap_or_else(|| panic!("no id in {}", r.text)).to_owned()
}

#[tokio::test]
async fn a_partner_proposes_the_coordinator_agrees_and_the_partner_reports_and_delivers() {
    let w = World::new().await;
    let proposed = w.propose(&w.partner, "G1").await;
    assert_eq!(proposed.ok(201)["status"], "proposed");
    assert_eq!(proposed.body["proposedBy"], "partner");
    assert_eq!(proposed.body["areaId"], w.area.as_str());
    let c = id(&proposed);

    assert_eq!(w.act(&w.partner, &c, "agree", None).await.problem(403), Vec::<String>::new());
    let agreed = w.act(&w.coordinator, &c, "agree", None).await;
    assert_eq!(agreed.ok(200)["status"], "committed");
    assert!(agreed.body["committedAt"].is_string());
    assert_eq!(w.act(&w.partner, &c, "start", None).await.ok(200)["status"], "in_progress");

    let report = json!({"date": "2026-11-20", "progressPercent": 40, "currentValue": 0.1, "confidence": "on_track",
                        "note": "Spreekuur in het dorpshuis loopt"});
    let checked = w.check_in(&w.partner, &c, report).await;
    assert_eq!(checked.ok(201)["progressPercent"], 40);
    let location = checked.header("location").unwrap().to_owned();
    assert_eq!(w.app.get(&location, &w.coordinator).await.ok(200)["note"], "Spreekuur in het dorpshuis loopt");
    let list = w.app.get(&format!("/api/v1/contributions/{c}/check-ins"), &w.partner).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 1);

    assert_eq!(w.act(&w.partner, &c, "deliver", None).await.ok(200)["status"], "delivered");
    let history = w.app.get(&format!("/api/v1/contributions/{c}/transitions"), &w.partner).await;
    let steps: Vec<_> =
        history.ok(200)["results"].as_array().unwrap().iter().map(|t| t["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["agree", "start", "deliver"]);
    assert_eq!(
        w.event_types(&c).await,
        ["contribution.committed", "contribution.delivered", "contribution.proposed", "contribution.started"]
    );
    let check_in_id = checked.body["id"].as_str().unwrap();
    assert_eq!(w.event_types(check_in_id).await, ["checkin.created"]);
    // A delivered contribution is closed: no edits, no transitions, no reports.
    let etag = w.app.get(&format!("/api/v1/contributions/{c}"), &w.partner).await.etag();
    w.app
        .patch(&format!("/api/v1/contributions/{c}"), &w.partner, &etag, &json!({"title": "Anders"}))
        .await
        .problem(409);
    w.act(&w.partner, &c, "withdraw", Some("toch niet")).await.problem(409);
    let late = json!({"date": "2026-11-23", "progressPercent": 100, "confidence": "on_track"});
    w.check_in(&w.partner, &c, late).await.problem(409);
}

#[tokio::test]
async fn the_municipality_proposes_and_the_partner_agrees() {
    let w = World::new().await;
    let proposed = w.propose(&w.coordinator, "G2").await;
    assert_eq!(proposed.ok(201)["proposedBy"], "municipality");
    let c = id(&proposed);
    w.act(&w.coordinator, &c, "agree", None).await.problem(403);
    assert_eq!(w.act(&w.partner, &c, "agree", None).await.ok(200)["status"], "committed");
}

#[tokio::test]
async fn a_substantive_change_to_a_commitment_makes_it_a_proposal_of_the_side_that_changed_it() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    let path = format!("/api/v1/contributions/{c}");

    let etag = w.app.get(&path, &w.partner).await.etag();
    let explained = w.app.patch(&path, &w.partner, &etag, &json!({"description": "Samen met de BOA's"})).await;
    assert_eq!(explained.ok(200)["status"], "committed", "a description is not what was agreed");

    let etag = explained.etag();
    let less = w.app.patch(&path, &w.partner, &etag, &json!({"amount": 0.1})).await;
    assert_eq!(less.ok(200)["status"], "proposed");
    assert_eq!(less.body["proposedBy"], "partner");
    w.act(&w.partner, &c, "agree", None).await.problem(403);
    assert_eq!(w.act(&w.coordinator, &c, "agree", None).await.ok(200)["status"], "committed");
    w.app.patch(&path, &w.partner, &etag, &json!({"amount": 0.3})).await.problem(412);
    assert!(w.event_types(&c).await.iter().filter(|t| *t == "contribution.proposed").count() == 2);
}

#[tokio::test]
async fn a_withdrawal_needs_a_note_and_a_broken_commitment_stays_visible() {
    let w = World::new().await;
    let kept = id(&w.propose(&w.coordinator, "G1").await);
    let broken = id(&w.propose(&w.coordinator, "G2").await);
    let never = id(&w.propose(&w.coordinator, "G2").await);
    w.act(&w.partner, &kept, "agree", None).await.ok(200);
    w.act(&w.partner, &broken, "agree", None).await.ok(200);
    assert_eq!(w.act(&w.partner, &broken, "withdraw", None).await.problem(400), ["note"]);
    let withdrawn = w.act(&w.partner, &broken, "withdraw", Some("Geen capaciteit meer door reorganisatie")).await;
    assert_eq!(withdrawn.ok(200)["status"], "withdrawn");
    assert_eq!(withdrawn.body["withdrawnAfterCommitment"], true);
    let plain = w.act(&w.coordinator, &never, "withdraw", Some("dubbel ingevoerd")).await;
    assert_eq!(plain.ok(200)["withdrawnAfterCommitment"], false);
    let list = w.app.get("/api/v1/contributions?withdrawnAfterCommitment=true", &w.coordinator).await;
    let ids: Vec<_> = list.ok(200)["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [broken.as_str()]);
    assert!(w.event_types(&broken).await.contains(&"contribution.withdrawn".to_owned()));
}

#[tokio::test]
async fn transitions_need_the_current_etag() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    let path = format!("/api/v1/contributions/{c}/transitions");
    w.app.post(&path, &w.partner, &json!({"action": "agree"})).await.problem(428);
    let stale = w.app.request(Method::POST, &path, Some(&w.partner)).header("If-Match", "\"99\"");
    TestApp::send(stale.json(&json!({"action": "agree"}))).await.problem(412);
    assert_eq!(w.app.get(&format!("/api/v1/contributions/{c}"), &w.partner).await.ok(200)["status"], "proposed");
}

#[tokio::test]
async fn what_a_contribution_points_at_must_exist_and_every_problem_is_named() {
    let w = World::new().await;
    let mut bad = w.proposal("G9", &w.housing);
    bad["title"] = json!(" ");
    bad["amount"] = json!(-2);
    bad["unit"] = json!(null);
    let names = w.app.post("/api/v1/contributions", &w.coordinator, &bad).await.problem(400);
    assert_eq!(names, ["title", "amount", "goalKey"], "the terms and what they point at, at once");

    let outsider = w.app.organisation("Stichting Elders", "welfare").await;
    let unknown = w.app.post("/api/v1/contributions", &w.coordinator, &w.proposal("G9", &outsider)).await;
    assert_eq!(unknown.problem(400), ["organisationId", "goalKey"]);
    let mut not_agenda = w.proposal("G1", &w.police);
    not_agenda["agendaDocumentId"] = json!(uuid::Uuid::now_v7());
    assert_eq!(
        w.app.post("/api/v1/contributions", &w.coordinator, &not_agenda).await.problem(400),
        ["agendaDocumentId"]
    );
    let mut unknown_field = w.proposal("G1", &w.police);
    unknown_field["status"] = json!("committed");
    assert_eq!(w.app.post("/api/v1/contributions", &w.partner, &unknown_field).await.problem(400), ["status"]);
}

#[tokio::test]
async fn a_partner_acts_only_on_its_own_organisation_in_its_own_areas() {
    let w = World::new().await;
    let housing_token = w.app.token(json!({"role": "partner", "organisationId": w.housing})).await;
    let theirs = id(&w.app.post("/api/v1/contributions", &w.coordinator, &w.proposal("G1", &w.housing)).await);
    let mine = id(&w.propose(&w.partner, "G1").await);

    w.app.get(&format!("/api/v1/contributions/{theirs}"), &w.partner).await.problem(404);
    w.act(&w.partner, &theirs, "agree", None).await.problem(404);
    let list = w.app.get("/api/v1/contributions", &w.partner).await;
    let ids: Vec<_> = list.ok(200)["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [mine.as_str()], "the list is the partner's own");
    let filtered = w.app.get(&format!("/api/v1/contributions?organisationId={}", w.housing), &w.partner).await;
    assert_eq!(filtered.ok(200)["results"].as_array().unwrap().len(), 0);

    w.app.post("/api/v1/contributions", &w.partner, &w.proposal("G1", &w.housing)).await.problem(403);
    let mut elsewhere = w.proposal("G1", &w.police);
    elsewhere["agendaDocumentId"] = json!(w.other_agenda);
    assert_eq!(w.app.post("/api/v1/contributions", &w.partner, &elsewhere).await.problem(400), ["agendaDocumentId"]);

    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"]})).await;
    assert_eq!(w.app.get(&format!("/api/v1/contributions/{theirs}"), &viewer).await.ok(200)["id"], theirs.as_str());
    w.act(&viewer, &theirs, "withdraw", Some("nee")).await.problem(403);
    w.app.post("/api/v1/contributions", &viewer, &w.proposal("G1", &w.police)).await.problem(403);
    assert_eq!(w.act(&housing_token, &theirs, "agree", None).await.ok(200)["status"], "committed");
}

#[tokio::test]
async fn progress_is_reported_on_agreed_contributions_about_the_past_only() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    let report = json!({"date": "2026-11-23", "progressPercent": 10, "confidence": "at_risk"});
    w.check_in(&w.partner, &c, report.clone()).await.problem(409);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    let future = json!({"date": "2026-11-24", "progressPercent": 101, "confidence": "at_risk"});
    assert_eq!(w.check_in(&w.partner, &c, future).await.problem(400), ["date", "progressPercent"]);
    // 23:30 in Amsterdam on 23 November is 22:30 UTC: still the 23rd there, so a report dated the 24th is refused
    // and one dated the 23rd is accepted.
    w.app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 22, 30, 0).unwrap());
    let tomorrow = json!({"date": "2026-11-24", "progressPercent": 10, "confidence": "at_risk"});
    assert_eq!(w.check_in(&w.partner, &c, tomorrow.clone()).await.problem(400), ["date"]);
    w.app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap());
    w.check_in(&w.partner, &c, tomorrow).await.ok(201);
    w.check_in(&w.coordinator, &c, report.clone()).await.ok(201);
    let m = w.app.get(&format!("/api/v1/areas/{}", w.area), &w.coordinator).await.body["municipalityId"].clone();
    let editor = w.app.token(json!({"role": "area_editor", "municipalityId": m, "areaIds": [w.area]})).await;
    w.check_in(&editor, &c, report).await.problem(403);
    let list = w.app.get(&format!("/api/v1/contributions/{c}/check-ins"), &editor).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 2, "the editor reads them");
}

/// A report is the contribution read once and, on PostgreSQL, everything it writes (the check-in, its audit
/// and domain event, the change counter and the contribution's revision) in one statement; the trail is
/// still all there, and the contribution's ETag moves with it.
#[tokio::test]
async fn a_check_in_takes_a_fixed_number_of_statements_and_writes_its_whole_trail() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    w.act(&w.partner, &c, "agree", None).await.ok(200);
    let mut counts = Vec::new();
    for (token, day) in [(&w.partner, "2026-11-20"), (&w.partner, "2026-11-21"), (&w.coordinator, "2026-11-22")] {
        let etag = w.app.get(&format!("/api/v1/contributions/{c}"), token).await.etag();
        let before = w.app.db.statements();
        let reported =
            w.check_in(token, &c, json!({"date": day, "progressPercent": 10, "confidence": "on_track"})).await;
        counts.push(w.app.db.statements() - before);
        reported.ok(201);
        let check_in = id(&reported);
        let after = w.app.get(&format!("/api/v1/contributions/{c}"), token).await;
        assert_ne!(after.etag(), etag, "the ETag moves with a report");
        assert_eq!(after.body["latestCheckIn"]["id"], check_in.as_str());
        assert_eq!(w.event_types(&check_in).await, ["checkin.created"], "its audit event");
    }
    let feed = w.app.get("/api/v1/events?pageSize=200", &w.app.admin).await;
    let reported =
        feed.ok(200)["results"].as_array().unwrap().iter().filter(|e| e["type"] == "checkin.created").count();
    assert_eq!(reported, 3, "a domain event for each report");
    // On SQLite each write is its own statement and the token is read from the database; on PostgreSQL the
    // token comes from memory after its first use.
    let expected = if tests::on_postgres() { 2 } else { 6 };
    assert_eq!(&counts[1..], [expected, expected], "reports took {counts:?} statements");
}

#[tokio::test]
async fn an_agenda_is_not_adopted_while_a_contribution_to_it_is_proposed() {
    let w = World::new().await;
    let c = id(&w.propose(&w.partner, "G1").await);
    let readiness = w.app.get(&format!("/api/v1/documents/{}/versions/1/readiness", w.agenda), &w.coordinator).await;
    let blocking: Vec<_> =
        readiness.ok(200)["blocking"].as_array().unwrap().iter().map(|b| b["rule"].clone()).collect();
    assert_eq!(blocking, [json!("agenda_contributions_proposed")]);
    let warnings: Vec<_> = readiness.body["warnings"].as_array().unwrap().iter().map(|b| b["path"].clone()).collect();
    assert_eq!(warnings, [json!("content.goals[1]")], "G2 has no contribution");

    let refused = w.act_on_version(&w.agenda, 1, "adopt").await;
    assert_eq!(refused.problem(409), Vec::<String>::new());
    assert_eq!(refused.body["brokenRules"][0]["rule"], "agenda_contributions_proposed");

    w.act(&w.coordinator, &c, "agree", None).await.ok(200);
    w.act_on_version(&w.agenda, 1, "adopt").await.ok(200);

    // Version 2 drops G1, which still has a live contribution.
    let v2 = w.app.post(&format!("/api/v1/documents/{}/versions", w.agenda), &w.coordinator, &json!({})).await;
    v2.ok(201);
    w.save(&w.agenda, 2, agenda_content(&["G2"])).await;
    w.act_on_version(&w.agenda, 2, "submit").await.ok(200);
    let refused = w.act_on_version(&w.agenda, 2, "adopt").await;
    refused.problem(409);
    assert_eq!(refused.body["brokenRules"][0]["rule"], "agenda_goal_dropped_with_contributions");
    w.act(&w.partner, &c, "withdraw", Some("Doel vervalt in de herijking")).await.ok(200);
    w.act_on_version(&w.agenda, 2, "adopt").await.ok(200);
}

#[tokio::test]
async fn the_list_filters_in_sql() {
    let w = World::new().await;
    let a = id(&w.propose(&w.coordinator, "G1").await);
    let mut later = w.proposal("G2", &w.police);
    later["dueDate"] = json!("2028-06-30");
    let b = id(&w.app.post("/api/v1/contributions", &w.coordinator, &later).await);
    w.act(&w.partner, &b, "agree", None).await.ok(200);
    let ids = |r: Reply| -> Vec<String> {
        r.ok(200)["results"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
    };
    let w = &w;
    let q = |query: String| async move { w.app.get(&format!("/api/v1/contributions?{query}"), &w.coordinator).await };
    assert_eq!(ids(q("goalKey=G2".into()).await), [b.as_str()]);
    assert_eq!(ids(q("status=proposed".into()).await), [a.as_str()]);
    assert_eq!(ids(q("dueBefore=2028-01-01".into()).await), [a.as_str()]);
    assert_eq!(
        ids(q(format!("agendaDocumentId={}&organisationId={}", w.agenda, w.police)).await),
        [a.clone(), b.clone()]
    );
    assert_eq!(ids(q(format!("areaId={}", uuid::Uuid::now_v7())).await).len(), 0);
    assert_eq!(q("status=lost".into()).await.problem(400), ["status"]);
    assert_eq!(q("dueBefore=31-12-2027".into()).await.problem(400), ["dueBefore"]);
    let page = q("pageSize=1".into()).await;
    let next = page.ok(200)["next"].as_str().unwrap().to_owned();
    let rest = w.app.client.get(next).bearer_auth(&w.coordinator).send().await.unwrap();
    assert_eq!(rest.json::<Value>().await.unwrap()["results"][0]["id"], b.as_str());
}

/// Reads CSV text into rows of cells.
pub(crate) fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// Writes rows the way a Dutch spreadsheet saves them: semicolons, a byte-order mark, decimal commas.
fn dutch(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| if c.parse::<f64>().is_ok() && c.contains('.') { c.replace('.', ",") } else { c.clone() })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[tokio::test]
async fn an_exported_csv_edited_in_a_spreadsheet_imports_back_as_edited() {
    let w = World::new().await;
    id(&w.propose(&w.coordinator, "G1").await);
    let committed = id(&w.propose(&w.coordinator, "G2").await);
    w.act(&w.partner, &committed, "agree", None).await.ok(200);

    let export = w.export(&w.coordinator, "").await;
    assert_eq!(export.status, 200, "{}", export.text);
    assert_eq!(export.header("content-type"), Some("text/csv; charset=utf-8"));
    let mut table = rows(&export.text);
    assert_eq!(table.len(), 3);
    let header = table[0].clone();
    let (title, amount, id_col) = (column(&header, "title"), column(&header, "amount"), column(&header, "id"));
    let row = table.iter().position(|r| r[id_col] == committed).unwrap();
    table[row][title] = "Wijkagent drie dagdelen, ook in de zomer".into();
    table[row][amount] = "0.3".into();
    let mut new = vec![String::new(); header.len()];
    new[column(&header, "agendaDocumentId")] = w.agenda.clone();
    new[column(&header, "goalKey")] = "G2".into();
    new[column(&header, "organisationId")] = w.housing.clone();
    new[title] = "Huismeester aanspreekpunt voor de buurtapp".into();
    new[column(&header, "kind")] = "activity".into();
    new[column(&header, "dueDate")] = "01-07-2027".into();
    table.push(new);

    let imported = w.import(&w.coordinator, dutch(&table)).await;
    let result = imported.ok(200);
    assert_eq!(
        (result["created"].clone(), result["updated"].clone(), result["unchanged"].clone()),
        (json!(1), json!(1), json!(1))
    );

    let again = rows(&w.export(&w.coordinator, "").await.text);
    assert_eq!(again.len(), 4);
    let edited = again.iter().find(|r| r[id_col] == committed).unwrap();
    assert_eq!(edited[title], "Wijkagent drie dagdelen, ook in de zomer");
    assert_eq!(edited[amount], "0.3");
    assert_eq!(edited[column(&header, "status")], "proposed", "a new amount is proposed again");
    assert_eq!(edited[column(&header, "proposedBy")], "municipality");
    let added = again.iter().find(|r| r[title] == "Huismeester aanspreekpunt voor de buurtapp").unwrap();
    assert_eq!(added[column(&header, "dueDate")], "2027-07-01");
    assert_eq!(added[column(&header, "status")], "proposed");
    let untouched: Vec<_> = table.iter().skip(1).filter(|r| !r[id_col].is_empty() && r[id_col] != committed).collect();
    let still: Vec<_> = again.iter().filter(|r| r[id_col] == untouched[0][id_col]).collect();
    assert_eq!(still[0], untouched[0], "the row nobody edited exports exactly as before");

    // The partner's export holds its own organisation's rows only.
    let partners = rows(&w.export(&w.partner, "").await.text);
    assert_eq!(partners.len(), 3);
}

#[tokio::test]
async fn a_csv_with_errors_in_several_rows_changes_nothing_and_names_every_row() {
    let w = World::new().await;
    let c = id(&w.propose(&w.coordinator, "G1").await);
    let before = w.titles().await;
    let events_before = persistence::audit::counts(w.app.db.conn()).await.unwrap();
    let csv = format!(
        "id,agendaDocumentId,goalKey,organisationId,title,kind,amount,unit,status,revision\r\n\
         {c},,G1,,Nieuwe titel,capacity,1,fte,,1\r\n\
         ,{agenda},G1,{police},Goed voorstel,activity,,,,\r\n\
         ,{agenda},G9,{police},,capacity,veel,,,\r\n\
         {c},,G1,,Nog een keer,capacity,1,fte,,\r\n\
         {other},,G1,,Bestaat niet,capacity,,,,\r\n\
         ,,G1,{police},Geen agenda,capacity,,,committed,\r\n",
        agenda = w.agenda,
        police = w.police,
        other = uuid::Uuid::now_v7()
    );
    let refused = w.import(&w.coordinator, csv.into_bytes()).await;
    // Row 4's unreadable amount does not hide its empty title or the goal the agenda lacks: one answer names all.
    assert_eq!(
        refused.problem(400),
        [
            "rows[4].amount",
            "rows[4].title",
            "rows[4].goalKey",
            "rows[5].id",
            "rows[6].id",
            "rows[7].agendaDocumentId",
            "rows[7].status"
        ]
    );
    assert!(refused.body["detail"].as_str().unwrap().contains("nothing was imported"));
    assert_eq!(w.titles().await, before, "row 2 and 3 were fine, but nothing was imported");
    assert_eq!(persistence::audit::counts(w.app.db.conn()).await.unwrap(), events_before);

    // A stale revision and what a row points at, at once.
    let csv = format!(
        "id,agendaDocumentId,goalKey,organisationId,title,kind,revision\n\
         {c},,G1,,Nieuwe titel,capacity,7\n\
         ,{agenda},G9,{police},,capacity,\n",
        agenda = w.agenda,
        police = w.police
    );
    let refused = w.import(&w.coordinator, csv.into_bytes()).await;
    assert_eq!(refused.problem(400), ["rows[2].revision", "rows[3].title", "rows[3].goalKey"]);
    assert_eq!(w.titles().await, before);

    let wrong_type = w.app.request(Method::POST, "/api/v1/contributions/imports", Some(&w.coordinator));
    TestApp::send(wrong_type.json(&json!({"title": "x"}))).await.problem(415);
    let unknown = w.import(&w.coordinator, b"colour\nblue\n".to_vec()).await;
    let names = unknown.problem(400);
    assert_eq!(names, ["rows[1].colour", "rows[2].agendaDocumentId", "rows[2].organisationId", "rows[2].kind"]);
    let other_organisation =
        format!("agendaDocumentId,goalKey,organisationId,title,kind\n{},G1,{},Ander,capacity\n", w.agenda, w.housing);
    assert_eq!(w.import(&w.partner, other_organisation.into_bytes()).await.problem(400), ["rows[2]"]);
}

#[tokio::test]
async fn csv_is_served_only_when_asked_for() {
    let w = World::new().await;
    w.propose(&w.coordinator, "G1").await.ok(201);
    let json = w.app.get("/api/v1/contributions", &w.coordinator).await;
    assert_eq!(json.ok(200)["results"].as_array().unwrap().len(), 1);
    let request = w.app.request(Method::GET, "/api/v1/contributions", Some(&w.coordinator));
    TestApp::send(request.header("Accept", "application/xml")).await.problem(406);
    let csv = w.export(&w.coordinator, "?pageSize=10001").await;
    assert_eq!(csv.problem(400), ["pageSize"]);
}

/// Every page of a list, following `next`: the number of results.
async fn count_all(w: &World, first: &str) -> usize {
    let mut count = 0;
    let mut url = first.to_owned();
    loop {
        let page = w.app.get(&url, &w.app.admin).await;
        count += page.ok(200)["results"].as_array().unwrap().len();
        match page.body["next"].as_str() {
            Some(next) => url = next.trim_start_matches(&w.app.address).to_owned(),
            None => return count,
        }
    }
}

/// A change's trail is written at commit in inserts of at most 1,000 rows, and on PostgreSQL as one statement
/// only while it holds at most 30,000 values (PostgreSQL refuses more than 65,535): an import of 3,500 new rows
/// is over all three, and still writes every row's audit event and domain event, once each.
#[tokio::test]
async fn an_import_of_thousands_of_rows_writes_the_trail_of_each() {
    let w = World::new().await;
    let header = rows(&w.export(&w.coordinator, "").await.text)[0].clone();
    let audit_before = count_all(&w, "/api/v1/audit-events?action=contribution.proposed&pageSize=200").await;
    let feed_before = count_all(&w, "/api/v1/events?types=contribution.proposed&pageSize=200").await;
    let mut table = vec![header.clone()];
    for i in 0..3500 {
        let mut new = vec![String::new(); header.len()];
        new[column(&header, "agendaDocumentId")] = w.agenda.clone();
        new[column(&header, "goalKey")] = "G1".into();
        new[column(&header, "organisationId")] = w.housing.clone();
        new[column(&header, "title")] = format!("Huismeester aanspreekpunt {i}");
        new[column(&header, "kind")] = "activity".into();
        new[column(&header, "dueDate")] = "01-07-2027".into();
        table.push(new);
    }
    let imported = w.import(&w.coordinator, dutch(&table)).await;
    assert_eq!(imported.ok(200)["created"], 3500);
    let audit = count_all(&w, "/api/v1/audit-events?action=contribution.proposed&pageSize=200").await;
    assert_eq!(audit - audit_before, 3500, "an audit event for each new row");
    let feed = count_all(&w, "/api/v1/events?types=contribution.proposed&pageSize=200").await;
    assert_eq!(feed - feed_before, 3500, "a domain event for each new row");
}
