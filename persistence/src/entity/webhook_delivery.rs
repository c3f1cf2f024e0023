use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// Also the `webhook-id` of every attempt, so a receiver can drop a repeat.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_id: i64,
    pub event_seq: i64,
    /// `pending`, `delivered` or `failed` (given up after the retry window).
    pub status: String,
    pub attempts: i32,
    /// When it is due; while a worker holds it, the end of that worker's lease.
    pub next_attempt_at: DateTimeUtc,
    pub first_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
