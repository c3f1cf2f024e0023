//! Deadline notices: one row per deadline subject and announced state, so that `deadline.due_soon` and
//! `deadline.overdue` are raised once, whichever instance's sweeper gets there first and however often it
//! restarts. The unique key decides; no process has to remember anything.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadlineNotices {
    Table,
    Id,
    Subject,
    State,
    MunicipalityId,
    AreaId,
    Stage,
    Year,
    DueDate,
    ContributionId,
    RaisedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeadlineNotices::Table)
                .col(pk_uuid(DeadlineNotices::Id))
                .col(string(DeadlineNotices::Subject))
                .col(string(DeadlineNotices::State))
                .col(uuid(DeadlineNotices::MunicipalityId))
                .col(uuid(DeadlineNotices::AreaId))
                .col(string(DeadlineNotices::Stage))
                .col(integer(DeadlineNotices::Year))
                .col(date(DeadlineNotices::DueDate))
                .col(uuid_null(DeadlineNotices::ContributionId))
                .col(timestamp_with_time_zone(DeadlineNotices::RaisedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_deadline_notices_subject_state")
                .table(DeadlineNotices::Table)
                .col(DeadlineNotices::Subject)
                .col(DeadlineNotices::State)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_deadline_notices_municipality")
                .table(DeadlineNotices::Table)
                .col(DeadlineNotices::MunicipalityId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DeadlineNotices::Table).to_owned()).await
    }
}
