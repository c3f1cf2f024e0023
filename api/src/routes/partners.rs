//! `/api/v1/areas/{id}/partners`: the organisations taking part in an area (gebiedspartners).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, PathIds, Query};
use crate::pagination::{ListResponse, PageQuery, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::partners::{self, NamedPartner, NewPartner, PartnershipChange};

/// An organisation taking part in an area (gebiedspartner).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerResponse {
    pub area_id: Uuid,
    pub organisation_id: Uuid,
    /// The organisation's name, beside its id.
    #[schema(read_only)]
    pub organisation_name: String,
    /// First day of the partnership.
    pub since: Option<NaiveDate>,
    /// Last day of the partnership.
    pub until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&NamedPartner> for PartnerResponse {
    fn from(named: &NamedPartner) -> Self {
        let p = &named.partner;
        PartnerResponse {
            area_id: p.area_id,
            organisation_id: p.organisation_id,
            organisation_name: named.organisation_name.clone(),
            since: p.since,
            until: p.until,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddPartner {
    pub organisation_id: Uuid,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// A merge patch of the partnership's dates; null clears a date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdatePartner {
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub since: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub until: Option<Option<NaiveDate>>,
}

/// List the partners of an area (gebiedspartners).
#[utoipa::path(operation_id = "listAreaPartners", get, path = "/api/v1/areas/{id}/partners", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id"), PageQuery),
    responses((status = 200, description = "A page of the area's partners", body = ListResponse<PartnerResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(area_id): PathId,
    Query(q): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = partners::list(state.db.conn(), &p, state.db.clock().now(), area_id, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|x| PartnerResponse::from(&x)))))
}

/// Read one partnership of an area.
#[utoipa::path(operation_id = "getAreaPartner", get, path = "/api/v1/areas/{id}/partners/{organisationId}", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id"), ("organisationId" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, description = "The partnership", body = PartnerResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathIds(area_id, org_id): PathIds,
) -> Result<HttpResponse, ApiError> {
    let x = partners::get(state.db.conn(), &p, state.db.clock().now(), area_id, org_id).await?;
    Ok(respond::resource(&req, x.partner.revision, &PartnerResponse::from(&x)))
}

/// Add an organisation as partner of an area (the municipality's coordinator or an administrator).
#[utoipa::path(operation_id = "addAreaPartner", post, path = "/api/v1/areas/{id}/partners", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id")), request_body = AddPartner,
    responses((status = 201, description = "Added", body = PartnerResponse)))]
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(area_id): PathId,
    key: IdempotencyKey,
    body: Body<AddPartner>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = NewPartner { organisation_id: input.organisation_id, since: input.since, until: input.until };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let x = partners::add(tx, &p, area_id, new).await?;
        let location = format!("/api/v1/areas/{}/partners/{}", x.partner.area_id, x.partner.organisation_id);
        Created::new(&PartnerResponse::from(&x), location, x.partner.revision)
    })
    .await
}

/// Change the dates of a partnership.
#[utoipa::path(operation_id = "updateAreaPartner", patch, path = "/api/v1/areas/{id}/partners/{organisationId}", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id"), ("organisationId" = Uuid, Path, description = "Organisation id")),
    request_body(content = UpdatePartner, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = PartnerResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathIds(area_id, org_id): PathIds,
    if_match: IfMatch,
    body: Body<UpdatePartner>,
) -> Result<HttpResponse, ApiError> {
    let change = PartnershipChange { since: body.value.since, until: body.value.until };
    let x = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(partners::update(tx, &p, area_id, org_id, &if_match.0, change).await?)
    })
    .await?;
    Ok(respond::changed(x.partner.revision, &PartnerResponse::from(&x)))
}

/// Remove an organisation from an area.
#[utoipa::path(operation_id = "removeAreaPartner", delete, path = "/api/v1/areas/{id}/partners/{organisationId}", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id"), ("organisationId" = Uuid, Path, description = "Organisation id")),
    responses((status = 204, description = "Removed")))]
pub async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathIds(area_id, org_id): PathIds,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(partners::remove(tx, &p, area_id, org_id, &if_match.0).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
