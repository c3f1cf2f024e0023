//! `/api/v1/areas/{id}/cycles/{year}`: the cycle board (gebiedscyclus-overzicht) of one area and year.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::content::DocumentKind;
use domain::deadline::{self, DeadlineState, Stage};
use persistence::documents as store;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::bodies::{Kind, VersionSummaryBody};
use crate::deadlines;
use crate::error::ApiError;
use crate::extract::Auth;
use crate::startup::AppState;

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
}

fn parse_path(req: &HttpRequest) -> Result<(Uuid, i32), ApiError> {
    let mut errors = domain::FieldErrors::new();
    let id = req.match_info().get("id").unwrap_or_default();
    let year = req.match_info().get("year").unwrap_or_default();
    let area = Uuid::parse_str(id).ok();
    if area.is_none() {
        errors.push("id", "invalid_uuid", format!("'{id}' is not a UUID"));
    }
    let (min, max) = domain::calendar::CYCLE_YEARS;
    let y = year.parse::<i32>().ok().filter(|y| (min..=max).contains(y));
    if y.is_none() {
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
    params(("id" = Uuid, Path, description = "Area id"), ("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Cycle year")),
    responses((status = 200, description = "The cycle board", body = CycleBody)))]
pub async fn get(req: HttpRequest, state: web::Data<AppState>, Auth(p): Auth) -> Result<HttpResponse, ApiError> {
    let (area_id, year) = parse_path(&req)?;
    let scope = ReadScope::of(&p);
    let conn = state.db.conn();
    let area = persistence::areas::get(conn, scope, area_id).await?;
    let docs = store::covering_year(conn, scope, &[area_id], year).await?;
    let refs: Vec<&store::Document> = docs.iter().collect();
    let versions = store::summaries(conn, scope, &refs).await?;
    let calendars = deadlines::calendars(conn, std::slice::from_ref(&area)).await?;
    let today = dutch_date(state.db.clock().now());
    let visible = deadlines::visible_stages(scope);
    let stage_deadlines = match calendars.get(&area.municipality_id) {
        Some(calendar) => {
            let documents = deadlines::stage_documents_from(&docs, &versions);
            deadline::stage_deadlines(calendar, area.municipality_id, area_id, year, &documents, today)
        }
        None => vec![],
    };
    let stages = [DocumentKind::Analysis, DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor]
        .into_iter()
        .map(|kind| {
            let doc = docs.iter().find(|d| d.kind == kind);
            let mine: Vec<_> =
                doc.map(|d| versions.iter().filter(|v| v.document_id == d.id).collect()).unwrap_or_default();
            StageBody {
                stage: kind.into(),
                document_id: doc.map(|d| d.id),
                period_start: doc.map(|d| d.period_start),
                period_end: doc.map(|d| d.period_end),
                latest: mine.last().map(|v| (*v).into()),
                in_force: mine
                    .iter()
                    .find(|v| v.status == domain::lifecycle::VersionStatus::Adopted)
                    .map(|v| (*v).into()),
                deadline: stage_deadlines
                    .iter()
                    .find(|d| d.stage == Stage::from(kind) && visible.contains(&d.stage))
                    .map(|d| StageDeadlineBody { due_date: d.due_date, state: d.state, met_at: d.met_at }),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(CycleBody { area_id, year, stages }))
}
