//! A partner token reaches only the municipality of the coordinator who issued it (SPEC §15: scope is the
//! issuer's); it now carries that municipality in `api_tokens.municipality_id`.
//!
//! Tokens issued before held none there, and reached every municipality where their organisation is a
//! partner. Which of them a coordinator issued is on their own row: `managing_municipality_id` was set to the
//! issuing coordinator's municipality, and left null by administrators and the command line. Those become
//! bound to it; an administrator's stay unbound, as an administrator's new ones are.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Role,
    MunicipalityId,
    ManagingMunicipalityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::update()
                .table(ApiTokens::Table)
                .value(ApiTokens::MunicipalityId, Expr::col(ApiTokens::ManagingMunicipalityId))
                .and_where(Expr::col(ApiTokens::Role).eq("partner"))
                .and_where(Expr::col(ApiTokens::MunicipalityId).is_null())
                .and_where(Expr::col(ApiTokens::ManagingMunicipalityId).is_not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::update()
                .table(ApiTokens::Table)
                .value(ApiTokens::MunicipalityId, Expr::value(Option::<uuid::Uuid>::None))
                .and_where(Expr::col(ApiTokens::Role).eq("partner"))
                .to_owned(),
        )
        .await
    }
}
