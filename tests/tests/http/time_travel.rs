//! Time travel (issue 17 item 11): `?at=` on a document, the document list, the cycle board and the
//! dashboard answers as the data stood then, and a malformed `at` is refused alike everywhere.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

/// `?at=` of a moment an hour after `at(y, m, d)`, written with an offset as a client in the Netherlands would.
fn then(y: i32, m: u32, d: u32) -> String {
    let moment =
        Utc.with_ymd_and_hms(y, m, d, 11, 0, 0).unwrap().with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap());
    format!("at={}", moment.to_rfc3339().replace('+', "%2B"))
}

fn agenda(first_goal: &str) -> Value {
    json!({"vision": "Leefbare kernen", "goals": [
        {"key": "G1", "title": first_goal, "theme": "safety", "priority": 1, "municipalityRole": "direct"}]})
}

struct History {
    app: TestApp,
    municipality: String,
    area: String,
    agenda: String,
    contribution: String,
    coordinator: String,
}

impl History {
    async fn act(&self, doc: &str, n: i64, action: &str) {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
    }

    async fn save(&self, doc: &str, n: i64, content: Value) {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(&self.coordinator)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await.ok(200);
    }

    async fn create(&self, body: Value) -> String {
        let doc = self.app.post("/api/v1/documents", &self.coordinator, &body).await;
        doc.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    /// An analysis of 2026 adopted on 1 December 2026; an agenda from 2027 created on 10 January 2027 and adopted
    /// on 1 February; a contribution proposed on 2 February, agreed on the 3rd, reported at risk on the 4th and on
    /// track on the 10th; the agenda's version 2 created on 1 March, submitted on 5 March, adopted on 1 April. The
    /// clock then stands at 2 April 2027.
    async fn new() -> History {
        let app = TestApp::spawn().await;
        app.set_now(at(2026, 12, 1));
        let municipality = app.municipality("West Betuwe").await;
        let area = app.area(&municipality, "WB-OOST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        app.add_partner(&area, &police).await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": municipality})).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        let mut h =
            History { app, municipality, area, agenda: String::new(), contribution: String::new(), coordinator };
        let analysis = h.create(json!({"areaId": h.area, "kind": "analysis", "year": 2026})).await;
        h.save(&analysis, 1, json!({"summary": "Inbraken nemen toe"})).await;
        h.act(&analysis, 1, "submit").await;
        h.act(&analysis, 1, "adopt").await;

        h.app.set_now(at(2027, 1, 10));
        h.agenda = h.create(json!({"areaId": h.area, "kind": "agenda", "periodStart": 2027})).await;
        h.save(&h.agenda, 1, agenda("Veilige buurt")).await;
        h.act(&h.agenda, 1, "submit").await;
        h.app.set_now(at(2027, 2, 1));
        h.act(&h.agenda, 1, "adopt").await;

        h.app.set_now(at(2027, 2, 2));
        let proposal = json!({"agendaDocumentId": h.agenda, "goalKey": "G1", "organisationId": police,
                              "title": "Wijkagent in de kern", "kind": "capacity", "dueDate": "2027-12-31"});
        h.contribution = h.app.post("/api/v1/contributions", &h.coordinator, &proposal).await.id();
        let path = format!("/api/v1/contributions/{}", h.contribution);
        h.app.set_now(at(2027, 2, 3));
        let etag = h.app.get(&path, &partner).await.etag();
        let request = h.app.request(Method::POST, &format!("{path}/transitions"), Some(&partner));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": "agree"}))).await.ok(200);
        for (day, confidence) in [(4, "at_risk"), (10, "on_track")] {
            h.app.set_now(at(2027, 2, day));
            let report = json!({"date": format!("2027-02-{day:02}"), "progressPercent": 20, "confidence": confidence});
            h.app.post(&format!("{path}/check-ins"), &partner, &report).await.ok(201);
        }

        h.app.set_now(at(2027, 3, 1));
        h.app.post(&format!("/api/v1/documents/{}/versions", h.agenda), &h.coordinator, &json!({})).await.ok(201);
        h.save(&h.agenda, 2, agenda("Veilige en schone buurt")).await;
        h.app.set_now(at(2027, 3, 5));
        h.act(&h.agenda, 2, "submit").await;
        h.app.set_now(at(2027, 4, 1));
        h.act(&h.agenda, 2, "adopt").await;
        h.app.set_now(at(2027, 4, 2));
        h
    }

    async fn read(&self, path: &str) -> Value {
        self.app.get(path, &self.coordinator).await.ok(200).clone()
    }
}

fn number(v: &Value) -> Option<i64> {
    v["number"].as_i64()
}

#[tokio::test]
async fn a_document_answers_its_versions_and_the_content_in_force_as_they_stood_then() {
    let h = History::new().await;
    let path = format!("/api/v1/documents/{}", h.agenda);
    let cases = [
        // (moment, in force, open, its status, latest, title in force)
        (then(2027, 1, 20), None, Some(1), Some("submitted"), Some(1), None),
        (then(2027, 2, 15), Some(1), None, None, Some(1), Some("Veilige buurt")),
        (then(2027, 3, 2), Some(1), Some(2), Some("draft"), Some(2), Some("Veilige buurt")),
        (then(2027, 3, 6), Some(1), Some(2), Some("submitted"), Some(2), Some("Veilige buurt")),
        (then(2027, 4, 1), Some(2), None, None, Some(2), Some("Veilige en schone buurt")),
    ];
    for (moment, in_force, open, open_status, latest, title) in cases {
        let doc = h.read(&format!("{path}?{moment}")).await;
        assert_eq!(number(&doc["inForce"]), in_force, "{moment}");
        assert_eq!((number(&doc["open"]), doc["open"]["status"].as_str()), (open, open_status), "{moment}");
        assert_eq!(number(&doc["latest"]), latest, "{moment}");
        assert_eq!(doc["inForceVersion"]["content"]["goals"][0]["title"].as_str(), title, "{moment}");
        assert!(doc["asOf"].is_string(), "{moment}");
    }
    // The version in force then is shown as it stood then: adopted, not yet superseded.
    let feb = h.read(&format!("{path}?{}", then(2027, 2, 15))).await;
    let shown = &feb["inForceVersion"];
    assert_eq!((shown["status"].as_str(), shown["kind"].as_str()), (Some("adopted"), Some("agenda")));
    assert_eq!(shown["adoptedAt"], "2027-02-01T10:00:00Z");
    // Before the document existed there was nothing to read.
    let before = h.app.get(&format!("{path}?{}", then(2027, 1, 9)), &h.coordinator).await;
    assert_eq!(before.problem(404), Vec::<String>::new());
    // Without `at` it is as it is now, with its ETag.
    let now = h.app.get(&path, &h.coordinator).await;
    assert_eq!((number(&now.body["inForce"]), now.body.get("inForceVersion")), (Some(2), None));
    assert!(now.header("etag").is_some());
}

#[tokio::test]
async fn the_document_list_holds_the_documents_created_by_then_with_their_versions_then() {
    let h = History::new().await;
    let list = |moment: String| format!("/api/v1/documents?areaId={}&{moment}", h.area);
    let early = h.read(&list(then(2027, 1, 5))).await;
    let kinds: Vec<_> = early["results"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["analysis"], "the agenda was created on 10 January");
    let march = h.read(&list(then(2027, 3, 2))).await;
    let agenda = march["results"].as_array().unwrap().iter().find(|d| d["kind"] == "agenda").unwrap();
    assert_eq!((number(&agenda["inForce"]), number(&agenda["latest"])), (Some(1), Some(2)));
    assert_eq!(agenda["latest"]["status"], "draft");
    assert!(agenda["asOf"].is_string());
    let refused = h.app.get(&format!("{}&status=adopted", list(then(2027, 3, 2))), &h.coordinator).await;
    assert_eq!(refused.problem(400), ["status"]);
}

#[tokio::test]
async fn the_cycle_board_shows_the_stages_and_deadline_states_of_that_day() {
    let h = History::new().await;
    let board = |moment: String| format!("/api/v1/areas/{}/cycles/2027?{moment}", h.area);
    let agenda_of =
        |b: &Value| b["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "agenda").unwrap().clone();

    let january = agenda_of(&h.read(&board(then(2027, 1, 20))).await);
    assert_eq!((number(&january["inForce"]), january["latest"]["status"].as_str()), (None, Some("submitted")));
    assert_eq!((january["deadline"]["state"].as_str(), &january["deadline"]["metAt"]), (Some("open"), &Value::Null));
    let april = agenda_of(&h.read(&board(then(2027, 4, 20))).await);
    assert_eq!(number(&april["inForce"]), Some(2));
    assert_eq!(april["deadline"]["state"], "met");
    assert_eq!(april["deadline"]["metAt"], "2027-02-01T10:00:00Z");
    // The analysis of 2027 was due on 1 March and never written: due soon in February, overdue after.
    let analysis_of = |b: &Value| b["stages"][0]["deadline"]["state"].as_str().unwrap().to_owned();
    assert_eq!(analysis_of(&h.read(&board(then(2027, 2, 15))).await), "due_soon");
    assert_eq!(analysis_of(&h.read(&board(then(2027, 3, 2))).await), "overdue");
}

#[tokio::test]
async fn the_dashboard_counts_stages_contributions_and_promises_as_they_stood_then() {
    let h = History::new().await;
    let dashboard = |moment: String| format!("/api/v1/dashboard?municipalityId={}&year=2027&{moment}", h.municipality);
    let row = |d: &Value| d["areas"][0].clone();
    let agenda_of =
        |d: &Value| row(d)["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "agenda").unwrap().clone();
    let counts = |d: &Value| {
        let c = &row(d)["contributions"];
        [&c["total"], &c["proposed"], &c["committed"], &c["atRisk"]].map(|v| v.as_u64().unwrap())
    };

    let january = h.read(&dashboard(then(2027, 1, 20))).await;
    assert_eq!((january["today"].as_str(), january["asOf"].is_string()), (Some("2027-01-20"), true));
    let stage = agenda_of(&january);
    assert_eq!((stage["inForceVersion"].as_i64(), stage["latestStatus"].as_str()), (None, Some("submitted")));
    assert_eq!(stage["deadlineState"], "open");
    assert_eq!(counts(&january), [0, 0, 0, 0], "nothing was proposed yet");

    assert_eq!(counts(&h.read(&dashboard(then(2027, 2, 2))).await), [1, 1, 0, 0]);
    assert_eq!(counts(&h.read(&dashboard(then(2027, 2, 4))).await), [1, 0, 1, 1], "at risk since the 4th");
    assert_eq!(counts(&h.read(&dashboard(then(2027, 2, 12))).await), [1, 0, 1, 0], "on track again");

    let now = h.read(&format!("/api/v1/dashboard?municipalityId={}&year=2027", h.municipality)).await;
    assert_eq!(agenda_of(&now)["inForceVersion"], 2);
    assert_eq!(agenda_of(&now)["deadlineState"], "met");
    assert!(now.get("asOf").is_none());
    // Left out, the year is the one of the moment asked about.
    let year = h.read(&format!("/api/v1/dashboard?municipalityId={}&{}", h.municipality, then(2026, 12, 2))).await;
    assert_eq!(year["year"], 2026);
}

#[tokio::test]
async fn a_malformed_at_is_refused_alike_by_every_operation_that_takes_it() {
    let h = History::new().await;
    let operations = [
        format!("/api/v1/documents/{}", h.agenda),
        format!("/api/v1/documents?areaId={}", h.area),
        format!("/api/v1/areas/{}/cycles/2027", h.area),
        format!("/api/v1/dashboard?municipalityId={}", h.municipality),
    ];
    for path in &operations {
        let join = if path.contains('?') { '&' } else { '?' };
        for bad in ["garbage", "2027-03-01", "2027-03-01T12:00:00", "2027-03-01T12:00:00+01:00", ""] {
            let r: Reply = h.app.get(&format!("{path}{join}at={bad}"), &h.coordinator).await;
            assert_eq!(r.problem(400), ["at"], "{path} at={bad}");
            let reason = r.body["invalidParams"][0]["reason"].as_str().unwrap();
            assert!(reason.contains("RFC 3339 date-time"), "{path} at={bad}: {reason}");
            assert_eq!(r.body["invalidParams"][0]["code"], "invalid_value");
        }
        let z = h.app.get(&format!("{path}{join}at=2027-03-01T12:00:00Z"), &h.coordinator).await;
        z.ok(200);
    }
}
