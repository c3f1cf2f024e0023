//! Schema migrations. One code path for SQLite and PostgreSQL: sea-query writes the dialect, so both
//! databases get the same tables, keys and constraints.

use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_documents;
mod m20261123_000003_contributions;
mod m20261123_000004_deadline_notices;
mod m20261123_000005_municipality_stamps;
mod m20261123_000006_webhooks;
mod m20261123_000007_webhook_safety;
mod m20261124_000007_partner_token_municipality;
mod m20261124_000008_idempotency_without_secrets;
mod m20261130_000002_version_return_notes;
mod m20261130_000004_deadline_overrides;
mod m20261130_000005_agenda_goals;
mod m20261130_000006_sessions;
mod m20261130_000007_latest_check_in_index;
mod m20261130_000008_stamp_shards;
mod m20261130_000009_contributions_by_organisation_area;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_documents::Migration),
            Box::new(m20261123_000003_contributions::Migration),
            Box::new(m20261123_000004_deadline_notices::Migration),
            Box::new(m20261123_000005_municipality_stamps::Migration),
            Box::new(m20261123_000006_webhooks::Migration),
            Box::new(m20261123_000007_webhook_safety::Migration),
            Box::new(m20261124_000007_partner_token_municipality::Migration),
            Box::new(m20261124_000008_idempotency_without_secrets::Migration),
            Box::new(m20261130_000002_version_return_notes::Migration),
            Box::new(m20261130_000004_deadline_overrides::Migration),
            Box::new(m20261130_000005_agenda_goals::Migration),
            Box::new(m20261130_000006_sessions::Migration),
            Box::new(m20261130_000007_latest_check_in_index::Migration),
            Box::new(m20261130_000008_stamp_shards::Migration),
            Box::new(m20261130_000009_contributions_by_organisation_area::Migration),
        ]
    }
}
