//! The document follows the NL GOV API Design Rules where utoipa alone would not (the major version in the
//! server URL, UpperCamelCase schema names), and stays true while doing so: each path, joined to the server that
//! applies to it, is where the service routes the operation.

use serde_json::Value;

/// The versioned API; the document's `servers` carries it, so the paths do not.
const API_BASE: &str = "/api/v1";
/// What the service routes outside the versioned API (`api/src/routes/operations.rs`).
const OUTSIDE_API_BASE: [&str; 3] = ["/health/live", "/health/ready", "/metrics"];
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn document() -> Value {
    serde_json::from_str(openapi::PUBLISHED).expect("openapi.json is JSON")
}

fn first_server(servers: &Value) -> Option<&str> {
    servers.as_array()?.first()?["url"].as_str()
}

/// Every operation as (method, path key, the URL a client resolves it to): the operation's server, else the
/// path's, else the document's (OpenAPI 3.1 §4.8.10, §4.8.9).
fn resolved_operations(doc: &Value) -> Vec<(String, String, String)> {
    let root = first_server(&doc["servers"]).unwrap_or("/");
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let op = &item[method];
            if op.is_null() {
                continue;
            }
            let server = first_server(&op["servers"]).or_else(|| first_server(&item["servers"])).unwrap_or(root);
            let url = format!("{}{path}", server.trim_end_matches('/'));
            operations.push((method.to_owned(), path.clone(), url));
        }
    }
    operations
}

#[test]
fn the_server_url_carries_the_major_version() {
    let doc = document();
    assert_eq!(first_server(&doc["servers"]), Some(API_BASE));
}

#[test]
fn every_path_resolves_to_where_the_service_routes_it() {
    let doc = document();
    let operations = resolved_operations(&doc);
    assert!(operations.len() > 50, "the document lists the operations");
    let mut outside = Vec::new();
    for (method, path, url) in &operations {
        if OUTSIDE_API_BASE.contains(&url.as_str()) {
            outside.push(url.as_str());
            continue;
        }
        let rest = url.strip_prefix(&format!("{API_BASE}/"));
        // A path that kept the prefix the server already has resolves to /api/v1/api/v1/…, which nothing routes.
        assert!(
            rest.is_some_and(|rest| !rest.starts_with("api/")),
            "{method} {path} resolves to {url}, which the service does not route"
        );
    }
    outside.sort_unstable();
    let mut expected = OUTSIDE_API_BASE.to_vec();
    expected.sort_unstable();
    assert_eq!(outside, expected, "each operation outside {API_BASE} is documented where the service answers it");
}

fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[test]
fn every_reference_names_a_schema_of_the_document() {
    let doc = document();
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(found.iter().any(|r| r.ends_with("List")), "the lists are referenced by their new names");
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{target} is a schema"));
        assert!(doc["components"]["schemas"][name].is_object(), "{target} names no schema of the document");
    }
}

#[test]
fn every_schema_name_is_upper_camel_case() {
    let doc = document();
    for name in doc["components"]["schemas"].as_object().expect("schemas").keys() {
        let mut chars = name.chars();
        assert!(
            chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric()),
            "schema {name} is not UpperCamelCase"
        );
    }
}
