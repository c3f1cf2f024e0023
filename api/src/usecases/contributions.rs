//! Contributions (bijdragen): proposing, changing the terms, the two-sided agreement and the lifecycle
//! (SPEC §6), and reading them as far as the principal may.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::contribution::lifecycle::{self, TransitionError};
use domain::contribution::{self as dc, ContributionAction, ContributionKind, Terms};
use domain::{Parsed, Principal};
use persistence::contributions::{self as store, Contribution, ContributionFilter, ContributionTransition};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{BasedOn, Error, Result, scope_at, targets, trimmed_note};
use crate::view_cache::ViewCache;

/// A new proposal: by a partner for its own organisation, or by the municipality for a partner of the area.
pub struct Proposal {
    pub agenda_document_id: Uuid,
    pub organisation_id: Uuid,
    pub terms: Terms,
}

/// A change of terms: `None` keeps what is stored; for the fields that may be empty, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct TermsChange {
    pub goal_key: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<ContributionKind>,
    pub amount: Option<Option<f64>>,
    pub unit: Option<Option<String>>,
    pub due_date: Option<Option<NaiveDate>>,
}

impl TermsChange {
    fn apply(self, old: Terms) -> Terms {
        Terms {
            goal_key: self.goal_key.unwrap_or(old.goal_key),
            title: self.title.unwrap_or(old.title),
            description: self.description.unwrap_or(old.description),
            kind: self.kind.unwrap_or(old.kind),
            amount: self.amount.unwrap_or(old.amount),
            unit: self.unit.unwrap_or(old.unit),
            due_date: self.due_date.unwrap_or(old.due_date),
        }
    }
}

/// Contribution `id`, if the principal may see it at `now`: a partner its own organisation's, while its
/// partnership in the area runs, and only with its goal. The scope says so in SQL (the same condition as the
/// list's): never a promise to an agenda the partner cannot read, nor to a goal only a draft of it holds, so
/// the goal key of a draft is never told; both answer 404.
pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, now: DateTime<Utc>, id: Uuid) -> Result<Contribution> {
    Ok(store::get(conn, scope_at(p, now), id).await?)
}

/// As [`get`], for a report on it: its row held in share mode until the commit, its latest report not read.
pub async fn get_to_report_on(tx: &Tx, p: &Principal, id: Uuid) -> Result<Contribution> {
    Ok(store::get_to_report_on(tx.conn(), scope_at(p, tx.now()), id).await?)
}

/// Pages of contributions as last read, kept while the municipalities they come from do not change.
pub type ContributionViews = ViewCache<Arc<Page<Contribution>>, ListKey, Vec<(Uuid, i64)>>;

/// At most this many pages are kept: a page holds up to 200 contributions with their latest check-ins.
pub const KEPT_PAGES: usize = 128;

/// What a page of contributions depends on besides the stored data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListKey {
    scope: ReadScope,
    day: Option<NaiveDate>,
    filter: ContributionFilter,
    after: Option<Uuid>,
    limit: u64,
}

/// The municipalities a list can take its rows from, known before reading them: a partner sees its own
/// contributions only in areas it takes part in, a coordinator those of its municipality.
enum Sources {
    Municipality(Uuid),
    Partner(Uuid),
}

impl Sources {
    fn of(scope: ReadScope, filter: &ContributionFilter) -> Option<Sources> {
        match scope {
            ReadScope::PartnerOrganisation(o) => Some(Sources::Partner(o.organisation_id)),
            ReadScope::Municipality(m) => Some(Sources::Municipality(m)),
            ReadScope::All => filter.municipality_id.map(Sources::Municipality),
        }
    }

    /// Their change counters now: everything a contribution shows (its terms, its latest check-in, its
    /// agenda and goal, the partnership that lets a partner see it) is recorded for its municipality.
    async fn counters<C: ConnectionTrait>(&self, conn: &C) -> Result<Vec<(Uuid, i64)>> {
        Ok(match *self {
            Sources::Municipality(m) => vec![(m, persistence::stamps::current(conn, m).await?)],
            Sources::Partner(o) => persistence::stamps::of_partner(conn, o).await?,
        })
    }
}

/// A page of the contributions the principal may see at `now` that `filter` finds, after `after`. Kept in
/// `views` while the municipalities it comes from have not changed, so an unchanged partner's list is one
/// statement instead of two; a list over every municipality (an administrator's without a filter on
/// municipality) and the large pages of a CSV export are read each time.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    views: &ContributionViews,
    filter: &ContributionFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Arc<Page<Contribution>>> {
    let scope = scope_at(p, now);
    let read = || async { Ok(Arc::new(store::list(conn, scope, filter, after, limit).await?)) };
    let sources = Sources::of(scope.scope, filter).filter(|_| limit <= crate::pagination::MAX_PAGE_SIZE);
    let Some(sources) = sources else { return read().await };
    let key = ListKey { scope: scope.scope, day: scope.day, filter: filter.clone(), after, limit };
    views.get_or_compute(key, || sources.counters(conn), read).await
}

/// Every contribution the filter finds that the principal may see at `now`, as lines naming the organisation,
/// oldest first: what a document shows beside its goals. One statement, whatever their number.
pub async fn lines<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    filter: &ContributionFilter,
) -> Result<Vec<store::ContributionLine>> {
    Ok(store::lines(conn, scope_at(p, now), filter).await?)
}

/// The names beside a list of contributions' ids, for people reading the CSV export: areas, organisations
/// and the goals' titles.
#[derive(Debug, Default)]
pub struct ContributionNames {
    areas: HashMap<Uuid, String>,
    organisations: HashMap<Uuid, String>,
    goals: HashMap<(Uuid, String), String>,
}

impl ContributionNames {
    pub fn area(&self, c: &Contribution) -> &str {
        self.areas.get(&c.area_id).map_or("", String::as_str)
    }

    pub fn organisation(&self, c: &Contribution) -> &str {
        self.organisations.get(&c.organisation_id).map_or("", String::as_str)
    }

    /// The goal's title as the agenda in force words it, else the latest version the principal may read.
    pub fn goal(&self, c: &Contribution) -> &str {
        self.goals.get(&(c.agenda_document_id, c.goal_key.clone())).map_or("", String::as_str)
    }
}

/// The names of what these contributions (a page the principal may see) refer to: three statements for
/// the whole page. A partner never reads a draft agenda, so neither its goals' titles.
pub async fn names<C: ConnectionTrait>(conn: &C, p: &Principal, items: &[Contribution]) -> Result<ContributionNames> {
    let area_ids: Vec<Uuid> = items.iter().map(|c| c.area_id).collect();
    let organisation_ids: Vec<Uuid> = items.iter().map(|c| c.organisation_id).collect();
    let agenda_ids: Vec<Uuid> = items.iter().map(|c| c.agenda_document_id).collect();
    let with_drafts = !matches!(ReadScope::of(p), ReadScope::PartnerOrganisation(_));
    Ok(ContributionNames {
        areas: persistence::names::areas(conn, &area_ids).await?,
        organisations: persistence::names::organisations(conn, &organisation_ids).await?,
        goals: persistence::names::goal_titles(conn, &agenda_ids, with_drafts).await?,
    })
}

/// The history of a contribution: every transition with who, when, from, to and note.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    id: Uuid,
) -> Result<Vec<ContributionTransition>> {
    let c = get(conn, p, now, id).await?;
    Ok(store::transitions(conn, c.id).await?)
}

/// Proposes a contribution. Every problem with the terms and with what they point at is reported at once.
pub async fn propose(tx: &Tx, p: &Principal, proposal: Proposal) -> Result<Contribution> {
    let Proposal { agenda_document_id, organisation_id, terms } = proposal;
    let goal_key = terms.goal_key.trim().to_owned();
    let mut errors = domain::FieldErrors::new();
    let terms = Parsed::parse(terms).map_err(|e| errors.merge(e)).ok();
    let today = dutch_date(tx.now());
    let agenda = match targets::agenda(tx.conn(), scope_at(p, tx.now()), agenda_document_id).await {
        Ok(agenda) => Some(agenda),
        Err(Error::Invalid(e)) => {
            errors.merge(e);
            None
        }
        Err(e) => return Err(e),
    };
    let mut side = None;
    if let Some(agenda) = &agenda {
        let parties =
            lifecycle::Parties { municipality_id: agenda.municipality_id, area_id: agenda.area_id, organisation_id };
        side = Some(lifecycle::side_of(p, &parties)?);
        match targets::check_target(tx.conn(), p, today, agenda, Some(organisation_id), Some(&goal_key)).await {
            Ok(()) => {}
            Err(Error::Invalid(e)) => errors.merge(e),
            Err(e) => return Err(e),
        }
    }
    let (Some(terms), Some(agenda), Some(side)) = (terms, agenda, side) else { return Err(errors.into()) };
    errors.into_result(())?;
    Ok(store::create(tx, &agenda, organisation_id, terms, side).await?)
}

/// Changes the terms of contribution `id`. A substantive change to an agreed contribution makes it a
/// proposal again, by the side that changed it; unchanged terms write nothing.
pub async fn update(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn, change: TermsChange) -> Result<Contribution> {
    let current = store::get_to_change(tx.conn(), scope_at(p, tx.now()), id).await?;
    revise(tx, p, &current, based_on, change).await
}

/// Changes the terms of `current`, already read in this transaction by [`store::get_to_change`] (the import
/// reads it to compare columns).
pub(crate) async fn revise(
    tx: &Tx,
    p: &Principal,
    current: &Contribution,
    based_on: &BasedOn,
    change: TermsChange,
) -> Result<Contribution> {
    let expected = based_on.check_tag(&current.tag(), current.revision)?;
    let side = lifecycle::side_of(p, &current.parties())?;
    let old = current.terms();
    let terms = Parsed::parse(change.apply(old.clone()))?;
    if *terms == old {
        return Ok(current.clone());
    }
    let (status, proposed_by) = dc::after_edit(current.status, current.proposed_by, &old, &terms, side)
        .map_err(|e| Error::Conflict(format!("{e}; propose a new contribution instead.")))?;
    if terms.goal_key != old.goal_key {
        let agenda = persistence::documents::get(tx.conn(), ReadScope::All, current.agenda_document_id).await?;
        targets::check_target(tx.conn(), p, dutch_date(tx.now()), &agenda, None, Some(&terms.goal_key)).await?;
    }
    let reason = dc::terms_changed_note(&old, &terms);
    Ok(store::update(tx, current, terms, status, proposed_by, reason, expected).await?)
}

fn transition_error(e: TransitionError) -> Error {
    match e {
        TransitionError::NotAllowed { .. } => Error::Conflict(format!("{e}.")),
        TransitionError::OwnProposal(_) => Error::Forbidden(format!("This token may not do this: {e}.")),
        TransitionError::NoteRequired => Error::invalid("note", "required", e.to_string()),
        TransitionError::NoteTooLong => Error::invalid("note", "too_long", e.to_string()),
        TransitionError::NoteInvalidText(reason) => Error::invalid("note", "invalid_text", reason),
    }
}

/// Agrees to, starts, delivers (fully, partially, not) or withdraws a contribution. The side that proposed
/// cannot agree to its own proposal; withdrawing needs a note.
pub async fn transition(
    tx: &Tx,
    p: &Principal,
    id: Uuid,
    based_on: &BasedOn,
    action: ContributionAction,
    note: Option<&str>,
) -> Result<Contribution> {
    let note = trimmed_note(note);
    let current = store::get_to_change(tx.conn(), scope_at(p, tx.now()), id).await?;
    let side = lifecycle::may_act(p, &current.parties(), action)?;
    let expected = based_on.check_tag(&current.tag(), current.revision)?;
    let started = action == ContributionAction::Agree && store::has_started(tx.conn(), current.id).await?;
    let to = lifecycle::transition(current.status, started, action, current.proposed_by, side, note.as_deref())
        .map_err(transition_error)?;
    Ok(store::transition(tx, &current, action, to, note, expected).await?)
}
