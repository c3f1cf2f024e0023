use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use domain::Principal;
use futures_util::future::LocalBoxFuture;

use crate::error::ApiError;
use crate::startup::AppState;
use crate::tokens::hash_secret;

/// The authenticated caller. Every endpoint except health, metrics and the OpenAPI document takes one.
pub struct Auth(pub Principal);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(principal) = req.extensions().get::<Principal>() {
            let principal = principal.clone();
            return Box::pin(async move { Ok(Auth(principal)) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let header = header.ok_or(ApiError::Unauthenticated("Send Authorization: Bearer <token>."))?;
            let secret = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or(ApiError::Unauthenticated("The Authorization header must be Bearer <token>."))?;
            let principal = principal_of_secret(&state, secret)
                .await?
                .ok_or(ApiError::Unauthenticated("The token is unknown, revoked or expired."))?;
            tracing::Span::current().record("token_id", tracing::field::display(principal.token_id));
            req.extensions_mut().insert(principal.clone());
            Ok(Auth(principal))
        })
    }
}

/// The principal of a token secret, while the token is neither revoked nor expired: the one check of an
/// access token, for the API's `Authorization` header and the sign-in page alike. Served from memory when it
/// can be (`persistence::credentials`), which a revocation clears at once.
pub async fn principal_of_secret(state: &AppState, secret: &str) -> Result<Option<Principal>, persistence::StoreError> {
    let hash = hash_secret(secret);
    let key = persistence::credentials::TokenKey::Hash(&hash);
    persistence::credentials::principal(&state.db, key, state.db.clock().now()).await
}
