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
    /// The keys monitors and contributions may refer to.
    pub fn measure_keys(&self) -> Vec<&str> {
        self.measures.iter().map(|m| m.key.as_str()).collect()
    }

    /// Every problem of the plan on its own; whether its goals exist is [`PlanContent::dangling_goal_keys`].
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
            if m.goal_keys.is_empty() {
                e.push(format!("{p}.goalKeys"), "empty", "a measure works towards at least one goal of the agenda");
            } else if check::list(&mut e, &format!("{p}.goalKeys"), &m.goal_keys, GOAL_KEYS_PER_MEASURE_MAX) {
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
            match m.budget_euros {
                Some(b) if !b.is_finite() => check::finite(&mut e, &format!("{p}.budgetEuros"), Some(b)),
                Some(b) if b < 0.0 => e.push(format!("{p}.budgetEuros"), "out_of_range", "must not be negative"),
                _ => {}
            }
        }
        e
    }

    /// The owners the measures name, each once.
    pub fn owner_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.measures.iter().filter_map(|m| m.owner_organisation_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Owners that are no organisation (`existing` holds the ids that are) or that do not take part in the
    /// area during the plan's year (`partners` holds those that do): a measure is carried out by a partner of
    /// the area, or the plan promises what nobody will do. Kept apart from `validate` because only the caller
    /// knows the registry and the area's partners.
    pub fn owner_problems(&self, existing: &[Uuid], partners: &[Uuid], year: i32) -> FieldErrors {
        let mut e = FieldErrors::new();
        for (i, m) in self.measures.iter().enumerate() {
            let Some(owner) = m.owner_organisation_id else { continue };
            let path = format!("measures[{i}].ownerOrganisationId");
            if !existing.contains(&owner) {
                e.push(path, "unknown", format!("there is no organisation {owner}"));
            } else if !partners.contains(&owner) {
                e.push(
                    path,
                    "not_a_partner",
                    format!(
                        "organisation {owner} does not take part in the area in {year}; add it as an area partner first"
                    ),
                );
            }
        }
        e
    }

    /// Goal keys of measures that `agenda` (the one in force for the plan's year) does not have. Kept apart from
    /// `validate` because the agenda in force is only known to the caller, and may change after the plan is written.
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
    use crate::content::{Goal, MunicipalityRole, Theme};

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
        let p = PlanContent { measures: vec![measure("M1", &["G1"]), m], ..Default::default() };
        assert_eq!(names(p.validate()), ["measures[1].key", "measures[1].goalKeys[1]", "measures[1].budgetEuros"]);
    }

    #[test]
    fn a_plan_referring_to_an_unknown_goal_names_the_goal_key() {
        let agenda = AgendaContent {
            goals: vec![Goal {
                key: "G1".into(),
                title: "t".into(),
                description: String::new(),
                theme: Theme::Other,
                priority: 1,
                municipality_role: MunicipalityRole::Direct,
                results: vec![],
            }],
            ..Default::default()
        };
        let p = PlanContent { measures: vec![measure("M1", &["G1", "G2"])], ..Default::default() };
        assert_eq!(names(p.dangling_goal_keys(&agenda)), ["measures[0].goalKeys[1]"]);
    }

    #[test]
    fn a_measure_may_end_on_the_day_it_starts() {
        let mut m = measure("M1", &["G1"]);
        m.start = NaiveDate::from_ymd_opt(2027, 5, 1);
        m.end = m.start;
        assert!(PlanContent { measures: vec![m], ..Default::default() }.validate().is_empty());
    }

    #[test]
    fn an_infinite_budget_is_not_finite_and_a_negative_one_out_of_range() {
        let (mut inf, mut neg, mut zero) = (measure("M1", &["G1"]), measure("M2", &["G1"]), measure("M3", &["G1"]));
        inf.budget_euros = Some(f64::NEG_INFINITY);
        neg.budget_euros = Some(-0.01);
        zero.budget_euros = Some(0.0);
        let e = PlanContent { measures: vec![inf, neg, zero], ..Default::default() }.validate();
        let found: Vec<_> = e.iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("measures[0].budgetEuros".to_owned(), "not_finite"),
                ("measures[1].budgetEuros".to_owned(), "out_of_range")
            ]
        );
    }

    #[test]
    fn malformed_goal_keys_and_too_many_of_them_are_refused() {
        let many: Vec<String> = (0..21).map(|i| format!("G{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let p = PlanContent {
            measures: vec![measure("M1", &["G 1"]), measure("M2", &many), measure("", &["G1"])],
            ..Default::default()
        };
        let found: Vec<_> = p.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("measures[0].goalKeys[0]".to_owned(), "invalid_key"),
                ("measures[1].goalKeys".to_owned(), "too_many"),
                ("measures[2].key".to_owned(), "invalid_key"),
            ]
        );
    }

    #[test]
    fn too_many_measures_is_one_error_at_the_list() {
        let p = PlanContent { measures: (0..201).map(|_| measure("M1", &["G1"])).collect(), ..Default::default() };
        assert_eq!(names(p.validate()), ["measures"]);
    }

    #[test]
    fn a_plan_with_an_unknown_field_is_refused_and_a_minimal_one_parses() {
        let minimal = serde_json::json!({ "measures": [{
            "key": "M1", "title": "Buurtkamer", "kind": "project", "goalKeys": ["G1"],
            "ownerOrganisationId": "0190b1a2-0000-7000-8000-000000000001",
            "start": "2027-01-01", "end": "2027-12-31", "budgetEuros": 25000
        }] });
        let p: PlanContent = serde_json::from_value(minimal).unwrap();
        assert_eq!((p.measures[0].kind, p.measures[0].budget_euros), (MeasureKind::Project, Some(25_000.0)));
        assert!(p.validate().is_empty());
        let unknown =
            serde_json::json!({ "measures": [{ "key": "M1", "title": "t", "kind": "measure", "budget": 1 }] });
        assert!(serde_json::from_value::<PlanContent>(unknown).is_err());
        assert!(serde_json::from_value::<PlanContent>(serde_json::json!({ "lessons": "" })).is_err());
    }

    #[test]
    fn a_measure_without_goals_is_refused() {
        let p = PlanContent { measures: vec![measure("M1", &["G1"]), measure("M2", &[])], ..Default::default() };
        let found: Vec<_> = p.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(found, [("measures[1].goalKeys".to_owned(), "empty")]);
    }

    #[test]
    fn an_owner_must_exist_and_take_part_in_the_area() {
        let (partner, outsider, ghost) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let owned = |key: &str, owner: Option<Uuid>| Measure { owner_organisation_id: owner, ..measure(key, &["G1"]) };
        let p = PlanContent {
            measures: vec![
                owned("M1", Some(partner)),
                owned("M2", Some(outsider)),
                owned("M3", Some(ghost)),
                owned("M4", None),
            ],
            ..Default::default()
        };
        assert_eq!(p.owner_ids(), [partner, outsider, ghost]);
        let e = p.owner_problems(&[partner, outsider], &[partner], 2027);
        let found: Vec<_> = e.iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(
            found,
            [
                ("measures[1].ownerOrganisationId".to_owned(), "not_a_partner"),
                ("measures[2].ownerOrganisationId".to_owned(), "unknown"),
            ]
        );
        assert!(e.iter().next().unwrap().reason.contains("2027"));
    }
}
