use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "check_ins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contribution_id: Uuid,
    pub date: Date,
    pub progress_percent: i32,
    pub current_value: Option<f64>,
    pub confidence: String,
    pub note: String,
    pub created_at: DateTimeUtc,
    pub created_by_token: Option<Uuid>,
    pub created_by_name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
