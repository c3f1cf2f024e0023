//! A cycle board is kept in memory while its area's municipality does not change (`usecases::boards`). It is
//! never stale: each change it shows is there at the next read, whichever instance made it, and whoever may no
//! longer see the area loses its board at once.

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

struct World {
    app: TestApp,
    municipality: String,
    coordinator: String,
    area: String,
    police: String,
    partner: String,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2027, 5, 20, 10, 0, 0).unwrap());
        let municipality = app.municipality("West Betuwe").await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": municipality})).await;
        let area = app.area(&municipality, "WB-OOST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        app.add_partner(&area, &police).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        World { app, municipality, coordinator, area, police, partner }
    }

    fn board_path(&self) -> String {
        format!("/api/v1/areas/{}/cycles/2027", self.area)
    }

    /// One stage of the board as `token` reads it now.
    async fn stage(&self, token: &str, stage: &str) -> Value {
        let board = self.app.get(&self.board_path(), token).await;
        board.ok(200)["stages"].as_array().unwrap().iter().find(|s| s["stage"] == stage).unwrap().clone()
    }

    async fn act(&self, doc: &str, action: &str) {
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, &self.coordinator).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(&self.coordinator));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
    }
}

#[tokio::test]
async fn every_change_a_board_shows_is_there_at_the_next_read() {
    let w = World::new().await;
    // Read twice before anything changes, so the second read is the kept board.
    for _ in 0..2 {
        let analysis = w.stage(&w.coordinator, "analysis").await;
        assert_eq!((&analysis["documentId"], &analysis["deadline"]["state"]), (&Value::Null, &json!("overdue")));
    }

    let body = json!({"areaId": w.area, "kind": "analysis", "year": 2027});
    let doc = w.app.post("/api/v1/documents", &w.coordinator, &body).await.ok(201)["document"]["id"].clone();
    let doc = doc.as_str().unwrap().to_owned();
    let analysis = w.stage(&w.coordinator, "analysis").await;
    assert_eq!((&analysis["documentId"], &analysis["latest"]["status"]), (&json!(doc), &json!("draft")));
    assert_eq!(analysis["inForce"], Value::Null);

    // Saving the draft moves its revision, which the board shows.
    let version = format!("/api/v1/documents/{doc}/versions/1");
    let etag = w.app.get(&version, &w.coordinator).await.etag();
    let save = w.app.request(Method::PUT, &version, Some(&w.coordinator)).header("If-Match", etag);
    let content = json!({"content": {"summary": "Vergrijzing en weinig ontmoetingsplekken"}});
    let saved = TestApp::send(save.json(&content)).await.ok(200)["revision"].clone();
    assert_eq!(w.stage(&w.coordinator, "analysis").await["latest"]["revision"], saved);

    w.act(&doc, "submit").await;
    assert_eq!(w.stage(&w.coordinator, "analysis").await["latest"]["status"], "submitted");
    w.act(&doc, "adopt").await;
    let analysis = w.stage(&w.coordinator, "analysis").await;
    assert_eq!((&analysis["inForce"]["number"], &analysis["deadline"]["state"]), (&json!(1), &json!("met_late")));

    // A change made through another instance on the same database shows here too.
    let other = w.app.second_instance().await;
    let moved = json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01", "reason": "De raad vergadert in juli"});
    let overrides = format!("{other}/api/v1/areas/{}/deadline-overrides", w.area);
    let request = w.app.client.request(Method::POST, overrides).bearer_auth(&w.coordinator).json(&moved);
    TestApp::send(request).await.ok(201);
    assert_eq!(w.stage(&w.coordinator, "plan").await["deadline"]["dueDate"], "2027-08-01");

    // So does a change in the calendar the deadlines come from.
    let path = format!("/api/v1/municipalities/{}", w.municipality);
    let etag = w.app.get(&path, &w.app.admin).await.etag();
    let calendar = json!({"calendar": {"agendaDue": "06-01"}});
    w.app.patch(&path, &w.app.admin, &etag, &calendar).await.ok(200);
    assert_eq!(w.stage(&w.coordinator, "agenda").await["deadline"]["dueDate"], "2027-06-01");

    // And the next day, with nothing changed, the states are the next day's.
    assert_eq!(w.stage(&w.coordinator, "agenda").await["deadline"]["state"], "due_soon");
    w.app.set_now(Utc.with_ymd_and_hms(2027, 6, 2, 10, 0, 0).unwrap());
    assert_eq!(w.stage(&w.coordinator, "agenda").await["deadline"]["state"], "overdue");
}

#[tokio::test]
async fn a_partner_loses_the_board_with_its_partnership_and_everyone_loses_it_with_the_area() {
    let w = World::new().await;
    for _ in 0..2 {
        assert_eq!(w.stage(&w.partner, "agenda").await["deadline"]["dueDate"], "2027-05-01");
    }
    let partnership = format!("/api/v1/areas/{}/partners/{}", w.area, w.police);
    let etag = w.app.get(&partnership, &w.coordinator).await.etag();
    w.app.patch(&partnership, &w.coordinator, &etag, &json!({"until": "2027-05-19"})).await.ok(200);
    w.app.get(&w.board_path(), &w.partner).await.problem(404);

    // An area without partners may be deleted; its kept board goes with it.
    let gone = w.app.area(&w.municipality, "WB-WEST").await;
    let board = format!("/api/v1/areas/{gone}/cycles/2027");
    for _ in 0..2 {
        w.app.get(&board, &w.coordinator).await.ok(200);
    }
    let area = format!("/api/v1/areas/{gone}");
    let etag = w.app.get(&area, &w.coordinator).await.etag();
    assert_eq!(w.app.delete(&area, &w.coordinator, &etag).await.status, 204);
    w.app.get(&board, &w.coordinator).await.problem(404);
}
