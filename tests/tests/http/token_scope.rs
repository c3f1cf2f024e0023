//! A token never reaches beyond the scope of whoever issued it, and no secret is kept readable (SPEC §7,
//! §15): a coordinator's partner token stays in the coordinator's municipality, idempotency records hold no
//! secret and expire after a day, and an expired token stays expired.

use chrono::{Duration, TimeZone, Utc};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::receiver::Receiver;
use tests::{Reply, TestApp};

/// Politie Midden-Nederland is a partner in an area of Woerden and in one of Stichtse Vecht, each with
/// its own coordinator; Stichtse Vecht's area has an adopted analysis and a submitted agenda with goal G1.
struct TwoMunicipalities {
    app: TestApp,
    woerden: String,
    stichtse_vecht: String,
    woerden_area: String,
    stichtse_vecht_area: String,
    police: String,
    woerden_coordinator: String,
    stichtse_vecht_coordinator: String,
    agenda: String,
}

impl TwoMunicipalities {
    async fn new() -> TwoMunicipalities {
        let app = TestApp::spawn().await;
        app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
        let woerden = app.municipality("Woerden").await;
        let stichtse_vecht = app.municipality("Stichtse Vecht").await;
        let woerden_area = app.area(&woerden, "WRD-CENTRUM").await;
        let stichtse_vecht_area = app.area(&stichtse_vecht, "SV-MAARSSEN").await;
        let police = app.organisation("Politie Midden-Nederland", "police").await;
        app.add_partner(&woerden_area, &police).await;
        app.add_partner(&stichtse_vecht_area, &police).await;
        let woerden_coordinator = app.token(json!({"role": "coordinator", "municipalityId": woerden})).await;
        let stichtse_vecht_coordinator =
            app.token(json!({"role": "coordinator", "municipalityId": stichtse_vecht})).await;
        let mut world = TwoMunicipalities {
            app,
            woerden,
            stichtse_vecht,
            woerden_area,
            stichtse_vecht_area,
            police,
            woerden_coordinator,
            stichtse_vecht_coordinator,
            agenda: String::new(),
        };
        world.agenda = world.submitted_agenda().await;
        world
    }

    async fn act_on_version(&self, doc: &str, action: &str) {
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let token = &self.stichtse_vecht_coordinator;
        let etag = self.app.get(&path, token).await.etag();
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(token));
        TestApp::send(request.header("If-Match", etag).json(&json!({"action": action}))).await.ok(200);
    }

    async fn document(&self, body: Value, content: Value) -> String {
        let token = &self.stichtse_vecht_coordinator;
        let doc = self.app.post("/api/v1/documents", token, &body).await.ok(201)["document"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, token).await.etag();
        let request = self.app.request(Method::PUT, &path, Some(token)).header("If-Match", etag);
        TestApp::send(request.json(&json!({"content": content}))).await.ok(200);
        self.act_on_version(&doc, "submit").await;
        doc
    }

    async fn submitted_agenda(&self) -> String {
        let area = &self.stichtse_vecht_area;
        let analysis = json!({"areaId": area, "kind": "analysis", "year": 2026});
        let analysis = self.document(analysis, json!({"summary": "Overlast rond het station"})).await;
        self.act_on_version(&analysis, "adopt").await;
        let goal = json!({"key": "G1", "title": "Veilig stationsgebied", "theme": "safety", "priority": 1,
                          "municipalityRole": "direct"});
        let agenda = json!({"areaId": area, "kind": "agenda", "periodStart": 2027});
        self.document(agenda, json!({"vision": "Een veilig Maarssen", "goals": [goal]})).await
    }

    /// A contribution of the police in Stichtse Vecht, proposed by that municipality.
    async fn stichtse_vecht_contribution(&self) -> String {
        let body = json!({"agendaDocumentId": self.agenda, "goalKey": "G1", "organisationId": self.police,
                          "title": "Extra surveillance bij het station", "kind": "capacity",
                          "amount": 0.5, "unit": "fte", "dueDate": "2027-12-31"});
        self.app.post("/api/v1/contributions", &self.stichtse_vecht_coordinator, &body).await.ok(201)["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn agree(&self, token: &str, contribution: &str) -> Reply {
        let path = format!("/api/v1/contributions/{contribution}/transitions");
        let request = self.app.request(Method::POST, &path, Some(token)).header("If-Match", "*");
        TestApp::send(request.json(&json!({"action": "agree"}))).await
    }

    async fn check_in(&self, token: &str, contribution: &str) -> Reply {
        let body = json!({"date": "2026-11-23", "progressPercent": 20, "confidence": "on_track"});
        self.app.post(&format!("/api/v1/contributions/{contribution}/check-ins"), token, &body).await
    }
}

fn ids(reply: &Reply) -> Vec<String> {
    let mut ids: Vec<String> =
        reply.ok(200)["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// The municipalities of the events in a token's feed.
async fn feed_municipalities(app: &TestApp, token: &str) -> Vec<String> {
    let events = app.get("/api/v1/events?pageSize=200", token).await;
    events.ok(200)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["municipalityId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_partner_token_from_a_coordinator_reaches_only_that_coordinators_municipality() {
    let w = TwoMunicipalities::new().await;
    let app = &w.app;
    let issued = app
        .post(
            "/api/v1/api-tokens",
            &w.woerden_coordinator,
            &json!({"name": "Politie Woerden", "role": "partner", "organisationId": w.police}),
        )
        .await;
    assert_eq!(issued.ok(201)["municipalityId"], w.woerden.as_str(), "the token shows the municipality it reaches");
    let bound = issued.body["token"].as_str().unwrap().to_owned();
    let bound_id = issued.id();
    let everywhere = app.token(json!({"role": "partner", "organisationId": w.police})).await;
    let contribution = w.stichtse_vecht_contribution().await;

    // The Woerden-bound token sees Woerden and nothing of Stichtse Vecht.
    assert_eq!(ids(&app.get("/api/v1/areas", &bound).await), [w.woerden_area.as_str()]);
    assert_eq!(ids(&app.get("/api/v1/municipalities", &bound).await), [w.woerden.as_str()]);
    app.get(&format!("/api/v1/municipalities/{}", w.woerden), &bound).await.ok(200);
    app.get(&format!("/api/v1/municipalities/{}", w.stichtse_vecht), &bound).await.problem(404);
    app.get(&format!("/api/v1/areas/{}", w.stichtse_vecht_area), &bound).await.problem(404);
    app.get(&format!("/api/v1/contributions/{contribution}"), &bound).await.problem(404);
    assert_eq!(ids(&app.get("/api/v1/contributions", &bound).await), Vec::<String>::new());
    w.agree(&bound, &contribution).await.problem(404);

    // An administrator's partner token reaches every municipality where the police is a partner.
    assert_eq!(
        ids(&app.get("/api/v1/areas", &everywhere).await),
        sorted(vec![w.woerden_area.clone(), w.stichtse_vecht_area.clone()])
    );
    app.get(&format!("/api/v1/municipalities/{}", w.stichtse_vecht), &everywhere).await.ok(200);
    assert_eq!(w.agree(&everywhere, &contribution).await.ok(200)["status"], "committed");
    w.check_in(&bound, &contribution).await.problem(404);
    w.check_in(&everywhere, &contribution).await.ok(201);

    // The feed: Stichtse Vecht's events about the police go to the unbound token only.
    let everywhere_feed = feed_municipalities(app, &everywhere).await;
    assert!(everywhere_feed.contains(&w.stichtse_vecht), "the police's events in Stichtse Vecht exist");
    assert!(!feed_municipalities(app, &bound).await.contains(&w.stichtse_vecht));

    // Woerden's coordinator cannot name another municipality for a partner token either.
    let elsewhere =
        json!({"name": "p", "role": "partner", "organisationId": w.police, "municipalityId": w.stichtse_vecht});
    let refused = app.post("/api/v1/api-tokens", &w.woerden_coordinator, &elsewhere).await;
    assert_eq!(refused.problem(400), ["municipalityId"]);

    // Stichtse Vecht's coordinator neither sees nor manages the token; Woerden's does, and revokes it.
    let listed = app.get("/api/v1/api-tokens?role=partner", &w.stichtse_vecht_coordinator).await;
    assert!(!ids(&listed).contains(&bound_id));
    app.get(&format!("/api/v1/api-tokens/{bound_id}"), &w.stichtse_vecht_coordinator).await.problem(404);
    let listed = app.get("/api/v1/api-tokens?role=partner", &w.woerden_coordinator).await;
    assert_eq!(ids(&listed), [bound_id.as_str()]);
    let path = format!("/api/v1/api-tokens/{bound_id}");
    let etag = app.get(&path, &w.woerden_coordinator).await.etag();
    assert_eq!(app.delete(&path, &w.woerden_coordinator, &etag).await.status, 204);
    app.get("/api/v1/areas", &bound).await.problem(401);
}

async fn create(app: &TestApp, path: &str, key: &str, body: &Value) -> Reply {
    TestApp::send(app.request(Method::POST, path, Some(&app.admin)).header("Idempotency-Key", key).json(body)).await
}

/// Every idempotency record, each as one text of all its columns.
async fn idempotency_records(app: &TestApp) -> Vec<String> {
    let conn = app.db.conn();
    let sql = "SELECT key || ' ' || COALESCE(body, '') || ' ' || COALESCE(location, '') || ' ' \
               || COALESCE(etag, '') || ' ' || request_hash FROM idempotency_keys";
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

#[tokio::test]
async fn a_replayed_token_create_never_shows_the_secret_and_shows_the_token_as_it_is_now() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let body = json!({"name": "Dashboard raad", "role": "viewer", "municipalityId": m});
    let first = create(&app, "/api/v1/api-tokens", "issue-dashboard-1", &body).await;
    let secret = first.ok(201)["token"].as_str().unwrap().to_owned();
    let location = first.header("location").unwrap().to_owned();

    let replay = create(&app, "/api/v1/api-tokens", "issue-dashboard-1", &body).await;
    assert_eq!(replay.ok(201)["id"], first.body["id"], "the same token, not a new one");
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.header("location"), Some(location.as_str()));
    assert!(replay.body.get("token").is_none(), "the secret is shown once: {}", replay.text);
    assert!(!replay.text.contains(&secret[3..]));
    let records = idempotency_records(&app).await;
    assert_eq!(records.len(), 1);
    assert!(records.iter().all(|r| !r.contains(&secret[3..])), "no secret at rest: {records:?}");

    let etag = app.get(&location, &app.admin).await.etag();
    assert_eq!(app.delete(&location, &app.admin, &etag).await.status, 204);
    let after_revocation = create(&app, "/api/v1/api-tokens", "issue-dashboard-1", &body).await;
    assert!(after_revocation.ok(201)["revokedAt"].is_string(), "shown as it is now: {}", after_revocation.text);
    assert_eq!(after_revocation.etag(), app.get(&location, &app.admin).await.etag());
    let tokens = app.get("/api/v1/api-tokens?role=viewer&includeRevoked=true", &app.admin).await;
    assert_eq!(tokens.ok(200)["results"].as_array().unwrap().len(), 1, "no replay created a token");
}

#[tokio::test]
async fn a_replayed_subscription_create_never_shows_the_secret() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let body = json!({"callbackUrl": receiver.url()});
    let first = create(&app, "/api/v1/subscriptions", "subscribe-1", &body).await;
    let secret = first.ok(201)["secret"].as_str().unwrap().to_owned();
    let replay = create(&app, "/api/v1/subscriptions", "subscribe-1", &body).await;
    assert_eq!(replay.ok(201)["id"], first.body["id"]);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert!(replay.body.get("secret").is_none() && !replay.text.contains(&secret["whsec_".len()..]));
    let records = idempotency_records(&app).await;
    assert!(records.iter().all(|r| !r.contains(&secret["whsec_".len()..])), "no secret at rest: {records:?}");
}

#[tokio::test]
async fn idempotency_records_are_forgotten_after_a_day() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "Woerden"});
    let first = create(&app, "/api/v1/municipalities", "create-woerden", &body).await;
    let first_id = first.ok(201)["id"].as_str().unwrap().to_owned();
    app.advance(Duration::hours(23));
    let replay = create(&app, "/api/v1/municipalities", "create-woerden", &body).await;
    assert_eq!(replay.ok(201)["id"], first_id.as_str(), "within a day it is a replay");

    app.advance(Duration::hours(2));
    let other = create(&app, "/api/v1/municipalities", "create-oudewater", &json!({"name": "Oudewater"})).await;
    other.ok(201);
    let records = idempotency_records(&app).await;
    assert_eq!(records.len(), 1, "the day-old record is removed: {records:?}");
    assert!(records[0].starts_with("create-oudewater "));
    // The key may be used again, for a request answered on its own.
    let again = create(&app, "/api/v1/municipalities", "create-woerden", &body).await;
    assert_ne!(again.header("idempotent-replayed"), Some("true"), "{}", again.text);
}

#[tokio::test]
async fn an_expired_token_stays_expired() {
    let app = TestApp::spawn().await;
    app.set_now(Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap());
    let m = app.municipality("Woerden").await;
    let expires = "2026-11-23T11:00:00Z";
    let created = app
        .post(
            "/api/v1/api-tokens",
            &app.admin,
            &json!({"name": "Tijdelijk", "role": "viewer", "municipalityId": m, "expiresAt": expires}),
        )
        .await;
    let secret = created.ok(201)["token"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/api-tokens/{}", created.id());
    app.advance(Duration::hours(2));
    app.get("/api/v1/areas", &secret).await.problem(401);

    let etag = app.get(&path, &app.admin).await.etag();
    app.patch(&path, &app.admin, &etag, &json!({"expiresAt": null})).await.problem(409);
    app.patch(&path, &app.admin, &etag, &json!({"expiresAt": "2026-12-31T00:00:00Z"})).await.problem(409);
    app.get("/api/v1/areas", &secret).await.problem(401);
    let token = app.get(&path, &app.admin).await;
    assert_eq!(token.ok(200)["expiresAt"], "2026-11-23T11:00:00Z", "its expiry is unchanged");
    let renamed = app.patch(&path, &app.admin, &etag, &json!({"name": "Verlopen"})).await;
    assert_eq!(renamed.ok(200)["name"], "Verlopen", "it may still be renamed");
}
