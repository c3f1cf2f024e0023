use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscription_id: Uuid,
    /// Null for a ping.
    pub delivery_id: Option<Uuid>,
    pub event_seq: Option<i64>,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: DateTimeUtc,
    /// Null when no response came (refused, timed out).
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    pub error: Option<String>,
    /// The first characters of the response body, never more.
    pub response_excerpt: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
