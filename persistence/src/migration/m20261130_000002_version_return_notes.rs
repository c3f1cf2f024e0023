//! A version keeps the note of its last return (issue 17: a returned draft shows why it came back). Filled
//! for the versions returned so far from their history, in SQL both databases run alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Versions {
    Table,
    ReturnNote,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Versions::Table).add_column(text_null(Versions::ReturnNote)).to_owned())
            .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE versions SET return_note = (
                     SELECT t.note FROM version_transitions t
                     WHERE t.document_id = versions.document_id AND t.version_number = versions.number
                       AND t.action = 'return'
                     ORDER BY t.at DESC, t.id DESC LIMIT 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Versions::Table).drop_column(Versions::ReturnNote).to_owned()).await
    }
}
