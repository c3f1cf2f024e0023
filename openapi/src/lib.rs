//! The published contract: `openapi.json`, generated from the code by
//! `cargo run -p api --bin gebiedscyclus -- openapi > openapi/openapi.json` and checked in, so clients and
//! reviewers see every change to the API in the diff. The drift test fails when the code and the file differ.

/// The checked-in OpenAPI document.
pub const PUBLISHED: &str = include_str!("../openapi.json");

/// The document the code generates now.
pub fn generated() -> String {
    api::openapi::json()
}
