//! Extractors that turn every malformed request into a precise 400 problem instead of actix's plain-text
//! errors: JSON bodies and query strings report the JSON path of what is wrong, path ids say which segment.

mod auth;
pub(crate) mod body;
mod conditional;
mod csv_body;
mod idempotency;
pub mod moment;
mod path;
mod query;

pub use auth::{Auth, principal_of_secret};
pub use body::Body;
pub use conditional::{IfMatch, etag_of, not_modified_as};
pub use csv_body::CsvBody;
pub use idempotency::IdempotencyKey;
pub use path::{PathId, PathIds};
pub use query::Query;

use crate::error::InvalidParam;

/// A serde error at a JSON path as an invalid parameter (see [`crate::serde_errors::field_error`]).
pub(crate) fn serde_param(path: &str, message: &str) -> InvalidParam {
    let e = crate::serde_errors::field_error(path, message);
    InvalidParam { name: e.name, code: e.code.to_owned(), reason: e.reason }
}
