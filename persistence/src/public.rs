//! The public pages' reads (SPEC §12, Wet open overheid): without signing in, anyone reads the municipalities,
//! their areas, and the adopted agendas, plans and monitors of those areas (analyses where the municipality
//! publishes them). There is no principal here, so no [`domain::access::ReadScope`]: documents are reached
//! only through a [`PublicScope`], which is built from the stored municipality alone and turns into
//! `scope::published_documents` and `scope::public_versions`, so no query in this module can return a
//! draft, a submitted or withdrawn version, a contribution, a check-in or a token.

use domain::content::DocumentKind;
use domain::lifecycle::VersionStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::areas::{self, Area};
use crate::documents::{Document, Version, document_from, version_from};
use crate::entity::{area, document, municipality, version};
use crate::error::StoreError;
use crate::municipalities::{self, Municipality};
use crate::scope;

/// The most municipalities or areas one public list shows (the Netherlands has fewer than 350
/// municipalities; a municipality a few dozen areas).
const LIST_MAX: u64 = 1000;

/// What the public may read of one municipality's documents: the kinds it publishes. Only [`PublicScope::of`]
/// makes one, from the municipality as stored, so a caller cannot widen it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicScope {
    municipality_id: Uuid,
    kinds: Vec<DocumentKind>,
}

impl PublicScope {
    pub fn of(m: &Municipality) -> PublicScope {
        PublicScope { municipality_id: m.id, kinds: m.calendar.public_kinds.clone() }
    }

    pub fn municipality_id(&self) -> Uuid {
        self.municipality_id
    }

    pub fn kinds(&self) -> &[DocumentKind] {
        &self.kinds
    }
}

/// Every municipality, by name.
pub async fn municipalities<C: ConnectionTrait>(conn: &C) -> Result<Vec<Municipality>, StoreError> {
    let rows = municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .order_by_asc(municipality::Column::Id)
        .limit(LIST_MAX)
        .all(conn)
        .await?;
    rows.into_iter().map(municipalities::from_row).collect()
}

pub async fn municipality<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Municipality, StoreError> {
    municipalities::from_row(municipality::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)?)
}

/// A municipality's areas, by name.
pub async fn areas<C: ConnectionTrait>(conn: &C, municipality_id: Uuid) -> Result<Vec<Area>, StoreError> {
    let rows = area::Entity::find()
        .filter(area::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(area::Column::Name)
        .order_by_asc(area::Column::Id)
        .limit(LIST_MAX)
        .all(conn)
        .await?;
    rows.into_iter().map(areas::from_row).collect()
}

pub async fn area<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Area, StoreError> {
    areas::from_row(area::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)?)
}

/// The municipality a document belongs to, to build its [`PublicScope`]; whether the document is published is
/// decided by [`in_force`].
pub async fn municipality_of_document<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Uuid, StoreError> {
    document::Entity::find_by_id(id)
        .select_only()
        .column(document::Column::MunicipalityId)
        .into_tuple()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The published documents of an area with the version in force of each (content included), oldest period
/// first, then in the order of the cycle.
pub async fn documents_in_force<C: ConnectionTrait>(
    conn: &C,
    scope: &PublicScope,
    area_id: Uuid,
) -> Result<Vec<(Document, Version)>, StoreError> {
    let rows = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(scope::published_documents(scope.municipality_id, &scope.kinds))
        .filter(scope::public_versions())
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .filter(document::Column::AreaId.eq(area_id))
        .all(conn)
        .await?;
    let mut found = rows
        .into_iter()
        .map(|(v, d)| {
            let doc = document_from(d.ok_or(StoreError::NotFound)?)?;
            let version = version_from(v, doc.kind)?;
            Ok((doc, version))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let order = |k: DocumentKind| DocumentKind::ALL.iter().position(|&x| x == k);
    found.sort_by_key(|(d, _)| (d.period_start, order(d.kind), d.id));
    Ok(found)
}

/// A published document and its version in force; not found when it is not published or has none.
pub async fn in_force<C: ConnectionTrait>(
    conn: &C,
    scope: &PublicScope,
    id: Uuid,
) -> Result<(Document, Version), StoreError> {
    let (v, d) = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(scope::published_documents(scope.municipality_id, &scope.kinds))
        .filter(scope::public_versions())
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .filter(version::Column::DocumentId.eq(id))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let doc = document_from(d.ok_or(StoreError::NotFound)?)?;
    let version = version_from(v, doc.kind)?;
    Ok((doc, version))
}

/// The published agenda in force for an area in `year`, for the goal titles a published monitor assesses by
/// key; none when agendas are not published.
pub async fn agenda_in_force<C: ConnectionTrait>(
    conn: &C,
    scope: &PublicScope,
    area_id: Uuid,
    year: i32,
) -> Result<Option<Version>, StoreError> {
    let row = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(scope::published_documents(scope.municipality_id, &scope.kinds))
        .filter(scope::public_versions())
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .filter(document::Column::AreaId.eq(area_id))
        .filter(document::Column::Kind.eq(DocumentKind::Agenda.as_str()))
        .filter(document::Column::PeriodStart.lte(year))
        .filter(document::Column::PeriodEnd.gte(year))
        .one(conn)
        .await?;
    row.map(|(v, _)| version_from(v, DocumentKind::Agenda)).transpose()
}
