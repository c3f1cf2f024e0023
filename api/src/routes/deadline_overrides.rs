//! `/api/v1/areas/{id}/deadline-overrides`: an area's own deadlines (eigen termijnen), stage due dates the
//! coordinator moved away from the municipality's calendar for one area and cycle year.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::content::DocumentKind;
use domain::deadline::Stage;
use persistence::deadline_overrides::StoredOverride;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::bodies::Kind;
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, PathIds, Query};
use crate::pagination::{ListResponse, PageQuery, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::deadline_overrides::{self, MoveDeadline};

/// A stage deadline of one area and cycle year that is due on the area's own date instead of the
/// municipality's calendar.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineOverrideResponse {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub stage: Stage,
    pub year: i32,
    /// The area's own due date (Dutch calendar day).
    pub due_date: NaiveDate,
    /// Why the deadline was moved.
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&StoredOverride> for DeadlineOverrideResponse {
    fn from(o: &StoredOverride) -> Self {
        DeadlineOverrideResponse {
            id: o.id,
            municipality_id: o.municipality_id,
            area_id: o.area_id,
            stage: o.stage,
            year: o.year,
            due_date: o.due_date,
            reason: o.reason.clone(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A stage deadline to move for this area and cycle year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDeadlineOverride {
    /// The stage whose deadline moves; a contribution's deadline is its own due date, changed on it.
    pub stage: Kind,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The new due date, within two years of the cycle year (a rule between fields: 400 `too_far_from_year`).
    #[schema(pattern = r"^(2[0-9]{3})-")]
    pub due_date: NaiveDate,
    /// Why, in one line.
    #[schema(max_length = 500, pattern = r"\S")]
    pub reason: String,
}

/// List the area's own deadlines.
#[utoipa::path(operation_id = "listDeadlineOverrides", get, path = "/api/v1/areas/{id}/deadline-overrides", tag = "deadlines",
    params(("id" = Uuid, Path, description = "Area id"), PageQuery),
    responses((status = 200, description = "A page of the area's own deadlines", body = ListResponse<DeadlineOverrideResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(area_id): PathId,
    Query(q): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = deadline_overrides::list(state.db.conn(), &p, state.db.clock().now(), area_id, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|x| DeadlineOverrideResponse::from(&x)))))
}

/// Read one of the area's own deadlines.
#[utoipa::path(operation_id = "getDeadlineOverride", get, path = "/api/v1/areas/{id}/deadline-overrides/{overrideId}", tag = "deadlines",
    params(("id" = Uuid, Path, description = "Area id"), ("overrideId" = Uuid, Path, description = "Own deadline id")),
    responses((status = 200, description = "The area's own deadline", body = DeadlineOverrideResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathIds(area_id, id): PathIds,
) -> Result<HttpResponse, ApiError> {
    let x = deadline_overrides::get(state.db.conn(), &p, state.db.clock().now(), area_id, id).await?;
    Ok(respond::resource(&req, x.revision, &DeadlineOverrideResponse::from(&x)))
}

/// Move one stage's due date for this area and cycle year (the municipality's coordinator or an
/// administrator), with a reason. One per stage and year: delete it to set another.
#[utoipa::path(operation_id = "createDeadlineOverride", post, path = "/api/v1/areas/{id}/deadline-overrides", tag = "deadlines",
    params(("id" = Uuid, Path, description = "Area id")), request_body = CreateDeadlineOverride,
    responses((status = 201, description = "The deadline is due on the area's own date", body = DeadlineOverrideResponse)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(area_id): PathId,
    key: IdempotencyKey,
    body: Body<CreateDeadlineOverride>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let command = MoveDeadline {
        stage: Stage::from(DocumentKind::from(input.stage)),
        year: input.year,
        due_date: input.due_date,
        reason: input.reason.clone(),
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let x = deadline_overrides::create(tx, &p, area_id, command).await?;
        let location = persistence::deadline_overrides::path(x.area_id, x.id);
        Created::new(&DeadlineOverrideResponse::from(&x), location, x.revision)
    })
    .await
}

/// Return the stage deadline to the municipality's calendar.
#[utoipa::path(operation_id = "deleteDeadlineOverride", delete, path = "/api/v1/areas/{id}/deadline-overrides/{overrideId}", tag = "deadlines",
    params(("id" = Uuid, Path, description = "Area id"), ("overrideId" = Uuid, Path, description = "Own deadline id")),
    responses((status = 204, description = "The calendar's due date applies again")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathIds(area_id, id): PathIds,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(deadline_overrides::delete(tx, &p, area_id, id, &if_match.0).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
