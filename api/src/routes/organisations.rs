//! `/api/v1/organisations`: partner organisations (samenwerkingspartners), shared by the municipalities
//! they work for.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::organisation as org;
use persistence::organisations::{self as store, Organisation, OrganisationFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::organisations::{self, NewOrganisation, OrganisationChange};

/// Kind of organisation: politie, woningcorporatie, welzijn, zorg, jeugd, onderwijs, bewonersinitiatief,
/// ondernemer, gemeentelijke afdeling, overig.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Police,
    HousingCorporation,
    Welfare,
    Care,
    Youth,
    Education,
    ResidentsGroup,
    Business,
    MunicipalityDepartment,
    Other,
}

/// Kind of residents' initiative: bewonersgroep, projectcommissie, activiteitencommissie, themacommissie.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupType {
    ResidentsGroup,
    ProjectCommittee,
    ActivityCommittee,
    ThemeCommittee,
}

mirror!(
    OrganisationKind,
    org::OrganisationKind,
    [
        Police,
        HousingCorporation,
        Welfare,
        Care,
        Youth,
        Education,
        ResidentsGroup,
        Business,
        MunicipalityDepartment,
        Other
    ]
);
mirror!(GroupType, org::GroupType, [ResidentsGroup, ProjectCommittee, ActivityCommittee, ThemeCommittee]);

/// A partner organisation (samenwerkingspartner).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationResponse {
    pub id: Uuid,
    #[schema(example = "Politie Oost-Nederland")]
    pub name: String,
    pub kind: OrganisationKind,
    /// Only for residents' groups.
    pub group_type: Option<GroupType>,
    /// Whether a residents' group has a cooperation agreement (samenwerkingsovereenkomst) with the municipality.
    pub has_cooperation_agreement: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Organisation> for OrganisationResponse {
    fn from(o: &Organisation) -> Self {
        OrganisationResponse {
            id: o.id,
            name: o.name.clone(),
            kind: o.kind.into(),
            group_type: o.group_type.map(Into::into),
            has_cooperation_agreement: o.has_cooperation_agreement,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOrganisation {
    #[schema(example = "Woningcorporatie Acantus", max_length = 200, pattern = r"\S")]
    pub name: String,
    pub kind: OrganisationKind,
    /// Required for, and only for, `residents_group`.
    pub group_type: Option<GroupType>,
    /// Only for `residents_group` (default false).
    pub has_cooperation_agreement: Option<bool>,
}

/// A merge patch; the result must still be a valid organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateOrganisation {
    #[schema(max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<GroupType>)]
    pub group_type: Option<Option<GroupType>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<bool>)]
    pub has_cooperation_agreement: Option<Option<bool>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    pub kind: Option<OrganisationKind>,
    /// Only organisations taking part in an area of this municipality.
    pub municipality_id: Option<Uuid>,
    /// Only organisations taking part in this area.
    pub area_id: Option<Uuid>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// List organisations visible to the token.
#[utoipa::path(operation_id = "listOrganisations", get, path = "/api/v1/organisations", tag = "organisations", params(OrganisationQuery),
    responses((status = 200, description = "A page of organisations", body = ListResponse<OrganisationResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<OrganisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter =
        OrganisationFilter { kind: q.kind.map(Into::into), municipality_id: q.municipality_id, area_id: q.area_id };
    let page = organisations::list(state.db.conn(), &p, state.db.clock().now(), &filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|o| OrganisationResponse::from(&o)))))
}

/// Read one organisation.
#[utoipa::path(operation_id = "getOrganisation", get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, description = "The organisation", body = OrganisationResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let o = organisations::get(state.db.conn(), &p, state.db.clock().now(), id).await?;
    Ok(respond::resource(&req, o.revision, &OrganisationResponse::from(&o)))
}

/// Register a partner organisation (coordinators and administrators).
#[utoipa::path(operation_id = "createOrganisation", post, path = "/api/v1/organisations", tag = "organisations", request_body = CreateOrganisation,
    responses((status = 201, description = "Created", body = OrganisationResponse)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = NewOrganisation {
        name: input.name.clone(),
        kind: input.kind.into(),
        group_type: input.group_type.map(Into::into),
        has_cooperation_agreement: input.has_cooperation_agreement,
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let o = organisations::create(tx, &p, new).await?;
        Created::new(&OrganisationResponse::from(&o), store::path(o.id), o.revision)
    })
    .await
}

/// Change an organisation (administrators only: several municipalities share it).
#[utoipa::path(operation_id = "updateOrganisation", patch, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body(content = UpdateOrganisation, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = OrganisationResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let change = OrganisationChange {
        name: input.name.clone(),
        kind: input.kind.map(Into::into),
        group_type: input.group_type.map(|g| g.map(Into::into)),
        has_cooperation_agreement: input.has_cooperation_agreement,
    };
    let o = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(organisations::update(tx, &p, id, &if_match.0, change).await?)
    })
    .await?;
    Ok(respond::changed(o.revision, &OrganisationResponse::from(&o)))
}

/// Delete an organisation that takes part in no area and has no tokens (administrators only).
#[utoipa::path(operation_id = "deleteOrganisation", delete, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(organisations::delete(tx, &p, id, &if_match.0).await?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
