//! The web pages (SPEC §12): server-rendered Dutch HTML in the NL Design System, for people rather than
//! programs, served beside the JSON API outside `/api/v1`. Like `routes`, each page module only translates: it
//! calls the same operations (`usecases`) with the signed-in person's principal and renders what they return.
//! No page module imports a route module. Templates are compiled into the binary by askama (`api/templates`).
//!
//! Every page answer goes through [`html`], which sets the headers of SPEC §12 and §15: a
//! Content-Security-Policy without `unsafe-inline`, `Referrer-Policy: same-origin`, and `no-store` when
//! someone is signed in.

mod assets;
mod board;
pub mod chart;
pub mod content_view;
mod deadlines;
mod document;
mod document_diff;
pub mod dutch;
mod home;
mod overview;
mod public;
pub mod rules_nl;
pub mod session;
mod sign_in;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError, web};
use askama::Template;

use crate::usecases;

pub use overview::OverviewViews;

/// Only this service's own stylesheet and the data: images inside it; no script, no frames, forms post here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn configure(cfg: &mut web::ServiceConfig) {
    assets::configure(cfg);
    sign_in::configure(cfg);
    home::configure(cfg);
    overview::configure(cfg);
    board::configure(cfg);
    deadlines::configure(cfg);
    document::configure(cfg);
    document_diff::configure(cfg);
    public::configure(cfg);
}

/// What every page's layout needs: the title, who is signed in (with the CSRF secret for signing out).
pub struct Layout {
    pub title: String,
    pub person: Option<Person>,
    pub stylesheet: &'static str,
}

pub struct Person {
    pub name: String,
    pub csrf: String,
}

impl Layout {
    pub fn new(title: impl Into<String>, signed_in: Option<&session::SignedIn>) -> Layout {
        Layout {
            title: title.into(),
            person: signed_in.map(|s| Person { name: s.principal.name.clone(), csrf: s.csrf.clone() }),
            stylesheet: assets::STYLESHEET_PATH,
        }
    }
}

/// A rendered page with the pages' headers; `signed_in` pages are never stored by a browser or a cache.
pub fn html(status: StatusCode, page: &impl Template, signed_in: bool) -> HttpResponse {
    match page.render() {
        Ok(body) => with_headers(HttpResponse::build(status), signed_in).body(body),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            PageError::Internal(e.to_string()).error_response()
        }
    }
}

fn with_headers(mut builder: HttpResponseBuilder, signed_in: bool) -> HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if signed_in {
        builder.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    builder
}

/// A redirect after a form or to where a person belongs (303, so the browser follows with GET).
pub fn see_other(location: &str) -> HttpResponseBuilder {
    let mut b = HttpResponse::SeeOther();
    b.insert_header((header::LOCATION, location)).insert_header((header::REFERRER_POLICY, "same-origin"));
    b
}

/// Why a page is not shown, as a Dutch page (never problem+json: people read it).
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No live session: the person is sent to the sign-in page.
    #[error("not signed in")]
    SignedOut,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
}

impl PageError {
    fn words(&self) -> (&'static str, String) {
        match self {
            PageError::SignedOut => ("U bent niet ingelogd", "Log in om verder te gaan.".into()),
            PageError::BadRequest(m) => ("Deze vraag klopt niet", m.clone()),
            PageError::Forbidden(m) => ("Geen toegang", m.clone()),
            PageError::NotFound => (
                "Pagina niet gevonden",
                "Deze pagina bestaat niet, of u heeft er geen toegang toe. Controleer het adres.".into(),
            ),
            PageError::Unavailable(_) => (
                "Even niet beschikbaar",
                "De dienst kan de gegevens nu niet lezen. Probeer het over een minuut opnieuw.".into(),
            ),
            PageError::Internal(_) => {
                ("Er ging iets mis", "Er ging bij ons iets mis. Probeer het later opnieuw.".into())
            }
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignedOut => StatusCode::SEE_OTHER,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::SignedOut = self {
            return see_other("/inloggen").finish();
        }
        if let PageError::Internal(cause) | PageError::Unavailable(cause) = self {
            tracing::error!(%cause, "a page failed");
        }
        let (heading, message) = self.words();
        let page = ErrorPage { layout: Layout::new(heading, None), heading, message };
        let mut res = match page.render() {
            Ok(body) => with_headers(HttpResponse::build(self.status_code()), false).body(body),
            Err(_) => HttpResponse::build(self.status_code()).content_type("text/plain; charset=utf-8").body(heading),
        };
        if let PageError::Unavailable(_) = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

impl From<usecases::Error> for PageError {
    fn from(e: usecases::Error) -> Self {
        match e {
            usecases::Error::NotFound => PageError::NotFound,
            usecases::Error::Forbidden(_) => {
                PageError::Forbidden("U mag deze gegevens niet zien of deze handeling niet doen.".into())
            }
            usecases::Error::Invalid(errors) => PageError::BadRequest(format!(
                "Controleer het adres: {}.",
                errors.iter().map(|e| e.name.clone()).collect::<Vec<_>>().join(", ")
            )),
            usecases::Error::Unavailable(m) => PageError::Unavailable(m),
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<persistence::StoreError> for PageError {
    fn from(e: persistence::StoreError) -> Self {
        usecases::Error::from(e).into()
    }
}

/// The query parameter `name` parsed as `T`: `None` when absent, a Dutch 400 with `refusal(value)` when it
/// does not parse. One place for what every page's query does with a bad value.
pub fn query_param<T: std::str::FromStr>(
    req: &actix_web::HttpRequest,
    name: &str,
    refusal: impl FnOnce(&str) -> String,
) -> Result<Option<T>, PageError> {
    match form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == name) {
        None => Ok(None),
        Some((_, v)) => v.parse().map(Some).map_err(|_| PageError::BadRequest(refusal(&v))),
    }
}

/// The Dutch 404 page for a path that is not a page (the JSON API keeps its problem+json).
pub fn not_found() -> HttpResponse {
    PageError::NotFound.error_response()
}

/// Whether a path belongs to the JSON API and the operations endpoints rather than to the pages.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path.starts_with("/health/") || path == "/metrics"
}

/// Where a signed-in person starts: the overview of their municipality, an administrator's list of
/// municipalities, or a partner's contributions.
pub fn home_of(p: &domain::Principal) -> String {
    use domain::principal::Access;
    match &p.access {
        Access::Admin => "/gemeenten".into(),
        Access::Partner { .. } => "/mijn-bijdragen".into(),
        Access::Coordinator { municipality_id }
        | Access::AreaEditor { municipality_id, .. }
        | Access::Viewer { municipality_id } => format!("/gemeenten/{municipality_id}/overzicht"),
    }
}
