use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor_token_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    /// For scoping the trail to a coordinator's municipality; no foreign key, the trail outlives what it describes.
    pub municipality_id: Option<Uuid>,
    pub changes: Json,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
