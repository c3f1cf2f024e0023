//! The event feed's sequence and webhook delivery.
//!
//! `domain_events.seq` is the feed position. Row ids come from a sequence and are handed out when a
//! transaction inserts, not when it commits, so on PostgreSQL id 11 can become visible before id 10; a
//! reader that resumed after 11 would never see 10. The sequencer (persistence::events::sequence) gives
//! committed events their `seq` one batch at a time under a lock, so `seq` only ever grows in the order the
//! events became visible, and "after this seq" is a stable cursor.
//!
//! `webhook_subscriptions` hold the callbacks, `webhook_deliveries` one row per event and subscription with
//! its retry state, `webhook_attempts` the log of every HTTP attempt, and `webhook_cursor` how far the
//! outbox has been fanned out to deliveries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DomainEvents {
    Table,
    Seq,
}

#[derive(DeriveIden)]
enum WebhookSubscriptions {
    Table,
    Id,
    CallbackUrl,
    EventTypes,
    MunicipalityId,
    AreaId,
    Description,
    Secret,
    OwnerMunicipalityId,
    OwnerOrganisationId,
    Active,
    ConsecutiveFailures,
    FailingSince,
    LastSuccessAt,
    LastFailureAt,
    LastError,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    SubscriptionId,
    EventId,
    EventSeq,
    Status,
    Attempts,
    NextAttemptAt,
    FirstAttemptAt,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    SubscriptionId,
    DeliveryId,
    EventSeq,
    EventType,
    Attempt,
    AttemptedAt,
    StatusCode,
    DurationMs,
    Error,
    ResponseExcerpt,
}

#[derive(DeriveIden)]
enum WebhookCursor {
    Table,
    Id,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(DomainEvents::Table).add_column(big_integer_null(DomainEvents::Seq)).to_owned(),
        )
        .await?;
        // Unique, so two sequencers could never hand out one position twice; NULLs (not yet sequenced) are
        // allowed many times, and `seq IS NULL` finds them through the same index.
        m.create_index(
            Index::create()
                .name("ux_domain_events_seq")
                .table(DomainEvents::Table)
                .col(DomainEvents::Seq)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookSubscriptions::Table)
                .col(pk_uuid(WebhookSubscriptions::Id))
                .col(string(WebhookSubscriptions::CallbackUrl))
                .col(json_binary(WebhookSubscriptions::EventTypes))
                .col(uuid_null(WebhookSubscriptions::MunicipalityId))
                .col(uuid_null(WebhookSubscriptions::AreaId))
                .col(string_null(WebhookSubscriptions::Description))
                .col(string(WebhookSubscriptions::Secret))
                .col(uuid_null(WebhookSubscriptions::OwnerMunicipalityId))
                .col(uuid_null(WebhookSubscriptions::OwnerOrganisationId))
                .col(boolean(WebhookSubscriptions::Active))
                .col(integer(WebhookSubscriptions::ConsecutiveFailures))
                .col(timestamp_with_time_zone_null(WebhookSubscriptions::FailingSince))
                .col(timestamp_with_time_zone_null(WebhookSubscriptions::LastSuccessAt))
                .col(timestamp_with_time_zone_null(WebhookSubscriptions::LastFailureAt))
                .col(string_null(WebhookSubscriptions::LastError))
                .col(uuid_null(WebhookSubscriptions::CreatedBy))
                .col(timestamp_with_time_zone(WebhookSubscriptions::CreatedAt))
                .col(timestamp_with_time_zone(WebhookSubscriptions::UpdatedAt))
                .col(big_integer(WebhookSubscriptions::Revision))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(pk_uuid(WebhookDeliveries::Id))
                .col(uuid(WebhookDeliveries::SubscriptionId))
                .col(big_integer(WebhookDeliveries::EventId))
                .col(big_integer(WebhookDeliveries::EventSeq))
                .col(string(WebhookDeliveries::Status))
                .col(integer(WebhookDeliveries::Attempts))
                .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::FirstAttemptAt))
                .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                .col(timestamp_with_time_zone_null(WebhookDeliveries::FinishedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDeliveries::Table, WebhookDeliveries::SubscriptionId)
                        .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One delivery per event and subscription, however often the fan-out runs.
        m.create_index(
            Index::create()
                .name("ux_webhook_deliveries_subscription_event")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::SubscriptionId)
                .col(WebhookDeliveries::EventId)
                .unique()
                .to_owned(),
        )
        .await?;
        // The worker's claim: pending deliveries that are due.
        m.create_index(
            Index::create()
                .name("ix_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookAttempts::Table)
                .col(pk_uuid(WebhookAttempts::Id))
                .col(uuid(WebhookAttempts::SubscriptionId))
                .col(uuid_null(WebhookAttempts::DeliveryId))
                .col(big_integer_null(WebhookAttempts::EventSeq))
                .col(string(WebhookAttempts::EventType))
                .col(integer(WebhookAttempts::Attempt))
                .col(timestamp_with_time_zone(WebhookAttempts::AttemptedAt))
                .col(integer_null(WebhookAttempts::StatusCode))
                .col(big_integer(WebhookAttempts::DurationMs))
                .col(string_null(WebhookAttempts::Error))
                .col(string_null(WebhookAttempts::ResponseExcerpt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookAttempts::Table, WebhookAttempts::SubscriptionId)
                        .to(WebhookSubscriptions::Table, WebhookSubscriptions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_webhook_attempts_subscription")
                .table(WebhookAttempts::Table)
                .col(WebhookAttempts::SubscriptionId)
                .col(WebhookAttempts::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookCursor::Table)
                .col(integer(WebhookCursor::Id).primary_key())
                .col(big_integer(WebhookCursor::Seq))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(WebhookCursor::Table)
                .columns([WebhookCursor::Id, WebhookCursor::Seq])
                .values_panic([1.into(), 0i64.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookCursor::Table.into_iden(),
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookSubscriptions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("ux_domain_events_seq").table(DomainEvents::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(DomainEvents::Table).drop_column(DomainEvents::Seq).to_owned()).await
    }
}
