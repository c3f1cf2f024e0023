//! Signing in and out (SPEC §12). A person signs in with an access token, checked by the same code as the
//! API's `Authorization` header; the answer starts a server-side session and sends them where they belong.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
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
}

async fn form() -> HttpResponse {
    html(StatusCode::OK, &SignInPage { layout: Layout::new("Inloggen", None), error: None }, false)
}

fn refused(error: &'static str) -> HttpResponse {
    let page = SignInPage { layout: Layout::new("Fout: Inloggen", None), error: Some(error) };
    html(StatusCode::BAD_REQUEST, &page, false)
}

/// The value of a field of a form body; `None` when it is not there.
pub(super) fn field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

async fn sign_in(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, PageError> {
    let token = field(&body, "token").map(|t| t.trim().to_owned()).unwrap_or_default();
    if token.is_empty() {
        return Ok(refused("Vul uw toegangscode in."));
    }
    let Some(principal) = principal_of_secret(&state, &token).await? else {
        return Ok(refused("Deze toegangscode kennen we niet, of hij is ingetrokken of verlopen."));
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
    Ok(see_other(&home_of(&principal)).cookie(session::cookie(&id, secure(&state))).finish())
}

async fn sign_out(state: web::Data<AppState>, person: SignedIn, body: web::Bytes) -> Result<HttpResponse, PageError> {
    if !csrf_matches(&person.csrf, field(&body, CSRF_FIELD).as_deref()) {
        return Err(PageError::Forbidden(
            "Dit formulier is verlopen of komt niet van deze site. Ga terug, vernieuw de pagina en probeer het opnieuw."
                .into(),
        ));
    }
    persistence::sessions::end(state.db.conn(), &person.id_hash).await?;
    Ok(see_other("/inloggen").cookie(session::removal(secure(&state))).finish())
}

/// Cookies are `Secure` when people reach the service over HTTPS.
fn secure(state: &AppState) -> bool {
    state.public_url.starts_with("https://")
}
