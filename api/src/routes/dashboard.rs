//! `/api/v1/dashboard`: one municipality's year at a glance (SPEC §5), rendered once per change of the
//! municipality and then served as the stored body.

use actix_web::http::header::{self, ContentType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::dashboard as tally;
use domain::deadline::DeadlineState;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{Kind, Status};
use crate::error::ApiError;
use crate::extract::{Auth, Query, moment, not_modified_as};
use crate::startup::AppState;
use crate::usecases;
use crate::usecases::dashboard::{self, Dashboard};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The municipality (gemeente); the token's own when left out (an administrator's token has none, so it
    /// must say which).
    pub municipality_id: Option<Uuid>,
    /// Cycle year (cyclusjaar); this year when left out.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Answer as the data stood at this moment (RFC 3339): documents, versions, contributions and check-ins as
    /// they were then, deadline states for that day (and the cycle year of that day when `year` is left out).
    /// The calendar and the areas are today's.
    #[serde(default, deserialize_with = "moment::at")]
    pub at: Option<DateTime<Utc>>,
}

/// One stage of an area's year on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageRow {
    pub stage: Kind,
    pub document_id: Option<Uuid>,
    /// Status of the latest version (laatste versie), if there is a document.
    pub latest_status: Option<Status>,
    /// Number of the version in force (geldende versie).
    pub in_force_version: Option<i32>,
    /// Uiterste datum; null when nothing is due this year.
    pub due_date: Option<NaiveDate>,
    pub deadline_state: DeadlineState,
}

/// Contributions (bijdragen) counted by status, plus those overdue (verlopen) and those withdrawn after they
/// were agreed to (ingetrokken na toezegging).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContributionCounts {
    pub total: u32,
    pub proposed: u32,
    pub committed: u32,
    pub in_progress: u32,
    pub delivered: u32,
    pub partially_delivered: u32,
    pub not_delivered: u32,
    pub withdrawn: u32,
    /// Past their due date without an outcome: the deadline list's `overdue` contribution deadlines.
    pub overdue: u32,
    pub withdrawn_after_commitment: u32,
    /// Under way (committed or in progress) with a latest check-in (voortgangsmelding) that says `at_risk`.
    pub at_risk: u32,
    /// Under way with a latest check-in that says `off_track`.
    pub off_track: u32,
}

/// Goals (doelen) by the verdict of the latest adopted monitor (gebiedsmonitor) up to the year.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoalCounts {
    pub assessed: u32,
    /// Behaald.
    pub achieved: u32,
    /// Deels behaald.
    pub partly_achieved: u32,
    /// Niet behaald.
    pub not_achieved: u32,
    /// Niet te beoordelen.
    pub not_assessable: u32,
}

/// The goals of an area as its latest monitor judged them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaGoals {
    /// The year of the monitor the verdicts come from; null when no monitor was adopted yet.
    pub monitor_year: Option<i32>,
    pub monitor_document_id: Option<Uuid>,
    #[serde(flatten)]
    pub counts: GoalCounts,
}

/// One area (gebied) on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaRow {
    pub area_id: Uuid,
    pub code: String,
    pub name: String,
    pub stages: Vec<StageRow>,
    /// Contributions to the agenda covering the year.
    pub contributions: ContributionCounts,
    pub goals: AreaGoals,
}

/// How many areas' deadlines of one stage are in each state.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateCounts {
    pub met: u32,
    pub met_late: u32,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub not_applicable: u32,
}

/// A stage's deadline states over all areas.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StageTotals {
    pub stage: Kind,
    #[serde(flatten)]
    pub states: StateCounts,
}

/// The municipality's totals (gemeentebreed).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub areas: u32,
    pub stages: Vec<StageTotals>,
    pub contributions: ContributionCounts,
    pub goals: GoalCounts,
}

/// The dashboard of one municipality and year.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardBody {
    pub municipality_id: Uuid,
    pub year: i32,
    /// The Dutch calendar date the deadline states were computed for.
    pub today: NaiveDate,
    /// With `?at=`: the moment the data is shown as of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    pub areas: Vec<AreaRow>,
    pub totals: Totals,
}

impl From<&tally::ContributionCounts> for ContributionCounts {
    fn from(c: &tally::ContributionCounts) -> Self {
        ContributionCounts {
            total: c.total,
            proposed: c.proposed,
            committed: c.committed,
            in_progress: c.in_progress,
            delivered: c.delivered,
            partially_delivered: c.partially_delivered,
            not_delivered: c.not_delivered,
            withdrawn: c.withdrawn,
            overdue: c.overdue,
            withdrawn_after_commitment: c.withdrawn_after_commitment,
            at_risk: c.at_risk,
            off_track: c.off_track,
        }
    }
}

impl From<&tally::GoalCounts> for GoalCounts {
    fn from(c: &tally::GoalCounts) -> Self {
        GoalCounts {
            assessed: c.assessed,
            achieved: c.achieved,
            partly_achieved: c.partly_achieved,
            not_achieved: c.not_achieved,
            not_assessable: c.not_assessable,
        }
    }
}

impl From<&tally::StateCounts> for StateCounts {
    fn from(c: &tally::StateCounts) -> Self {
        StateCounts {
            met: c.met,
            met_late: c.met_late,
            open: c.open,
            due_soon: c.due_soon,
            overdue: c.overdue,
            not_applicable: c.not_applicable,
        }
    }
}

impl From<&Dashboard> for DashboardBody {
    fn from(d: &Dashboard) -> Self {
        let areas = d
            .areas
            .iter()
            .map(|a| AreaRow {
                area_id: a.area_id,
                code: a.code.clone(),
                name: a.name.clone(),
                stages: a
                    .stages
                    .iter()
                    .map(|s| StageRow {
                        stage: s.kind.into(),
                        document_id: s.document_id,
                        latest_status: s.latest_status.map(Into::into),
                        in_force_version: s.in_force_version,
                        due_date: s.due_date,
                        deadline_state: s.deadline_state,
                    })
                    .collect(),
                contributions: (&a.contributions).into(),
                goals: AreaGoals {
                    monitor_year: a.monitor_year,
                    monitor_document_id: a.monitor_document_id,
                    counts: (&a.goals).into(),
                },
            })
            .collect();
        let totals = Totals {
            areas: d.totals.areas,
            stages: d
                .totals
                .stages
                .iter()
                .map(|t| StageTotals { stage: t.kind.into(), states: (&t.states).into() })
                .collect(),
            contributions: (&d.totals.contributions).into(),
            goals: (&d.totals.goals).into(),
        };
        DashboardBody {
            municipality_id: d.municipality_id,
            year: d.year,
            today: d.today,
            as_of: d.as_of,
            areas,
            totals,
        }
    }
}

/// The municipality's dashboard (gemeentelijk overzicht) for a cycle year: per area each stage's latest
/// status, version in force and deadline state; contributions by status, overdue, withdrawn after
/// commitment, at risk and off track; goals by the latest monitor's verdict; and the municipality's totals.
/// A partner sees only its areas, its own contributions and no analyses. Its ETag is a digest of the body,
/// which names the day its deadline states are for, so it changes with anything the dashboard shows and a
/// polling client gets 304 while nothing did.
#[utoipa::path(operation_id = "getDashboard", get, path = "/api/v1/dashboard", tag = "deadlines",
    params(DashboardQuery),
    responses((status = 200, description = "The dashboard (overzicht)", body = DashboardBody,
                headers(("ETag" = String, description = "Changes whenever the body does"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = dashboard::DashboardQuery { municipality_id: q.municipality_id, year: q.year, at: q.at };
    let render = |d: Dashboard| {
        let body =
            serde_json::to_vec(&DashboardBody::from(&d)).map_err(|e| usecases::Error::Internal(e.to_string()))?;
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16]));
        Ok((Bytes::from(body), etag))
    };
    let now = state.db.clock().now();
    let (body, etag) = dashboard::get(state.db.conn(), &p, now, query, &state.dashboards, render).await?;
    if let Some(response) = not_modified_as(&req, &etag) {
        return Ok(response);
    }
    Ok(HttpResponse::Ok().content_type(ContentType::json()).insert_header((header::ETAG, etag)).body(body))
}
