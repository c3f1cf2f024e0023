//! A version's content as people read it: every field of the four kinds (SPEC §4) in Dutch words, with the
//! names beside the ids (organisations, contributions) and, for an agenda, each result's chart. Built here,
//! rendered by `templates/content.html`, which a page includes with a `content` of type [`ContentView`]: the
//! signed-in document page and the public document page show a version the same way.

use std::collections::{BTreeMap, HashMap};

use domain::content::{
    AnalysisContent, Content, ContributionVerdict, Direction, Finding, GoalVerdict, MeasureKind, MeasureVerdict,
    MonitorContent, MunicipalityRole, PlanContent, SourceKind, Theme,
};
use persistence::contributions::ContributionLine;
use uuid::Uuid;

use super::chart::{self, Chart, ChartInput};
use super::dutch;
use crate::usecases::results::Measured;

/// What the content refers to by id or key, looked up by the page through the use cases.
#[derive(Default)]
pub struct ContentNames {
    pub organisations: HashMap<Uuid, String>,
    /// For an agenda, the contributions to it; for a monitor, those it may assess.
    pub contributions: Vec<ContributionLine>,
    /// What the area's adopted monitors measured, per result key.
    pub measured: BTreeMap<String, Vec<Measured>>,
    /// The titles of contributions a monitor assesses that are not in `contributions` (the public pages know
    /// a title, not the organisation or status).
    pub contribution_titles: HashMap<Uuid, String>,
    /// The titles of the goals a monitor assesses, by key, where the agenda is readable.
    pub goal_titles: HashMap<String, String>,
    /// The public pages show no contributions (they are not published, SPEC §12): an agenda's goals then
    /// say nothing about them rather than "none yet".
    pub without_contributions: bool,
}

pub struct ContentView {
    /// Starts every id in the rendered content, unique per version on a page.
    pub id_prefix: String,
    /// Whether an agenda's goals list their contributions (see [`ContentNames::without_contributions`]).
    pub with_contributions: bool,
    pub analysis: Option<AnalysisView>,
    pub agenda: Option<AgendaView>,
    pub plan: Option<PlanView>,
    pub monitor: Option<MonitorView>,
}

pub struct FindingView {
    pub title: String,
    pub description: String,
    pub theme: &'static str,
}

pub struct FindingSection {
    pub heading: &'static str,
    pub findings: Vec<FindingView>,
}

pub struct SourceView {
    pub kind: &'static str,
    pub title: String,
    pub reference: String,
}

pub struct IndicatorView {
    pub code: String,
    pub name: String,
    pub value: String,
    pub period: String,
    pub source: String,
}

pub struct AnalysisView {
    pub summary: String,
    pub sections: Vec<FindingSection>,
    pub sources: Vec<SourceView>,
    pub indicators: Vec<IndicatorView>,
}

pub struct ContributionView {
    pub organisation: String,
    pub title: String,
    pub status: &'static str,
}

pub struct ResultView {
    pub key: String,
    pub description: String,
    pub indicator: String,
    pub baseline: String,
    pub target: String,
    pub direction: &'static str,
    pub chart: Option<Chart>,
}

pub struct GoalView {
    pub key: String,
    pub title: String,
    pub description: String,
    pub theme: &'static str,
    pub priority: String,
    pub role: &'static str,
    pub results: Vec<ResultView>,
    pub contributions: Vec<ContributionView>,
}

pub struct AgendaView {
    pub vision: String,
    pub alignment: String,
    pub goals: Vec<GoalView>,
}

pub struct MeasureView {
    pub key: String,
    pub title: String,
    pub description: String,
    pub kind: &'static str,
    pub goals: String,
    pub owner: String,
    pub period: String,
    pub budget: String,
}

pub struct PlanView {
    pub measures: Vec<MeasureView>,
    pub lessons_applied: String,
}

pub struct GoalAssessmentView {
    pub goal_key: String,
    /// The goal's title when the agenda is known, else empty.
    pub title: String,
    pub verdict: &'static str,
    pub evidence: String,
    pub values: Vec<(String, String)>,
}

pub struct MeasureAssessmentView {
    pub measure_key: String,
    pub verdict: &'static str,
    pub note: String,
}

pub struct ContributionAssessmentView {
    pub contribution: String,
    pub verdict: &'static str,
}

pub struct MonitorView {
    pub goals: Vec<GoalAssessmentView>,
    pub measures: Vec<MeasureAssessmentView>,
    pub contributions: Vec<ContributionAssessmentView>,
    pub approach_changes: String,
    pub revision_recommended: bool,
}

/// The view of `content`; `id_prefix` keeps the ids of its charts unique on a page that shows two versions.
pub fn view(content: &Content, names: &ContentNames, id_prefix: &str) -> ContentView {
    let mut v = ContentView {
        id_prefix: id_prefix.to_owned(),
        with_contributions: !names.without_contributions,
        analysis: None,
        agenda: None,
        plan: None,
        monitor: None,
    };
    match content {
        Content::Analysis(a) => v.analysis = Some(analysis(a)),
        Content::Agenda(a) => {
            v.agenda = Some(AgendaView {
                vision: a.vision.clone(),
                alignment: a.alignment.clone(),
                goals: a
                    .goals
                    .iter()
                    .map(|g| GoalView {
                        key: g.key.clone(),
                        title: g.title.clone(),
                        description: g.description.clone(),
                        theme: theme(g.theme),
                        priority: g.priority.to_string(),
                        role: role(g.municipality_role),
                        results: g.results.iter().map(|r| result(r, names, id_prefix)).collect(),
                        contributions: names
                            .contributions
                            .iter()
                            .filter(|c| c.goal_key == g.key)
                            .map(|c| ContributionView {
                                organisation: c.organisation.clone(),
                                title: c.title.clone(),
                                status: dutch::contribution_status(c.status),
                            })
                            .collect(),
                    })
                    .collect(),
            })
        }
        Content::Plan(p) => v.plan = Some(plan(p, names)),
        Content::Monitor(m) => v.monitor = Some(monitor(m, names)),
    }
    v
}

fn result(r: &domain::content::GoalResult, names: &ContentNames, id_prefix: &str) -> ResultView {
    let unit = r.unit.as_deref();
    let number = |v: Option<f64>| match (v, unit) {
        (Some(v), Some(u)) => format!("{} {u}", dutch::decimal(v)),
        (Some(v), None) => dutch::decimal(v),
        (None, _) => "niet opgegeven".into(),
    };
    let measured: Vec<(String, f64)> = names
        .measured
        .get(&r.key)
        .map(|series| series.iter().map(|m| (m.year.to_string(), m.value)).collect())
        .unwrap_or_default();
    let id = format!("{id_prefix}grafiek-{}", r.key);
    let subject = r.indicator.as_deref().filter(|i| !i.trim().is_empty()).unwrap_or(&r.description);
    ResultView {
        key: r.key.clone(),
        description: r.description.clone(),
        indicator: r.indicator.clone().unwrap_or_default(),
        baseline: number(r.baseline),
        target: number(r.target),
        direction: match r.direction {
            Some(Direction::Increase) => "omhoog",
            Some(Direction::Decrease) => "omlaag",
            Some(Direction::Maintain) => "gelijk houden",
            None => "niet opgegeven",
        },
        chart: chart::chart(&ChartInput {
            id: &id,
            subject,
            unit,
            baseline: r.baseline,
            target: r.target,
            measured: &measured,
        }),
    }
}

fn analysis(a: &AnalysisContent) -> AnalysisView {
    let findings = |list: &[Finding]| {
        list.iter()
            .map(|f| FindingView {
                title: f.title.clone(),
                description: f.description.clone(),
                theme: f.theme.map_or("", theme),
            })
            .collect()
    };
    AnalysisView {
        summary: a.summary.clone(),
        sections: vec![
            FindingSection { heading: "Ontwikkelingen", findings: findings(&a.developments) },
            FindingSection { heading: "Kansen", findings: findings(&a.opportunities) },
            FindingSection { heading: "Bedreigingen", findings: findings(&a.threats) },
            FindingSection { heading: "Sterke punten", findings: findings(&a.strengths) },
        ],
        sources: a
            .sources
            .iter()
            .map(|s| SourceView {
                kind: source_kind(s.kind),
                title: s.title.clone(),
                reference: s.reference.clone().unwrap_or_default(),
            })
            .collect(),
        indicators: a
            .indicators
            .iter()
            .map(|i| IndicatorView {
                code: i.code.clone(),
                name: i.name.clone(),
                value: match (i.value, i.unit.as_deref()) {
                    (Some(v), Some(u)) => format!("{} {u}", dutch::decimal(v)),
                    (Some(v), None) => dutch::decimal(v),
                    (None, _) => "onbekend".into(),
                },
                period: i.period.clone().unwrap_or_default(),
                source: i.source.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

fn plan(p: &PlanContent, names: &ContentNames) -> PlanView {
    PlanView {
        lessons_applied: p.lessons_applied.clone(),
        measures: p
            .measures
            .iter()
            .map(|m| MeasureView {
                key: m.key.clone(),
                title: m.title.clone(),
                description: m.description.clone(),
                kind: match m.kind {
                    MeasureKind::Measure => "maatregel",
                    MeasureKind::Activity => "activiteit",
                    MeasureKind::Project => "project",
                },
                goals: if m.goal_keys.is_empty() { "geen".into() } else { m.goal_keys.join(", ") },
                owner: match m.owner_organisation_id {
                    Some(id) => names.organisations.get(&id).cloned().unwrap_or_else(|| "onbekende organisatie".into()),
                    None => "geen trekker".into(),
                },
                period: match (m.start, m.end) {
                    (Some(s), Some(e)) => format!("{} tot en met {}", dutch::date(s), dutch::date(e)),
                    (Some(s), None) => format!("vanaf {}", dutch::date(s)),
                    (None, Some(e)) => format!("tot en met {}", dutch::date(e)),
                    (None, None) => "niet opgegeven".into(),
                },
                budget: m.budget_euros.map_or_else(|| "niet opgegeven".into(), |b| format!("€ {}", dutch::decimal(b))),
            })
            .collect(),
    }
}

fn monitor(m: &MonitorContent, names: &ContentNames) -> MonitorView {
    MonitorView {
        goals: m
            .goal_assessments
            .iter()
            .map(|g| GoalAssessmentView {
                goal_key: g.goal_key.clone(),
                title: names.goal_titles.get(&g.goal_key).cloned().unwrap_or_default(),
                verdict: match g.verdict {
                    Some(GoalVerdict::Achieved) => "behaald",
                    Some(GoalVerdict::PartlyAchieved) => "deels behaald",
                    Some(GoalVerdict::NotAchieved) => "niet behaald",
                    Some(GoalVerdict::NotAssessable) => "niet te beoordelen",
                    None => "nog geen oordeel",
                },
                evidence: g.evidence.clone(),
                values: g
                    .result_values
                    .iter()
                    .map(|r| (r.result_key.clone(), r.value.map_or_else(|| "nog niet gemeten".into(), dutch::decimal)))
                    .collect(),
            })
            .collect(),
        measures: m
            .measure_assessments
            .iter()
            .map(|a| MeasureAssessmentView {
                measure_key: a.measure_key.clone(),
                verdict: match a.verdict {
                    Some(MeasureVerdict::Executed) => "uitgevoerd",
                    Some(MeasureVerdict::PartlyExecuted) => "deels uitgevoerd",
                    Some(MeasureVerdict::NotExecuted) => "niet uitgevoerd",
                    Some(MeasureVerdict::Cancelled) => "geschrapt",
                    None => "nog geen oordeel",
                },
                note: a.note.clone(),
            })
            .collect(),
        contributions: m
            .contribution_assessments
            .iter()
            .map(|a| ContributionAssessmentView {
                contribution: match names.contributions.iter().find(|c| c.id == a.contribution_id) {
                    Some(c) => format!("{} ({})", c.title, c.organisation),
                    None => match names.contribution_titles.get(&a.contribution_id) {
                        Some(title) => title.clone(),
                        None => format!("bijdrage {}", a.contribution_id),
                    },
                },
                verdict: match a.verdict {
                    Some(ContributionVerdict::Delivered) => "geleverd",
                    Some(ContributionVerdict::PartlyDelivered) => "deels geleverd",
                    Some(ContributionVerdict::NotDelivered) => "niet geleverd",
                    None => "nog geen oordeel",
                },
            })
            .collect(),
        approach_changes: m.approach_changes.clone(),
        revision_recommended: m.agenda_revision_recommended,
    }
}

pub fn theme(t: Theme) -> &'static str {
    match t {
        Theme::Physical => "fysiek",
        Theme::Social => "sociaal",
        Theme::Safety => "veiligheid",
        Theme::Economy => "economie",
        Theme::Sustainability => "duurzaamheid",
        Theme::Other => "overig",
    }
}

/// The rung of the overheidsparticipatieladder.
pub fn role(r: MunicipalityRole) -> &'static str {
    match r {
        MunicipalityRole::LetGo => "loslaten",
        MunicipalityRole::Facilitate => "faciliteren",
        MunicipalityRole::Stimulate => "stimuleren",
        MunicipalityRole::Direct => "regisseren",
        MunicipalityRole::Regulate => "reguleren",
    }
}

fn source_kind(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Bidbook => "bidbook",
        SourceKind::Figures => "cijfers",
        SourceKind::PartnerData => "gegevens van partners",
        SourceKind::ResidentStories => "verhalen van bewoners",
        SourceKind::Other => "overig",
    }
}
