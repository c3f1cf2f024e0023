//! `/api/v1/api-tokens`: bearer tokens, each with one role and its scope (SPEC §7).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::principal::Role as DomainRole;
use domain::token::TokenRequest;
use persistence::api_tokens::{ApiToken, TokenFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::api_tokens::{self, TokenChange};

/// Role of a token: beheerder (admin), opgaveregisseur (coordinator), gebiedsmedewerker (area_editor),
/// samenwerkingspartner (partner), meelezer/dashboard (viewer).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    AreaEditor,
    Partner,
    Viewer,
}

impl From<Role> for DomainRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => DomainRole::Admin,
            Role::Coordinator => DomainRole::Coordinator,
            Role::AreaEditor => DomainRole::AreaEditor,
            Role::Partner => DomainRole::Partner,
            Role::Viewer => DomainRole::Viewer,
        }
    }
}

impl From<DomainRole> for Role {
    fn from(r: DomainRole) -> Self {
        match r {
            DomainRole::Admin => Role::Admin,
            DomainRole::Coordinator => Role::Coordinator,
            DomainRole::AreaEditor => Role::AreaEditor,
            DomainRole::Partner => Role::Partner,
            DomainRole::Viewer => Role::Viewer,
        }
    }
}

/// An API token (without its secret, which is shown only once, on creation).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenResponse {
    pub id: Uuid,
    #[schema(example = "Dashboard gemeenteraad")]
    pub name: String,
    pub role: Role,
    /// For coordinator, area_editor and viewer tokens; for a partner token the one municipality it reaches,
    /// that of the coordinator who issued it (null: issued by an administrator, it reaches every
    /// municipality where its organisation is a partner).
    pub municipality_id: Option<Uuid>,
    /// For partner tokens.
    pub organisation_id: Option<Uuid>,
    /// For area_editor tokens: the areas the token may edit.
    pub area_ids: Vec<Uuid>,
    /// The first characters of the secret, to tell tokens apart.
    #[schema(example = "gc_Q2x9Fk")]
    pub prefix: String,
    /// The token that created this one; null for tokens from configuration or the command line.
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&ApiToken> for ApiTokenResponse {
    fn from(t: &ApiToken) -> Self {
        ApiTokenResponse {
            id: t.id,
            name: t.name.clone(),
            role: t.role.into(),
            municipality_id: t.municipality_id,
            organisation_id: t.organisation_id,
            area_ids: t.area_ids.clone(),
            prefix: t.prefix.clone(),
            created_by: t.created_by,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token, with its secret. The secret is shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiToken {
    /// The bearer secret: send it as `Authorization: Bearer <token>`. It cannot be retrieved again: a retry
    /// with the same `Idempotency-Key` (answered with `Idempotent-Replayed: true`) shows the token as it is
    /// now, without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub token: Option<String>,
    #[serde(flatten)]
    pub api_token: ApiTokenResponse,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiToken {
    #[schema(example = "Dashboard gemeenteraad", max_length = 200, pattern = r"\S")]
    pub name: String,
    pub role: Role,
    /// Required for coordinator, area_editor and viewer (a coordinator may leave it out for its own). Not for
    /// partner: a coordinator's partner token is bound to its own municipality, an administrator's to none.
    pub municipality_id: Option<Uuid>,
    /// Required for partner.
    pub organisation_id: Option<Uuid>,
    /// Required for area_editor: areas of the municipality the token may edit.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub area_ids: Vec<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A merge patch: rename, or change or clear the expiry. A token's role and scope never change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateApiToken {
    #[schema(max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApiTokenQuery {
    pub role: Option<Role>,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// Also list revoked tokens (default false).
    pub include_revoked: Option<bool>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// List API tokens (administrators: all; coordinators: their municipality's).
///
/// A coordinator's list includes the partner tokens bound to its municipality.
#[utoipa::path(operation_id = "listApiTokens", get, path = "/api/v1/api-tokens", tag = "api-tokens", params(ApiTokenQuery),
    responses((status = 200, description = "A page of tokens", body = ListResponse<ApiTokenResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<ApiTokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter = TokenFilter {
        role: q.role.map(Into::into),
        municipality_id: q.municipality_id,
        organisation_id: q.organisation_id,
        include_revoked: q.include_revoked.unwrap_or(false),
    };
    let page = api_tokens::list(state.db.conn(), &p, &filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|t| ApiTokenResponse::from(&t)))))
}

/// Read one API token.
#[utoipa::path(operation_id = "getApiToken", get, path = "/api/v1/api-tokens/{id}", tag = "api-tokens", params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 200, description = "The token", body = ApiTokenResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let t = api_tokens::get(state.db.conn(), &p, id).await?;
    Ok(respond::resource(&req, t.revision, &ApiTokenResponse::from(&t)))
}

/// Issue an API token. The secret is in this response only.
///
/// A partner token issued by a coordinator reaches only the coordinator's municipality; one issued by an
/// administrator every municipality where its organisation is a partner.
#[utoipa::path(operation_id = "createApiToken", post, path = "/api/v1/api-tokens", tag = "api-tokens", request_body = CreateApiToken,
    responses((status = 201, description = "Created; `token` holds the secret (not in a replay)", body = CreatedApiToken)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateApiToken>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let request = TokenRequest {
        name: input.name.clone(),
        role: Some(input.role.into()),
        municipality_id: input.municipality_id,
        organisation_id: input.organisation_id,
        area_ids: input.area_ids.clone(),
    };
    let made = |t: &ApiToken, secret: Option<String>| {
        let body = CreatedApiToken { token: secret, api_token: ApiTokenResponse::from(t) };
        Created::new(&body, format!("/api/v1/api-tokens/{}", t.id), t.revision)
    };
    respond::create_with_secret(
        &state,
        &req,
        &p,
        key,
        &body.raw,
        async |tx| {
            let issued = api_tokens::issue(tx, &p, request, input.expires_at).await?;
            made(&issued.token, Some(issued.secret))
        },
        async |id| made(&api_tokens::get(state.db.conn(), &p, id).await?, None),
    )
    .await
}

/// Rename a token or change its expiry.
///
/// An expired token stays expired: changing or clearing its expiry is refused (409).
#[utoipa::path(operation_id = "updateApiToken", patch, path = "/api/v1/api-tokens/{id}", tag = "api-tokens", params(("id" = Uuid, Path, description = "Token id")),
    request_body(content = UpdateApiToken, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = ApiTokenResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateApiToken>,
) -> Result<HttpResponse, ApiError> {
    let change = TokenChange { name: body.value.name.clone(), expires_at: body.value.expires_at };
    let t = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(api_tokens::update(tx, &p, id, &if_match.0, change).await?)
    })
    .await?;
    Ok(respond::changed(t.revision, &ApiTokenResponse::from(&t)))
}

/// Revoke a token. It stops working at once; it stays listed with `includeRevoked=true`.
#[utoipa::path(operation_id = "revokeApiToken", delete, path = "/api/v1/api-tokens/{id}", tag = "api-tokens", params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(api_tokens::revoke(tx, &p, id, &if_match.0).await?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
