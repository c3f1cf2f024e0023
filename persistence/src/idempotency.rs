//! Stored responses of creates made with an `Idempotency-Key` (SPEC §9). The response is stored in the
//! same transaction as the create, so a retry either finds the whole first result or nothing.
//!
//! A record is remembered for [`KEPT_FOR`] (SPEC §15): long enough for any client's retries, and then it is
//! ignored and removed, so the table does not grow without end and a key may be used again. A create whose
//! answer shows a secret once (an API token, a webhook secret) is stored without its body: the secret is
//! never kept readable, and a replay answers the resource as it is now instead.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::StoreError;
use crate::tx::{InsertInto, Tx};

/// How long a key is remembered.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    /// `None` for a create whose answer showed a secret.
    pub body: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
}

/// The response stored for this token and key, unless it is older than [`KEPT_FOR`] at `now`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    token_id: Uuid,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredResponse>, StoreError> {
    let row = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::TokenId.eq(token_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::CreatedAt.gt(now - KEPT_FOR))
        .one(conn)
        .await?;
    Ok(row.map(|r| StoredResponse {
        request_hash: r.request_hash,
        status: u16::try_from(r.status).unwrap_or(500),
        body: r.body,
        location: r.location,
        etag: r.etag,
    }))
}

/// Stores the response, after removing every record that has expired (among them an earlier use of this
/// key, which may now start anew). A concurrent request with the same key makes this fail on the unique
/// key, and its transaction (with the duplicate create) rolls back.
pub async fn store(tx: &Tx, token_id: Uuid, key: &str, response: &StoredResponse) -> Result<(), StoreError> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lte(tx.now() - KEPT_FOR))
        .exec(tx.conn())
        .await?;
    idempotency_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_id: Set(token_id),
        key: Set(key.to_owned()),
        request_hash: Set(response.request_hash.clone()),
        status: Set(i32::from(response.status)),
        body: Set(response.body.clone()),
        location: Set(response.location.clone()),
        etag: Set(response.etag.clone()),
        created_at: Set(tx.now()),
    }
    .insert_into(tx.conn())
    .await
}

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod idempotency_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub token_id: Uuid,
        pub key: String,
        /// SHA-256 of method, path and body: a replay must be the same request.
        pub request_hash: String,
        pub status: i32,
        /// Null for a create whose answer showed a secret, which is never kept.
        pub body: Option<String>,
        pub location: Option<String>,
        pub etag: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
