//! The published document tells the truth about the limits of version content: for every text with a
//! `maxLength` and every number with bounds in the content schemas, the service takes a value at the bound and
//! refuses one past it, naming the field; and every text and every list there has a bound.

use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

/// Where a probe goes: the kind of document, a minimal valid object of the schema, and how to place that
/// object in the content of its kind.
type Site = (&'static str, Value, fn(Value) -> Value);

fn probe_site(schema: &str) -> Option<Site> {
    let goal = json!({"key": "G1", "title": "Doel", "theme": "safety", "priority": 1, "municipalityRole": "direct"});
    let assessment = json!({"goalKey": "G1", "verdict": "achieved"});
    Some(match schema {
        "AnalysisContent" => ("analysis", json!({}), |o| o),
        "Finding" => ("analysis", json!({"title": "Vergrijzing"}), |o| json!({"developments": [o]})),
        "Source" => ("analysis", json!({"kind": "figures", "title": "Monitor"}), |o| json!({"sources": [o]})),
        "Indicator" => ("analysis", json!({"code": "I1", "name": "Inbraken"}), |o| json!({"indicators": [o]})),
        "AgendaContent" => ("agenda", json!({}), |o| o),
        "Goal" => ("agenda", goal, |o| json!({"goals": [o]})),
        "GoalResult" => ("agenda", json!({"key": "G1.R1", "description": "Minder inbraken"}), |o| {
            json!({"goals": [{"key": "G1", "title": "Doel", "theme": "safety", "priority": 1,
                              "municipalityRole": "direct", "results": [o]}]})
        }),
        "PlanContent" => ("plan", json!({}), |o| o),
        "Measure" => (
            "plan",
            json!({"key": "M1", "title": "Schouw", "kind": "activity", "goalKeys": ["G1"]}),
            |o| json!({"measures": [o]}),
        ),
        "MonitorContent" => ("monitor", json!({}), |o| o),
        "GoalAssessment" => ("monitor", assessment, |o| json!({"goalAssessments": [o]})),
        "ResultValue" => (
            "monitor",
            json!({"resultKey": "G1.R1", "value": 1}),
            |o| json!({"goalAssessments": [{"goalKey": "G1", "verdict": "achieved", "resultValues": [o]}]}),
        ),
        "MeasureAssessment" => {
            ("monitor", json!({"measureKey": "M1", "verdict": "executed"}), |o| json!({"measureAssessments": [o]}))
        }
        "ContributionAssessment" => (
            "monitor",
            json!({"contributionId": "0191f5a0-0000-7000-8000-000000000000", "verdict": "delivered"}),
            |o| json!({"contributionAssessments": [o]}),
        ),
        _ => return None,
    })
}

struct Drafts {
    app: TestApp,
    docs: Vec<(&'static str, String)>,
}

impl Drafts {
    async fn new() -> Drafts {
        let app = TestApp::spawn().await;
        let m = app.municipality("Stichtse Vecht").await;
        let area = app.area(&m, "SV-MAARSSEN").await;
        let mut docs = vec![];
        for kind in ["analysis", "agenda", "plan", "monitor"] {
            let body = if kind == "agenda" {
                json!({"areaId": area, "kind": kind, "periodStart": 2027})
            } else {
                json!({"areaId": area, "kind": kind, "year": 2027})
            };
            let r = app.post("/api/v1/documents", &app.admin, &body).await;
            docs.push((kind, r.ok(201)["document"]["id"].as_str().unwrap().to_owned()));
        }
        Drafts { app, docs }
    }

    async fn save(&self, kind: &str, content: &Value) -> tests::Reply {
        let doc = &self.docs.iter().find(|(k, _)| *k == kind).unwrap().1;
        let path = format!("/api/v1/documents/{doc}/versions/1");
        let etag = self.app.get(&path, &self.app.admin).await.etag();
        let put = self.app.request(Method::PUT, &path, Some(&self.app.admin)).header("If-Match", etag);
        TestApp::send(put.json(&json!({"content": content}))).await
    }
}

/// Whether a 400 names `field` (the last segment of a path) with `code`.
fn names(r: &tests::Reply, field: &str, code: &str) -> bool {
    r.problem(400);
    r.body["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"].as_str().is_some_and(|n| n.ends_with(&format!(".{field}"))) && p["code"] == code)
}

#[tokio::test]
async fn every_published_bound_of_content_is_the_one_the_service_enforces() {
    let d = Drafts::new().await;
    let doc = TestApp::send(d.app.request(Method::GET, "/api/v1/openapi.json", None)).await.ok(200).clone();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut probed = 0;
    for (schema, body) in schemas {
        let Some((kind, template, place)) = probe_site(schema) else { continue };
        for (field, property) in body["properties"].as_object().unwrap() {
            let types: Vec<&str> = match &property["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if types.contains(&"string") && property.get("format").is_none() {
                let max = property["maxLength"].as_u64().unwrap_or_else(|| panic!("{schema}.{field} has no maxLength"));
                let mut at = template.clone();
                at[field] = json!("x".repeat(max as usize));
                let r = d.save(kind, &place(at)).await;
                assert_eq!(r.status, 200, "{schema}.{field} at its published maxLength {max}: {}", r.text);
                let mut past = template.clone();
                past[field] = json!("x".repeat(max as usize + 1));
                let r = d.save(kind, &place(past)).await;
                assert!(names(&r, field, "too_long"), "{schema}.{field} past {max}: {}", r.text);
                probed += 1;
            }
            if types.contains(&"array") {
                assert!(property["maxItems"].is_u64(), "{schema}.{field} has no maxItems");
            }
            for (bound, step) in [("maximum", 1.0), ("minimum", -1.0)] {
                let Some(limit) = property[bound].as_f64() else { continue };
                let mut at = template.clone();
                at[field] = json!(limit);
                let r = d.save(kind, &place(at)).await;
                assert_eq!(r.status, 200, "{schema}.{field} at its published {bound} {limit}: {}", r.text);
                let mut past = template.clone();
                past[field] = json!(limit + step);
                let r = d.save(kind, &place(past)).await;
                assert!(names(&r, field, "out_of_range"), "{schema}.{field} past its {bound} {limit}: {}", r.text);
                probed += 1;
            }
        }
    }
    assert!(probed >= 30, "every text and bounded number of the content schemas is probed ({probed})");
}
