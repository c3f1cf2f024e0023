use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub area_ids: Json,
    /// SHA-256 of the secret, hex. The secret itself is never stored.
    pub token_hash: String,
    /// The first characters of the secret, so people can tell their tokens apart.
    pub prefix: String,
    /// The municipality whose coordinators manage this token (list, revoke).
    pub managing_municipality_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
