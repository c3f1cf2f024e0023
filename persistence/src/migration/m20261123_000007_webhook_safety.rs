//! Subscriptions that outlive their owner's tokens, and delivery errors only administrators read.
//!
//! `webhook_subscriptions.suspended_since` is set by the delivery worker while the subscription's owner (the
//! municipality, the organisation, or for an administrator's subscription the administrators) has no valid
//! token of the owning role left, and cleared when it has one again; the worker sends nothing meanwhile.
//! `last_failure_status` keeps the HTTP status of the last failed attempt beside `last_error`, so the health
//! can be told to an owner who may not read the error itself (SPEC §15). The two indexes on `api_tokens` let
//! the worker ask "does this owner have a valid token" every round without reading the whole table.
//!
//! The owner columns themselves came with the subscriptions, from the creating token's scope, so existing rows
//! need nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    SuspendedSince,
    LastFailureStatus,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Role,
    MunicipalityId,
    OrganisationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .add_column(timestamp_with_time_zone_null(WebhookSubscriptions::SuspendedSince))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(WebhookSubscriptions::Table)
                .add_column(integer_null(WebhookSubscriptions::LastFailureStatus))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_municipality_role")
                .table(ApiTokens::Table)
                .col(ApiTokens::MunicipalityId)
                .col(ApiTokens::Role)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_organisation_role")
                .table(ApiTokens::Table)
                .col(ApiTokens::OrganisationId)
                .col(ApiTokens::Role)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_api_tokens_organisation_role", "ix_api_tokens_municipality_role"] {
            m.drop_index(Index::drop().name(name).table(ApiTokens::Table).to_owned()).await?;
        }
        for column in [WebhookSubscriptions::LastFailureStatus, WebhookSubscriptions::SuspendedSince] {
            m.alter_table(Table::alter().table(WebhookSubscriptions::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
