//! The foundation: municipalities, areas, organisations, area partners, API tokens, the audit trail, the
//! domain-event outbox and idempotency keys.
//!
//! Foreign keys restrict deletion, so a municipality with areas or an organisation with partnerships cannot
//! disappear from under what depends on it; the service answers 409 before the database has to refuse.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    Name,
    CbsCode,
    Calendar,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    MunicipalityId,
    Name,
    Code,
    Localities,
    ValidFrom,
    ValidUntil,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Kind,
    GroupType,
    HasCooperationAgreement,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AreaPartners {
    Table,
    Id,
    AreaId,
    OrganisationId,
    Since,
    Until,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    Role,
    MunicipalityId,
    OrganisationId,
    AreaIds,
    TokenHash,
    Prefix,
    ManagingMunicipalityId,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    Revision,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorTokenId,
    ActorName,
    Action,
    ResourceType,
    ResourceId,
    MunicipalityId,
    Changes,
    RequestId,
}

#[derive(DeriveIden)]
enum DomainEvents {
    Table,
    Id,
    EventType,
    OccurredAt,
    MunicipalityId,
    AreaId,
    OrganisationId,
    ResourceType,
    ResourceId,
    ResourcePath,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    TokenId,
    Key,
    RequestHash,
    Status,
    Body,
    Location,
    Etag,
    CreatedAt,
}

fn restrict(fk: &mut ForeignKeyCreateStatement) -> ForeignKeyCreateStatement {
    fk.on_delete(ForeignKeyAction::Restrict).on_update(ForeignKeyAction::Restrict).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Municipalities::Table)
                .col(pk_uuid(Municipalities::Id))
                .col(string(Municipalities::Name))
                .col(string_null(Municipalities::CbsCode).unique_key())
                .col(json_binary(Municipalities::Calendar))
                .col(big_integer(Municipalities::Revision))
                .col(timestamp_with_time_zone(Municipalities::CreatedAt))
                .col(timestamp_with_time_zone(Municipalities::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Areas::Table)
                .col(pk_uuid(Areas::Id))
                .col(uuid(Areas::MunicipalityId))
                .col(string(Areas::Name))
                .col(string(Areas::Code))
                .col(json_binary(Areas::Localities))
                .col(date_null(Areas::ValidFrom))
                .col(date_null(Areas::ValidUntil))
                .col(big_integer(Areas::Revision))
                .col(timestamp_with_time_zone(Areas::CreatedAt))
                .col(timestamp_with_time_zone(Areas::UpdatedAt))
                .foreign_key(&mut restrict(
                    ForeignKey::create()
                        .name("fk_areas_municipality")
                        .from(Areas::Table, Areas::MunicipalityId)
                        .to(Municipalities::Table, Municipalities::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_areas_municipality_code")
                .table(Areas::Table)
                .col(Areas::MunicipalityId)
                .col(Areas::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(pk_uuid(Organisations::Id))
                .col(string(Organisations::Name))
                .col(string(Organisations::Kind))
                .col(string_null(Organisations::GroupType))
                .col(boolean_null(Organisations::HasCooperationAgreement))
                .col(big_integer(Organisations::Revision))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AreaPartners::Table)
                .col(pk_uuid(AreaPartners::Id))
                .col(uuid(AreaPartners::AreaId))
                .col(uuid(AreaPartners::OrganisationId))
                .col(date_null(AreaPartners::Since))
                .col(date_null(AreaPartners::Until))
                .col(big_integer(AreaPartners::Revision))
                .col(timestamp_with_time_zone(AreaPartners::CreatedAt))
                .col(timestamp_with_time_zone(AreaPartners::UpdatedAt))
                .foreign_key(&mut restrict(
                    ForeignKey::create()
                        .name("fk_area_partners_area")
                        .from(AreaPartners::Table, AreaPartners::AreaId)
                        .to(Areas::Table, Areas::Id),
                ))
                .foreign_key(&mut restrict(
                    ForeignKey::create()
                        .name("fk_area_partners_organisation")
                        .from(AreaPartners::Table, AreaPartners::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_area_partners_area_organisation")
                .table(AreaPartners::Table)
                .col(AreaPartners::AreaId)
                .col(AreaPartners::OrganisationId)
                .unique()
                .to_owned(),
        )
        .await?;
        // A partner's scope is "the areas my organisation takes part in": looked up on every partner request.
        m.create_index(
            Index::create()
                .name("ix_area_partners_organisation")
                .table(AreaPartners::Table)
                .col(AreaPartners::OrganisationId)
                .col(AreaPartners::AreaId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(pk_uuid(ApiTokens::Id))
                .col(string(ApiTokens::Name))
                .col(string(ApiTokens::Role))
                .col(uuid_null(ApiTokens::MunicipalityId))
                .col(uuid_null(ApiTokens::OrganisationId))
                .col(json_binary(ApiTokens::AreaIds))
                .col(string(ApiTokens::TokenHash).unique_key())
                .col(string(ApiTokens::Prefix))
                .col(uuid_null(ApiTokens::ManagingMunicipalityId))
                .col(uuid_null(ApiTokens::CreatedBy))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .col(big_integer(ApiTokens::Revision))
                .foreign_key(&mut restrict(
                    ForeignKey::create()
                        .name("fk_api_tokens_municipality")
                        .from(ApiTokens::Table, ApiTokens::MunicipalityId)
                        .to(Municipalities::Table, Municipalities::Id),
                ))
                .foreign_key(&mut restrict(
                    ForeignKey::create()
                        .name("fk_api_tokens_organisation")
                        .from(ApiTokens::Table, ApiTokens::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_managing_municipality")
                .table(ApiTokens::Table)
                .col(ApiTokens::ManagingMunicipalityId)
                .col(ApiTokens::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(pk_uuid(AuditEvents::Id))
                .col(timestamp_with_time_zone(AuditEvents::At))
                .col(uuid_null(AuditEvents::ActorTokenId))
                .col(string(AuditEvents::ActorName))
                .col(string(AuditEvents::Action))
                .col(string(AuditEvents::ResourceType))
                .col(uuid(AuditEvents::ResourceId))
                .col(uuid_null(AuditEvents::MunicipalityId))
                .col(json_binary(AuditEvents::Changes))
                .col(string_null(AuditEvents::RequestId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_events_municipality")
                .table(AuditEvents::Table)
                .col(AuditEvents::MunicipalityId)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_events_resource")
                .table(AuditEvents::Table)
                .col(AuditEvents::ResourceId)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DomainEvents::Table)
                .col(big_pk_auto(DomainEvents::Id))
                .col(string(DomainEvents::EventType))
                .col(timestamp_with_time_zone(DomainEvents::OccurredAt))
                .col(uuid_null(DomainEvents::MunicipalityId))
                .col(uuid_null(DomainEvents::AreaId))
                .col(uuid_null(DomainEvents::OrganisationId))
                .col(string(DomainEvents::ResourceType))
                .col(uuid(DomainEvents::ResourceId))
                .col(string(DomainEvents::ResourcePath))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_domain_events_municipality")
                .table(DomainEvents::Table)
                .col(DomainEvents::MunicipalityId)
                .col(DomainEvents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(pk_uuid(IdempotencyKeys::Id))
                .col(uuid(IdempotencyKeys::TokenId))
                .col(string(IdempotencyKeys::Key))
                .col(string(IdempotencyKeys::RequestHash))
                .col(integer(IdempotencyKeys::Status))
                .col(text(IdempotencyKeys::Body))
                .col(string_null(IdempotencyKeys::Location))
                .col(string_null(IdempotencyKeys::Etag))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_idempotency_keys_token_key")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::TokenId)
                .col(IdempotencyKeys::Key)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            DomainEvents::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            AreaPartners::Table.into_iden(),
            Organisations::Table.into_iden(),
            Areas::Table.into_iden(),
            Municipalities::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
