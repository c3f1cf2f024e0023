//! Partner organisations (samenwerkingspartners): a registry shared by the municipalities they work for, so
//! coordinators add to it and only administrators change or remove entries.

use chrono::{DateTime, Utc};
use domain::Principal;
use domain::access;
use domain::organisation::{GroupType, OrganisationKind, OrganisationProfile};
use persistence::organisations::{self as store, Organisation, OrganisationFilter};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, scope_at};

/// An organisation as typed; a residents' group says its kind of group and whether it has an agreement.
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
    pub group_type: Option<GroupType>,
    pub has_cooperation_agreement: Option<bool>,
}

/// A change: `None` keeps what is stored; for the fields only a residents' group has, `Some(None)` clears.
pub struct OrganisationChange {
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub group_type: Option<Option<GroupType>>,
    pub has_cooperation_agreement: Option<Option<bool>>,
}

/// The organisations the principal may see at `now`. The area and municipality filters answer only for
/// partnerships the principal may read: naming another municipality's area finds nobody, as if it did not
/// exist, the way every list treats a filter outside the caller's scope.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &OrganisationFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Organisation>> {
    Ok(store::list(conn, scope_at(p, now), filter, after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, now: DateTime<Utc>, id: Uuid) -> Result<Organisation> {
    Ok(store::get(conn, scope_at(p, now), id).await?)
}

/// The names of those of `ids` the principal may see at `now`, in one statement; the others are left out, as
/// [`get`] would answer them not found.
pub async fn names<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    Ok(store::names(conn, scope_at(p, now), ids).await?)
}

/// Registers an organisation (coordinators and administrators).
pub async fn create(tx: &Tx, p: &Principal, new: NewOrganisation) -> Result<Organisation> {
    access::may_create_organisation(p)?;
    let profile = OrganisationProfile::parse(&new.name, new.kind, new.group_type, new.has_cooperation_agreement)?;
    Ok(store::create(tx, profile).await?)
}

/// Changes an organisation (administrators); the result must still be a valid organisation.
pub async fn update(
    tx: &Tx,
    p: &Principal,
    id: Uuid,
    based_on: &BasedOn,
    change: OrganisationChange,
) -> Result<Organisation> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_change_organisation(p)?;
    let expected = based_on.check(current.revision)?;
    let profile = OrganisationProfile::parse(
        change.name.as_deref().unwrap_or(&current.name),
        change.kind.unwrap_or(current.kind),
        change.group_type.unwrap_or(current.group_type),
        change.has_cooperation_agreement.unwrap_or(current.has_cooperation_agreement),
    )?;
    Ok(store::update(tx, &current, profile, expected).await?)
}

/// Deletes an organisation that takes part in no area and has no tokens (administrators).
pub async fn delete(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let current = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    access::may_change_organisation(p)?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}
