//! `/api/v1/documents`: the cycle documents of an area (gebiedsanalyse, gebiedsagenda, gebiedsplan,
//! gebiedsmonitor), one per area, kind and period, each with its versions.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::content::DocumentKind;
use domain::lifecycle::VersionStatus;
use persistence::document_history::HistoryEntry;
use persistence::documents::{self as store, Document, DocumentFilter, VersionSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{ActorBody, Kind, Status, VersionBody, VersionSummaryBody};
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query, moment};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::documents::{self, NewDocument};

/// A cycle document (gebiedsanalyse, -agenda, -plan or -monitor) of one area and period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocumentBody {
    pub id: Uuid,
    pub area_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: Kind,
    /// The cycle year, for analysis, plan and monitor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// First year covered (for an agenda the start of its period; otherwise the year).
    pub period_start: i32,
    /// Last year covered.
    pub period_end: i32,
    /// The version in force (vastgestelde versie), if any.
    pub in_force: Option<VersionSummaryBody>,
    /// The version being worked on (draft or submitted), if any.
    pub open: Option<VersionSummaryBody>,
    /// The highest-numbered version the caller may see.
    pub latest: Option<VersionSummaryBody>,
    /// With `?at=`: the moment the versions are shown as of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    /// With `?at=` on one document: the version then in force, with its content (null when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force_version: Option<Option<VersionBody>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DocumentBody {
    /// The body of `doc` with the summaries of `versions` (those the caller may see, in number order).
    pub fn new(doc: &Document, versions: &[VersionSummary]) -> DocumentBody {
        let mine: Vec<&VersionSummary> = versions.iter().filter(|v| v.document_id == doc.id).collect();
        DocumentBody {
            id: doc.id,
            area_id: doc.area_id,
            municipality_id: doc.municipality_id,
            kind: doc.kind.into(),
            year: (doc.kind != DocumentKind::Agenda).then_some(doc.period_start),
            period_start: doc.period_start,
            period_end: doc.period_end,
            in_force: mine.iter().find(|v| v.status == VersionStatus::Adopted).map(|v| (*v).into()),
            open: mine.iter().find(|v| v.status.is_open()).map(|v| (*v).into()),
            latest: mine.last().map(|v| (*v).into()),
            as_of: None,
            in_force_version: None,
            created_at: doc.created_at,
            updated_at: doc.updated_at,
        }
    }
}

/// The new document and its first version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDocument {
    pub document: DocumentBody,
    pub version: VersionBody,
}

/// `{areaId, kind, year}` for an analysis, plan or monitor; `{areaId, kind: "agenda", periodStart, periodEnd?,
/// copyFrom?}` for an agenda (periodEnd defaults to the municipality's agenda period length).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDocument {
    pub area_id: Uuid,
    pub kind: Kind,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub period_start: Option<i32>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub period_end: Option<i32>,
    /// For an agenda: the id of another agenda document of the same area whose goals (those of its version in
    /// force, keys kept) the first version starts with, to carry them into the next period.
    pub copy_from: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    pub area_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub kind: Option<Kind>,
    /// Documents covering this year (an agenda covers every year of its period).
    pub year: Option<i32>,
    /// Status of the document's latest version (as it is now: not with `at`).
    pub status: Option<Status>,
    /// Answer as the documents stood at this moment (RFC 3339): those created by then, each with the versions
    /// and statuses it had then.
    #[serde(default, deserialize_with = "moment::at")]
    pub at: Option<DateTime<Utc>>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentAt {
    /// Answer as the document stood at this moment (RFC 3339): `inForce`, `open` and `latest` as they were
    /// then, and `inForceVersion` with the content then in force.
    #[serde(default, deserialize_with = "moment::at")]
    pub at: Option<DateTime<Utc>>,
}

/// List cycle documents (gebiedsdocumenten) visible to the token.
#[utoipa::path(operation_id = "listDocuments", get, path = "/api/v1/documents", tag = "documents", params(DocumentQuery),
    responses((status = 200, description = "A page of documents", body = ListResponse<DocumentBody>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<DocumentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter = DocumentFilter {
        area_id: q.area_id,
        municipality_id: q.municipality_id,
        kind: q.kind.map(Into::into),
        year: q.year,
        latest_status: q.status.map(Into::into),
        existing_at: q.at,
    };
    let (page, versions) = documents::list(state.db.conn(), &p, state.db.clock().now(), &filter, after, limit).await?;
    let page = page.map(|d| DocumentBody { as_of: q.at, ..DocumentBody::new(&d, &versions) });
    Ok(HttpResponse::Ok().json(list_response(&req, page)))
}

/// Read one document, with the version in force, the open version and the latest; `?at=` answers them as
/// they stood at that moment, with the content then in force (not found when the document did not exist yet).
#[utoipa::path(operation_id = "getDocument", get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), DocumentAt),
    responses((status = 200, description = "The document", body = DocumentBody),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    Query(q): Query<DocumentAt>,
) -> Result<HttpResponse, ApiError> {
    let now = state.db.clock().now();
    if let Some(at) = q.at {
        let (doc, versions, in_force) = documents::get_at(state.db.conn(), &p, now, id, at).await?;
        let body = DocumentBody {
            as_of: Some(at),
            in_force_version: Some(in_force.as_ref().map(Into::into)),
            ..DocumentBody::new(&doc, &versions)
        };
        return Ok(HttpResponse::Ok().json(body));
    }
    let (doc, versions) = documents::get(state.db.conn(), &p, now, id).await?;
    Ok(respond::resource(&req, doc.revision, &DocumentBody::new(&doc, &versions)))
}

/// Create a document with its first version, an empty draft (area editors of the area, its coordinator); an
/// agenda may start with the goals of another agenda of the area (`copyFrom`).
#[utoipa::path(operation_id = "createDocument", post, path = "/api/v1/documents", tag = "documents", request_body = CreateDocument,
    responses((status = 201, description = "The document and its first version", body = CreatedDocument)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateDocument>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = NewDocument {
        area_id: input.area_id,
        kind: input.kind.into(),
        year: input.year,
        period_start: input.period_start,
        period_end: input.period_end,
        copy_from: input.copy_from,
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let (doc, version) = documents::create(tx, &p, new).await?;
        let summaries = [version.summary.clone()];
        let created = CreatedDocument { document: DocumentBody::new(&doc, &summaries), version: (&version).into() };
        Created::new(&created, store::path(doc.id), doc.revision)
    })
    .await
}

/// Remove a document that was never adopted (If-Match with the document's ETag), with its versions and their
/// history; audited as `document.deleted`. Refused (409) once any version was adopted, or while contributions
/// refer to the agenda. Whoever may create the area's documents may remove one.
#[utoipa::path(operation_id = "deleteDocument", delete, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 204, description = "Removed")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(documents::remove(tx, &p, id, &if_match.0).await?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One change in a document's history (geschiedenis).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryBody {
    pub at: DateTime<Utc>,
    pub actor: ActorBody,
    /// What happened, named as in the audit trail: `document.created`, `version.created`, `version.updated`
    /// (a draft saved), `version.submitted`, `version.returned`, `version.adopted`, `version.withdrawn`,
    /// `version.superseded`, `version.deleted`.
    #[schema(example = "version.returned")]
    pub action: String,
    /// The version it concerns; null for the document itself.
    pub version: Option<i32>,
    /// The note that came with it: why it was returned or withdrawn, what a save changed.
    pub note: Option<String>,
}

impl From<&HistoryEntry> for HistoryEntryBody {
    fn from(e: &HistoryEntry) -> Self {
        HistoryEntryBody {
            at: e.at,
            actor: (&e.actor).into(),
            action: e.action.clone(),
            version: e.version_number,
            note: e.note.clone(),
        }
    }
}

/// The history of a document, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    pub results: Vec<HistoryEntryBody>,
}

/// The history of a document: its creation and every change to its versions (created, saved, submitted,
/// returned, adopted, withdrawn, superseded, deleted), oldest first, each with who, when, the version number
/// and the note. Partners see the entries of the versions they may read.
#[utoipa::path(operation_id = "getDocumentHistory", get, path = "/api/v1/documents/{id}/history", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, description = "The history, oldest first", body = HistoryList)))]
pub async fn history(state: web::Data<AppState>, Auth(p): Auth, PathId(id): PathId) -> Result<HttpResponse, ApiError> {
    let entries = documents::history(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(HttpResponse::Ok().json(HistoryList { results: entries.iter().map(Into::into).collect() }))
}
