//! An area's own deadlines: stage due dates moved away from the municipality's calendar for one area and
//! cycle year, each with the coordinator's reason.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Parsed;
use domain::deadline::Stage;
use domain::deadline_override::{DeadlineOverride, NewOverride};
use domain::event::EventType;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::areas::Area;

use crate::error::{StoreError, stored};
use crate::page::{Page, finish, keyset};
use crate::tx::{Change, InsertInto, Tx};

/// A moved deadline as stored, with who may read it (the area's municipality) and its revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredOverride {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub stage: Stage,
    pub year: i32,
    pub due_date: NaiveDate,
    pub reason: String,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredOverride {
    /// What the deadline rules need of it.
    pub fn rule(&self) -> DeadlineOverride {
        DeadlineOverride { area_id: self.area_id, stage: self.stage, year: self.year, due_date: self.due_date }
    }
}

fn from_row(row: deadline_override::Model) -> Result<StoredOverride, StoreError> {
    Ok(StoredOverride {
        id: row.id,
        municipality_id: row.municipality_id,
        area_id: row.area_id,
        stage: stored(&row.stage)?,
        year: row.year,
        due_date: row.due_date,
        reason: row.reason,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn path(area_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/areas/{area_id}/deadline-overrides/{id}")
}

/// The area's own deadlines, a page at a time in the order they were set. The caller has checked that it
/// may see the area; `stages` are the ones it may see deadlines of.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    stages: &[Stage],
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<StoredOverride>, StoreError> {
    let select = deadline_override::Entity::find()
        .filter(deadline_override::Column::AreaId.eq(area_id))
        .filter(deadline_override::Column::Stage.is_in(stages.iter().map(|s| s.as_str())));
    let rows = keyset(select, deadline_override::Column::Id, after, limit).all(conn).await?;
    let items = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(items, limit, |o| o.id))
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    stages: &[Stage],
    id: Uuid,
) -> Result<StoredOverride, StoreError> {
    let row = deadline_override::Entity::find_by_id(id)
        .filter(deadline_override::Column::AreaId.eq(area_id))
        .filter(deadline_override::Column::Stage.is_in(stages.iter().map(|s| s.as_str())))
        .one(conn)
        .await?;
    row.map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The own deadlines of these areas in the cycle years `from..=to`, for computing deadlines. One statement.
pub async fn of_areas<C: ConnectionTrait>(
    conn: &C,
    area_ids: &[Uuid],
    (from, to): (i32, i32),
) -> Result<Vec<DeadlineOverride>, StoreError> {
    if area_ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = deadline_override::Entity::find()
        .filter(deadline_override::Column::AreaId.is_in(area_ids.iter().copied()))
        .filter(deadline_override::Column::Year.between(from, to))
        .all(conn)
        .await?;
    rows.into_iter().map(|r| from_row(r).map(|o| o.rule())).collect()
}

/// Moves a stage deadline of the area; one per area, year and stage.
pub async fn create(tx: &Tx, area: &Area, new: Parsed<NewOverride>) -> Result<StoredOverride, StoreError> {
    let new = new.into_inner();
    let exists = deadline_override::Entity::find()
        .filter(deadline_override::Column::AreaId.eq(area.id))
        .filter(deadline_override::Column::Year.eq(new.year))
        .filter(deadline_override::Column::Stage.eq(new.stage.as_str()))
        .count(tx.conn())
        .await?;
    if exists > 0 {
        return Err(StoreError::Conflict(format!(
            "the {} deadline of {} already has its own date for this area; delete it first to set another",
            new.stage.as_str(),
            new.year
        )));
    }
    let o = StoredOverride {
        id: Uuid::now_v7(),
        municipality_id: area.municipality_id,
        area_id: area.id,
        stage: new.stage,
        year: new.year,
        due_date: new.due_date,
        reason: new.reason,
        revision: 1,
        created_at: tx.now(),
        updated_at: tx.now(),
    };
    deadline_override::ActiveModel {
        id: Set(o.id),
        municipality_id: Set(o.municipality_id),
        area_id: Set(o.area_id),
        stage: Set(o.stage.as_str().to_owned()),
        year: Set(o.year),
        due_date: Set(o.due_date),
        reason: Set(o.reason.clone()),
        revision: Set(o.revision),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
    .insert_into(tx.conn())
    .await?;
    tx.record(change(EventType::DeadlineOverrideCreated, &o, None, Some(&o))?).await?;
    Ok(o)
}

/// Returns the stage deadline to the municipality's calendar.
pub async fn delete(tx: &Tx, current: &StoredOverride, expected_revision: i64) -> Result<(), StoreError> {
    let result = deadline_override::Entity::delete_many()
        .filter(deadline_override::Column::Id.eq(current.id))
        .filter(deadline_override::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    tx.record(change(EventType::DeadlineOverrideDeleted, current, Some(current), None)?).await
}

fn change(
    action: EventType,
    o: &StoredOverride,
    old: Option<&StoredOverride>,
    new: Option<&StoredOverride>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, o.id, path(o.area_id, o.id), old, new)?.in_municipality(o.municipality_id).in_area(o.area_id))
}

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod deadline_override {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "deadline_overrides")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub municipality_id: Uuid,
        pub area_id: Uuid,
        pub stage: String,
        pub year: i32,
        pub due_date: Date,
        pub reason: String,
        pub revision: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
