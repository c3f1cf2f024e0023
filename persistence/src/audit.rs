//! Reading the audit trail. It is written only by [`crate::Tx::record`] and never changed.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::entity::audit_event;
use crate::error::StoreError;
use crate::page::{Page, finish, keyset};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_token_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub municipality_id: Option<Uuid>,
    pub old: Value,
    pub new: Value,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub action: Option<String>,
    pub actor_token_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

fn from_row(row: audit_event::Model) -> AuditEvent {
    let mut changes = row.changes;
    AuditEvent {
        id: row.id,
        at: row.at,
        actor_token_id: row.actor_token_id,
        actor_name: row.actor_name,
        action: row.action,
        resource_type: row.resource_type,
        resource_id: row.resource_id,
        municipality_id: row.municipality_id,
        old: changes.get_mut("old").map(Value::take).unwrap_or(Value::Null),
        new: changes.get_mut("new").map(Value::take).unwrap_or(Value::Null),
        request_id: row.request_id,
    }
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    filter: &AuditFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<AuditEvent>, StoreError> {
    let scope = match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(audit_event::Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(_) => Condition::all().add(audit_event::Column::Id.is_null()),
    };
    let mut select = audit_event::Entity::find().filter(scope);
    if let Some(t) = &filter.resource_type {
        select = select.filter(audit_event::Column::ResourceType.eq(t.clone()));
    }
    if let Some(id) = filter.resource_id {
        select = select.filter(audit_event::Column::ResourceId.eq(id));
    }
    if let Some(a) = &filter.action {
        select = select.filter(audit_event::Column::Action.eq(a.clone()));
    }
    if let Some(t) = filter.actor_token_id {
        select = select.filter(audit_event::Column::ActorTokenId.eq(t));
    }
    if let Some(m) = filter.municipality_id {
        select = select.filter(audit_event::Column::MunicipalityId.eq(m));
    }
    if let Some(since) = filter.since {
        select = select.filter(audit_event::Column::At.gte(since));
    }
    if let Some(until) = filter.until {
        select = select.filter(audit_event::Column::At.lt(until));
    }
    let rows = keyset(select, audit_event::Column::Id, after, limit).all(conn).await?;
    Ok(finish(rows.into_iter().map(from_row).collect(), limit, |e| e.id))
}

/// How many audit and domain events exist, for tests and the crash check that every change left its trail.
pub async fn counts<C: ConnectionTrait>(conn: &C) -> Result<(u64, u64), StoreError> {
    use sea_orm::PaginatorTrait;
    let audit = audit_event::Entity::find().count(conn).await?;
    let events = crate::entity::domain_event::Entity::find().count(conn).await?;
    Ok((audit, events))
}
