//! Area partners: which organisations take part in which areas, and since when.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Parsed;
use domain::access::ScopeOn;
use domain::area::Partnership;
use domain::event::EventType;
use domain::organisation::OrganisationKind;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::areas::Area;
use crate::entity::{area_partner, organisation};
use crate::error::{StoreError, stored};
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaPartner {
    pub id: Uuid,
    pub area_id: Uuid,
    pub organisation_id: Uuid,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn from_row(row: area_partner::Model) -> AreaPartner {
    AreaPartner {
        id: row.id,
        area_id: row.area_id,
        organisation_id: row.organisation_id,
        since: row.since,
        until: row.until,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn path(area_id: Uuid, organisation_id: Uuid) -> String {
    format!("/api/v1/areas/{area_id}/partners/{organisation_id}")
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<AreaPartner>, StoreError> {
    let select = area_partner::Entity::find()
        .filter(scope::area_partners(scope.into()))
        .filter(area_partner::Column::AreaId.eq(area_id));
    let rows = keyset(select, area_partner::Column::Id, after, limit).all(conn).await?;
    Ok(finish(rows.into_iter().map(from_row).collect(), limit, |p| p.id))
}

/// A partnership with its organisation's name and kind, as a list of an area's partners shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerWithOrganisation {
    pub partner: AreaPartner,
    pub organisation_name: String,
    pub organisation_kind: Option<OrganisationKind>,
}

/// Every partnership of the area the scope may see, with its organisation's name and kind, in one statement
/// (a join), in the order of [`list`].
pub async fn with_organisations<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_id: Uuid,
) -> Result<Vec<PartnerWithOrganisation>, StoreError> {
    let by = area_partner::Entity::belongs_to(organisation::Entity)
        .from(area_partner::Column::OrganisationId)
        .to(organisation::Column::Id)
        .into();
    let rows = area_partner::Entity::find()
        .filter(scope::area_partners(scope.into()))
        .filter(area_partner::Column::AreaId.eq(area_id))
        .column_as(organisation::Column::Name, "organisation_name")
        .column_as(organisation::Column::Kind, "organisation_kind")
        .join(JoinType::LeftJoin, by)
        .order_by_asc(area_partner::Column::Id)
        .into_model::<PartnerRow>()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(PartnerWithOrganisation {
                partner: from_row(r.partner),
                organisation_name: r.organisation_name.unwrap_or_default(),
                organisation_kind: r.organisation_kind.as_deref().map(stored).transpose()?,
            })
        })
        .collect()
}

struct PartnerRow {
    partner: area_partner::Model,
    organisation_name: Option<String>,
    organisation_kind: Option<String>,
}

impl FromQueryResult for PartnerRow {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(PartnerRow {
            partner: area_partner::Model::from_query_result(row, pre)?,
            organisation_name: row.try_get(pre, "organisation_name")?,
            organisation_kind: row.try_get(pre, "organisation_kind")?,
        })
    }
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_id: Uuid,
    organisation_id: Uuid,
) -> Result<AreaPartner, StoreError> {
    area_partner::Entity::find()
        .filter(scope::area_partners(scope.into()))
        .filter(area_partner::Column::AreaId.eq(area_id))
        .filter(area_partner::Column::OrganisationId.eq(organisation_id))
        .one(conn)
        .await?
        .map(from_row)
        .ok_or(StoreError::NotFound)
}

/// Whether an organisation takes part in an area on `day`: its partnership there has started and not ended.
pub async fn takes_part<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    organisation_id: Uuid,
    day: NaiveDate,
) -> Result<bool, StoreError> {
    let n = area_partner::Entity::find()
        .filter(area_partner::Column::AreaId.eq(area_id))
        .filter(area_partner::Column::OrganisationId.eq(organisation_id))
        .filter(scope::running_partnerships(Some(day)))
        .count(conn)
        .await?;
    Ok(n > 0)
}

/// Which of `organisation_ids` take part in an area at some time from `first` to `last` (a plan's year): a
/// partnership that starts or ends within the span counts.
pub async fn taking_part_during<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    organisation_ids: &[Uuid],
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Uuid>, StoreError> {
    use area_partner::Column;
    if organisation_ids.is_empty() {
        return Ok(vec![]);
    }
    let overlaps = sea_orm::Condition::all()
        .add(sea_orm::Condition::any().add(Column::Since.is_null()).add(Column::Since.lte(last)))
        .add(sea_orm::Condition::any().add(Column::Until.is_null()).add(Column::Until.gte(first)));
    Ok(area_partner::Entity::find()
        .select_only()
        .column(Column::OrganisationId)
        .filter(Column::AreaId.eq(area_id))
        .filter(Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .filter(overlaps)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Whether an organisation takes part in any area of a municipality.
pub async fn organisation_in_municipality<C: ConnectionTrait>(
    conn: &C,
    organisation_id: Uuid,
    municipality_id: Uuid,
) -> Result<bool, StoreError> {
    let n = area_partner::Entity::find()
        .filter(area_partner::Column::OrganisationId.eq(organisation_id))
        .filter(area_partner::Column::AreaId.in_subquery(scope::areas_of_municipality(municipality_id)))
        .count(conn)
        .await?;
    Ok(n > 0)
}

pub async fn add(
    tx: &Tx,
    area: &Area,
    organisation_id: Uuid,
    partnership: Parsed<Partnership>,
) -> Result<AreaPartner, StoreError> {
    let Partnership { since, until } = *partnership;
    let exists = area_partner::Entity::find()
        .filter(area_partner::Column::AreaId.eq(area.id))
        .filter(area_partner::Column::OrganisationId.eq(organisation_id))
        .count(tx.conn())
        .await?;
    if exists > 0 {
        return Err(StoreError::Conflict("the organisation already takes part in this area".into()));
    }
    let p = AreaPartner {
        id: Uuid::now_v7(),
        area_id: area.id,
        organisation_id,
        since,
        until,
        revision: 1,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    area_partner::ActiveModel {
        id: Set(p.id),
        area_id: Set(p.area_id),
        organisation_id: Set(p.organisation_id),
        since: Set(p.since),
        until: Set(p.until),
        revision: Set(p.revision),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(EventType::AreaPartnerAdded, area, &p, None, Some(&p))?).await?;
    Ok(p)
}

pub async fn update(
    tx: &Tx,
    area: &Area,
    current: &AreaPartner,
    partnership: Parsed<Partnership>,
    expected_revision: i64,
) -> Result<AreaPartner, StoreError> {
    let Partnership { since, until } = *partnership;
    let changed = AreaPartner { since, until, revision: current.revision + 1, updated_at: tx.now(), ..current.clone() };
    let result = area_partner::Entity::update_many()
        .set(area_partner::ActiveModel {
            since: Set(changed.since),
            until: Set(changed.until),
            revision: Set(changed.revision),
            updated_at: Set(changed.updated_at),
            ..Default::default()
        })
        .filter(area_partner::Column::Id.eq(current.id))
        .filter(area_partner::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::AreaPartnerUpdated, area, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

pub async fn remove(tx: &Tx, area: &Area, current: &AreaPartner, expected_revision: i64) -> Result<(), StoreError> {
    let result = area_partner::Entity::delete_many()
        .filter(area_partner::Column::Id.eq(current.id))
        .filter(area_partner::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::AreaPartnerRemoved, area, current, Some(current), None)?).await
}

fn change(
    action: EventType,
    area: &Area,
    p: &AreaPartner,
    old: Option<&AreaPartner>,
    new: Option<&AreaPartner>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, p.id, path(p.area_id, p.organisation_id), old, new)?
        .in_municipality(area.municipality_id)
        .in_area(area.id)
        .of_organisation(p.organisation_id))
}
