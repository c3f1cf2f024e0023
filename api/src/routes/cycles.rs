//! `/api/v1/areas/{id}/cycles/{year}`: the cycle board (gebiedscyclus-overzicht) of one area and year.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::deadline::DeadlineState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{Kind, VersionSummaryBody};
use crate::error::ApiError;
use crate::extract::{Auth, Query, moment};
use crate::startup::AppState;
use crate::usecases::boards::{self, Board, BoardStage};

/// One stage of the year: its document, if there is one, with its latest and in-force version.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageBody {
    pub stage: Kind,
    pub document_id: Option<Uuid>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub latest: Option<VersionSummaryBody>,
    pub in_force: Option<VersionSummaryBody>,
    /// This stage's deadline (termijn) for the year; null where the caller may not see the stage (a
    /// partner and the analysis).
    pub deadline: Option<StageDeadlineBody>,
}

/// A stage's deadline on the cycle board.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageDeadlineBody {
    /// Uiterste datum; null when there is none this year (an agenda outside the first year of its period).
    pub due_date: Option<NaiveDate>,
    pub state: DeadlineState,
    /// When it was met: the first adoption (vaststelling).
    pub met_at: Option<DateTime<Utc>>,
}

/// The four stages of one area's cycle year.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CycleBody {
    pub area_id: Uuid,
    pub year: i32,
    pub stages: Vec<StageBody>,
    /// With `?at=`: the moment the board is shown as of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Answer as the area's documents stood at this moment (RFC 3339): their versions and statuses then, and
    /// the deadline states for that day.
    #[serde(default, deserialize_with = "moment::at")]
    pub at: Option<DateTime<Utc>>,
}

impl From<&BoardStage> for StageBody {
    fn from(s: &BoardStage) -> Self {
        StageBody {
            stage: s.kind.into(),
            document_id: s.document.as_ref().map(|d| d.id),
            period_start: s.document.as_ref().map(|d| d.period_start),
            period_end: s.document.as_ref().map(|d| d.period_end),
            latest: s.latest.as_ref().map(Into::into),
            in_force: s.in_force.as_ref().map(Into::into),
            deadline: s.deadline.as_ref().map(|d| StageDeadlineBody {
                due_date: d.due_date,
                state: d.state,
                met_at: d.met_at,
            }),
        }
    }
}

impl From<&Board> for CycleBody {
    fn from(b: &Board) -> Self {
        CycleBody { area_id: b.area_id, year: b.year, stages: b.stages.iter().map(Into::into).collect(), as_of: None }
    }
}

/// The `{id}` and `{year}` segments, both problems reported together; which years a board may be about is
/// the use case's to say.
fn parse_path(req: &HttpRequest) -> Result<(Uuid, i32), ApiError> {
    let mut errors = domain::FieldErrors::new();
    let id = req.match_info().get("id").unwrap_or_default();
    let year = req.match_info().get("year").unwrap_or_default();
    let area = Uuid::parse_str(id).ok();
    if area.is_none() {
        errors.push("id", "invalid_uuid", format!("'{id}' is not a UUID"));
    }
    let y = year.parse::<i32>().ok();
    if y.is_none() {
        let (min, max) = domain::calendar::CYCLE_YEARS;
        errors.push("year", "invalid_year", format!("'{year}' is not a year between {min} and {max}"));
    }
    match (area, y) {
        (Some(a), Some(y)) => Ok((a, y)),
        _ => Err(errors.into()),
    }
}

/// The cycle board (gebiedscyclus-overzicht) of an area for one year: analysis, agenda (the one whose period
/// covers the year), plan and monitor, each with its latest and in-force version and its deadline.
#[utoipa::path(operation_id = "getCycle", get, path = "/api/v1/areas/{id}/cycles/{year}", tag = "areas",
    params(("id" = Uuid, Path, description = "Area id"), ("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Cycle year"), BoardQuery),
    responses((status = 200, description = "The cycle board", body = CycleBody)))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<BoardQuery>,
) -> Result<HttpResponse, ApiError> {
    let (area_id, year) = parse_path(&req)?;
    let board = boards::get(state.db.conn(), &p, state.db.clock().now(), &state.boards, area_id, year, q.at).await?;
    Ok(HttpResponse::Ok().json(CycleBody { as_of: q.at, ..CycleBody::from(&*board) }))
}
