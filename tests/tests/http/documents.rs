//! The cycle documents: their lifecycle, content, cross-stage rules and concurrency (SPEC §3, §4).

use chrono::{Duration, Utc};
use futures_util::future::join_all;
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

fn analysis() -> Value {
    json!({"summary": "Vergrijzing en weinig ontmoetingsplekken in de kernen",
           "developments": [{"title": "Vergrijzing", "description": "Meer 75-plussers", "theme": "social"}],
           "sources": [{"kind": "figures", "title": "Gemeentelijke monitor"}],
           "indicators": [{"code": "I1", "name": "Inbraken", "value": 42, "unit": "per jaar"}]})
}

fn agenda() -> Value {
    json!({"vision": "Leefbare en veilige kernen", "alignment": "Coalitieakkoord",
           "goals": [
               {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 1, "municipalityRole": "direct",
                "results": [{"key": "G1.R1", "description": "Minder inbraken", "baseline": 42, "target": 30, "direction": "decrease"}]},
               {"key": "G2", "title": "Ontmoeting", "theme": "social", "priority": 2, "municipalityRole": "facilitate"}]})
}

fn plan(goal: &str) -> Value {
    json!({"measures": [{"key": "M1", "title": "Buurtpreventie-app", "kind": "activity", "goalKeys": [goal]}],
           "lessonsApplied": "Eerder beginnen met bewoners"})
}

fn monitor(goals: &[&str], measures: &[&str]) -> Value {
    let goals: Vec<_> =
        goals.iter().map(|g| json!({"goalKey": g, "verdict": "partly_achieved", "evidence": "cijfers"})).collect();
    let measures: Vec<_> = measures.iter().map(|m| json!({"measureKey": m, "verdict": "executed"})).collect();
    json!({"goalAssessments": goals, "measureAssessments": measures, "approachChanges": "Meer samen met de politie"})
}

impl Area {
    async fn document(&self, token: &str, kind: &str, year: i32) -> Reply {
        let body = if kind == "agenda" {
            json!({"areaId": self.area, "kind": kind, "periodStart": year})
        } else {
            json!({"areaId": self.area, "kind": kind, "year": year})
        };
        self.app.post("/api/v1/documents", token, &body).await
    }

    async fn save(&self, token: &str, doc: &str, n: i64, content: Value) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, token).await.etag();
        TestApp::send(
            self.app
                .request(Method::PUT, &path, Some(token))
                .header("If-Match", etag)
                .json(&json!({"content": content})),
        )
        .await
    }

    async fn act(&self, token: &str, doc: &str, n: i64, action: &str, note: Option<&str>) -> Reply {
        let body = match note {
            Some(n) => json!({"action": action, "note": n}),
            None => json!({"action": action}),
        };
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        // A token that cannot read the version acts blind; the answer must then be a refusal anyway.
        let read = self.app.get(&path, token).await;
        let etag = read.header("etag").unwrap_or("*").to_owned();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(token));
        TestApp::send(request.header("If-Match", etag).json(&body)).await
    }

    /// Version `n` of `doc` as `token` reads it.
    async fn version_as(&self, token: &str, doc: &str, n: i64) -> Reply {
        self.app.get(&format!("/api/v1/documents/{doc}/versions/{n}"), token).await
    }

    /// Creates a document of `kind`, fills version 1 with `content`, submits and adopts it.
    async fn adopted(&self, kind: &str, year: i32, content: Value) -> String {
        let c = &self.coordinator;
        let doc = self.document(c, kind, year).await.ok(201)["document"]["id"].as_str().unwrap().to_owned();
        self.save(c, &doc, 1, content).await.ok(200);
        self.act(c, &doc, 1, "submit", None).await.ok(200);
        self.act(c, &doc, 1, "adopt", None).await.ok(200);
        doc
    }
}

fn rules(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, 409, "{}", r.text);
    r.body["brokenRules"].as_array().unwrap().iter().map(|b| b["rule"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_whole_cycle_is_written_and_adopted_stage_by_stage() {
    let a = area().await;
    a.adopted("analysis", 2026, analysis()).await;
    let agenda = a.adopted("agenda", 2027, agenda()).await;
    let plan = a.adopted("plan", 2027, plan("G1")).await;
    let monitor = a.adopted("monitor", 2027, monitor(&["G1", "G2"], &["M1"])).await;

    let doc = a.app.get(&format!("/api/v1/documents/{agenda}"), &a.coordinator).await;
    assert_eq!(doc.ok(200)["periodStart"], 2027);
    assert_eq!(doc.body["periodEnd"], 2030, "the default agenda period is four years");
    assert_eq!(doc.body["inForce"]["number"], 1);
    assert!(doc.body["open"].is_null());

    let board = a.app.get(&format!("/api/v1/areas/{}/cycles/2027", a.area), &a.coordinator).await;
    let stages = board.ok(200)["stages"].as_array().unwrap().clone();
    let kinds: Vec<_> = stages.iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["analysis", "agenda", "plan", "monitor"]);
    assert!(stages[0]["documentId"].is_null(), "the analysis of 2027 was not written");
    for (stage, id) in [(1, &agenda), (2, &plan), (3, &monitor)] {
        assert_eq!(stages[stage]["documentId"], id.as_str());
        assert_eq!(stages[stage]["inForce"]["status"], "adopted");
    }
    let later = a.app.get(&format!("/api/v1/areas/{}/cycles/2029", a.area), &a.coordinator).await;
    assert_eq!(later.ok(200)["stages"][1]["documentId"], agenda.as_str(), "the agenda covers its whole period");
}

#[tokio::test]
async fn an_agenda_without_an_adopted_analysis_is_not_adopted_and_readiness_says_why() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "agenda", 2027).await.id_of_document();
    a.save(&a.coordinator, &doc, 1, agenda()).await.ok(200);
    a.act(&a.coordinator, &doc, 1, "submit", None).await.ok(200);
    let readiness = a.app.get(&format!("/api/v1/documents/{doc}/versions/1/readiness"), &a.coordinator).await;
    assert_eq!(readiness.ok(200)["ready"], false);
    assert_eq!(readiness.body["blocking"][0]["rule"], "agenda_needs_analysis");
    assert_eq!(rules(&a.act(&a.coordinator, &doc, 1, "adopt", None).await), ["agenda_needs_analysis"]);
    let v = a.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &a.coordinator).await;
    assert_eq!(v.body["status"], "submitted", "a refused adoption changes nothing");
}

#[tokio::test]
async fn a_plan_needs_an_agenda_in_force_and_its_goals() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "plan", 2027).await.id_of_document();
    a.save(&a.coordinator, &doc, 1, plan("G1")).await.ok(200);
    a.act(&a.coordinator, &doc, 1, "submit", None).await.ok(200);
    assert_eq!(rules(&a.act(&a.coordinator, &doc, 1, "adopt", None).await), ["plan_needs_agenda"]);

    a.adopted("analysis", 2026, analysis()).await;
    a.adopted("agenda", 2027, agenda()).await;
    a.act(&a.coordinator, &doc, 1, "return", Some("doel bestaat niet")).await.ok(200);
    let r = a.save(&a.coordinator, &doc, 1, plan("G9")).await;
    assert_eq!(
        r.problem(400),
        ["content.measures[0].goalKeys[0]"],
        "a dangling goal is refused once the agenda is in force"
    );
}

#[tokio::test]
async fn a_monitor_must_assess_every_goal_and_measure() {
    let a = area().await;
    a.adopted("analysis", 2026, analysis()).await;
    a.adopted("agenda", 2027, agenda()).await;
    a.adopted("plan", 2027, plan("G1")).await;
    let doc = a.document(&a.coordinator, "monitor", 2027).await.id_of_document();
    a.save(&a.coordinator, &doc, 1, monitor(&["G1"], &[])).await.ok(200);
    a.act(&a.coordinator, &doc, 1, "submit", None).await.ok(200);
    assert_eq!(
        rules(&a.act(&a.coordinator, &doc, 1, "adopt", None).await),
        ["monitor_measure_unassessed", "monitor_goal_unassessed"]
    );
    let r = a.save(&a.coordinator, &doc, 1, monitor(&["G7"], &["M1"])).await;
    r.problem(409);
}

#[tokio::test]
async fn every_problem_of_agenda_content_is_named_by_its_path() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "agenda", 2027).await.id_of_document();
    let long = "x".repeat(10_001);
    let content = json!({"vision": long, "goals": [
        {"key": "G1", "title": "Een", "theme": "social", "priority": 1, "municipalityRole": "stimulate"},
        {"key": "G1", "title": "Twee", "theme": "social", "priority": 6, "municipalityRole": "stimulate"},
        {"key": "bad key!", "title": "", "theme": "social", "priority": 1, "municipalityRole": "let_go"}]});
    let r = a.save(&a.coordinator, &doc, 1, content).await;
    let names = r.problem(400);
    for expected in [
        "content.vision",
        "content.goals[1].key",
        "content.goals[1].priority",
        "content.goals[2].key",
        "content.goals[2].title",
    ] {
        assert!(names.contains(&expected.to_owned()), "{expected} missing from {names:?}");
    }
    let many: Vec<_> = (0..51)
        .map(|i| json!({"key": format!("G{i}"), "title": "t", "theme": "other", "priority": 3, "municipalityRole": "facilitate"}))
        .collect();
    let r = a.save(&a.coordinator, &doc, 1, json!({"goals": many})).await;
    assert_eq!(r.problem(400), ["content.goals"]);
    let r = a.save(&a.coordinator, &doc, 1, json!({"goals": [], "colour": "red"})).await;
    assert_eq!(r.problem(400), ["content.colour"]);
    let r = a.save(&a.coordinator, &doc, 1, json!({"goals": [{"key": "G1", "title": "t", "theme": "weather", "priority": 1, "municipalityRole": "direct"}]})).await;
    assert_eq!(r.problem(400), ["content.goals[0].theme"]);
}

#[tokio::test]
async fn adopted_versions_never_change_again_not_for_an_admin_either() {
    let a = area().await;
    let doc = a.adopted("analysis", 2026, analysis()).await;
    let path = format!("/api/v1/documents/{doc}/versions/1");
    for token in [a.coordinator.clone(), a.app.admin.clone()] {
        let etag = a.app.get(&path, &token).await.etag();
        let put = TestApp::send(
            a.app
                .request(Method::PUT, &path, Some(&token))
                .header("If-Match", &etag)
                .json(&json!({"content": analysis()})),
        )
        .await;
        put.problem(409);
        a.app.delete(&path, &token, &etag).await.problem(409);
        for action in ["submit", "return", "adopt", "withdraw"] {
            a.act(&token, &doc, 1, action, Some("x")).await.problem(409);
        }
    }
    assert_eq!(a.app.get(&path, &a.coordinator).await.body["status"], "adopted");
}

#[tokio::test]
async fn a_new_version_copies_the_one_in_force_and_its_adoption_supersedes_it() {
    let a = area().await;
    a.adopted("analysis", 2026, analysis()).await;
    let doc = a.adopted("agenda", 2027, agenda()).await;
    let created = a.app.post(&format!("/api/v1/documents/{doc}/versions"), &a.coordinator, &json!({})).await;
    assert_eq!(created.ok(201)["number"], 2);
    assert_eq!(created.body["basedOn"], 1);
    assert_eq!(created.body["content"]["goals"][0]["key"], "G1");
    a.app.post(&format!("/api/v1/documents/{doc}/versions"), &a.coordinator, &json!({})).await.problem(409);

    let mut changed = agenda();
    changed["goals"][0]["title"] = json!("Veilige en schone buurt");
    a.save(&a.coordinator, &doc, 2, changed).await.ok(200);
    let diff = a.app.get(&format!("/api/v1/documents/{doc}/versions/2/diff?against=1"), &a.coordinator).await;
    assert_eq!(diff.header("content-type"), Some("application/json-patch+json"));
    assert_eq!(diff.body, json!([{"op": "replace", "path": "/goals/0/title", "value": "Veilige en schone buurt"}]));

    let before = Utc::now() + Duration::days(1);
    a.app.set_now(before + Duration::days(1));
    a.act(&a.coordinator, &doc, 2, "submit", None).await.ok(200);
    a.act(&a.coordinator, &doc, 2, "adopt", None).await.ok(200);
    let v1 = a.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &a.coordinator).await;
    assert_eq!(v1.body["status"], "superseded");
    let now = a.app.get(&format!("/api/v1/documents/{doc}"), &a.coordinator).await;
    assert_eq!(now.body["inForce"]["number"], 2);
    let then = a
        .app
        .get(&format!("/api/v1/documents/{doc}?at={}", before.to_rfc3339().replace('+', "%2B")), &a.coordinator)
        .await;
    assert_eq!(then.ok(200)["inForce"]["number"], 1, "time travel answers the version in force then");
    let history = a.app.get(&format!("/api/v1/documents/{doc}/versions/2/transitions"), &a.coordinator).await;
    let actions: Vec<_> =
        history.body["results"].as_array().unwrap().iter().map(|t| t["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submit", "adopt"]);
}

#[tokio::test]
async fn returning_and_withdrawing_need_a_note() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "analysis", 2026).await.id_of_document();
    a.act(&a.coordinator, &doc, 1, "submit", None).await.ok(200);
    assert_eq!(a.act(&a.coordinator, &doc, 1, "return", None).await.problem(400), ["note"]);
    let returned = a.act(&a.coordinator, &doc, 1, "return", Some("Bronnen ontbreken")).await;
    assert_eq!(returned.ok(200)["status"], "draft");
    assert_eq!(a.act(&a.coordinator, &doc, 1, "withdraw", None).await.problem(400), ["note"]);
    assert_eq!(a.act(&a.coordinator, &doc, 1, "withdraw", Some("dubbel")).await.ok(200)["status"], "withdrawn");
}

#[tokio::test]
async fn one_document_per_area_kind_and_year_and_agenda_periods_never_overlap() {
    let a = area().await;
    a.document(&a.coordinator, "plan", 2027).await.ok(201);
    a.document(&a.coordinator, "plan", 2027).await.problem(409);
    a.document(&a.coordinator, "agenda", 2027).await.ok(201);
    a.document(&a.coordinator, "agenda", 2030).await.problem(409);
    a.document(&a.coordinator, "agenda", 2031).await.ok(201);
    let r = a
        .app
        .post("/api/v1/documents", &a.coordinator, &json!({"areaId": a.area, "kind": "plan", "periodStart": 2027}))
        .await;
    assert_eq!(r.problem(400), ["periodStart", "year"]);
}

#[tokio::test]
async fn who_may_write_and_read_which_documents() {
    let a = area().await;
    let other_area = a.app.area(&a.m, "WB-WEST").await;
    let editor = a.app.token(json!({"role": "area_editor", "municipalityId": a.m, "areaIds": [a.area]})).await;
    let viewer = a.app.token(json!({"role": "viewer", "municipalityId": a.m})).await;
    let org = a.app.organisation("Politie Oost-Nederland", "police").await;
    a.app.add_partner(&a.area, &org).await;
    let partner = a.app.token(json!({"role": "partner", "organisationId": org})).await;

    let doc = a.document(&editor, "analysis", 2026).await.id_of_document();
    a.app
        .post("/api/v1/documents", &editor, &json!({"areaId": other_area, "kind": "analysis", "year": 2026}))
        .await
        .problem(403);
    a.document(&viewer, "plan", 2026).await.problem(403);
    a.document(&partner, "plan", 2026).await.problem(403);
    a.save(&editor, &doc, 1, analysis()).await.ok(200);
    a.act(&editor, &doc, 1, "submit", None).await.ok(200);
    a.act(&editor, &doc, 1, "adopt", None).await.problem(403);
    a.act(&editor, &doc, 1, "return", Some("nee")).await.problem(403);
    a.act(&a.coordinator, &doc, 1, "adopt", None).await.ok(200);
    assert_eq!(a.app.get(&format!("/api/v1/documents/{doc}"), &viewer).await.ok(200)["inForce"]["number"], 1);
    a.app.get(&format!("/api/v1/documents/{doc}"), &partner).await.problem(404);

    let agenda_doc = a.document(&a.coordinator, "agenda", 2027).await.id_of_document();
    a.app.get(&format!("/api/v1/documents/{agenda_doc}/versions/1"), &partner).await.problem(404);
    let list = a.app.get("/api/v1/documents", &partner).await;
    assert_eq!(list.ok(200)["results"].as_array().map(Vec::len), Some(0), "a partner never sees a draft");
    a.app.get(&format!("/api/v1/documents/{agenda_doc}"), &partner).await.problem(404);
    a.save(&a.coordinator, &agenda_doc, 1, agenda()).await.ok(200);
    a.act(&a.coordinator, &agenda_doc, 1, "submit", None).await.ok(200);
    let list = a.app.get("/api/v1/documents", &partner).await;
    assert_eq!(list.ok(200)["results"].as_array().map(Vec::len), Some(1));
    let seen = a.app.get(&format!("/api/v1/documents/{agenda_doc}/versions/1"), &partner).await;
    assert_eq!(seen.ok(200)["status"], "submitted", "partners read submitted agendas");
}

#[tokio::test]
async fn a_partner_reads_adopted_and_superseded_versions_and_submitted_agendas_of_its_areas_only() {
    let a = area().await;
    let police = a.app.organisation("Politie Oost-Nederland", "police").await;
    a.app.add_partner(&a.area, &police).await;
    let partner = a.app.token(json!({"role": "partner", "organisationId": police})).await;
    let elsewhere = a.app.organisation("Welzijn Elders", "welfare").await;
    let outsider = a.app.token(json!({"role": "partner", "organisationId": elsewhere})).await;
    let c = &a.coordinator;
    let analysis_doc = a.adopted("analysis", 2026, analysis()).await;
    let agenda_doc = a.adopted("agenda", 2027, agenda()).await;
    a.app.post(&format!("/api/v1/documents/{agenda_doc}/versions"), c, &json!({})).await.ok(201);
    let plan_doc = a.document(c, "plan", 2027).await.id_of_document();
    a.save(c, &plan_doc, 1, plan("G1")).await.ok(200);
    a.act(c, &plan_doc, 1, "submit", None).await.ok(200);

    assert_eq!(a.version_as(&partner, &agenda_doc, 1).await.ok(200)["status"], "adopted");
    a.version_as(&partner, &analysis_doc, 1).await.problem(404);
    a.version_as(&partner, &agenda_doc, 2).await.problem(404);
    a.version_as(&partner, &plan_doc, 1).await.problem(404);
    a.version_as(&outsider, &agenda_doc, 1).await.problem(404);
    a.version_as(&partner, &agenda_doc, 9).await.problem(404);

    a.act(c, &agenda_doc, 2, "submit", None).await.ok(200);
    assert_eq!(
        a.version_as(&partner, &agenda_doc, 2).await.ok(200)["status"],
        "submitted",
        "a submitted agenda is read"
    );
    a.act(c, &agenda_doc, 2, "adopt", None).await.ok(200);
    assert_eq!(a.version_as(&partner, &agenda_doc, 1).await.ok(200)["status"], "superseded");
    assert_eq!(a.version_as(&partner, &agenda_doc, 2).await.ok(200)["status"], "adopted");
    assert_eq!(
        a.version_as(c, &plan_doc, 1).await.ok(200)["status"],
        "submitted",
        "the coordinator reads every version"
    );
}

#[tokio::test]
async fn a_stale_if_match_loses_nothing() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "analysis", 2026).await.id_of_document();
    let path = format!("/api/v1/documents/{doc}/versions/1");
    let etag = a.app.get(&path, &a.coordinator).await.etag();
    let save = |summary: &str| {
        TestApp::send(
            a.app
                .request(Method::PUT, &path, Some(&a.coordinator))
                .header("If-Match", &etag)
                .json(&json!({"content": {"summary": summary}})),
        )
    };
    save("eerste").await.ok(200);
    save("tweede").await.problem(412);
    assert_eq!(a.app.get(&path, &a.coordinator).await.body["content"]["summary"], "eerste");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_adoptions_leave_exactly_one_version_in_force() {
    let a = area().await;
    let doc = a.adopted("analysis", 2026, analysis()).await;
    a.app.post(&format!("/api/v1/documents/{doc}/versions"), &a.coordinator, &json!({})).await.ok(201);
    a.act(&a.coordinator, &doc, 2, "submit", None).await.ok(200);
    let replies = join_all((0..20).map(|i| a.act(&a.coordinator, &doc, 1 + (i % 2), "adopt", None))).await;
    let won = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(won, 1, "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert!(replies.iter().all(|r| [200, 409, 412].contains(&r.status.as_u16())), "the others are refused");
    let versions = a.app.get(&format!("/api/v1/documents/{doc}/versions"), &a.coordinator).await;
    let statuses: Vec<_> =
        versions.body["results"].as_array().unwrap().iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["superseded", "adopted"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_new_versions_give_exactly_one_open_version() {
    let a = area().await;
    let doc = a.adopted("analysis", 2026, analysis()).await;
    let path = format!("/api/v1/documents/{doc}/versions");
    let empty = json!({});
    let replies = join_all((0..20).map(|_| a.app.post(&path, &a.coordinator, &empty))).await;
    assert_eq!(replies.iter().filter(|r| r.status == 201).count(), 1);
    assert!(replies.iter().all(|r| r.status == 201 || r.status == 409), "the others are conflicts");
    let versions = a.app.get(&path, &a.coordinator).await;
    assert_eq!(versions.body["results"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn every_change_to_a_document_is_audited_and_published() {
    let a = area().await;
    let before = persistence::audit::counts(a.app.db.conn()).await.unwrap();
    a.adopted("analysis", 2026, analysis()).await;
    let after = persistence::audit::counts(a.app.db.conn()).await.unwrap();
    // document.created, version.created, version.updated, version.submitted, version.adopted
    assert_eq!((after.0 - before.0, after.1 - before.1), (5, 5));
    let trail = a.app.get("/api/v1/audit-events?resourceType=version&action=version.adopted", &a.coordinator).await;
    let event = &trail.ok(200)["results"][0];
    assert_eq!(event["changes"]["old"]["status"], "submitted");
    assert_eq!(event["changes"]["new"]["status"], "adopted");
}

trait DocumentId {
    fn id_of_document(&self) -> String;
}

impl DocumentId for Reply {
    fn id_of_document(&self) -> String {
        self.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn a_version_transition_needs_the_versions_current_etag() {
    let a = area().await;
    let doc = a.document(&a.coordinator, "analysis", 2026).await.id_of_document();
    let path = format!("/api/v1/documents/{doc}/versions/1/transitions");
    a.app.post(&path, &a.coordinator, &json!({"action": "submit"})).await.problem(428);
    let stale = a.app.request(Method::POST, &path, Some(&a.coordinator)).header("If-Match", "\"41\"");
    TestApp::send(stale.json(&json!({"action": "submit"}))).await.problem(412);
    let version = a.app.get(&format!("/api/v1/documents/{doc}/versions/1"), &a.coordinator).await;
    assert_eq!(version.ok(200)["status"], "draft", "nothing changed");
}

/// Saving a draft is one of the most frequent writes, and each statement is a round trip: the document and its
/// draft are read in one statement, and the document's latest status, which a save never changes, is not read
/// again. Besides the token (read from memory on PostgreSQL) and `BEGIN` and `COMMIT`, a save of an analysis is
/// that read, the update, the document's revision, the audit event, the domain event and the change counter.
#[tokio::test]
async fn saving_a_draft_takes_a_fixed_number_of_statements() {
    let a = area().await;
    let created = a
        .app
        .post("/api/v1/documents", &a.coordinator, &json!({"areaId": a.area, "kind": "analysis", "year": 2026}))
        .await;
    let doc = created.ok(201)["document"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/documents/{doc}/versions/1");
    let mut etag = a.app.get(&path, &a.coordinator).await.etag();
    let mut counts = Vec::new();
    for summary in ["Vergrijzing", "Vergrijzing in de kernen"] {
        let request = a.app.request(Method::PUT, &path, Some(&a.coordinator)).header("If-Match", &etag);
        let before = a.app.db.statements();
        let saved = TestApp::send(request.json(&json!({"content": {"summary": summary}}))).await;
        counts.push(a.app.db.statements() - before);
        saved.ok(200);
        etag = saved.etag();
    }
    // The draft and its document read, the version updated, then the document's revision and the trail (audit
    // event, domain event, change counter): on PostgreSQL those are one statement and the token comes from
    // memory after its first use; on SQLite each write is its own statement and the token is read from the
    // database.
    let expected = if tests::on_postgres() { 3 } else { 7 };
    assert_eq!(counts[1], expected, "a draft save took {counts:?} statements");
}
