use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contribution_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contribution_id: Uuid,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub note: Option<String>,
    pub at: DateTimeUtc,
    pub actor_token_id: Option<Uuid>,
    pub actor_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
