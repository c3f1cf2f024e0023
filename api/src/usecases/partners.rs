//! The partners of an area (gebiedspartners): organisations taking part in it, from and until a date, added
//! and removed by the municipality's coordinator.

use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{self, ReadScope};
use domain::area::Partnership;
use domain::{FieldErrors, Parsed, Principal};
use persistence::areas::Area;
use persistence::partners::{self as store, AreaPartner};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, parsed_with, reference, scope_at};

/// An organisation to add as partner of an area, from and until a date.
pub struct NewPartner {
    pub organisation_id: Uuid,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// A change of the partnership's dates: `None` keeps what is stored, `Some(None)` clears the date.
pub struct PartnershipChange {
    pub since: Option<Option<NaiveDate>>,
    pub until: Option<Option<NaiveDate>>,
}

/// A partnership with the organisation's name beside its id.
pub struct NamedPartner {
    pub partner: AreaPartner,
    pub organisation_name: String,
}

/// Names the partnerships' organisations, one statement for all of them.
async fn named<C: ConnectionTrait>(conn: &C, partners: Vec<AreaPartner>) -> Result<Vec<NamedPartner>> {
    let ids: Vec<Uuid> = partners.iter().map(|p| p.organisation_id).collect();
    let names = persistence::names::organisations(conn, &ids).await?;
    Ok(partners
        .into_iter()
        .map(|partner| {
            let organisation_name = names.get(&partner.organisation_id).cloned().unwrap_or_default();
            NamedPartner { partner, organisation_name }
        })
        .collect())
}

async fn named_one<C: ConnectionTrait>(conn: &C, partner: AreaPartner) -> Result<NamedPartner> {
    let mut all = named(conn, vec![partner]).await?;
    all.pop().ok_or(super::Error::NotFound)
}

/// The area and one of its partnerships, read for a change by its coordinator.
async fn manageable(tx: &Tx, p: &Principal, area_id: Uuid, organisation_id: Uuid) -> Result<(Area, AreaPartner)> {
    let scope = scope_at(p, tx.now());
    let area = persistence::areas::get(tx.conn(), scope, area_id).await?;
    let current = store::get(tx.conn(), scope, area_id, organisation_id).await?;
    access::may_manage_areas(p, area.municipality_id)?;
    Ok((area, current))
}

/// The partners of an area the principal may see at `now`: the municipality sees every partnership of its
/// areas, ended ones included; a partner those that run beside its own.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<NamedPartner>> {
    let scope = scope_at(p, now);
    persistence::areas::get(conn, scope, area_id).await?;
    let page = store::list(conn, scope, area_id, after, limit).await?;
    let items = named(conn, page.items).await?;
    Ok(Page { items, next_after: page.next_after })
}

/// Every partner of `area` the principal may see at `now`, with its organisation's name and kind, in one
/// statement. The area was read in the principal's scope (a board reads it first), so it is not read again.
pub async fn of_area<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area: &Area,
) -> Result<Vec<store::PartnerWithOrganisation>> {
    Ok(store::with_organisations(conn, scope_at(p, now), area.id).await?)
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
    organisation_id: Uuid,
) -> Result<NamedPartner> {
    named_one(conn, store::get(conn, scope_at(p, now), area_id, organisation_id).await?).await
}

/// Adds an organisation as partner of an area (the municipality's coordinator or an administrator).
pub async fn add(tx: &Tx, p: &Principal, area_id: Uuid, new: NewPartner) -> Result<NamedPartner> {
    let area = persistence::areas::get(tx.conn(), scope_at(p, tx.now()), area_id).await?;
    access::may_manage_areas(p, area.municipality_id)?;
    let mut errors = FieldErrors::new();
    // Organisations are a registry shared by municipalities: any one of them may take part.
    let found = persistence::organisations::get(tx.conn(), ReadScope::All, new.organisation_id).await;
    reference(&mut errors, "organisationId", "no such organisation", found)?;
    let partnership = parsed_with(Parsed::parse(Partnership { since: new.since, until: new.until }), errors)?;
    let added = store::add(tx, &area, new.organisation_id, partnership).await?;
    named_one(tx.conn(), added).await
}

/// Changes the dates of a partnership.
pub async fn update(
    tx: &Tx,
    p: &Principal,
    area_id: Uuid,
    organisation_id: Uuid,
    based_on: &BasedOn,
    change: PartnershipChange,
) -> Result<NamedPartner> {
    let (area, current) = manageable(tx, p, area_id, organisation_id).await?;
    let expected = based_on.check(current.revision)?;
    let partnership = Parsed::parse(Partnership {
        since: change.since.unwrap_or(current.since),
        until: change.until.unwrap_or(current.until),
    })?;
    let changed = store::update(tx, &area, &current, partnership, expected).await?;
    named_one(tx.conn(), changed).await
}

/// Removes an organisation from an area.
pub async fn remove(tx: &Tx, p: &Principal, area_id: Uuid, organisation_id: Uuid, based_on: &BasedOn) -> Result<()> {
    let (area, current) = manageable(tx, p, area_id, organisation_id).await?;
    let expected = based_on.check(current.revision)?;
    Ok(store::remove(tx, &area, &current, expected).await?)
}
