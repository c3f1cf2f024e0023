//! Page sessions (SPEC §12): a random id in an `HttpOnly`, `SameSite=Lax` cookie, stored only as a hash, that
//! acts as the access token it was started with. [`SignedIn`] is the extractor of every signed-in page; it
//! ends a session whose token was revoked or expired. Forms that change something carry the session's CSRF
//! secret, checked by [`csrf_matches`].

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::Principal;
use futures_util::future::LocalBoxFuture;
use persistence::credentials::{self, TokenKey};
use rand::RngCore;

use super::PageError;
use crate::startup::AppState;
use crate::tokens::hash_secret;

/// The cookie that holds the session id.
pub const COOKIE: &str = "gc_sessie";

/// The name of the hidden form field that carries the CSRF secret.
pub const CSRF_FIELD: &str = "csrf";

/// A signed-in person: the principal of the session's token, the session's CSRF secret, and the hash of its
/// id (to end it).
pub struct SignedIn {
    pub principal: Principal,
    pub csrf: String,
    pub id_hash: String,
}

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let id = req.cookie(COOKIE).map(|c| c.value().to_owned());
        Box::pin(async move {
            let state = state.ok_or_else(|| PageError::Internal("application state missing".into()))?;
            let id = id.filter(|v| !v.is_empty()).ok_or(PageError::SignedOut)?;
            let id_hash = hash_secret(&id);
            let now = state.db.clock().now();
            let db = &state.db;
            let session = credentials::session(db, &id_hash, now).await?.ok_or(PageError::SignedOut)?;
            let Some(principal) = credentials::principal(db, TokenKey::Id(session.token_id), now).await? else {
                // The token was revoked or expired: the session goes with it.
                credentials::end_session(db, &id_hash).await?;
                return Err(PageError::SignedOut);
            };
            tracing::Span::current().record("token_id", tracing::field::display(principal.token_id));
            Ok(SignedIn { principal, csrf: session.csrf_secret, id_hash })
        })
    }
}

/// 32 random bytes from the operating system's generator, base64url: a session id or a CSRF secret.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The session cookie for `id`; `Secure` when the service is reached over HTTPS.
pub fn cookie(id: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, id.to_owned()).http_only(true).same_site(SameSite::Lax).path("/").secure(secure).finish()
}

/// Before there is a session, the sign-in form is tied to the browser that asked for it by this cookie, whose
/// value the form repeats in its CSRF field (a double-submit): another site cannot read the cookie, so it
/// cannot sign a visitor in under a token of its choosing.
pub const SIGN_IN_COOKIE: &str = "gc_inlog";

/// The sign-in form's cookie, sent back only to `/inloggen`, for an hour.
pub fn sign_in_cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(SIGN_IN_COOKIE, value.to_owned())
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/inloggen")
        .max_age(actix_web::cookie::time::Duration::hours(1))
        .secure(secure)
        .finish()
}

/// The cookie that makes the browser forget the sign-in form's secret once it has signed in.
pub fn sign_in_cookie_removal(secure: bool) -> Cookie<'static> {
    let mut c = sign_in_cookie("", secure);
    c.make_removal();
    c
}

/// The cookie that makes the browser forget the session.
pub fn removal(secure: bool) -> Cookie<'static> {
    let mut c = cookie("", secure);
    c.make_removal();
    c
}

/// Whether a form's CSRF field is the session's secret, compared in constant time so the answer's timing
/// tells nothing about how much of it was right.
pub fn csrf_matches(expected: &str, given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    if expected.is_empty() || given.len() != expected.len() {
        return false;
    }
    given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sessions_own_secret_passes_the_csrf_check() {
        let secret = random_secret();
        assert!(csrf_matches(&secret, Some(&secret.clone())));
    }

    #[test]
    fn a_missing_empty_or_other_csrf_token_is_refused() {
        let secret = random_secret();
        assert!(!csrf_matches(&secret, None));
        assert!(!csrf_matches(&secret, Some("")));
        assert!(!csrf_matches(&secret, Some(&random_secret())));
        assert!(!csrf_matches(&secret, Some(&secret[..secret.len() - 1])));
        assert!(!csrf_matches("", Some("")), "a session without a secret accepts nothing");
    }

    #[test]
    fn session_ids_are_long_and_random() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_only_over_https() {
        let c = cookie("x", false).to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Path=/"), "{c}");
        assert!(!c.contains("Secure"));
        assert!(cookie("x", true).to_string().contains("Secure"));
    }
}
