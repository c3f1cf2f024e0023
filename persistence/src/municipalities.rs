//! Municipalities and their cycle calendars.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::access::ScopeOn;
use domain::calendar::Calendar;
use domain::event::EventType;
use domain::municipality::MunicipalityDefinition;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::entity::{api_token, area, municipality};
use crate::error::StoreError;
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Municipality {
    pub id: Uuid,
    pub name: String,
    pub cbs_code: Option<String>,
    pub calendar: Calendar,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct MunicipalityFilter {
    pub cbs_code: Option<String>,
    pub name: Option<String>,
}

pub(crate) fn from_row(row: municipality::Model) -> Result<Municipality, StoreError> {
    Ok(Municipality {
        id: row.id,
        name: row.name,
        cbs_code: row.cbs_code,
        calendar: serde_json::from_value(row.calendar)?,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn path(id: Uuid) -> String {
    format!("/api/v1/municipalities/{id}")
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &MunicipalityFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Municipality>, StoreError> {
    let mut select = municipality::Entity::find().filter(scope::municipalities(scope.into()));
    if let Some(code) = &filter.cbs_code {
        select = select.filter(municipality::Column::CbsCode.eq(code.clone()));
    }
    if let Some(name) = &filter.name {
        select = select.filter(municipality::Column::Name.eq(name.clone()));
    }
    let rows = keyset(select, municipality::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |m| m.id))
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<Municipality, StoreError> {
    let row = municipality::Entity::find_by_id(id)
        .filter(scope::municipalities(scope.into()))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(row)
}

/// The calendars of these municipalities, for computing deadlines over many areas. One statement.
pub async fn calendars<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<(Uuid, Calendar)>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(Uuid, serde_json::Value)> = municipality::Entity::find()
        .select_only()
        .columns([municipality::Column::Id, municipality::Column::Calendar])
        .filter(municipality::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter().map(|(id, calendar)| Ok((id, serde_json::from_value(calendar)?))).collect()
}

/// The ids of all municipalities, for the deadline sweeper.
pub async fn ids<C: ConnectionTrait>(conn: &C) -> Result<Vec<Uuid>, StoreError> {
    Ok(municipality::Entity::find().select_only().column(municipality::Column::Id).into_tuple().all(conn).await?)
}

async fn check_cbs_code_free<C: ConnectionTrait>(
    conn: &C,
    code: &Option<String>,
    except: Option<Uuid>,
) -> Result<(), StoreError> {
    let Some(code) = code else { return Ok(()) };
    let mut select = municipality::Entity::find().filter(municipality::Column::CbsCode.eq(code.clone()));
    if let Some(id) = except {
        select = select.filter(municipality::Column::Id.ne(id));
    }
    if select.count(conn).await? > 0 {
        return Err(StoreError::Conflict(format!("a municipality with CBS code {code} already exists")));
    }
    Ok(())
}

pub async fn create(tx: &Tx, new: Parsed<MunicipalityDefinition>) -> Result<Municipality, StoreError> {
    check_cbs_code_free(tx.conn(), &new.cbs_code, None).await?;
    let new = new.into_inner();
    let m = Municipality {
        id: Uuid::now_v7(),
        name: new.name,
        cbs_code: new.cbs_code,
        calendar: new.calendar,
        revision: 1,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    municipality::ActiveModel {
        id: Set(m.id),
        name: Set(m.name.clone()),
        cbs_code: Set(m.cbs_code.clone()),
        calendar: Set(serde_json::to_value(&m.calendar)?),
        revision: Set(m.revision),
        created_at: Set(m.created_at),
        updated_at: Set(m.updated_at),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(EventType::MunicipalityCreated, &m, None, Some(&m))?).await?;
    Ok(m)
}

/// Stores `changed` in place of `current`, provided nobody changed it since the client read revision
/// `expected_revision`.
pub async fn update(
    tx: &Tx,
    current: &Municipality,
    definition: Parsed<MunicipalityDefinition>,
    expected_revision: i64,
) -> Result<Municipality, StoreError> {
    check_cbs_code_free(tx.conn(), &definition.cbs_code, Some(current.id)).await?;
    let MunicipalityDefinition { name, cbs_code, calendar } = definition.into_inner();
    let changed = Municipality {
        name,
        cbs_code,
        calendar,
        revision: current.revision + 1,
        updated_at: tx.now(),
        ..current.clone()
    };
    let result = municipality::Entity::update_many()
        .set(municipality::ActiveModel {
            name: Set(changed.name.clone()),
            cbs_code: Set(changed.cbs_code.clone()),
            calendar: Set(serde_json::to_value(&changed.calendar)?),
            revision: Set(changed.revision),
            updated_at: Set(changed.updated_at),
            ..Default::default()
        })
        .filter(municipality::Column::Id.eq(current.id))
        .filter(municipality::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::MunicipalityUpdated, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

/// Deletes a municipality that nothing refers to any more.
pub async fn delete(tx: &Tx, current: &Municipality, expected_revision: i64) -> Result<(), StoreError> {
    let areas =
        area::Entity::find().filter(area::Column::MunicipalityId.eq(current.id)).limit(1).count(tx.conn()).await?;
    if areas > 0 {
        return Err(StoreError::Conflict("the municipality still has areas; delete them first".into()));
    }
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::MunicipalityId.eq(current.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if tokens > 0 {
        return Err(StoreError::Conflict("API tokens are still scoped to this municipality".into()));
    }
    let result = municipality::Entity::delete_many()
        .filter(municipality::Column::Id.eq(current.id))
        .filter(municipality::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::MunicipalityDeleted, current, Some(current), None)?).await
}

fn change(
    action: EventType,
    m: &Municipality,
    old: Option<&Municipality>,
    new: Option<&Municipality>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, m.id, path(m.id), old, new)?.in_municipality(m.id))
}
