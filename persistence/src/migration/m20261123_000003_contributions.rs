//! Contributions of partners to agenda goals, their transitions and check-ins (SPEC §6).
//!
//! A contribution keeps its area and municipality next to its agenda document, so that a partner's or a
//! municipality's list is one indexed condition, not a join, and the read scope stays a plain `WHERE`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contributions {
    Table,
    Id,
    MunicipalityId,
    AreaId,
    AgendaDocumentId,
    GoalKey,
    OrganisationId,
    Title,
    Description,
    Kind,
    Amount,
    Unit,
    DueDate,
    Status,
    ProposedBy,
    CommittedAt,
    WithdrawnAfterCommitment,
    CreatedAt,
    CreatedByToken,
    CreatedByName,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum ContributionTransitions {
    Table,
    Id,
    ContributionId,
    Action,
    FromStatus,
    ToStatus,
    Note,
    At,
    ActorTokenId,
    ActorName,
}

#[derive(DeriveIden)]
enum CheckIns {
    Table,
    Id,
    ContributionId,
    Date,
    ProgressPercent,
    CurrentValue,
    Confidence,
    Note,
    CreatedAt,
    CreatedByToken,
    CreatedByName,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

fn index(name: &str, table: impl IntoIden, cols: Vec<Contributions>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Contributions::Table)
                .col(pk_uuid(Contributions::Id))
                .col(uuid(Contributions::MunicipalityId))
                .col(uuid(Contributions::AreaId))
                .col(uuid(Contributions::AgendaDocumentId))
                .col(string(Contributions::GoalKey))
                .col(uuid(Contributions::OrganisationId))
                .col(string(Contributions::Title))
                .col(text(Contributions::Description))
                .col(string(Contributions::Kind))
                .col(double_null(Contributions::Amount))
                .col(string_null(Contributions::Unit))
                .col(date_null(Contributions::DueDate))
                .col(string(Contributions::Status))
                .col(string(Contributions::ProposedBy))
                .col(timestamp_with_time_zone_null(Contributions::CommittedAt))
                .col(boolean(Contributions::WithdrawnAfterCommitment))
                .col(timestamp_with_time_zone(Contributions::CreatedAt))
                .col(uuid_null(Contributions::CreatedByToken))
                .col(string(Contributions::CreatedByName))
                .col(timestamp_with_time_zone(Contributions::UpdatedAt))
                .col(big_integer(Contributions::Revision))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_contributions_document")
                        .from(Contributions::Table, Contributions::AgendaDocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_contributions_area")
                        .from(Contributions::Table, Contributions::AreaId)
                        .to(Areas::Table, Areas::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_contributions_organisation")
                        .from(Contributions::Table, Contributions::OrganisationId)
                        .to(Organisations::Table, Organisations::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        use Contributions as C;
        for (name, cols) in [
            ("ix_contributions_municipality", vec![C::MunicipalityId, C::Id]),
            ("ix_contributions_organisation", vec![C::OrganisationId, C::Id]),
            ("ix_contributions_area", vec![C::AreaId, C::Id]),
            ("ix_contributions_agenda_goal", vec![C::AgendaDocumentId, C::GoalKey]),
            ("ix_contributions_due", vec![C::DueDate]),
        ] {
            m.create_index(index(name, C::Table, cols)).await?;
        }

        m.create_table(
            Table::create()
                .table(ContributionTransitions::Table)
                .col(pk_uuid(ContributionTransitions::Id))
                .col(uuid(ContributionTransitions::ContributionId))
                .col(string(ContributionTransitions::Action))
                .col(string(ContributionTransitions::FromStatus))
                .col(string(ContributionTransitions::ToStatus))
                .col(text_null(ContributionTransitions::Note))
                .col(timestamp_with_time_zone(ContributionTransitions::At))
                .col(uuid_null(ContributionTransitions::ActorTokenId))
                .col(string(ContributionTransitions::ActorName))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_contribution_transitions_contribution")
                        .from(ContributionTransitions::Table, ContributionTransitions::ContributionId)
                        .to(Contributions::Table, Contributions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_contribution_transitions_contribution")
                .table(ContributionTransitions::Table)
                .col(ContributionTransitions::ContributionId)
                .col(ContributionTransitions::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CheckIns::Table)
                .col(pk_uuid(CheckIns::Id))
                .col(uuid(CheckIns::ContributionId))
                .col(date(CheckIns::Date))
                .col(integer(CheckIns::ProgressPercent))
                .col(double_null(CheckIns::CurrentValue))
                .col(string(CheckIns::Confidence))
                .col(text(CheckIns::Note))
                .col(timestamp_with_time_zone(CheckIns::CreatedAt))
                .col(uuid_null(CheckIns::CreatedByToken))
                .col(string(CheckIns::CreatedByName))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_check_ins_contribution")
                        .from(CheckIns::Table, CheckIns::ContributionId)
                        .to(Contributions::Table, Contributions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_check_ins_contribution")
                .table(CheckIns::Table)
                .col(CheckIns::ContributionId)
                .col(CheckIns::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [CheckIns::Table.into_iden(), ContributionTransitions::Table.into_iden(), Contributions::Table.into_iden()]
        {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
