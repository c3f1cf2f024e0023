//! Cycle documents (gebiedsanalyse, -agenda, -plan, -monitor): one per area, kind and period, created with an
//! empty first draft, and read with the summaries of the versions the principal may see.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use domain::calendar::document_period;
use domain::content::{AgendaContent, Content, DocumentKind, Goal, MonitorContent};
use domain::lifecycle::{self, VersionStatus};
use domain::rules::Readiness;
use domain::{FieldErrors, Parsed, Principal};
use persistence::document_history::{self, HistoryEntry};
use persistence::documents::{self as store, Document, DocumentFilter, Transition, Version, VersionSummary};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Error, Result, as_of, content, reference, scope_at};

/// A new document: `year` for an analysis, plan or monitor; `period_start` (and optionally `period_end`) for
/// an agenda.
pub struct NewDocument {
    pub area_id: Uuid,
    pub kind: DocumentKind,
    pub year: Option<i32>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    /// For an agenda: another agenda of the area whose goals in force the first version starts with.
    pub copy_from: Option<Uuid>,
}

/// Creates the document and its first version (area editors of the area, its coordinator): an empty draft;
/// for an agenda with `copy_from` a draft with the goals of that agenda's version in force, keys kept, so
/// that contributions and monitors of one period compare with the next; for a monitor a draft listing what
/// it must assess, without verdicts ([`content::monitor_to_fill`]).
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
    let copied = match new.copy_from {
        Some(source) => goals_to_copy(tx, p, &mut errors, new.kind, new.area_id, source).await?,
        None => None,
    };
    let (Some(area), Some((start, end))) = (area, period) else { return Err(errors.into()) };
    errors.into_result(())?;
    let first = match (copied, new.kind) {
        (Some(goals), _) => Content::Agenda(AgendaContent { goals, ..Default::default() }),
        (None, DocumentKind::Monitor) => {
            Content::Monitor(content::monitor_to_fill(tx.conn(), area.id, start, MonitorContent::default()).await?)
        }
        (None, kind) => Content::empty(kind),
    };
    // What the service composes from stored, adopted content passes the rules; if it did not, that is a
    // fault of the service, not of the request.
    let first = Parsed::parse(first).map_err(|e| Error::Internal(format!("the first version's content: {e}")))?;
    Ok(store::create(tx, &area, new.kind, start, end, &first).await?)
}

/// The goals of the version in force of agenda `source`, which must be an agenda of `area_id` that the
/// principal may read; otherwise a problem of `copyFrom` in `errors` and `None`.
async fn goals_to_copy(
    tx: &Tx,
    p: &Principal,
    errors: &mut FieldErrors,
    kind: DocumentKind,
    area_id: Uuid,
    source: Uuid,
) -> Result<Option<Vec<Goal>>> {
    if kind != DocumentKind::Agenda {
        errors.push("copyFrom", "not_allowed", "only an agenda copies the goals of another agenda");
        return Ok(None);
    }
    let scope = scope_at(p, tx.now());
    let found = store::get(tx.conn(), scope, source).await;
    let Some(doc) = reference(errors, "copyFrom", "no such document", found)? else { return Ok(None) };
    if doc.kind != DocumentKind::Agenda || doc.area_id != area_id {
        let reason = format!("document {source} is not an agenda of this area");
        errors.push("copyFrom", "not_an_agenda_of_the_area", reason);
        return Ok(None);
    }
    let versions = store::summaries(tx.conn(), scope, &[&doc]).await?;
    let Some(in_force) = versions.iter().find(|v| v.status == VersionStatus::Adopted) else {
        errors.push("copyFrom", "not_in_force", format!("agenda {source} has no version in force to copy"));
        return Ok(None);
    };
    let version = store::get_version(tx.conn(), scope, &doc, in_force.number).await?;
    match content::stored_content(DocumentKind::Agenda, &version.content)? {
        Content::Agenda(agenda) => Ok(Some(agenda.goals)),
        _ => Ok(None),
    }
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

/// One version as a reader of the document is shown it: the version with its typed content, its transitions
/// (oldest first), and, while it is open, its readiness as the reader is told it
/// ([`content::readiness_shown`], the rules the API's readiness and the adoption apply).
pub struct ShownVersion {
    pub version: Version,
    pub content: Content,
    pub history: Vec<Transition>,
    pub readiness: Option<Readiness>,
}

/// A document read whole for a person: its area's name, the summaries of every version the principal may see,
/// and the versions to show ([`versions_to_show`]) with their content, history and readiness.
pub struct DocumentRead {
    pub document: Document,
    pub area_name: String,
    pub versions: Vec<VersionSummary>,
    pub shown: Vec<ShownVersion>,
}

/// The versions to show: number `asked` if given (not found when the principal may not see it), else the one
/// in force and the open one, else the latest.
pub fn versions_to_show(versions: &[VersionSummary], asked: Option<i32>) -> Result<Vec<i32>> {
    if let Some(n) = asked {
        return versions.iter().find(|v| v.number == n).map(|v| vec![v.number]).ok_or(Error::NotFound);
    }
    let mut shown: Vec<i32> =
        versions.iter().filter(|v| v.status == VersionStatus::Adopted).map(|v| v.number).collect();
    shown.extend(versions.iter().filter(|v| v.status.is_open()).map(|v| v.number));
    if shown.is_empty() {
        shown.extend(versions.last().map(|v| v.number));
    }
    Ok(shown)
}

/// The document `id` as the principal may see it at `now`, with the versions to show, after one scope check
/// and in a fixed number of statements whatever the number of versions: the document with its area's name,
/// the summaries, the shown versions' content, their history, and what the readiness of an open one needs.
pub async fn read<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    id: Uuid,
    asked: Option<i32>,
) -> Result<DocumentRead> {
    let scope = scope_at(p, now);
    let (doc, area_name) = store::get_with_area_name(conn, scope, id).await?;
    let versions = store::summaries(conn, scope, &[&doc]).await?;
    let numbers = versions_to_show(&versions, asked)?;
    let mut loaded = store::get_versions(conn, scope, &doc, &numbers).await?;
    let mut history = store::transitions_of(conn, &doc, &numbers).await?;
    let mut shown = Vec::new();
    for n in numbers {
        let at = loaded.iter().position(|v| v.summary.number == n).ok_or(Error::NotFound)?;
        let version = loaded.swap_remove(at);
        let content = content::stored_content(doc.kind, &version.content)?;
        let readiness = match version.summary.status.is_open() {
            true => Some(content::readiness_shown(conn, scope, &doc, version.summary.status, &content, now).await?),
            false => None,
        };
        let (own, rest) = history.into_iter().partition(|t| t.version_number == n);
        history = rest;
        shown.push(ShownVersion { version, content, history: own, readiness });
    }
    Ok(DocumentRead { document: doc, area_name, versions, shown })
}

/// A document as it stood at `at`: the summaries of its versions then, and the version in force then with
/// its content, as far as the principal may see them now. Not found when it did not exist yet.
pub async fn get_at<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(Document, Vec<VersionSummary>, Option<Version>)> {
    let scope = scope_at(p, now);
    let (doc, versions) = get(conn, p, now, id).await?;
    let (mut docs, versions) = as_of::documents_at(conn, scope.scope, vec![doc], versions, at).await?;
    let doc = docs.pop().ok_or(Error::NotFound)?;
    let in_force = match versions.iter().find(|v| v.status == VersionStatus::Adopted) {
        Some(summary) => {
            let version = store::get_version(conn, scope, &doc, summary.number).await?;
            Some(Version { summary: summary.clone(), ..version })
        }
        None => None,
    };
    Ok((doc, versions, in_force))
}

/// A page of documents, with the summaries of their versions that the principal may see at `now`; with the
/// filter's `existing_at`, the documents and versions as they stood then.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &DocumentFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<(Page<Document>, Vec<VersionSummary>)> {
    let scope = scope_at(p, now);
    let at = filter.existing_at;
    if at.is_some() && filter.latest_status.is_some() {
        return Err(Error::invalid(
            "status",
            "not_with_at",
            "filters on the latest version as it is now, so it cannot be combined with at; leave one out",
        ));
    }
    let page = store::list(conn, scope, filter, after, limit).await?;
    let docs: Vec<&Document> = page.items.iter().collect();
    let versions = store::summaries(conn, scope, &docs).await?;
    let Some(at) = at else { return Ok((page, versions)) };
    // The filter kept the documents created by then, so the page is unchanged: only the versions are rebuilt.
    let (_, versions) = as_of::documents_at(conn, scope.scope, page.items.clone(), versions, at).await?;
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
