//! The HTTP layer of the gebiedscyclus service: thin handlers that parse requests, ask `domain` what is
//! allowed and valid, call `persistence`, and map the result to JSON or problem+json.

pub mod bodies;
pub mod cli;
pub mod commands;
pub mod config;
pub mod contribution_csv;
pub mod demo;
pub mod error;
pub mod extract;
pub mod generate;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod pages;
pub mod pagination;
pub mod published_limits;
pub mod published_text;
pub mod query_params;
pub mod respond;
pub mod response_fields;
pub mod routes;
pub mod serde_errors;
pub mod shape;
pub mod startup;
pub mod sweeper;
pub mod telemetry;
pub mod tokens;
pub mod usecases;
pub mod version_schema;
pub mod view_cache;
pub mod webhooks;
