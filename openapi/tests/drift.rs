//! Fails when the checked-in `openapi/openapi.json` no longer matches the code. To accept a change:
//! `cargo run -p api --bin gebiedscyclus -- openapi > openapi/openapi.json`.

use serde_json::Value;

#[test]
fn the_checked_in_document_matches_the_code() {
    let published: Value = serde_json::from_str(openapi::PUBLISHED).expect("openapi.json is JSON");
    let generated: Value = serde_json::from_str(&openapi::generated()).expect("generated document is JSON");
    assert!(
        published == generated,
        "openapi/openapi.json is out of date; regenerate it with \
         `cargo run -p api --bin gebiedscyclus -- openapi > openapi/openapi.json` and review the diff"
    );
}

#[test]
fn every_operation_documents_its_problems_and_describes_itself() {
    let doc: Value = serde_json::from_str(openapi::PUBLISHED).expect("openapi.json is JSON");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    for (path, item) in doc["paths"].as_object().expect("paths") {
        // Only what lies outside the versioned API names a server of its own (`design_rules.rs`).
        let versioned = item.get("servers").is_none();
        for (method, op) in item.as_object().expect("path item") {
            if method == "servers" {
                continue;
            }
            let responses = op["responses"].as_object().expect("responses");
            assert!(op["summary"].is_string() || op["description"].is_string(), "{method} {path} lacks a description");
            if versioned && path != "/openapi.json" {
                for status in ["400", "401", "403", "404", "500"] {
                    let problem = &responses[status]["content"]["application/problem+json"];
                    assert!(problem.is_object(), "{method} {path} lacks the {status} problem");
                }
            }
        }
    }
}
