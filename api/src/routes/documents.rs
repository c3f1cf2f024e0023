//! `/api/v1/documents`: the cycle documents of an area (gebiedsanalyse, gebiedsagenda, gebiedsplan,
//! gebiedsmonitor), one per area, kind and period, each with its versions.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::FieldErrors;
use domain::access::ReadScope;
use domain::content::{Content, DocumentKind};
use domain::lifecycle::{self, VersionStatus};
use persistence::documents::{self as store, ActorRef, Document, DocumentFilter, Version, VersionSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::cycle;
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;

/// Stage of the gebiedscyclus: gebiedsanalyse, gebiedsagenda, gebiedsplan, gebiedsmonitor.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
// Named apart from the contributions' `Kind`: two components of one name overwrite each other in the document.
#[schema(as = DocumentKind)]
pub enum Kind {
    Analysis,
    Agenda,
    Plan,
    Monitor,
}

impl From<Kind> for DocumentKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Analysis => DocumentKind::Analysis,
            Kind::Agenda => DocumentKind::Agenda,
            Kind::Plan => DocumentKind::Plan,
            Kind::Monitor => DocumentKind::Monitor,
        }
    }
}

impl From<DocumentKind> for Kind {
    fn from(k: DocumentKind) -> Self {
        match k {
            DocumentKind::Analysis => Kind::Analysis,
            DocumentKind::Agenda => Kind::Agenda,
            DocumentKind::Plan => Kind::Plan,
            DocumentKind::Monitor => Kind::Monitor,
        }
    }
}

/// Status of a version: concept (draft), ingediend (submitted), vastgesteld (adopted), vervallen
/// (superseded), ingetrokken (withdrawn).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
// Named apart from the contributions' `Status` (see `Kind`).
#[schema(as = VersionStatus)]
pub enum Status {
    Draft,
    Submitted,
    Adopted,
    Superseded,
    Withdrawn,
}

impl From<VersionStatus> for Status {
    fn from(s: VersionStatus) -> Self {
        match s {
            VersionStatus::Draft => Status::Draft,
            VersionStatus::Submitted => Status::Submitted,
            VersionStatus::Adopted => Status::Adopted,
            VersionStatus::Superseded => Status::Superseded,
            VersionStatus::Withdrawn => Status::Withdrawn,
        }
    }
}

impl From<Status> for VersionStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Draft => VersionStatus::Draft,
            Status::Submitted => VersionStatus::Submitted,
            Status::Adopted => VersionStatus::Adopted,
            Status::Superseded => VersionStatus::Superseded,
            Status::Withdrawn => VersionStatus::Withdrawn,
        }
    }
}

/// Who did something: the token and its name at the time.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActorBody {
    pub token_id: Option<Uuid>,
    pub name: String,
}

impl From<&ActorRef> for ActorBody {
    fn from(a: &ActorRef) -> Self {
        ActorBody { token_id: a.token_id, name: a.name.clone() }
    }
}

/// A version (versie) without its content.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionSummaryBody {
    #[schema(example = 2)]
    pub number: i32,
    pub status: Status,
    /// What changed, in the writer's words (wijzigingsnotitie).
    pub change_note: Option<String>,
    /// The version this one was copied from.
    pub based_on: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: ActorBody,
    pub updated_at: DateTime<Utc>,
    /// When it was adopted (vastgesteld).
    pub adopted_at: Option<DateTime<Utc>>,
    pub adopted_by: Option<ActorBody>,
    /// When a later version replaced it.
    pub superseded_at: Option<DateTime<Utc>>,
}

impl From<&VersionSummary> for VersionSummaryBody {
    fn from(v: &VersionSummary) -> Self {
        VersionSummaryBody {
            number: v.number,
            status: v.status.into(),
            change_note: v.change_note.clone(),
            based_on: v.based_on,
            created_at: v.created_at,
            created_by: (&v.created_by).into(),
            updated_at: v.updated_at,
            adopted_at: v.adopted_at,
            adopted_by: v.adopted_by.as_ref().map(Into::into),
            superseded_at: v.superseded_at,
        }
    }
}

/// A version (versie) with its full content, typed by the document's kind.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionBody {
    pub document_id: Uuid,
    #[serde(flatten)]
    pub summary: VersionSummaryBody,
    /// The content of the version: an analysis, agenda, plan or monitor, as the document's kind says.
    #[schema(schema_with = crate::openapi::content_schema)]
    pub content: serde_json::Value,
}

impl From<&Version> for VersionBody {
    fn from(v: &Version) -> Self {
        VersionBody { document_id: v.summary.document_id, summary: (&v.summary).into(), content: v.content.clone() }
    }
}

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
    /// With `?at=`: the moment `inForce` refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
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

/// `{areaId, kind, year}` for an analysis, plan or monitor; `{areaId, kind: "agenda", periodStart, periodEnd?}`
/// for an agenda (periodEnd defaults to the municipality's agenda period length).
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
    /// Status of the document's latest version.
    pub status: Option<Status>,
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
    /// Answer as of this moment: `inForce` is the version that was in force then.
    pub at: Option<DateTime<Utc>>,
}

pub const YEARS: (i32, i32) = (2000, 2100);
pub const AGENDA_MAX_YEARS: i32 = 10;

fn check_year(errors: &mut FieldErrors, name: &str, year: i32) {
    if !(YEARS.0..=YEARS.1).contains(&year) {
        errors.push(name, "out_of_range", format!("must be between {} and {}", YEARS.0, YEARS.1));
    }
}

/// The period a new document covers, from the request and the municipality's agenda period length.
fn period(input: &CreateDocument, agenda_years: i32) -> Result<(i32, i32), ApiError> {
    let mut errors = FieldErrors::new();
    let result = if input.kind == Kind::Agenda {
        if input.year.is_some() {
            errors.push("year", "not_allowed", "an agenda covers periodStart..periodEnd, not one year");
        }
        match input.period_start {
            None => {
                errors.push("periodStart", "required", "an agenda needs the first year of its period");
                (0, 0)
            }
            Some(start) => {
                check_year(&mut errors, "periodStart", start);
                let end = input.period_end.unwrap_or(start + agenda_years - 1);
                check_year(&mut errors, "periodEnd", end);
                if end < start {
                    errors.push("periodEnd", "before_period_start", "must not lie before periodStart");
                } else if end - start + 1 > AGENDA_MAX_YEARS {
                    errors.push("periodEnd", "too_long", format!("an agenda covers at most {AGENDA_MAX_YEARS} years"));
                }
                (start, end)
            }
        }
    } else {
        for (name, given) in [("periodStart", input.period_start), ("periodEnd", input.period_end)] {
            if given.is_some() {
                errors.push(name, "not_allowed", "only an agenda has a period; give year");
            }
        }
        match input.year {
            None => {
                errors.push("year", "required", "an analysis, plan or monitor covers one year");
                (0, 0)
            }
            Some(year) => {
                check_year(&mut errors, "year", year);
                (year, year)
            }
        }
    };
    errors.into_result(result).map_err(ApiError::from)
}

/// The body of one document as the caller may see it.
pub async fn document_body<C: persistence::ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    doc: &Document,
) -> Result<DocumentBody, ApiError> {
    let versions = store::summaries(conn, scope, &[doc]).await?;
    Ok(DocumentBody::new(doc, &versions))
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
    let scope = ReadScope::of(&p);
    let filter = DocumentFilter {
        area_id: q.area_id,
        municipality_id: q.municipality_id,
        kind: q.kind.map(Into::into),
        year: q.year,
        latest_status: q.status.map(Into::into),
    };
    let page = store::list(state.db.conn(), scope, &filter, after, limit).await?;
    let docs: Vec<&Document> = page.items.iter().collect();
    let versions = store::summaries(state.db.conn(), scope, &docs).await?;
    let page = page.map(|d| DocumentBody::new(&d, &versions));
    Ok(HttpResponse::Ok().json(list_response(&req, page)))
}

/// Read one document, with the version in force, the open version and the latest; `?at=` answers which
/// version was in force at that moment.
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
    let scope = ReadScope::of(&p);
    let doc = store::get(state.db.conn(), scope, id).await?;
    let mut body = document_body(state.db.conn(), scope, &doc).await?;
    if let Some(at) = q.at {
        let then = store::in_force_at(state.db.conn(), &doc, at).await?;
        let visible = store::summaries(state.db.conn(), scope, &[&doc]).await?;
        body.in_force = then.filter(|t| visible.iter().any(|v| v.number == t.number)).as_ref().map(Into::into);
        body.as_of = Some(at);
        return Ok(HttpResponse::Ok().json(body));
    }
    Ok(respond::resource(&req, doc.revision, &body))
}

/// Create a document with its first version, an empty draft (area editors of the area, its coordinator).
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
    let scope = ReadScope::of(&p);
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let area = persistence::areas::get(tx.conn(), scope, input.area_id).await.map_err(|e| match e {
            persistence::StoreError::NotFound => ApiError::invalid_one("areaId", "unknown", "no such area"),
            other => other.into(),
        })?;
        lifecycle::may_write(&p, area.municipality_id, area.id)?;
        let municipality = persistence::municipalities::get(tx.conn(), ReadScope::All, area.municipality_id).await?;
        let (start, end) = period(input, municipality.calendar.agenda_period_years)?;
        let kind: DocumentKind = input.kind.into();
        let empty = cycle::content_json(&Content::empty(kind))?;
        let (doc, version) = store::create(tx, &area, kind, start, end, empty).await?;
        let summaries = [version.summary.clone()];
        let created = CreatedDocument { document: DocumentBody::new(&doc, &summaries), version: (&version).into() };
        Created::new(&created, store::path(doc.id), doc.revision)
    })
    .await
}
