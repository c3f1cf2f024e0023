//! `/api/v1/documents/{id}/versions`: the versions of a document, their content, lifecycle (SPEC §3),
//! readiness for adoption and the difference between two versions.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::content::diff::KeyedDiff;
use domain::lifecycle::VersionAction;
use persistence::documents::{self as store, Transition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{ActorBody, Status, VersionBody};
use crate::error::{ApiError, BrokenRule};
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::versions::{self, Draft};

/// The `{id}` and `{n}` segments of a version's path.
pub struct VersionPath {
    pub document_id: Uuid,
    pub number: i32,
}

impl actix_web::FromRequest for VersionPath {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let mut errors = domain::FieldErrors::new();
        let id = req.match_info().get("id").unwrap_or_default();
        let n = req.match_info().get("n").unwrap_or_default();
        let document_id =
            Uuid::parse_str(id).map_err(|_| errors.push("id", "invalid_uuid", format!("'{id}' is not a UUID")));
        let number = n.parse::<i32>().ok().filter(|n| *n >= 1);
        if number.is_none() {
            errors.push("n", "invalid_version_number", format!("'{n}' is not a version number (1, 2, 3, …)"));
        }
        std::future::ready(match (document_id, number) {
            (Ok(document_id), Some(number)) => Ok(VersionPath { document_id, number }),
            _ => Err(errors.into()),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateVersion {
    /// The version to copy; default the one in force, else the latest.
    #[schema(minimum = 1)]
    pub based_on: Option<i32>,
}

/// The full content of a draft, replacing what it held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveVersion {
    #[schema(schema_with = crate::openapi::content_schema)]
    pub content: serde_json::Value,
    /// What changed, in the writer's words (wijzigingsnotitie).
    #[schema(max_length = 2000)]
    pub change_note: Option<String>,
}

/// Lifecycle action: indienen (submit), terugsturen (return), vaststellen (adopt), intrekken (withdraw).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Named apart from the contributions' `Action` and transition types: one component name, one shape.
#[schema(as = VersionAction)]
pub enum Action {
    Submit,
    Return,
    Adopt,
    Withdraw,
}

impl From<Action> for VersionAction {
    fn from(a: Action) -> Self {
        match a {
            Action::Submit => VersionAction::Submit,
            Action::Return => VersionAction::Return,
            Action::Adopt => VersionAction::Adopt,
            Action::Withdraw => VersionAction::Withdraw,
        }
    }
}

impl From<VersionAction> for Action {
    fn from(a: VersionAction) -> Self {
        match a {
            VersionAction::Submit => Action::Submit,
            VersionAction::Return => Action::Return,
            VersionAction::Adopt => Action::Adopt,
            VersionAction::Withdraw => Action::Withdraw,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = VersionTransitionRequest)]
pub struct TransitionRequest {
    pub action: Action,
    /// Why; required for `return` and `withdraw`.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// One step in a version's history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = VersionTransitionBody)]
pub struct TransitionBody {
    pub version: i32,
    pub action: Action,
    pub from: Status,
    pub to: Status,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub actor: ActorBody,
}

impl From<&Transition> for TransitionBody {
    fn from(t: &Transition) -> Self {
        TransitionBody {
            version: t.version_number,
            action: t.action.into(),
            from: t.from.into(),
            to: t.to.into(),
            note: t.note.clone(),
            at: t.at,
            actor: (&t.actor).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VersionTransitionList)]
pub struct TransitionList {
    pub results: Vec<TransitionBody>,
}

/// Whether a version can be adopted now (gereed voor vaststelling), and why not.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessBody {
    pub ready: bool,
    /// Rules that block adoption.
    pub blocking: Vec<BrokenRule>,
    /// Things worth fixing that do not block adoption.
    pub warnings: Vec<BrokenRule>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The version to compare with; the patch turns its content into this version's.
    #[param(minimum = 1)]
    pub against: i32,
    /// `patch` (default): an RFC 6902 JSON Patch; `keyed`: goals, results, measures and assessments added,
    /// removed or changed, by key, with the changed fields' old and new values.
    pub format: Option<DiffFormat>,
}

/// How a diff is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffFormat {
    #[default]
    Patch,
    Keyed,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// List the versions of a document (partners see adopted versions, and submitted agenda versions).
#[utoipa::path(operation_id = "listVersions", get, path = "/api/v1/documents/{id}/versions", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), VersionQuery),
    responses((status = 200, description = "A page of versions, oldest first", body = ListResponse<VersionBody>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    Query(q): Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = versions::list(state.db.conn(), &p, state.db.clock().now(), id, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|v| VersionBody::from(&v)))))
}

/// Start a new version (draft) as a copy of another; refused while the document has an open version.
#[utoipa::path(operation_id = "createVersion", post, path = "/api/v1/documents/{id}/versions", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id")), request_body = CreateVersion,
    responses((status = 201, description = "The new draft", body = VersionBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    key: IdempotencyKey,
    body: Body<CreateVersion>,
) -> Result<HttpResponse, ApiError> {
    let based_on = body.value.based_on;
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let v = versions::create(tx, &p, id, based_on).await?;
        Created::new(&VersionBody::from(&v), store::version_path(id, v.summary.number), v.summary.revision)
    })
    .await
}

/// Read one version with its content.
#[utoipa::path(operation_id = "getVersion", get, path = "/api/v1/documents/{id}/versions/{n}", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    responses((status = 200, description = "The version", body = VersionBody),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    path: VersionPath,
) -> Result<HttpResponse, ApiError> {
    let read = versions::get_settled(&state.db, &p, state.db.clock().now(), path.document_id, path.number).await?;
    let v = &read.1;
    Ok(respond::resource(&req, v.summary.revision, &VersionBody::from(v)))
}

/// Save the content of a draft (If-Match). Content is typed by the document's kind and checked whole.
#[utoipa::path(operation_id = "saveVersion", put, path = "/api/v1/documents/{id}/versions/{n}", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    request_body = SaveVersion,
    responses((status = 200, description = "Saved", body = VersionBody)))]
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    path: VersionPath,
    if_match: IfMatch,
    body: Body<SaveVersion>,
) -> Result<HttpResponse, ApiError> {
    let Body { value: SaveVersion { content, change_note }, .. } = body;
    let draft = Draft { content, change_note };
    let v = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(versions::save(tx, &p, path.document_id, path.number, &if_match.0, draft).await?)
    })
    .await?;
    Ok(respond::changed(v.summary.revision, &VersionBody::from(&v)))
}

/// Delete a draft (If-Match). The only version of a document is withdrawn instead.
#[utoipa::path(operation_id = "deleteVersion", delete, path = "/api/v1/documents/{id}/versions/{n}", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    path: VersionPath,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(versions::delete(tx, &p, path.document_id, path.number, &if_match.0).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Submit, return, adopt or withdraw a version (If-Match with the version's ETag). Adopting checks the
/// cross-stage rules and supersedes the version in force in the same transaction.
#[utoipa::path(operation_id = "transitionVersion", post, path = "/api/v1/documents/{id}/versions/{n}/transitions", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    request_body = TransitionRequest,
    responses((status = 200, description = "The version after the transition", body = VersionBody)))]
pub async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    path: VersionPath,
    if_match: IfMatch,
    body: Body<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let action: VersionAction = body.value.action.into();
    let note = body.value.note.as_deref();
    let v = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(versions::transition(tx, &p, path.document_id, path.number, &if_match.0, action, note).await?)
    })
    .await?;
    Ok(respond::changed(v.summary.revision, &VersionBody::from(&v)))
}

/// The history of a version: every transition with who, when, from, to and note.
#[utoipa::path(operation_id = "listVersionTransitions", get, path = "/api/v1/documents/{id}/versions/{n}/transitions", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    responses((status = 200, description = "The transitions, oldest first", body = TransitionList)))]
pub async fn history(state: web::Data<AppState>, Auth(p): Auth, path: VersionPath) -> Result<HttpResponse, ApiError> {
    let transitions =
        versions::history(state.db.conn(), &p, state.db.clock().now(), path.document_id, path.number).await?;
    Ok(HttpResponse::Ok().json(TransitionList { results: transitions.iter().map(Into::into).collect() }))
}

/// Whether the version could be adopted now: the rules that block it and warnings. Changes nothing.
///
/// A partner is told only what its own contributions do to the adoption: nothing about other organisations'
/// contributions, goals without a partner or the area's analysis.
#[utoipa::path(operation_id = "getVersionReadiness", get, path = "/api/v1/documents/{id}/versions/{n}/readiness", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number")),
    responses((status = 200, description = "Blocking problems and warnings", body = ReadinessBody)))]
pub async fn readiness(state: web::Data<AppState>, Auth(p): Auth, path: VersionPath) -> Result<HttpResponse, ApiError> {
    let r = versions::readiness(state.db.conn(), &p, state.db.clock().now(), path.document_id, path.number).await?;
    Ok(HttpResponse::Ok().json(ReadinessBody {
        ready: r.is_ready(),
        blocking: r.blocking.iter().map(Into::into).collect(),
        warnings: r.warnings.iter().map(Into::into).collect(),
    }))
}

/// One operation of an RFC 6902 JSON Patch.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchOperation {
    #[schema(example = "replace")]
    pub op: String,
    #[schema(example = "/goals/0/title")]
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Any JSON value: the part of the content that is added or replaced.
    #[schema(value_type = serde_json::Value)]
    pub value: Option<serde_json::Value>,
}

/// What changed between two versions (the yearly adjustment of an agenda, say), from version `against` to
/// version `n`: an RFC 6902 JSON Patch, or with `format=keyed` the goals, results, measures and assessments
/// added, removed or changed, named by key, which people can read.
#[utoipa::path(operation_id = "diffVersions", get, path = "/api/v1/documents/{id}/versions/{n}/diff", tag = "documents",
    params(("id" = Uuid, Path, description = "Document id"), ("n" = i32, Path, minimum = 1, description = "Version number"), DiffQuery),
    responses((status = 200, description = "The JSON Patch (`application/json-patch+json`), or with `format=keyed` the keyed diff (`application/json`)", content(
        (Vec<PatchOperation> = "application/json-patch+json"),
        (KeyedDiff = "application/json")))))]
pub async fn diff(
    state: web::Data<AppState>,
    Auth(p): Auth,
    path: VersionPath,
    Query(q): Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = state.db.clock().now();
    if q.format.unwrap_or_default() == DiffFormat::Keyed {
        let diff = versions::keyed_diff(state.db.conn(), &p, now, path.document_id, path.number, q.against).await?;
        return Ok(HttpResponse::Ok().json(diff));
    }
    let (from, to) = versions::pair(state.db.conn(), &p, now, path.document_id, path.number, q.against).await?;
    let patch = json_patch::diff(&from.content, &to.content);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json-patch+json"))
        .body(serde_json::to_string(&patch).map_err(|e| ApiError::Internal(e.to_string()))?))
}
