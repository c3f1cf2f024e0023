//! `/api/v1/contributions/{id}/check-ins`: dated progress reports (voortgangsmeldingen) on a contribution,
//! append-only (SPEC §6).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use domain::contribution::check_in::CheckIn;
use persistence::contributions as store;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::bodies::{CheckInBody, Confidence};
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, PathId, PathIds, Query};
use crate::pagination::{ListResponse, PageQuery, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::check_ins;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCheckIn {
    /// The day the report is about: in 2000 or later, and not in the future (Dutch calendar day).
    #[schema(pattern = r"^(2[0-9]{3})-")]
    pub date: NaiveDate,
    #[schema(minimum = 0, maximum = 100)]
    pub progress_percent: i32,
    /// The value reached so far, in the contribution's unit; at most 10¹² either way.
    #[schema(minimum = -1e12, maximum = 1e12)]
    pub current_value: Option<f64>,
    pub confidence: Confidence,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// List the progress reports of a contribution, oldest first.
#[utoipa::path(operation_id = "listCheckIns", get, path = "/api/v1/contributions/{id}/check-ins", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id"), PageQuery),
    responses((status = 200, description = "A page of check-ins", body = ListResponse<CheckInBody>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    Query(q): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = check_ins::list(state.db.conn(), &p, state.db.clock().now(), id, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|r| CheckInBody::from(&r)))))
}

/// Read one progress report.
#[utoipa::path(operation_id = "getCheckIn", get, path = "/api/v1/contributions/{id}/check-ins/{checkInId}", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id"), ("checkInId" = Uuid, Path, description = "Check-in id")),
    responses((status = 200, description = "The check-in", body = CheckInBody)))]
pub async fn get(state: web::Data<AppState>, Auth(p): Auth, ids: PathIds) -> Result<HttpResponse, ApiError> {
    let r = check_ins::get(state.db.conn(), &p, state.db.clock().now(), ids.0, ids.1).await?;
    Ok(HttpResponse::Ok().json(CheckInBody::from(&r)))
}

/// Report progress on an agreed contribution (the partner, or the coordinator on its behalf).
#[utoipa::path(operation_id = "createCheckIn", post, path = "/api/v1/contributions/{id}/check-ins", tag = "contributions",
    params(("id" = Uuid, Path, description = "Contribution id")),
    request_body = CreateCheckIn,
    responses((status = 201, description = "The check-in", body = CheckInBody)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    key: IdempotencyKey,
    body: Body<CreateCheckIn>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let report = CheckIn {
        date: input.date,
        progress_percent: input.progress_percent,
        current_value: input.current_value,
        confidence: input.confidence.into(),
        note: input.note.clone().unwrap_or_default(),
    };
    respond::create(&state, &req, &p, key, &body.raw, async |tx| {
        let r = check_ins::check_in(tx, &p, id, report).await?;
        Created::new(&CheckInBody::from(&r), store::check_in_path(id, r.id), 1)
    })
    .await
}
