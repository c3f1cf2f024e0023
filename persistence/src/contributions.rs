//! Contributions (bijdragen) of partner organisations to agenda goals, their transitions and check-ins.
//!
//! Every change to a contribution updates its row on the revision it read, so of two concurrent changes one
//! wins and the other is told the resource changed (412 for an edit with If-Match, 409 for a transition).
//!
//! A progress report does not write the contribution's row, so reports on one contribution do not queue for
//! its row lock until each other's commit. It holds the row in share mode instead, which keeps a change of
//! status from committing between the report's check and its commit; a change holds the row exclusively from
//! its first read, so it sees every report that came before it and none arrives until it commits. Since the
//! body shows the latest report, the entity tag is the revision with that report's id ([`Contribution::tag`]).

use chrono::{DateTime, NaiveDate, Utc};
use domain::Parsed;
use domain::access::{ReadScope, ScopeOn};
use domain::contribution::check_in::{CheckIn, Confidence};
use domain::contribution::lifecycle::Parties;
use domain::contribution::lifecycle::Step;
use domain::contribution::{ContributionAction, ContributionKind, ContributionStatus, Side, Terms};
use domain::event::EventType;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, LockType, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::documents::{ActorRef, Document, document_scope, goal_readable_by_partners};
use crate::entity::{check_in, contribution, contribution_transition, document, organisation};
use crate::error::{StoreError, stored};
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub agenda_document_id: Uuid,
    pub goal_key: String,
    pub organisation_id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: ContributionKind,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub status: ContributionStatus,
    pub proposed_by: Side,
    pub committed_at: Option<DateTime<Utc>>,
    pub withdrawn_after_commitment: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorRef,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
    /// The check-in of the latest date (of those, the one recorded last); read with the contribution, and
    /// not part of its audit record, which the check-in has its own of.
    #[serde(skip)]
    pub latest_check_in: Option<CheckInRecord>,
}

impl Contribution {
    pub fn terms(&self) -> Terms {
        Terms {
            goal_key: self.goal_key.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            kind: self.kind,
            amount: self.amount,
            unit: self.unit.clone(),
            due_date: self.due_date,
        }
    }

    pub fn parties(&self) -> Parties {
        Parties { municipality_id: self.municipality_id, area_id: self.area_id, organisation_id: self.organisation_id }
    }

    /// What its entity tag names: the revision, and the latest report when there is one (read with it).
    pub fn tag(&self) -> String {
        match &self.latest_check_in {
            Some(latest) => format!("{}-{}", self.revision, latest.id.simple()),
            None => self.revision.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionTransition {
    pub action: Step,
    pub from: ContributionStatus,
    pub to: ContributionStatus,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub actor: ActorRef,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckInRecord {
    pub id: Uuid,
    pub contribution_id: Uuid,
    pub date: NaiveDate,
    pub progress_percent: i32,
    pub current_value: Option<f64>,
    pub confidence: Confidence,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorRef,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ContributionFilter {
    pub organisation_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub agenda_document_id: Option<Uuid>,
    pub goal_key: Option<String>,
    pub status: Option<ContributionStatus>,
    /// Due strictly before this date.
    pub due_before: Option<NaiveDate>,
    pub withdrawn_after_commitment: Option<bool>,
    /// The confidence of the latest check-in (none matches a contribution without one).
    pub confidence: Option<Confidence>,
}

/// The latest check-in's `column` of the contribution whose id is `outer`: the latest date, and of one date
/// the one recorded last (ids are time-ordered); with `recorded_by`, of those recorded by then (time travel).
/// Correlated, so a list or a tally reads it in its own statement through the index on `contribution_id`.
pub(crate) fn latest_check_in(
    column: check_in::Column,
    outer: impl IntoColumnRef,
    recorded_by: Option<DateTime<Utc>>,
) -> Expr {
    let l = Alias::new("l");
    let mut latest = Query::select()
        .column((l.clone(), column))
        .from_as(check_in::Entity, l.clone())
        .and_where(Expr::col((l.clone(), check_in::Column::ContributionId)).equals(outer))
        .order_by((l.clone(), check_in::Column::Date), Order::Desc)
        .order_by((l.clone(), check_in::Column::Id), Order::Desc)
        .limit(1)
        .to_owned();
    if let Some(at) = recorded_by {
        latest.and_where(Expr::col((l, check_in::Column::CreatedAt)).lte(at));
    }
    Expr::SubQuery(None, Box::new(latest.into()))
}

pub fn path(id: Uuid) -> String {
    format!("/api/v1/contributions/{id}")
}

pub fn check_in_path(contribution_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/contributions/{contribution_id}/check-ins/{id}")
}

pub(crate) fn status_of(text: &str) -> Result<ContributionStatus, StoreError> {
    stored(text)
}

fn from_row(row: contribution::Model) -> Result<Contribution, StoreError> {
    Ok(Contribution {
        id: row.id,
        municipality_id: row.municipality_id,
        area_id: row.area_id,
        agenda_document_id: row.agenda_document_id,
        goal_key: row.goal_key,
        organisation_id: row.organisation_id,
        title: row.title,
        description: row.description,
        kind: stored(&row.kind)?,
        amount: row.amount,
        unit: row.unit,
        due_date: row.due_date,
        status: status_of(&row.status)?,
        proposed_by: stored(&row.proposed_by)?,
        committed_at: row.committed_at,
        withdrawn_after_commitment: row.withdrawn_after_commitment,
        created_at: row.created_at,
        created_by: ActorRef { token_id: row.created_by_token, name: row.created_by_name },
        updated_at: row.updated_at,
        revision: row.revision,
        latest_check_in: None,
    })
}

/// A partner sees its own organisation's contributions in the areas it takes part in on the scope's day;
/// municipal roles see their municipality's (SPEC §7). A partner that left an area no longer reads what it
/// promised there: the municipality keeps that record (SPEC §15, its access ends with the partnership).
pub(crate) fn contribution_scope(scope: ScopeOn) -> Condition {
    use contribution::Column;
    match scope.scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(o) => Condition::all()
            .add(Column::OrganisationId.eq(o.organisation_id))
            .add(Column::AreaId.in_subquery(scope::areas_of_organisation(o, scope.day)))
            // Never a promise to an agenda the partner cannot read (a draft): it would learn the draft's goals
            // from it, and could agree blind (issue 17).
            .add(Column::AgendaDocumentId.in_subquery(readable_documents(scope)))
            // Nor a promise to a goal only a draft of a readable agenda holds.
            .add(goal_readable_by_partners(
                (contribution::Entity, Column::AgendaDocumentId),
                (contribution::Entity, Column::GoalKey),
            )),
    }
}

/// `SELECT id FROM documents WHERE <the scope may read it>`.
fn readable_documents(scope: ScopeOn) -> sea_orm::sea_query::SelectStatement {
    Query::select().column(document::Column::Id).from(document::Entity).cond_where(document_scope(scope)).to_owned()
}

fn filtered(scope: ScopeOn, filter: &ContributionFilter) -> sea_orm::Select<contribution::Entity> {
    use contribution::Column;
    let mut select = contribution::Entity::find().filter(contribution_scope(scope));
    if let Some(o) = filter.organisation_id {
        select = select.filter(Column::OrganisationId.eq(o));
    }
    if let Some(m) = filter.municipality_id {
        select = select.filter(Column::MunicipalityId.eq(m));
    }
    if let Some(a) = filter.area_id {
        select = select.filter(Column::AreaId.eq(a));
    }
    if let Some(d) = filter.agenda_document_id {
        select = select.filter(Column::AgendaDocumentId.eq(d));
    }
    if let Some(g) = &filter.goal_key {
        select = select.filter(Column::GoalKey.eq(g.as_str()));
    }
    if let Some(s) = filter.status {
        select = select.filter(Column::Status.eq(s.as_str()));
    }
    if let Some(d) = filter.due_before {
        select = select.filter(Column::DueDate.lt(d));
    }
    if let Some(w) = filter.withdrawn_after_commitment {
        select = select.filter(Column::WithdrawnAfterCommitment.eq(w));
    }
    if let Some(c) = filter.confidence {
        let latest = latest_check_in(check_in::Column::Confidence, (contribution::Entity, Column::Id), None);
        select = select.filter(latest.eq(c.as_str()));
    }
    select
}

/// Fills in the latest check-in of each contribution: one statement whatever their number.
async fn with_latest_check_ins<C: ConnectionTrait>(
    conn: &C,
    mut items: Vec<Contribution>,
) -> Result<Vec<Contribution>, StoreError> {
    if items.is_empty() {
        return Ok(items);
    }
    // One index lookup per contribution (`ix_check_ins_latest`): asking it of every check-in of the
    // contributions instead grew with the square of their number.
    let latest_ids = Query::select()
        .expr(latest_check_in(check_in::Column::Id, (contribution::Entity, contribution::Column::Id), None))
        .from(contribution::Entity)
        .and_where(Expr::col((contribution::Entity, contribution::Column::Id)).is_in(items.iter().map(|c| c.id)))
        .to_owned();
    let rows = check_in::Entity::find().filter(check_in::Column::Id.in_subquery(latest_ids)).all(conn).await?;
    for row in rows {
        let record = check_in_from(row)?;
        if let Some(c) = items.iter_mut().find(|c| c.id == record.contribution_id) {
            c.latest_check_in = Some(record);
        }
    }
    Ok(items)
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &ContributionFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Contribution>, StoreError> {
    let rows = keyset(filtered(scope.into(), filter), contribution::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let page = finish(rows, limit, |c| c.id);
    let next_after = page.next_after;
    let items = with_latest_check_ins(conn, page.items).await?;
    Ok(Page { items, next_after })
}

/// A contribution as a document shows it beside a goal: what is promised, by which organisation (its name),
/// and how far it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ContributionLine {
    pub id: Uuid,
    pub goal_key: String,
    pub organisation: String,
    pub title: String,
    pub status: ContributionStatus,
}

/// Every contribution the filter finds that the scope may see, as lines with the organisation's name, oldest
/// first, in one statement (a join) whatever their number.
pub async fn lines<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &ContributionFilter,
) -> Result<Vec<ContributionLine>, StoreError> {
    use contribution::Column;
    let by = contribution::Entity::belongs_to(organisation::Entity)
        .from(Column::OrganisationId)
        .to(organisation::Column::Id)
        .into();
    let rows: Vec<(Uuid, String, String, String, Option<String>)> = filtered(scope.into(), filter)
        .select_only()
        .columns([Column::Id, Column::GoalKey, Column::Title, Column::Status])
        .column_as(organisation::Column::Name, "organisation")
        .join(JoinType::LeftJoin, by)
        .order_by_asc(Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(id, goal_key, title, status, organisation)| {
            Ok(ContributionLine {
                id,
                goal_key,
                organisation: organisation.unwrap_or_default(),
                title,
                status: status_of(&status)?,
            })
        })
        .collect()
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<Contribution, StoreError> {
    with_latest_check_in(conn, row(conn, scope.into(), id, None).await?).await
}

/// As [`get`], for a change: the row is locked until the commit (on PostgreSQL; SQLite's writers take turns
/// anyway), and its latest report is read after that, so it is the latest there will be until then.
pub async fn get_to_change<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<Contribution, StoreError> {
    with_latest_check_in(conn, row(conn, scope.into(), id, Some(LockType::NoKeyUpdate)).await?).await
}

/// As [`get`], for a report on it: `latest_check_in` left `None` (a report answers with itself), and the row
/// held in share mode until the commit, so reports do not wait for each other, but a change of status waits
/// for them and they for it.
pub async fn get_to_report_on<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<Contribution, StoreError> {
    row(conn, scope.into(), id, Some(LockType::Share)).await
}

async fn row<C: ConnectionTrait>(
    conn: &C,
    scope: ScopeOn,
    id: Uuid,
    lock: Option<LockType>,
) -> Result<Contribution, StoreError> {
    let mut select = contribution::Entity::find_by_id(id).filter(contribution_scope(scope));
    if let Some(lock) = lock {
        select = select.lock(lock);
    }
    from_row(select.one(conn).await?.ok_or(StoreError::NotFound)?)
}

async fn with_latest_check_in<C: ConnectionTrait>(conn: &C, c: Contribution) -> Result<Contribution, StoreError> {
    let mut one = with_latest_check_ins(conn, vec![c]).await?;
    one.pop().ok_or(StoreError::NotFound)
}

/// The goal key and status of every contribution to an agenda document that the scope may see, for agenda
/// rule 4: all of them for the adoption, a partner's own for the readiness it is shown.
pub async fn goal_statuses<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    agenda_document_id: Uuid,
) -> Result<Vec<(String, ContributionStatus)>, StoreError> {
    let rows: Vec<(String, String)> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::GoalKey)
        .column(contribution::Column::Status)
        .filter(contribution_scope(scope.into()))
        .filter(contribution::Column::AgendaDocumentId.eq(agenda_document_id))
        .order_by_asc(contribution::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter().map(|(key, status)| Ok((key, status_of(&status)?))).collect()
}

/// The status of each of `ids` that is a contribution to an agenda of area `area_id`; an id missing from the
/// answer is no contribution of that area (a monitor may only assess its own area's).
pub async fn statuses_in_area<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, ContributionStatus)>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(Uuid, String)> = contribution::Entity::find()
        .select_only()
        .column(contribution::Column::Id)
        .column(contribution::Column::Status)
        .filter(contribution::Column::AreaId.eq(area_id))
        .filter(contribution::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter().map(|(id, status)| Ok((id, status_of(&status)?))).collect()
}

/// The ids of every contribution to an agenda document that is not withdrawn, oldest first: what a monitor
/// of that agenda assesses.
pub async fn live_ids_of_agenda<C: ConnectionTrait>(
    conn: &C,
    agenda_document_id: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(contribution::Entity::find()
        .select_only()
        .column(contribution::Column::Id)
        .filter(contribution::Column::AgendaDocumentId.eq(agenda_document_id))
        .filter(contribution::Column::Status.ne(ContributionStatus::Withdrawn.as_str()))
        .order_by_asc(contribution::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Whether an organisation has any contribution, which keeps it from being deleted.
pub async fn any_of_organisation<C: ConnectionTrait>(conn: &C, organisation_id: Uuid) -> Result<bool, StoreError> {
    let n = contribution::Entity::find()
        .filter(contribution::Column::OrganisationId.eq(organisation_id))
        .limit(1)
        .count(conn)
        .await?;
    Ok(n > 0)
}

fn active_model(c: &Contribution) -> contribution::ActiveModel {
    contribution::ActiveModel {
        id: Set(c.id),
        municipality_id: Set(c.municipality_id),
        area_id: Set(c.area_id),
        agenda_document_id: Set(c.agenda_document_id),
        goal_key: Set(c.goal_key.clone()),
        organisation_id: Set(c.organisation_id),
        title: Set(c.title.clone()),
        description: Set(c.description.clone()),
        kind: Set(c.kind.as_str().to_owned()),
        amount: Set(c.amount),
        unit: Set(c.unit.clone()),
        due_date: Set(c.due_date),
        status: Set(c.status.as_str().to_owned()),
        proposed_by: Set(c.proposed_by.as_str().to_owned()),
        committed_at: Set(c.committed_at),
        withdrawn_after_commitment: Set(c.withdrawn_after_commitment),
        created_at: Set(c.created_at),
        created_by_token: Set(c.created_by.token_id),
        created_by_name: Set(c.created_by.name.clone()),
        updated_at: Set(c.updated_at),
        revision: Set(c.revision),
    }
}

/// Proposes a contribution of `organisation_id` to a goal of `agenda`, by `side`.
pub async fn create(
    tx: &Tx,
    agenda: &Document,
    organisation_id: Uuid,
    terms: Parsed<Terms>,
    side: Side,
) -> Result<Contribution, StoreError> {
    let terms = terms.into_inner();
    let now = tx.now();
    let c = Contribution {
        id: Uuid::now_v7(),
        municipality_id: agenda.municipality_id,
        area_id: agenda.area_id,
        agenda_document_id: agenda.id,
        goal_key: terms.goal_key,
        organisation_id,
        title: terms.title,
        description: terms.description,
        kind: terms.kind,
        amount: terms.amount,
        unit: terms.unit,
        due_date: terms.due_date,
        status: ContributionStatus::Proposed,
        proposed_by: side,
        committed_at: None,
        withdrawn_after_commitment: false,
        created_at: now,
        created_by: ActorRef { token_id: tx.actor().token_id, name: tx.actor().name.clone() },
        updated_at: now,
        revision: 1,
        latest_check_in: None,
    };
    active_model(&c).insert_into(tx.conn()).await?;
    tx.record(change(EventType::ContributionProposed, &c, None, Some(&c))?).await?;
    Ok(c)
}

/// Writes `changed` over `current` when the row is still at `expected_revision`.
async fn save(
    tx: &Tx,
    current: &Contribution,
    changed: &Contribution,
    expected_revision: i64,
) -> Result<(), StoreError> {
    let result = contribution::Entity::update_many()
        .set(contribution::ActiveModel { id: sea_orm::ActiveValue::NotSet, ..active_model(changed) })
        .filter(contribution::Column::Id.eq(current.id))
        .filter(contribution::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.revision });
    }
    Ok(())
}

/// New terms, with the status and proposing side the domain decided (SPEC §6). A change that makes the
/// contribution a proposal again is published as `contribution.proposed`, and when it changes the status it
/// is a step in the history too (`change_terms`, with `reason`), whichever way it came (PATCH or CSV).
pub async fn update(
    tx: &Tx,
    current: &Contribution,
    terms: Parsed<Terms>,
    status: ContributionStatus,
    proposed_by: Side,
    reason: String,
    expected_revision: i64,
) -> Result<Contribution, StoreError> {
    let terms = terms.into_inner();
    let changed = Contribution {
        goal_key: terms.goal_key,
        title: terms.title,
        description: terms.description,
        kind: terms.kind,
        amount: terms.amount,
        unit: terms.unit,
        due_date: terms.due_date,
        status,
        proposed_by,
        updated_at: tx.now(),
        revision: current.revision + 1,
        ..current.clone()
    };
    save(tx, current, &changed, expected_revision).await?;
    if status != current.status {
        insert_step(tx, current.id, Step::ChangeTerms, current.status, status, Some(reason)).await?;
    }
    let reproposed = status == ContributionStatus::Proposed
        && (current.status != ContributionStatus::Proposed || current.proposed_by != proposed_by);
    let action = if reproposed { EventType::ContributionProposed } else { EventType::ContributionUpdated };
    tx.record(change(action, &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

/// Moves the contribution to `to` by `action`, keeps the step in its history, and publishes it.
pub async fn transition(
    tx: &Tx,
    current: &Contribution,
    action: ContributionAction,
    to: ContributionStatus,
    note: Option<String>,
    expected_revision: i64,
) -> Result<Contribution, StoreError> {
    let now = tx.now();
    let changed = Contribution {
        status: to,
        // Agreeing again after a change of terms is a new commitment, also when it lands in progress.
        committed_at: if action == ContributionAction::Agree { Some(now) } else { current.committed_at },
        // A promise broken after it was made is what the dashboard must show, so it is kept as a fact.
        withdrawn_after_commitment: to == ContributionStatus::Withdrawn && current.status.is_committed(),
        updated_at: now,
        revision: current.revision + 1,
        ..current.clone()
    };
    save(tx, current, &changed, expected_revision).await?;
    insert_step(tx, current.id, action.into(), current.status, to, note).await?;
    tx.record(change(action.event_type(), &changed, Some(current), Some(&changed))?).await?;
    Ok(changed)
}

/// Keeps one step of the history, by the acting token, at the transaction's moment.
async fn insert_step(
    tx: &Tx,
    contribution_id: Uuid,
    step: Step,
    from: ContributionStatus,
    to: ContributionStatus,
    note: Option<String>,
) -> Result<(), StoreError> {
    contribution_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        contribution_id: Set(contribution_id),
        action: Set(step.as_str().to_owned()),
        from_status: Set(from.as_str().to_owned()),
        to_status: Set(to.as_str().to_owned()),
        note: Set(note),
        at: Set(tx.now()),
        actor_token_id: Set(tx.actor().token_id),
        actor_name: Set(tx.actor().name.clone()),
    }
    .insert_into(tx.conn())
    .await
}

/// Whether the work on a contribution ever started: it was in progress once, or has a check-in. Two
/// statements of one row each.
pub async fn has_started<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<bool, StoreError> {
    let was_in_progress = contribution_transition::Entity::find()
        .filter(contribution_transition::Column::ContributionId.eq(id))
        .filter(contribution_transition::Column::ToStatus.eq(ContributionStatus::InProgress.as_str()))
        .limit(1)
        .count(conn)
        .await?;
    if was_in_progress > 0 {
        return Ok(true);
    }
    let check_ins =
        check_in::Entity::find().filter(check_in::Column::ContributionId.eq(id)).limit(1).count(conn).await?;
    Ok(check_ins > 0)
}

/// The lifecycle steps (contribution, time, status after) of these contributions, in the order taken, for
/// rebuilding their statuses at an earlier moment. One statement.
pub async fn steps_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, DateTime<Utc>, ContributionStatus)>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    use contribution_transition::Column;
    let rows: Vec<(Uuid, DateTime<Utc>, String)> = contribution_transition::Entity::find()
        .select_only()
        .columns([Column::ContributionId, Column::At, Column::ToStatus])
        .filter(Column::ContributionId.is_in(ids.iter().copied()))
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter().map(|(id, at, to)| Ok((id, at, status_of(&to)?))).collect()
}

pub async fn transitions<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Vec<ContributionTransition>, StoreError> {
    let rows = contribution_transition::Entity::find()
        .filter(contribution_transition::Column::ContributionId.eq(id))
        .order_by_asc(contribution_transition::Column::Id)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ContributionTransition {
                action: stored(&r.action)?,
                from: status_of(&r.from_status)?,
                to: status_of(&r.to_status)?,
                note: r.note,
                at: r.at,
                actor: ActorRef { token_id: r.actor_token_id, name: r.actor_name },
            })
        })
        .collect()
}

fn check_in_from(row: check_in::Model) -> Result<CheckInRecord, StoreError> {
    Ok(CheckInRecord {
        id: row.id,
        contribution_id: row.contribution_id,
        date: row.date,
        progress_percent: row.progress_percent,
        current_value: row.current_value,
        confidence: stored(&row.confidence)?,
        note: row.note,
        created_at: row.created_at,
        created_by: ActorRef { token_id: row.created_by_token, name: row.created_by_name },
    })
}

/// The check-ins of a contribution, oldest first.
pub async fn check_ins<C: ConnectionTrait>(
    conn: &C,
    contribution_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<CheckInRecord>, StoreError> {
    let select = check_in::Entity::find().filter(check_in::Column::ContributionId.eq(contribution_id));
    let rows = keyset(select, check_in::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(check_in_from).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |c| c.id))
}

pub async fn get_check_in<C: ConnectionTrait>(
    conn: &C,
    contribution_id: Uuid,
    id: Uuid,
) -> Result<CheckInRecord, StoreError> {
    let row = check_in::Entity::find_by_id(id)
        .filter(check_in::Column::ContributionId.eq(contribution_id))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    check_in_from(row)
}

/// Appends a check-in. Reports are never changed or removed, so they have no revision of their own; nor does
/// the contribution's move: its entity tag names its latest report instead ([`Contribution::tag`]). `c` must
/// have been read by [`get_to_report_on`], which holds its row until the commit.
pub async fn add_check_in(tx: &Tx, c: &Contribution, report: Parsed<CheckIn>) -> Result<CheckInRecord, StoreError> {
    let report = report.into_inner();
    let record = CheckInRecord {
        id: Uuid::now_v7(),
        contribution_id: c.id,
        date: report.date,
        progress_percent: report.progress_percent,
        current_value: report.current_value,
        confidence: report.confidence,
        note: report.note,
        created_at: tx.now(),
        created_by: ActorRef { token_id: tx.actor().token_id, name: tx.actor().name.clone() },
    };
    // Nothing in the report reads these rows back, so they are written at commit with its trail: on
    // PostgreSQL the report is then four round trips (begin, the contribution, the writes, commit).
    tx.defer(
        check_in::Entity::insert(check_in::ActiveModel {
            id: Set(record.id),
            contribution_id: Set(c.id),
            date: Set(record.date),
            progress_percent: Set(record.progress_percent),
            current_value: Set(record.current_value),
            confidence: Set(record.confidence.as_str().to_owned()),
            note: Set(record.note.clone()),
            created_at: Set(record.created_at),
            created_by_token: Set(record.created_by.token_id),
            created_by_name: Set(record.created_by.name.clone()),
        })
        .into_query(),
    );
    let path = check_in_path(c.id, record.id);
    let change = Change::of(EventType::CheckinCreated, record.id, path, None, Some(&record))?
        .in_municipality(c.municipality_id)
        .in_area(c.area_id)
        .of_organisation(c.organisation_id);
    tx.record(change).await?;
    Ok(record)
}

fn change(
    action: EventType,
    c: &Contribution,
    old: Option<&Contribution>,
    new: Option<&Contribution>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, c.id, path(c.id), old, new)?
        .in_municipality(c.municipality_id)
        .in_area(c.area_id)
        .of_organisation(c.organisation_id))
}
