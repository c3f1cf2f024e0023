//! Signing in and out (SPEC §12). A person signs in with an access token, checked by the same code as the
//! API's `Authorization` header; the answer starts a server-side session and sends them where they belong.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::{self, CSRF_FIELD, SignedIn, csrf_matches};
use super::{Layout, PageError, home_of, html, see_other};
use crate::extract::principal_of_secret;
use crate::startup::AppState;
use crate::tokens::hash_secret;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/inloggen").route(web::get().to(form)).route(web::post().to(sign_in)))
        .service(web::resource("/uitloggen").route(web::post().to(sign_out)));
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    /// The field's message, shown in the error summary and beside the field.
    error: Option<&'static str>,
    /// The form's CSRF value, the same as the sign-in cookie's.
    csrf: String,
}

/// The form, tied to this browser by a fresh sign-in cookie (or the one it already has).
async fn form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let csrf = req.cookie(session::SIGN_IN_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty());
    let csrf = csrf.unwrap_or_else(session::random_secret);
    let page = SignInPage { layout: Layout::new("Inloggen", None), error: None, csrf: csrf.clone() };
    let mut answer = html(StatusCode::OK, &page, false);
    // The cookie is only read back at /inloggen; adding it cannot fail for a value of our own making.
    let _ = answer.add_cookie(&session::sign_in_cookie(&csrf, secure(&state)));
    answer
}

fn refused(error: &'static str, csrf: String) -> HttpResponse {
    let page = SignInPage { layout: Layout::new("Fout: Inloggen", None), error: Some(error), csrf };
    html(StatusCode::BAD_REQUEST, &page, false)
}

fn foreign_form() -> PageError {
    PageError::Forbidden(
        "Dit formulier is verlopen of komt niet van deze site. Ga terug, vernieuw de pagina en probeer het opnieuw."
            .into(),
    )
}

/// The value of a field of a form body; `None` when it is not there.
pub(super) fn field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

async fn sign_in(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, PageError> {
    let expected = req.cookie(session::SIGN_IN_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if !csrf_matches(&expected, field(&body, CSRF_FIELD).as_deref()) {
        return Err(foreign_form());
    }
    let token = field(&body, "token").map(|t| t.trim().to_owned()).unwrap_or_default();
    if token.is_empty() {
        return Ok(refused("Vul uw toegangscode in.", expected));
    }
    let Some(principal) = principal_of_secret(&state, &token).await? else {
        return Ok(refused("Deze toegangscode kennen we niet, of hij is ingetrokken of verlopen.", expected));
    };
    let id = session::random_secret();
    let now = state.db.clock().now();
    persistence::sessions::start(
        state.db.conn(),
        &hash_secret(&id),
        principal.token_id,
        &session::random_secret(),
        now,
    )
    .await?;
    Ok(see_other(&home_of(&principal))
        .cookie(session::cookie(&id, secure(&state)))
        .cookie(session::sign_in_cookie_removal(secure(&state)))
        .finish())
}

async fn sign_out(state: web::Data<AppState>, person: SignedIn, body: web::Bytes) -> Result<HttpResponse, PageError> {
    if !csrf_matches(&person.csrf, field(&body, CSRF_FIELD).as_deref()) {
        return Err(foreign_form());
    }
    persistence::credentials::end_session(&state.db, &person.id_hash).await?;
    Ok(see_other("/inloggen").cookie(session::removal(secure(&state))).finish())
}

/// Cookies are `Secure` when people reach the service over HTTPS.
fn secure(state: &AppState) -> bool {
    state.public_url.starts_with("https://")
}
