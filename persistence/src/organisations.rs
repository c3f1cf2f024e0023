//! Partner organisations: a registry shared by the municipalities they work for.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::access::ScopeOn;
use domain::event::EventType;

use domain::organisation::{GroupType, OrganisationKind, OrganisationProfile};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::entity::{api_token, area_partner, organisation};
use crate::error::{StoreError, stored};
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    pub group_type: Option<GroupType>,
    pub has_cooperation_agreement: Option<bool>,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organisation {
    pub fn profile(&self) -> OrganisationProfile {
        OrganisationProfile {
            name: self.name.clone(),
            kind: self.kind,
            group_type: self.group_type,
            has_cooperation_agreement: self.has_cooperation_agreement,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub kind: Option<OrganisationKind>,
    /// Organisations taking part in at least one area of this municipality.
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
}

/// Enum values are stored as their API spelling, so the database reads the same as the API.
fn from_row(row: organisation::Model) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: row.id,
        name: row.name,
        kind: stored(&row.kind)?,
        group_type: row.group_type.as_deref().map(stored).transpose()?,
        has_cooperation_agreement: row.has_cooperation_agreement,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn path(id: Uuid) -> String {
    format!("/api/v1/organisations/{id}")
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &OrganisationFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Organisation>, StoreError> {
    let scope = scope.into();
    let mut select = organisation::Entity::find().filter(scope::organisations(scope));
    if let Some(kind) = &filter.kind {
        select = select.filter(organisation::Column::Kind.eq(kind.as_str()));
    }
    // The filters ask who takes part where, which is the caller's to know only for the partnerships it may
    // read: a filter naming another municipality's area answers as if that area did not exist.
    if let Some(m) = filter.municipality_id {
        let areas = Expr::col(area_partner::Column::AreaId).in_subquery(scope::areas_of_municipality(m));
        select = select.filter(organisation::Column::Id.in_subquery(partnerships(scope, areas)));
    }
    if let Some(a) = filter.area_id {
        let area = Expr::col(area_partner::Column::AreaId).eq(a);
        select = select.filter(organisation::Column::Id.in_subquery(partnerships(scope, area)));
    }
    let rows = keyset(select, organisation::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |o| o.id))
}

/// `SELECT organisation_id FROM area_partners WHERE …`: the organisations of the partnerships matching
/// `condition` that `scope` may read.
fn partnerships(scope: ScopeOn, condition: impl IntoCondition) -> SelectStatement {
    Query::select()
        .column(area_partner::Column::OrganisationId)
        .from(area_partner::Entity)
        .cond_where(Condition::all().add(scope::area_partners(scope)).add(condition))
        .to_owned()
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<Organisation, StoreError> {
    let row = organisation::Entity::find_by_id(id)
        .filter(scope::organisations(scope.into()))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(row)
}

/// The names of those of `ids` the scope may read, in one statement; an id it may not read is left out.
pub async fn names<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(Uuid, String)> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Name])
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .filter(scope::organisations(scope.into()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Which of `ids` are organisations in the registry, whoever may read them: a reference from a document's
/// content is checked against the registry, not against the writer's view of it.
pub async fn existing<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

pub async fn create(tx: &Tx, profile: Parsed<OrganisationProfile>) -> Result<Organisation, StoreError> {
    let profile = profile.into_inner();
    let o = Organisation {
        id: Uuid::now_v7(),
        name: profile.name,
        kind: profile.kind,
        group_type: profile.group_type,
        has_cooperation_agreement: profile.has_cooperation_agreement,
        revision: 1,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    organisation::ActiveModel {
        id: Set(o.id),
        name: Set(o.name.clone()),
        kind: Set(o.kind.as_str().to_owned()),
        group_type: Set(o.group_type.map(|g| g.as_str().to_owned())),
        has_cooperation_agreement: Set(o.has_cooperation_agreement),
        revision: Set(o.revision),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(EventType::OrganisationCreated, &o, None, Some(&o))?).await?;
    Ok(o)
}

pub async fn update(
    tx: &Tx,
    current: &Organisation,
    profile: Parsed<OrganisationProfile>,
    expected_revision: i64,
) -> Result<Organisation, StoreError> {
    let profile = profile.into_inner();
    let changed = Organisation {
        name: profile.name,
        kind: profile.kind,
        group_type: profile.group_type,
        has_cooperation_agreement: profile.has_cooperation_agreement,
        revision: current.revision + 1,
        updated_at: tx.now(),
        ..current.clone()
    };
    let result = organisation::Entity::update_many()
        .set(organisation::ActiveModel {
            name: Set(changed.name.clone()),
            kind: Set(changed.kind.as_str().to_owned()),
            group_type: Set(changed.group_type.map(|g| g.as_str().to_owned())),
            has_cooperation_agreement: Set(changed.has_cooperation_agreement),
            revision: Set(changed.revision),
            updated_at: Set(changed.updated_at),
            ..Default::default()
        })
        .filter(organisation::Column::Id.eq(current.id))
        .filter(organisation::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::OrganisationUpdated, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

pub async fn delete(tx: &Tx, current: &Organisation, expected_revision: i64) -> Result<(), StoreError> {
    let partnerships = area_partner::Entity::find()
        .filter(area_partner::Column::OrganisationId.eq(current.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if partnerships > 0 {
        return Err(StoreError::Conflict("the organisation still takes part in areas; remove it there first".into()));
    }
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::OrganisationId.eq(current.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if tokens > 0 {
        return Err(StoreError::Conflict("partner tokens are still scoped to this organisation".into()));
    }
    if crate::contributions::any_of_organisation(tx.conn(), current.id).await? {
        return Err(StoreError::Conflict(
            "the organisation has contributions to area agendas, which stay on record".into(),
        ));
    }
    let result = organisation::Entity::delete_many()
        .filter(organisation::Column::Id.eq(current.id))
        .filter(organisation::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::OrganisationDeleted, current, Some(current), None)?).await
}

fn change(
    action: EventType,
    o: &Organisation,
    old: Option<&Organisation>,
    new: Option<&Organisation>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, o.id, path(o.id), old, new)?.of_organisation(o.id))
}
