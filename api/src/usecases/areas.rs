//! Areas (gebieden) of a municipality and the localities (kernen, wijken) they cluster, managed by the
//! municipality's coordinator.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Principal;
use domain::access;
use domain::area::{Locality, check_area};
use persistence::areas::{self as store, Area, AreaFilter};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, reference, scope_at};

/// A new area of a municipality, as typed; the command is the stored shape, checked and trimmed here.
pub use persistence::areas::NewArea;

/// A change: `None` keeps what is stored; for the validity, `Some(None)` makes it open-ended.
pub struct AreaChange {
    pub name: Option<String>,
    pub code: Option<String>,
    pub localities: Option<Vec<Locality>>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
}

/// Names as people type them: the surrounding white space is not part of the name.
fn trimmed(localities: Vec<Locality>) -> Vec<Locality> {
    localities.into_iter().map(|l| Locality { name: l.name.trim().to_owned(), ..l }).collect()
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
    let localities = trimmed(new.localities);
    let mut errors = check_area(&new.name, &new.code, &localities, new.valid_from, new.valid_until);
    // The municipality must be one the caller can see; otherwise it is not revealed whether it exists.
    let found = persistence::municipalities::get(tx.conn(), scope_at(p, tx.now()), new.municipality_id).await;
    let municipality = reference(&mut errors, "municipalityId", "no such municipality", found)?;
    let Some(municipality) = municipality.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    access::may_manage_areas(p, municipality.id)?;
    let new = NewArea { name: new.name.trim().to_owned(), localities, ..new };
    Ok(store::create(tx, new).await?)
}

/// Changes an area's name, code, localities or validity; the area as it will be stored is checked whole.
pub async fn update(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn, change: AreaChange) -> Result<Area> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_manage_areas(p, current.municipality_id)?;
    let expected = based_on.check(current.revision)?;
    let changed = Area {
        name: change.name.as_deref().map(str::trim).map(str::to_owned).unwrap_or(current.name.clone()),
        code: change.code.unwrap_or(current.code.clone()),
        localities: change.localities.map(trimmed).unwrap_or(current.localities.clone()),
        valid_from: change.valid_from.unwrap_or(current.valid_from),
        valid_until: change.valid_until.unwrap_or(current.valid_until),
        ..current.clone()
    };
    check_area(&changed.name, &changed.code, &changed.localities, changed.valid_from, changed.valid_until)
        .into_result(())?;
    Ok(store::update(tx, &current, changed, expected).await?)
}

/// Deletes an area that has no partners and no editor tokens.
pub async fn delete(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_manage_areas(p, current.municipality_id)?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}
