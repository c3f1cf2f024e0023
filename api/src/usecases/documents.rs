//! Cycle documents (gebiedsanalyse, -agenda, -plan, -monitor): one per area, kind and period, created with an
//! empty first draft, and read with the summaries of the versions the principal may see.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use domain::calendar::document_period;
use domain::content::{Content, DocumentKind};
use domain::lifecycle;
use domain::{FieldErrors, Principal};
use persistence::document_history::{self, HistoryEntry};
use persistence::documents::{self as store, Document, DocumentFilter, Version, VersionSummary};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Result, content, reference, scope_at};

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
    let mut errors = FieldErrors::new();
    let found = persistence::areas::get(tx.conn(), scope_at(p, tx.now()), new.area_id).await;
    let area = reference(&mut errors, "areaId", "no such area", found)?;
    if let Some(area) = &area {
        lifecycle::may_write(p, area.municipality_id, area.id)?;
    }
    let agenda_years = match &area {
        Some(area) => {
            persistence::municipalities::get(tx.conn(), ReadScope::All, area.municipality_id)
                .await?
                .calendar
                .agenda_period_years
        }
        // Without an area the period is still checked, with the default length, so one answer names all.
        None => domain::calendar::Calendar::default().agenda_period_years,
    };
    let period = document_period(new.kind, new.year, new.period_start, new.period_end, agenda_years)
        .map_err(|e| errors.merge(e))
        .ok();
    let (Some(area), Some((start, end))) = (area, period) else { return Err(errors.into()) };
    let empty = content::content_json(&Content::empty(new.kind))?;
    Ok(store::create(tx, &area, new.kind, start, end, empty).await?)
}

/// Removes a document that was never adopted (issue 17: a wrong period must not block an area for good).
/// Whoever may create the area's documents may remove one, on the ETag they read; the store refuses, saying
/// why, once any version was adopted or while contributions refer to it.
pub async fn remove(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let doc = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    lifecycle::may_write(p, doc.municipality_id, doc.area_id)?;
    let expected = based_on.check(doc.revision)?;
    Ok(store::remove(tx, &doc, expected).await?)
}

/// A document and the summaries of its versions that the principal may see at `now`, in number order.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    id: Uuid,
) -> Result<(Document, Vec<VersionSummary>)> {
    let scope = scope_at(p, now);
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

/// A page of documents, with the summaries of their versions that the principal may see at `now`.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &DocumentFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<(Page<Document>, Vec<VersionSummary>)> {
    let scope = scope_at(p, now);
    let page = store::list(conn, scope, filter, after, limit).await?;
    let docs: Vec<&Document> = page.items.iter().collect();
    let versions = store::summaries(conn, scope, &docs).await?;
    Ok((page, versions))
}

/// The history of a document, oldest first: its creation and every change to its versions, with who, when,
/// the version number and the note. Each entry about a version the principal may not read is left out (a
/// partner sees the history of adopted versions and submitted agendas only), as is the document itself when it
/// may not be read (404).
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    id: Uuid,
) -> Result<Vec<HistoryEntry>> {
    let (doc, visible) = get(conn, p, now, id).await?;
    let entries = document_history::history(conn, &doc).await?;
    Ok(entries.into_iter().filter(|e| e.version_number.is_none_or(|n| visible.iter().any(|v| v.number == n))).collect())
}
