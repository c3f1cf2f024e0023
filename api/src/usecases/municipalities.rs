//! Municipalities (gemeenten) and their cycle calendars: registered and deleted by administrators, changed by
//! their coordinator.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::Principal;
use domain::access;
use domain::calendar::{Calendar, CalendarInput};
use domain::municipality::MunicipalityDefinition;
use persistence::municipalities::{self as store, Municipality, MunicipalityFilter};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, parsed_with, scope_at};
use domain::FieldErrors;

/// A municipality to register; calendar fields left out take the default.
pub struct NewMunicipality {
    pub name: String,
    pub cbs_code: Option<String>,
    pub calendar: CalendarInput,
}

/// A change: `None` keeps what is stored; `cbs_code: Some(None)` removes the code; calendar fields left out
/// keep their value.
pub struct MunicipalityChange {
    pub name: Option<String>,
    pub cbs_code: Option<Option<String>>,
    pub calendar: Option<CalendarInput>,
}

/// The municipalities the principal may see at `now` (a partner: those where one of its partnerships runs).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &MunicipalityFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Municipality>> {
    Ok(store::list(conn, scope_at(p, now), filter, after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, now: DateTime<Utc>, id: Uuid) -> Result<Municipality> {
    Ok(store::get(conn, scope_at(p, now), id).await?)
}

/// Registers a municipality (administrators). The name, the CBS code and the calendar are checked together.
pub async fn create(tx: &Tx, p: &Principal, new: NewMunicipality) -> Result<Municipality> {
    access::may_create_or_delete_municipality(p)?;
    let mut errors = FieldErrors::new();
    let calendar = Calendar::apply(&Calendar::default(), &new.calendar).unwrap_or_else(|e| {
        errors.extend_nested("calendar", e);
        Calendar::default()
    });
    let municipality = Parsed::parse(MunicipalityDefinition { name: new.name, cbs_code: new.cbs_code, calendar });
    Ok(store::create(tx, parsed_with(municipality, errors)?).await?)
}

/// Changes a municipality's name, CBS code or calendar (its coordinator or an administrator); every problem
/// with the change is reported at once.
pub async fn update(
    tx: &Tx,
    p: &Principal,
    id: Uuid,
    based_on: &BasedOn,
    change: MunicipalityChange,
) -> Result<Municipality> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_manage_municipality(p, current.id)?;
    let expected = based_on.check(current.revision)?;
    let mut errors = FieldErrors::new();
    let calendar = match &change.calendar {
        None => current.calendar.clone(),
        Some(input) => Calendar::apply(&current.calendar, input).unwrap_or_else(|e| {
            errors.extend_nested("calendar", e);
            current.calendar.clone()
        }),
    };
    let changed = Parsed::parse(MunicipalityDefinition {
        name: change.name.unwrap_or(current.name.clone()),
        cbs_code: change.cbs_code.unwrap_or(current.cbs_code.clone()),
        calendar,
    });
    Ok(store::update(tx, &current, parsed_with(changed, errors)?, expected).await?)
}

/// Deletes a municipality without areas or tokens (administrators).
pub async fn delete(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_create_or_delete_municipality(p)?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}
