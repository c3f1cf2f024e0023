//! The data the fault tests write to: an area with an adopted analysis and a submitted agenda, the police as
//! its partner with a token, and helpers that speak HTTP to any instance (`base`), not only the in-process one.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

pub struct World {
    /// The in-process instance that created the database; fault tests add others on the same database.
    pub app: TestApp,
    pub area: String,
    pub agenda: String,
    pub police: String,
    pub partner: String,
}

pub const GOALS: [&str; 4] = ["G1", "G2", "G3", "G4"];

impl World {
    pub async fn new() -> World {
        let app = TestApp::spawn().await;
        let m = app.municipality("West Betuwe").await;
        let area = app.area(&m, "WB-OOST").await;
        let police = app.organisation("Politie Oost-Nederland", "police").await;
        app.add_partner(&area, &police).await;
        let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
        let mut w = World { app, area, agenda: String::new(), police, partner };
        let analysis = w.document("analysis", 2026).await;
        w.save(&w.app.address, &analysis, 1, json!({"summary": "Inbraken nemen toe"})).await.ok(200);
        w.act(&w.app.address, &w.app.admin, &w.version(&analysis, 1), "submit", None).await.ok(200);
        w.act(&w.app.address, &w.app.admin, &w.version(&analysis, 1), "adopt", None).await.ok(200);
        let goals: Vec<_> = GOALS
            .iter()
            .enumerate()
            .map(|(i, g)| json!({"key": g, "title": format!("Doel {g}"), "theme": "safety", "priority": i + 1, "municipalityRole": "direct"}))
            .collect();
        w.agenda = w.document("agenda", 2027).await;
        w.save(&w.app.address, &w.agenda, 1, json!({"vision": "Veilige en leefbare kernen", "goals": goals}))
            .await
            .ok(200);
        w.act(&w.app.address, &w.app.admin, &w.version(&w.agenda, 1), "submit", None).await.ok(200);
        w
    }

    pub fn version(&self, doc: &str, n: i64) -> String {
        format!("/api/v1/documents/{doc}/versions/{n}")
    }

    /// A new document of the area with its first version, a draft.
    pub async fn document(&self, kind: &str, year: i32) -> String {
        let body = match kind {
            "agenda" => json!({"areaId": self.area, "kind": kind, "periodStart": year}),
            _ => json!({"areaId": self.area, "kind": kind, "year": year}),
        };
        let created = self.app.post("/api/v1/documents", &self.app.admin, &body).await;
        created.ok(201)["document"]["id"].as_str().expect("document id").to_owned()
    }

    /// A GET on the instance at `base`.
    pub async fn get(&self, base: &str, token: &str, path: &str) -> Reply {
        TestApp::send(self.app.client.get(format!("{base}{path}")).bearer_auth(token)).await
    }

    /// A POST of a JSON body to the instance at `base`.
    pub async fn post(&self, base: &str, token: &str, path: &str, body: Value) -> Reply {
        TestApp::send(self.app.client.post(format!("{base}{path}")).bearer_auth(token).json(&body)).await
    }

    /// Reads the resource's ETag at `base`, then sends the transition with it.
    pub async fn act(&self, base: &str, token: &str, resource: &str, action: &str, note: Option<&str>) -> Reply {
        let etag = self.get(base, token, resource).await.etag();
        self.act_on(base, token, resource, &etag, action, note).await
    }

    /// Sends a transition based on the ETag the caller read.
    pub async fn act_on(
        &self,
        base: &str,
        token: &str,
        resource: &str,
        etag: &str,
        action: &str,
        note: Option<&str>,
    ) -> Reply {
        let mut body = json!({"action": action});
        if let Some(n) = note {
            body["note"] = json!(n);
        }
        let request = self.app.client.request(Method::POST, format!("{base}{resource}/transitions"));
        TestApp::send(request.bearer_auth(token).header("If-Match", etag).json(&body)).await
    }

    /// Saves a draft's content with the ETag read just before.
    pub async fn save(&self, base: &str, doc: &str, n: i64, content: Value) -> Reply {
        let path = self.version(doc, n);
        let etag = self.get(base, &self.app.admin, &path).await.etag();
        self.save_on(base, &path, &etag, content).await
    }

    pub async fn save_on(&self, base: &str, version: &str, etag: &str, content: Value) -> Reply {
        let request = self.app.client.put(format!("{base}{version}")).bearer_auth(&self.app.admin);
        TestApp::send(request.header("If-Match", etag).json(&json!({"content": content}))).await
    }

    /// The municipality proposes a contribution of the police to a goal of the submitted agenda.
    pub fn proposal(&self, goal: &str, title: &str) -> Value {
        json!({"agendaDocumentId": self.agenda, "goalKey": goal, "organisationId": self.police,
               "title": title, "kind": "capacity", "amount": 0.2, "unit": "fte", "dueDate": "2027-12-31"})
    }

    /// A contribution in progress: proposed by the municipality, agreed by the police, started.
    pub async fn in_progress(&self, goal: &str) -> String {
        let base = &self.app.address;
        let proposed = self.app.post("/api/v1/contributions", &self.app.admin, &self.proposal(goal, "Wijkagent")).await;
        let path = format!("/api/v1/contributions/{}", proposed.id());
        self.act(base, &self.partner, &path, "agree", None).await.ok(200);
        self.act(base, &self.app.admin, &path, "start", None).await.ok(200);
        proposed.id()
    }

    /// A check-in as the police would send it, dated yesterday so that it is never after today in the
    /// Netherlands whichever clock the instance has.
    pub fn check_in(&self, percent: usize) -> Value {
        let yesterday = (chrono::Utc::now() - Duration::days(1)).date_naive();
        json!({"date": yesterday, "progressPercent": percent % 101, "confidence": "on_track", "note": "Loopt volgens plan."})
    }
}
