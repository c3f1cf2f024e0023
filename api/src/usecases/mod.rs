//! The operations of the service, one function each, callable without HTTP: the JSON API (`routes`) and the
//! web pages translate requests into these calls and their results into answers, and decide nothing
//! themselves. Every rule an operation enforces is checked here, or in `domain` and `persistence` below it,
//! exactly once.
//!
//! A write takes the unit of work ([`persistence::Tx`]) its caller opened, so that an adapter can store what
//! it must alongside the change (the JSON API's idempotency record) and an operation can compose others in one
//! transaction (the CSV import proposes and revises row by row, all or nothing). A read takes a connection.
//! Both take the acting [`domain::Principal`] and a parsed command, and return domain values or one
//! [`Error`]. What a partner may read depends on the day, so a read also takes the moment it is asked
//! (`now`, from the service's clock) and a write reads it from its unit of work ([`scope_at`]).

pub mod api_tokens;
pub mod areas;
mod as_of;
pub mod audit;
pub mod boards;
pub mod check_ins;
pub mod content;
pub mod contribution_imports;
pub mod contributions;
pub mod dashboard;
pub mod deadline_overrides;
pub mod deadlines;
pub mod documents;
pub mod municipalities;
pub mod organisations;
pub mod partners;
pub mod public;
pub mod results;
pub mod subscriptions;
mod targets;
pub mod versions;

use chrono::{DateTime, Utc};
use domain::access::ScopeOn;
use domain::clock::dutch_date;
use domain::rules::RuleProblem;
use domain::{FieldErrors, Parsed, Principal};
use persistence::StoreError;

/// Why an operation did not happen. Each adapter words it for its readers: problem+json for the API, a Dutch
/// error summary on a page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command has problems, every one named by the path of its field.
    #[error("{} invalid field(s)", .0.len())]
    Invalid(FieldErrors),
    /// The principal may see the resource but not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// Not there, or outside what the principal may see: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// The resource's state does not allow it.
    #[error("{0}")]
    Conflict(String),
    /// Cross-stage rules block an adoption (SPEC §3), all of them.
    #[error("{} rule(s) broken", .0.len())]
    RulesBroken(Vec<RuleProblem>),
    /// The change was based on a revision that is no longer current.
    #[error("{0}")]
    Stale(String),
    /// The database could not be reached in time; nothing changed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A failure of the service itself; the cause is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(name: impl Into<String>, code: &'static str, reason: impl Into<String>) -> Error {
        Error::Invalid(FieldErrors::single(name, code, reason))
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Stale { current } => Error::Stale(format!(
                "The resource was changed since you read it; its current ETag is \"{current}\". Read it again and reapply your change."
            )),
            StoreError::Conflict(msg) => Error::Conflict(msg),
            StoreError::Unavailable(msg) => Error::Unavailable(msg),
            StoreError::Db(e) => Error::Internal(e.to_string()),
        }
    }
}

impl From<domain::access::Forbidden> for Error {
    fn from(e: domain::access::Forbidden) -> Self {
        Error::Forbidden(format!("This token may not do this: {}.", e.0))
    }
}

/// What `p` may read at `now`: a partner reaches the areas whose partnership runs on that calendar day in the
/// Netherlands (SPEC §15).
pub(crate) fn scope_at(p: &Principal, now: DateTime<Utc>) -> ScopeOn {
    ScopeOn::of(p, dutch_date(now))
}

/// Turns "not found" into a problem with the field that named the missing thing, for references in a
/// command (`basedOn`, `areaId`), which are bad input rather than a missing resource.
pub(crate) fn unknown_reference(name: &'static str, reason: impl Into<String>) -> impl FnOnce(StoreError) -> Error {
    let reason = reason.into();
    move |e| match e {
        StoreError::NotFound => Error::invalid(name, "unknown", reason),
        other => other.into(),
    }
}

/// A reference a command makes, looked up: "not found" becomes a problem of its field in `errors`, reported
/// with the command's other problems in one answer; a failure of the service stops the operation.
pub(crate) fn reference<T>(
    errors: &mut FieldErrors,
    name: &'static str,
    reason: &str,
    found: std::result::Result<T, StoreError>,
) -> Result<Option<T>> {
    match found {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound) => {
            errors.push(name, "unknown", reason);
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// A parsed value, refused with the `other` problems of the same command (found apart from its rules, such as
/// a calendar field or an unknown reference) after its own, so that every problem comes back at once.
pub(crate) fn parsed_with<T>(
    parsed: std::result::Result<Parsed<T>, FieldErrors>,
    other: FieldErrors,
) -> std::result::Result<Parsed<T>, FieldErrors> {
    match parsed {
        Ok(value) if other.is_empty() => Ok(value),
        Ok(_) => Err(other),
        Err(mut own) => {
            own.merge(other);
            Err(own)
        }
    }
}

/// The revision a change is based on, as the client last read it: `If-Match` on the API, a hidden field in a
/// form. A change based on anything but the current revision is refused, so nobody overwrites a change they
/// have not seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BasedOn {
    /// `If-Match: *`: whatever is current.
    Any,
    /// One of these entity tags, as their text between the quotes; an empty list matches nothing (a weak tag).
    Tags(Vec<String>),
}

impl BasedOn {
    pub fn revision(revision: i64) -> BasedOn {
        BasedOn::Tags(vec![revision.to_string()])
    }

    /// The current revision when the change is based on it, else [`Error::Stale`]: for a resource whose
    /// entity tag is its revision.
    pub fn check(&self, current: i64) -> Result<i64> {
        self.check_tag(&current.to_string(), current)
    }

    /// As [`BasedOn::check`], for a resource whose entity tag `tag` says more than its `revision` (a
    /// contribution's names its latest report too, which moves without a write to the contribution).
    pub fn check_tag(&self, tag: &str, revision: i64) -> Result<i64> {
        match self {
            BasedOn::Any => Ok(revision),
            BasedOn::Tags(tags) if tags.iter().any(|t| t == tag) => Ok(revision),
            BasedOn::Tags(_) => Err(Error::Stale(format!(
                "The resource was changed since you read it; its current ETag is \"{tag}\". Read it again and reapply your change."
            ))),
        }
    }
}

/// A note as people type it: surrounding white space dropped, an empty note is no note.
pub(crate) fn trimmed_note(note: Option<&str>) -> Option<String> {
    note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_based_on_the_current_revision_passes() {
        assert_eq!(BasedOn::revision(3).check(3).ok(), Some(3));
        assert_eq!(BasedOn::Any.check(7).ok(), Some(7));
        assert_eq!(BasedOn::Tags(vec!["2".into(), "3".into()]).check(3).ok(), Some(3));
        assert_eq!(BasedOn::revision(3).check_tag("3", 3).ok(), Some(3));
    }

    #[test]
    fn a_change_based_on_an_older_revision_is_stale() {
        assert!(matches!(BasedOn::revision(2).check(3), Err(Error::Stale(_))));
        assert!(matches!(BasedOn::Tags(vec![]).check(1), Err(Error::Stale(_))));
        assert!(matches!(BasedOn::revision(3).check_tag("3-0190", 3), Err(Error::Stale(_))), "a newer report");
    }
}
