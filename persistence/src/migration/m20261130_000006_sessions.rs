//! Page sessions (SPEC §12): one row per signed-in browser, keyed by a hash of the cookie's random id, so the
//! table never gives a session back (SPEC §15) and any instance can serve it. A session acts as the token it
//! was started with; revoking that token ends it, and deleting the token deletes its sessions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    TokenId,
    CsrfSecret,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string(Sessions::IdHash).primary_key())
                .col(uuid(Sessions::TokenId))
                .col(string(Sessions::CsrfSecret))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_token")
                        .from(Sessions::Table, Sessions::TokenId)
                        .to(ApiTokens::Table, ApiTokens::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // Expired sessions are removed by when they were last seen.
        m.create_index(
            Index::create()
                .name("ix_sessions_last_seen_at")
                .table(Sessions::Table)
                .col(Sessions::LastSeenAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Sessions::Table).to_owned()).await
    }
}
