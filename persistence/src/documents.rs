//! Cycle documents (one per area, kind and period) and their versions.
//!
//! What must hold under concurrency is decided by the database: `document_years` is unique per
//! (area, kind, year), partial unique indexes allow one open and one adopted version per document, and
//! every change to a document's versions updates the document row on the revision it read, so of two
//! concurrent changes one wins and the other is told to retry.

use chrono::{DateTime, Utc};
use domain::Parsed;
use domain::access::{ReadScope, ScopeOn};
use domain::content::{Content, DocumentKind};
use domain::document::{self as rules, Holder, year_taken};
use domain::event::EventType;
use domain::lifecycle::{VersionAction, VersionStatus};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::areas::Area;
use crate::entity::{area, contribution, document, document_year, version, version_transition};
use crate::error::{StoreError, stored};
use crate::page::{Page, finish, keyset};
use crate::scope;
use crate::tx::{Change, InsertInto, Tx};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: Uuid,
    pub area_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: DocumentKind,
    pub period_start: i32,
    pub period_end: i32,
    pub last_number: i32,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who did something, as recorded at the time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorRef {
    pub token_id: Option<Uuid>,
    pub name: String,
}

/// A version without its content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionSummary {
    pub id: Uuid,
    pub document_id: Uuid,
    pub number: i32,
    pub status: VersionStatus,
    pub change_note: Option<String>,
    pub based_on: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorRef,
    pub updated_at: DateTime<Utc>,
    pub adopted_at: Option<DateTime<Utc>>,
    pub adopted_by: Option<ActorRef>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    #[serde(flatten)]
    pub summary: VersionSummary,
    /// The kind of its document, which says what shape `content` has. Not part of the audit trail's record of
    /// the version: it never changes.
    #[serde(skip)]
    pub kind: DocumentKind,
    pub content: Value,
    /// Why it was last sent back to draft, if it ever was. Not part of the audit trail's record of the version:
    /// the return itself is there, with its note, in the version's history.
    #[serde(skip)]
    pub return_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub version_number: i32,
    pub action: VersionAction,
    pub from: VersionStatus,
    pub to: VersionStatus,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub actor: ActorRef,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub area_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub kind: Option<DocumentKind>,
    /// Documents covering this year.
    pub year: Option<i32>,
    pub latest_status: Option<VersionStatus>,
    /// Only documents created by then (time travel).
    pub existing_at: Option<DateTime<Utc>>,
}

pub(crate) fn kind_of(text: &str) -> Result<DocumentKind, StoreError> {
    stored(text)
}

fn status_of(text: &str) -> Result<VersionStatus, StoreError> {
    stored(text)
}

pub(crate) fn document_from(row: document::Model) -> Result<Document, StoreError> {
    Ok(Document {
        id: row.id,
        area_id: row.area_id,
        municipality_id: row.municipality_id,
        kind: kind_of(&row.kind)?,
        period_start: row.period_start,
        period_end: row.period_end,
        last_number: row.last_number,
        revision: row.revision,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    document_id: Uuid,
    number: i32,
    status: String,
    change_note: Option<String>,
    based_on: Option<i32>,
    created_at: DateTime<Utc>,
    created_by_token: Option<Uuid>,
    created_by_name: String,
    updated_at: DateTime<Utc>,
    adopted_at: Option<DateTime<Utc>>,
    adopted_by_token: Option<Uuid>,
    adopted_by_name: Option<String>,
    superseded_at: Option<DateTime<Utc>>,
    revision: i64,
}

fn summary_from(row: SummaryRow) -> Result<VersionSummary, StoreError> {
    Ok(VersionSummary {
        id: row.id,
        document_id: row.document_id,
        number: row.number,
        status: status_of(&row.status)?,
        change_note: row.change_note,
        based_on: row.based_on,
        created_at: row.created_at,
        created_by: ActorRef { token_id: row.created_by_token, name: row.created_by_name },
        updated_at: row.updated_at,
        adopted_at: row.adopted_at,
        adopted_by: row.adopted_by_name.map(|name| ActorRef { token_id: row.adopted_by_token, name }),
        superseded_at: row.superseded_at,
        revision: row.revision,
    })
}

/// Versions without their content, which a summary does not need and which can be large.
fn select_summaries() -> sea_orm::Select<version::Entity> {
    version::Entity::find().select_only().columns([
        version::Column::Id,
        version::Column::DocumentId,
        version::Column::Number,
        version::Column::Status,
        version::Column::ChangeNote,
        version::Column::BasedOn,
        version::Column::CreatedAt,
        version::Column::CreatedByToken,
        version::Column::CreatedByName,
        version::Column::UpdatedAt,
        version::Column::AdoptedAt,
        version::Column::AdoptedByToken,
        version::Column::AdoptedByName,
        version::Column::SupersededAt,
        version::Column::Revision,
    ])
}

pub(crate) fn version_from(row: version::Model, kind: DocumentKind) -> Result<Version, StoreError> {
    let content = row.content.clone();
    let return_note = row.return_note.clone();
    let summary = summary_from(SummaryRow {
        id: row.id,
        document_id: row.document_id,
        number: row.number,
        status: row.status,
        change_note: row.change_note,
        based_on: row.based_on,
        created_at: row.created_at,
        created_by_token: row.created_by_token,
        created_by_name: row.created_by_name,
        updated_at: row.updated_at,
        adopted_at: row.adopted_at,
        adopted_by_token: row.adopted_by_token,
        adopted_by_name: row.adopted_by_name,
        superseded_at: row.superseded_at,
        revision: row.revision,
    })?;
    Ok(Version { summary, kind, content, return_note })
}

pub fn path(id: Uuid) -> String {
    format!("/api/v1/documents/{id}")
}

pub fn version_path(document_id: Uuid, number: i32) -> String {
    format!("/api/v1/documents/{document_id}/versions/{number}")
}

/// A partner reads documents of the areas it takes part in on the scope's day, but never analyses (SPEC §7).
pub(crate) fn document_scope(scope: ScopeOn) -> Condition {
    match scope.scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(document::Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(o) => Condition::all()
            .add(document::Column::AreaId.in_subquery(scope::areas_of_organisation(o, scope.day)))
            .add(document::Column::Kind.ne(DocumentKind::Analysis.as_str()))
            .add(
                Condition::any()
                    .add(has_version_with_status(&[VersionStatus::Adopted, VersionStatus::Superseded]))
                    .add(
                        Condition::all()
                            .add(document::Column::Kind.eq(DocumentKind::Agenda.as_str()))
                            .add(has_version_with_status(&[VersionStatus::Submitted])),
                    ),
            ),
    }
}

/// `EXISTS (SELECT 1 FROM versions WHERE document_id = documents.id AND status IN (…))`: a document shows to a
/// partner only once it has a version the partner may read. Correlated, so each document is one index lookup
/// on `(document_id, number)`; as `id IN (SELECT document_id …)` PostgreSQL hashed every version of every
/// municipality per query (180 ms on the large set, and a partner's contribution list under load took seconds).
fn has_version_with_status(statuses: &[VersionStatus]) -> sea_orm::sea_query::SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(version::Entity)
            .and_where(
                Expr::col((version::Entity, version::Column::DocumentId))
                    .equals((document::Entity, document::Column::Id)),
            )
            .and_where(Expr::col((version::Entity, version::Column::Status)).is_in(statuses.iter().map(|s| s.as_str())))
            .to_owned(),
    )
}

/// A partner reads adopted (and formerly adopted) versions, and submitted agenda versions; never drafts.
/// What a partner reads of a document's versions: what was adopted, and of an agenda also what is put to it
/// before adoption.
fn partner_statuses(kind: DocumentKind) -> Vec<VersionStatus> {
    let mut visible = vec![VersionStatus::Adopted, VersionStatus::Superseded];
    if kind == DocumentKind::Agenda {
        visible.push(VersionStatus::Submitted);
    }
    visible
}

fn version_visibility(scope: ReadScope, kind: DocumentKind) -> Condition {
    match scope {
        ReadScope::PartnerOrganisation(_) => Condition::all()
            .add(version::Column::Status.is_in(partner_statuses(kind).into_iter().map(VersionStatus::as_str))),
        _ => Condition::all(),
    }
}

/// Whether the scope reads a version of `kind` in `status`: for a version as it stood at an earlier moment,
/// whose status then is not the one stored.
pub fn version_visible(scope: ReadScope, kind: DocumentKind, status: VersionStatus) -> bool {
    match scope {
        ReadScope::PartnerOrganisation(_) => partner_statuses(kind).contains(&status),
        _ => true,
    }
}

/// One step in a version's lifecycle, for rebuilding its status at an earlier moment.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionStep {
    pub document_id: Uuid,
    pub version_number: i32,
    pub at: DateTime<Utc>,
    pub to: VersionStatus,
}

/// The lifecycle steps of these documents' versions, in the order they were taken. One statement.
pub async fn version_steps<C: ConnectionTrait>(
    conn: &C,
    document_ids: &[Uuid],
) -> Result<Vec<VersionStep>, StoreError> {
    if document_ids.is_empty() {
        return Ok(vec![]);
    }
    use version_transition::Column;
    let rows: Vec<(Uuid, i32, DateTime<Utc>, String)> = version_transition::Entity::find()
        .select_only()
        .columns([Column::DocumentId, Column::VersionNumber, Column::At, Column::ToStatus])
        .filter(Column::DocumentId.is_in(document_ids.iter().copied()))
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(document_id, version_number, at, to)| {
            Ok(VersionStep { document_id, version_number, at, to: status_of(&to)? })
        })
        .collect()
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    filter: &DocumentFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Document>, StoreError> {
    let mut select = document::Entity::find().filter(document_scope(scope.into()));
    if let Some(a) = filter.area_id {
        select = select.filter(document::Column::AreaId.eq(a));
    }
    if let Some(m) = filter.municipality_id {
        select = select.filter(document::Column::MunicipalityId.eq(m));
    }
    if let Some(k) = filter.kind {
        select = select.filter(document::Column::Kind.eq(k.as_str()));
    }
    if let Some(y) = filter.year {
        select = select.filter(document::Column::PeriodStart.lte(y)).filter(document::Column::PeriodEnd.gte(y));
    }
    if let Some(s) = filter.latest_status {
        select = select.filter(document::Column::LatestStatus.eq(s.as_str()));
    }
    if let Some(at) = filter.existing_at {
        select = select.filter(document::Column::CreatedAt.lte(at));
    }
    let rows = keyset(select, document::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(document_from).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |d| d.id))
}

pub async fn get<C: ConnectionTrait>(conn: &C, scope: impl Into<ScopeOn>, id: Uuid) -> Result<Document, StoreError> {
    let row = document::Entity::find_by_id(id)
        .filter(document_scope(scope.into()))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    document_from(row)
}

/// A document with the name of its area, each as the scope may read it (the area's own scope decides the name,
/// as reading the area would), in one statement: the document page's first read.
pub async fn get_with_area_name<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
) -> Result<(Document, String), StoreError> {
    let scope = scope.into();
    let area_name = Query::select()
        .column((area::Entity, area::Column::Name))
        .from(area::Entity)
        .and_where(Expr::col((area::Entity, area::Column::Id)).equals((document::Entity, document::Column::AreaId)))
        .cond_where(scope::areas(scope))
        .to_owned();
    let row = document::Entity::find_by_id(id)
        .filter(document_scope(scope))
        .column_as(Expr::SubQuery(None, Box::new(area_name.into())), "area_name")
        .into_model::<WithAreaName>()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((document_from(row.document)?, row.area_name.ok_or(StoreError::NotFound)?))
}

struct WithAreaName {
    document: document::Model,
    area_name: Option<String>,
}

impl FromQueryResult for WithAreaName {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(WithAreaName {
            document: document::Model::from_query_result(row, pre)?,
            area_name: row.try_get(pre, "area_name")?,
        })
    }
}

/// The documents of these areas that cover `year`, one per area and kind at most. One statement.
pub async fn covering_year<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_ids: &[Uuid],
    year: i32,
) -> Result<Vec<Document>, StoreError> {
    if area_ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = document::Entity::find()
        .filter(document_scope(scope.into()))
        .filter(document::Column::AreaId.is_in(area_ids.iter().copied()))
        .filter(document::Column::PeriodStart.lte(year))
        .filter(document::Column::PeriodEnd.gte(year))
        .filter(holds_its_years())
        .all(conn)
        .await?;
    rows.into_iter().map(document_from).collect()
}

/// The summaries of the versions of these documents that the scope may see, in number order.
pub async fn summaries<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    documents: &[&Document],
) -> Result<Vec<VersionSummary>, StoreError> {
    if documents.is_empty() {
        return Ok(vec![]);
    }
    let scope = scope.into().scope;
    let mut visibility = Condition::any();
    for kind in [DocumentKind::Analysis, DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor] {
        let ids: Vec<Uuid> = documents.iter().filter(|d| d.kind == kind).map(|d| d.id).collect();
        if !ids.is_empty() {
            visibility = visibility
                .add(Condition::all().add(version::Column::DocumentId.is_in(ids)).add(version_visibility(scope, kind)));
        }
    }
    let rows = select_summaries()
        .filter(visibility)
        .order_by_asc(version::Column::Number)
        .into_model::<SummaryRow>()
        .all(conn)
        .await?;
    rows.into_iter().map(summary_from).collect()
}

pub async fn list_versions<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    doc: &Document,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Version>, StoreError> {
    let select = version::Entity::find()
        .filter(version::Column::DocumentId.eq(doc.id))
        .filter(version_visibility(scope.into().scope, doc.kind));
    let rows = keyset(select, version::Column::Id, after, limit).all(conn).await?;
    let rows = rows.into_iter().map(|r| version_from(r, doc.kind)).collect::<Result<Vec<_>, _>>()?;
    Ok(finish(rows, limit, |v| v.summary.id))
}

/// A document and one of its versions, as the scope may read them, in one statement: reading a version is
/// the most frequent request, and each statement is a round trip (see the benchmark in the README).
pub async fn get_with_version<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    id: Uuid,
    number: i32,
) -> Result<(Document, Version), StoreError> {
    let scope = scope.into();
    let (row, doc) = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(version::Column::DocumentId.eq(id))
        .filter(version::Column::Number.eq(number))
        .filter(document_scope(scope))
        .filter(joined_version_visibility(scope.scope))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let doc = document_from(doc.ok_or(StoreError::NotFound)?)?;
    let kind = doc.kind;
    Ok((doc, version_from(row, kind)?))
}

/// The version in force of every document of `kind` in an area that the scope may read, in one statement
/// (whoever may read a document may read its version in force): what the results charts are drawn from.
pub async fn in_force_in_area<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_id: Uuid,
    kind: DocumentKind,
) -> Result<Vec<(Document, Version)>, StoreError> {
    let rows = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(document::Column::AreaId.eq(area_id))
        .filter(document::Column::Kind.eq(kind.as_str()))
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .filter(document_scope(scope.into()))
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(row, doc)| {
            let doc = document_from(doc.ok_or(StoreError::NotFound)?)?;
            let version = version_from(row, doc.kind)?;
            Ok((doc, version))
        })
        .collect()
}

/// `version_visibility` for a query that joins the document, so the kind comes from the row.
fn joined_version_visibility(scope: ReadScope) -> Condition {
    match scope {
        ReadScope::PartnerOrganisation(_) => Condition::any()
            .add(version::Column::Status.is_in([VersionStatus::Adopted.as_str(), VersionStatus::Superseded.as_str()]))
            .add(
                Condition::all()
                    .add(document::Column::Kind.eq(DocumentKind::Agenda.as_str()))
                    .add(version::Column::Status.eq(VersionStatus::Submitted.as_str())),
            ),
        _ => Condition::all(),
    }
}

/// The versions of `doc` with these numbers that the scope may read, with their content, in number order. One
/// statement; a number the scope may not read is left out.
pub async fn get_versions<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    doc: &Document,
    numbers: &[i32],
) -> Result<Vec<Version>, StoreError> {
    if numbers.is_empty() {
        return Ok(vec![]);
    }
    let rows = version::Entity::find()
        .filter(version::Column::DocumentId.eq(doc.id))
        .filter(version::Column::Number.is_in(numbers.iter().copied()))
        .filter(version_visibility(scope.into().scope, doc.kind))
        .order_by_asc(version::Column::Number)
        .all(conn)
        .await?;
    rows.into_iter().map(|r| version_from(r, doc.kind)).collect()
}

pub async fn get_version<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    doc: &Document,
    number: i32,
) -> Result<Version, StoreError> {
    let row = version::Entity::find()
        .filter(version::Column::DocumentId.eq(doc.id))
        .filter(version::Column::Number.eq(number))
        .filter(version_visibility(scope.into().scope, doc.kind))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    version_from(row, doc.kind)
}

/// The version of `kind` in force for `area` in `year`, with its document. One statement: the readiness rules
/// ask it of the agenda and the plan, on every document page.
pub async fn in_force_covering<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    kind: DocumentKind,
    year: i32,
) -> Result<Option<(Document, Version)>, StoreError> {
    let found = version::Entity::find()
        .find_also_related(document::Entity)
        .filter(document::Column::AreaId.eq(area_id))
        .filter(document::Column::Kind.eq(kind.as_str()))
        .filter(document::Column::PeriodStart.lte(year))
        .filter(document::Column::PeriodEnd.gte(year))
        .filter(holds_its_years())
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .one(conn)
        .await?;
    let Some((row, Some(doc))) = found else { return Ok(None) };
    let doc = document_from(doc)?;
    let version = version_from(row, doc.kind)?;
    Ok(Some((doc, version)))
}

/// The years in `from..=to` for which the area has an adopted analysis.
pub async fn adopted_analysis_years<C: ConnectionTrait>(
    conn: &C,
    area_id: Uuid,
    from: i32,
    to: i32,
) -> Result<Vec<i32>, StoreError> {
    let years: Vec<i32> = document::Entity::find()
        .select_only()
        .column(document::Column::PeriodStart)
        .filter(document::Column::AreaId.eq(area_id))
        .filter(document::Column::Kind.eq(DocumentKind::Analysis.as_str()))
        .filter(document::Column::PeriodStart.between(from, to))
        .filter(has_version_with_status(&[VersionStatus::Adopted]))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(years)
}

/// The version that was in force at `at`, if any.
pub async fn in_force_at<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    at: DateTime<Utc>,
) -> Result<Option<VersionSummary>, StoreError> {
    let summaries = summaries(conn, ReadScope::All, &[doc]).await?;
    Ok(summaries.into_iter().find(|v| v.adopted_at.is_some_and(|a| a <= at) && v.superseded_at.is_none_or(|s| s > at)))
}

pub async fn transitions<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    number: Option<i32>,
) -> Result<Vec<Transition>, StoreError> {
    let mut select = version_transition::Entity::find().filter(version_transition::Column::DocumentId.eq(doc.id));
    if let Some(n) = number {
        select = select.filter(version_transition::Column::VersionNumber.eq(n));
    }
    transitions_from(select, conn).await
}

/// The transitions of these versions of `doc`, oldest first, in one statement (the document page shows the
/// history of each version it shows).
pub async fn transitions_of<C: ConnectionTrait>(
    conn: &C,
    doc: &Document,
    numbers: &[i32],
) -> Result<Vec<Transition>, StoreError> {
    if numbers.is_empty() {
        return Ok(vec![]);
    }
    let select = version_transition::Entity::find()
        .filter(version_transition::Column::DocumentId.eq(doc.id))
        .filter(version_transition::Column::VersionNumber.is_in(numbers.iter().copied()));
    transitions_from(select, conn).await
}

async fn transitions_from<C: ConnectionTrait>(
    select: sea_orm::Select<version_transition::Entity>,
    conn: &C,
) -> Result<Vec<Transition>, StoreError> {
    let rows = select.order_by_asc(version_transition::Column::Id).all(conn).await?;
    rows.into_iter()
        .map(|r| {
            let action: VersionAction = stored(&r.action)?;
            Ok(Transition {
                version_number: r.version_number,
                action,
                from: status_of(&r.from_status)?,
                to: status_of(&r.to_status)?,
                note: r.note,
                at: r.at,
                actor: ActorRef { token_id: r.actor_token_id, name: r.actor_name },
            })
        })
        .collect()
}

/// Creates a document with its first version, a draft with `content`.
pub async fn create(
    tx: &Tx,
    area: &Area,
    kind: DocumentKind,
    period_start: i32,
    period_end: i32,
    content: &Parsed<Content>,
) -> Result<(Document, Version), StoreError> {
    let content = serde_json::to_value(&**content)?;
    let now = tx.now();
    let doc = Document {
        id: Uuid::now_v7(),
        area_id: area.id,
        municipality_id: area.municipality_id,
        kind,
        period_start,
        period_end,
        last_number: 1,
        revision: 1,
        created_at: now,
        updated_at: now,
    };
    document::ActiveModel {
        id: Set(doc.id),
        area_id: Set(doc.area_id),
        municipality_id: Set(doc.municipality_id),
        kind: Set(kind.as_str().to_owned()),
        period_start: Set(period_start),
        period_end: Set(period_end),
        last_number: Set(1),
        latest_status: Set(VersionStatus::Draft.as_str().to_owned()),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert_into(tx.conn())
    .await?;
    claim_years(tx, &doc).await?;
    tx.record(change(EventType::DocumentCreated, &doc, doc.id, path(doc.id), None, Some(&doc))?).await?;
    let version = insert_version(tx, &doc, 1, content, None, None).await?;
    Ok((doc, version))
}

/// Takes a row per covered year for `doc`; the unique index on (area, kind, year) keeps two documents from
/// holding one year, also when two requests race. A year already held is told by its cause.
async fn claim_years(tx: &Tx, doc: &Document) -> Result<(), StoreError> {
    let taken = document_year::Entity::find()
        .filter(document_year::Column::AreaId.eq(doc.area_id))
        .filter(document_year::Column::Kind.eq(doc.kind.as_str()))
        .filter(document_year::Column::Year.between(doc.period_start, doc.period_end))
        .filter(document_year::Column::DocumentId.ne(doc.id))
        .one(tx.conn())
        .await?;
    if let Some(taken) = taken {
        let holder =
            document::Entity::find_by_id(taken.document_id).one(tx.conn()).await?.ok_or(StoreError::NotFound)?;
        let holder =
            Holder { document_id: holder.id, period_start: holder.period_start, period_end: holder.period_end };
        return Err(StoreError::Conflict(year_taken(doc.kind, doc.period_start, doc.period_end, &holder)));
    }
    for year in doc.period_start..=doc.period_end {
        document_year::ActiveModel {
            id: Set(Uuid::now_v7()),
            document_id: Set(doc.id),
            area_id: Set(doc.area_id),
            kind: Set(doc.kind.as_str().to_owned()),
            year: Set(year),
        }
        .insert_into(tx.conn())
        .await?;
    }
    Ok(())
}

/// Whether `doc` holds its years now (it has its rows in `document_years`).
async fn holding_years(tx: &Tx, doc: &Document) -> Result<bool, StoreError> {
    let rows = document_year::Entity::find()
        .filter(document_year::Column::DocumentId.eq(doc.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    Ok(rows > 0)
}

/// `EXISTS (SELECT 1 FROM document_years WHERE document_id = documents.id)`: the document holds its years. One
/// whose every version was withdrawn gave them back and no longer stands for its stage in a year (board,
/// dashboard, deadlines, the agenda or plan in force). Correlated, so it is one index lookup per document: as
/// `id IN (SELECT document_id FROM document_years)` SQLite built the set of every document of every
/// municipality for each statement (some 250 ms a document page on the large set under load).
pub(crate) fn holds_its_years() -> sea_orm::sea_query::SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(document_year::Entity)
            .and_where(
                Expr::col((document_year::Entity, document_year::Column::DocumentId))
                    .equals((document::Entity, document::Column::Id)),
            )
            .to_owned(),
    )
}

/// The status of every version of `doc`, by number.
async fn statuses(tx: &Tx, doc: &Document) -> Result<Vec<(i32, VersionStatus)>, StoreError> {
    let rows: Vec<(i32, String)> = version::Entity::find()
        .select_only()
        .columns([version::Column::Number, version::Column::Status])
        .filter(version::Column::DocumentId.eq(doc.id))
        .order_by_asc(version::Column::Number)
        .into_tuple()
        .all(tx.conn())
        .await?;
    rows.into_iter().map(|(n, s)| Ok((n, status_of(&s)?))).collect()
}

/// Removes a document that was never adopted, with its versions and their history, on the revision the
/// client read. Contributions to it keep it: they are a record of promises made.
pub async fn remove(tx: &Tx, doc: &Document, expected_revision: i64) -> Result<(), StoreError> {
    if doc.revision != expected_revision {
        return Err(StoreError::Stale { current: doc.revision });
    }
    rules::may_remove(&statuses(tx, doc).await?).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let promises = contribution::Entity::find()
        .filter(contribution::Column::AgendaDocumentId.eq(doc.id))
        .limit(1)
        .count(tx.conn())
        .await?;
    if promises > 0 {
        return Err(StoreError::Conflict(
            "contributions were made to this agenda and stay on record, so the agenda stays too; withdraw its open \
             version instead"
                .into(),
        ));
    }
    version_transition::Entity::delete_many()
        .filter(version_transition::Column::DocumentId.eq(doc.id))
        .exec(tx.conn())
        .await?;
    agenda_goal::Entity::delete_many().filter(agenda_goal::Column::DocumentId.eq(doc.id)).exec(tx.conn()).await?;
    version::Entity::delete_many().filter(version::Column::DocumentId.eq(doc.id)).exec(tx.conn()).await?;
    document_year::Entity::delete_many().filter(document_year::Column::DocumentId.eq(doc.id)).exec(tx.conn()).await?;
    let result = document::Entity::delete_many()
        .filter(document::Column::Id.eq(doc.id))
        .filter(document::Column::Revision.eq(expected_revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: doc.revision });
    }
    tx.forget_document(doc.id).await?;
    tx.record(change(EventType::DocumentDeleted, doc, doc.id, path(doc.id), Some(doc), None)?).await
}

async fn insert_version(
    tx: &Tx,
    doc: &Document,
    number: i32,
    content: Value,
    based_on: Option<i32>,
    change_note: Option<String>,
) -> Result<Version, StoreError> {
    let now = tx.now();
    let actor = ActorRef { token_id: tx.actor().token_id, name: tx.actor().name.clone() };
    let v = Version {
        summary: VersionSummary {
            id: Uuid::now_v7(),
            document_id: doc.id,
            number,
            status: VersionStatus::Draft,
            change_note,
            based_on,
            created_at: now,
            created_by: actor.clone(),
            updated_at: now,
            adopted_at: None,
            adopted_by: None,
            superseded_at: None,
            revision: 1,
        },
        kind: doc.kind,
        content,
        return_note: None,
    };
    version::ActiveModel {
        id: Set(v.summary.id),
        document_id: Set(doc.id),
        number: Set(number),
        status: Set(VersionStatus::Draft.as_str().to_owned()),
        content: Set(v.content.clone()),
        change_note: Set(v.summary.change_note.clone()),
        based_on: Set(based_on),
        created_at: Set(now),
        created_by_token: Set(actor.token_id),
        created_by_name: Set(actor.name),
        updated_at: Set(now),
        adopted_at: Set(None),
        adopted_by_token: Set(None),
        adopted_by_name: Set(None),
        superseded_at: Set(None),
        revision: Set(1),
        return_note: Set(None),
    }
    .insert_into(tx.conn())
    .await?;
    write_goal_keys(tx, doc, &v).await?;
    tx.record(change(EventType::VersionCreated, doc, v.summary.id, version_path(doc.id, number), None, Some(&v))?)
        .await?;
    Ok(v)
}

/// Writes the goal keys of an agenda version as rows, in place of those it had (see [`agenda_goal`]).
async fn write_goal_keys(tx: &Tx, doc: &Document, v: &Version) -> Result<(), StoreError> {
    if doc.kind != DocumentKind::Agenda {
        return Ok(());
    }
    agenda_goal::Entity::delete_many().filter(agenda_goal::Column::VersionId.eq(v.summary.id)).exec(tx.conn()).await?;
    let rows = goal_rows(v.summary.id, doc.id, &v.content);
    if !rows.is_empty() {
        agenda_goal::Entity::insert_many(rows).exec_without_returning(tx.conn()).await?;
    }
    Ok(())
}

/// The `agenda_goals` rows of an agenda version's content: one a goal key.
pub(crate) fn goal_rows(version_id: Uuid, document_id: Uuid, content: &Value) -> Vec<agenda_goal::ActiveModel> {
    let keys: std::collections::BTreeSet<&str> =
        content["goals"].as_array().into_iter().flatten().filter_map(|g| g["key"].as_str()).collect();
    keys.into_iter()
        .map(|key| agenda_goal::ActiveModel {
            version_id: Set(version_id),
            document_id: Set(document_id),
            goal_key: Set(key.to_owned()),
        })
        .collect()
}

/// Whether the goal `key_column` of agenda `document_column` is in a version a partner may read (submitted,
/// adopted or superseded): a partner learns of no goal that only a draft holds.
pub(crate) fn goal_readable_by_partners(
    document_column: impl sea_orm::sea_query::IntoColumnRef,
    key_column: impl sea_orm::sea_query::IntoColumnRef,
) -> sea_orm::sea_query::SimpleExpr {
    let readable = [VersionStatus::Submitted, VersionStatus::Adopted, VersionStatus::Superseded];
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(agenda_goal::Entity)
            .inner_join(
                version::Entity,
                Expr::col((version::Entity, version::Column::Id))
                    .equals((agenda_goal::Entity, agenda_goal::Column::VersionId)),
            )
            .and_where(Expr::col((agenda_goal::Entity, agenda_goal::Column::DocumentId)).equals(document_column))
            .and_where(Expr::col((agenda_goal::Entity, agenda_goal::Column::GoalKey)).equals(key_column))
            .and_where(Expr::col((version::Entity, version::Column::Status)).is_in(readable.iter().map(|s| s.as_str())))
            .to_owned(),
    )
}

/// Moves the document on from the revision `doc` was read at; of two concurrent changes only one can.
async fn bump_document(
    tx: &Tx,
    doc: &Document,
    last_number: i32,
    latest_status: VersionStatus,
) -> Result<(), StoreError> {
    let result = document::Entity::update_many()
        .col_expr(document::Column::LastNumber, Expr::value(last_number))
        .col_expr(document::Column::LatestStatus, Expr::value(latest_status.as_str()))
        .col_expr(document::Column::Revision, Expr::value(doc.revision + 1))
        .col_expr(document::Column::UpdatedAt, Expr::value(tx.now()))
        .filter(document::Column::Id.eq(doc.id))
        .filter(document::Column::Revision.eq(doc.revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Conflict(
            "the document was changed at the same time by another request; read it again and retry".into(),
        ));
    }
    Ok(())
}

/// Moves the document's revision on for a change that the lock on one of its versions already guards
/// against a concurrent one (a draft save: its version's update waits for any other change of that version
/// and then finds its revision moved on). It changes no number and no status, and nothing reads it back in
/// the transaction, so it is written at commit with the trail.
fn touch_document(tx: &Tx, doc: &Document) {
    tx.defer(
        document::Entity::update_many()
            .col_expr(document::Column::Revision, Expr::col(document::Column::Revision).add(1))
            .col_expr(document::Column::UpdatedAt, Expr::value(tx.now()))
            .filter(document::Column::Id.eq(doc.id))
            .into_query(),
    );
}

/// The status of the document's highest-numbered version, after a change.
async fn latest_status(tx: &Tx, doc: &Document) -> Result<VersionStatus, StoreError> {
    let status: Option<String> = version::Entity::find()
        .select_only()
        .column(version::Column::Status)
        .filter(version::Column::DocumentId.eq(doc.id))
        .order_by_desc(version::Column::Number)
        .into_tuple()
        .one(tx.conn())
        .await?;
    status.as_deref().map(status_of).transpose().map(|s| s.unwrap_or(VersionStatus::Draft))
}

async fn open_version(tx: &Tx, doc: &Document) -> Result<Option<i32>, StoreError> {
    Ok(version::Entity::find()
        .select_only()
        .column(version::Column::Number)
        .filter(version::Column::DocumentId.eq(doc.id))
        .filter(version::Column::Status.is_in([VersionStatus::Draft.as_str(), VersionStatus::Submitted.as_str()]))
        .into_tuple()
        .one(tx.conn())
        .await?)
}

/// Starts a new draft as a copy of `source`. Refused while another version is open.
/// Starts version `last + 1` from `source`: with `content` when given, else with the source's content as stored.
pub async fn create_version(
    tx: &Tx,
    doc: &Document,
    source: &Version,
    content: Option<&Parsed<Content>>,
) -> Result<Version, StoreError> {
    if let Some(open) = open_version(tx, doc).await? {
        return Err(StoreError::Conflict(format!(
            "version {open} is still open (draft or submitted); a document has one open version at a time"
        )));
    }
    // A document whose every version was withdrawn gave its years back; working on it again takes them again,
    // if no other document took them meanwhile.
    if !holding_years(tx, doc).await? {
        claim_years(tx, doc).await?;
    }
    let number = doc.last_number + 1;
    bump_document(tx, doc, number, VersionStatus::Draft).await?;
    let content = match content {
        Some(content) => serde_json::to_value(&**content)?,
        None => source.content.clone(),
    };
    insert_version(tx, doc, number, content, Some(source.summary.number), None).await
}

/// Saves new content into a draft, based on the revision the client read.
pub async fn update_draft(
    tx: &Tx,
    doc: &Document,
    current: &Version,
    content: &Parsed<Content>,
    change_note: Option<String>,
    expected_revision: i64,
) -> Result<Version, StoreError> {
    if !current.summary.status.is_editable() {
        return Err(StoreError::Conflict(format!(
            "version {} is {}; only drafts change",
            current.summary.number,
            current.summary.status.as_str()
        )));
    }
    let mut changed = current.clone();
    changed.content = serde_json::to_value(&**content)?;
    changed.summary.change_note = change_note;
    changed.summary.revision = current.summary.revision + 1;
    changed.summary.updated_at = tx.now();
    let result = version::Entity::update_many()
        .col_expr(version::Column::Content, Expr::value(changed.content.clone()))
        .col_expr(version::Column::ChangeNote, Expr::value(changed.summary.change_note.clone()))
        .col_expr(version::Column::Revision, Expr::value(changed.summary.revision))
        .col_expr(version::Column::UpdatedAt, Expr::value(changed.summary.updated_at))
        .filter(version::Column::Id.eq(current.summary.id))
        .filter(version::Column::Revision.eq(expected_revision))
        .filter(version::Column::Status.eq(VersionStatus::Draft.as_str()))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.summary.revision });
    }
    write_goal_keys(tx, doc, &changed).await?;
    // Saving content changes no version's number or status, so the document's stay what they were.
    touch_document(tx, doc);
    tx.record(change(
        EventType::VersionUpdated,
        doc,
        current.summary.id,
        version_path(doc.id, current.summary.number),
        Some(current),
        Some(&changed),
    )?)
    .await?;
    Ok(changed)
}

/// Deletes a draft. The document keeps at least one version: its only draft is withdrawn instead.
pub async fn delete_draft(
    tx: &Tx,
    doc: &Document,
    current: &Version,
    expected_revision: i64,
) -> Result<(), StoreError> {
    if !current.summary.status.is_editable() {
        return Err(StoreError::Conflict(format!(
            "version {} is {}; only drafts can be deleted",
            current.summary.number,
            current.summary.status.as_str()
        )));
    }
    let versions = version::Entity::find().filter(version::Column::DocumentId.eq(doc.id)).count(tx.conn()).await?;
    if versions <= 1 {
        return Err(StoreError::Conflict("this is the document's only version; withdraw it instead".into()));
    }
    agenda_goal::Entity::delete_many()
        .filter(agenda_goal::Column::VersionId.eq(current.summary.id))
        .exec(tx.conn())
        .await?;
    let result = version::Entity::delete_many()
        .filter(version::Column::Id.eq(current.summary.id))
        .filter(version::Column::Revision.eq(expected_revision))
        .filter(version::Column::Status.eq(VersionStatus::Draft.as_str()))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.summary.revision });
    }
    let latest = latest_status(tx, doc).await?;
    bump_document(tx, doc, doc.last_number, latest).await?;
    tx.record(change(
        EventType::VersionDeleted,
        doc,
        current.summary.id,
        version_path(doc.id, current.summary.number),
        Some(current),
        None,
    )?)
    .await
}

/// Applies a transition the domain allowed (`from` → `to`). Adopting supersedes the version in force in
/// the same transaction, with its own audit and domain event (`version.superseded`); the partial unique
/// index guarantees that one version is in force afterwards.
pub async fn transition(
    tx: &Tx,
    doc: &Document,
    current: &Version,
    action: VersionAction,
    to: VersionStatus,
    note: Option<String>,
) -> Result<Version, StoreError> {
    let now = tx.now();
    let from = current.summary.status;
    let superseded = match action {
        VersionAction::Adopt => supersede_in_force(tx, doc).await?,
        VersionAction::Submit | VersionAction::Return | VersionAction::Withdraw => None,
    };
    let mut update = version::Entity::update_many()
        .col_expr(version::Column::Status, Expr::value(to.as_str()))
        .col_expr(version::Column::Revision, Expr::value(current.summary.revision + 1))
        .col_expr(version::Column::UpdatedAt, Expr::value(now));
    if action == VersionAction::Return {
        update = update.col_expr(version::Column::ReturnNote, Expr::value(note.clone()));
    }
    if action == VersionAction::Adopt {
        update = update
            .col_expr(version::Column::AdoptedAt, Expr::value(now))
            .col_expr(version::Column::AdoptedByToken, Expr::value(tx.actor().token_id))
            .col_expr(version::Column::AdoptedByName, Expr::value(tx.actor().name.clone()));
    }
    let result = update
        .filter(version::Column::Id.eq(current.summary.id))
        // Every change bumps the revision, so this also holds the status: a transition that raced another is
        // stale (412), as a contribution's is.
        .filter(version::Column::Revision.eq(current.summary.revision))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Stale { current: current.summary.revision });
    }
    version_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        document_id: Set(doc.id),
        version_number: Set(current.summary.number),
        action: Set(action.as_str().to_owned()),
        from_status: Set(from.as_str().to_owned()),
        to_status: Set(to.as_str().to_owned()),
        note: Set(note),
        at: Set(now),
        actor_token_id: Set(tx.actor().token_id),
        actor_name: Set(tx.actor().name.clone()),
    }
    .insert_into(tx.conn())
    .await?;
    if action == VersionAction::Withdraw
        && !rules::holds_its_years(statuses(tx, doc).await?.into_iter().map(|(_, s)| s))
    {
        document_year::Entity::delete_many()
            .filter(document_year::Column::DocumentId.eq(doc.id))
            .exec(tx.conn())
            .await?;
    }
    let latest = latest_status(tx, doc).await?;
    bump_document(tx, doc, doc.last_number, latest).await?;
    // A transition is the only change to a version that can alter an adopted or superseded one (an adoption
    // supersedes the version in force), so versions kept in memory are forgotten here (and on removal).
    tx.forget_document(doc.id).await?;
    let row = version::Entity::find_by_id(current.summary.id).one(tx.conn()).await?.ok_or(StoreError::NotFound)?;
    let changed = version_from(row, doc.kind)?;
    let mut changes = vec![change(
        action.event_type(),
        doc,
        current.summary.id,
        version_path(doc.id, current.summary.number),
        Some(&current.summary),
        Some(&changed.summary),
    )?];
    if let Some((old, new)) = superseded {
        let path = version_path(doc.id, old.number);
        changes.push(change(EventType::VersionSuperseded, doc, old.id, path, Some(&old), Some(&new))?);
    }
    tx.record_all(changes).await?;
    Ok(changed)
}

/// Supersedes the document's version in force, if it has one, and answers its summary before and after.
/// It is read first, without its content, so that its audit event holds the state it had.
async fn supersede_in_force(tx: &Tx, doc: &Document) -> Result<Option<(VersionSummary, VersionSummary)>, StoreError> {
    let in_force = select_summaries()
        .filter(version::Column::DocumentId.eq(doc.id))
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .into_model::<SummaryRow>()
        .one(tx.conn())
        .await?;
    let Some(old) = in_force.map(summary_from).transpose()? else { return Ok(None) };
    let new = VersionSummary {
        status: VersionStatus::Superseded,
        superseded_at: Some(tx.now()),
        revision: old.revision + 1,
        ..old.clone()
    };
    let result = version::Entity::update_many()
        .col_expr(version::Column::Status, Expr::value(new.status.as_str()))
        .col_expr(version::Column::SupersededAt, Expr::value(new.superseded_at))
        .col_expr(version::Column::Revision, Expr::value(new.revision))
        .filter(version::Column::Id.eq(old.id))
        .filter(version::Column::Status.eq(VersionStatus::Adopted.as_str()))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 0 {
        return Err(StoreError::Conflict(format!(
            "version {} was superseded at the same time by another adoption; read the document again",
            old.number
        )));
    }
    Ok(Some((old, new)))
}

fn change<T: Serialize>(
    action: EventType,
    doc: &Document,
    resource_id: Uuid,
    resource_path: String,
    old: Option<&T>,
    new: Option<&T>,
) -> Result<Change, StoreError> {
    Ok(Change::of(action, resource_id, resource_path, old, new)?
        .in_municipality(doc.municipality_id)
        .in_area(doc.area_id))
}

/// The goal keys of each agenda version, one row a key, so SQL can ask whether a goal is in a version someone
/// may read. Written with the version's content; only this repository writes it.
pub(crate) mod agenda_goal {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "agenda_goals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub goal_key: String,
        pub document_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
