//! Idempotency records keep no secret (SPEC §15). A create whose answer shows a secret once (an API token, a
//! webhook subscription) is now stored without its body, so `body` becomes nullable; the bodies stored so far
//! for those creates held the secret and are dropped. SQLite cannot drop a NOT NULL, so the table is rebuilt
//! (on both databases alike) and its records copied over.
//!
//! Records expire after a day and are removed when a create stores a new one; `created_at` is indexed for
//! that removal.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    TokenId,
    Key,
    RequestHash,
    Status,
    Body,
    Location,
    Etag,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeysBefore {
    Table,
}

const UNIQUE_KEY: &str = "ux_idempotency_keys_token_key";

/// The creates whose first answer held a secret, by where they put the resource.
const WITH_SECRETS: &str = "location LIKE '/api/v1/api-tokens/%' OR location LIKE '/api/v1/subscriptions/%'";

async fn rebuild(m: &SchemaManager<'_>, body_nullable: bool) -> Result<(), DbErr> {
    // Index names are per schema on both databases, so the old table's must go before the new one's is made.
    m.get_connection().execute_unprepared(&format!("DROP INDEX {UNIQUE_KEY}")).await?;
    m.rename_table(Table::rename().table(IdempotencyKeys::Table, IdempotencyKeysBefore::Table).to_owned()).await?;
    m.create_table(
        Table::create()
            .table(IdempotencyKeys::Table)
            .col(pk_uuid(IdempotencyKeys::Id))
            .col(uuid(IdempotencyKeys::TokenId))
            .col(string(IdempotencyKeys::Key))
            .col(string(IdempotencyKeys::RequestHash))
            .col(integer(IdempotencyKeys::Status))
            .col(if body_nullable { text_null(IdempotencyKeys::Body) } else { text(IdempotencyKeys::Body) })
            .col(string_null(IdempotencyKeys::Location))
            .col(string_null(IdempotencyKeys::Etag))
            .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
            .to_owned(),
    )
    .await?;
    m.create_index(
        Index::create()
            .name(UNIQUE_KEY)
            .table(IdempotencyKeys::Table)
            .col(IdempotencyKeys::TokenId)
            .col(IdempotencyKeys::Key)
            .unique()
            .to_owned(),
    )
    .await?;
    // Going back, a record without a body cannot be answered from the old table: it is dropped.
    let (body, kept) = if body_nullable {
        (format!("CASE WHEN {WITH_SECRETS} THEN NULL ELSE body END"), "1 = 1")
    } else {
        ("body".to_owned(), "body IS NOT NULL")
    };
    m.get_connection()
        .execute_unprepared(&format!(
            "INSERT INTO idempotency_keys (id, token_id, key, request_hash, status, body, location, etag, created_at) \
             SELECT id, token_id, key, request_hash, status, {body}, location, etag, created_at \
             FROM idempotency_keys_before WHERE {kept}"
        ))
        .await?;
    m.drop_table(Table::drop().table(IdempotencyKeysBefore::Table).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too: the rebuild is all or nothing, and every step runs on the one connection (on a pool,
    /// a connection holding an older read snapshot would still see the index the first step dropped).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rebuild(m, true).await?;
        m.create_index(
            Index::create()
                .name("ix_idempotency_keys_created_at")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX ix_idempotency_keys_created_at").await?;
        rebuild(m, false).await
    }
}
