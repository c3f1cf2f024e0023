use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    /// Increasing, so a feed reader can resume after the last id it saw.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_type: String,
    pub occurred_at: DateTimeUtc,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub resource_type: String,
    pub resource_id: Uuid,
    /// Path of the resource under the service's base URL.
    pub resource_path: String,
    /// The feed position, given once the event is committed (see `events::sequence`); null until then.
    pub seq: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
