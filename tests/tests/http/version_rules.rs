//! What a version's content may refer to (plan owners, assessed contributions) and the one rule set that both
//! readiness and adoption apply (SPEC §3, §4; issue 17 items 1 to 3).

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};
use uuid::Uuid;

/// An area (`WB-OOST`) with a coordinator, the police as its partner, and a second area (`WB-WEST`).
pub(crate) struct Cycle {
    pub(crate) app: TestApp,
    pub(crate) area: String,
    pub(crate) other_area: String,
    pub(crate) coordinator: String,
    pub(crate) police: String,
}

pub(crate) fn agenda() -> Value {
    json!({"vision": "Leefbare en veilige kernen",
           "goals": [
               {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 1, "municipalityRole": "direct",
                "results": [{"key": "G1.R1", "description": "Minder inbraken", "baseline": 42, "target": 30}]},
               {"key": "G2", "title": "Ontmoeting", "theme": "social", "priority": 2, "municipalityRole": "facilitate"}]})
}

pub(crate) fn plan(owner: Option<&str>) -> Value {
    json!({"measures": [
        {"key": "M1", "title": "Buurtpreventie-app", "kind": "activity", "goalKeys": ["G1"], "ownerOrganisationId": owner},
        {"key": "M2", "title": "Ontmoetingsochtend", "kind": "activity", "goalKeys": ["G2"]}]})
}

impl Cycle {
    pub(crate) async fn new() -> Cycle {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2027, 6, 1, 10, 0, 0).unwrap());
        let m = app.municipality("West Betuwe").await;
        let area = app.area(&m, "WB-OOST").await;
        let other_area = app.area(&m, "WB-WEST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        app.add_partner(&area, &police).await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
        Cycle { app, area, other_area, coordinator, police }
    }

    pub(crate) async fn document(&self, area: &str, kind: &str, year: i32) -> String {
        let body = if kind == "agenda" {
            json!({"areaId": area, "kind": kind, "periodStart": year})
        } else {
            json!({"areaId": area, "kind": kind, "year": year})
        };
        let r = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        r.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn save(&self, doc: &str, n: i64, content: Value) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await
    }

    pub(crate) async fn act(&self, doc: &str, n: i64, action: &str) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await
    }

    pub(crate) async fn readiness(&self, doc: &str, n: i64) -> Value {
        let r = self.app.get(&format!("/api/v1/documents/{doc}/versions/{n}/readiness"), &self.coordinator).await;
        r.ok(200).clone()
    }

    /// A document of `kind` in `area` with version 1 holding `content`, submitted.
    pub(crate) async fn submitted(&self, area: &str, kind: &str, year: i32, content: Value) -> String {
        let doc = self.document(area, kind, year).await;
        self.save(&doc, 1, content).await.ok(200);
        self.act(&doc, 1, "submit").await.ok(200);
        doc
    }

    pub(crate) async fn adopted(&self, area: &str, kind: &str, year: i32, content: Value) -> String {
        let doc = self.submitted(area, kind, year, content).await;
        self.act(&doc, 1, "adopt").await.ok(200);
        doc
    }

    /// The analysis of 2026 and the agenda from 2027 adopted in `area`; returns the agenda.
    pub(crate) async fn agenda_in_force(&self, area: &str) -> String {
        self.adopted(area, "analysis", 2026, json!({"summary": "Vergrijzing in de kernen"})).await;
        self.adopted(area, "agenda", 2027, agenda()).await
    }

    /// A contribution of `organisation` to goal G1 of `agenda`, agreed by the coordinator and started.
    pub(crate) async fn contribution(&self, agenda: &str, organisation: &str) -> String {
        let body = json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": organisation,
                          "title": "Wijkagent in de kern", "kind": "capacity"});
        let id = self.app.post("/api/v1/contributions", &self.coordinator, &body).await.id();
        let partner = self.app.token(json!({"role": "partner", "organisationId": organisation})).await;
        for action in ["agree", "start"] {
            let path = format!("/api/v1/contributions/{id}");
            let etag = self.app.get(&path, &partner).await.etag();
            let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&partner));
            TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
        }
        id
    }
}

/// The invalid parameters of a problem as (name, code), sorted by name.
fn problems(r: &Reply) -> Vec<(&str, &str)> {
    let mut found: Vec<_> = r.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    found.sort();
    found
}

fn names(r: &[Value]) -> Vec<&str> {
    r.iter().map(|p| p["rule"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_plans_owners_must_be_partners_of_the_area_in_its_year_and_every_measure_names_a_goal() {
    let c = Cycle::new().await;
    c.agenda_in_force(&c.area).await;
    let outsider = c.app.organisation("Welzijn Elders", "welfare").await;
    let former = c.app.organisation("Oud-partner", "welfare").await;
    let body = json!({"organisationId": former, "since": "2020-01-01", "until": "2026-12-31"});
    c.app.post(&format!("/api/v1/areas/{}/partners", c.area), &c.app.admin, &body).await.ok(201);
    let doc = c.document(&c.area, "plan", 2027).await;
    let content = json!({"measures": [
        {"key": "M1", "title": "Buurtpreventie", "kind": "activity", "goalKeys": ["G1"], "ownerOrganisationId": c.police},
        {"key": "M2", "title": "Schoolroutes", "kind": "project", "goalKeys": ["G1"], "ownerOrganisationId": outsider},
        {"key": "M3", "title": "Spookpartner", "kind": "project", "goalKeys": ["G2"], "ownerOrganisationId": Uuid::now_v7()},
        {"key": "M4", "title": "Zonder doel", "kind": "measure", "goalKeys": []},
        {"key": "M5", "title": "Oud-partner", "kind": "measure", "goalKeys": ["G2"], "ownerOrganisationId": former},
        {"key": "M6", "title": "", "kind": "measure", "goalKeys": ["G9"]}]});
    let r = c.save(&doc, 1, content).await;
    r.problem(400);
    assert_eq!(
        problems(&r),
        [
            ("content.measures[1].ownerOrganisationId", "not_a_partner"),
            ("content.measures[2].ownerOrganisationId", "unknown"),
            ("content.measures[3].goalKeys", "empty"),
            ("content.measures[4].ownerOrganisationId", "not_a_partner"),
            ("content.measures[5].goalKeys[0]", "unknown_goal"),
            ("content.measures[5].title", "required"),
        ]
    );
    let version = c.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &c.coordinator).await;
    assert_eq!(version.body["content"]["measures"], json!([]), "nothing was saved");
    c.save(&doc, 1, plan(Some(&c.police))).await.ok(200);
    // A partnership that runs for part of the plan's year is enough.
    let body = json!({"organisationId": outsider, "since": "2027-09-01"});
    c.app.post(&format!("/api/v1/areas/{}/partners", c.area), &c.app.admin, &body).await.ok(201);
    c.save(&doc, 1, plan(Some(&outsider))).await.ok(200);
}

#[tokio::test]
async fn a_monitor_assesses_only_its_areas_contributions_and_a_delivered_verdict_for_one_in_progress_is_a_warning() {
    let c = Cycle::new().await;
    let agenda = c.agenda_in_force(&c.area).await;
    c.adopted(&c.area, "plan", 2027, plan(Some(&c.police))).await;
    let ours = c.contribution(&agenda, &c.police).await;
    let housing = c.app.organisation("Woningcorporatie", "housing_corporation").await;
    c.app.add_partner(&c.other_area, &housing).await;
    let other_agenda = c.agenda_in_force(&c.other_area).await;
    let theirs = c.contribution(&other_agenda, &housing).await;

    let doc = c.document(&c.area, "monitor", 2027).await;
    let assessed = |contributions: Value| {
        json!({"goalAssessments": [{"goalKey": "G1", "verdict": "achieved"}, {"goalKey": "G2", "verdict": "achieved"}],
               "measureAssessments": [{"measureKey": "M1", "verdict": "executed"}, {"measureKey": "M2", "verdict": "executed"}],
               "contributionAssessments": contributions})
    };
    let content = assessed(json!([
        {"contributionId": ours, "verdict": "delivered"},
        {"contributionId": theirs, "verdict": "delivered"},
        {"contributionId": Uuid::now_v7(), "verdict": "shipped"}]));
    let r = c.save(&doc, 1, content).await;
    r.problem(400);
    assert_eq!(
        problems(&r),
        [
            ("content.contributionAssessments[1].contributionId", "unknown_contribution"),
            ("content.contributionAssessments[2].contributionId", "unknown_contribution"),
            ("content.contributionAssessments[2].verdict", "invalid_value"),
        ]
    );

    c.save(&doc, 1, assessed(json!([{"contributionId": ours, "verdict": "delivered"}]))).await.ok(200);
    c.act(&doc, 1, "submit").await.ok(200);
    let readiness = c.readiness(&doc, 1).await;
    assert_eq!(readiness["ready"], true, "{readiness}");
    let warnings = readiness["warnings"].as_array().unwrap();
    assert_eq!(names(warnings), ["contribution_verdict_unlike_status", "monitor_year_not_ended"]);
    assert_eq!(warnings[0]["path"], "content.contributionAssessments[0].verdict");
}

/// Readiness and adoption apply one rule set: for every version, `ready` says whether adopting succeeds.
#[tokio::test]
async fn readiness_says_ready_exactly_when_adoption_succeeds() {
    let c = Cycle::new().await;
    let a = &c.area;
    let analysis = json!({"summary": "Vergrijzing in de kernen"});
    let draft = c.document(a, "analysis", 2025).await;
    c.save(&draft, 1, analysis.clone()).await.ok(200);
    let empty_analysis = c.submitted(a, "analysis", 2024, json!({"summary": "  "})).await;
    let agenda_without_goals = c.submitted(&c.other_area, "agenda", 2027, json!({"vision": "Nog geen doelen"})).await;
    let plan_without_measures = c.submitted(a, "plan", 2026, json!({"lessonsApplied": "Eerder beginnen"})).await;
    let good_analysis = c.submitted(a, "analysis", 2026, analysis.clone()).await;
    let cases = [
        (draft.clone(), vec!["version_not_submitted"]),
        (empty_analysis, vec!["analysis_without_summary"]),
        (agenda_without_goals, vec!["agenda_without_goals", "agenda_needs_analysis"]),
        (plan_without_measures, vec!["plan_without_measures", "plan_needs_agenda"]),
        (good_analysis.clone(), vec![]),
        // Adopted by now: done with.
        (good_analysis, vec!["version_not_submitted"]),
    ];
    for (doc, blocking) in cases {
        let readiness = c.readiness(&doc, 1).await;
        assert_eq!(names(readiness["blocking"].as_array().unwrap()), blocking, "{readiness}");
        let adopt = c.act(&doc, 1, "adopt").await;
        assert_eq!(readiness["ready"] == true, adopt.status == 200, "readiness {readiness}; adoption {}", adopt.text);
        if adopt.status != 200 {
            let broken: Vec<_> =
                adopt.body["brokenRules"].as_array().unwrap().iter().map(|b| b["rule"].clone()).collect();
            assert_eq!(broken, blocking, "adoption names the rules readiness named");
        }
    }
    assert!(c.readiness(&draft, 1).await["blocking"][0]["message"].as_str().unwrap().contains("submit it first"));

    // A monitor of the year that is running is ready, with a warning.
    c.adopted(a, "agenda", 2027, agenda()).await;
    c.adopted(a, "plan", 2027, plan(Some(&c.police))).await;
    let monitor = json!({"goalAssessments": [{"goalKey": "G1", "verdict": "achieved"}, {"goalKey": "G2", "verdict": "achieved"}],
                         "measureAssessments": [{"measureKey": "M1", "verdict": "executed"}, {"measureKey": "M2", "verdict": "executed"}]});
    let doc = c.submitted(a, "monitor", 2027, monitor).await;
    let readiness = c.readiness(&doc, 1).await;
    assert_eq!(
        (readiness["ready"].clone(), names(readiness["warnings"].as_array().unwrap())),
        (json!(true), vec!["monitor_year_not_ended"])
    );
    c.act(&doc, 1, "adopt").await.ok(200);
}
