//! The goal keys of every agenda version, as rows (issue 17: a partner never learns of a goal it cannot
//! read). A contribution names its goal by key; whether a partner may see it depends on whether that key is in a
//! version the partner may read, which SQL can only ask of rows, not of the JSON content, in the same way on
//! both databases. Filled for the versions stored so far.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AgendaGoals {
    Table,
    VersionId,
    DocumentId,
    GoalKey,
}

#[derive(DeriveIden)]
enum Versions {
    Table,
    Id,
    DocumentId,
    Content,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    Kind,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AgendaGoals::Table)
                .col(uuid(AgendaGoals::VersionId))
                .col(uuid(AgendaGoals::DocumentId))
                .col(text(AgendaGoals::GoalKey))
                .primary_key(Index::create().col(AgendaGoals::VersionId).col(AgendaGoals::GoalKey))
                .foreign_key(
                    ForeignKey::create()
                        .from(AgendaGoals::Table, AgendaGoals::VersionId)
                        .to(Versions::Table, Versions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("agenda_goals_by_document")
                .table(AgendaGoals::Table)
                .col(AgendaGoals::DocumentId)
                .col(AgendaGoals::GoalKey)
                .to_owned(),
        )
        .await?;
        let agenda_versions = Query::select()
            .columns([
                (Versions::Table, Versions::Id),
                (Versions::Table, Versions::DocumentId),
                (Versions::Table, Versions::Content),
            ])
            .from(Versions::Table)
            .inner_join(
                Documents::Table,
                Expr::col((Documents::Table, Documents::Id)).equals((Versions::Table, Versions::DocumentId)),
            )
            .and_where(Expr::col((Documents::Table, Documents::Kind)).eq("agenda"))
            .to_owned();
        let rows = m.get_connection().query_all(&agenda_versions).await?;
        for row in rows {
            let version_id: uuid::Uuid = row.try_get("", "id")?;
            let document_id: uuid::Uuid = row.try_get("", "document_id")?;
            let content: serde_json::Value = row.try_get("", "content")?;
            let keys = content["goals"].as_array().into_iter().flatten().filter_map(|g| g["key"].as_str());
            for key in keys.collect::<std::collections::BTreeSet<_>>() {
                let insert = Query::insert()
                    .into_table(AgendaGoals::Table)
                    .columns([AgendaGoals::VersionId, AgendaGoals::DocumentId, AgendaGoals::GoalKey])
                    .values_panic([version_id.into(), document_id.into(), key.into()])
                    .to_owned();
                m.exec_stmt(insert).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AgendaGoals::Table).to_owned()).await
    }
}
