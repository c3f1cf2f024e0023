//! The typed content of the four kinds of cycle documents (SPEC §4), and its checks.
//!
//! Keys (`G1`, `G1.R1`, `M3`) are chosen by the writer, unique within a version and stable across versions:
//! monitors, plans and contributions refer to goals by key. `validate` reports every problem at once, with
//! paths relative to the content (`goals[2].key`); the API puts `content.` before them.

mod agenda;
mod analysis;
pub mod diff;
pub mod limits;
mod monitor;
mod plan;

pub use agenda::{AgendaContent, Direction, Goal, GoalResult, MunicipalityRole};
pub use analysis::{AnalysisContent, Finding, Indicator, Source, SourceKind};
pub use monitor::{
    ContributionAssessment, ContributionVerdict, GoalAssessment, GoalVerdict, MeasureAssessment, MeasureVerdict,
    MonitorContent, ResultValue,
};
pub use plan::{Measure, MeasureKind, PlanContent};

use serde::{Deserialize, Serialize};

use crate::field_errors::FieldErrors;

/// The four stages of the gebiedscyclus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Analysis,
    Agenda,
    Plan,
    Monitor,
}

crate::names::named!(
    "document kind",
    DocumentKind {
        Analysis => "analysis",
        Agenda => "agenda",
        Plan => "plan",
        Monitor => "monitor",
    }
);

/// Themes of findings and goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Physical,
    Social,
    Safety,
    Economy,
    Sustainability,
    Other,
}

/// The content of one version, of one of the four kinds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Content {
    Analysis(AnalysisContent),
    Agenda(AgendaContent),
    Plan(PlanContent),
    Monitor(MonitorContent),
}

impl Content {
    /// The content of a new document's first version.
    pub fn empty(kind: DocumentKind) -> Content {
        match kind {
            DocumentKind::Analysis => Content::Analysis(AnalysisContent::default()),
            DocumentKind::Agenda => Content::Agenda(AgendaContent::default()),
            DocumentKind::Plan => Content::Plan(PlanContent::default()),
            DocumentKind::Monitor => Content::Monitor(MonitorContent::default()),
        }
    }

    pub fn kind(&self) -> DocumentKind {
        match self {
            Content::Analysis(_) => DocumentKind::Analysis,
            Content::Agenda(_) => DocumentKind::Agenda,
            Content::Plan(_) => DocumentKind::Plan,
            Content::Monitor(_) => DocumentKind::Monitor,
        }
    }

    pub fn validate(&self) -> FieldErrors {
        match self {
            Content::Analysis(c) => c.validate(),
            Content::Agenda(c) => c.validate(),
            Content::Plan(c) => c.validate(),
            Content::Monitor(c) => c.validate(),
        }
    }
}

impl crate::Rules for Content {
    type Context = ();

    /// The rules of the content's own kind. References to other documents (goals of the agenda in force,
    /// measures of the adopted plan, contributions) are checked by the operation that saves it.
    fn check(self, _: &()) -> Result<Content, FieldErrors> {
        self.validate().into_result(self)
    }
}

/// Checks shared by the content types.
pub(crate) mod check {
    use std::collections::HashSet;

    use super::limits::{KEY_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX};
    use crate::field_errors::{FieldErrors, Lines, check_optional_text, check_required_text, check_text};

    /// A required short text (a title, a name).
    pub fn title(e: &mut FieldErrors, path: &str, value: &str) {
        check_text(e, path, value, SHORT_TEXT_MAX);
    }

    /// An optional short text (a unit, a reference): one line.
    pub fn short(e: &mut FieldErrors, path: &str, value: Option<&str>) {
        if let Some(value) = value {
            check_optional_text(e, path, value, SHORT_TEXT_MAX, Lines::One);
        }
    }

    /// A required long text (the description of a result), over as many lines as it needs.
    pub fn required_long(e: &mut FieldErrors, path: &str, value: &str) {
        check_required_text(e, path, value, LONG_TEXT_MAX, Lines::Many);
    }

    /// A long text (a description, a vision) that may be empty, over as many lines as it needs.
    pub fn long(e: &mut FieldErrors, path: &str, value: &str) {
        check_optional_text(e, path, value, LONG_TEXT_MAX, Lines::Many);
    }

    /// A list longer than `max` is one problem at the list; its items are then not checked.
    pub fn list<T>(e: &mut FieldErrors, path: &str, items: &[T], max: usize) -> bool {
        if items.len() > max {
            e.push(path, "too_many", format!("at most {max} items, not {}", items.len()));
            return false;
        }
        true
    }

    /// Keys end up in URLs, spreadsheets and references from other documents, so they are kept plain.
    pub fn is_key(key: &str) -> bool {
        let mut bytes = key.bytes();
        matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric())
            && key.len() <= KEY_MAX
            && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    }

    /// A well-formed key, not used before in `seen`.
    pub fn key(e: &mut FieldErrors, path: &str, key: &str, seen: &mut HashSet<String>) {
        if key.chars().count() > KEY_MAX {
            e.push(path, "too_long", format!("a key has at most {KEY_MAX} characters"));
        } else if !is_key(key) {
            let rule = "letters, digits, '.', '_' or '-', starting with a letter or digit";
            e.push(path, "invalid_key", format!("'{key}' is not a key: 1 to {KEY_MAX} {rule}"));
        } else if !seen.insert(key.to_owned()) {
            e.push(path, "duplicate", format!("key {key} is used twice"));
        }
    }

    /// JSON cannot carry NaN or infinity, so such a number could be stored but never read back.
    pub fn finite(e: &mut FieldErrors, path: &str, value: Option<f64>) {
        if value.is_some_and(|v| !v.is_finite()) {
            e.push(path, "not_finite", "must be a finite number");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_kind_reads_back_what_it_writes() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DocumentKind::parse("Agenda"), None);
        assert_eq!(serde_json::to_value(DocumentKind::Monitor).unwrap(), "monitor");
    }

    #[test]
    fn empty_content_of_every_kind_is_valid_and_of_that_kind() {
        for kind in DocumentKind::ALL {
            let content = Content::empty(kind);
            assert_eq!(content.kind(), kind);
            assert!(content.validate().is_empty(), "{}", kind.as_str());
        }
    }

    #[test]
    fn content_is_written_without_a_tag_for_its_kind() {
        let json = serde_json::to_value(Content::empty(DocumentKind::Plan)).unwrap();
        assert_eq!(json, serde_json::json!({ "measures": [], "lessonsApplied": "" }));
    }
}
