//! An area's own deadline (eigen termijn): the coordinator moves one stage's due date for one area and year,
//! with a reason; the deadline list, the cycle board, the dashboard and the sweeper all use it.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

struct World {
    app: TestApp,
    municipality: String,
    coordinator: String,
    area: String,
    other_area: String,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        app.set_now(at(2027, 7, 10, 10));
        let municipality = app.municipality("West Betuwe").await;
        let coordinator = app.token(json!({"role": "coordinator", "municipalityId": municipality})).await;
        let area = app.area(&municipality, "WB-OOST").await;
        let other_area = app.area(&municipality, "WB-WEST").await;
        World { app, municipality, coordinator, area, other_area }
    }

    fn path(&self) -> String {
        format!("/api/v1/areas/{}/deadline-overrides", self.area)
    }

    async fn create(&self, token: &str, body: Value) -> Reply {
        self.app.post(&self.path(), token, &body).await
    }

    /// The area's plan deadline of 2027 as the deadline list shows it.
    async fn plan_2027(&self, area: &str) -> Value {
        let path = format!("/api/v1/deadlines?areaId={area}&year=2027&stage=plan");
        self.app.get(&path, &self.coordinator).await.ok(200)["results"][0].clone()
    }
}

fn plan_in_august() -> Value {
    json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01", "reason": "De gemeenteraad vergadert pas in juli"})
}

#[tokio::test]
async fn a_coordinator_moves_one_areas_plan_deadline_and_every_view_uses_it_until_it_is_deleted() {
    let w = World::new().await;
    // By the calendar the plan was due on 1 July: overdue on 10 July, in both areas.
    assert_eq!(w.plan_2027(&w.area).await["state"], "overdue");

    let created = w.create(&w.coordinator, plan_in_august()).await;
    let own = created.ok(201).clone();
    assert_eq!((&own["stage"], &own["year"], &own["dueDate"]), (&json!("plan"), &json!(2027), &json!("2027-08-01")));
    assert_eq!(own["reason"], "De gemeenteraad vergadert pas in juli");
    let item = format!("{}/{}", w.path(), own["id"].as_str().unwrap());
    assert_eq!(created.header("location"), Some(item.as_str()));

    // The list, the board and the dashboard: due on the area's own date, so due soon; the other area not.
    let moved = w.plan_2027(&w.area).await;
    assert_eq!((&moved["dueDate"], &moved["state"]), (&json!("2027-08-01"), &json!("due_soon")));
    assert_eq!(moved["overridden"], true);
    let other = w.plan_2027(&w.other_area).await;
    assert_eq!((&other["dueDate"], &other["state"]), (&json!("2027-07-01"), &json!("overdue")));
    assert_eq!(other["overridden"], false);
    let board = w.app.get(&format!("/api/v1/areas/{}/cycles/2027", w.area), &w.coordinator).await;
    let plan = board.ok(200)["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "plan").unwrap().clone();
    assert_eq!((&plan["deadline"]["dueDate"], &plan["deadline"]["state"]), (&json!("2027-08-01"), &json!("due_soon")));
    let dashboard =
        w.app.get(&format!("/api/v1/dashboard?municipalityId={}&year=2027", w.municipality), &w.coordinator).await;
    let row = dashboard.ok(200)["areas"].as_array().unwrap().iter().find(|a| a["areaId"] == w.area).unwrap().clone();
    let plan = row["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "plan").unwrap().clone();
    assert_eq!((&plan["dueDate"], &plan["deadlineState"]), (&json!("2027-08-01"), &json!("due_soon")));

    // The sweeper announces the moved plan as due soon, not as overdue.
    api::sweeper::sweep_once(&w.app.db).await.unwrap();
    let events = w.app.get("/api/v1/events?pageSize=200", &w.app.admin).await;
    let about_plan = |t: &str| {
        events.body["results"].as_array().unwrap().iter().any(|e| {
            e["type"] == t
                && e["areaId"] == w.area
                && e["resourceUrl"].as_str().unwrap().ends_with("year=2027&stage=plan")
        })
    };
    assert!(about_plan("deadline.due_soon") && !about_plan("deadline.overdue"), "{}", events.text);

    // Audited with its reason, and readable by the municipality.
    let trail =
        w.app.get(&format!("/api/v1/audit-events?resourceId={}", own["id"].as_str().unwrap()), &w.app.admin).await;
    let entry = &trail.ok(200)["results"][0];
    assert_eq!(entry["action"], "deadline_override.created");
    assert_eq!(entry["changes"]["new"]["reason"], "De gemeenteraad vergadert pas in juli");
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": w.municipality})).await;
    assert_eq!(w.app.get(&w.path(), &viewer).await.ok(200)["results"].as_array().unwrap().len(), 1);

    // Deleted, the calendar's date applies again.
    let etag = w.app.get(&item, &w.coordinator).await.etag();
    assert_eq!(w.app.delete(&item, &w.coordinator, &etag).await.status, 204);
    let back = w.plan_2027(&w.area).await;
    assert_eq!((&back["dueDate"], &back["state"]), (&json!("2027-07-01"), &json!("overdue")));
    assert_eq!(back["overridden"], false);
    w.app.get(&item, &w.coordinator).await.problem(404);
    let trail = w.app.get("/api/v1/audit-events?action=deadline_override.deleted", &w.app.admin).await;
    assert_eq!(trail.ok(200)["results"].as_array().unwrap().len(), 1);
    tests::invariants::assert_hold(&w.app.db).await;
}

#[tokio::test]
async fn only_the_municipalitys_coordinator_or_an_administrator_moves_a_deadline() {
    let w = World::new().await;
    let editor =
        w.app.token(json!({"role": "area_editor", "municipalityId": w.municipality, "areaIds": [w.area]})).await;
    let viewer = w.app.token(json!({"role": "viewer", "municipalityId": w.municipality})).await;
    let police = w.app.organisation("Politie Oost-Nederland", "police").await;
    w.app.add_partner(&w.area, &police).await;
    let partner = w.app.token(json!({"role": "partner", "organisationId": police})).await;
    let elsewhere = w.app.municipality("Woerden").await;
    let stranger = w.app.token(json!({"role": "coordinator", "municipalityId": elsewhere})).await;

    for token in [&editor, &viewer, &partner] {
        w.create(token, plan_in_august()).await.problem(403);
    }
    w.create(&stranger, plan_in_august()).await.problem(404);
    assert_eq!(w.app.get(&w.path(), &w.coordinator).await.ok(200)["results"], json!([]), "nothing was stored");

    let created = w.create(&w.app.admin, plan_in_august()).await.ok(201).clone();
    let item = format!("{}/{}", w.path(), created["id"].as_str().unwrap());
    let etag = w.app.get(&item, &w.coordinator).await.etag();
    w.app.delete(&item, &editor, &etag).await.problem(403);
    w.app.delete(&item, &stranger, &etag).await.problem(404);
    let unguarded = TestApp::send(w.app.request(Method::DELETE, &item, Some(&w.coordinator))).await;
    unguarded.problem(428);
    // A partner reads the area's moved plan but not a moved analysis, which it does not see.
    let analysis = json!({"stage": "analysis", "year": 2028, "dueDate": "2028-04-01", "reason": "Nieuwe wijkindeling"});
    w.create(&w.coordinator, analysis).await.ok(201);
    let seen = w.app.get(&w.path(), &partner).await;
    let stages: Vec<&str> =
        seen.ok(200)["results"].as_array().unwrap().iter().map(|o| o["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["plan"]);
}

#[tokio::test]
async fn a_missing_reason_a_bad_date_and_a_stage_without_a_deadline_are_refused() {
    let w = World::new().await;
    let no_reason = w.create(&w.coordinator, json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01"})).await;
    assert_eq!(no_reason.problem(400), ["reason"]);
    let bad_date = json!({"stage": "plan", "year": 2027, "dueDate": "2027-13-01", "reason": "x"});
    assert_eq!(w.create(&w.coordinator, bad_date).await.problem(400), ["dueDate"]);

    let far = json!({"stage": "plan", "year": 2027, "dueDate": "2030-01-01", "reason": "Veel later"});
    let far = w.create(&w.coordinator, far).await;
    assert_eq!(far.problem(400), ["dueDate"]);
    assert_eq!(far.body["invalidParams"][0]["code"], "too_far_from_year");
    let everything = json!({"stage": "contribution", "year": 1999, "dueDate": "2035-01-01", "reason": "twee\nregels"});
    let mut names = w.create(&w.coordinator, everything).await.problem(400);
    names.sort();
    assert_eq!(names, ["dueDate", "reason", "stage", "year"]);
    let blank = json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01", "reason": "   "});
    assert_eq!(w.create(&w.coordinator, blank).await.problem(400), ["reason"]);
    let long = json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01", "reason": "x".repeat(501)});
    assert_eq!(w.create(&w.coordinator, long).await.problem(400), ["reason"]);

    // 2028 starts no agenda period (the default calendar's periods start in 2027 and 2031): nothing to move.
    let agenda = json!({"stage": "agenda", "year": 2028, "dueDate": "2028-06-01", "reason": "Later"});
    w.create(&w.coordinator, agenda).await.problem(409);
    w.create(&w.coordinator, plan_in_august()).await.ok(201);
    w.create(&w.coordinator, plan_in_august()).await.problem(409);
    let listed = w.app.get(&w.path(), &w.coordinator).await;
    assert_eq!(listed.ok(200)["results"].as_array().unwrap().len(), 1);
}
