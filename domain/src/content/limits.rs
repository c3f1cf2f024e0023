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
