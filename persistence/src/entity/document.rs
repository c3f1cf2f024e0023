use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub area_id: Uuid,
    /// Copied from the area, so scope filters need no join.
    pub municipality_id: Uuid,
    pub kind: String,
    pub period_start: i32,
    pub period_end: i32,
    /// The last version number handed out; numbers are never reused, also after a draft is deleted.
    pub last_number: i32,
    /// Status of the latest version, kept with every change for the list filter.
    pub latest_status: String,
    /// Bumped by every change to the document or its versions: concurrent changes of one document
    /// conflict on it.
    pub revision: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
