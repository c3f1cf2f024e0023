//! Storage for the gebiedscyclus service: SQL lives here and nowhere else.
//!
//! One code path serves SQLite (the embedded default) and PostgreSQL (production). Repositories take the
//! caller's [`domain::access::ReadScope`] and filter in SQL, so lists never leak and a resource outside the
//! scope is simply not found. Every change runs in a [`Tx`] that writes its audit event and domain event in
//! the same transaction as the change itself.

pub mod api_tokens;
pub mod areas;
pub mod audit;
pub mod bulk;
pub mod contributions;
mod copy_in;
pub mod credentials;
mod db;
pub mod deadline_overrides;
pub mod deadlines;
pub mod deliveries;
pub mod document_history;
pub mod documents;
mod entity;
mod error;
pub mod events;
pub mod idempotency;
pub mod memory;
mod migration;
pub mod monitors;
pub mod municipalities;
pub mod names;
pub mod organisations;
mod page;
pub mod partners;
pub mod public;
mod scope;
pub mod sessions;
pub mod settled;
pub mod stamps;
pub mod subscriptions;
mod tx;

pub use db::{Backend, Db, DbSettings, PoolState};
pub use error::StoreError;
pub use page::Page;
pub use sea_orm::ConnectionTrait;
pub use tx::{Actor, Change, Tx};
