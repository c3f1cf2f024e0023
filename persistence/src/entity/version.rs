use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub document_id: Uuid,
    pub number: i32,
    pub status: String,
    pub content: Json,
    pub change_note: Option<String>,
    pub based_on: Option<i32>,
    pub created_at: DateTimeUtc,
    pub created_by_token: Option<Uuid>,
    pub created_by_name: String,
    pub updated_at: DateTimeUtc,
    pub adopted_at: Option<DateTimeUtc>,
    pub adopted_by_token: Option<Uuid>,
    pub adopted_by_name: Option<String>,
    pub superseded_at: Option<DateTimeUtc>,
    pub revision: i64,
    /// The note of the version's last return, if it was ever returned.
    pub return_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::document::Entity", from = "Column::DocumentId", to = "super::document::Column::Id")]
    Document,
}

impl Related<super::document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
