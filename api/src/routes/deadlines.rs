//! `/api/v1/deadlines`: what is due when (termijnen, SPEC §5), for the opgaveregisseur's daily view.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::deadline::{Deadline, DeadlineState, Stage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::pagination::{ListResponse, next_link};
use crate::startup::AppState;
use crate::usecases::deadlines;

/// A deadline (termijn): when a stage of an area's cycle year, or a partner's contribution, is due, and
/// whether it was met.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineBody {
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub stage: Stage,
    /// The cycle year (cyclusjaar); for a contribution the year of its due date.
    pub year: i32,
    /// The Dutch calendar date it is due (uiterste datum); null when not applicable.
    pub due_date: Option<NaiveDate>,
    pub state: DeadlineState,
    /// The document that meets it, when there is one.
    pub document_id: Option<Uuid>,
    /// For a contribution deadline: the contribution (bijdrage).
    pub contribution_id: Option<Uuid>,
    /// For a contribution deadline: the partner organisation.
    pub organisation_id: Option<Uuid>,
    /// When it was met: the first adoption (vaststelling) of the document, or the contribution's outcome.
    pub met_at: Option<DateTime<Utc>>,
    /// Whether `dueDate` is the area's own (`/areas/{id}/deadline-overrides`) instead of the calendar's.
    pub overridden: bool,
    /// The area's name, beside its id.
    #[schema(read_only)]
    pub area_name: String,
    /// For a contribution deadline: the organisation's name.
    #[schema(read_only)]
    pub organisation_name: Option<String>,
    /// For a contribution deadline: the contribution's title.
    #[schema(read_only)]
    pub contribution_title: Option<String>,
    /// For a contribution deadline: the title of the agenda goal it serves (as the version in force words it,
    /// else the latest version the caller may read).
    #[schema(read_only)]
    pub goal_title: Option<String>,
}

impl DeadlineBody {
    fn of(d: &Deadline, names: &deadlines::DeadlineNames) -> Self {
        DeadlineBody {
            municipality_id: d.municipality_id,
            area_id: d.area_id,
            stage: d.stage,
            year: d.year,
            due_date: d.due_date,
            state: d.state,
            document_id: d.document_id,
            contribution_id: d.contribution_id,
            organisation_id: d.organisation_id,
            met_at: d.met_at,
            overridden: d.overridden,
            area_name: names.area(d),
            organisation_name: names.organisation(d),
            contribution_title: names.contribution_title(d),
            goal_title: names.goal_title(d),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Only this municipality's (gemeente) deadlines.
    pub municipality_id: Option<Uuid>,
    /// Only this area's (gebied) deadlines.
    pub area_id: Option<Uuid>,
    /// Cycle year (cyclusjaar). Without it: last year, this year and next year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Only deadlines of this stage (fase).
    pub stage: Option<Stage>,
    /// Only deadlines in this state (stand).
    pub state: Option<DeadlineState>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// The deadlines in the caller's scope, sorted by due date (not applicable last). A partner sees the
/// agenda, plan and monitor deadlines of its areas and its own organisation's contribution deadlines.
#[utoipa::path(operation_id = "listDeadlines", get, path = "/api/v1/deadlines", tag = "deadlines",
    params(DeadlineQuery),
    responses((status = 200, description = "A page of deadlines (termijnen)", body = ListResponse<DeadlineBody>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<DeadlineQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = deadlines::DeadlineQuery {
        municipality_id: q.municipality_id,
        area_id: q.area_id,
        year: q.year,
        stage: q.stage,
        state: q.state,
        page_size: q.page_size,
        cursor: q.cursor,
    };
    let now = state.db.clock().now();
    let page = deadlines::list(state.db.conn(), &p, now, &state.deadlines, query).await?;
    let results = page.deadlines.iter().map(|d| DeadlineBody::of(d, &page.names)).collect();
    let next = page.next.map(|cursor| next_link(&req, &cursor));
    Ok(HttpResponse::Ok().json(ListResponse { results, next }))
}
