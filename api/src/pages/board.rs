//! The area cycle board (gebiedscyclus, SPEC §12): one area's year with its four stages, each with the latest
//! and the in-force version, the deadline and a link to the document, and the area's partners. It shows what
//! `usecases::boards` and `usecases::partners` return, nothing it computes itself, so a person sees on the page
//! exactly what the API's `/areas/{id}/cycles/{year}` and `/partners` give them: the board with its area, and
//! the partners with their organisations' names and kinds, in five statements.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use domain::clock::dutch_date;
use domain::principal::Access;
use persistence::documents::VersionSummary;
use uuid::Uuid;

use super::session::SignedIn;
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/gebieden/{id}/cyclus/{jaar}").route(web::get().to(board)));
}

struct Version {
    number: i32,
    status: &'static str,
    /// The day it was adopted, for the version in force.
    adopted: Option<String>,
}

struct StageDeadline {
    state: &'static str,
    state_class: &'static str,
    due: Option<String>,
    met: Option<String>,
}

struct StageRow {
    name: &'static str,
    /// The document page, when the stage has a document this year.
    href: Option<String>,
    latest: Option<Version>,
    in_force: Option<Version>,
    /// `None` where the person may not see the stage's deadline (a partner and the analysis).
    deadline: Option<StageDeadline>,
    /// Neither a deadline nor a document to show: the stage is not for this person (a partner and the
    /// analysis), which the page says rather than "not started".
    hidden: bool,
}

struct PartnerRow {
    name: String,
    kind: &'static str,
    since: String,
    until: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    layout: Layout,
    area: String,
    year: i32,
    previous_href: Option<String>,
    next_href: Option<String>,
    overview_href: Option<String>,
    deadlines_href: String,
    stages: Vec<StageRow>,
    partners: Vec<PartnerRow>,
}

fn version(v: &VersionSummary) -> Version {
    Version {
        number: v.number,
        status: dutch::version_status(Some(v.status)),
        adopted: v.adopted_at.map(|at| dutch::date(dutch_date(at))),
    }
}

fn day_or(d: Option<NaiveDate>, otherwise: &str) -> String {
    d.map(dutch::date).unwrap_or_else(|| otherwise.to_owned())
}

async fn board(
    state: web::Data<AppState>,
    person: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, year) = path.into_inner();
    let area_id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let year: i32 = year.parse().map_err(|_| {
        PageError::BadRequest(format!("Het jaar ‘{year}’ is geen jaartal; gebruik bijvoorbeeld /cyclus/2027."))
    })?;
    let p = &person.principal;
    let conn = state.db.conn();
    let now = state.db.clock().now();
    let board = usecases::boards::get(conn, p, now, &state.boards, area_id, year, None).await.map_err(|e| match e {
        usecases::Error::Invalid(_) => {
            let (min, max) = domain::calendar::CYCLE_YEARS;
            PageError::BadRequest(format!("Het jaar {year} ligt niet tussen {min} en {max}."))
        }
        other => other.into(),
    })?;

    let area = &board.area;
    let mut partners = usecases::partners::of_area(conn, p, now, area).await?;
    partners.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));

    let (min, max) = domain::calendar::CYCLE_YEARS;
    let year_href = |y: i32| (min..=max).contains(&y).then(|| format!("/gebieden/{area_id}/cyclus/{y}"));
    let deadlines_href = match p.access {
        Access::Admin => format!("/termijnen?gemeente={}&gebied={area_id}&jaar={year}", area.municipality_id),
        _ => format!("/termijnen?gebied={area_id}&jaar={year}"),
    };
    let page = BoardPage {
        layout: Layout::new(format!("{}: gebiedscyclus {year}", area.name), Some(&person)),
        year,
        previous_href: year_href(year - 1),
        next_href: year_href(year + 1),
        overview_href: domain::access::may_view_municipality_overview(p)
            .is_ok()
            .then(|| format!("/gemeenten/{}/overzicht?jaar={year}", area.municipality_id)),
        deadlines_href,
        stages: board
            .stages
            .iter()
            .map(|s| StageRow {
                name: dutch::kind(s.kind),
                href: s.document.as_ref().map(|d| format!("/documenten/{}", d.id)),
                latest: s.latest.as_ref().map(version),
                in_force: s.in_force.as_ref().map(version),
                deadline: s.deadline.as_ref().map(|d| StageDeadline {
                    state: dutch::deadline_state(d.state),
                    state_class: dutch::state_class(d.state),
                    due: d.due_date.map(dutch::date),
                    met: d.met_at.map(|at| dutch::date(dutch_date(at))),
                }),
                hidden: s.deadline.is_none() && s.document.is_none(),
            })
            .collect(),
        partners: partners
            .into_iter()
            .map(|named| PartnerRow {
                kind: named.organisation_kind.map(dutch::organisation_kind).unwrap_or(""),
                name: named.organisation_name,
                since: day_or(named.partner.since, "geen begindatum"),
                until: day_or(named.partner.until, "geen einddatum"),
            })
            .collect(),
        area: area.name.clone(),
    };
    Ok(html(StatusCode::OK, &page, true))
}
