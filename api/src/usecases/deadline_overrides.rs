//! An area's own deadlines (eigen termijnen): the coordinator of the area's municipality (or an
//! administrator) moves one stage's due date for one area and cycle year, with a reason, and deletes it to
//! return to the municipality's calendar. Whoever may see the area reads them, a partner not the analysis's.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Principal;
use domain::access::{self, ReadScope};
use domain::deadline::{Stage, visible_stages};
use domain::deadline_override::NewOverride;
use persistence::deadline_overrides::{self as store, StoredOverride};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Error, Result, scope_at};

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<StoredOverride>> {
    persistence::areas::get(conn, scope_at(p, now), area_id).await?;
    Ok(store::list(conn, area_id, visible_stages(ReadScope::of(p)), after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
    id: Uuid,
) -> Result<StoredOverride> {
    persistence::areas::get(conn, scope_at(p, now), area_id).await?;
    Ok(store::get(conn, area_id, visible_stages(ReadScope::of(p)), id).await?)
}

/// A stage deadline to move, as asked; checked by [`create`] once the principal may.
pub struct MoveDeadline {
    pub stage: Stage,
    pub year: i32,
    pub due_date: NaiveDate,
    pub reason: String,
}

/// Moves a stage deadline of the area. A stage with nothing due that year by the calendar (an agenda outside
/// the first year of its period) cannot be given a date: there is no deadline to move.
pub async fn create(tx: &Tx, p: &Principal, area_id: Uuid, command: MoveDeadline) -> Result<StoredOverride> {
    let area = persistence::areas::get(tx.conn(), scope_at(p, tx.now()), area_id).await?;
    access::may_manage_areas(p, area.municipality_id)?;
    let new = NewOverride::parse(command.stage, command.year, command.due_date, &command.reason)?;
    let calendars = persistence::municipalities::calendars(tx.conn(), &[area.municipality_id]).await?;
    let calendar = calendars.into_iter().map(|(_, c)| c).next().ok_or(Error::NotFound)?;
    let kind = new.stage.document_kind().ok_or_else(|| Error::invalid("stage", "not_a_document_stage", "no stage"))?;
    if calendar.due_date(kind, new.year).is_none() {
        return Err(Error::Conflict(format!(
            "nothing is due for the {} in {}: by the municipality's calendar that year does not start an agenda period",
            new.stage.as_str(),
            new.year
        )));
    }
    if !domain::deadline::area_exists_in(new.year, area.valid_from, area.valid_until) {
        return Err(Error::Conflict(format!("the area does not exist in {}, so it has no deadlines then", new.year)));
    }
    Ok(store::create(tx, &area, new).await?)
}

/// Returns the stage deadline to the municipality's calendar.
pub async fn delete(tx: &Tx, p: &Principal, area_id: Uuid, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let scope = scope_at(p, tx.now());
    let area = persistence::areas::get(tx.conn(), scope, area_id).await?;
    let current = store::get(tx.conn(), area_id, visible_stages(ReadScope::of(p)), id).await?;
    access::may_manage_areas(p, area.municipality_id)?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}
