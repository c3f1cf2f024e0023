//! The rules of the gebiedscyclus, free of I/O.
//!
//! Everything here is a plain type or a pure function, so that the rules can be tested fast and without a
//! server or a database. Values that can be invalid are parsed into types that can only hold valid values;
//! the parse functions report *every* problem at once as [`FieldErrors`], with the JSON path of each field,
//! because the API must answer all problems of a request in one response.

pub mod access;
pub mod area;
pub mod as_of;
pub mod calendar;
pub mod clock;
pub mod content;
pub mod contribution;
pub mod dashboard;
pub mod deadline;
pub mod deadline_override;
pub mod document;
pub mod event;
pub mod field_errors;
pub mod lifecycle;
pub mod municipality;
pub mod names;
pub mod organisation;
pub mod outbound;
pub mod parsed;
pub mod principal;
pub mod rules;
pub mod token;
pub mod webhook;

pub use field_errors::{FieldError, FieldErrors};
pub use parsed::{Parsed, Rules};
pub use principal::{Principal, Role};
