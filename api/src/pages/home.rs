//! Where a person starts: `/` sends them to their own page; an administrator chooses a municipality; a
//! partner sees its contributions ("Mijn bijdragen").

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use persistence::contributions::ContributionFilter;
use persistence::municipalities::MunicipalityFilter;
use uuid::Uuid;

use super::session::SignedIn;
use super::{Layout, PageError, dutch, home_of, html, see_other};
use crate::startup::AppState;
use crate::usecases;

/// Lists are read in pages of this many; a page shows them all.
const BATCH: u64 = 200;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(start)))
        .service(web::resource("/gemeenten").route(web::get().to(municipalities)))
        .service(web::resource("/mijn-bijdragen").route(web::get().to(my_contributions)));
}

async fn start(req: HttpRequest) -> Result<HttpResponse, PageError> {
    use actix_web::FromRequest;
    match SignedIn::extract(&req).await {
        Ok(person) => Ok(see_other(&home_of(&person.principal)).finish()),
        Err(PageError::SignedOut) => Ok(see_other("/inloggen").finish()),
        Err(e) => Err(e),
    }
}

struct MunicipalityLink {
    name: String,
    href: String,
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct MunicipalitiesPage {
    layout: Layout,
    municipalities: Vec<MunicipalityLink>,
}

async fn municipalities(state: web::Data<AppState>, person: SignedIn) -> Result<HttpResponse, PageError> {
    let now = state.db.clock().now();
    let mut found = Vec::new();
    let mut after: Option<Uuid> = None;
    loop {
        let page = usecases::municipalities::list(
            state.db.conn(),
            &person.principal,
            now,
            &MunicipalityFilter::default(),
            after,
            BATCH,
        )
        .await?;
        found.extend(page.items);
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    let municipalities = found
        .into_iter()
        .map(|m| MunicipalityLink { href: format!("/gemeenten/{}/overzicht", m.id), name: m.name })
        .collect();
    let page = MunicipalitiesPage { layout: Layout::new("Gemeenten", Some(&person)), municipalities };
    Ok(html(StatusCode::OK, &page, true))
}

struct ContributionRow {
    title: String,
    goal: String,
    /// The agenda the promise serves.
    goal_href: String,
    area: String,
    /// The area's cycle board in the year the promise is due (this year when it has no date).
    area_href: String,
    status: &'static str,
    due: String,
}

/// A partner of many areas over many years has hundreds of promises: the page shows them a page at a time, in
/// the order the API lists them, with a link to the next.
const MY_CONTRIBUTIONS_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "my_contributions.html")]
struct MyContributionsPage {
    layout: Layout,
    rows: Vec<ContributionRow>,
    next_href: Option<String>,
    first_href: Option<&'static str>,
}

/// `?na=<id>`: the page after that contribution.
fn cursor_of(req: &HttpRequest) -> Result<Option<Uuid>, PageError> {
    super::query_param(req, "na", |_| "Deze link naar een volgende pagina klopt niet; begin bij Mijn bijdragen.".into())
}

async fn my_contributions(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: SignedIn,
) -> Result<HttpResponse, PageError> {
    let p = &person.principal;
    if !matches!(p.access, domain::principal::Access::Partner { .. }) {
        return Ok(see_other(&home_of(p)).finish());
    }
    let after = cursor_of(&req)?;
    let now = state.db.clock().now();
    let conn = state.db.conn();
    let mine = ContributionFilter::default();
    let page =
        usecases::contributions::list(conn, p, now, &state.contributions, &mine, after, MY_CONTRIBUTIONS_PAGE).await?;
    let names = usecases::contributions::names(conn, p, &page.items).await?;
    let rows = page
        .items
        .iter()
        .map(|c| ContributionRow {
            title: c.title.clone(),
            goal: names.goal(c).to_owned(),
            goal_href: format!("/documenten/{}", c.agenda_document_id),
            area: names.area(c).to_owned(),
            area_href: format!(
                "/gebieden/{}/cyclus/{}",
                c.area_id,
                c.due_date.map_or_else(|| now.year(), |d| d.year())
            ),
            status: dutch::contribution_status(c.status),
            due: c.due_date.map(dutch::date).unwrap_or_else(|| "geen datum".into()),
        })
        .collect();
    let page = MyContributionsPage {
        layout: Layout::new("Mijn bijdragen", Some(&person)),
        rows,
        next_href: page.next_after.map(|id| format!("/mijn-bijdragen?na={id}")),
        first_href: after.map(|_| "/mijn-bijdragen"),
    };
    Ok(html(StatusCode::OK, &page, true))
}
