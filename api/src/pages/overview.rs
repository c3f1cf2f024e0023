//! The municipality overview (gemeenteoverzicht, SPEC §12): for one cycle year, every area against the four
//! stages with each stage's status and deadline state, the contributions by status with those at risk, off
//! track and broken, and the deadlines that are overdue or due soon. It shows what `usecases::dashboard` and
//! `usecases::deadlines` return, nothing it computes itself.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::deadline::DeadlineState;
use uuid::Uuid;

use super::session::SignedIn;
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;
use crate::usecases::dashboard::{Dashboard, DashboardQuery};
use crate::usecases::deadlines::DeadlineQuery;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/gemeenten/{id}/overzicht").route(web::get().to(overview)));
}

/// The overview's dashboards as last computed, kept while their municipality does not change.
pub type OverviewViews = crate::view_cache::ViewCache<Arc<Dashboard>>;

struct Cell {
    status: &'static str,
    state: &'static str,
    /// The class of the state (`gc-state--overdue`), which repeats the word in colour.
    state_class: &'static str,
    due: Option<String>,
}

struct AreaRow {
    name: String,
    href: String,
    cells: Vec<Cell>,
}

struct Count {
    label: &'static str,
    count: String,
}

struct DeadlineItem {
    what: String,
    area: String,
    due: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    municipality: String,
    year: i32,
    today: String,
    previous_href: String,
    next_href: String,
    deadlines_href: String,
    stages: Vec<&'static str>,
    areas: Vec<AreaRow>,
    contributions: Vec<Count>,
    signals: Vec<Count>,
    overdue: Vec<DeadlineItem>,
    /// The deadlines page with all of them, when there are more than the overview shows.
    overdue_more: Option<String>,
    due_soon: Vec<DeadlineItem>,
    due_soon_more: Option<String>,
}

/// The overview shows the most urgent few of each kind of deadline and links to the rest: a municipality can
/// have hundreds, which made the page long to read and, at up to 200 rows of each, slow to serve.
const SHOWN_DEADLINES: u64 = 20;

/// The `jaar` of the query, when there is one.
fn year_of(req: &HttpRequest) -> Result<Option<i32>, PageError> {
    super::query_param(req, "jaar", |v| format!("Het jaar ‘{v}’ is geen jaartal; gebruik bijvoorbeeld ?jaar=2027."))
}

async fn overview(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let p = &person.principal;
    if domain::access::may_view_municipality_overview(p).is_err() {
        return Err(PageError::Forbidden(
            "Dit overzicht is voor medewerkers van de gemeente. Uw eigen bijdragen staan onder Mijn bijdragen.".into(),
        ));
    }
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let year = year_of(&req)?;
    let conn = state.db.conn();
    let now = state.db.clock().now();
    let municipality = usecases::municipalities::get(conn, p, now, id).await?;
    let query = DashboardQuery { municipality_id: Some(id), year, at: None };
    let d = usecases::dashboard::get(conn, p, now, query, &state.overviews, |d| Ok(Arc::new(d))).await?;
    let listed = |state| DeadlineQuery {
        municipality_id: Some(id),
        year: Some(d.year),
        state: Some(state),
        page_size: Some(SHOWN_DEADLINES),
        ..Default::default()
    };
    let overdue = usecases::deadlines::list(conn, p, now, &state.deadlines, listed(DeadlineState::Overdue)).await?;
    let due_soon = usecases::deadlines::list(conn, p, now, &state.deadlines, listed(DeadlineState::DueSoon)).await?;
    let more = |page: &usecases::deadlines::DeadlinePage, state: DeadlineState| {
        page.next.as_ref().map(|_| format!("/termijnen?gemeente={id}&jaar={}&stand={}", d.year, state.as_str()))
    };
    let overdue_more = more(&overdue, DeadlineState::Overdue);
    let due_soon_more = more(&due_soon, DeadlineState::DueSoon);
    let items = |page: usecases::deadlines::DeadlinePage| -> Vec<DeadlineItem> {
        page.deadlines
            .iter()
            .map(|dl| DeadlineItem {
                what: dutch::deadline_subject(dl.stage, page.names.contribution_title(dl), page.names.organisation(dl)),
                area: page.names.area(dl),
                due: dl.due_date.map(dutch::date).unwrap_or_default(),
            })
            .collect()
    };
    let page = OverviewPage {
        layout: Layout::new(format!("Overzicht {} {}", municipality.name, d.year), Some(&person)),
        municipality: municipality.name,
        year: d.year,
        today: dutch::date(d.today),
        previous_href: format!("/gemeenten/{id}/overzicht?jaar={}", d.year - 1),
        next_href: format!("/gemeenten/{id}/overzicht?jaar={}", d.year + 1),
        deadlines_href: format!("/termijnen?gemeente={id}&jaar={}", d.year),
        stages: d.totals.stages.iter().map(|s| dutch::kind(s.kind)).collect(),
        areas: d
            .areas
            .iter()
            .map(|a| AreaRow {
                name: a.name.clone(),
                href: format!("/gebieden/{}/cyclus/{}", a.area_id, d.year),
                cells: a
                    .stages
                    .iter()
                    .map(|s| Cell {
                        status: dutch::version_status(s.latest_status),
                        state: dutch::deadline_state(s.deadline_state),
                        state_class: dutch::state_class(s.deadline_state),
                        due: s.due_date.map(dutch::date),
                    })
                    .collect(),
            })
            .collect(),
        contributions: contribution_counts(&d),
        signals: signal_counts(&d),
        overdue: items(overdue),
        overdue_more,
        due_soon: items(due_soon),
        due_soon_more,
    };
    Ok(html(StatusCode::OK, &page, true))
}

fn count(label: &'static str, n: u32) -> Count {
    Count { label, count: dutch::number(i64::from(n)) }
}

fn contribution_counts(d: &Dashboard) -> Vec<Count> {
    use domain::contribution::ContributionStatus as S;
    let c = &d.totals.contributions;
    vec![
        count(dutch::contribution_status(S::Proposed), c.proposed),
        count(dutch::contribution_status(S::Committed), c.committed),
        count(dutch::contribution_status(S::InProgress), c.in_progress),
        count(dutch::contribution_status(S::Delivered), c.delivered),
        count(dutch::contribution_status(S::PartiallyDelivered), c.partially_delivered),
        count(dutch::contribution_status(S::NotDelivered), c.not_delivered),
        count(dutch::contribution_status(S::Withdrawn), c.withdrawn),
        count("totaal", c.total),
    ]
}

/// What needs attention: at risk and off track (the latest check-in says so), overdue, and broken promises
/// (withdrawn after they were agreed to).
fn signal_counts(d: &Dashboard) -> Vec<Count> {
    let c = &d.totals.contributions;
    vec![
        count("risico", c.at_risk),
        count("uit koers", c.off_track),
        count("te laat", c.overdue),
        count("gebroken toezeggingen (ingetrokken na toezegging)", c.withdrawn_after_commitment),
    ]
}
