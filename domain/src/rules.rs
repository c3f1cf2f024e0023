//! The rules a version must meet to be adopted: it is submitted, it says something (an analysis has a summary,
//! an agenda goals, a plan measures), and the rules across stages hold (SPEC §3, rules 1 to 4). They are pure
//! functions of the version's status and content and of facts about the area that the caller looked up, and
//! this one function answers both the adoption (409 with every broken rule) and the readiness check (blocking
//! problems and warnings, without changing anything), so the two can never disagree.
//!
//! A partner is shown readiness only as far as its own contributions go ([`check_for_partner`]): the other
//! rules speak of documents it does not read (the analysis) and of other organisations' promises (SPEC §15).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::content::{AgendaContent, Content, ContributionVerdict, DocumentKind, PlanContent};
use crate::contribution::ContributionStatus;
use crate::lifecycle::VersionStatus;

/// One broken rule or warning. `rule` is a stable code, `path` points into the content where it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleProblem {
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What the message names (keys, ids, years, counts, a status code), in the order it names them, so that
    /// an adapter can word the rule in another language (the pages, in Dutch) without parsing the message.
    #[serde(skip)]
    pub names: Vec<String>,
}

impl RuleProblem {
    fn new(rule: &'static str, message: impl Into<String>) -> Self {
        RuleProblem { rule, message: message.into(), path: None, names: Vec::new() }
    }

    fn naming<const N: usize>(mut self, names: [String; N]) -> Self {
        self.names = names.into();
        self
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
    /// For a monitor: the status of each contribution it assesses, by id.
    pub assessed_contributions: Vec<(Uuid, ContributionStatus)>,
    /// Today in the Netherlands: a monitor of a year that has not ended reviews it too early.
    pub today: NaiveDate,
}

/// Which of the [`AreaFacts`] the rules of [`check`] read for content of a kind, so that only those are looked
/// up (each is a statement): an analysis needs none, an agenda the analyses and its contributions, a plan the
/// agenda in force, a monitor the agenda and plan in force and the contributions it assesses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactsNeeded {
    pub adopted_analysis_years: bool,
    pub agenda_in_force: bool,
    pub adopted_plan: bool,
    pub contributions: bool,
    pub assessed_contributions: bool,
}

pub fn facts_needed(kind: DocumentKind) -> FactsNeeded {
    let none = FactsNeeded::default();
    match kind {
        DocumentKind::Analysis => none,
        DocumentKind::Agenda => FactsNeeded { adopted_analysis_years: true, contributions: true, ..none },
        DocumentKind::Plan => FactsNeeded { agenda_in_force: true, ..none },
        DocumentKind::Monitor => {
            FactsNeeded { agenda_in_force: true, adopted_plan: true, assessed_contributions: true, ..none }
        }
    }
}

/// Checks version `status` of a document starting in `year` (an agenda's `periodStart`) for adoption.
pub fn check(content: &Content, status: VersionStatus, year: i32, facts: &AreaFacts) -> Readiness {
    let mut r = Readiness::default();
    check_status(&mut r, status);
    check_substance(&mut r, content);
    match content {
        Content::Analysis(_) => {}
        Content::Agenda(agenda) => {
            check_contributions(&mut r, agenda, &facts.contributions);
            warn_goals_without_contribution(&mut r, agenda, &facts.contributions);
            if !facts.adopted_analysis_years.iter().any(|y| *y == year - 1 || *y == year) {
                r.blocking.push(
                    RuleProblem::new(
                        "agenda_needs_analysis",
                        format!(
                            "an agenda starting in {year} needs an adopted analysis of the area for {} or {year}",
                            year - 1
                        ),
                    )
                    .naming([(year - 1).to_string(), year.to_string()]),
                );
            }
        }
        Content::Plan(plan) => match facts.agenda_in_force {
            None => r.blocking.push(
                RuleProblem::new(
                    "plan_needs_agenda",
                    format!("a plan for {year} needs an agenda in force whose period covers {year}"),
                )
                .naming([year.to_string()]),
            ),
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
                                .naming([m.key.clone(), key.clone()])
                                .at(format!("content.measures[{i}].goalKeys[{j}]")),
                            );
                        }
                    }
                }
            }
        },
        Content::Monitor(monitor) => {
            match facts.adopted_plan {
                None => r.blocking.push(
                    RuleProblem::new(
                        "monitor_needs_plan",
                        format!("a monitor for {year} needs an adopted plan for {year}"),
                    )
                    .naming([year.to_string()]),
                ),
                Some(plan) => {
                    for key in plan.measure_keys() {
                        if !monitor.measure_assessments.iter().any(|a| a.measure_key == key && a.verdict.is_some()) {
                            r.blocking.push(
                                RuleProblem::new(
                                    "monitor_measure_unassessed",
                                    format!("measure {key} of the plan is not assessed (no verdict)"),
                                )
                                .naming([key.to_owned()])
                                .at("content.measureAssessments".into()),
                            );
                        }
                    }
                }
            }
            match facts.agenda_in_force {
                None => r.blocking.push(
                    RuleProblem::new(
                        "monitor_needs_agenda",
                        format!("a monitor for {year} assesses the goals of the agenda in force, and there is none"),
                    )
                    .naming([year.to_string()]),
                ),
                Some(agenda) => {
                    for key in agenda.goal_keys() {
                        if !monitor.goal_assessments.iter().any(|a| a.goal_key == key && a.verdict.is_some()) {
                            r.blocking.push(
                                RuleProblem::new(
                                    "monitor_goal_unassessed",
                                    format!("goal {key} of the agenda is not assessed (no verdict)"),
                                )
                                .naming([key.to_owned()])
                                .at("content.goalAssessments".into()),
                            );
                        }
                    }
                }
            }
            for (i, a) in monitor.contribution_assessments.iter().enumerate() {
                if a.verdict.is_none() {
                    r.blocking.push(
                        RuleProblem::new(
                            "monitor_contribution_unassessed",
                            format!("contribution {} is listed without a verdict", a.contribution_id),
                        )
                        .naming([a.contribution_id.to_string()])
                        .at(format!("content.contributionAssessments[{i}].verdict")),
                    );
                }
            }
            warn_verdicts_unlike_status(&mut r, monitor, &facts.assessed_contributions);
            if facts.today.year() <= year {
                r.warnings.push(
                    RuleProblem::new(
                        "monitor_year_not_ended",
                        format!("the monitor reviews {year}, which has not ended yet (today is {})", facts.today),
                    )
                    .naming([year.to_string(), facts.today.to_string()]),
                );
            }
        }
    }
    if let Content::Plan(plan) = content {
        for (i, m) in plan.measures.iter().enumerate() {
            if m.owner_organisation_id.is_none() {
                r.warnings.push(
                    RuleProblem::new("measure_without_owner", format!("measure {} has no owner", m.key))
                        .naming([m.key.clone()])
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
pub fn check_for_partner(content: &Content, status: VersionStatus, own: &[(String, ContributionStatus)]) -> Readiness {
    let mut r = Readiness::default();
    check_status(&mut r, status);
    if let Content::Agenda(agenda) = content {
        check_contributions(&mut r, agenda, own);
    }
    r
}

/// Only a submitted version is adopted: a draft is submitted first, and a version that was adopted, superseded
/// or withdrawn is done with.
fn check_status(r: &mut Readiness, status: VersionStatus) {
    let message = match status {
        VersionStatus::Submitted => return,
        VersionStatus::Draft => "the version is a draft; submit it first".to_owned(),
        other => format!("the version is {}; only a submitted version is adopted", other.as_str()),
    };
    r.blocking.push(RuleProblem::new("version_not_submitted", message).naming([status.as_str().to_owned()]));
}

/// A version that says nothing is not adopted: an analysis without a summary, an agenda without goals, a plan
/// without measures. A monitor's substance is the assessments its rules ask for.
fn check_substance(r: &mut Readiness, content: &Content) {
    let (rule, message, path) = match content {
        Content::Analysis(a) if a.summary.trim().is_empty() => {
            ("analysis_without_summary", "the analysis has no summary", "content.summary")
        }
        Content::Agenda(a) if a.goals.is_empty() => {
            ("agenda_without_goals", "the agenda has no goals", "content.goals")
        }
        Content::Plan(p) if p.measures.is_empty() => {
            ("plan_without_measures", "the plan has no measures", "content.measures")
        }
        _ => return,
    };
    r.blocking.push(RuleProblem::new(rule, message).at(path.into()));
}

/// A verdict that something was delivered for a contribution that has no delivered outcome is worth a second
/// look, but the monitor's writer may know better than the partner who has not yet reported: a warning.
fn warn_verdicts_unlike_status(
    r: &mut Readiness,
    monitor: &crate::content::MonitorContent,
    statuses: &[(Uuid, ContributionStatus)],
) {
    use ContributionStatus as S;
    for (i, a) in monitor.contribution_assessments.iter().enumerate() {
        let Some((_, status)) = statuses.iter().find(|(id, _)| *id == a.contribution_id) else { continue };
        let Some(verdict) = a.verdict else { continue };
        let says_delivered = matches!(verdict, ContributionVerdict::Delivered | ContributionVerdict::PartlyDelivered);
        if says_delivered && !matches!(status, S::Delivered | S::PartiallyDelivered) {
            r.warnings.push(
                RuleProblem::new(
                    "contribution_verdict_unlike_status",
                    format!(
                        "contribution {} is assessed as {} but its status is {}",
                        a.contribution_id,
                        verdict_name(verdict),
                        status.as_str()
                    ),
                )
                .naming([a.contribution_id.to_string(), verdict_name(verdict).to_owned(), status.as_str().to_owned()])
                .at(format!("content.contributionAssessments[{i}].verdict")),
            );
        }
    }
}

fn verdict_name(v: ContributionVerdict) -> &'static str {
    match v {
        ContributionVerdict::Delivered => "delivered",
        ContributionVerdict::PartlyDelivered => "partly_delivered",
        ContributionVerdict::NotDelivered => "not_delivered",
    }
}

/// Rule 4: the partners' promises must be settled before the agenda they serve is adopted. A pending
/// proposal or a goal dropped from under a live promise blocks.
fn check_contributions(r: &mut Readiness, agenda: &AgendaContent, contributions: &[(String, ContributionStatus)]) {
    let proposed = contributions.iter().filter(|(_, s)| *s == ContributionStatus::Proposed).count();
    if proposed > 0 {
        r.blocking.push(
            RuleProblem::new(
                "agenda_contributions_proposed",
                format!(
                    "{proposed} contribution(s) to this agenda are still proposed; agree to or withdraw them first"
                ),
            )
            .naming([proposed.to_string()]),
        );
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
        r.blocking.push(
            RuleProblem::new(
                "agenda_goal_dropped_with_contributions",
                format!("goal {key} is dropped from the agenda but still has contributions that are not withdrawn"),
            )
            .naming([key.to_owned()]),
        );
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
                    .naming([goal.key.clone()])
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
        assert!(check(&content, VersionStatus::Submitted, 2027, &facts(vec![2026])).is_ready());
        assert!(check(&content, VersionStatus::Submitted, 2027, &facts(vec![2027])).is_ready());
        assert_eq!(
            rules(&check(&content, VersionStatus::Submitted, 2027, &facts(vec![2025, 2028]))),
            ["agenda_needs_analysis"]
        );
        assert_eq!(rules(&check(&content, VersionStatus::Submitted, 2027, &facts(vec![]))), ["agenda_needs_analysis"]);
    }

    #[test]
    fn a_plan_needs_an_agenda_in_force() {
        let r = check(&Content::Plan(plan(&["G1"], true)), VersionStatus::Submitted, 2027, &AreaFacts::default());
        assert_eq!(rules(&r), ["plan_needs_agenda"]);
    }

    #[test]
    fn every_measure_goal_must_exist_in_the_agenda_in_force() {
        let agenda = agenda();
        let facts = AreaFacts { agenda_in_force: Some(&agenda), ..Default::default() };
        assert!(check(&Content::Plan(plan(&["G1", "G2"], true)), VersionStatus::Submitted, 2027, &facts).is_ready());
        let r = check(&Content::Plan(plan(&["G1", "G9"], true)), VersionStatus::Submitted, 2027, &facts);
        assert_eq!(rules(&r), ["plan_goal_unknown"]);
        assert_eq!(r.blocking[0].path.as_deref(), Some("content.measures[0].goalKeys[1]"));
    }

    #[test]
    fn a_broken_rule_names_what_its_message_speaks_of_for_other_languages() {
        let agenda = agenda();
        let facts = AreaFacts { agenda_in_force: Some(&agenda), ..Default::default() };
        let r = check(&Content::Plan(plan(&["G9"], false)), VersionStatus::Draft, 2027, &facts);
        let named: Vec<_> = r.blocking.iter().map(|p| (p.rule, p.names.clone())).collect();
        assert_eq!(
            named,
            [
                ("version_not_submitted", vec!["draft".to_owned()]),
                ("plan_goal_unknown", vec!["M1".into(), "G9".into()])
            ]
        );
        assert_eq!(r.warnings[0].names, ["M1"]);
        assert!(!serde_json::to_string(&r).unwrap().contains("names"), "only for adapters, not published");
    }

    #[test]
    fn a_measure_without_owner_is_a_warning_not_a_block() {
        let agenda = agenda();
        let facts = AreaFacts { agenda_in_force: Some(&agenda), ..Default::default() };
        let r = check(&Content::Plan(plan(&["G1"], false)), VersionStatus::Submitted, 2027, &facts);
        assert!(r.is_ready());
        assert_eq!(r.warnings[0].rule, "measure_without_owner");
    }

    #[test]
    fn a_monitor_needs_an_adopted_plan_and_the_agenda_in_force() {
        let r = check(&Content::Monitor(monitor(&[], &[])), VersionStatus::Submitted, 2027, &AreaFacts::default());
        assert_eq!(rules(&r), ["monitor_needs_plan", "monitor_needs_agenda"]);
    }

    #[test]
    fn a_monitor_assesses_every_goal_and_every_measure() {
        let agenda = agenda();
        let plan = plan(&["G1"], true);
        let facts = AreaFacts { agenda_in_force: Some(&agenda), adopted_plan: Some(&plan), ..Default::default() };
        assert!(
            check(&Content::Monitor(monitor(&["G1", "G2"], &["M1"])), VersionStatus::Submitted, 2027, &facts)
                .is_ready()
        );
        let r = check(&Content::Monitor(monitor(&["G1"], &[])), VersionStatus::Submitted, 2027, &facts);
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
        assert!(check(&content, VersionStatus::Submitted, 2027, &settled).is_ready());
        let r = check(
            &content,
            VersionStatus::Submitted,
            2027,
            &facts(vec![("G1", S::Proposed), ("G1", S::Proposed), ("G2", S::InProgress)]),
        );
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
        let r = check(
            &content,
            VersionStatus::Submitted,
            2027,
            &facts(vec![("G1", S::Committed), ("G9", S::Delivered), ("G9", S::InProgress)]),
        );
        assert_eq!(rules(&r), ["agenda_goal_dropped_with_contributions"]);
        assert!(r.blocking[0].message.contains("G9"));
        let withdrawn_only = facts(vec![("G1", S::Committed), ("G2", S::Committed), ("G9", S::Withdrawn)]);
        assert!(check(&content, VersionStatus::Submitted, 2027, &withdrawn_only).is_ready());
    }

    #[test]
    fn a_goal_without_any_live_contribution_is_a_warning() {
        use ContributionStatus as S;
        let facts = AreaFacts {
            adopted_analysis_years: vec![2026],
            contributions: vec![("G1".into(), S::Committed), ("G2".into(), S::Withdrawn)],
            ..Default::default()
        };
        let r = check(&Content::Agenda(agenda()), VersionStatus::Submitted, 2027, &facts);
        assert!(r.is_ready());
        let warnings: Vec<_> = r.warnings.iter().map(|w| (w.rule, w.path.as_deref())).collect();
        assert_eq!(warnings, [("goal_without_contribution", Some("content.goals[1]"))]);
    }

    #[test]
    fn a_partner_is_told_only_what_its_own_contributions_do_to_the_adoption() {
        use ContributionStatus as S;
        let content = Content::Agenda(agenda());
        let nothing = check_for_partner(&content, VersionStatus::Submitted, &[]);
        assert_eq!(nothing, Readiness::default(), "no analysis rule, no goals without partners");
        let own = [("G1".to_owned(), S::Proposed), ("G9".to_owned(), S::Committed)];
        let r = check_for_partner(&content, VersionStatus::Submitted, &own);
        assert_eq!(rules(&r), ["agenda_contributions_proposed", "agenda_goal_dropped_with_contributions"]);
        assert!(r.blocking[0].message.starts_with("1 contribution(s)"));
        assert!(r.warnings.is_empty(), "G2 has no contribution of this partner, which says nothing of others");
        let plan = Content::Plan(plan(&["G9"], false));
        assert_eq!(check_for_partner(&plan, VersionStatus::Submitted, &own), Readiness::default());
    }

    #[test]
    fn an_analysis_has_no_preconditions() {
        let content: crate::content::AnalysisContent =
            serde_json::from_value(json!({"summary": "Vergrijzing in de kernen"})).expect("analysis");
        assert!(check(&Content::Analysis(content), VersionStatus::Submitted, 2026, &AreaFacts::default()).is_ready());
    }

    #[test]
    fn the_facts_a_kind_does_not_need_change_nothing_in_its_readiness() {
        use crate::contribution::ContributionStatus as S;
        let (agenda_in_force, plan_in_force) = (agenda(), plan(&["G1"], true));
        let all = AreaFacts {
            adopted_analysis_years: vec![2026, 2027],
            agenda_in_force: Some(&agenda_in_force),
            adopted_plan: Some(&plan_in_force),
            contributions: vec![("G1".into(), S::Proposed), ("G2".into(), S::Committed)],
            assessed_contributions: vec![(uuid::Uuid::from_u128(1), S::Proposed)],
            today: NaiveDate::from_ymd_opt(2027, 6, 1).expect("date"),
        };
        let analysis: crate::content::AnalysisContent =
            serde_json::from_value(json!({"summary": "Vergrijzing"})).expect("analysis");
        for content in [
            Content::Analysis(analysis),
            Content::Agenda(agenda()),
            Content::Plan(plan(&["G1", "G9"], false)),
            Content::Monitor(monitor_with_contributions(&[(1, "delivered")])),
        ] {
            let needed = facts_needed(content.kind());
            let only = AreaFacts {
                adopted_analysis_years: if needed.adopted_analysis_years {
                    all.adopted_analysis_years.clone()
                } else {
                    vec![]
                },
                agenda_in_force: all.agenda_in_force.filter(|_| needed.agenda_in_force),
                adopted_plan: all.adopted_plan.filter(|_| needed.adopted_plan),
                contributions: if needed.contributions { all.contributions.clone() } else { vec![] },
                assessed_contributions: if needed.assessed_contributions {
                    all.assessed_contributions.clone()
                } else {
                    vec![]
                },
                today: all.today,
            };
            let (with_all, with_needed) = (
                check(&content, VersionStatus::Submitted, 2027, &all),
                check(&content, VersionStatus::Submitted, 2027, &only),
            );
            assert_eq!(with_all, with_needed, "{:?}", content.kind());
        }
    }

    fn monitor_with_contributions(verdicts: &[(u128, &str)]) -> MonitorContent {
        let mut m = monitor(&["G1", "G2"], &["M1"]);
        let assessed: Vec<_> = verdicts
            .iter()
            .map(|(id, v)| json!({"contributionId": uuid::Uuid::from_u128(*id), "verdict": v}))
            .collect();
        m.contribution_assessments = serde_json::from_value(json!(assessed)).expect("assessments");
        m
    }

    #[test]
    fn only_a_submitted_version_is_ready_for_adoption() {
        let content = Content::Agenda(agenda());
        let facts = AreaFacts { adopted_analysis_years: vec![2026], ..Default::default() };
        assert!(check(&content, VersionStatus::Submitted, 2027, &facts).is_ready());
        for status in
            [VersionStatus::Draft, VersionStatus::Adopted, VersionStatus::Superseded, VersionStatus::Withdrawn]
        {
            let r = check(&content, status, 2027, &facts);
            assert_eq!(rules(&r), ["version_not_submitted"], "{}", status.as_str());
        }
        let draft = check(&content, VersionStatus::Draft, 2027, &facts);
        assert!(draft.blocking[0].message.contains("submit it first"));
        assert_eq!(rules(&check_for_partner(&content, VersionStatus::Draft, &[])), ["version_not_submitted"]);
    }

    #[test]
    fn an_empty_analysis_agenda_or_plan_is_not_ready() {
        let empty = |kind| check(&Content::empty(kind), VersionStatus::Submitted, 2027, &AreaFacts::default());
        use crate::content::DocumentKind as K;
        assert_eq!(rules(&empty(K::Analysis)), ["analysis_without_summary"]);
        assert_eq!(rules(&empty(K::Agenda)), ["agenda_without_goals", "agenda_needs_analysis"]);
        assert_eq!(rules(&empty(K::Plan)), ["plan_without_measures", "plan_needs_agenda"]);
        let blank: crate::content::AnalysisContent = serde_json::from_value(json!({"summary": "  \n "})).unwrap();
        let r = check(&Content::Analysis(blank), VersionStatus::Submitted, 2026, &AreaFacts::default());
        assert_eq!(r.blocking[0].path.as_deref(), Some("content.summary"));
    }

    #[test]
    fn a_monitor_of_a_year_that_has_not_ended_is_a_warning() {
        let agenda = agenda();
        let plan = plan(&["G1"], true);
        let on = |today: NaiveDate| AreaFacts {
            agenda_in_force: Some(&agenda),
            adopted_plan: Some(&plan),
            today,
            ..Default::default()
        };
        let content = Content::Monitor(monitor(&["G1", "G2"], &["M1"]));
        let during =
            check(&content, VersionStatus::Submitted, 2027, &on(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()));
        assert!(during.is_ready());
        assert_eq!(during.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), ["monitor_year_not_ended"]);
        let after = check(&content, VersionStatus::Submitted, 2027, &on(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()));
        assert!(after.warnings.is_empty());
    }

    #[test]
    fn a_delivered_verdict_for_a_contribution_not_delivered_is_a_warning() {
        use ContributionStatus as S;
        let agenda = agenda();
        let plan = plan(&["G1"], true);
        let statuses = vec![
            (uuid::Uuid::from_u128(1), S::InProgress),
            (uuid::Uuid::from_u128(2), S::PartiallyDelivered),
            (uuid::Uuid::from_u128(3), S::Committed),
            (uuid::Uuid::from_u128(4), S::Delivered),
        ];
        let facts = AreaFacts {
            agenda_in_force: Some(&agenda),
            adopted_plan: Some(&plan),
            assessed_contributions: statuses,
            today: NaiveDate::from_ymd_opt(2028, 2, 1).unwrap(),
            ..Default::default()
        };
        let m = monitor_with_contributions(&[
            (1, "delivered"),
            (2, "partly_delivered"),
            (3, "not_delivered"),
            (4, "delivered"),
            (5, "partly_delivered"),
        ]);
        let r = check(&Content::Monitor(m), VersionStatus::Submitted, 2027, &facts);
        assert!(r.is_ready(), "a verdict unlike the status does not block");
        let warnings: Vec<_> = r.warnings.iter().map(|w| (w.rule, w.path.as_deref())).collect();
        assert_eq!(
            warnings,
            [("contribution_verdict_unlike_status", Some("content.contributionAssessments[0].verdict"))]
        );
        assert!(r.warnings[0].message.contains("in_progress"));
    }

    #[test]
    fn an_assessment_without_a_verdict_is_no_assessment() {
        let agenda = agenda();
        let plan = plan(&["G1"], true);
        let facts = AreaFacts { agenda_in_force: Some(&agenda), adopted_plan: Some(&plan), ..Default::default() };
        let filled =
            MonitorContent::default().with_assessments_to_fill(Some(&agenda), Some(&plan), &[uuid::Uuid::from_u128(1)]);
        let r = check(&Content::Monitor(filled), VersionStatus::Submitted, 2027, &facts);
        assert_eq!(
            rules(&r),
            [
                "monitor_measure_unassessed",
                "monitor_goal_unassessed",
                "monitor_goal_unassessed",
                "monitor_contribution_unassessed"
            ]
        );
        assert_eq!(r.blocking[3].path.as_deref(), Some("content.contributionAssessments[0].verdict"));
    }
}
