//! The HTTP conventions of SPEC §9 that hold for every endpoint.

use reqwest::Method;
use serde_json::{Value, json};
use tests::TestApp;

#[tokio::test]
async fn health_answers_without_a_token_with_version_and_request_id() {
    let app = TestApp::spawn().await;
    for path in ["/health/live", "/health/ready"] {
        let r = TestApp::send(app.request(Method::GET, path, None)).await;
        assert_eq!(r.ok(200)["status"], "ok");
        assert_eq!(r.header("api-version"), Some("1.0.0"));
        assert!(r.header("x-request-id").is_some_and(|id| !id.is_empty()));
    }
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_kept() {
    let app = TestApp::spawn().await;
    let r = TestApp::send(app.request(Method::GET, "/health/live", None).header("X-Request-Id", "trace-42")).await;
    assert_eq!(r.header("x-request-id"), Some("trace-42"));
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/municipalities", &app.admin).await.ok(200);
    let r = TestApp::send(app.request(Method::GET, "/metrics", None)).await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains(r#"http_requests_total{method="GET",route="/api/v1/municipalities",status="200"} 1"#),
        "{}",
        r.text
    );
    assert!(r.text.contains("http_request_duration_seconds_bucket"));
    assert!(r.text.contains("db_pool_max_connections 8"));
}

#[tokio::test]
async fn the_openapi_document_is_public_and_open_to_every_origin() {
    let app = TestApp::spawn().await;
    let r = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.body["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    let docs = TestApp::send(app.request(Method::GET, "/api/v1/docs/", None)).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger"), "the docs page is served from the binary");
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::spawn().await;
    let doc = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.body;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15, "the document lists the resources");
    let root = doc["servers"][0]["url"].as_str().expect("the document's server");
    for (path, item) in paths {
        // A path resolves against its own server if it names one (those outside /api/v1), else the document's.
        let server = item["servers"][0]["url"].as_str().unwrap_or(root);
        let url = format!("{}{path}", server.trim_end_matches('/'));
        let concrete = url
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{organisationId}", &uuid::Uuid::now_v7().to_string());
        for method in item.as_object().expect("path item").keys().filter(|key| *key != "servers") {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = TestApp::send(app.request(m, &concrete, None)).await;
            assert_ne!(r.status, 405, "{method} {url} is documented but not routed");
            let public = !url.starts_with("/api/v1/") || url == "/api/v1/openapi.json";
            if public {
                assert_eq!(r.status, 200, "{method} {url}");
            } else {
                assert_eq!(r.status, 401, "{method} {url} must require a token");
            }
        }
    }
}

#[tokio::test]
async fn unknown_paths_and_trailing_slashes_are_404_problems() {
    let app = TestApp::spawn().await;
    // `/` is the pages' start now (it redirects to signing in); paths outside the API are Dutch pages.
    for path in ["/api/v1/nothing-here", "/api/v1/municipalities/", "/api/v1/"] {
        let r = app.get(path, &app.admin).await;
        r.problem(404);
        assert_eq!(r.body["instance"], path);
        assert!(r.header("location").is_none(), "no redirect for {path}");
    }
}

#[tokio::test]
async fn an_unsupported_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let r = TestApp::send(app.request(Method::PUT, "/api/v1/areas", Some(&app.admin)).json(&json!({}))).await;
    r.problem(405);
    assert_eq!(r.header("allow"), Some("GET, POST"));
}

#[tokio::test]
async fn a_missing_or_unknown_token_is_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    for token in [None, Some("gc_not-a-real-token")] {
        let r = TestApp::send(app.request(Method::GET, "/api/v1/areas", token)).await;
        r.problem(401);
        assert!(r.header("www-authenticate").is_some_and(|h| h.starts_with("Bearer")));
    }
    let r = TestApp::send(app.request(Method::GET, "/api/v1/areas", None).header("Authorization", "Basic abc")).await;
    r.problem(401);
}

#[tokio::test]
async fn malformed_json_is_a_400_problem_about_the_body() {
    let app = TestApp::spawn().await;
    let r = TestApp::send(
        app.request(Method::POST, "/api/v1/organisations", Some(&app.admin))
            .header("content-type", "application/json")
            .body("{\"name\": \"Politie\", "),
    )
    .await;
    assert_eq!(r.problem(400), ["body"]);
    assert_eq!(r.body["invalidParams"][0]["code"], "malformed_json");
    let empty = TestApp::send(
        app.request(Method::POST, "/api/v1/organisations", Some(&app.admin)).header("content-type", "application/json"),
    )
    .await;
    assert_eq!(empty.problem(400), ["body"]);
}

#[tokio::test]
async fn unknown_fields_wrong_types_and_missing_fields_are_named_by_path() {
    let app = TestApp::spawn().await;
    let cases: [(Value, &str, &str); 4] = [
        (json!({"name": "X", "kind": "police", "colour": "blue"}), "colour", "unknown_field"),
        (json!({"name": 12, "kind": "police"}), "name", "invalid_type"),
        (json!({"kind": "police"}), "name", "required"),
        (json!({"name": "X", "kind": "bakery"}), "kind", "invalid_value"),
    ];
    for (body, name, code) in cases {
        let r = app.post("/api/v1/organisations", &app.admin, &body).await;
        assert_eq!(r.problem(400), [name], "{body}");
        assert_eq!(r.body["invalidParams"][0]["code"], code, "{body}");
    }
    let m = app.municipality("Oldambt").await;
    let r = app
        .post("/api/v1/areas", &app.admin, &json!({"municipalityId": m, "name": "A", "code": "A", "localities": [{"name": "Winschoten", "cbsCode": 7}]}))
        .await;
    assert_eq!(r.problem(400), ["localities[0].cbsCode"]);
}

#[tokio::test]
async fn bad_query_parameters_and_path_ids_are_400_problems() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/areas?pageSize=abc", &app.admin).await;
    assert_eq!(r.problem(400), ["pageSize"]);
    let r = app.get("/api/v1/areas?pageSize=500&cursor=%%%", &app.admin).await;
    assert_eq!(r.problem(400), ["pageSize", "cursor"]);
    let r = app.get("/api/v1/areas?colour=blue", &app.admin).await;
    assert_eq!(r.problem(400), ["colour"]);
    let r = app.get("/api/v1/areas?municipalityId=nope", &app.admin).await;
    assert_eq!(r.problem(400), ["municipalityId"]);
    let r = app.get("/api/v1/areas/not-a-uuid", &app.admin).await;
    assert_eq!(r.problem(400), ["id"]);
    let r = app.get("/api/v1/areas/x/partners/y", &app.admin).await;
    assert_eq!(r.problem(400), ["id", "organisationId"]);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413_and_a_non_json_body_415() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"name\": \"{}\", \"kind\": \"police\"}}", "x".repeat(1024 * 1024 + 10));
    let r = TestApp::send(
        app.request(Method::POST, "/api/v1/organisations", Some(&app.admin))
            .header("content-type", "application/json")
            .body(big),
    )
    .await;
    r.problem(413);
    let r = TestApp::send(
        app.request(Method::POST, "/api/v1/organisations", Some(&app.admin))
            .header("content-type", "text/plain")
            .body("name=x"),
    )
    .await;
    r.problem(415);
    let count = app.get("/api/v1/organisations", &app.admin).await;
    assert_eq!(count.body["results"].as_array().map(Vec::len), Some(0), "nothing was created");
}

#[tokio::test]
async fn if_none_match_with_the_current_etag_is_304() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let r = app.get(&format!("/api/v1/municipalities/{m}"), &app.admin).await;
    let etag = r.etag();
    let again = TestApp::send(
        app.request(Method::GET, &format!("/api/v1/municipalities/{m}"), Some(&app.admin))
            .header("If-None-Match", &etag),
    )
    .await;
    assert_eq!(again.status, 304);
    let stale = TestApp::send(
        app.request(Method::GET, &format!("/api/v1/municipalities/{m}"), Some(&app.admin))
            .header("If-None-Match", "\"0\""),
    )
    .await;
    assert_eq!(stale.status, 200);
}

#[tokio::test]
async fn an_integer_written_with_a_zero_fraction_is_an_integer() {
    // JSON has one number type and the document's `integer` admits 4.0 (schemathesis sent it and got a 400).
    let app = TestApp::spawn().await;
    let body = json!({"name": "Oldambt", "calendar": {"agendaPeriodYears": 4.0, "dueSoonDays": 30.0}});
    let r = app.post("/api/v1/municipalities", &app.admin, &body).await;
    assert_eq!(r.ok(201)["calendar"]["agendaPeriodYears"], 4);
    assert_eq!(r.body["calendar"]["dueSoonDays"], 30);
    // A real fraction stays a wrong type, named by its path; so does a float too large for an integer.
    for years in [json!(4.5), json!(1e300)] {
        let body = json!({"name": "Westerwolde", "calendar": {"agendaPeriodYears": years}});
        let r = app.post("/api/v1/municipalities", &app.admin, &body).await;
        assert_eq!(r.problem(400), ["calendar.agendaPeriodYears"], "{years}");
        assert_eq!(r.body["invalidParams"][0]["code"], "invalid_type");
    }
    // Other problems in the same body are still all reported.
    let body = json!({"name": "", "calendar": {"agendaPeriodYears": 4.0, "planDue": "13-01"}});
    let r = app.post("/api/v1/municipalities", &app.admin, &body).await;
    assert_eq!(r.problem(400), ["name", "calendar.planDue"]);
}

/// The schema a `$ref` points to, in the served document.
fn component<'a>(doc: &'a Value, reference: &Value) -> &'a Value {
    let name = reference.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")).expect("a component $ref");
    &doc["components"]["schemas"][name]
}

fn parameter<'a>(doc: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{method} {path} documents {name}"))
}

#[tokio::test]
async fn the_document_gives_each_shape_its_own_name() {
    // Two types of the same name (documents' and contributions' Kind, Status, Action and transitions; the
    // service's and a subscription's Health) shared one component, so half the operations were documented
    // with the other's values: /documents?kind=analysis was "invalid", /health/live "lacked" fields.
    let app = TestApp::spawn().await;
    let doc = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.body;
    let enum_of = |path: &str, method: &str, name: &str| {
        component(&doc, &parameter(&doc, path, method, name)["schema"]["$ref"])["enum"].clone()
    };
    assert_eq!(enum_of("/documents", "get", "kind"), json!(["analysis", "agenda", "plan", "monitor"]));
    assert_eq!(enum_of("/documents", "get", "status")[0], "draft");
    assert_eq!(enum_of("/contributions", "get", "status")[0], "proposed");
    let transition = &doc["paths"]["/documents/{id}/versions/{n}/transitions"]["post"];
    let request = component(&doc, &transition["requestBody"]["content"]["application/json"]["schema"]["$ref"]);
    assert_eq!(
        component(&doc, &request["properties"]["action"]["$ref"])["enum"],
        json!(["submit", "return", "adopt", "withdraw"])
    );
    let live =
        &doc["paths"]["/health/live"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(component(&doc, live)["required"], json!(["status"]));
    let served = TestApp::send(app.request(Method::GET, "/health/live", None)).await;
    assert_eq!(served.body, json!({"status": "ok"}));
}

#[tokio::test]
async fn the_document_states_the_limits_the_service_checks() {
    let app = TestApp::spawn().await;
    let doc = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.body;
    let mut lists = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(params) = item["get"]["parameters"].as_array() else { continue };
        if let Some(size) = params.iter().find(|p| p["name"] == "pageSize") {
            lists += 1;
            assert_eq!((&size["schema"]["minimum"], &size["schema"]["maximum"]), (&json!(1), &json!(200)), "{path}");
        }
    }
    assert!(lists >= 12, "every list documents pageSize");
    let n = parameter(&doc, "/documents/{id}/versions/{n}", "get", "n");
    assert_eq!(n["schema"]["minimum"], 1);
    let year = parameter(&doc, "/areas/{id}/cycles/{year}", "get", "year");
    assert_eq!((&year["schema"]["minimum"], &year["schema"]["maximum"]), (&json!(2000), &json!(2100)));
    let types = parameter(&doc, "/events", "get", "types");
    assert_eq!((&types["style"], &types["explode"]), (&json!("form"), &json!(false)));
    assert!(component(&doc, &types["schema"]["items"]["$ref"])["enum"].as_array().is_some_and(|e| e.len() > 20));
    let subscription = &doc["components"]["schemas"]["CreateSubscription"]["properties"];
    assert_eq!(
        (&subscription["eventTypes"]["uniqueItems"], &subscription["eventTypes"]["maxItems"]),
        (&json!(true), &json!(50))
    );
    assert!(subscription["callbackUrl"]["pattern"].as_str().is_some_and(|p| p.starts_with("^https?://")));
    // What the document allows, the service accepts; one step beyond, it refuses with a problem naming it.
    let area = uuid::Uuid::now_v7();
    let m = app.municipality("Oldambt").await;
    let a = app.area(&m, "OOST").await;
    app.get("/api/v1/areas?pageSize=200", &app.admin).await.ok(200);
    assert_eq!(app.get("/api/v1/areas?pageSize=0", &app.admin).await.problem(400), ["pageSize"]);
    app.get(&format!("/api/v1/areas/{a}/cycles/2100"), &app.admin).await.ok(200);
    assert_eq!(app.get(&format!("/api/v1/areas/{area}/cycles/1999"), &app.admin).await.problem(400), ["year"]);
    app.get("/api/v1/events?types=version.adopted,deadline.overdue", &app.admin).await.ok(200);
    assert_eq!(app.get("/api/v1/events?types=version.eaten", &app.admin).await.problem(400), ["types"]);
}

/// Every operation of the published document, as (method, path with its parameters filled in).
async fn every_operation(app: &TestApp) -> Vec<(Method, String)> {
    let doc = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.ok(200).clone();
    let base = |item: &Value| {
        let url = |v: &Value| v.pointer("/servers/0/url").and_then(Value::as_str).map(str::to_owned);
        url(item).or_else(|| url(&doc)).unwrap_or_default().trim_end_matches('/').to_owned()
    };
    let mut operations = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        let mut filled = format!("{}{path}", base(item));
        for (from, to) in [("{n}", "1"), ("{year}", "2027")] {
            filled = filled.replace(from, to);
        }
        while let Some(start) = filled.find('{') {
            let end = filled[start..].find('}').unwrap() + start;
            filled.replace_range(start..=end, "0191f5a0-0000-7000-8000-000000000000");
        }
        for (method, name) in [
            (Method::GET, "get"),
            (Method::POST, "post"),
            (Method::PUT, "put"),
            (Method::PATCH, "patch"),
            (Method::DELETE, "delete"),
        ] {
            if item.get(name).is_some() {
                operations.push((method, filled.clone()));
            }
        }
    }
    operations
}

#[tokio::test]
async fn a_query_parameter_an_operation_does_not_take_is_refused_on_every_operation() {
    let app = TestApp::spawn().await;
    let operations = every_operation(&app).await;
    assert!(operations.len() > 60, "the document lists every operation: {}", operations.len());
    for (method, path) in operations {
        let request = app.request(method.clone(), &format!("{path}?pageSise=5&unknownFilter=x"), Some(&app.admin));
        let r = TestApp::send(request.header("If-Match", "*").json(&json!({}))).await;
        assert_eq!(r.problem(400), ["pageSise", "unknownFilter"], "{method} {path}: {}", r.text);
    }
    // Time travel exists for documents, the board and the dashboard, not for an area: `at` there is refused,
    // not ignored.
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OL-NOORD").await;
    let unknown = app.get(&format!("/api/v1/areas/{area}?at=2027-01-01T00:00:00Z"), &app.admin).await;
    assert_eq!(unknown.problem(400), ["at"]);
    assert_eq!(unknown.body["invalidParams"][0]["code"], "unknown_parameter");
}

#[tokio::test]
async fn a_version_says_its_kind_and_the_document_narrows_its_content_by_it() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Woerden").await;
    let area = app.area(&m, "WO-WEST").await;
    let body = json!({"areaId": area, "kind": "plan", "year": 2027});
    let created = app.post("/api/v1/documents", &app.admin, &body).await;
    assert_eq!(created.ok(201)["version"]["kind"], "plan");
    let doc = created.body["document"]["id"].as_str().unwrap().to_owned();
    let version = app.get(&format!("/api/v1/documents/{doc}/versions/1"), &app.admin).await;
    assert_eq!(version.ok(200)["kind"], "plan");

    let document = TestApp::send(app.request(Method::GET, "/api/v1/openapi.json", None)).await.body;
    let union = &document["components"]["schemas"]["VersionBody"];
    assert_eq!(union["discriminator"]["propertyName"], "kind");
    let plan = &document["components"]["schemas"]["PlanVersion"]["allOf"][1];
    assert_eq!(plan["properties"]["kind"]["enum"], json!(["plan"]));
    assert_eq!(plan["properties"]["content"]["$ref"], "#/components/schemas/PlanContent");
    let summary = &document["components"]["schemas"]["VersionSummaryBody"]["required"];
    assert!(
        summary.as_array().unwrap().iter().any(|f| f == "adoptedAt"),
        "a field always sent, null or not, is required"
    );
}

#[tokio::test]
async fn an_if_match_that_is_not_an_entity_tag_is_400_and_a_weak_one_never_matches() {
    let app = TestApp::spawn().await;
    let m = app.municipality("Oldambt").await;
    let area = app.area(&m, "OL-ZUID").await;
    let path = format!("/api/v1/areas/{area}");
    assert_eq!(app.get(&path, &app.admin).await.etag(), "\"1\"");
    for malformed in ["1", "\"1", "\"1\" \"2\"", "W/1", "**"] {
        let patch = app.request(Method::PATCH, &path, Some(&app.admin)).header("If-Match", malformed);
        let r = TestApp::send(patch.json(&json!({"name": "Zuid"}))).await;
        assert_eq!(r.problem(400), ["If-Match"], "{malformed}");
    }
    let weak = app.request(Method::PATCH, &path, Some(&app.admin)).header("If-Match", "W/\"1\"");
    TestApp::send(weak.json(&json!({"name": "Zuid"}))).await.problem(412);
    let listed = app.request(Method::PATCH, &path, Some(&app.admin)).header("If-Match", "W/\"x,y\", \"1\"");
    assert_eq!(TestApp::send(listed.json(&json!({"name": "Zuid"}))).await.ok(200)["name"], "Zuid");
}

#[tokio::test]
async fn an_audit_filter_the_catalogue_does_not_know_is_refused() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/audit-events?action=area.update&resourceType=areas", &app.admin).await;
    assert_eq!(r.problem(400), ["action", "resourceType"]);
    app.get("/api/v1/audit-events?action=area.updated&resourceType=area", &app.admin).await.ok(200);
}
