//! What partners and outsiders learn (SPEC §7, §15): a partner's access follows its partnerships' dates, a
//! filter never tells a municipality about another's partnerships, and a partner's readiness speaks only of
//! its own contributions.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

/// "Today" in the tests below: Monday 23 November 2026 in the Netherlands.
const YESTERDAY: &str = "2026-11-22";
const TOMORROW: &str = "2026-11-24";

struct World {
    app: TestApp,
    municipality: String,
    coordinator: String,
    police: String,
    partner: String,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
        let municipality = app.municipality("West Betuwe").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": municipality})).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        World { app, municipality, coordinator, police, partner }
    }

    async fn act_on_version(&self, doc: &str, action: &str) {
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
    }

    async fn document(&self, area: &str, kind: &str, content: Value) -> String {
        let body = match kind {
            "agenda" => json!({"areaId": area, "kind": kind, "periodStart": 2027}),
            _ => json!({"areaId": area, "kind": kind, "year": 2026}),
        };
        let doc = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        let doc = doc.ok(201)["document"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await.ok(200);
        doc
    }

    /// An area with an adopted analysis and an agenda with these goals, submitted (and adopted if asked),
    /// in which the police takes part. Answers the area and the agenda document.
    async fn area_with_agenda(&self, code: &str, goals: &[&str], adopt: bool) -> (String, String) {
        let area = self.app.area(&self.municipality, code).await;
        self.app.add_partner(&area, &self.police).await;
        let analysis = self.document(&area, "analysis", json!({"summary": "Inbraken nemen toe"})).await;
        self.act_on_version(&analysis, "submit").await;
        self.act_on_version(&analysis, "adopt").await;
        let goals: Vec<_> = goals
            .iter()
            .enumerate()
            .map(|(i, g)| json!({"key": g, "title": format!("Doel {g}"), "theme": "safety", "priority": i + 1, "municipalityRole": "direct"}))
            .collect();
        let agenda = self.document(&area, "agenda", json!({"vision": "Leefbare kernen", "goals": goals})).await;
        self.act_on_version(&agenda, "submit").await;
        if adopt {
            self.act_on_version(&agenda, "adopt").await;
        }
        (area, agenda)
    }

    async fn set_partnership(&self, area: &str, organisation: &str, dates: Value) {
        let path = format!("/api/v1/areas/{area}/partners/{organisation}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        self.app.patch(&path, &self.coordinator, &etag, &dates).await.ok(200);
    }

    async fn propose(&self, token: &str, agenda: &str, organisation: &str, goal: &str) -> Reply {
        let body = json!({"agendaDocumentId": agenda, "goalKey": goal, "organisationId": organisation,
                          "title": "Wijkagent twee dagdelen per week", "kind": "capacity"});
        self.app.post("/api/v1/contributions", token, &body).await
    }

    async fn ids(&self, path: &str, token: &str) -> Vec<String> {
        let reply = self.app.get(path, token).await;
        reply.ok(200)["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    }
}

#[tokio::test]
async fn a_partnership_that_ended_yesterday_grants_nothing_while_one_that_runs_still_does() {
    let w = World::new().await;
    let (ended, ended_agenda) = w.area_with_agenda("WB-OOST", &["G1"], true).await;
    let (running, running_agenda) = w.area_with_agenda("WB-WEST", &["G1"], true).await;
    // Written while the partnership ran: the partner's own history in the area it leaves.
    let own = w.propose(&w.partner, &ended_agenda, &w.police, "G1").await.ok(201)["id"].as_str().unwrap().to_owned();
    w.set_partnership(&running, &w.police, json!({"until": "2026-12-31"})).await;
    w.set_partnership(&ended, &w.police, json!({"until": YESTERDAY})).await;

    assert!(w.ids(&format!("/api/v1/documents?areaId={ended}"), &w.partner).await.is_empty());
    assert_eq!(w.ids("/api/v1/documents", &w.partner).await, [running_agenda.as_str()]);
    w.app.get(&format!("/api/v1/documents/{ended_agenda}"), &w.partner).await.problem(404);
    w.app.get(&format!("/api/v1/documents/{ended_agenda}/versions/1"), &w.partner).await.problem(404);
    w.app.get(&format!("/api/v1/documents/{ended_agenda}/versions/1/readiness"), &w.partner).await.problem(404);
    let refused = w.propose(&w.partner, &ended_agenda, &w.police, "G1").await;
    assert_eq!(refused.problem(400), ["agendaDocumentId"]);
    w.app.get(&format!("/api/v1/areas/{ended}"), &w.partner).await.problem(404);
    w.app.get(&format!("/api/v1/areas/{ended}/partners"), &w.partner).await.problem(404);
    assert_eq!(w.ids("/api/v1/areas", &w.partner).await, [running.as_str()]);
    // Its access ends with the partnership, its own contributions there included; the municipality keeps them.
    w.app.get(&format!("/api/v1/contributions/{own}"), &w.partner).await.problem(404);
    assert!(w.ids("/api/v1/contributions", &w.partner).await.is_empty());
    w.app.get(&format!("/api/v1/contributions/{own}"), &w.coordinator).await.ok(200);
    // The municipality cannot propose on behalf of an organisation that no longer takes part either.
    let refused = w.propose(&w.coordinator, &ended_agenda, &w.police, "G1").await;
    assert_eq!(refused.problem(400), ["organisationId"]);

    // The same token still works where its partnership runs.
    w.app.get(&format!("/api/v1/documents/{running_agenda}/versions/1"), &w.partner).await.ok(200);
    w.propose(&w.partner, &running_agenda, &w.police, "G1").await.ok(201);
    w.app.get(&format!("/api/v1/areas/{running}"), &w.partner).await.ok(200);
}

#[tokio::test]
async fn a_partnership_that_starts_tomorrow_grants_nothing_until_the_dutch_day_it_starts() {
    let w = World::new().await;
    let (area, agenda) = w.area_with_agenda("WB-NOORD", &["G1"], true).await;
    w.set_partnership(&area, &w.police, json!({"since": TOMORROW})).await;

    assert!(w.ids("/api/v1/documents", &w.partner).await.is_empty());
    assert!(w.ids("/api/v1/areas", &w.partner).await.is_empty());
    assert!(w.ids("/api/v1/municipalities", &w.partner).await.is_empty());
    w.app.get(&format!("/api/v1/documents/{agenda}"), &w.partner).await.problem(404);
    assert_eq!(w.propose(&w.partner, &agenda, &w.police, "G1").await.problem(400), ["agendaDocumentId"]);
    assert_eq!(w.propose(&w.coordinator, &agenda, &w.police, "G1").await.problem(400), ["organisationId"]);

    // 23:30 UTC on the 23rd is half past midnight on the 24th in Amsterdam: the partnership has started.
    w.app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap());
    assert_eq!(w.ids("/api/v1/documents", &w.partner).await, [agenda.as_str()]);
    assert_eq!(w.ids("/api/v1/municipalities", &w.partner).await, [w.municipality.as_str()]);
    w.propose(&w.partner, &agenda, &w.police, "G1").await.ok(201);
}

#[tokio::test]
async fn a_partner_sees_only_the_organisations_whose_partnerships_run_beside_its_own() {
    let w = World::new().await;
    let (area, _) = w.area_with_agenda("WB-ZUID", &["G1"], false).await;
    let housing = w.app.organisation("Woningcorporatie Kleurrijk Wonen", "housing_corporation").await;
    let former = w.app.organisation("Stichting Welzijn Tiel", "welfare").await;
    w.app.add_partner(&area, &housing).await;
    w.app.add_partner(&area, &former).await;
    w.set_partnership(&area, &former, json!({"until": YESTERDAY})).await;

    let mut expected = vec![w.police.clone(), housing.clone()];
    expected.sort();
    let mut seen = w.ids(&format!("/api/v1/organisations?areaId={area}"), &w.partner).await;
    seen.sort();
    assert_eq!(seen, expected);
    w.app.get(&format!("/api/v1/organisations/{former}"), &w.partner).await.problem(404);
    let partners = w.app.get(&format!("/api/v1/areas/{area}/partners"), &w.partner).await;
    let listed: Vec<_> =
        partners.ok(200)["results"].as_array().unwrap().iter().map(|p| p["organisationId"].clone()).collect();
    assert!(!listed.contains(&json!(former)), "an ended partnership is not shown to a partner: {listed:?}");
    w.app.get(&format!("/api/v1/areas/{area}/partners/{former}"), &w.partner).await.problem(404);
    // The municipality still sees who took part, and until when.
    w.app.get(&format!("/api/v1/areas/{area}/partners/{former}"), &w.coordinator).await.ok(200);

    // Once its own partnership has ended, it sees only itself.
    w.set_partnership(&area, &w.police, json!({"until": YESTERDAY})).await;
    assert_eq!(w.ids("/api/v1/organisations", &w.partner).await, [w.police.as_str()]);
    assert!(w.ids(&format!("/api/v1/organisations?areaId={area}"), &w.partner).await.is_empty());
}

#[tokio::test]
async fn a_viewer_filtering_organisations_by_another_municipality_learns_nothing() {
    let w = World::new().await;
    let home = w.app.area(&w.municipality, "WB-OOST").await;
    w.app.add_partner(&home, &w.police).await;
    let oldambt = w.app.municipality("Oldambt").await;
    let theirs = w.app.area(&oldambt, "OLD-WINSCHOTEN").await;
    for name in ["Acantus", "Politie Noord-Nederland", "Stichting Kwartiermakers"] {
        let org = w.app.organisation(name, "other").await;
        w.app.add_partner(&theirs, &org).await;
    }
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": w.municipality})).await;

    w.app.get(&format!("/api/v1/areas/{theirs}/partners"), &viewer).await.problem(404);
    assert!(w.ids(&format!("/api/v1/organisations?areaId={theirs}"), &viewer).await.is_empty());
    assert!(w.ids(&format!("/api/v1/organisations?municipalityId={oldambt}"), &viewer).await.is_empty());
    assert!(
        w.ids(&format!("/api/v1/organisations?municipalityId={oldambt}&areaId={theirs}"), &viewer).await.is_empty()
    );
    // Its own municipality's filters still work, and the registry itself stays shared.
    assert_eq!(w.ids(&format!("/api/v1/organisations?areaId={home}"), &viewer).await, [w.police.as_str()]);
    assert_eq!(
        w.ids(&format!("/api/v1/organisations?municipalityId={}", w.municipality), &viewer).await,
        [w.police.as_str()]
    );
    assert_eq!(w.ids("/api/v1/organisations?pageSize=200", &viewer).await.len(), 4);
    // An administrator sees every partnership.
    assert_eq!(w.ids(&format!("/api/v1/organisations?areaId={theirs}"), &w.app.admin).await.len(), 3);
}

#[tokio::test]
async fn a_partners_readiness_speaks_only_of_its_own_contributions() {
    let w = World::new().await;
    let (area, agenda) = w.area_with_agenda("WB-OOST", &["G1", "G2", "G3"], false).await;
    let housing = w.app.organisation("Woningcorporatie Kleurrijk Wonen", "housing_corporation").await;
    w.app.add_partner(&area, &housing).await;
    let housing_token = w.app.token(json!({"role": "partner", "organisationId": housing})).await;
    w.propose(&housing_token, &agenda, &housing, "G1").await.ok(201);
    let path = format!("/api/v1/documents/{agenda}/versions/1/readiness");

    let mine = w.app.get(&path, &w.partner).await;
    assert_eq!(mine.ok(200)["blocking"], json!([]), "another organisation's proposal is not the police's business");
    assert_eq!(mine.body["warnings"], json!([]), "nor which goals have no partner");
    assert_eq!(mine.body["ready"], true);

    w.propose(&w.partner, &agenda, &w.police, "G2").await.ok(201);
    let mine = w.app.get(&path, &w.partner).await;
    let blocking = mine.ok(200)["blocking"].as_array().unwrap();
    assert_eq!(blocking.len(), 1);
    assert_eq!(blocking[0]["rule"], "agenda_contributions_proposed");
    assert!(blocking[0]["message"].as_str().unwrap().starts_with("1 contribution(s)"), "{}", blocking[0]["message"]);
    assert_eq!(mine.body["warnings"], json!([]));

    // The coordinator's readiness of the same version still tells all.
    let all = w.app.get(&path, &w.coordinator).await;
    let blocking = all.ok(200)["blocking"].as_array().unwrap();
    assert!(blocking[0]["message"].as_str().unwrap().starts_with("2 contribution(s)"), "{}", blocking[0]["message"]);
    let warnings: Vec<_> = all.body["warnings"].as_array().unwrap().iter().map(|w| w["message"].clone()).collect();
    assert_eq!(warnings, [json!("no partner contributes to goal G3")]);
}
