use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub callback_url: String,
    /// A JSON array of event types; empty for every type.
    pub event_types: Json,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub description: Option<String>,
    /// The signing secret. Kept in the clear because every delivery is signed with it; never returned
    /// after creation.
    pub secret: String,
    /// Whose events it receives: a municipality's (coordinator), an organisation's (partner), or, with
    /// both null, every event (administrator).
    pub owner_municipality_id: Option<Uuid>,
    pub owner_organisation_id: Option<Uuid>,
    pub active: bool,
    pub consecutive_failures: i32,
    pub failing_since: Option<DateTimeUtc>,
    pub last_success_at: Option<DateTimeUtc>,
    pub last_failure_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// The HTTP status of the last failed attempt, if an answer came.
    pub last_failure_status: Option<i32>,
    /// Since when the owner has had no valid token: nothing is sent meanwhile.
    pub suspended_since: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
