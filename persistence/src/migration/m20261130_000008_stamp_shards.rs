//! The municipality change counter in shards: one row per (municipality, shard), and the counter is their sum.
//! With one row, every change in a municipality held that row's lock from its update until its commit, so a
//! municipality's writers committed one after another and PostgreSQL could not flush their commits together
//! (issue 19: check-ins at 8 % of `pgbench -N`). A change now bumps one of [`crate::stamps::SHARDS`] rows.
//! The sum still moves with every committed change and never goes back, which is all a cached view needs.

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

#[derive(DeriveIden)]
enum MunicipalityStampShards {
    Table,
    MunicipalityId,
    Shard,
    Counter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MunicipalityStampShards::Table)
                .col(uuid(MunicipalityStampShards::MunicipalityId))
                .col(small_integer(MunicipalityStampShards::Shard))
                .col(big_integer(MunicipalityStampShards::Counter))
                .primary_key(
                    Index::create().col(MunicipalityStampShards::MunicipalityId).col(MunicipalityStampShards::Shard),
                )
                .to_owned(),
        )
        .await?;
        // The counters so far become shard 0, so every sum goes on from where its counter stood.
        let copy = Query::insert()
            .into_table(MunicipalityStampShards::Table)
            .columns([
                MunicipalityStampShards::MunicipalityId,
                MunicipalityStampShards::Shard,
                MunicipalityStampShards::Counter,
            ])
            .select_from(
                Query::select()
                    .column(MunicipalityStamps::MunicipalityId)
                    .expr(Expr::val(0i16))
                    .column(MunicipalityStamps::Counter)
                    .from(MunicipalityStamps::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        m.exec_stmt(copy).await?;
        m.drop_table(Table::drop().table(MunicipalityStamps::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MunicipalityStamps::Table)
                .col(pk_uuid(MunicipalityStamps::MunicipalityId))
                .col(big_integer(MunicipalityStamps::Counter))
                .to_owned(),
        )
        .await?;
        let copy = Query::insert()
            .into_table(MunicipalityStamps::Table)
            .columns([MunicipalityStamps::MunicipalityId, MunicipalityStamps::Counter])
            .select_from(
                Query::select()
                    .column(MunicipalityStampShards::MunicipalityId)
                    .expr(Expr::col(MunicipalityStampShards::Counter).sum())
                    .from(MunicipalityStampShards::Table)
                    .group_by_col(MunicipalityStampShards::MunicipalityId)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        m.exec_stmt(copy).await?;
        m.drop_table(Table::drop().table(MunicipalityStampShards::Table).to_owned()).await
    }
}
