//! `/api/v1/dashboard`: one municipality's year at a glance (SPEC §5): per area where each stage stands,
//! how the partners' contributions are doing and how the goals were judged in the latest monitor.
//!
//! It is answered with a fixed number of statements whatever the number of areas (a test counts them):
//! the municipality's change counter, the municipality, its areas, the documents covering the year, their
//! versions, the contributions to the year's agendas, and the latest monitors (two). While the counter has
//! not moved, the view computed at it is served from memory (`view_cache`). Its counts use the same rules as
//! the deadline and contribution lists, so the numbers agree with them.

use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::content::{DocumentKind, GoalVerdict, MonitorContent};
use domain::contribution::ContributionStatus;
use domain::deadline::{self, DeadlineState, Stage};
use domain::lifecycle::VersionStatus;
use persistence::deadlines::{ContributionFact, ContributionSelection};
use persistence::documents::{self as store, Document, VersionSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::{Kind, Status};
use crate::usecases::deadlines;
use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::startup::AppState;
use crate::view_cache::ViewKey;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The municipality (gemeente).
    pub municipality_id: Uuid,
    /// Cycle year (cyclusjaar); this year when left out.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
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
}

impl ContributionCounts {
    fn count(&mut self, fact: &ContributionFact, today: NaiveDate, due_soon_days: i32) {
        self.total += 1;
        *match fact.status {
            ContributionStatus::Proposed => &mut self.proposed,
            ContributionStatus::Committed => &mut self.committed,
            ContributionStatus::InProgress => &mut self.in_progress,
            ContributionStatus::Delivered => &mut self.delivered,
            ContributionStatus::PartiallyDelivered => &mut self.partially_delivered,
            ContributionStatus::NotDelivered => &mut self.not_delivered,
            ContributionStatus::Withdrawn => &mut self.withdrawn,
        } += 1;
        let overdue = fact
            .due()
            .is_some_and(|d| deadline::contribution_deadline(&d, today, due_soon_days).state == DeadlineState::Overdue);
        self.overdue += u32::from(overdue);
        self.withdrawn_after_commitment += u32::from(fact.withdrawn_after_commitment);
    }

    fn add(&mut self, o: &ContributionCounts) {
        self.total += o.total;
        self.proposed += o.proposed;
        self.committed += o.committed;
        self.in_progress += o.in_progress;
        self.delivered += o.delivered;
        self.partially_delivered += o.partially_delivered;
        self.not_delivered += o.not_delivered;
        self.withdrawn += o.withdrawn;
        self.overdue += o.overdue;
        self.withdrawn_after_commitment += o.withdrawn_after_commitment;
    }
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

impl GoalCounts {
    fn count(&mut self, verdict: GoalVerdict) {
        self.assessed += 1;
        *match verdict {
            GoalVerdict::Achieved => &mut self.achieved,
            GoalVerdict::PartlyAchieved => &mut self.partly_achieved,
            GoalVerdict::NotAchieved => &mut self.not_achieved,
            GoalVerdict::NotAssessable => &mut self.not_assessable,
        } += 1;
    }

    fn add(&mut self, o: &GoalCounts) {
        self.assessed += o.assessed;
        self.achieved += o.achieved;
        self.partly_achieved += o.partly_achieved;
        self.not_achieved += o.not_achieved;
        self.not_assessable += o.not_assessable;
    }
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

impl StateCounts {
    fn count(&mut self, state: DeadlineState) {
        *match state {
            DeadlineState::Met => &mut self.met,
            DeadlineState::MetLate => &mut self.met_late,
            DeadlineState::Open => &mut self.open,
            DeadlineState::DueSoon => &mut self.due_soon,
            DeadlineState::Overdue => &mut self.overdue,
            DeadlineState::NotApplicable => &mut self.not_applicable,
        } += 1;
    }
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
    pub areas: Vec<AreaRow>,
    pub totals: Totals,
}

const STAGES: [DocumentKind; 4] =
    [DocumentKind::Analysis, DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor];

/// The municipality's dashboard (gemeentelijk overzicht) for a cycle year: per area each stage's latest
/// status, version in force and deadline state; contributions by status, overdue and withdrawn after
/// commitment; goals by the latest monitor's verdict; and the municipality's totals. A partner sees only
/// its areas, its own contributions and no analyses.
#[utoipa::path(operation_id = "getDashboard", get, path = "/api/v1/dashboard", tag = "deadlines",
    params(DashboardQuery),
    responses((status = 200, description = "The dashboard (overzicht)", body = DashboardBody)))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let today = dutch_date(state.db.clock().now());
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today));
    let (min, max) = domain::calendar::CYCLE_YEARS;
    if !(min..=max).contains(&year) {
        return Err(ApiError::invalid_one("year", "out_of_range", format!("must be between {min} and {max}")));
    }
    let scope = ReadScope::of(&p);
    let conn = state.db.conn();
    // Read before computing: a change committed meanwhile moves the counter past the one stored with the view.
    let stamp = persistence::stamps::current(conn, q.municipality_id).await?;
    let key = ViewKey { municipality_id: q.municipality_id, years: (year, year), scope, today };
    if let Some(body) = state.dashboards.get(&key, stamp) {
        return Ok(HttpResponse::Ok().content_type(ContentType::json()).body(body));
    }
    let municipality = match persistence::municipalities::get(conn, scope, q.municipality_id).await {
        Err(persistence::StoreError::NotFound) => {
            return Err(ApiError::invalid_one(
                "municipalityId",
                "unknown",
                "no municipality with this id in your scope",
            ));
        }
        other => other?,
    };
    let calendar = &municipality.calendar;
    let areas = persistence::areas::all(conn, scope, Some(municipality.id), None).await?;
    let area_ids: Vec<Uuid> = areas.iter().map(|a| a.id).collect();
    let docs = store::covering_year(conn, scope, &area_ids, year).await?;
    let versions = store::summaries(conn, scope, &docs.iter().collect::<Vec<_>>()).await?;
    let selection = ContributionSelection {
        area_ids: area_ids.clone(),
        agenda_document_ids: Some(docs.iter().filter(|d| d.kind == DocumentKind::Agenda).map(|d| d.id).collect()),
        ..Default::default()
    };
    let contributions = persistence::deadlines::contribution_facts(conn, scope, &selection).await?;
    let monitors = persistence::monitors::latest_up_to(conn, scope, &area_ids, year).await?;

    let documents = deadlines::stage_documents_from(&docs, &versions);
    let visible = deadline::visible_stages(scope);
    let mut totals = Totals {
        areas: areas.len() as u32,
        stages: STAGES.iter().map(|k| StageTotals { stage: (*k).into(), states: StateCounts::default() }).collect(),
        contributions: ContributionCounts::default(),
        goals: GoalCounts::default(),
    };
    let mut rows = Vec::with_capacity(areas.len());
    for area in &areas {
        let area_deadlines = deadline::stage_deadlines(calendar, municipality.id, area.id, year, &documents, today);
        let stages: Vec<StageRow> = STAGES
            .iter()
            .zip(area_deadlines.iter())
            .filter(|(kind, _)| visible.contains(&Stage::from(**kind)))
            .map(|(kind, d)| stage_row(*kind, d, &docs, &versions))
            .collect();
        for row in &stages {
            let kind = DocumentKind::from(row.stage);
            if let Some(total) = totals.stages.iter_mut().find(|t| DocumentKind::from(t.stage) == kind) {
                total.states.count(row.deadline_state);
            }
        }
        let mut counts = ContributionCounts::default();
        for fact in contributions.iter().filter(|c| c.area_id == area.id) {
            counts.count(fact, today, calendar.due_soon_days);
        }
        totals.contributions.add(&counts);
        let monitor = monitors.iter().find(|m| m.area_id == area.id);
        let mut goals = GoalCounts::default();
        if let Some(m) = monitor {
            let content: MonitorContent = serde_json::from_value(m.content.clone())
                .map_err(|e| ApiError::Internal(format!("stored monitor content unreadable: {e}")))?;
            for assessment in &content.goal_assessments {
                goals.count(assessment.verdict);
            }
        }
        totals.goals.add(&goals);
        rows.push(AreaRow {
            area_id: area.id,
            code: area.code.clone(),
            name: area.name.clone(),
            stages,
            contributions: counts,
            goals: AreaGoals {
                monitor_year: monitor.map(|m| m.year),
                monitor_document_id: monitor.map(|m| m.document_id),
                counts: goals,
            },
        });
    }
    totals.stages.retain(|t| visible.contains(&Stage::from(DocumentKind::from(t.stage))));
    let body = DashboardBody { municipality_id: municipality.id, year, today, areas: rows, totals };
    let body = Bytes::from(serde_json::to_vec(&body).map_err(|e| ApiError::Internal(e.to_string()))?);
    state.dashboards.put(key, stamp, body.clone());
    Ok(HttpResponse::Ok().content_type(ContentType::json()).body(body))
}

fn stage_row(kind: DocumentKind, d: &deadline::Deadline, docs: &[Document], versions: &[VersionSummary]) -> StageRow {
    let doc = docs.iter().find(|doc| doc.area_id == d.area_id && doc.kind == kind);
    let mine: Vec<&VersionSummary> =
        doc.map(|doc| versions.iter().filter(|v| v.document_id == doc.id).collect()).unwrap_or_default();
    StageRow {
        stage: kind.into(),
        document_id: doc.map(|doc| doc.id),
        latest_status: mine.last().map(|v| v.status.into()),
        in_force_version: mine.iter().find(|v| v.status == VersionStatus::Adopted).map(|v| v.number),
        due_date: d.due_date,
        deadline_state: d.state,
    }
}
