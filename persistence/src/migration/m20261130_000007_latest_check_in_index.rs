//! A contribution's latest check-in is the one of the latest date, of those the last recorded (ids are time
//! ordered). This index answers that with one lookup per contribution; with only `(contribution_id, id)`
//! every check-in of the contribution was read and sorted, each time its latest was asked for.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CheckIns {
    Table,
    ContributionId,
    Date,
    Id,
}

const NAME: &str = "ix_check_ins_latest";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(CheckIns::Table)
                .col(CheckIns::ContributionId)
                .col((CheckIns::Date, IndexOrder::Desc))
                .col((CheckIns::Id, IndexOrder::Desc))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(CheckIns::Table).to_owned()).await
    }
}
