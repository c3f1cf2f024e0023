//! Deadlines, the cycle board's deadline states, the dashboard and the deadline sweeper (SPEC §5, §8),
//! with the clock moved by the test.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use domain::clock::FixedClock;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{Reply, TestApp};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// A municipality with the default calendar, a coordinator and areas.
struct World {
    app: TestApp,
    municipality: String,
    coordinator: String,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        app.set_now(at(2027, 1, 10, 10, 0));
        let municipality = app.municipality("West Betuwe").await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": municipality})).await;
        World { app, municipality, coordinator }
    }

    async fn act(&self, doc: &str, n: i64, action: &str) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await
    }

    async fn save(&self, doc: &str, n: i64, content: Value) {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await.ok(200);
    }

    async fn document(&self, body: Value) -> String {
        let doc = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        doc.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    /// An analysis of `year`, adopted at `when` (the clock is left there).
    async fn analysis_adopted_at(&self, area: &str, year: i32, when: DateTime<Utc>) -> String {
        let doc = self.document(json!({"areaId": area, "kind": "analysis", "year": year})).await;
        self.save(&doc, 1, json!({"summary": "Vergrijzing en weinig ontmoetingsplekken"})).await;
        self.act(&doc, 1, "submit").await.ok(200);
        self.app.set_now(when);
        self.act(&doc, 1, "adopt").await.ok(200);
        doc
    }

    async fn deadlines(&self, query: &str) -> Vec<Value> {
        let reply = self.app.get(&format!("/api/v1/deadlines{query}"), &self.coordinator).await;
        reply.ok(200)["results"].as_array().unwrap().clone()
    }

    async fn states(&self, query: &str) -> Vec<(String, String)> {
        self.deadlines(query)
            .await
            .iter()
            .map(|d| (d["stage"].as_str().unwrap().to_owned(), d["state"].as_str().unwrap().to_owned()))
            .collect()
    }
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[tokio::test]
async fn deadlines_move_from_open_to_due_soon_to_overdue_and_are_met_by_the_first_adoption() {
    let w = World::new().await;
    let area = w.app.area(&w.municipality, "WB-OOST").await;
    let q = format!("?areaId={area}&year=2027");

    // 10 January 2027: the analysis is due 1 March, more than 30 days away.
    assert_eq!(
        w.states(&q).await,
        pairs(&[("analysis", "open"), ("agenda", "open"), ("plan", "open"), ("monitor", "open")])
    );
    let first = &w.deadlines(&q).await[0];
    assert_eq!(first["dueDate"], "2027-03-01");
    assert_eq!(first["municipalityId"], w.municipality.as_str());
    assert_eq!(w.deadlines(&q).await[3]["dueDate"], "2028-03-01", "the monitor of 2027 is due a year later");

    w.app.set_now(at(2027, 2, 10, 9, 0));
    assert_eq!(w.states(&q).await[0], ("analysis".into(), "due_soon".into()));

    // Adopted at 23:30 Dutch winter time on the due date (22:30 UTC): on time.
    let doc = w.analysis_adopted_at(&area, 2027, at(2027, 3, 1, 22, 30)).await;
    let analysis = &w.deadlines(&q).await[0];
    assert_eq!((analysis["state"].as_str(), analysis["documentId"].as_str()), (Some("met"), Some(doc.as_str())));
    assert_eq!(analysis["metAt"], "2027-03-01T22:30:00Z");

    // 2 July: the agenda (due 1 May) and the plan (due 1 July) were never adopted.
    w.app.set_now(at(2027, 7, 2, 8, 0));
    assert_eq!(
        w.states(&q).await,
        pairs(&[("analysis", "met"), ("agenda", "overdue"), ("plan", "overdue"), ("monitor", "open")])
    );
    assert_eq!(w.states(&format!("{q}&state=overdue")).await, pairs(&[("agenda", "overdue"), ("plan", "overdue")]));
    assert_eq!(w.states(&format!("{q}&stage=plan")).await, pairs(&[("plan", "overdue")]));

    // An analysis for 2026 adopted now is late; 2028 starts no agenda period.
    w.analysis_adopted_at(&area, 2026, at(2027, 7, 2, 8, 0)).await;
    assert_eq!(w.states(&format!("?areaId={area}&year=2026&stage=analysis")).await, pairs(&[("analysis", "met_late")]));
    let agenda_2028 = &w.deadlines(&format!("?areaId={area}&year=2028&stage=agenda")).await[0];
    assert_eq!((agenda_2028["state"].as_str(), &agenda_2028["dueDate"]), (Some("not_applicable"), &Value::Null));
}

#[tokio::test]
async fn an_adoption_at_half_past_eleven_on_a_summer_due_date_is_on_time_and_after_midnight_late() {
    let w = World::new().await;
    let on_time = w.app.area(&w.municipality, "WB-OOST").await;
    let late = w.app.area(&w.municipality, "WB-WEST").await;
    let etag = w.app.get(&format!("/api/v1/municipalities/{}", w.municipality), &w.coordinator).await.etag();
    let body = json!({"calendar": {"analysisDue": "07-01"}});
    w.app.patch(&format!("/api/v1/municipalities/{}", w.municipality), &w.coordinator, &etag, &body).await.ok(200);
    // Summer time (UTC+2): 23:30 on 1 July is 21:30 UTC; 00:30 on 2 July is 22:30 UTC on 1 July.
    w.analysis_adopted_at(&on_time, 2027, at(2027, 7, 1, 21, 30)).await;
    w.analysis_adopted_at(&late, 2027, at(2027, 7, 1, 22, 30)).await;
    for (area, expected) in [(&on_time, "met"), (&late, "met_late")] {
        let states = w.states(&format!("?areaId={area}&year=2027&stage=analysis")).await;
        assert_eq!(states, pairs(&[("analysis", expected)]), "area {area}");
    }
}

#[tokio::test]
async fn a_calendar_change_moves_the_deadlines_at_once_and_is_audited() {
    let w = World::new().await;
    let area = w.app.area(&w.municipality, "WB-OOST").await;
    w.app.set_now(at(2027, 6, 20, 12, 0));
    let q = format!("?areaId={area}&year=2027&stage=plan");
    assert_eq!(w.deadlines(&q).await[0]["state"], "due_soon");

    let path = format!("/api/v1/municipalities/{}", w.municipality);
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let body = json!({"calendar": {"planDue": "06-15", "agendaPeriodAnchorYear": 2028}});
    w.app.patch(&path, &w.coordinator, &etag, &body).await.ok(200);
    let plan = &w.deadlines(&q).await[0];
    assert_eq!((plan["dueDate"].as_str(), plan["state"].as_str()), (Some("2027-06-15"), Some("overdue")));
    let agendas = w.states(&format!("?areaId={area}&year=2027&stage=agenda")).await;
    assert_eq!(agendas, pairs(&[("agenda", "not_applicable")]), "periods now start in 2028");

    let trail = w
        .app
        .get(&format!("/api/v1/audit-events?resourceId={}&action=municipality.updated", w.municipality), &w.app.admin)
        .await;
    let change = &trail.ok(200)["results"][0]["changes"];
    assert_eq!(
        (change["old"]["calendar"]["planDue"].as_str(), change["new"]["calendar"]["planDue"].as_str()),
        (Some("07-01"), Some("06-15"))
    );

    // A leap day cannot be a due date, and nothing changes when it is refused.
    let etag = w.app.get(&path, &w.coordinator).await.etag();
    let refused = w.app.patch(&path, &w.coordinator, &etag, &json!({"calendar": {"planDue": "02-29"}})).await;
    assert_eq!(refused.problem(400), ["calendar.planDue"]);
    assert_eq!(w.deadlines(&q).await[0]["dueDate"], "2027-06-15");
}

#[tokio::test]
async fn the_deadline_list_is_sorted_by_due_date_and_paged_by_cursor() {
    let w = World::new().await;
    for code in ["A", "B", "C"] {
        w.app.area(&w.municipality, code).await;
    }
    let other = w.app.municipality("Oldambt").await;
    w.app.area(&other, "OLD-1").await;
    let q = format!("?municipalityId={}", w.municipality);
    let all = w.deadlines(&format!("{q}&pageSize=200")).await;
    // Three areas, three years (2026 to 2028), four stages.
    assert_eq!(all.len(), 3 * 3 * 4);
    let due: Vec<&str> = all.iter().map(|d| d["dueDate"].as_str().unwrap_or("9999-12-31")).collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "sorted by due date, not applicable last");
    assert!(all.iter().all(|d| d["municipalityId"] == w.municipality.as_str()));

    let mut paged = Vec::new();
    let mut next = Some(format!("{}/api/v1/deadlines{q}&pageSize=7", w.app.address));
    while let Some(url) = next {
        let reply = TestApp::send(w.app.client.get(&url).bearer_auth(&w.coordinator)).await;
        let body = reply.ok(200);
        paged.extend(body["results"].as_array().unwrap().iter().cloned());
        next = body["next"].as_str().map(str::to_owned);
    }
    assert_eq!(paged, all, "the pages together are the whole list, in order, without repeats");

    let bad = w.app.get("/api/v1/deadlines?cursor=bm9wZQ&pageSize=0&year=1999", &w.coordinator).await;
    let mut names = bad.problem(400);
    names.sort();
    assert_eq!(names, ["cursor", "pageSize", "year"]);
    let bad_state = w.app.get("/api/v1/deadlines?state=late", &w.coordinator).await;
    assert_eq!(bad_state.problem(400), ["state"]);
}

/// An area with an adopted analysis, a submitted agenda with goal G1, and the police as partner with a token.
async fn with_partner_contribution(w: &World, due: &str) -> (String, String, String, String) {
    let area = w.app.area(&w.municipality, "WB-OOST").await;
    let police = w.app.organisation("Politie Oost-Nederland", "police").await;
    w.app.add_partner(&area, &police).await;
    let partner = w.app.token(json!({"role": "partner", "organisationId": police})).await;
    w.analysis_adopted_at(&area, 2026, at(2027, 1, 10, 10, 0)).await;
    let agenda = w.document(json!({"areaId": area, "kind": "agenda", "periodStart": 2027})).await;
    let goals = json!({"vision": "Veilige kernen", "goals": [{"key": "G1", "title": "Veilig", "theme": "safety", "priority": 1, "municipalityRole": "direct"}]});
    w.save(&agenda, 1, goals).await;
    w.act(&agenda, 1, "submit").await.ok(200);
    let proposal = json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": police,
        "title": "Wijkagent spreekuur", "kind": "capacity", "amount": 0.2, "unit": "fte", "dueDate": due});
    let id = w.app.post("/api/v1/contributions", &partner, &proposal).await.ok(201)["id"].as_str().unwrap().to_owned();
    (area, agenda, partner, id)
}

async fn contribution_act(w: &World, token: &str, id: &str, action: &str) {
    let path = format!("/api/v1/contributions/{id}");
    let etag = w.app.get(&path, token).await.etag();
    let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(token));
    TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
}

#[tokio::test]
async fn contributions_with_a_due_date_have_deadlines_that_partners_see_for_their_own_organisation_only() {
    let w = World::new().await;
    let (area, _, partner, id) = with_partner_contribution(&w, "2027-02-01").await;
    let q = format!("?areaId={area}&year=2027&stage=contribution");
    let mine = &w.deadlines(&q).await;
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0]["contributionId"].as_str(), mine[0]["state"].as_str()), (Some(id.as_str()), Some("due_soon")));

    // The partner sees its own contribution's deadline and the agenda, plan and monitor, never the analysis.
    let seen = TestApp::send(w.app.request(
        Method::GET,
        &format!("/api/v1/deadlines?areaId={area}&year=2027"),
        Some(&partner),
    ))
    .await;
    let stages: Vec<&str> =
        seen.ok(200)["results"].as_array().unwrap().iter().map(|d| d["stage"].as_str().unwrap()).collect();
    assert!(
        !stages.contains(&"analysis") && stages.contains(&"contribution") && stages.contains(&"plan"),
        "{stages:?}"
    );

    // Agreed, started and delivered before the due date: met.
    contribution_act(&w, &w.coordinator, &id, "agree").await;
    contribution_act(&w, &partner, &id, "start").await;
    w.app.set_now(at(2027, 2, 3, 9, 0));
    assert_eq!(w.deadlines(&q).await[0]["state"], "overdue");
    contribution_act(&w, &partner, &id, "deliver").await;
    let delivered = &w.deadlines(&q).await[0];
    assert_eq!(
        (delivered["state"].as_str(), delivered["metAt"].as_str()),
        (Some("met_late"), Some("2027-02-03T09:00:00Z"))
    );

    // Another organisation's partner sees none of it.
    let housing = w.app.organisation("Woningcorporatie", "housing_corporation").await;
    w.app.add_partner(&area, &housing).await;
    let other = w.app.token(json!({"role": "partner", "organisationId": housing})).await;
    let theirs = w.app.get(&format!("/api/v1/deadlines{q}"), &other).await;
    assert_eq!(theirs.ok(200)["results"], json!([]));
}

#[tokio::test]
async fn the_cycle_board_shows_each_stages_due_date_and_state() {
    let w = World::new().await;
    let area = w.app.area(&w.municipality, "WB-OOST").await;
    w.analysis_adopted_at(&area, 2027, at(2027, 2, 1, 10, 0)).await;
    w.app.set_now(at(2027, 5, 20, 10, 0));
    let board = w.app.get(&format!("/api/v1/areas/{area}/cycles/2027"), &w.coordinator).await;
    let stages = board.ok(200)["stages"].as_array().unwrap().clone();
    let got: Vec<(&str, &str, &str)> = stages
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap(),
                s["deadline"]["dueDate"].as_str().unwrap_or("-"),
                s["deadline"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("analysis", "2027-03-01", "met"),
            ("agenda", "2027-05-01", "overdue"),
            ("plan", "2027-07-01", "open"),
            ("monitor", "2028-03-01", "open")
        ]
    );
    let board_2028 = w.app.get(&format!("/api/v1/areas/{area}/cycles/2028"), &w.coordinator).await;
    assert_eq!(
        board_2028.ok(200)["stages"][1]["deadline"],
        json!({"dueDate": null, "state": "not_applicable", "metAt": null})
    );
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let conn = app.db.conn();
    let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The number of areas on a municipality's dashboard and the SQL statements it took.
async fn dashboard_statements(app: &TestApp, municipality: &str) -> (usize, u64) {
    dashboard_statements_with(app, municipality, "").await
}

/// The same, with more query parameters (`&at=…`).
async fn dashboard_statements_with(app: &TestApp, municipality: &str, more: &str) -> (usize, u64) {
    let path = format!("/api/v1/dashboard?municipalityId={municipality}&year=2027{more}");
    let before = app.db.statements();
    let reply = app.get(&path, &app.admin).await;
    let after = app.db.statements();
    (reply.ok(200)["areas"].as_array().unwrap().len(), after - before)
}

async fn listed(app: &TestApp, token: &str, query: String) -> usize {
    let reply = app.get(&format!("/api/v1/contributions?{query}&pageSize=200"), token).await;
    reply.ok(200)["results"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_dashboard_takes_the_same_number_of_statements_for_one_area_as_for_eight() {
    let mut w = World::new().await;
    // The administrator writes in both municipalities.
    w.coordinator = w.app.admin.clone();
    let small = w.app.municipality("Oldambt").await;
    let one = w.app.area(&small, "OLD-1").await;
    w.analysis_adopted_at(&one, 2027, at(2027, 1, 10, 10, 0)).await;
    for i in 0..8 {
        let area = w.app.area(&w.municipality, &format!("WB-{i}")).await;
        w.analysis_adopted_at(&area, 2027, at(2027, 1, 10, 10, 0)).await;
    }
    let (areas_small, small_count) = dashboard_statements(&w.app, &small).await;
    let (areas_large, large_count) = dashboard_statements(&w.app, &w.municipality).await;
    assert_eq!((areas_small, areas_large), (1, 8));
    assert_eq!(small_count, large_count, "statements must not grow with the number of areas");
    assert!(large_count <= 10, "the dashboard takes {large_count} statements");
    let (_, cached) = dashboard_statements(&w.app, &w.municipality).await;
    // On PostgreSQL the token is served from memory (`persistence::credentials`); SQLite reads it each time.
    let expected = if tests::on_postgres() { 1 } else { 2 };
    assert_eq!(cached, expected, "unchanged since: the change counter (and on SQLite the token) only");
    // Looking back is computed each time, also in a fixed number of statements.
    let at = "&at=2027-01-10T11:00:00Z";
    let (_, small_then) = dashboard_statements_with(&w.app, &small, at).await;
    let (areas_then, large_then) = dashboard_statements_with(&w.app, &w.municipality, at).await;
    assert_eq!((areas_then, small_then), (8, large_then), "statements must not grow with the number of areas");
    assert!(large_then <= 11, "the dashboard as of a moment takes {large_then} statements");
    println!("dashboard statements: {large_count} now, {large_then} as of a moment, {cached} cached");
}

#[tokio::test]
async fn a_dashboard_served_from_memory_is_never_stale() {
    let w = World::new().await;
    let adopted = w.app.area(&w.municipality, "WB-OOST").await;
    w.app.area(&w.municipality, "WB-WEST").await;
    let path = format!("/api/v1/dashboard?municipalityId={}&year=2027", w.municipality);
    let analysis_states = |body: &Value| -> Vec<String> {
        body["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["stages"][0]["deadlineState"].as_str().unwrap().to_owned())
            .collect()
    };
    let listed = format!("?municipalityId={}&year=2027&stage=analysis", w.municipality);
    let first = w.app.get(&path, &w.coordinator).await.ok(200).clone();
    assert_eq!(analysis_states(&first), ["open", "open"]);
    assert_eq!(w.states(&listed).await, pairs(&[("analysis", "open"), ("analysis", "open")]));
    assert_eq!(w.app.get(&path, &w.coordinator).await.ok(200), &first);

    // A change: the adoption shows at once.
    w.analysis_adopted_at(&adopted, 2027, at(2027, 1, 10, 12, 0)).await;
    let after = w.app.get(&path, &w.coordinator).await.ok(200).clone();
    assert_eq!(analysis_states(&after), ["met", "open"]);
    let mut states: Vec<_> = w.states(&listed).await.into_iter().map(|(_, s)| s).collect();
    states.sort();
    assert_eq!(states, ["met", "open"], "the deadline list, kept like the dashboard, is not stale either");
    // Another day: the other area's analysis is now due soon.
    w.app.set_now(at(2027, 2, 10, 9, 0));
    assert_eq!(analysis_states(w.app.get(&path, &w.coordinator).await.ok(200)), ["met", "due_soon"]);
    // A calendar change moves the due dates.
    let m = format!("/api/v1/municipalities/{}", w.municipality);
    let etag = w.app.get(&m, &w.coordinator).await.etag();
    w.app.patch(&m, &w.coordinator, &etag, &json!({"calendar": {"analysisDue": "04-01"}})).await.ok(200);
    let moved = w.app.get(&path, &w.coordinator).await.ok(200).clone();
    assert_eq!(moved["areas"][1]["stages"][0]["dueDate"], "2027-04-01");
    assert_eq!(analysis_states(&moved), ["met", "open"]);
    // A change written through another instance (its own pool) is seen as well.
    let second = persistence::Db::connect(
        &persistence::DbSettings::new(w.app.database_url.clone()),
        Arc::new(FixedClock::new(at(2027, 2, 10, 9, 0))),
    )
    .await
    .unwrap();
    let tx = second.begin(persistence::Actor::system("second instance")).await.unwrap();
    let current =
        persistence::municipalities::get(tx.conn(), domain::access::ReadScope::All, w.municipality.parse().unwrap())
            .await
            .unwrap();
    let mut calendar = current.calendar.clone();
    calendar.analysis_due = domain::calendar::MonthDay::new(2, 15).unwrap();
    let changed = domain::municipality::MunicipalityDefinition {
        name: current.name.clone(),
        cbs_code: current.cbs_code.clone(),
        calendar,
    };
    let changed = domain::Parsed::parse(changed).unwrap();
    persistence::municipalities::update(&tx, &current, changed, current.revision).await.unwrap();
    tx.commit().await.unwrap();
    second.close().await;
    let seen = w.app.get(&path, &w.coordinator).await.ok(200).clone();
    assert_eq!(seen["areas"][1]["stages"][0]["dueDate"], "2027-02-15");
    let dues: Vec<_> = w.deadlines(&listed).await.iter().map(|d| d["dueDate"].as_str().unwrap().to_owned()).collect();
    assert_eq!(dues, ["2027-02-15", "2027-02-15"]);
}

#[tokio::test]
async fn the_dashboard_agrees_with_the_deadline_and_contribution_lists() {
    let w = World::new().await;
    let (area, agenda, partner, first) = with_partner_contribution(&w, "2027-02-01").await;
    // A second contribution agreed and then withdrawn (a broken promise), a third left proposed.
    let police = w.app.get(&format!("/api/v1/contributions/{first}"), &partner).await.ok(200)["organisationId"].clone();
    let body = |title: &str, due: &str| json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": police, "title": title, "kind": "activity", "dueDate": due});
    let second = w.app.post("/api/v1/contributions", &partner, &body("Voorlichting", "2027-12-01")).await.id();
    contribution_act(&w, &w.coordinator, &second, "agree").await;
    let path = format!("/api/v1/contributions/{second}");
    let etag = w.app.get(&path, &partner).await.etag();
    let request = w.app.request(Method::POST, &format!("{path}/transitions"), Some(&partner));
    TestApp::send(request.header("If-Match", etag).json(&json!({"action": "withdraw", "note": "Geen capaciteit"})))
        .await
        .ok(200);
    w.app.post("/api/v1/contributions", &partner, &body("Schouw", "2027-01-20")).await.ok(201);
    contribution_act(&w, &w.coordinator, &first, "agree").await;
    w.app.set_now(at(2027, 3, 10, 9, 0));

    let dash =
        w.app.get(&format!("/api/v1/dashboard?municipalityId={}&year=2027", w.municipality), &w.coordinator).await;
    let dash = dash.ok(200).clone();
    let row = &dash["areas"][0];
    assert_eq!(row["areaId"], area.as_str());
    let counts = &row["contributions"];
    assert_eq!(counts["total"], listed(&w.app, &w.coordinator, format!("agendaDocumentId={agenda}")).await);
    for (field, status) in [("proposed", "proposed"), ("committed", "committed"), ("withdrawn", "withdrawn")] {
        assert_eq!(
            counts[field],
            listed(&w.app, &w.coordinator, format!("agendaDocumentId={agenda}&status={status}")).await,
            "{field}"
        );
    }
    assert_eq!(
        counts["withdrawnAfterCommitment"],
        listed(&w.app, &w.coordinator, format!("agendaDocumentId={agenda}&withdrawnAfterCommitment=true")).await
    );
    let overdue = w.deadlines(&format!("?areaId={area}&year=2027&stage=contribution&state=overdue")).await;
    assert_eq!(counts["overdue"], overdue.len());
    assert_eq!(
        (counts["total"].as_u64(), counts["overdue"].as_u64(), counts["withdrawnAfterCommitment"].as_u64()),
        (Some(3), Some(2), Some(1))
    );

    // Each stage's state is the deadline list's, and the totals add up the areas.
    let listed = w.states(&format!("?areaId={area}&year=2027")).await;
    for stage in row["stages"].as_array().unwrap() {
        let name = stage["stage"].as_str().unwrap();
        let from_list = listed.iter().find(|(s, _)| s == name).map(|(_, state)| state.as_str());
        assert_eq!(stage["deadlineState"].as_str(), from_list, "{name}");
    }
    assert_eq!(dash["totals"]["contributions"], row["contributions"]);
    assert_eq!(dash["totals"]["areas"], 1);
    assert_eq!(row["stages"][1]["latestStatus"], "submitted");
    assert_eq!(row["stages"][1]["documentId"], agenda.as_str());

    let unknown =
        w.app.get(&format!("/api/v1/dashboard?municipalityId={}", uuid::Uuid::now_v7()), &w.coordinator).await;
    assert_eq!(unknown.problem(400), ["municipalityId"]);
    let missing = w.app.get("/api/v1/dashboard", &w.app.admin).await;
    assert_eq!(missing.problem(400), ["municipalityId"], "an administrator's token has no municipality");
}

async fn deadline_events(app: &TestApp) -> (i64, i64, i64) {
    (
        count(app, "SELECT COUNT(*) FROM domain_events WHERE event_type = 'deadline.due_soon'").await,
        count(app, "SELECT COUNT(*) FROM domain_events WHERE event_type = 'deadline.overdue'").await,
        count(app, "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'deadline.%'").await,
    )
}

#[tokio::test]
async fn the_sweeper_raises_each_deadline_event_once_however_often_it_runs() {
    let w = World::new().await;
    let area = w.app.area(&w.municipality, "WB-OOST").await;
    // 10 February 2027, years 2026 to 2028: the 2026 analysis and plan are overdue; the 2026 monitor and
    // the 2027 analysis (both due 1 March 2027) are due soon.
    w.app.set_now(at(2027, 2, 10, 9, 0));
    let expected_soon = w.deadlines(&format!("?areaId={area}&state=due_soon")).await.len() as i64;
    let expected_overdue = w.deadlines(&format!("?areaId={area}&state=overdue")).await.len() as i64;
    assert_eq!((expected_soon, expected_overdue), (2, 2));

    let first = api::sweeper::sweep_once(&w.app.db).await.unwrap();
    assert_eq!(first.raised, 4);
    let again = api::sweeper::sweep_once(&w.app.db).await.unwrap();
    assert_eq!(again.raised, 0);
    assert_eq!(deadline_events(&w.app).await, (2, 2, 4));

    // A month on the due-soon analysis is overdue: one new event for that deadline's new state.
    w.app.set_now(at(2027, 3, 10, 9, 0));
    api::sweeper::sweep_once(&w.app.db).await.unwrap();
    api::sweeper::sweep_once(&w.app.db).await.unwrap();
    let (soon, overdue, _) = deadline_events(&w.app).await;
    assert_eq!(soon, 2);
    assert_eq!(overdue, 4, "the 2027 analysis and the 2026 monitor became overdue");
    let event = w
        .app
        .get(&format!("/api/v1/audit-events?action=deadline.overdue&municipalityId={}", w.municipality), &w.app.admin)
        .await;
    assert_eq!(event.ok(200)["results"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn two_instances_sweeping_at_once_raise_each_event_once() {
    let w = World::new().await;
    for code in ["A", "B", "C", "D"] {
        w.app.area(&w.municipality, code).await;
    }
    w.app.set_now(at(2027, 2, 10, 9, 0));
    // A second instance: its own pool on the same database, with its own clock at the same moment.
    let clock = Arc::new(FixedClock::new(at(2027, 2, 10, 9, 0)));
    let mut settings = persistence::DbSettings::new(w.app.database_url.clone());
    settings.max_connections = 4;
    let second = persistence::Db::connect(&settings, clock).await.unwrap();
    let mut raised = 0;
    for _ in 0..3 {
        let (a, b) = tokio::join!(api::sweeper::sweep_once(&w.app.db), api::sweeper::sweep_once(&second));
        raised += a.unwrap().raised + b.unwrap().raised;
    }
    let (soon, overdue, audited) = deadline_events(&w.app).await;
    assert_eq!((soon, overdue), (4 * 2, 4 * 2));
    assert_eq!((raised as i64, audited), (soon + overdue, soon + overdue));
    second.close().await;
}
