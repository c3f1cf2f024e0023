//! Cursor pagination (SPEC §9): `pageSize` (default 50, max 200) and an opaque `cursor`; answers are
//! `{"results": [...], "next": <url|null>}`. The cursor is the last id of the page, base64url encoded.

use actix_web::HttpRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 200;

/// The query of a list that has no filters of its own.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T: ToSchema> {
    pub results: Vec<T>,
    /// The URL of the next page, or null on the last page.
    pub next: Option<String>,
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// Checks `pageSize` (default 50, 1 to 200) into `problems`.
pub fn check_page_size(problems: &mut domain::FieldErrors, page_size: Option<u64>) -> u64 {
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        problems.push("pageSize", "out_of_range", format!("must be between 1 and {MAX_PAGE_SIZE}"));
    }
    size
}

const FOREIGN_CURSOR: &str = "not a cursor this service handed out; use the next link";

/// Checks `pageSize` and decodes `cursor`; both problems are reported together.
pub fn page_params(page_size: Option<u64>, cursor: Option<&str>) -> Result<(u64, Option<Uuid>), ApiError> {
    let mut problems = domain::FieldErrors::new();
    let size = check_page_size(&mut problems, page_size);
    let after = match cursor {
        None => None,
        Some(c) => match URL_SAFE_NO_PAD.decode(c).ok().and_then(|b| Uuid::from_slice(&b).ok()) {
            Some(id) => Some(id),
            None => {
                problems.push("cursor", "invalid_cursor", FOREIGN_CURSOR);
                None
            }
        },
    };
    problems.into_result((size, after)).map_err(ApiError::from)
}

/// For lists that are computed rather than stored (deadlines): the cursor is a sort key in text, which
/// `parse` turns back into the key; a cursor it cannot read is refused like any foreign cursor.
pub fn decode_key_cursor<K>(
    problems: &mut domain::FieldErrors,
    cursor: Option<&str>,
    parse: impl Fn(&str) -> Option<K>,
) -> Option<K> {
    let cursor = cursor?;
    let key = URL_SAFE_NO_PAD.decode(cursor).ok().and_then(|b| String::from_utf8(b).ok()).and_then(|t| parse(&t));
    if key.is_none() {
        problems.push("cursor", "invalid_cursor", FOREIGN_CURSOR);
    }
    key
}

/// The request's own URL with `cursor` replaced: the `next` link of a page.
pub fn next_link(req: &HttpRequest, cursor: &str) -> String {
    next_link_with(req, "cursor", cursor)
}

/// The request's own URL, on the configured public URL, with the parameter `key` set to `value` (the event
/// feed continues with `after`).
pub fn next_link_with(req: &HttpRequest, key: &str, value: &str) -> String {
    let mut query: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k != key)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.push((key.to_owned(), value.to_owned()));
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
    format!("{}{}?{}", crate::respond::base_url(req), req.path(), query)
}

/// A text sort key as an opaque cursor.
pub fn encode_key_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The page's response, with `next` as the request's own URL with the cursor replaced.
pub fn list_response<T: ToSchema>(req: &HttpRequest, page: persistence::Page<T>) -> ListResponse<T> {
    let next = page.next_after.map(|after| next_link(req, &encode_cursor(after)));
    ListResponse { results: page.items, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        assert_eq!(page_params(None, Some(&encode_cursor(id))).unwrap(), (DEFAULT_PAGE_SIZE, Some(id)));
        assert!(page_params(None, Some("not-a-cursor")).is_err());
    }

    #[test]
    fn page_size_and_cursor_problems_are_reported_together() {
        let ApiError::InvalidInput { params, .. } = page_params(Some(201), Some("x")).unwrap_err() else {
            panic!("expected invalid input")
        };
        let names: Vec<_> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["pageSize", "cursor"]);
    }
}
