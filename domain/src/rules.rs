//! The rules across stages, checked when a version is adopted (SPEC §3, rules 1 to 4). They are pure functions of the version's content and facts about the area that the
//! caller looked up, so the same function answers both the adoption (409 with every broken rule) and the
//! readiness check (blocking problems and warnings, without changing anything).
//!
//! A partner is shown readiness only as far as its own contributions go ([`check_for_partner`]): the other
//! rules speak of documents it does not read (the analysis) and of other organisations' promises (SPEC §15).

use serde::Serialize;

use crate::content::{AgendaContent, Content, PlanContent};
use crate::contribution::ContributionStatus;

/// One broken rule or warning. `rule` is a stable code, `path` points into the content where it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleProblem {
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl RuleProblem {
    fn new(rule: &'static str, message: impl Into<String>) -> Self {
        RuleProblem { rule, message: message.into(), path: None }
    }

    fn at(mut self, path: String) -> Self {
        self.path = Some(path);
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub blocking: Vec<RuleProblem>,
    pub warnings: Vec<RuleProblem>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.blocking.is_empty()
    }
}

/// What the rules need to know about the area besides the version itself.
#[derive(Debug, Clone, Default)]
pub struct AreaFacts<'a> {
    /// Years of the area's adopted analyses, around the period start of an agenda.
    pub adopted_analysis_years: Vec<i32>,
    /// The agenda in force whose period covers the plan's or monitor's year.
    pub agenda_in_force: Option<&'a AgendaContent>,
    /// The adopted plan of the monitor's year.
    pub adopted_plan: Option<&'a PlanContent>,
    /// For an agenda: the goal key and status of every contribution made to the agenda document.
    pub contributions: Vec<(String, ContributionStatus)>,
}

/// Checks the version of a document starting in `year` (an agenda's `periodStart`).
pub fn check(content: &Content, year: i32, facts: &AreaFacts) -> Readiness {
    let mut r = Readiness::default();
    match content {
        Content::Analysis(_) => {}
        Content::Agenda(agenda) => {
            check_contributions(&mut r, agenda, &facts.contributions);
            warn_goals_without_contribution(&mut r, agenda, &facts.contributions);
            if !facts.adopted_analysis_years.iter().any(|y| *y == year - 1 || *y == year) {
                r.blocking.push(RuleProblem::new(
                    "agenda_needs_analysis",
                    format!(
                        "an agenda starting in {year} needs an adopted analysis of the area for {} or {year}",
                        year - 1
                    ),
                ));
            }
        }
        Content::Plan(plan) => match facts.agenda_in_force {
            None => r.blocking.push(RuleProblem::new(
                "plan_needs_agenda",
                format!("a plan for {year} needs an agenda in force whose period covers {year}"),
            )),
            Some(agenda) => {
                let goals = agenda.goal_keys();
                for (i, m) in plan.measures.iter().enumerate() {
                    for (j, key) in m.goal_keys.iter().enumerate() {
                        if !goals.contains(&key.as_str()) {
                            r.blocking.push(
                                RuleProblem::new(
                                    "plan_goal_unknown",
                                    format!(
                                        "measure {} refers to goal {key}, which the agenda in force does not have",
                                        m.key
                                    ),
                                )
                                .at(format!("content.measures[{i}].goalKeys[{j}]")),
                            );
                        }
                    }
                }
            }
        },
        Content::Monitor(monitor) => {
            match facts.adopted_plan {
                None => r.blocking.push(RuleProblem::new(
                    "monitor_needs_plan",
                    format!("a monitor for {year} needs an adopted plan for {year}"),
                )),
                Some(plan) => {
                    for key in plan.measure_keys() {
                        if !monitor.measure_assessments.iter().any(|a| a.measure_key == key) {
                            r.blocking.push(
                                RuleProblem::new(
                                    "monitor_measure_unassessed",
                                    format!("measure {key} of the plan is not assessed"),
                                )
                                .at("content.measureAssessments".into()),
                            );
                        }
                    }
                }
            }
            match facts.agenda_in_force {
                None => r.blocking.push(RuleProblem::new(
                    "monitor_needs_agenda",
                    format!("a monitor for {year} assesses the goals of the agenda in force, and there is none"),
                )),
                Some(agenda) => {
                    for key in agenda.goal_keys() {
                        if !monitor.goal_assessments.iter().any(|a| a.goal_key == key) {
                            r.blocking.push(
                                RuleProblem::new(
                                    "monitor_goal_unassessed",
                                    format!("goal {key} of the agenda is not assessed"),
                                )
                                .at("content.goalAssessments".into()),
                            );
                        }
                    }
                }
            }
        }
    }
    if let Content::Plan(plan) = content {
        for (i, m) in plan.measures.iter().enumerate() {
            if m.owner_organisation_id.is_none() {
                r.warnings.push(
                    RuleProblem::new("measure_without_owner", format!("measure {} has no owner", m.key))
                        .at(format!("content.measures[{i}].ownerOrganisationId")),
                );
            }
        }
    }
    r
}

/// Readiness as a partner is shown it: what its own contributions (`own`, goal key and status) do to the
/// adoption of an agenda under rule 4, and nothing else. Whether the area has an adopted analysis, what other
/// organisations promised and which goals nobody serves are not a partner's to learn (SPEC §15); a plan or a
/// monitor, which takes no contributions, has nothing of a partner's to block it.
pub fn check_for_partner(content: &Content, own: &[(String, ContributionStatus)]) -> Readiness {
    let mut r = Readiness::default();
    if let Content::Agenda(agenda) = content {
        check_contributions(&mut r, agenda, own);
    }
    r
}

/// Rule 4: the partners' promises must be settled before the agenda they serve is adopted. A pending
/// proposal or a goal dropped from under a live promise blocks.
fn check_contributions(r: &mut Readiness, agenda: &AgendaContent, contributions: &[(String, ContributionStatus)]) {
    let proposed = contributions.iter().filter(|(_, s)| *s == ContributionStatus::Proposed).count();
    if proposed > 0 {
        r.blocking.push(RuleProblem::new(
            "agenda_contributions_proposed",
            format!("{proposed} contribution(s) to this agenda are still proposed; agree to or withdraw them first"),
        ));
    }
    let goals = agenda.goal_keys();
    let mut dropped: Vec<&str> = contributions
        .iter()
        .filter(|(key, s)| *s != ContributionStatus::Withdrawn && !goals.contains(&key.as_str()))
        .map(|(key, _)| key.as_str())
        .collect();
    dropped.sort_unstable();
    dropped.dedup();
    for key in dropped {
        r.blocking.push(RuleProblem::new(
            "agenda_goal_dropped_with_contributions",
            format!("goal {key} is dropped from the agenda but still has contributions that are not withdrawn"),
        ));
    }
}

/// A goal nobody contributes to is worth a warning to the municipality, which looks for partners.
fn warn_goals_without_contribution(
    r: &mut Readiness,
    agenda: &AgendaContent,
    contributions: &[(String, ContributionStatus)],
) {
    for (i, goal) in agenda.goals.iter().enumerate() {
        let served = contributions.iter().any(|(key, s)| *key == goal.key && *s != ContributionStatus::Withdrawn);
        if !served {
            r.warnings.push(
                RuleProblem::new("goal_without_contribution", format!("no partner contributes to goal {}", goal.key))
                    .at(format!("content.goals[{i}]")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::MonitorContent;
    use serde_json::json;

    fn agenda() -> AgendaContent {
        serde_json::from_value(json!({
            "vision": "Leefbare kernen",
            "goals": [
                {"key": "G1", "title": "Veilige buurt", "theme": "safety", "priority": 1, "municipalityRole": "direct",
                 "results": [{"key": "G1.R1", "description": "minder inbraken"}]},
                {"key": "G2", "title": "Ontmoeting", "theme": "social", "priority": 2, "municipalityRole": "facilitate"}
            ]
        }))
        .expect("agenda")
    }

    fn plan(goal_keys: &[&str], owner: bool) -> PlanContent {
        let owner = if owner { json!(uuid::Uuid::now_v7()) } else { json!(null) };
        serde_json::from_value(json!({
            "measures": [{"key": "M1", "title": "Buurtpreventie", "kind": "activity", "goalKeys": goal_keys,
                          "ownerOrganisationId": owner}]
        }))
        .expect("plan")
    }

    fn monitor(goals: &[&str], measures: &[&str]) -> MonitorContent {
        let goals: Vec<_> = goals.iter().map(|g| json!({"goalKey": g, "verdict": "achieved"})).collect();
        let measures: Vec<_> = measures.iter().map(|m| json!({"measureKey": m, "verdict": "executed"})).collect();
        serde_json::from_value(json!({"goalAssessments": goals, "measureAssessments": measures})).expect("monitor")
    }

    fn rules(r: &Readiness) -> Vec<&'static str> {
        r.blocking.iter().map(|p| p.rule).collect()
    }

    #[test]
    fn an_agenda_needs_an_adopted_analysis_of_the_year_before_or_the_first_year() {
        let content = Content::Agenda(agenda());
        let facts = |years: Vec<i32>| AreaFacts { adopted_analysis_years: years, ..Default::default() };
        assert!(check(&content, 2027, &facts(vec![2026])).is_ready());
        assert!(check(&content, 2027, &facts(vec![2027])).is_ready());
        assert_eq!(rules(&check(&content, 2027, &facts(vec![2025, 2028]))), ["agenda_needs_analysis"]);
        assert_eq!(rules(&check(&content, 2027, &facts(vec![]))), ["agenda_needs_analysis"]);
    }

    #[test]
    fn a_plan_needs_an_agenda_in_force() {
        let r = check(&Content::Plan(plan(&["G1"], true)), 2027, &AreaFacts::default());
        assert_eq!(rules(&r), ["plan_needs_agenda"]);
    }

    #[test]
    fn every_measure_goal_must_exist_in_the_agenda_in_force() {
        let agenda = agenda();
        let facts = AreaFacts { agenda_in_force: Some(&agenda), ..Default::default() };
        assert!(check(&Content::Plan(plan(&["G1", "G2"], true)), 2027, &facts).is_ready());
        let r = check(&Content::Plan(plan(&["G1", "G9"], true)), 2027, &facts);
        assert_eq!(rules(&r), ["plan_goal_unknown"]);
        assert_eq!(r.blocking[0].path.as_deref(), Some("content.measures[0].goalKeys[1]"));
    }

    #[test]
    fn a_measure_without_owner_is_a_warning_not_a_block() {
        let agenda = agenda();
        let facts = AreaFacts { agenda_in_force: Some(&agenda), ..Default::default() };
        let r = check(&Content::Plan(plan(&["G1"], false)), 2027, &facts);
        assert!(r.is_ready());
        assert_eq!(r.warnings[0].rule, "measure_without_owner");
    }

    #[test]
    fn a_monitor_needs_an_adopted_plan_and_the_agenda_in_force() {
        let r = check(&Content::Monitor(monitor(&[], &[])), 2027, &AreaFacts::default());
        assert_eq!(rules(&r), ["monitor_needs_plan", "monitor_needs_agenda"]);
    }

    #[test]
    fn a_monitor_assesses_every_goal_and_every_measure() {
        let agenda = agenda();
        let plan = plan(&["G1"], true);
        let facts = AreaFacts { agenda_in_force: Some(&agenda), adopted_plan: Some(&plan), ..Default::default() };
        assert!(check(&Content::Monitor(monitor(&["G1", "G2"], &["M1"])), 2027, &facts).is_ready());
        let r = check(&Content::Monitor(monitor(&["G1"], &[])), 2027, &facts);
        assert_eq!(rules(&r), ["monitor_measure_unassessed", "monitor_goal_unassessed"]);
        assert!(r.blocking[1].message.contains("G2"));
    }

    #[test]
    fn an_agenda_is_not_adopted_while_a_contribution_to_it_is_proposed() {
        use ContributionStatus as S;
        let content = Content::Agenda(agenda());
        let facts = |c: Vec<(&str, S)>| AreaFacts {
            adopted_analysis_years: vec![2026],
            contributions: c.into_iter().map(|(k, s)| (k.to_owned(), s)).collect(),
            ..Default::default()
        };
        let settled = facts(vec![("G1", S::Committed), ("G2", S::Delivered), ("G2", S::Withdrawn)]);
        assert!(check(&content, 2027, &settled).is_ready());
        let r = check(&content, 2027, &facts(vec![("G1", S::Proposed), ("G1", S::Proposed), ("G2", S::InProgress)]));
        assert_eq!(rules(&r), ["agenda_contributions_proposed"]);
        assert!(r.blocking[0].message.starts_with("2 contribution(s)"));
    }

    #[test]
    fn an_agenda_cannot_drop_a_goal_that_still_has_live_contributions() {
        use ContributionStatus as S;
        let content = Content::Agenda(agenda());
        let facts = |c: Vec<(&str, S)>| AreaFacts {
            adopted_analysis_years: vec![2026],
            contributions: c.into_iter().map(|(k, s)| (k.to_owned(), s)).collect(),
            ..Default::default()
        };
        let r = check(&content, 2027, &facts(vec![("G1", S::Committed), ("G9", S::Delivered), ("G9", S::InProgress)]));
        assert_eq!(rules(&r), ["agenda_goal_dropped_with_contributions"]);
        assert!(r.blocking[0].message.contains("G9"));
        let withdrawn_only = facts(vec![("G1", S::Committed), ("G2", S::Committed), ("G9", S::Withdrawn)]);
        assert!(check(&content, 2027, &withdrawn_only).is_ready());
    }

    #[test]
    fn a_goal_without_any_live_contribution_is_a_warning() {
        use ContributionStatus as S;
        let facts = AreaFacts {
            adopted_analysis_years: vec![2026],
            contributions: vec![("G1".into(), S::Committed), ("G2".into(), S::Withdrawn)],
            ..Default::default()
        };
        let r = check(&Content::Agenda(agenda()), 2027, &facts);
        assert!(r.is_ready());
        let warnings: Vec<_> = r.warnings.iter().map(|w| (w.rule, w.path.as_deref())).collect();
        assert_eq!(warnings, [("goal_without_contribution", Some("content.goals[1]"))]);
    }

    #[test]
    fn a_partner_is_told_only_what_its_own_contributions_do_to_the_adoption() {
        use ContributionStatus as S;
        let content = Content::Agenda(agenda());
        let nothing = check_for_partner(&content, &[]);
        assert_eq!(nothing, Readiness::default(), "no analysis rule, no goals without partners");
        let own = [("G1".to_owned(), S::Proposed), ("G9".to_owned(), S::Committed)];
        let r = check_for_partner(&content, &own);
        assert_eq!(rules(&r), ["agenda_contributions_proposed", "agenda_goal_dropped_with_contributions"]);
        assert!(r.blocking[0].message.starts_with("1 contribution(s)"));
        assert!(r.warnings.is_empty(), "G2 has no contribution of this partner, which says nothing of others");
        let plan = Content::Plan(plan(&["G9"], false));
        assert_eq!(check_for_partner(&plan, &own), Readiness::default());
    }

    #[test]
    fn an_analysis_has_no_preconditions() {
        let content: crate::content::AnalysisContent =
            serde_json::from_value(json!({"summary": "Vergrijzing in de kernen"})).expect("analysis");
        assert!(check(&Content::Analysis(content), 2026, &AreaFacts::default()).is_ready());
    }
}
