//! The adoption rules (SPEC §3, `domain::rules`) in Dutch: one sentence per rule code, filled with what the
//! rule names (keys, years, counts), in one place for every page that shows readiness or a refused adoption.
//! The API keeps its English messages; a code this file does not know yet is shown with that message rather
//! than hidden.

use domain::lifecycle::VersionStatus;
use domain::rules::RuleProblem;

use super::dutch;

/// A broken rule or warning as a page shows it: the Dutch sentence, and where in the version it is.
pub struct RuleLine {
    pub code: &'static str,
    pub sentence: String,
    pub path: Option<String>,
}

pub fn line(p: &RuleProblem) -> RuleLine {
    RuleLine { code: p.rule, sentence: sentence(p), path: p.path.clone() }
}

fn status_nl(code: &str) -> String {
    match VersionStatus::parse(code) {
        Some(s) => dutch::version_status(Some(s)).to_owned(),
        None => code.to_owned(),
    }
}

fn contribution_status_nl(code: &str) -> String {
    match domain::contribution::ContributionStatus::parse(code) {
        Some(s) => dutch::contribution_status(s).to_owned(),
        None => code.to_owned(),
    }
}

fn verdict_nl(code: &str) -> &str {
    match code {
        "delivered" => "geleverd",
        "partly_delivered" => "deels geleverd",
        "not_delivered" => "niet geleverd",
        other => other,
    }
}

/// The Dutch sentence of a broken rule or warning.
pub fn sentence(p: &RuleProblem) -> String {
    let n = |i: usize| p.names.get(i).map(String::as_str).unwrap_or("?");
    match p.rule {
        "version_not_submitted" => match n(0) {
            "draft" => "Deze versie is nog een concept; dien haar eerst in.".into(),
            other => {
                format!("Deze versie is {}; alleen een ingediende versie kan worden vastgesteld.", status_nl(other))
            }
        },
        "analysis_without_summary" => "De gebiedsanalyse heeft geen samenvatting.".into(),
        "agenda_without_goals" => "De gebiedsagenda heeft geen doelen.".into(),
        "plan_without_measures" => "Het gebiedsplan heeft geen maatregelen.".into(),
        "agenda_needs_analysis" => format!(
            "Een gebiedsagenda die in {} begint, heeft een vastgestelde gebiedsanalyse van {} of {} nodig.",
            n(1),
            n(0),
            n(1)
        ),
        "agenda_contributions_proposed" => match n(0) {
            "1" => "Eén bijdrage aan deze agenda is nog voorgesteld; stem ermee in of trek haar in.".into(),
            count => format!("{count} bijdragen aan deze agenda zijn nog voorgesteld; stem ermee in of trek ze in."),
        },
        "agenda_goal_dropped_with_contributions" => {
            format!("Doel {} is uit de agenda gehaald, maar heeft nog bijdragen die niet zijn ingetrokken.", n(0))
        }
        "goal_without_contribution" => format!("Geen partner draagt bij aan doel {}.", n(0)),
        "plan_needs_agenda" => {
            format!("Een gebiedsplan voor {} heeft een geldende gebiedsagenda nodig die {} omvat.", n(0), n(0))
        }
        "plan_goal_unknown" => {
            format!("Maatregel {} verwijst naar doel {}, dat de geldende gebiedsagenda niet heeft.", n(0), n(1))
        }
        "measure_without_owner" => format!("Maatregel {} heeft geen trekker.", n(0)),
        "monitor_needs_plan" => {
            format!("Een gebiedsmonitor over {} heeft een vastgesteld gebiedsplan voor {} nodig.", n(0), n(0))
        }
        "monitor_needs_agenda" => format!(
            "Een gebiedsmonitor over {} beoordeelt de doelen van de geldende gebiedsagenda, en die is er niet.",
            n(0)
        ),
        "monitor_measure_unassessed" => {
            format!("Maatregel {} van het gebiedsplan is niet beoordeeld (geen oordeel).", n(0))
        }
        "monitor_goal_unassessed" => format!("Doel {} van de gebiedsagenda is niet beoordeeld (geen oordeel).", n(0)),
        "monitor_contribution_unassessed" => format!("Bijdrage {} staat in de monitor zonder oordeel.", n(0)),
        "monitor_year_not_ended" => format!("De monitor kijkt terug op {}, en dat jaar is nog niet voorbij.", n(0)),
        "contribution_verdict_unlike_status" => format!(
            "Bijdrage {} is beoordeeld als {}, maar haar status is {}.",
            n(0),
            verdict_nl(n(1)),
            contribution_status_nl(n(2))
        ),
        _ => format!("Regel {}: {}", p.rule, p.message),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use domain::content::Content;
    use domain::rules::{AreaFacts, check};
    use serde_json::json;

    use super::*;

    #[test]
    fn every_rule_a_refused_agenda_breaks_is_a_dutch_sentence_with_its_names() {
        let agenda = serde_json::from_value(json!({"goals": [
            {"key": "G1", "title": "Veilig", "theme": "safety", "priority": 1, "municipalityRole": "direct"}]}))
        .unwrap();
        let facts = AreaFacts {
            contributions: vec![
                ("G1".into(), domain::contribution::ContributionStatus::Proposed),
                ("G7".into(), domain::contribution::ContributionStatus::Committed),
            ],
            today: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            ..Default::default()
        };
        let r = check(&Content::Agenda(agenda), VersionStatus::Draft, 2027, &facts);
        let lines: Vec<String> = r.blocking.iter().map(sentence).collect();
        assert_eq!(
            lines,
            [
                "Deze versie is nog een concept; dien haar eerst in.",
                "Eén bijdrage aan deze agenda is nog voorgesteld; stem ermee in of trek haar in.",
                "Doel G7 is uit de agenda gehaald, maar heeft nog bijdragen die niet zijn ingetrokken.",
                "Een gebiedsagenda die in 2027 begint, heeft een vastgestelde gebiedsanalyse van 2026 of 2027 nodig.",
            ]
        );
    }

    #[test]
    fn every_known_rule_has_its_own_dutch_sentence() {
        let codes = [
            "version_not_submitted",
            "analysis_without_summary",
            "agenda_without_goals",
            "plan_without_measures",
            "agenda_needs_analysis",
            "agenda_contributions_proposed",
            "agenda_goal_dropped_with_contributions",
            "goal_without_contribution",
            "plan_needs_agenda",
            "plan_goal_unknown",
            "measure_without_owner",
            "monitor_needs_plan",
            "monitor_needs_agenda",
            "monitor_measure_unassessed",
            "monitor_goal_unassessed",
            "monitor_contribution_unassessed",
            "monitor_year_not_ended",
            "contribution_verdict_unlike_status",
        ];
        for code in codes {
            let p = RuleProblem { rule: code, message: "english".into(), path: None, names: vec!["X".into(); 3] };
            let s = sentence(&p);
            assert!(!s.contains("english") && !s.contains(code), "{code}: {s}");
        }
    }
}
