//! Delivery errors only administrators read: `last_failure_status` keeps the HTTP status of a subscription's
//! last failed attempt beside `last_error`, so its health can be told to an owner who may not read the error
//! itself (SPEC §15).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    LastFailureStatus,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .add_column(integer_null(WebhookSubscriptions::LastFailureStatus))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .drop_column(WebhookSubscriptions::LastFailureStatus)
                .to_owned(),
        )
        .await
    }
}
