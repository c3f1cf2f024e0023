//! The gebiedsplan: the measures, activities and projects that carry out the agenda.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::agenda::AgendaContent;
use super::check;
use super::limits::{GOAL_KEYS_PER_MEASURE_MAX, MEASURES_MAX};
use crate::field_errors::FieldErrors;

/// Maatregel, activiteit of project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Measure,
    Activity,
    Project,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Measure {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: MeasureKind,
    /// The goals of the agenda in force this measure works towards.
    #[serde(default)]
    pub goal_keys: Vec<String>,
    /// The partner organisation that carries it out (trekker).
    #[serde(default)]
    pub owner_organisation_id: Option<Uuid>,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    pub budget_euros: Option<f64>,
}

/// Content of a gebiedsplan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanContent {
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// What the last monitor changed in this plan.
    #[serde(default)]
    pub lessons_applied: String,
}

impl PlanContent {
    pub fn measure_keys(&self) -> Vec<&str> {
        self.measures.iter().map(|m| m.key.as_str()).collect()
    }

    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        check::long(&mut e, "lessonsApplied", &self.lessons_applied);
        if !check::list(&mut e, "measures", &self.measures, MEASURES_MAX) {
            return e;
        }
        let mut keys = HashSet::new();
        for (i, m) in self.measures.iter().enumerate() {
            let p = format!("measures[{i}]");
            check::key(&mut e, &format!("{p}.key"), &m.key, &mut keys);
            check::title(&mut e, &format!("{p}.title"), &m.title);
            check::long(&mut e, &format!("{p}.description"), &m.description);
            if check::list(&mut e, &format!("{p}.goalKeys"), &m.goal_keys, GOAL_KEYS_PER_MEASURE_MAX) {
                let mut seen = HashSet::new();
                for (j, k) in m.goal_keys.iter().enumerate() {
                    check::key(&mut e, &format!("{p}.goalKeys[{j}]"), k, &mut seen);
                }
            }
            if let (Some(start), Some(end)) = (m.start, m.end)
                && end < start
            {
                e.push(format!("{p}.end"), "before_start", format!("{end} lies before start {start}"));
            }
            check::finite(&mut e, &format!("{p}.budgetEuros"), m.budget_euros);
            if m.budget_euros.is_some_and(|b| b < 0.0) {
                e.push(format!("{p}.budgetEuros"), "out_of_range", "must not be negative");
            }
        }
        e
    }

    /// Goal keys of measures that the agenda does not have.
    pub fn dangling_goal_keys(&self, agenda: &AgendaContent) -> FieldErrors {
        let goals = agenda.goal_keys();
        let mut e = FieldErrors::new();
        for (i, m) in self.measures.iter().enumerate() {
            for (j, k) in m.goal_keys.iter().enumerate() {
                if !goals.contains(&k.as_str()) {
                    e.push(
                        format!("measures[{i}].goalKeys[{j}]"),
                        "unknown_goal",
                        format!("the agenda in force has no goal {k}"),
                    );
                }
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(key: &str, goals: &[&str]) -> Measure {
        Measure {
            key: key.into(),
            title: format!("Maatregel {key}"),
            description: String::new(),
            kind: MeasureKind::Activity,
            goal_keys: goals.iter().map(|g| (*g).into()).collect(),
            owner_organisation_id: None,
            start: None,
            end: None,
            budget_euros: None,
        }
    }

    fn names(e: FieldErrors) -> Vec<String> {
        e.iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn a_measure_ending_before_it_starts_is_refused() {
        let mut m = measure("M1", &["G1"]);
        m.start = NaiveDate::from_ymd_opt(2027, 5, 1);
        m.end = NaiveDate::from_ymd_opt(2027, 4, 30);
        assert_eq!(names(PlanContent { measures: vec![m], ..Default::default() }.validate()), ["measures[0].end"]);
    }

    #[test]
    fn duplicate_measures_goals_and_negative_budgets_are_all_reported() {
        let mut m = measure("M1", &["G1", "G1"]);
        m.budget_euros = Some(-1.0);
        let p = PlanContent { measures: vec![measure("M1", &[]), m], ..Default::default() };
        assert_eq!(names(p.validate()), ["measures[1].key", "measures[1].goalKeys[1]", "measures[1].budgetEuros"]);
    }

    #[test]
    fn a_plan_referring_to_an_unknown_goal_names_the_goal_key() {
        let agenda: AgendaContent = AgendaContent {
            goals: vec![super::super::agenda::Goal {
                key: "G1".into(),
                title: "t".into(),
                description: String::new(),
                theme: super::super::Theme::Other,
                priority: 1,
                municipality_role: super::super::MunicipalityRole::Direct,
                results: vec![],
            }],
            ..Default::default()
        };
        let p = PlanContent { measures: vec![measure("M1", &["G1", "G2"])], ..Default::default() };
        assert_eq!(names(p.dangling_goal_keys(&agenda)), ["measures[0].goalKeys[1]"]);
    }
}
