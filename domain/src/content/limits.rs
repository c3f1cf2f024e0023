//! The bounds of content, published in the README and the OpenAPI document.

/// Titles, names, codes, keys, units and references.
pub const SHORT_TEXT_MAX: usize = 200;
/// Summaries, visions, descriptions, evidence and notes.
pub const LONG_TEXT_MAX: usize = 10_000;
pub const KEY_MAX: usize = 32;
/// Findings, sources and indicators of an analysis, each.
pub const ANALYSIS_LIST_MAX: usize = 100;
pub const GOALS_MAX: usize = 50;
pub const RESULTS_PER_GOAL_MAX: usize = 20;
pub const MEASURES_MAX: usize = 200;
pub const GOAL_KEYS_PER_MEASURE_MAX: usize = 20;
pub const GOAL_ASSESSMENTS_MAX: usize = 50;
pub const MEASURE_ASSESSMENTS_MAX: usize = 200;
pub const CONTRIBUTION_ASSESSMENTS_MAX: usize = 500;
pub const RESULT_VALUES_MAX: usize = 20;
pub const PRIORITY_RANGE: (u8, u8) = (1, 5);

/// A bound the content rules enforce on one field, as the OpenAPI document publishes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// A text of at most this many characters.
    MaxLength(usize),
    /// A text that must hold more than white space, of at most this many characters.
    RequiredText(usize),
    /// A key (`G1`, `G1.R1`, `M3`): letters, digits, '.', '_' or '-', starting with a letter or digit.
    Key,
    /// A list of at most this many items.
    MaxItems(usize),
    /// A list of at least this many items.
    MinItems(usize),
    /// A number from..to, both included.
    Range(f64, f64),
    /// A number of at least this.
    Minimum(f64),
}

/// The pattern of a key, as `check::is_key` reads it.
pub const KEY_PATTERN: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// Every bound the content rules of `validate` enforce, by the published schema and property it applies to.
/// The OpenAPI document is completed from this table, and a black-box test holds the service to what the
/// document then says, at each bound and one past it.
pub const PUBLISHED: &[(&str, &str, Bound)] = {
    use Bound::*;
    &[
        ("AnalysisContent", "summary", MaxLength(LONG_TEXT_MAX)),
        ("AnalysisContent", "developments", MaxItems(ANALYSIS_LIST_MAX)),
        ("AnalysisContent", "opportunities", MaxItems(ANALYSIS_LIST_MAX)),
        ("AnalysisContent", "threats", MaxItems(ANALYSIS_LIST_MAX)),
        ("AnalysisContent", "strengths", MaxItems(ANALYSIS_LIST_MAX)),
        ("AnalysisContent", "sources", MaxItems(ANALYSIS_LIST_MAX)),
        ("AnalysisContent", "indicators", MaxItems(ANALYSIS_LIST_MAX)),
        ("Finding", "title", RequiredText(SHORT_TEXT_MAX)),
        ("Finding", "description", MaxLength(LONG_TEXT_MAX)),
        ("Source", "title", RequiredText(SHORT_TEXT_MAX)),
        ("Source", "reference", MaxLength(SHORT_TEXT_MAX)),
        ("Indicator", "code", RequiredText(SHORT_TEXT_MAX)),
        ("Indicator", "name", RequiredText(SHORT_TEXT_MAX)),
        ("Indicator", "unit", MaxLength(SHORT_TEXT_MAX)),
        ("Indicator", "period", MaxLength(SHORT_TEXT_MAX)),
        ("Indicator", "source", MaxLength(SHORT_TEXT_MAX)),
        ("AgendaContent", "vision", MaxLength(LONG_TEXT_MAX)),
        ("AgendaContent", "alignment", MaxLength(LONG_TEXT_MAX)),
        ("AgendaContent", "goals", MaxItems(GOALS_MAX)),
        ("Goal", "key", Key),
        ("Goal", "title", RequiredText(SHORT_TEXT_MAX)),
        ("Goal", "description", MaxLength(LONG_TEXT_MAX)),
        ("Goal", "priority", Range(PRIORITY_RANGE.0 as f64, PRIORITY_RANGE.1 as f64)),
        ("Goal", "results", MaxItems(RESULTS_PER_GOAL_MAX)),
        ("GoalResult", "key", Key),
        ("GoalResult", "description", RequiredText(LONG_TEXT_MAX)),
        ("GoalResult", "indicator", MaxLength(SHORT_TEXT_MAX)),
        ("GoalResult", "unit", MaxLength(SHORT_TEXT_MAX)),
        ("PlanContent", "lessonsApplied", MaxLength(LONG_TEXT_MAX)),
        ("PlanContent", "measures", MaxItems(MEASURES_MAX)),
        ("Measure", "key", Key),
        ("Measure", "title", RequiredText(SHORT_TEXT_MAX)),
        ("Measure", "description", MaxLength(LONG_TEXT_MAX)),
        ("Measure", "goalKeys", MaxItems(GOAL_KEYS_PER_MEASURE_MAX)),
        ("Measure", "goalKeys", MinItems(1)),
        ("Measure", "budgetEuros", Minimum(0.0)),
        ("MonitorContent", "approachChanges", MaxLength(LONG_TEXT_MAX)),
        ("MonitorContent", "goalAssessments", MaxItems(GOAL_ASSESSMENTS_MAX)),
        ("MonitorContent", "measureAssessments", MaxItems(MEASURE_ASSESSMENTS_MAX)),
        ("MonitorContent", "contributionAssessments", MaxItems(CONTRIBUTION_ASSESSMENTS_MAX)),
        ("GoalAssessment", "goalKey", Key),
        ("GoalAssessment", "evidence", MaxLength(LONG_TEXT_MAX)),
        ("GoalAssessment", "resultValues", MaxItems(RESULT_VALUES_MAX)),
        ("ResultValue", "resultKey", Key),
        ("MeasureAssessment", "measureKey", Key),
        ("MeasureAssessment", "note", MaxLength(LONG_TEXT_MAX)),
    ]
};
