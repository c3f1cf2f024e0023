//! Areas (gebieden) with their localities.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Parsed;
use domain::access::ScopeOn;
use domain::area::{AreaDefinition, Locality};
use domain::calendar::Calendar;
use domain::event::EventType;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use crate::entity::{area, area_partner, municipality};
use crate::error::StoreError;
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Area {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub code: String,
    pub localities: Vec<Locality>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AreaFilter {
    pub municipality_id: Option<Uuid>,
    pub code: Option<String>,
    /// Areas whose validity includes this date (open ends count as unbounded).
    pub valid_on: Option<NaiveDate>,
}

pub(crate) fn from_row(row: area::Model) -> Result<Area, StoreError> {
    Ok(Area {
        id: row.id,
        municipality_id: row.municipality_id,
        name: row.name,
        code: row.code,
        localities: serde_json::from_value(row.localities)?,
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn path(id: Uuid) -> String {
    format!("/api/v1/areas/{id}")
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &AreaFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Area>, StoreError> {
    let mut select = area::Entity::find().filter(scope::areas(scope.into()));
    if let Some(m) = filter.municipality_id {
        select = select.filter(area::Column::MunicipalityId.eq(m));
    }
    if let Some(code) = &filter.code {
        select = select.filter(area::Column::Code.eq(code.clone()));
    }
    if let Some(day) = filter.valid_on {
        select = select
            .filter(Condition::any().add(area::Column::ValidFrom.is_null()).add(area::Column::ValidFrom.lte(day)))
            .filter(Condition::any().add(area::Column::ValidUntil.is_null()).add(area::Column::ValidUntil.gte(day)));
    }
    let rows = keyset(select, area::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |a| a.id))
}

pub async fn get<C: ConnectionTrait>(conn: &C, scope: impl Into<ScopeOn>, id: Uuid) -> Result<Area, StoreError> {
    let row =
        area::Entity::find_by_id(id).filter(scope::areas(scope.into())).one(conn).await?.ok_or(StoreError::NotFound)?;
    from_row(row)
}

/// An area as the scope may read it, with its municipality's calendar (none if it could not be read), in one
/// statement: what a board needs before its documents.
pub async fn get_with_calendar<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<(Area, Option<Calendar>), StoreError> {
    let calendar = Query::select()
        .column((municipality::Entity, municipality::Column::Calendar))
        .from(municipality::Entity)
        .and_where(
            Expr::col((municipality::Entity, municipality::Column::Id))
                .equals((area::Entity, area::Column::MunicipalityId)),
        )
        .to_owned();
    let row = area::Entity::find_by_id(id)
        .filter(scope::areas(scope.into()))
        .column_as(Expr::SubQuery(None, Box::new(calendar.into())), "calendar")
        .into_model::<WithCalendar>()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let calendar = row.calendar.map(serde_json::from_value).transpose()?;
    Ok((from_row(row.area)?, calendar))
}

struct WithCalendar {
    area: area::Model,
    calendar: Option<serde_json::Value>,
}

impl FromQueryResult for WithCalendar {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(WithCalendar { area: area::Model::from_query_result(row, pre)?, calendar: row.try_get(pre, "calendar")? })
    }
}

/// Every area in scope, of one municipality or one area if asked, in code order: for overviews that cover
/// all areas at once (deadlines, the dashboard, the sweeper). One statement.
pub async fn all<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    municipality_id: Option<Uuid>,
    area_id: Option<Uuid>,
) -> Result<Vec<Area>, StoreError> {
    let mut select = area::Entity::find().filter(scope::areas(scope.into()));
    if let Some(m) = municipality_id {
        select = select.filter(area::Column::MunicipalityId.eq(m));
    }
    if let Some(a) = area_id {
        select = select.filter(area::Column::Id.eq(a));
    }
    let rows = select.order_by_asc(area::Column::Code).order_by_asc(area::Column::Id).all(conn).await?;
    rows.into_iter().map(from_row).collect()
}

/// The areas among `ids` that belong to `municipality_id`, to check the areas of an area editor's token.
pub async fn ids_in_municipality<C: ConnectionTrait>(
    conn: &C,
    municipality_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let found: Vec<Uuid> = area::Entity::find()
        .select_only()
        .column(area::Column::Id)
        .filter(area::Column::MunicipalityId.eq(municipality_id))
        .filter(area::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(found)
}

async fn check_code_free<C: ConnectionTrait>(
    conn: &C,
    municipality_id: Uuid,
    code: &str,
    except: Option<Uuid>,
) -> Result<(), StoreError> {
    let mut select = area::Entity::find()
        .filter(area::Column::MunicipalityId.eq(municipality_id))
        .filter(area::Column::Code.eq(code));
    if let Some(id) = except {
        select = select.filter(area::Column::Id.ne(id));
    }
    if select.count(conn).await? > 0 {
        return Err(StoreError::Conflict(format!("the municipality already has an area with code {code}")));
    }
    Ok(())
}

impl Area {
    /// What the area is, apart from its identity and bookkeeping.
    pub fn definition(&self) -> AreaDefinition {
        AreaDefinition {
            name: self.name.clone(),
            code: self.code.clone(),
            localities: self.localities.clone(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        }
    }
}

pub async fn create(tx: &Tx, municipality_id: Uuid, new: Parsed<AreaDefinition>) -> Result<Area, StoreError> {
    check_code_free(tx.conn(), municipality_id, &new.code, None).await?;
    let new = new.into_inner();
    let a = Area {
        id: Uuid::now_v7(),
        municipality_id,
        name: new.name,
        code: new.code,
        localities: new.localities,
        valid_from: new.valid_from,
        valid_until: new.valid_until,
        revision: 1,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    area::ActiveModel {
        id: Set(a.id),
        municipality_id: Set(a.municipality_id),
        name: Set(a.name.clone()),
        code: Set(a.code.clone()),
        localities: Set(serde_json::to_value(&a.localities)?),
        valid_from: Set(a.valid_from),
        valid_until: Set(a.valid_until),
        revision: Set(a.revision),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(EventType::AreaCreated, &a, None, Some(&a))?).await?;
    Ok(a)
}

pub async fn update(
    tx: &Tx,
    current: &Area,
    definition: Parsed<AreaDefinition>,
    expected_revision: i64,
) -> Result<Area, StoreError> {
    check_code_free(tx.conn(), current.municipality_id, &definition.code, Some(current.id)).await?;
    let AreaDefinition { name, code, localities, valid_from, valid_until } = definition.into_inner();
    let changed = Area {
        name,
        code,
        localities,
        valid_from,
        valid_until,
        revision: current.revision + 1,
        updated_at: tx.now(),
        ..current.clone()
    };
    let result = area::Entity::update_many()
        .set(area::ActiveModel {
            name: Set(changed.name.clone()),
            code: Set(changed.code.clone()),
            localities: Set(serde_json::to_value(&changed.localities)?),
            valid_from: Set(changed.valid_from),
            valid_until: Set(changed.valid_until),
            revision: Set(changed.revision),
            updated_at: Set(changed.updated_at),
            ..Default::default()
        })
        .filter(area::Column::Id.eq(current.id))
        .filter(area::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::AreaUpdated, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

pub async fn delete(tx: &Tx, current: &Area, expected_revision: i64) -> Result<(), StoreError> {
    let partners = area_partner::Entity::find()
        .filter(area_partner::Column::AreaId.eq(current.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if partners > 0 {
        return Err(StoreError::Conflict("the area still has partners; remove them first".into()));
    }
    let documents = crate::entity::document::Entity::find()
        .filter(crate::entity::document::Column::AreaId.eq(current.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if documents > 0 {
        return Err(StoreError::Conflict("the area has cycle documents, which are kept as a record".into()));
    }
    // Tokens of area editors keep area ids in a JSON list: such a token would silently lose an area.
    let needle = format!("%{}%", current.id);
    let tokens = crate::entity::api_token::Entity::find()
        .filter(crate::entity::api_token::Column::RevokedAt.is_null())
        .filter(Func::cast_as(Expr::col(crate::entity::api_token::Column::AreaIds), "TEXT").like(needle))
        .limit(1)
        .count(tx.conn())
        .await?;
    if tokens > 0 {
        return Err(StoreError::Conflict("an area editor's token still lists this area; revoke it first".into()));
    }
    let result = area::Entity::delete_many()
        .filter(area::Column::Id.eq(current.id))
        .filter(area::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::AreaDeleted, current, Some(current), None)?).await
}

fn change(action: EventType, a: &Area, old: Option<&Area>, new: Option<&Area>) -> Result<Change, StoreError> {
    Ok(Change::of(action, a.id, path(a.id), old, new)?.in_municipality(a.municipality_id).in_area(a.id))
}
