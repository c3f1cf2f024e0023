//! Cycle documents (gebiedsanalyse, -agenda, -plan, -monitor): one per area, kind and period, created with an
//! empty first draft, and read with the summaries of the versions the principal may see.

use chrono::{DateTime, Utc};
use domain::Principal;
use domain::access::ReadScope;
use domain::calendar::document_period;
use domain::content::{Content, DocumentKind};
use domain::lifecycle;
use persistence::documents::{self as store, Document, DocumentFilter, Version, VersionSummary};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{Result, content, unknown_reference};

/// A new document: `year` for an analysis, plan or monitor; `period_start` (and optionally `period_end`) for
/// an agenda.
pub struct NewDocument {
    pub area_id: Uuid,
    pub kind: DocumentKind,
    pub year: Option<i32>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
}

/// Creates the document and its first version, an empty draft (area editors of the area, its coordinator).
pub async fn create(tx: &Tx, p: &Principal, new: NewDocument) -> Result<(Document, Version)> {
    let area = persistence::areas::get(tx.conn(), ReadScope::of(p), new.area_id)
        .await
        .map_err(unknown_reference("areaId", "no such area"))?;
    lifecycle::may_write(p, area.municipality_id, area.id)?;
    let municipality = persistence::municipalities::get(tx.conn(), ReadScope::All, area.municipality_id).await?;
    let (start, end) = document_period(
        new.kind,
        new.year,
        new.period_start,
        new.period_end,
        municipality.calendar.agenda_period_years,
    )?;
    let empty = content::content_json(&Content::empty(new.kind))?;
    Ok(store::create(tx, &area, new.kind, start, end, empty).await?)
}

/// A document and the summaries of its versions that the principal may see, in number order.
pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, id: Uuid) -> Result<(Document, Vec<VersionSummary>)> {
    let scope = ReadScope::of(p);
    let doc = store::get(conn, scope, id).await?;
    let versions = store::summaries(conn, scope, &[&doc]).await?;
    Ok((doc, versions))
}

/// The version of `doc` that was in force at `at`, if the principal may see it.
pub async fn in_force_at<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    visible: &[VersionSummary],
    at: DateTime<Utc>,
) -> Result<Option<VersionSummary>> {
    let then = store::in_force_at(conn, doc, at).await?;
    Ok(then.filter(|t| visible.iter().any(|v| v.number == t.number)))
}

/// A page of documents, with the summaries of their versions that the principal may see.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    filter: &DocumentFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<(Page<Document>, Vec<VersionSummary>)> {
    let scope = ReadScope::of(p);
    let page = store::list(conn, scope, filter, after, limit).await?;
    let docs: Vec<&Document> = page.items.iter().collect();
    let versions = store::summaries(conn, scope, &docs).await?;
    Ok((page, versions))
}
