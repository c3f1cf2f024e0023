//! Black-box tests over HTTP against the real application, on SQLite or (with TEST_DATABASE_URL) PostgreSQL.

mod areas;
mod audit;
mod concurrency;
mod contributions;
mod conventions;
mod deadline_overrides;
mod deadlines;
mod demo;
mod documents;
mod event_catalogue;
mod events;
mod hardening;
mod municipalities;
mod names_beside_ids;
mod organisations;
mod partner_scope;
mod partners;
mod permissions;
mod published_limits;
mod token_scope;
mod tokens;
mod webhooks;
mod whole_input;
