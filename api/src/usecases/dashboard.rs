//! One municipality's year at a glance (SPEC §5): per area where each stage stands, how the partners'
//! contributions are doing and how the goals were judged in the latest monitor, and the municipality's
//! totals. A partner sees only its areas, its own contributions and no analyses.
//!
//! It is computed with a fixed number of statements whatever the number of areas (a test counts them): the
//! municipality's change counter, the municipality, its areas, the documents covering the year, their
//! versions, the contributions to the year's agendas, and the latest monitors (two). While the counter has
//! not moved, the view computed at it is served from memory (`view_cache`). Its counts follow the rules of
//! the deadline and contribution lists (`domain::dashboard`), so the numbers agree with them.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Principal;
use domain::access::{ReadScope, ScopeOn};
use domain::calendar::check_cycle_year;
use domain::clock::dutch_date;
use domain::content::{DocumentKind, MonitorContent};
use domain::dashboard::{ContributionCounts, GoalCounts, StateCounts};
use domain::deadline::{self, Deadline, DeadlineState, Stage, visible_stages};
use domain::lifecycle::VersionStatus;
use persistence::ConnectionTrait;
use persistence::deadlines::ContributionSelection;
use persistence::documents::{self as store, Document, VersionSummary};
use uuid::Uuid;

use super::deadlines::stage_documents_from;
use super::{Error, Result, as_of, unknown_reference};
use crate::view_cache::{ViewCache, ViewKey};

/// Whose dashboard (the token's own municipality when left out), and of which cycle year (this year when
/// left out).
pub struct DashboardQuery {
    pub municipality_id: Option<Uuid>,
    pub year: Option<i32>,
    /// Time travel: the dashboard as the data stood then, its deadline states for that day (and the year
    /// that moment's when left out).
    pub at: Option<DateTime<Utc>>,
}

pub struct Dashboard {
    pub municipality_id: Uuid,
    pub year: i32,
    /// The Dutch calendar date the deadline states were computed for.
    pub today: NaiveDate,
    /// Time travel: the moment the dashboard shows the data as of.
    pub as_of: Option<DateTime<Utc>>,
    pub areas: Vec<AreaRow>,
    pub totals: Totals,
}

/// One area: its stages the principal may see, the contributions to the agenda covering the year, and its
/// goals as the latest adopted monitor up to the year judged them.
pub struct AreaRow {
    pub area_id: Uuid,
    pub code: String,
    pub name: String,
    pub stages: Vec<StageRow>,
    pub contributions: ContributionCounts,
    pub goals: GoalCounts,
    /// The year of the monitor the verdicts come from, if one was adopted.
    pub monitor_year: Option<i32>,
    pub monitor_document_id: Option<Uuid>,
}

/// One stage of an area's year.
pub struct StageRow {
    pub kind: DocumentKind,
    pub document_id: Option<Uuid>,
    pub latest_status: Option<VersionStatus>,
    pub in_force_version: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub deadline_state: DeadlineState,
}

/// A stage's deadline states over all areas.
pub struct StageTotals {
    pub kind: DocumentKind,
    pub states: StateCounts,
}

/// The municipality's totals (gemeentebreed).
pub struct Totals {
    pub areas: u32,
    pub stages: Vec<StageTotals>,
    pub contributions: ContributionCounts,
    pub goals: GoalCounts,
}

const STAGES: [DocumentKind; 4] =
    [DocumentKind::Analysis, DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor];

/// The dashboard as of `now`, in the form the adapter keeps it: `render` turns a freshly computed dashboard
/// into what `views` holds (the JSON API keeps the serialised body, so a hit costs no serialisation; a page
/// may keep the dashboard itself), and a view is served from `views` while the municipality's change counter
/// has not moved.
pub async fn get<C: ConnectionTrait, V: Clone>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    query: DashboardQuery,
    views: &ViewCache<V>,
    render: impl FnOnce(Dashboard) -> Result<V>,
) -> Result<V> {
    let today = dutch_date(query.at.unwrap_or(now));
    let year = query.year.unwrap_or_else(|| today.year());
    let mut problems = domain::FieldErrors::new();
    check_cycle_year(&mut problems, "year", year);
    // A token bound to one municipality means that one; an administrator's (or a partner's issued by one)
    // reaches several, so it says which.
    let municipality_id = query.municipality_id.or(p.access.municipality_id());
    if municipality_id.is_none() {
        problems.push("municipalityId", "required", "your token is not bound to one municipality; say which one");
    }
    let municipality_id = problems.into_result(municipality_id)?.unwrap_or_default();
    let scope = ReadScope::of(p);
    // A partner's areas are those where its partnership runs today, like everything else it reads, also when
    // it looks back.
    let scope_now = scope.on(dutch_date(now));
    if let Some(at) = query.at {
        // Looking back is not kept: the key of a view does not say the moment.
        return render(compute(conn, scope_now, municipality_id, year, today, Some(at)).await?);
    }
    let key = ViewKey { municipality_id, years: (year, year), scope, today };
    let stamp = || async { Ok::<_, Error>(persistence::stamps::current(conn, municipality_id).await?) };
    views
        .get_or_compute(key, stamp, || async {
            render(compute(conn, scope_now, municipality_id, year, today, None).await?)
        })
        .await
}

/// The dashboard on `today`, of the data now or, with `at`, as it stood then (`today` is then that day).
async fn compute<C: ConnectionTrait>(
    conn: &C,
    scope: ScopeOn,
    municipality_id: Uuid,
    year: i32,
    today: NaiveDate,
    at: Option<DateTime<Utc>>,
) -> Result<Dashboard> {
    let visible = visible_stages(scope.scope);
    let municipality = persistence::municipalities::get(conn, scope, municipality_id)
        .await
        .map_err(unknown_reference("municipalityId", "no municipality with this id in your scope"))?;
    let calendar = &municipality.calendar;
    let areas = persistence::areas::all(conn, scope, Some(municipality.id), None).await?;
    let area_ids: Vec<Uuid> = areas.iter().map(|a| a.id).collect();
    let docs = store::covering_year(conn, scope, &area_ids, year).await?;
    let versions = store::summaries(conn, scope, &docs.iter().collect::<Vec<_>>()).await?;
    let (docs, versions) = match at {
        Some(at) => as_of::documents_at(conn, scope.scope, docs, versions, at).await?,
        None => (docs, versions),
    };
    let selection = ContributionSelection {
        area_ids: area_ids.clone(),
        agenda_document_ids: Some(docs.iter().filter(|d| d.kind == DocumentKind::Agenda).map(|d| d.id).collect()),
        as_of: at,
        ..Default::default()
    };
    let mut contributions = persistence::deadlines::contribution_facts(conn, scope, &selection).await?;
    if let Some(at) = at {
        as_of::contributions_at(conn, &mut contributions, at).await?;
    }
    let monitors = persistence::monitors::latest_up_to(conn, scope, &area_ids, year, at).await?;
    let own_deadlines = persistence::deadline_overrides::of_areas(conn, &area_ids, (year, year)).await?;

    let documents = stage_documents_from(&docs, &versions);
    let mut totals = Totals {
        areas: areas.len() as u32,
        stages: STAGES.iter().map(|k| StageTotals { kind: *k, states: StateCounts::default() }).collect(),
        contributions: ContributionCounts::default(),
        goals: GoalCounts::default(),
    };
    let mut rows = Vec::with_capacity(areas.len());
    for area in &areas {
        let area_deadlines =
            deadline::stage_deadlines(calendar, municipality.id, area.id, year, &documents, &own_deadlines, today);
        let stages: Vec<StageRow> = STAGES
            .iter()
            .zip(area_deadlines.iter())
            .filter(|(kind, _)| visible.contains(&Stage::from(**kind)))
            .map(|(kind, d)| stage_row(*kind, d, &docs, &versions))
            .collect();
        for row in &stages {
            if let Some(total) = totals.stages.iter_mut().find(|t| t.kind == row.kind) {
                total.states.count(row.deadline_state);
            }
        }
        let mut counts = ContributionCounts::default();
        for fact in contributions.iter().filter(|c| c.area_id == area.id) {
            let due = fact.due();
            counts.count(fact.status, due.as_ref(), fact.withdrawn_after_commitment, today, calendar.due_soon_days);
            counts.count_confidence(fact.status, fact.confidence);
        }
        totals.contributions.add(&counts);
        let monitor = monitors.iter().find(|m| m.area_id == area.id);
        let mut goals = GoalCounts::default();
        if let Some(m) = monitor {
            let content: MonitorContent = serde_json::from_value(m.content.clone())
                .map_err(|e| Error::Internal(format!("stored monitor content unreadable: {e}")))?;
            for verdict in content.goal_assessments.iter().filter_map(|a| a.verdict) {
                goals.count(verdict);
            }
        }
        totals.goals.add(&goals);
        rows.push(AreaRow {
            area_id: area.id,
            code: area.code.clone(),
            name: area.name.clone(),
            stages,
            contributions: counts,
            goals,
            monitor_year: monitor.map(|m| m.year),
            monitor_document_id: monitor.map(|m| m.document_id),
        });
    }
    totals.stages.retain(|t| visible.contains(&Stage::from(t.kind)));
    Ok(Dashboard { municipality_id: municipality.id, year, today, as_of: at, areas: rows, totals })
}

fn stage_row(kind: DocumentKind, d: &Deadline, docs: &[Document], versions: &[VersionSummary]) -> StageRow {
    let doc = docs.iter().find(|doc| doc.area_id == d.area_id && doc.kind == kind);
    let mine: Vec<&VersionSummary> =
        doc.map(|doc| versions.iter().filter(|v| v.document_id == doc.id).collect()).unwrap_or_default();
    StageRow {
        kind,
        document_id: doc.map(|doc| doc.id),
        latest_status: mine.last().map(|v| v.status),
        in_force_version: mine.iter().find(|v| v.status == VersionStatus::Adopted).map(|v| v.number),
        due_date: d.due_date,
        deadline_state: d.state,
    }
}
