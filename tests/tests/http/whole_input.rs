//! Input checked whole (SPEC §9): a body with problems of every kind (its shape, enum values, ranges, lengths,
//! formats, and references that do not resolve) is answered by one 400 that names every problem by its JSON
//! path, and nothing is written.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

/// An area of West Betuwe with an adopted analysis, agenda (goals G1 and G2) and plan (measure M1) for 2027,
/// the police as partner with a committed contribution, and a draft of each kind to write in.
struct Cycle {
    app: TestApp,
    m: String,
    area: String,
    police: String,
    coordinator: String,
    partner: String,
    agenda: String,
    contribution: String,
}

impl Cycle {
    async fn new() -> Cycle {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2027, 9, 1, 10, 0, 0).unwrap());
        let m = app.municipality("West Betuwe").await;
        let area = app.area(&m, "WB-OOST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        app.add_partner(&area, &police).await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": m})).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        let mut c =
            Cycle { app, m, area, police, coordinator, partner, agenda: String::new(), contribution: String::new() };
        let analysis = c.document("analysis", 2026).await;
        c.save(&analysis, json!({"summary": "Inbraken nemen toe"})).await.ok(200);
        c.adopt(&analysis).await;
        c.agenda = c.document("agenda", 2027).await;
        let goals = json!({"vision": "Veilige kernen", "goals": [
            {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 1, "municipalityRole": "direct",
             "results": [{"key": "G1.R1", "description": "Minder inbraken", "baseline": 42, "target": 30, "direction": "decrease"}]},
            {"key": "G2", "title": "Ontmoeting", "theme": "social", "priority": 2, "municipalityRole": "facilitate"}]});
        c.save(&c.agenda, goals).await.ok(200);
        // Submitted first: a partner does not agree to a goal of a draft it cannot read.
        c.act(&c.agenda, &["submit"]).await;
        let proposal = json!({"agendaDocumentId": c.agenda, "goalKey": "G1", "organisationId": c.police,
                              "title": "Wijkagent in de kern", "kind": "capacity"});
        let contribution = c.app.post("/api/v1/contributions", &c.coordinator, &proposal).await;
        c.contribution = contribution.ok(201)["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/contributions/{}", c.contribution);
        let etag = c.app.get(&path, &c.partner).await.etag();
        let agree =
            c.app.request(Method::POST, &format!("{path}/transitions"), Some(&c.partner)).header("If-Match", etag);
        TestApp::send(agree.json(&json!({"action": "agree"}))).await.ok(200);
        c.act(&c.agenda, &["adopt"]).await;
        let plan = c.document("plan", 2027).await;
        let measures =
            json!({"measures": [{"key": "M1", "title": "Buurtpreventie", "kind": "activity", "goalKeys": ["G1"]}]});
        c.save(&plan, measures).await.ok(200);
        c.adopt(&plan).await;
        c
    }

    async fn document(&self, kind: &str, year: i32) -> String {
        let body = if kind == "agenda" {
            json!({"areaId": self.area, "kind": kind, "periodStart": year})
        } else {
            json!({"areaId": self.area, "kind": kind, "year": year})
        };
        let r = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        r.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    async fn save(&self, doc: &str, content: Value) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let put = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(put.json(&json!({"content": content}))).await
    }

    async fn adopt(&self, doc: &str) {
        self.act(doc, &["submit", "adopt"]).await;
    }

    async fn act(&self, doc: &str, actions: &[&str]) {
        for action in actions {
            let path = format!("/api/v1/documents/{doc}/versions/1");
            let etag = self.app.get(&path, &self.coordinator).await.etag();
            let post = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
            TestApp::send(post.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
        }
    }

    /// A draft's content after a refused save: unchanged.
    async fn content(&self, doc: &str) -> Value {
        self.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &self.coordinator).await.ok(200)["content"].clone()
    }
}

/// The names of the problems of a 400, sorted, with the code of each.
fn problems(r: &Reply) -> Vec<String> {
    r.problem(400);
    let mut found: Vec<String> = r.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["name"].as_str().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    found.sort();
    found
}

fn sorted(expected: &[&str]) -> Vec<String> {
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    expected
}

#[tokio::test]
async fn a_contribution_with_every_kind_of_problem_is_answered_whole_and_not_stored() {
    let c = Cycle::new().await;
    let body = json!({"agendaDocumentId": c.agenda, "goalKey": "G9", "organisationId": c.police,
                      "title": "x".repeat(201), "kind": "money", "amount": -1, "unit": "fte",
                      "dueDate": "2027-13-01", "colour": "red", "size": 3});
    let r = c.app.post("/api/v1/contributions", &c.coordinator, &body).await;
    assert_eq!(
        problems(&r),
        sorted(&[
            "amount out_of_range",
            "colour unknown_field",
            "dueDate invalid_date",
            "goalKey unknown_goal",
            "kind invalid_value",
            "size unknown_field",
            "title too_long",
        ])
    );
    let list = c.app.get(&format!("/api/v1/contributions?agendaDocumentId={}", c.agenda), &c.coordinator).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 1, "only the contribution made before");
}

#[tokio::test]
async fn a_check_in_with_every_kind_of_problem_is_answered_whole() {
    let c = Cycle::new().await;
    let body = json!({"date": "2027-09-02", "progressPercent": 140, "confidence": "great",
                      "note": "n".repeat(4001), "currentValue": "veel", "mood": "good"});
    let r = c.app.post(&format!("/api/v1/contributions/{}/check-ins", c.contribution), &c.partner, &body).await;
    assert_eq!(
        problems(&r),
        sorted(&[
            "confidence invalid_value",
            "currentValue invalid_type",
            "date in_future",
            "mood unknown_field",
            "note too_long",
            "progressPercent out_of_range",
        ])
    );
    let list = c.app.get(&format!("/api/v1/contributions/{}/check-ins", c.contribution), &c.partner).await;
    assert!(list.ok(200)["results"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_area_with_every_kind_of_problem_is_answered_whole() {
    let c = Cycle::new().await;
    let body = json!({"municipalityId": uuid::Uuid::now_v7(), "name": "g".repeat(201), "code": "oost",
                      "localities": [{"name": 5}, {"name": "Deil", "cbsCode": "WK-X"}], "validFrom": "1 maart",
                      "colour": "red"});
    let r = c.app.post("/api/v1/areas", &c.coordinator, &body).await;
    let found = problems(&r);
    for expected in [
        "code invalid_code",
        "colour unknown_field",
        "localities[0].name invalid_type",
        "name too_long",
        "validFrom invalid_date",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
    assert!(found.iter().any(|f| f.starts_with("localities[1].cbsCode ")), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("municipalityId ")), "the unknown municipality: {found:?}");
}

#[tokio::test]
async fn a_municipality_with_every_kind_of_problem_is_answered_whole() {
    let c = Cycle::new().await;
    let body = json!({"name": " ", "cbsCode": "1960", "population": 5,
                      "calendar": {"analysisDue": "02-29", "agendaPeriodYears": 0, "dueSoonDays": "soon", "colour": 1}});
    let r = c.app.post("/api/v1/municipalities", &c.app.admin, &body).await;
    let found = problems(&r);
    for expected in ["calendar.colour unknown_field", "calendar.dueSoonDays invalid_type", "population unknown_field"] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
    for name in ["name ", "cbsCode ", "calendar.analysisDue ", "calendar.agendaPeriodYears "] {
        assert!(found.iter().any(|f| f.starts_with(name)), "{name} missing from {found:?}");
    }
    let _ = &c.m;
}

#[tokio::test]
async fn an_analysis_with_every_kind_of_problem_is_answered_whole_and_the_draft_kept() {
    let c = Cycle::new().await;
    let doc = c.document("analysis", 2027).await;
    let before = c.content(&doc).await;
    let content = json!({"summary": "s".repeat(10_001), "mood": "grim",
                         "developments": [{"title": "Vergrijzing", "theme": "weather"}, {"title": 7}],
                         "sources": [{"kind": "rumour", "title": "Buurtapp"}],
                         "indicators": [{"code": "I1", "name": "Inbraken", "value": "veel"}]});
    let found = problems(&c.save(&doc, content).await);
    for expected in [
        "content.developments[0].theme invalid_value",
        "content.developments[1].title invalid_type",
        "content.indicators[0].value invalid_type",
        "content.mood unknown_field",
        "content.sources[0].kind invalid_value",
        "content.summary too_long",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
    assert_eq!(c.content(&doc).await, before, "a refused save changes nothing");
}

#[tokio::test]
async fn an_agenda_with_every_kind_of_problem_is_answered_whole() {
    let c = Cycle::new().await;
    let doc = c.document("agenda", 2031).await;
    let content = json!({"vision": "Veilige kernen", "motto": "samen",
        "goals": [
            {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 9, "municipalityRole": "boss",
             "results": [{"key": "G1.R1", "description": "Minder inbraken", "direction": "sideways", "target": "laag"}]},
            {"key": "G1", "title": "t".repeat(201), "theme": "social", "priority": 2, "municipalityRole": "direct"}]});
    let found = problems(&c.save(&doc, content).await);
    for expected in [
        "content.goals[0].municipalityRole invalid_value",
        "content.goals[0].priority out_of_range",
        "content.goals[0].results[0].direction invalid_value",
        "content.goals[0].results[0].target invalid_type",
        "content.goals[1].key duplicate",
        "content.goals[1].title too_long",
        "content.motto unknown_field",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
}

#[tokio::test]
async fn a_plan_with_every_kind_of_problem_is_answered_whole_references_included() {
    let c = Cycle::new().await;
    let doc = c.document("plan", 2028).await;
    let content = json!({"lessonsApplied": "Eerder beginnen", "budget": 5,
        "measures": [
            {"key": "M1", "title": "Buurtpreventie", "kind": "party", "goalKeys": ["G1"], "budgetEuros": "veel"},
            {"key": "M2", "title": "Ontmoetingsplek", "kind": "project", "goalKeys": ["G9"]},
            {"key": "M3", "title": "m".repeat(201), "kind": "activity", "goalKeys": ["G2"], "start": "morgen"}]});
    let found = problems(&c.save(&doc, content).await);
    for expected in [
        "content.budget unknown_field",
        "content.measures[0].budgetEuros invalid_type",
        "content.measures[0].kind invalid_value",
        "content.measures[2].start invalid_date",
        "content.measures[2].title too_long",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
    assert!(
        found.iter().any(|f| f.starts_with("content.measures[1].goalKeys")),
        "the goal the agenda in force lacks, although other measures are malformed: {found:?}"
    );
}

#[tokio::test]
async fn a_monitor_with_every_kind_of_problem_is_answered_whole_references_included() {
    let c = Cycle::new().await;
    let doc = c.document("monitor", 2027).await;
    let content = json!({"approachChanges": "Meer samen", "score": 8,
        "goalAssessments": [{"goalKey": "G1", "verdict": "great"}, {"goalKey": "G9", "verdict": "achieved"}],
        "measureAssessments": [{"measureKey": "M9", "verdict": "executed", "note": "x".repeat(10_001)}],
        "contributionAssessments": [{"contributionId": "not-an-id", "verdict": "delivered"},
                                    {"contributionId": uuid::Uuid::now_v7(), "verdict": "delivered"}]});
    let found = problems(&c.save(&doc, content).await);
    for expected in [
        "content.contributionAssessments[0].contributionId invalid_uuid",
        "content.goalAssessments[0].verdict invalid_value",
        "content.score unknown_field",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected} missing from {found:?}");
    }
    for reference in ["content.goalAssessments[1].goalKey", "content.measureAssessments[0].measureKey"] {
        assert!(found.iter().any(|f| f.starts_with(reference)), "{reference} missing from {found:?}");
    }
    assert!(found.iter().any(|f| f.starts_with("content.measureAssessments[0].note")), "{found:?}");
}

#[tokio::test]
async fn a_csv_import_names_every_cell_and_every_reference_of_every_row() {
    let c = Cycle::new().await;
    let csv = format!(
        "agendaDocumentId;goalKey;organisationId;title;kind;amount;unit;dueDate\r\n\
         {a};G9;{p};Wijkagent;capacity;0,2;fte;31-12-2027\r\n\
         {a};G1;{p};;money;abc;;2027-02-30\r\n\
         {a};G1;{o};Buurtapp;data;;;\r\n\
         not-an-id;G1;{p};Schouw;activity;;;\r\n",
        a = c.agenda,
        p = c.police,
        o = uuid::Uuid::now_v7()
    );
    let import = c.app.request(Method::POST, "/api/v1/contributions/imports", Some(&c.coordinator));
    let r = TestApp::send(import.header("Content-Type", "text/csv").body(csv)).await;
    let found = problems(&r);
    for name in [
        "rows[2].goalKey",
        "rows[3].kind",
        "rows[3].amount",
        "rows[3].dueDate",
        "rows[3].title",
        "rows[4].organisationId",
        "rows[5].agendaDocumentId",
    ] {
        assert!(found.iter().any(|f| f.starts_with(&format!("{name} "))), "{name} missing from {found:?}");
    }
    let list = c.app.get(&format!("/api/v1/contributions?agendaDocumentId={}", c.agenda), &c.coordinator).await;
    assert_eq!(list.ok(200)["results"].as_array().unwrap().len(), 1, "nothing of the file was imported");
}

#[tokio::test]
async fn a_document_with_an_unknown_area_and_a_wrong_period_is_answered_whole() {
    let c = Cycle::new().await;
    let body = json!({"areaId": uuid::Uuid::now_v7(), "kind": "agenda", "year": 2027, "periodStart": 1990});
    let found = problems(&c.app.post("/api/v1/documents", &c.coordinator, &body).await);
    assert_eq!(
        found,
        sorted(&["areaId unknown", "periodEnd out_of_range", "periodStart out_of_range", "year not_allowed"])
    );
}

#[tokio::test]
async fn an_area_partner_with_an_unknown_organisation_and_wrong_dates_is_answered_whole() {
    let c = Cycle::new().await;
    let body = json!({"organisationId": uuid::Uuid::now_v7(), "since": "2027-06-01", "until": "2027-01-01"});
    let found = problems(&c.app.post(&format!("/api/v1/areas/{}/partners", c.area), &c.coordinator, &body).await);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&"organisationId unknown".to_owned()), "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("until ")), "{found:?}");
}
