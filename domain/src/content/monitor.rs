//! The gebiedsmonitor, the yearly review: were the goals reached, was the plan carried out, did partners
//! deliver, and what must change in the way of working.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::agenda::AgendaContent;
use super::check;
use super::limits::{CONTRIBUTION_ASSESSMENTS_MAX, GOAL_ASSESSMENTS_MAX, MEASURE_ASSESSMENTS_MAX, RESULT_VALUES_MAX};
use super::plan::PlanContent;
use crate::field_errors::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GoalVerdict {
    Achieved,
    PartlyAchieved,
    NotAchieved,
    NotAssessable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeasureVerdict {
    Executed,
    PartlyExecuted,
    NotExecuted,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContributionVerdict {
    Delivered,
    PartlyDelivered,
    NotDelivered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultValue {
    pub result_key: String,
    /// Empty until measured: a new monitor lists every result of the goal without values.
    #[serde(default)]
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalAssessment {
    pub goal_key: String,
    /// Empty until the goal is assessed: a new monitor lists every goal without a verdict.
    #[serde(default)]
    pub verdict: Option<GoalVerdict>,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub result_values: Vec<ResultValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeasureAssessment {
    pub measure_key: String,
    /// Empty until the measure is assessed.
    #[serde(default)]
    pub verdict: Option<MeasureVerdict>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContributionAssessment {
    pub contribution_id: Uuid,
    /// Empty until the contribution is assessed.
    #[serde(default)]
    pub verdict: Option<ContributionVerdict>,
}

/// Content of a gebiedsmonitor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonitorContent {
    #[serde(default)]
    pub goal_assessments: Vec<GoalAssessment>,
    #[serde(default)]
    pub measure_assessments: Vec<MeasureAssessment>,
    #[serde(default)]
    pub contribution_assessments: Vec<ContributionAssessment>,
    /// What must change in the way of working.
    #[serde(default)]
    pub approach_changes: String,
    #[serde(default)]
    pub agenda_revision_recommended: bool,
}

impl MonitorContent {
    /// Every problem of the monitor on its own; whether what it assesses exists is
    /// [`MonitorContent::dangling_references`].
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        check::long(&mut e, "approachChanges", &self.approach_changes);
        if check::list(&mut e, "goalAssessments", &self.goal_assessments, GOAL_ASSESSMENTS_MAX) {
            let mut goals = HashSet::new();
            for (i, a) in self.goal_assessments.iter().enumerate() {
                let p = format!("goalAssessments[{i}]");
                check::key(&mut e, &format!("{p}.goalKey"), &a.goal_key, &mut goals);
                check::long(&mut e, &format!("{p}.evidence"), &a.evidence);
                if check::list(&mut e, &format!("{p}.resultValues"), &a.result_values, RESULT_VALUES_MAX) {
                    let mut results = HashSet::new();
                    for (j, v) in a.result_values.iter().enumerate() {
                        check::key(&mut e, &format!("{p}.resultValues[{j}].resultKey"), &v.result_key, &mut results);
                        check::finite(&mut e, &format!("{p}.resultValues[{j}].value"), v.value);
                    }
                }
            }
        }
        if check::list(&mut e, "measureAssessments", &self.measure_assessments, MEASURE_ASSESSMENTS_MAX) {
            let mut measures = HashSet::new();
            for (i, a) in self.measure_assessments.iter().enumerate() {
                check::key(&mut e, &format!("measureAssessments[{i}].measureKey"), &a.measure_key, &mut measures);
                check::long(&mut e, &format!("measureAssessments[{i}].note"), &a.note);
            }
        }
        if check::list(&mut e, "contributionAssessments", &self.contribution_assessments, CONTRIBUTION_ASSESSMENTS_MAX)
        {
            let mut seen = HashSet::new();
            for (i, a) in self.contribution_assessments.iter().enumerate() {
                if !seen.insert(a.contribution_id) {
                    e.push(format!("contributionAssessments[{i}].contributionId"), "duplicate", "assessed twice");
                }
            }
        }
        e
    }

    /// This monitor with an empty assessment added for everything it must assess and does not yet: every goal
    /// of the agenda in force with each of its results, every measure of the adopted plan and every contribution
    /// to the agenda (`contributions`, as many as a monitor holds). The writer then fills in verdicts instead of
    /// copying keys; what is already assessed stays as it is.
    pub fn with_assessments_to_fill(
        mut self,
        agenda: Option<&AgendaContent>,
        plan: Option<&PlanContent>,
        contributions: &[Uuid],
    ) -> MonitorContent {
        for goal in agenda.map(|a| a.goals.as_slice()).unwrap_or_default() {
            let i = match self.goal_assessments.iter().position(|a| a.goal_key == goal.key) {
                Some(i) => i,
                None if self.goal_assessments.len() < GOAL_ASSESSMENTS_MAX => {
                    self.goal_assessments.push(GoalAssessment {
                        goal_key: goal.key.clone(),
                        verdict: None,
                        evidence: String::new(),
                        result_values: vec![],
                    });
                    self.goal_assessments.len() - 1
                }
                None => continue,
            };
            let values = &mut self.goal_assessments[i].result_values;
            for result in &goal.results {
                if values.len() < RESULT_VALUES_MAX && !values.iter().any(|v| v.result_key == result.key) {
                    values.push(ResultValue { result_key: result.key.clone(), value: None });
                }
            }
        }
        for key in plan.map(PlanContent::measure_keys).unwrap_or_default() {
            let assessed = self.measure_assessments.iter().any(|a| a.measure_key == key);
            if !assessed && self.measure_assessments.len() < MEASURE_ASSESSMENTS_MAX {
                self.measure_assessments.push(MeasureAssessment {
                    measure_key: key.to_owned(),
                    verdict: None,
                    note: String::new(),
                });
            }
        }
        for id in contributions {
            let assessed = self.contribution_assessments.iter().any(|a| a.contribution_id == *id);
            if !assessed && self.contribution_assessments.len() < CONTRIBUTION_ASSESSMENTS_MAX {
                self.contribution_assessments.push(ContributionAssessment { contribution_id: *id, verdict: None });
            }
        }
        self
    }

    /// Contributions assessed here that are not contributions to an agenda of the monitor's area (`known` holds
    /// those that are); the caller looks them up.
    pub fn unknown_contributions(&self, known: &[Uuid]) -> FieldErrors {
        let mut e = FieldErrors::new();
        for (i, a) in self.contribution_assessments.iter().enumerate() {
            if !known.contains(&a.contribution_id) {
                e.push(
                    format!("contributionAssessments[{i}].contributionId"),
                    "unknown_contribution",
                    format!("there is no contribution {} to an agenda of this area", a.contribution_id),
                );
            }
        }
        e
    }

    /// The ids of the contributions assessed here.
    pub fn contribution_ids(&self) -> Vec<Uuid> {
        self.contribution_assessments.iter().map(|a| a.contribution_id).collect()
    }

    /// Goals, results and measures assessed here that the agenda in force or the adopted plan lack. A value may
    /// only be given for a result of the goal it is listed under, so that a result is never reported twice.
    /// Without an agenda or a plan (the caller found none) there is nothing to check against.
    pub fn dangling_references(&self, agenda: Option<&AgendaContent>, plan: Option<&PlanContent>) -> FieldErrors {
        let mut e = FieldErrors::new();
        if let Some(agenda) = agenda {
            for (i, a) in self.goal_assessments.iter().enumerate() {
                match agenda.result_keys_of(&a.goal_key) {
                    None => e.push(
                        format!("goalAssessments[{i}].goalKey"),
                        "unknown_goal",
                        format!("the agenda in force has no goal {}", a.goal_key),
                    ),
                    Some(results) => {
                        for (j, v) in a.result_values.iter().enumerate() {
                            if !results.contains(&v.result_key.as_str()) {
                                e.push(
                                    format!("goalAssessments[{i}].resultValues[{j}].resultKey"),
                                    "unknown_result",
                                    format!("goal {} has no result {}", a.goal_key, v.result_key),
                                );
                            }
                        }
                    }
                }
            }
        }
        if let Some(plan) = plan {
            let measures = plan.measure_keys();
            for (i, a) in self.measure_assessments.iter().enumerate() {
                if !measures.contains(&a.measure_key.as_str()) {
                    e.push(
                        format!("measureAssessments[{i}].measureKey"),
                        "unknown_measure",
                        format!("the adopted plan has no measure {}", a.measure_key),
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
    use crate::content::{Goal, GoalResult, MunicipalityRole, Theme};

    fn assessment(goal: &str, results: &[&str]) -> GoalAssessment {
        GoalAssessment {
            goal_key: goal.into(),
            verdict: Some(GoalVerdict::Achieved),
            evidence: String::new(),
            result_values: results.iter().map(|r| ResultValue { result_key: (*r).into(), value: Some(1.0) }).collect(),
        }
    }

    fn agenda() -> AgendaContent {
        let result = |k: &str| GoalResult {
            key: k.into(),
            description: "r".into(),
            indicator: None,
            unit: None,
            baseline: None,
            target: None,
            direction: None,
        };
        let goal = |k: &str, r: &str| Goal {
            key: k.into(),
            title: "t".into(),
            description: String::new(),
            theme: Theme::Other,
            priority: 1,
            municipality_role: MunicipalityRole::Stimulate,
            results: vec![result(r)],
        };
        AgendaContent { goals: vec![goal("G1", "G1.R1"), goal("G2", "G2.R1")], ..Default::default() }
    }

    #[test]
    fn assessing_a_goal_twice_is_a_duplicate() {
        let m = MonitorContent {
            goal_assessments: vec![assessment("G1", &[]), assessment("G1", &[])],
            ..Default::default()
        };
        let names: Vec<_> = m.validate().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["goalAssessments[1].goalKey"]);
    }

    #[test]
    fn a_monitor_result_value_of_another_goals_result_is_unknown() {
        let m = MonitorContent {
            goal_assessments: vec![assessment("G1", &["G2.R1"]), assessment("G9", &[])],
            measure_assessments: vec![MeasureAssessment {
                measure_key: "M9".into(),
                verdict: Some(MeasureVerdict::Cancelled),
                note: String::new(),
            }],
            ..Default::default()
        };
        let plan = PlanContent::default();
        let e = m.dangling_references(Some(&agenda()), Some(&plan));
        let found: Vec<_> = e.iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("goalAssessments[0].resultValues[0].resultKey".to_owned(), "unknown_result"),
                ("goalAssessments[1].goalKey".to_owned(), "unknown_goal"),
                ("measureAssessments[0].measureKey".to_owned(), "unknown_measure"),
            ]
        );
    }

    #[test]
    fn without_agenda_or_plan_nothing_dangles() {
        let m = MonitorContent { goal_assessments: vec![assessment("G9", &["X"])], ..Default::default() };
        assert!(m.dangling_references(None, None).is_empty());
    }

    fn measure(key: &str) -> MeasureAssessment {
        MeasureAssessment { measure_key: key.into(), verdict: Some(MeasureVerdict::Executed), note: String::new() }
    }

    fn contribution(id: u128) -> ContributionAssessment {
        ContributionAssessment { contribution_id: Uuid::from_u128(id), verdict: Some(ContributionVerdict::Delivered) }
    }

    #[test]
    fn every_repetition_in_a_monitor_is_a_duplicate_at_its_second_use() {
        let mut nan = assessment("G2", &["G2.R1"]);
        nan.result_values[0].value = Some(f64::NAN);
        let m = MonitorContent {
            goal_assessments: vec![assessment("G1", &["G1.R1", "G1.R1"]), nan],
            measure_assessments: vec![measure("M1"), measure("M2"), measure("M1")],
            contribution_assessments: vec![contribution(1), contribution(1)],
            ..Default::default()
        };
        let found: Vec<_> = m.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        let expected = [
            ("goalAssessments[0].resultValues[1].resultKey", "duplicate"),
            ("goalAssessments[1].resultValues[0].value", "not_finite"),
            ("measureAssessments[2].measureKey", "duplicate"),
            ("contributionAssessments[1].contributionId", "duplicate"),
        ];
        assert_eq!(found, expected.map(|(n, c)| (n.to_owned(), c)));
    }

    #[test]
    fn over_long_texts_and_over_full_lists_of_a_monitor_are_reported() {
        let mut a = assessment("G1", &[]);
        a.evidence = "e".repeat(10_001);
        a.result_values = (0..21).map(|i| ResultValue { result_key: format!("R{i}"), value: Some(0.0) }).collect();
        let m = MonitorContent {
            goal_assessments: vec![a],
            contribution_assessments: (0..501).map(contribution).collect(),
            approach_changes: "a".repeat(10_001),
            ..Default::default()
        };
        let found: Vec<_> = m.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        let expected = [
            ("approachChanges", "too_long"),
            ("goalAssessments[0].evidence", "too_long"),
            ("goalAssessments[0].resultValues", "too_many"),
            ("contributionAssessments", "too_many"),
        ];
        assert_eq!(found, expected.map(|(n, c)| (n.to_owned(), c)));
    }

    #[test]
    fn a_monitor_with_an_unknown_field_is_refused_and_a_minimal_one_parses() {
        let minimal = serde_json::json!({
            "goalAssessments": [{ "goalKey": "G1", "verdict": "partly_achieved",
                                  "resultValues": [{ "resultKey": "G1.R1", "value": 42.5 }] }],
            "measureAssessments": [{ "measureKey": "M1", "verdict": "not_executed" }],
            "contributionAssessments": [{ "contributionId": "0190b1a2-0000-7000-8000-000000000001",
                                          "verdict": "partly_delivered" }]
        });
        let m: MonitorContent = serde_json::from_value(minimal).unwrap();
        assert_eq!(m.goal_assessments[0].verdict, Some(GoalVerdict::PartlyAchieved));
        assert!(!m.agenda_revision_recommended);
        assert!(m.validate().is_empty());
        assert!(m.dangling_references(Some(&agenda()), None).is_empty());
        let unknown =
            serde_json::json!({ "measureAssessments": [{ "measureKey": "M1", "verdict": "executed", "score": 3 }] });
        assert!(serde_json::from_value::<MonitorContent>(unknown).is_err());
        let bad_verdict = serde_json::json!({ "goalAssessments": [{ "goalKey": "G1", "verdict": "done" }] });
        assert!(serde_json::from_value::<MonitorContent>(bad_verdict).is_err());
    }

    #[test]
    fn a_contribution_of_another_area_or_none_at_all_is_unknown() {
        let m = MonitorContent {
            contribution_assessments: vec![contribution(1), contribution(2), contribution(3)],
            ..Default::default()
        };
        assert_eq!(m.contribution_ids(), [1, 2, 3].map(Uuid::from_u128));
        let found: Vec<_> =
            m.unknown_contributions(&[Uuid::from_u128(2)]).iter().map(|e| (e.name.clone(), e.code)).collect();
        let expected = [
            ("contributionAssessments[0].contributionId", "unknown_contribution"),
            ("contributionAssessments[2].contributionId", "unknown_contribution"),
        ];
        assert_eq!(found, expected.map(|(n, c)| (n.to_owned(), c)));
    }

    #[test]
    fn a_new_monitor_lists_every_goal_result_measure_and_contribution_to_assess_without_verdicts() {
        let plan: PlanContent = serde_json::from_value(serde_json::json!({"measures": [
            {"key": "M1", "title": "a", "kind": "activity", "goalKeys": ["G1"]},
            {"key": "M2", "title": "b", "kind": "activity", "goalKeys": ["G2"]}]}))
        .unwrap();
        let m = MonitorContent::default().with_assessments_to_fill(Some(&agenda()), Some(&plan), &[Uuid::from_u128(7)]);
        let goals: Vec<_> = m.goal_assessments.iter().map(|a| (a.goal_key.as_str(), a.verdict)).collect();
        assert_eq!(goals, [("G1", None), ("G2", None)]);
        assert_eq!(m.goal_assessments[1].result_values, [ResultValue { result_key: "G2.R1".into(), value: None }]);
        assert_eq!(m.measure_assessments.iter().map(|a| a.measure_key.as_str()).collect::<Vec<_>>(), ["M1", "M2"]);
        assert_eq!(
            m.contribution_assessments,
            [ContributionAssessment { contribution_id: Uuid::from_u128(7), verdict: None }]
        );
        assert!(m.validate().is_empty());
        assert!(m.dangling_references(Some(&agenda()), Some(&plan)).is_empty());
    }

    #[test]
    fn filling_in_keeps_what_is_assessed_and_adds_only_what_is_missing() {
        let assessed = MonitorContent {
            goal_assessments: vec![assessment("G2", &["G2.R1"])],
            measure_assessments: vec![measure("M1")],
            ..Default::default()
        };
        let plan: PlanContent = serde_json::from_value(
            serde_json::json!({"measures": [{"key": "M1", "title": "a", "kind": "activity", "goalKeys": ["G1"]}]}),
        )
        .unwrap();
        let m = assessed.clone().with_assessments_to_fill(Some(&agenda()), Some(&plan), &[]);
        assert_eq!(
            m.goal_assessments[0], assessed.goal_assessments[0],
            "an assessed goal keeps its verdict and values"
        );
        assert_eq!(m.goal_assessments[1].goal_key, "G1");
        assert_eq!(m.measure_assessments, assessed.measure_assessments);
        let nothing = MonitorContent::default().with_assessments_to_fill(None, None, &[]);
        assert_eq!(nothing, MonitorContent::default());
    }
}
