use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};
use uuid::Uuid;

use crate::error::ApiError;

fn parse_segment(req: &HttpRequest, name: &str) -> Result<Uuid, ApiError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    Uuid::parse_str(raw).map_err(|_| ApiError::invalid_one(name, "invalid_uuid", format!("'{raw}' is not a UUID")))
}

/// The `{id}` path segment as a UUID; anything else is a 400 naming the segment.
pub struct PathId(pub Uuid);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_segment(req, "id").map(PathId))
    }
}

/// `{id}` and a second id segment (`{organisationId}`, `{checkInId}`), for sub-resources like an area's
/// partner or a contribution's check-in.
pub struct PathIds(pub Uuid, pub Uuid);

impl FromRequest for PathIds {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = parse_segment(req, "id");
        let name = req.match_info().iter().map(|(name, _)| name).find(|name| *name != "id").unwrap_or("id");
        let second = parse_segment(req, name);
        ready(match (id, second) {
            (Ok(a), Ok(b)) => Ok(PathIds(a, b)),
            (Err(ApiError::InvalidInput { params: mut a, .. }), Err(ApiError::InvalidInput { params: b, .. })) => {
                a.extend(b);
                Err(ApiError::invalid(a))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        })
    }
}
