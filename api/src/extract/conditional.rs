//! Optimistic concurrency with ETags (SPEC §9). A resource's ETag is its revision: every stored change
//! increments it, so an ETag names one state of one resource.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use std::future::{Ready, ready};

use crate::error::ApiError;

pub fn etag_of(revision: i64) -> String {
    format!("\"{revision}\"")
}

fn parse_tags(value: &str) -> Vec<String> {
    value.split(',').map(|t| t.trim().trim_start_matches("W/").to_owned()).filter(|t| !t.is_empty()).collect()
}

/// `If-None-Match` on a GET: the 304 response when the client already holds this revision.
pub fn not_modified(req: &HttpRequest, revision: i64) -> Option<HttpResponse> {
    let value = req.headers().get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let tags = parse_tags(value);
    let current = etag_of(revision);
    (tags.iter().any(|t| t == "*" || *t == current))
        .then(|| HttpResponse::NotModified().insert_header((header::ETAG, current)).finish())
}

/// The required `If-Match` of a change: 428 when absent.
pub struct IfMatch(Vec<String>);

impl IfMatch {
    /// The revision the change is based on, when it is the current one; else 412.
    pub fn revision(&self, current: i64) -> Result<i64, ApiError> {
        let etag = etag_of(current);
        if self.0.iter().any(|t| t == "*" || *t == etag) {
            Ok(current)
        } else {
            Err(ApiError::PreconditionFailed(format!(
                "If-Match {} does not match the current ETag {etag}; read the resource again and reapply your change.",
                self.0.join(", ")
            )))
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let tags = req.headers().get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(parse_tags);
        ready(match tags {
            Some(tags) if !tags.is_empty() => Ok(IfMatch(tags)),
            _ => Err(ApiError::PreconditionRequired(
                "Send If-Match with the ETag you last read, so your change cannot overwrite someone else's.".into(),
            )),
        })
    }
}
