use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contributions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub agenda_document_id: Uuid,
    pub goal_key: String,
    pub organisation_id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub due_date: Option<Date>,
    pub status: String,
    pub proposed_by: String,
    pub committed_at: Option<DateTimeUtc>,
    pub withdrawn_after_commitment: bool,
    pub created_at: DateTimeUtc,
    pub created_by_token: Option<Uuid>,
    pub created_by_name: String,
    pub updated_at: DateTimeUtc,
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
