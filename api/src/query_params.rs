//! Query parameters that an operation does not take are refused (400), on every operation of the published
//! document, before anything else is done: a misspelt filter or `?at=` on a resource that has no time travel
//! would otherwise look as if it had worked. The document says which parameters each operation takes, so the
//! list cannot fall behind the code.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{ApiError, InvalidParam};

/// Route pattern (`/api/v1/documents/{id}`) and lower-case method → the query parameters it takes.
type Known = HashMap<(String, String), HashSet<String>>;

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| from_document(&serde_json::to_value(crate::openapi::document()).unwrap_or_default()))
}

/// The effective base of a path: its own `servers`, else the document's (the document may put `/api/v1` there).
fn base<'a>(doc: &'a Value, item: &'a Value) -> &'a str {
    let url = |v: &'a Value| v.pointer("/servers/0/url").and_then(Value::as_str);
    url(item).or_else(|| url(doc)).unwrap_or("/").trim_end_matches('/')
}

fn from_document(doc: &Value) -> Known {
    let mut known = Known::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return known };
    for (path, item) in paths {
        let full = format!("{}{path}", base(doc, item));
        let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else { continue };
            let own = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let names = shared
                .iter()
                .chain(own.iter())
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect();
            known.insert((full.clone(), method.to_owned()), names);
        }
    }
    known
}

/// The refusal of the query parameters `query` holds that the operation at `pattern` does not take; `None`
/// when all are known, or when the route is not in the document (the docs page's own files).
pub fn refuse_unknown(method: &str, pattern: &str, query: &str) -> Option<ApiError> {
    let allowed = known().get(&(pattern.to_owned(), method.to_ascii_lowercase()))?;
    let mut seen = HashSet::new();
    let unknown: Vec<InvalidParam> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name.into_owned())
        .filter(|name| !allowed.contains(name) && seen.insert(name.clone()))
        .map(|name| {
            let mut takes: Vec<&str> = allowed.iter().map(String::as_str).collect();
            takes.sort_unstable();
            let reason = if takes.is_empty() {
                "this operation takes no query parameters".to_owned()
            } else {
                format!("not a query parameter of this operation; it takes {}", takes.join(", "))
            };
            InvalidParam { name, code: "unknown_parameter".into(), reason }
        })
        .collect();
    (!unknown.is_empty()).then(|| ApiError::invalid(unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_the_operation_does_not_take_is_refused_and_named() {
        let e = refuse_unknown("GET", "/api/v1/areas/{id}", "at=garbage&x=1&x=2");
        let Some(ApiError::InvalidInput { params, .. }) = e else { panic!("not refused: {e:?}") };
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["at", "x"]);
    }

    #[test]
    fn the_parameters_an_operation_takes_pass() {
        assert!(refuse_unknown("GET", "/api/v1/areas", "municipalityId=x&pageSize=3").is_none());
        assert!(refuse_unknown("GET", "/api/v1/documents/{id}", "at=2027-01-01T00:00:00Z").is_none());
        assert!(refuse_unknown("GET", "/api/v1/areas/{id}/cycles/{year}", "at=2027-01-01T00:00:00Z").is_none());
        assert!(refuse_unknown("GET", "/api/v1/docs/{_:.*}", "url=x").is_none(), "not an operation of the document");
    }
}
