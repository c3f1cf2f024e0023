use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};

use crate::error::ApiError;

/// The optional `Idempotency-Key` of a create: 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get("Idempotency-Key") else { return ready(Ok(IdempotencyKey(None))) };
        let key = value.to_str().ok().map(|s| s.trim().trim_matches('"').to_owned());
        ready(match key {
            Some(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(IdempotencyKey(Some(k)))
            }
            _ => Err(ApiError::invalid_one(
                "Idempotency-Key",
                "invalid_header",
                "must be 1 to 255 visible ASCII characters, such as a UUID",
            )),
        })
    }
}
