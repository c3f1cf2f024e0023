//! Cycle documents and their versions (SPEC §2, §3).
//!
//! The invariants that must hold under concurrent requests are the database's to keep, not luck's:
//! - one document per (area, kind, year): `document_years` holds a row for every year a document covers,
//!   unique per (area, kind, year), so a duplicate document or an overlapping agenda period cannot be stored;
//! - at most one open version (draft or submitted) and at most one adopted version per document: partial
//!   unique indexes, which SQLite and PostgreSQL both enforce;
//! - version numbers unique per document.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    AreaId,
    MunicipalityId,
    Kind,
    PeriodStart,
    PeriodEnd,
    LastNumber,
    LatestStatus,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DocumentYears {
    Table,
    Id,
    DocumentId,
    AreaId,
    Kind,
    Year,
}

#[derive(DeriveIden)]
enum Versions {
    Table,
    Id,
    DocumentId,
    Number,
    Status,
    Content,
    ChangeNote,
    BasedOn,
    CreatedAt,
    CreatedByToken,
    CreatedByName,
    UpdatedAt,
    AdoptedAt,
    AdoptedByToken,
    AdoptedByName,
    SupersededAt,
    Revision,
}

#[derive(DeriveIden)]
enum VersionTransitions {
    Table,
    Id,
    DocumentId,
    VersionNumber,
    Action,
    FromStatus,
    ToStatus,
    Note,
    At,
    ActorTokenId,
    ActorName,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(pk_uuid(Documents::Id))
                .col(uuid(Documents::AreaId))
                .col(uuid(Documents::MunicipalityId))
                .col(string(Documents::Kind))
                .col(integer(Documents::PeriodStart))
                .col(integer(Documents::PeriodEnd))
                .col(integer(Documents::LastNumber))
                .col(string(Documents::LatestStatus))
                .col(big_integer(Documents::Revision))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .col(timestamp_with_time_zone(Documents::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_documents_area")
                        .from(Documents::Table, Documents::AreaId)
                        .to(Areas::Table, Areas::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_documents_municipality")
                .table(Documents::Table)
                .col(Documents::MunicipalityId)
                .col(Documents::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_documents_area")
                .table(Documents::Table)
                .col(Documents::AreaId)
                .col(Documents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DocumentYears::Table)
                .col(pk_uuid(DocumentYears::Id))
                .col(uuid(DocumentYears::DocumentId))
                .col(uuid(DocumentYears::AreaId))
                .col(string(DocumentYears::Kind))
                .col(integer(DocumentYears::Year))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_document_years_document")
                        .from(DocumentYears::Table, DocumentYears::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_document_years_area_kind_year")
                .table(DocumentYears::Table)
                .col(DocumentYears::AreaId)
                .col(DocumentYears::Kind)
                .col(DocumentYears::Year)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_document_years_document")
                .table(DocumentYears::Table)
                .col(DocumentYears::DocumentId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Versions::Table)
                .col(pk_uuid(Versions::Id))
                .col(uuid(Versions::DocumentId))
                .col(integer(Versions::Number))
                .col(string(Versions::Status))
                .col(json_binary(Versions::Content))
                .col(text_null(Versions::ChangeNote))
                .col(integer_null(Versions::BasedOn))
                .col(timestamp_with_time_zone(Versions::CreatedAt))
                .col(uuid_null(Versions::CreatedByToken))
                .col(string(Versions::CreatedByName))
                .col(timestamp_with_time_zone(Versions::UpdatedAt))
                .col(timestamp_with_time_zone_null(Versions::AdoptedAt))
                .col(uuid_null(Versions::AdoptedByToken))
                .col(string_null(Versions::AdoptedByName))
                .col(timestamp_with_time_zone_null(Versions::SupersededAt))
                .col(big_integer(Versions::Revision))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_versions_document")
                        .from(Versions::Table, Versions::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_versions_document_number")
                .table(Versions::Table)
                .col(Versions::DocumentId)
                .col(Versions::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        // Partial unique indexes: the same SQL on both databases.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_versions_one_open ON versions (document_id) WHERE status IN ('draft', 'submitted')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_versions_one_in_force ON versions (document_id) WHERE status = 'adopted'",
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VersionTransitions::Table)
                .col(pk_uuid(VersionTransitions::Id))
                .col(uuid(VersionTransitions::DocumentId))
                .col(integer(VersionTransitions::VersionNumber))
                .col(string(VersionTransitions::Action))
                .col(string(VersionTransitions::FromStatus))
                .col(string(VersionTransitions::ToStatus))
                .col(text_null(VersionTransitions::Note))
                .col(timestamp_with_time_zone(VersionTransitions::At))
                .col(uuid_null(VersionTransitions::ActorTokenId))
                .col(string(VersionTransitions::ActorName))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_version_transitions_document")
                        .from(VersionTransitions::Table, VersionTransitions::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_version_transitions_document")
                .table(VersionTransitions::Table)
                .col(VersionTransitions::DocumentId)
                .col(VersionTransitions::VersionNumber)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            VersionTransitions::Table.into_iden(),
            Versions::Table.into_iden(),
            DocumentYears::Table.into_iden(),
            Documents::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
