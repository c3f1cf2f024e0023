//! The gebiedsagenda: goals with priorities, the municipality's role on the participation ladder, and the
//! results that show whether a goal is reached.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::Theme;
use super::check;
use super::limits::{GOALS_MAX, PRIORITY_RANGE, RESULTS_PER_GOAL_MAX};
use crate::field_errors::FieldErrors;

/// The rung of the overheidsparticipatieladder (seed 002 §1.1): loslaten, faciliteren, stimuleren,
/// regisseren, reguleren.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MunicipalityRole {
    LetGo,
    Facilitate,
    Stimulate,
    Direct,
    Regulate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
    Maintain,
}

/// A concrete result of a goal (beoogd resultaat), with an optional indicator and numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalResult {
    pub key: String,
    pub description: String,
    #[serde(default)]
    pub indicator: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub direction: Option<Direction>,
}

/// A goal (doel) of the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Goal {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub theme: Theme,
    /// 1 is the highest priority, 5 the lowest.
    pub priority: u8,
    pub municipality_role: MunicipalityRole,
    #[serde(default)]
    pub results: Vec<GoalResult>,
}

/// Content of a gebiedsagenda.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgendaContent {
    #[serde(default)]
    pub vision: String,
    /// How the agenda fits the bidbook and the coalition agreement.
    #[serde(default)]
    pub alignment: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
}

impl AgendaContent {
    /// The keys plans, monitors and contributions may refer to.
    pub fn goal_keys(&self) -> Vec<&str> {
        self.goals.iter().map(|g| g.key.as_str()).collect()
    }

    /// The result keys of a goal, or `None` when the agenda has no such goal.
    pub fn result_keys_of(&self, goal_key: &str) -> Option<Vec<&str>> {
        self.goals.iter().find(|g| g.key == goal_key).map(|g| g.results.iter().map(|r| r.key.as_str()).collect())
    }

    /// Every problem of the agenda on its own; whether other documents refer to it correctly is theirs.
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        check::long(&mut e, "vision", &self.vision);
        check::long(&mut e, "alignment", &self.alignment);
        if !check::list(&mut e, "goals", &self.goals, GOALS_MAX) {
            return e;
        }
        // Result keys may not equal a goal key either: a reference to `G1` must mean one thing.
        let goal_keys: HashSet<&str> = self.goals.iter().map(|g| g.key.as_str()).filter(|k| check::is_key(k)).collect();
        let mut seen_goals = HashSet::new();
        let mut seen_results = HashSet::new();
        for (i, g) in self.goals.iter().enumerate() {
            let p = format!("goals[{i}]");
            check::key(&mut e, &format!("{p}.key"), &g.key, &mut seen_goals);
            check::title(&mut e, &format!("{p}.title"), &g.title);
            check::long(&mut e, &format!("{p}.description"), &g.description);
            let (min, max) = PRIORITY_RANGE;
            if !(min..=max).contains(&g.priority) {
                e.push(format!("{p}.priority"), "out_of_range", format!("must be {min} (highest) to {max}"));
            }
            if !check::list(&mut e, &format!("{p}.results"), &g.results, RESULTS_PER_GOAL_MAX) {
                continue;
            }
            for (j, r) in g.results.iter().enumerate() {
                let rp = format!("{p}.results[{j}]");
                if goal_keys.contains(r.key.as_str()) {
                    e.push(format!("{rp}.key"), "duplicate", format!("{} is also a goal key", r.key));
                } else {
                    check::key(&mut e, &format!("{rp}.key"), &r.key, &mut seen_results);
                }
                check::required_long(&mut e, &format!("{rp}.description"), &r.description);
                check::short(&mut e, &format!("{rp}.indicator"), r.indicator.as_deref());
                check::short(&mut e, &format!("{rp}.unit"), r.unit.as_deref());
                check::finite(&mut e, &format!("{rp}.baseline"), r.baseline);
                check::finite(&mut e, &format!("{rp}.target"), r.target);
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(key: &str, results: &[&str]) -> Goal {
        Goal {
            key: key.into(),
            title: format!("Doel {key}"),
            description: String::new(),
            theme: Theme::Social,
            priority: 2,
            municipality_role: MunicipalityRole::Facilitate,
            results: results
                .iter()
                .map(|r| GoalResult {
                    key: (*r).into(),
                    description: "resultaat".into(),
                    indicator: None,
                    unit: None,
                    baseline: None,
                    target: None,
                    direction: None,
                })
                .collect(),
        }
    }

    fn names(a: &AgendaContent) -> Vec<String> {
        a.validate().iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn a_well_formed_agenda_has_no_problems() {
        let a = AgendaContent {
            goals: vec![goal("G1", &["G1.R1", "G1.R2"]), goal("G2", &["G2.R1"])],
            ..Default::default()
        };
        assert!(a.validate().is_empty());
        assert_eq!(a.goal_keys(), ["G1", "G2"]);
        assert_eq!(a.result_keys_of("G1"), Some(vec!["G1.R1", "G1.R2"]));
        assert_eq!(a.result_keys_of("G9"), None);
    }

    #[test]
    fn a_goal_key_used_twice_is_a_duplicate_at_the_second_goal() {
        let a = AgendaContent { goals: vec![goal("G1", &[]), goal("G1", &[])], ..Default::default() };
        assert_eq!(names(&a), ["goals[1].key"]);
    }

    #[test]
    fn result_keys_are_unique_across_the_whole_agenda() {
        let a = AgendaContent { goals: vec![goal("G1", &["R1"]), goal("G2", &["R1", "G1"])], ..Default::default() };
        assert_eq!(names(&a), ["goals[1].results[0].key", "goals[1].results[1].key"]);
    }

    #[test]
    fn every_problem_of_an_agenda_is_reported_at_once() {
        let mut bad = goal("bad key", &[]);
        bad.priority = 6;
        bad.title = String::new();
        let mut nan = goal("G2", &["G2.R1"]);
        nan.results[0].target = Some(f64::INFINITY);
        let a = AgendaContent { vision: "v".repeat(10_001), goals: vec![bad, nan], ..Default::default() };
        assert_eq!(
            names(&a),
            ["vision", "goals[0].key", "goals[0].title", "goals[0].priority", "goals[1].results[0].target"]
        );
    }

    #[test]
    fn too_many_goals_is_one_error_at_the_list() {
        let a = AgendaContent { goals: (0..51).map(|i| goal(&format!("G{i}"), &[])).collect(), ..Default::default() };
        assert_eq!(names(&a), ["goals"]);
    }

    #[test]
    fn keys_are_letters_digits_dots_dashes_and_underscores() {
        for ok in ["G1", "G1.R1", "m-3", "a_b"] {
            assert!(check::is_key(ok), "{ok}");
        }
        for bad in ["", ".G1", "G 1", "G1!", &"G".repeat(33)] {
            assert!(!check::is_key(bad), "{bad}");
        }
    }

    #[test]
    fn an_over_long_vision_is_too_long() {
        let ok = AgendaContent { vision: "v".repeat(10_000), ..Default::default() };
        assert!(ok.validate().is_empty());
        let long = AgendaContent { vision: "v".repeat(10_001), ..Default::default() };
        let found: Vec<_> = long.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(found, [("vision".to_owned(), "too_long")]);
    }

    #[test]
    fn a_priority_outside_one_to_five_is_out_of_range() {
        let mut zero = goal("G1", &[]);
        zero.priority = 0;
        let mut five = goal("G2", &[]);
        five.priority = 5;
        let e = AgendaContent { goals: vec![zero, five], ..Default::default() }.validate();
        let found: Vec<_> = e.iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(found, [("goals[0].priority".to_owned(), "out_of_range")]);
    }

    #[test]
    fn a_result_needs_a_description_which_may_be_long() {
        let mut g = goal("G1", &["G1.R1", "G1.R2"]);
        g.results[0].description = "d".repeat(10_000);
        g.results[1].description = " ".into();
        let e = AgendaContent { goals: vec![g], ..Default::default() }.validate();
        let found: Vec<_> = e.iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(found, [("goals[0].results[1].description".to_owned(), "required")]);
    }

    #[test]
    fn too_many_results_of_a_goal_is_one_error_and_the_other_goals_are_still_checked() {
        let mut crowded = goal("G1", &[]);
        crowded.results = goal("G9", &["X"; 21]).results;
        let a = AgendaContent { goals: vec![crowded, goal("G1", &[])], ..Default::default() };
        let found: Vec<_> = a.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(found, [("goals[0].results".to_owned(), "too_many"), ("goals[1].key".to_owned(), "duplicate")]);
    }

    #[test]
    fn an_agenda_with_an_unknown_field_is_refused_and_a_minimal_one_parses() {
        let minimal = serde_json::json!({
            "goals": [{ "key": "G1", "title": "Vitale kernen", "theme": "social", "priority": 1,
                        "municipalityRole": "let_go", "results": [{ "key": "G1.R1", "description": "meer vrijwilligers" }] }]
        });
        let a: AgendaContent = serde_json::from_value(minimal).unwrap();
        assert_eq!((a.vision.as_str(), a.goals[0].municipality_role), ("", MunicipalityRole::LetGo));
        assert!(a.validate().is_empty());
        let unknown = serde_json::json!({ "goals": [{ "key": "G1", "title": "t", "theme": "social", "priority": 1,
                                                      "municipalityRole": "direct", "owner": "x" }] });
        assert!(serde_json::from_value::<AgendaContent>(unknown).is_err());
        assert!(serde_json::from_value::<AgendaContent>(serde_json::json!({ "visie": "" })).is_err());
    }
}
