//! The catalogue of event types (SPEC §8) against what the service really raises: driven through every kind of
//! change, the feed must show each type of the catalogue and nothing else; and adopting a version that
//! supersedes another publishes and audits the superseded one at the adoption's moment.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use domain::event::EventType;
use reqwest::Method;
use serde_json::{Value, json};
use tests::{Reply, TestApp};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

/// What an administrator does to a municipality's documents, with the ETag of what it changes.
struct Writer<'a> {
    app: &'a TestApp,
}

impl Writer<'_> {
    async fn changed(&self, path: &str, method: Method, body: Value) -> Reply {
        let etag = self.app.get(path, &self.app.admin).await.etag();
        let request = self.app.request(method, path, Some(&self.app.admin)).header("If-Match", etag);
        TestApp::send(request.json(&body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> Reply {
        let reply = self.changed(path, Method::PATCH, body).await;
        reply.ok(200);
        reply
    }

    async fn delete(&self, path: &str) {
        let etag = self.app.get(path, &self.app.admin).await.etag();
        assert_eq!(self.app.delete(path, &self.app.admin, &etag).await.status, 204, "DELETE {path}");
    }

    async fn document(&self, body: Value) -> String {
        let created = self.app.post("/api/v1/documents", &self.app.admin, &body).await;
        created.ok(201)["document"]["id"].as_str().unwrap().to_owned()
    }

    async fn save(&self, doc: &str, n: i64, content: Value) {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        self.changed(&path, Method::PUT, json!({ "content": content })).await.ok(200);
    }

    async fn act(&self, doc: &str, n: i64, action: &str, note: Option<&str>) -> Reply {
        let path = format!("/api/v1/documents/{doc}/versions/{n}");
        let body = match note {
            Some(note) => json!({"action": action, "note": note}),
            None => json!({"action": action}),
        };
        let reply = self.changed_at(&path, &format!("{path}/transitions"), body).await;
        reply.ok(200);
        reply
    }

    async fn new_version(&self, doc: &str) -> i64 {
        let created = self.app.post(&format!("/api/v1/documents/{doc}/versions"), &self.app.admin, &json!({})).await;
        created.ok(201)["number"].as_i64().unwrap()
    }

    async fn contribution_act(&self, token: &str, id: &str, action: &str, note: Option<&str>) {
        let path = format!("/api/v1/contributions/{id}");
        let etag = self.app.get(&path, token).await.etag();
        let body = match note {
            Some(note) => json!({"action": action, "note": note}),
            None => json!({"action": action}),
        };
        let request = self.app.request(Method::POST, &format!("{path}/transitions"), Some(token));
        TestApp::send(request.header("If-Match", etag).json(&body)).await.ok(200);
    }

    /// A POST to `target` guarded by the ETag of `resource`, as transitions are.
    async fn changed_at(&self, resource: &str, target: &str, body: Value) -> Reply {
        let etag = self.app.get(resource, &self.app.admin).await.etag();
        let request = self.app.request(Method::POST, target, Some(&self.app.admin)).header("If-Match", etag);
        TestApp::send(request.json(&body)).await
    }
}

/// Every event in the administrator's feed, oldest first, paging with `after`.
async fn feed(app: &TestApp) -> Vec<Value> {
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page = app.get(&format!("/api/v1/events?after={after}&pageSize=200"), &app.admin).await;
        let results = page.ok(200)["results"].as_array().unwrap().clone();
        let Some(last) = results.last() else { return events };
        after = last["id"].as_i64().unwrap();
        events.extend(results);
    }
}

#[tokio::test]
async fn every_event_type_of_the_catalogue_is_raised_and_none_other() {
    let app = TestApp::spawn().await;
    app.set_now(at(2027, 1, 10, 10));
    let w = Writer { app: &app };

    // Municipalities, areas, organisations and partnerships: created, changed, deleted.
    let m = app.municipality("West Betuwe").await;
    w.patch(&format!("/api/v1/municipalities/{m}"), json!({"name": "Gemeente West Betuwe"})).await;
    let gone = app.municipality("Lingewaard").await;
    w.delete(&format!("/api/v1/municipalities/{gone}")).await;
    let area = app.area(&m, "WB-OOST").await;
    w.patch(&format!("/api/v1/areas/{area}"), json!({"name": "Oost"})).await;
    let other_area = app.area(&m, "WB-WEST").await;
    w.delete(&format!("/api/v1/areas/{other_area}")).await;
    let police = app.organisation("Politie Oost-Nederland", "police").await;
    w.patch(&format!("/api/v1/organisations/{police}"), json!({"name": "Politie Oost"})).await;
    let school = app.organisation("Basisschool De Linde", "education").await;
    w.delete(&format!("/api/v1/organisations/{school}")).await;
    app.add_partner(&area, &police).await;
    w.patch(&format!("/api/v1/areas/{area}/partners/{police}"), json!({"until": "2030-12-31"})).await;
    let housing = app.organisation("Woningcorporatie Kleurrijk Wonen", "housing_corporation").await;
    app.add_partner(&area, &housing).await;
    w.delete(&format!("/api/v1/areas/{area}/partners/{housing}")).await;
    let moved = json!({"stage": "plan", "year": 2027, "dueDate": "2027-08-01", "reason": "Raad vergadert later"});
    let own = app.post(&format!("/api/v1/areas/{area}/deadline-overrides"), &app.admin, &moved).await;
    w.delete(&format!("/api/v1/areas/{area}/deadline-overrides/{}", own.id())).await;

    // An analysis through every step of its lifecycle: returned once, adopted, superseded by version 2; a
    // third version withdrawn and a fourth deleted.
    let analysis = w.document(json!({"areaId": area, "kind": "analysis", "year": 2026})).await;
    w.save(&analysis, 1, json!({"summary": "Vergrijzing"})).await;
    w.act(&analysis, 1, "submit", None).await;
    w.act(&analysis, 1, "return", Some("te weinig cijfers")).await;
    w.act(&analysis, 1, "submit", None).await;
    w.act(&analysis, 1, "adopt", None).await;
    let second = w.new_version(&analysis).await;
    w.save(&analysis, second, json!({"summary": "Vergrijzing en weinig ontmoetingsplekken"})).await;
    w.act(&analysis, second, "submit", None).await;
    w.act(&analysis, second, "adopt", None).await;
    let third = w.new_version(&analysis).await;
    w.act(&analysis, third, "withdraw", Some("dubbel")).await;
    let fourth = w.new_version(&analysis).await;
    w.delete(&format!("/api/v1/documents/{analysis}/versions/{fourth}")).await;
    // A plan begun for the wrong year, never adopted, removed.
    let wrong = w.document(json!({"areaId": area, "kind": "plan", "year": 2031})).await;
    w.delete(&format!("/api/v1/documents/{wrong}")).await;

    // Contributions to a submitted agenda: one proposed, changed, agreed, started, reported on and
    // delivered; another withdrawn.
    let agenda = w.document(json!({"areaId": area, "kind": "agenda", "periodStart": 2027})).await;
    let goals = json!({"vision": "Veilige kernen", "goals": [{"key": "G1", "title": "Veilig", "theme": "safety", "priority": 1, "municipalityRole": "direct"}]});
    w.save(&agenda, 1, goals).await;
    w.act(&agenda, 1, "submit", None).await;
    let partner = app.token(json!({"role": "partner", "organisationId": police})).await;
    let proposal = json!({"agendaDocumentId": agenda, "goalKey": "G1", "organisationId": police,
        "title": "Wijkagent spreekuur", "kind": "capacity", "amount": 0.2, "unit": "fte", "dueDate": "2027-12-31"});
    let kept = app.post("/api/v1/contributions", &partner, &proposal).await.ok(201)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/contributions/{kept}");
    let etag = app.get(&path, &partner).await.etag();
    app.patch(&path, &partner, &etag, &json!({"description": "In het dorpshuis"})).await.ok(200);
    w.contribution_act(&app.admin, &kept, "agree", None).await;
    w.contribution_act(&partner, &kept, "start", None).await;
    let report = json!({"date": "2027-01-10", "progressPercent": 40, "confidence": "on_track"});
    app.post(&format!("{path}/check-ins"), &partner, &report).await.ok(201);
    w.contribution_act(&partner, &kept, "deliver", None).await;
    let dropped =
        app.post("/api/v1/contributions", &partner, &proposal).await.ok(201)["id"].as_str().unwrap().to_owned();
    w.contribution_act(&partner, &dropped, "withdraw", Some("past niet")).await;

    // A month on, the 2026 plan is overdue and the 2027 analysis (due 1 March) due soon.
    app.set_now(at(2027, 2, 10, 9));
    api::sweeper::sweep_once(&app.db).await.unwrap();

    let seen: BTreeSet<String> = feed(&app).await.iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    let catalogue: BTreeSet<String> = EventType::ALL.iter().map(|t| t.as_str().to_owned()).collect();
    let never: Vec<_> = catalogue.difference(&seen).collect();
    let unknown: Vec<_> = seen.difference(&catalogue).collect();
    assert!(never.is_empty() && unknown.is_empty(), "never raised: {never:?}; not in the catalogue: {unknown:?}");
    tests::invariants::assert_hold(&app.db).await;
}

#[tokio::test]
async fn adopting_a_later_version_publishes_and_audits_the_superseded_one_at_the_same_moment() {
    let app = TestApp::spawn().await;
    app.set_now(at(2027, 1, 10, 10));
    let w = Writer { app: &app };
    let m = app.municipality("West Betuwe").await;
    let area = app.area(&m, "WB-OOST").await;
    let doc = w.document(json!({"areaId": area, "kind": "analysis", "year": 2026})).await;
    w.save(&doc, 1, json!({"summary": "Vergrijzing"})).await;
    w.act(&doc, 1, "submit", None).await;
    w.act(&doc, 1, "adopt", None).await;
    let second = w.new_version(&doc).await;
    w.save(&doc, second, json!({"summary": "Vergrijzing en weinig ontmoetingsplekken"})).await;
    w.act(&doc, second, "submit", None).await;
    let adopted_at = at(2027, 2, 3, 14);
    app.set_now(adopted_at);
    w.act(&doc, second, "adopt", None).await;

    // The API shows versions by number; the feed gives their ids. The adoption of version 2, then the
    // superseding of version 1, on version 1 itself and at the same moment.
    let events = feed(&app).await;
    let url = |n: i64| format!("/api/v1/documents/{doc}/versions/{n}");
    let of = |n: i64, t: &str| {
        let found = events.iter().find(|e| e["type"] == t && e["resourceUrl"].as_str().unwrap().ends_with(&url(n)));
        found.cloned().unwrap_or_else(|| panic!("no {t} of version {n} in {events:?}"))
    };
    let adoption = of(second, "version.adopted");
    let superseding = of(1, "version.superseded");
    let old_id = superseding["resourceId"].as_str().unwrap().to_owned();
    assert_eq!(old_id, of(1, "version.adopted")["resourceId"], "the event is about version 1 itself");
    assert_eq!(superseding["resourceType"], "version");
    assert_eq!((&superseding["municipalityId"], &superseding["areaId"]), (&json!(m), &json!(area)));
    assert_eq!(superseding["occurredAt"], adoption["occurredAt"]);
    assert!(superseding["id"].as_i64() > adoption["id"].as_i64(), "the cause comes first in the feed");
    let superseded_events = events.iter().filter(|e| e["type"] == "version.superseded").count();
    assert_eq!(superseded_events, 1, "the first adoption superseded nothing");

    // The audit trail of version 1: its state before and after, at the adoption's moment.
    let audited = trail_at(&app, &old_id, "version.superseded").await;
    assert_eq!(audited["resourceType"], "version");
    assert_eq!(audited["at"], trail_at(&app, adoption["resourceId"].as_str().unwrap(), "version.adopted").await["at"]);
    assert_eq!(DateTime::parse_from_rfc3339(audited["at"].as_str().unwrap()).unwrap(), adopted_at);
    let (old, new) = (&audited["changes"]["old"], &audited["changes"]["new"]);
    let mut expected = old.clone();
    expected["status"] = json!("superseded");
    expected["supersededAt"] = audited["at"].clone();
    expected["revision"] = json!(old["revision"].as_i64().unwrap() + 1);
    assert_eq!(old["status"], "adopted");
    assert_eq!(new, &expected, "superseding changes the status, the moment and the revision, nothing else");
    let shown = app.get(&url(1), &app.admin).await;
    assert_eq!((&shown.ok(200)["status"], &shown.body["supersededAt"]), (&new["status"], &new["supersededAt"]));
    tests::invariants::assert_hold(&app.db).await;
}

async fn trail_at(app: &TestApp, resource_id: &str, action: &str) -> Value {
    let reply = app.get(&format!("/api/v1/audit-events?resourceId={resource_id}&pageSize=200"), &app.admin).await;
    let trail = reply.ok(200)["results"].as_array().unwrap().clone();
    let found: Vec<Value> = trail.into_iter().filter(|a| a["action"] == action).collect();
    assert_eq!(found.len(), 1, "one {action} for {resource_id}: {found:?}");
    found.into_iter().next().unwrap()
}
