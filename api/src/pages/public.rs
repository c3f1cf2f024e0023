//! The public pages (openbaar, SPEC §12, Wet open overheid): without signing in, anyone reads the
//! municipalities, their areas, and per area the adopted agendas, plans and monitors (analyses where the
//! municipality publishes them), each with a print layout for a council meeting. They show what
//! `usecases::public` returns, which reads through a scope that reaches no draft, submitted version,
//! check-in or token. Someone who is signed in sees the same pages, with the usual `no-store`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::clock::dutch_date;
use domain::content::DocumentKind;
use uuid::Uuid;

use super::content_view::{self, ContentNames, ContentView};
use super::session::{self, SignedIn};
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;
use crate::usecases::public::PublishedDocument;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/openbaar").route(web::get().to(municipalities)))
        .service(web::resource("/openbaar/gemeenten/{id}").route(web::get().to(municipality)))
        .service(web::resource("/openbaar/gebieden/{id}").route(web::get().to(area)))
        .service(web::resource("/openbaar/documenten/{id}").route(web::get().to(document)));
}

/// The layout for whoever asks: signed in or not, and whether the answer must not be stored (a session
/// cookie was sent, as on every other page).
fn layout(req: &HttpRequest, title: String, person: &Option<SignedIn>) -> (Layout, bool) {
    (Layout::new(title, person.as_ref()), req.cookie(session::COOKIE).is_some())
}

fn id_of(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

struct Link {
    name: String,
    href: String,
}

#[derive(Template)]
#[template(path = "public_municipalities.html")]
struct MunicipalitiesPage {
    layout: Layout,
    municipalities: Vec<Link>,
}

async fn municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::municipalities(state.db.conn()).await?;
    let (layout, no_store) = layout(&req, "Openbare gebiedsdocumenten".into(), &person);
    let municipalities =
        found.into_iter().map(|m| Link { href: format!("/openbaar/gemeenten/{}", m.id), name: m.name }).collect();
    Ok(html(StatusCode::OK, &MunicipalitiesPage { layout, municipalities }, no_store))
}

#[derive(Template)]
#[template(path = "public_municipality.html")]
struct MunicipalityPage {
    layout: Layout,
    municipality: String,
    areas: Vec<Link>,
    kinds: Vec<&'static str>,
}

async fn municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::municipality(state.db.conn(), id_of(&id)?).await?;
    let (layout, no_store) = layout(&req, format!("Gebieden van {}", found.municipality.name), &person);
    let page = MunicipalityPage {
        layout,
        kinds: found.municipality.calendar.public_kinds.iter().map(|&k| dutch::kind(k)).collect(),
        municipality: found.municipality.name,
        areas: found
            .areas
            .into_iter()
            .map(|a| Link { href: format!("/openbaar/gebieden/{}", a.id), name: a.name })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

struct DocumentRow {
    kind: &'static str,
    period: String,
    adopted: String,
    version: i32,
    href: String,
}

#[derive(Template)]
#[template(path = "public_area.html")]
struct AreaPage {
    layout: Layout,
    area: String,
    municipality: String,
    municipality_href: String,
    documents: Vec<DocumentRow>,
}

fn period(kind: DocumentKind, start: i32, end: i32) -> String {
    match kind {
        DocumentKind::Agenda if start != end => format!("{start}–{end}"),
        _ => start.to_string(),
    }
}

fn adopted_on(v: &persistence::documents::Version) -> String {
    v.summary.adopted_at.map(|at| dutch::date(dutch_date(at))).unwrap_or_default()
}

async fn area(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::area(state.db.conn(), id_of(&id)?).await?;
    let (layout, no_store) = layout(&req, format!("{} – openbare documenten", found.area.name), &person);
    let page = AreaPage {
        layout,
        municipality_href: format!("/openbaar/gemeenten/{}", found.municipality.id),
        municipality: found.municipality.name,
        area: found.area.name,
        documents: found
            .documents
            .iter()
            .map(|(d, v)| DocumentRow {
                kind: dutch::kind(d.kind),
                period: period(d.kind, d.period_start, d.period_end),
                adopted: adopted_on(v),
                version: v.summary.number,
                href: format!("/openbaar/documenten/{}", d.id),
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

#[derive(Template)]
#[template(path = "public_document.html")]
struct DocumentPage {
    layout: Layout,
    heading: String,
    kind: &'static str,
    area: String,
    area_href: String,
    municipality: String,
    period: String,
    adopted: String,
    version: i32,
    content: ContentView,
}

async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::document(state.db.conn(), id_of(&id)?).await?;
    let d = &found.document;
    let kind = dutch::kind(d.kind);
    let period = period(d.kind, d.period_start, d.period_end);
    let heading = format!("{} {} {}", capitalised(kind), found.area.name, period);
    let (layout, no_store) = layout(&req, heading.clone(), &person);
    let page = DocumentPage {
        layout,
        heading,
        kind,
        area_href: format!("/openbaar/gebieden/{}", found.area.id),
        area: found.area.name.clone(),
        municipality: found.municipality.name.clone(),
        period,
        adopted: adopted_on(&found.version),
        version: found.version.summary.number,
        content: content_view::view(&found.content, &content_names(&found), ""),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What the shared content view needs to name things: the organisations owning a plan's measures, the
/// contributions a monitor assesses by title, the goals by title, and what the area's published monitors
/// measured. No contribution of an agenda: those are not published.
fn content_names(found: &PublishedDocument) -> ContentNames {
    ContentNames {
        organisations: found.names.clone(),
        contribution_titles: found.names.clone(),
        goal_titles: found.goal_titles.clone(),
        measured: found.measured.clone(),
        without_contributions: true,
        ..ContentNames::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agenda_shows_its_period_and_other_kinds_their_year() {
        assert_eq!(period(DocumentKind::Agenda, 2027, 2030), "2027–2030");
        assert_eq!(period(DocumentKind::Plan, 2027, 2027), "2027");
    }
}
