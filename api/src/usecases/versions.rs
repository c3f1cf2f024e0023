//! The versions of a cycle document and their lifecycle (SPEC §3): a new draft copied from another version,
//! saving a draft's content, deleting a draft, submitting, returning, adopting (with the cross-stage rules)
//! and withdrawing; readiness for adoption and the difference between two versions.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::content::Content;
use domain::content::diff::KeyedDiff;
use domain::lifecycle::{self, NOTE_MAX, TransitionError, VersionAction, VersionStatus};
use domain::rules::Readiness;
use domain::{Parsed, Principal};
use persistence::documents::{self as store, Document, Transition, Version};
use persistence::{ConnectionTrait, Page, StoreError, Tx};
use serde_json::Value;
use uuid::Uuid;

use super::{BasedOn, Error, Result, content, scope_at, trimmed_note};

/// Resolves the document, checking it is visible, and that the principal may write its area.
async fn writable(tx: &Tx, p: &Principal, id: Uuid) -> Result<Document> {
    let doc = store::get(tx.conn(), scope_at(p, tx.now()), id).await?;
    lifecycle::may_write(p, doc.municipality_id, doc.area_id)?;
    Ok(doc)
}

/// A writable document and its draft, read for a change in one statement (saving a draft is a frequent write,
/// and each statement is a round trip). When the join finds nothing, the two reads below tell which refusal it
/// is, in the same order as every other change (the document, the right to write, then the version).
async fn writable_draft(tx: &Tx, p: &Principal, id: Uuid, number: i32, change: &str) -> Result<(Document, Version)> {
    match store::get_with_version(tx.conn(), scope_at(p, tx.now()), id, number).await {
        Ok((doc, current)) => {
            lifecycle::may_write(p, doc.municipality_id, doc.area_id)?;
            Ok((doc, editable(current, change)?))
        }
        Err(StoreError::NotFound) => {
            let doc = writable(tx, p, id).await?;
            let current = draft(tx, &doc, number, change).await?;
            Ok((doc, current))
        }
        Err(e) => Err(e.into()),
    }
}

/// A draft, read for a change: only drafts change.
async fn draft(tx: &Tx, doc: &Document, number: i32, change: &str) -> Result<Version> {
    editable(store::get_version(tx.conn(), ReadScope::All, doc, number).await?, change)
}

fn editable(current: Version, change: &str) -> Result<Version> {
    if !current.summary.status.is_editable() {
        return Err(Error::Conflict(format!(
            "Version {} is {}; only drafts {change}. Start a new version instead.",
            current.summary.number,
            current.summary.status.as_str()
        )));
    }
    Ok(current)
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
) -> Result<Version> {
    let (_, v) = store::get_with_version(conn, scope_at(p, now), document_id, number).await?;
    Ok(v)
}

/// The same read as [`get`], served from memory when the version is adopted or superseded
/// (`persistence::settled`): the API's version read, its most frequent request.
pub async fn get_settled(
    db: &persistence::Db,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
) -> Result<std::sync::Arc<(persistence::documents::Document, Version)>> {
    Ok(persistence::settled::get_with_version(db, scope_at(p, now), document_id, number).await?)
}

/// The versions of a document that the principal may see (partners: adopted ones, and submitted agendas).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Version>> {
    let scope = scope_at(p, now);
    let doc = store::get(conn, scope, document_id).await?;
    Ok(store::list_versions(conn, scope, &doc, after, limit).await?)
}

/// Starts a new draft as a copy of version `based_on`, by default the one in force, else the latest; a
/// monitor's copy also lists, without verdicts, what it must assess and does not yet
/// ([`content::monitor_to_fill`]). Refused while the document has an open version.
pub async fn create(tx: &Tx, p: &Principal, document_id: Uuid, based_on: Option<i32>) -> Result<Version> {
    let doc = writable(tx, p, document_id).await?;
    let source = match based_on {
        Some(n) => store::get_version(tx.conn(), ReadScope::All, &doc, n).await.map_err(|e| match e {
            StoreError::NotFound => Error::invalid("basedOn", "unknown", format!("the document has no version {n}")),
            other => other.into(),
        })?,
        None => {
            let all = store::summaries(tx.conn(), ReadScope::All, &[&doc]).await?;
            let pick = all.iter().find(|v| v.status == VersionStatus::Adopted).or(all.last());
            let n = pick.map(|v| v.number).ok_or_else(|| Error::Internal("document without versions".into()))?;
            store::get_version(tx.conn(), ReadScope::All, &doc, n).await?
        }
    };
    // A copy of stored content is copied as stored. A monitor's copy is composed anew; should the
    // composition break a rule (content stored under older rules, say), the plain copy is the safe draft.
    let mut filled = None;
    if let Content::Monitor(base) = content::stored_content(doc.kind, &source.content)? {
        let monitor = content::monitor_to_fill(tx.conn(), doc.area_id, doc.period_start, base).await?;
        filled = Parsed::parse(Content::Monitor(monitor)).ok();
    }
    Ok(store::create_version(tx, &doc, &source, filled.as_ref()).await?)
}

/// What a writer saves: the whole content, as sent, and an optional note on what changed.
pub struct Draft {
    pub content: Value,
    pub change_note: Option<String>,
}

/// Saves the content of a draft, typed by the document's kind and checked whole, references included.
pub async fn save(
    tx: &Tx,
    p: &Principal,
    document_id: Uuid,
    number: i32,
    based_on: &BasedOn,
    draft_input: Draft,
) -> Result<Version> {
    let (doc, current) = writable_draft(tx, p, document_id, number, "change").await?;
    let expected = based_on.check(current.summary.revision)?;
    let note = trimmed_note(draft_input.change_note.as_deref());
    let mut errors = domain::FieldErrors::new();
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        errors.push("changeNote", "too_long", format!("must be at most {NOTE_MAX} characters"));
    }
    let parsed = content::check_draft(tx.conn(), &doc, draft_input.content).await?;
    let parsed = match parsed {
        Ok(parsed) => Some(parsed),
        Err(problems) => {
            errors.merge(problems);
            None
        }
    };
    let Some(parsed) = parsed.filter(|_| errors.is_empty()) else { return Err(errors.into()) };
    Ok(store::update_draft(tx, &doc, &current, &parsed, note, expected).await?)
}

/// Deletes a draft. The only version of a document is withdrawn instead.
pub async fn delete(tx: &Tx, p: &Principal, document_id: Uuid, number: i32, based_on: &BasedOn) -> Result<()> {
    let doc = writable(tx, p, document_id).await?;
    let current = draft(tx, &doc, number, "can be deleted").await?;
    let expected = based_on.check(current.summary.revision)?;
    Ok(store::delete_draft(tx, &doc, &current, expected).await?)
}

fn transition_error(e: TransitionError) -> Error {
    match e {
        TransitionError::NotAllowed { .. } => Error::Conflict(format!("{e}.")),
        TransitionError::NoteRequired(_) => Error::invalid("note", "required", e.to_string()),
        TransitionError::NoteTooLong => Error::invalid("note", "too_long", e.to_string()),
        TransitionError::NoteInvalidText(reason) => Error::invalid("note", "invalid_text", reason),
    }
}

/// Submits, returns, adopts or withdraws a version. Adopting checks the cross-stage rules, every broken one
/// reported, and supersedes the version in force in the same transaction.
pub async fn transition(
    tx: &Tx,
    p: &Principal,
    document_id: Uuid,
    number: i32,
    based_on: &BasedOn,
    action: VersionAction,
    note: Option<&str>,
) -> Result<Version> {
    let note = trimmed_note(note);
    let scope = scope_at(p, tx.now());
    let doc = store::get(tx.conn(), scope, document_id).await?;
    lifecycle::may_act(p, action, doc.municipality_id, doc.area_id)?;
    let current = store::get_version(tx.conn(), scope, &doc, number).await?;
    based_on.check(current.summary.revision)?;
    if action == VersionAction::Adopt {
        // The readiness rules decide, the version's status among them, so that readiness and adoption agree.
        let parsed = content::stored_content(doc.kind, &current.content)?;
        let today = dutch_date(tx.now());
        let readiness = content::readiness(tx.conn(), &doc, current.summary.status, &parsed, today).await?;
        if !readiness.is_ready() {
            return Err(Error::RulesBroken(readiness.blocking));
        }
    }
    let to = lifecycle::transition(current.summary.status, action, note.as_deref()).map_err(transition_error)?;
    Ok(store::transition(tx, &doc, &current, action, to, note).await?)
}

/// The history of a version: every transition with who, when, from, to and note.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
) -> Result<Vec<Transition>> {
    let scope = scope_at(p, now);
    let doc = store::get(conn, scope, document_id).await?;
    store::get_version(conn, scope, &doc, number).await?;
    Ok(store::transitions(conn, &doc, Some(number)).await?)
}

/// Whether the version could be adopted now: the rules that block it, and warnings. Changes nothing. A
/// partner is told only what its own contributions do to the adoption (SPEC §15): it learns nothing of other
/// organisations' promises, of goals nobody serves, nor of the analysis it may not read.
pub async fn readiness<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
) -> Result<Readiness> {
    let scope = scope_at(p, now);
    let doc = store::get(conn, scope, document_id).await?;
    let v = store::get_version(conn, scope, &doc, number).await?;
    let parsed: Content = content::stored_content(doc.kind, &v.content)?;
    content::readiness_shown(conn, scope, &doc, v.summary.status, &parsed, now).await
}

/// Two versions of one document, to compare: `against` (the older, usually) and `number`.
pub async fn pair<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
    against: i32,
) -> Result<(Version, Version)> {
    let (_, from, to) = document_pair(conn, p, now, document_id, number, against).await?;
    Ok((from, to))
}

/// What changed from version `against` to version `number` of one document, by key
/// ([`domain::content::diff`]).
pub async fn keyed_diff<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
    against: i32,
) -> Result<KeyedDiff> {
    let (doc, from, to) = document_pair(conn, p, now, document_id, number, against).await?;
    let (from, to) =
        (content::stored_content(doc.kind, &from.content)?, content::stored_content(doc.kind, &to.content)?);
    Ok(domain::content::diff::keyed_diff(&from, &to))
}

async fn document_pair<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    document_id: Uuid,
    number: i32,
    against: i32,
) -> Result<(Document, Version, Version)> {
    let scope = scope_at(p, now);
    let doc = store::get(conn, scope, document_id).await?;
    let to = store::get_version(conn, scope, &doc, number).await?;
    let from = store::get_version(conn, scope, &doc, against).await.map_err(|e| match e {
        StoreError::NotFound => Error::invalid("against", "unknown", format!("the document has no version {against}")),
        other => other.into(),
    })?;
    Ok((doc, from, to))
}
