//! Optimistic concurrency with ETags (SPEC §9). A resource's ETag is its revision: every stored change
//! increments it, so an ETag names one state of one resource. A contribution's also names its latest
//! progress report, which its body shows and which is added without a write to the contribution.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use std::fmt::Display;
use std::future::{Ready, ready};

use crate::error::ApiError;
use crate::usecases::BasedOn;

/// The quoted entity tag of a revision, or of a tag that says more (a contribution's).
pub fn etag_of(tag: impl Display) -> String {
    format!("\"{tag}\"")
}

fn parse_tags(value: &str) -> Vec<String> {
    value.split(',').map(|t| t.trim().trim_start_matches("W/").to_owned()).filter(|t| !t.is_empty()).collect()
}

/// An `If-Match` value (RFC 9110 §13.1.1): `*`, or entity tags separated by commas (with optional white space),
/// each `"…"` or `W/"…"` with visible characters other than `"` inside (a comma among them). `None` when it is
/// not of that form.
fn parse_if_match(value: &str) -> Option<BasedOn> {
    let value = value.trim_matches([' ', '\t']);
    if value == "*" {
        return Some(BasedOn::Any);
    }
    let mut tags = vec![];
    let mut rest = value;
    loop {
        let (weak, tag) = match rest.strip_prefix("W/") {
            Some(tag) => (true, tag),
            None => (false, rest),
        };
        let tag = tag.strip_prefix('"')?;
        let end = tag.find('"')?;
        let opaque = &tag[..end];
        if !opaque.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) {
            return None;
        }
        // If-Match compares strongly: a weak tag matches nothing.
        if !weak {
            tags.push(opaque.to_owned());
        }
        rest = tag[end + 1..].trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            return Some(BasedOn::Tags(tags));
        }
        rest = rest.strip_prefix(',')?.trim_start_matches([' ', '\t']);
    }
}

/// `If-None-Match` on a GET: the 304 response when the client already holds the entity tag `current` (quoted,
/// as [`etag_of`] gives it for a revision, or a view's own tag for one without, such as the dashboard).
pub fn not_modified_as(req: &HttpRequest, current: &str) -> Option<HttpResponse> {
    let value = req.headers().get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let tags = parse_tags(value);
    (tags.iter().any(|t| t == "*" || t == current))
        .then(|| HttpResponse::NotModified().insert_header((header::ETAG, current.to_owned())).finish())
}

/// The required `If-Match` of a change: 428 when absent, 400 when it is not a list of entity tags.
pub struct IfMatch(pub BasedOn);

impl IfMatch {
    /// The revision the change is based on, when it is the current one; else 412.
    pub fn revision(&self, current: i64) -> Result<i64, ApiError> {
        Ok(self.0.check(current)?)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(header::IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired(
                "Send If-Match with the ETag you last read, so your change cannot overwrite someone else's.".into(),
            )));
        };
        ready(value.to_str().ok().and_then(parse_if_match).map(IfMatch).ok_or_else(|| {
            ApiError::invalid_one(
                "If-Match",
                "invalid_header",
                "must be * or the ETag you last read, in double quotes, such as \"3\"",
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_tags_name_revisions_and_weak_ones_match_nothing() {
        let tags = |t: &[&str]| Some(BasedOn::Tags(t.iter().map(|t| t.to_string()).collect()));
        assert_eq!(parse_if_match(r#""3""#), tags(&["3"]));
        assert_eq!(parse_if_match(r#""3", "4""#), tags(&["3", "4"]));
        assert_eq!(parse_if_match(r#"W/"3""#), tags(&[]));
        assert_eq!(parse_if_match(r#""3-0190a2""#), tags(&["3-0190a2"]));
        assert_eq!(parse_if_match("*"), Some(BasedOn::Any));
        assert_eq!(parse_if_match(r#"W/"a,b" ,  "7",W/"""#), tags(&["7"]), "a comma inside a tag");
    }

    #[test]
    fn values_that_are_not_entity_tags_are_refused() {
        for bad in ["3", "\"3", "3\"", "\"3\" \"4\"", "W/3", "\"a\"b\"", "", "\"3\",", "**"] {
            assert_eq!(parse_if_match(bad), None, "{bad}");
        }
    }
}
