//! A change counter per municipality, bumped in the transaction of every change recorded for it, so that
//! views computed from many rows (the dashboard) can be cached and still never be stale: a cached view is
//! used only while the counter it was computed at is still the current one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MunicipalityStamps {
    Table,
    MunicipalityId,
    Counter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MunicipalityStamps::Table)
                .col(pk_uuid(MunicipalityStamps::MunicipalityId))
                .col(big_integer(MunicipalityStamps::Counter))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MunicipalityStamps::Table).to_owned()).await
    }
}
