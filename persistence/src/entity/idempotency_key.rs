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
