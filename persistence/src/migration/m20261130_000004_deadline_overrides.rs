//! An area's own deadlines: one row per area, cycle year and stage whose due date the coordinator moved away
//! from the municipality's calendar. The unique key keeps it at one per stage and year, also when two
//! requests race; deleting the area deletes its own deadlines with it (its deletion is audited).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadlineOverrides {
    Table,
    Id,
    MunicipalityId,
    AreaId,
    Stage,
    Year,
    DueDate,
    Reason,
    Revision,
    CreatedAt,
    UpdatedAt,
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
                .table(DeadlineOverrides::Table)
                .col(pk_uuid(DeadlineOverrides::Id))
                .col(uuid(DeadlineOverrides::MunicipalityId))
                .col(uuid(DeadlineOverrides::AreaId))
                .col(string(DeadlineOverrides::Stage))
                .col(integer(DeadlineOverrides::Year))
                .col(date(DeadlineOverrides::DueDate))
                .col(string(DeadlineOverrides::Reason))
                .col(big_integer(DeadlineOverrides::Revision))
                .col(timestamp_with_time_zone(DeadlineOverrides::CreatedAt))
                .col(timestamp_with_time_zone(DeadlineOverrides::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_deadline_overrides_area")
                        .from(DeadlineOverrides::Table, DeadlineOverrides::AreaId)
                        .to(Areas::Table, Areas::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_deadline_overrides_area_year_stage")
                .table(DeadlineOverrides::Table)
                .col(DeadlineOverrides::AreaId)
                .col(DeadlineOverrides::Year)
                .col(DeadlineOverrides::Stage)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DeadlineOverrides::Table).to_owned()).await
    }
}
