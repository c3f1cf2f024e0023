use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};

use crate::error::ApiError;

/// The optional `Idempotency-Key` of a create: 1 to 255 visible ASCII characters, none of them a double quote at
/// either end, optionally in one pair of double quotes (the structured-field string form). The published
/// pattern (`openapi::IDEMPOTENCY_KEY_PATTERN`) says the same.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get("Idempotency-Key") else { return ready(Ok(IdempotencyKey(None))) };
        let key = value.to_str().ok().map(|s| {
            let s = s.trim_matches([' ', '\t']);
            let s = s.strip_prefix('"').unwrap_or(s);
            s.strip_suffix('"').unwrap_or(s).to_owned()
        });
        ready(match key {
            Some(k) if well_formed(&k) => Ok(IdempotencyKey(Some(k))),
            _ => Err(ApiError::invalid_one(
                "Idempotency-Key",
                "invalid_header",
                "must be 1 to 255 visible ASCII characters, such as a UUID",
            )),
        })
    }
}

/// 1 to 255 visible ASCII characters without a double quote at either end.
fn well_formed(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && b.len() <= 255
        && b.iter().all(u8::is_ascii_graphic)
        && b.first() != Some(&b'"')
        && b.last() != Some(&b'"')
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn a_key_is_visible_ascii_without_a_quote_at_either_end() {
        for good in ["a", "8e03978e-40d5-43e8-bc93-6894a57f9324", "a\"b", &"x".repeat(255)] {
            assert!(well_formed(good), "{good}");
        }
        for bad in ["", "\"a", "a\"", "a b", "é", &"x".repeat(256)] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
