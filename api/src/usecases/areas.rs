//! Areas (gebieden) of a municipality and the localities (kernen, wijken) they cluster, managed by the
//! municipality's coordinator.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Parsed;
use domain::Principal;
use domain::access;
use domain::area::{AreaDefinition, Locality};
use persistence::areas::{self as store, Area, AreaFilter};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, reference, scope_at};

/// A new area of a municipality, as typed.
pub struct NewArea {
    pub municipality_id: Uuid,
    pub area: AreaDefinition,
}

/// A change: `None` keeps what is stored; for the validity, `Some(None)` makes it open-ended.
pub struct AreaChange {
    pub name: Option<String>,
    pub code: Option<String>,
    pub localities: Option<Vec<Locality>>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
}

/// The areas the principal may see at `now` (a partner: those where its partnership runs).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &AreaFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Area>> {
    Ok(store::list(conn, scope_at(p, now), filter, after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, now: DateTime<Utc>, id: Uuid) -> Result<Area> {
    Ok(store::get(conn, scope_at(p, now), id).await?)
}

/// Creates an area in a municipality (its coordinator or an administrator).
pub async fn create(tx: &Tx, p: &Principal, new: NewArea) -> Result<Area> {
    let area = Parsed::parse(new.area);
    let mut errors = area.as_ref().err().cloned().unwrap_or_default();
    // The municipality must be one the caller can see; otherwise it is not revealed whether it exists.
    let found = persistence::municipalities::get(tx.conn(), scope_at(p, tx.now()), new.municipality_id).await;
    let municipality = reference(&mut errors, "municipalityId", "no such municipality", found)?;
    let (Some(municipality), Ok(area)) = (municipality, area) else { return Err(errors.into()) };
    access::may_manage_areas(p, municipality.id)?;
    Ok(store::create(tx, municipality.id, area).await?)
}

/// Changes an area's name, code, localities or validity; the area as it will be stored is checked whole.
pub async fn update(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn, change: AreaChange) -> Result<Area> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_manage_areas(p, current.municipality_id)?;
    let expected = based_on.check(current.revision)?;
    let stored = current.definition();
    let changed = Parsed::parse(AreaDefinition {
        name: change.name.unwrap_or(stored.name),
        code: change.code.unwrap_or(stored.code),
        localities: change.localities.unwrap_or(stored.localities),
        valid_from: change.valid_from.unwrap_or(stored.valid_from),
        valid_until: change.valid_until.unwrap_or(stored.valid_until),
    })?;
    Ok(store::update(tx, &current, changed, expected).await?)
}

/// Deletes an area that has no partners and no editor tokens.
pub async fn delete(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_manage_areas(p, current.municipality_id)?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}
