//! `/api/v1/areas`: areas (gebieden) and the localities (kernen, wijken) they cluster.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::area::{AreaDefinition, Locality};
use persistence::areas::{self as store, Area, AreaFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::areas::{self, AreaChange, NewArea};

/// A locality of an area: a kern (village) or wijk (neighbourhood).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalityBody {
    #[schema(example = "Geldermalsen", max_length = 200, pattern = r"\S")]
    pub name: String,
    /// CBS wijkcode (`WK` + 6 digits) or buurtcode (`BU` + 8 digits).
    #[schema(example = "WK196001", pattern = r"^(WK[0-9]{6}|BU[0-9]{8})$")]
    #[serde(default)]
    pub cbs_code: Option<String>,
}

fn localities(body: &[LocalityBody]) -> Vec<Locality> {
    body.iter().map(|l| Locality { name: l.name.clone(), cbs_code: l.cbs_code.clone() }).collect()
}

/// An area (gebied) of a municipality.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaResponse {
    pub id: Uuid,
    pub municipality_id: Uuid,
    #[schema(example = "Gebied Oost")]
    pub name: String,
    /// Unique within the municipality.
    #[schema(example = "WB-OOST")]
    pub code: String,
    pub localities: Vec<LocalityBody>,
    /// First day of this area division.
    pub valid_from: Option<NaiveDate>,
    /// Last day of this area division.
    pub valid_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Area> for AreaResponse {
    fn from(a: &Area) -> Self {
        AreaResponse {
            id: a.id,
            municipality_id: a.municipality_id,
            name: a.name.clone(),
            code: a.code.clone(),
            localities: a
                .localities
                .iter()
                .map(|l| LocalityBody { name: l.name.clone(), cbs_code: l.cbs_code.clone() })
                .collect(),
            valid_from: a.valid_from,
            valid_until: a.valid_until,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateArea {
    pub municipality_id: Uuid,
    #[schema(example = "Gebied Oost", max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(example = "WB-OOST", pattern = "^[A-Z0-9][A-Z0-9-]{0,31}$")]
    pub code: String,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub localities: Vec<LocalityBody>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// A merge patch: fields left out stay; `validFrom`/`validUntil` null make the validity open-ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateArea {
    #[schema(max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[schema(pattern = "^[A-Z0-9][A-Z0-9-]{0,31}$")]
    pub code: Option<String>,
    #[schema(max_items = 100)]
    pub localities: Option<Vec<LocalityBody>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_until: Option<Option<NaiveDate>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    pub municipality_id: Option<Uuid>,
    /// Only the area with this code.
    pub code: Option<String>,
    /// Only areas whose validity includes this date.
    pub valid_on: Option<NaiveDate>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// List areas (gebieden) visible to the token.
#[utoipa::path(operation_id = "listAreas", get, path = "/api/v1/areas", tag = "areas", params(AreaQuery),
    responses((status = 200, description = "A page of areas", body = ListResponse<AreaResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<AreaQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter = AreaFilter { municipality_id: q.municipality_id, code: q.code, valid_on: q.valid_on };
    let page = areas::list(state.db.conn(), &p, state.db.clock().now(), &filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|a| AreaResponse::from(&a)))))
}

/// Read one area (gebied).
#[utoipa::path(operation_id = "getArea", get, path = "/api/v1/areas/{id}", tag = "areas", params(("id" = Uuid, Path, description = "Area id")),
    responses((status = 200, description = "The area", body = AreaResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let a = areas::get(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(respond::resource(&req, a.revision, &AreaResponse::from(&a)))
}

/// Create an area (gebied) in a municipality (its coordinator or an administrator).
#[utoipa::path(operation_id = "createArea", post, path = "/api/v1/areas", tag = "areas", request_body = CreateArea,
    responses((status = 201, description = "Created", body = AreaResponse)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateArea>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = NewArea {
        municipality_id: input.municipality_id,
        area: AreaDefinition {
            name: input.name.clone(),
            code: input.code.clone(),
            localities: localities(&input.localities),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
        },
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let a = areas::create(tx, &p, new).await?;
        Created::new(&AreaResponse::from(&a), store::path(a.id), a.revision)
    })
    .await
}

/// Change an area (gebied): its name, code, localities or validity.
#[utoipa::path(operation_id = "updateArea", patch, path = "/api/v1/areas/{id}", tag = "areas", params(("id" = Uuid, Path, description = "Area id")),
    request_body(content = UpdateArea, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = AreaResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateArea>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let change = AreaChange {
        name: input.name.clone(),
        code: input.code.clone(),
        localities: input.localities.as_deref().map(localities),
        valid_from: input.valid_from,
        valid_until: input.valid_until,
    };
    let a =
        respond::in_transaction(&state, &req, &p, async |tx| Ok(areas::update(tx, &p, id, &if_match.0, change).await?))
            .await?;
    Ok(respond::changed(a.revision, &AreaResponse::from(&a)))
}

/// Delete an area (gebied) that has no partners and no editor tokens.
#[utoipa::path(operation_id = "deleteArea", delete, path = "/api/v1/areas/{id}", tag = "areas", params(("id" = Uuid, Path, description = "Area id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(areas::delete(tx, &p, id, &if_match.0).await?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
