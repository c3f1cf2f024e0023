//! The public pages (openbaar, SPEC §12, Wet open overheid): without signing in, anyone reads the
//! municipalities, their areas, and per area the adopted agendas, plans and monitors (analyses where the
//! municipality publishes them), each with a print layout for a council meeting. They show what
//! `usecases::public` returns, which reads through a scope that reaches no draft, submitted version,
//! check-in or token. Someone who is signed in sees the same pages, with the usual `no-store`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::clock::dutch_date;
use domain::content::{
    AnalysisContent, Content, ContributionVerdict, Direction, DocumentKind, Finding, GoalVerdict, MeasureKind,
    MeasureVerdict, MunicipalityRole, SourceKind, Theme,
};
use uuid::Uuid;

use super::session::{self, SignedIn};
use super::{Layout, PageError, dutch, html};
use crate::startup::AppState;
use crate::usecases;
use crate::usecases::public::PublishedDocument;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/openbaar").route(web::get().to(municipalities)))
        .service(web::resource("/openbaar/gemeenten/{id}").route(web::get().to(municipality)))
        .service(web::resource("/openbaar/gebieden/{id}").route(web::get().to(area)))
        .service(web::resource("/openbaar/documenten/{id}").route(web::get().to(document)));
}

/// The layout for whoever asks: signed in or not, and whether the answer must not be stored (a session
/// cookie was sent, as on every other page).
fn layout(req: &HttpRequest, title: String, person: &Option<SignedIn>) -> (Layout, bool) {
    (Layout::new(title, person.as_ref()), req.cookie(session::COOKIE).is_some())
}

fn id_of(raw: &str) -> Result<Uuid, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

struct Link {
    name: String,
    href: String,
}

#[derive(Template)]
#[template(path = "public_municipalities.html")]
struct MunicipalitiesPage {
    layout: Layout,
    municipalities: Vec<Link>,
}

async fn municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::municipalities(state.db.conn()).await?;
    let (layout, no_store) = layout(&req, "Openbare gebiedsdocumenten".into(), &person);
    let municipalities =
        found.into_iter().map(|m| Link { href: format!("/openbaar/gemeenten/{}", m.id), name: m.name }).collect();
    Ok(html(StatusCode::OK, &MunicipalitiesPage { layout, municipalities }, no_store))
}

#[derive(Template)]
#[template(path = "public_municipality.html")]
struct MunicipalityPage {
    layout: Layout,
    municipality: String,
    areas: Vec<Link>,
    kinds: Vec<&'static str>,
}

async fn municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::municipality(state.db.conn(), id_of(&id)?).await?;
    let (layout, no_store) = layout(&req, format!("Gebieden van {}", found.municipality.name), &person);
    let page = MunicipalityPage {
        layout,
        kinds: found.municipality.calendar.public_kinds.iter().map(|&k| dutch::kind(k)).collect(),
        municipality: found.municipality.name,
        areas: found
            .areas
            .into_iter()
            .map(|a| Link { href: format!("/openbaar/gebieden/{}", a.id), name: a.name })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

struct DocumentRow {
    kind: &'static str,
    period: String,
    adopted: String,
    version: i32,
    href: String,
}

#[derive(Template)]
#[template(path = "public_area.html")]
struct AreaPage {
    layout: Layout,
    area: String,
    municipality: String,
    municipality_href: String,
    documents: Vec<DocumentRow>,
}

fn period(kind: DocumentKind, start: i32, end: i32) -> String {
    match kind {
        DocumentKind::Agenda if start != end => format!("{start}–{end}"),
        _ => start.to_string(),
    }
}

fn adopted_on(v: &persistence::documents::Version) -> String {
    v.summary.adopted_at.map(|at| dutch::date(dutch_date(at))).unwrap_or_default()
}

async fn area(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::area(state.db.conn(), id_of(&id)?).await?;
    let (layout, no_store) = layout(&req, format!("{} – openbare documenten", found.area.name), &person);
    let page = AreaPage {
        layout,
        municipality_href: format!("/openbaar/gemeenten/{}", found.municipality.id),
        municipality: found.municipality.name,
        area: found.area.name,
        documents: found
            .documents
            .iter()
            .map(|(d, v)| DocumentRow {
                kind: dutch::kind(d.kind),
                period: period(d.kind, d.period_start, d.period_end),
                adopted: adopted_on(v),
                version: v.summary.number,
                href: format!("/openbaar/documenten/{}", d.id),
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

/// One label and its value, in a description list.
struct Fact {
    label: &'static str,
    value: String,
}

/// A small table inside an item (the results of a goal, the measured values of a monitor).
struct Table {
    caption: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// A goal, measure, finding or assessment: kept on one printed page where it fits.
struct Item {
    title: String,
    facts: Vec<Fact>,
    text: Vec<String>,
    table: Option<Table>,
}

struct Section {
    heading: &'static str,
    text: Vec<String>,
    items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "public_document.html")]
struct DocumentPage {
    layout: Layout,
    heading: String,
    kind: &'static str,
    area: String,
    area_href: String,
    municipality: String,
    period: String,
    adopted: String,
    version: i32,
    sections: Vec<Section>,
}

async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    person: Option<SignedIn>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let found = usecases::public::document(state.db.conn(), id_of(&id)?).await?;
    let d = &found.document;
    let kind = dutch::kind(d.kind);
    let period = period(d.kind, d.period_start, d.period_end);
    let heading = format!("{} {} {}", capitalised(kind), found.area.name, period);
    let (layout, no_store) = layout(&req, heading.clone(), &person);
    let page = DocumentPage {
        layout,
        heading,
        kind,
        area_href: format!("/openbaar/gebieden/{}", found.area.id),
        area: found.area.name.clone(),
        municipality: found.municipality.name.clone(),
        period,
        adopted: adopted_on(&found.version),
        version: found.version.summary.number,
        sections: sections(&found),
    };
    Ok(html(StatusCode::OK, &page, no_store))
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A text as paragraphs: one per line that is not empty.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// "1.234,5": a number as Dutch texts write it, without trailing zeros.
fn decimal(n: f64) -> String {
    let whole = dutch::number(n.trunc() as i64);
    let fraction = format!("{:.2}", n.fract().abs());
    let fraction = fraction.trim_start_matches('0').trim_start_matches('.').trim_end_matches('0');
    let sign = if n < 0.0 && n.trunc() == 0.0 { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole},{fraction}") }
}

fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact { label, value: value.into() }
}

fn sections(found: &PublishedDocument) -> Vec<Section> {
    match &found.content {
        Content::Analysis(a) => analysis(a),
        Content::Agenda(a) => {
            let goals = a
                .goals
                .iter()
                .map(|g| Item {
                    title: format!("{} {}", g.key, g.title),
                    facts: vec![
                        fact("Thema", theme(g.theme)),
                        fact("Prioriteit", g.priority.to_string()),
                        fact("Rol van de gemeente", role(g.municipality_role)),
                    ],
                    text: paragraphs(&g.description),
                    table: (!g.results.is_empty()).then(|| Table {
                        caption: format!("Beoogde resultaten van {}", g.key),
                        headers: vec!["Resultaat", "Indicator", "Nulmeting", "Streefwaarde", "Richting"],
                        rows: g
                            .results
                            .iter()
                            .map(|r| {
                                let with_unit = |v: Option<f64>| {
                                    v.map(|v| match &r.unit {
                                        Some(u) => format!("{} {u}", decimal(v)),
                                        None => decimal(v),
                                    })
                                    .unwrap_or_else(|| "–".into())
                                };
                                vec![
                                    format!("{} {}", r.key, r.description),
                                    r.indicator.clone().unwrap_or_else(|| "–".into()),
                                    with_unit(r.baseline),
                                    with_unit(r.target),
                                    r.direction.map(direction).unwrap_or("–").to_owned(),
                                ]
                            })
                            .collect(),
                    }),
                })
                .collect();
            vec![
                Section { heading: "Visie", text: paragraphs(&a.vision), items: vec![] },
                Section { heading: "Samenhang met ander beleid", text: paragraphs(&a.alignment), items: vec![] },
                Section { heading: "Doelen", text: vec![], items: goals },
            ]
        }
        Content::Plan(p) => {
            let measures = p
                .measures
                .iter()
                .map(|m| {
                    let mut facts = vec![fact("Soort", measure_kind(m.kind)), fact("Doelen", m.goal_keys.join(", "))];
                    if let Some(owner) = m.owner_organisation_id.and_then(|o| found.names.get(&o)) {
                        facts.push(fact("Trekker", owner.clone()));
                    }
                    match (m.start, m.end) {
                        (Some(s), Some(e)) => {
                            facts.push(fact("Looptijd", format!("{} tot en met {}", dutch::date(s), dutch::date(e))))
                        }
                        (Some(s), None) => facts.push(fact("Start", dutch::date(s))),
                        (None, Some(e)) => facts.push(fact("Einde", dutch::date(e))),
                        (None, None) => {}
                    }
                    if let Some(b) = m.budget_euros {
                        facts.push(fact("Budget", format!("€ {}", decimal(b))));
                    }
                    Item {
                        title: format!("{} {}", m.key, m.title),
                        facts,
                        text: paragraphs(&m.description),
                        table: None,
                    }
                })
                .collect();
            vec![
                Section { heading: "Maatregelen", text: vec![], items: measures },
                Section { heading: "Geleerde lessen", text: paragraphs(&p.lessons_applied), items: vec![] },
            ]
        }
        Content::Monitor(m) => {
            let goal_title = |key: &str| match found.goal_titles.get(key) {
                Some(t) => format!("{key} {t}"),
                None => key.to_owned(),
            };
            let goals = m
                .goal_assessments
                .iter()
                .map(|g| Item {
                    title: goal_title(&g.goal_key),
                    facts: vec![fact("Oordeel", g.verdict.map(goal_verdict).unwrap_or("niet beoordeeld"))],
                    text: paragraphs(&g.evidence),
                    table: (!g.result_values.is_empty()).then(|| Table {
                        caption: format!("Gemeten waarden bij {}", g.goal_key),
                        headers: vec!["Resultaat", "Gemeten"],
                        rows: g
                            .result_values
                            .iter()
                            .map(|r| vec![r.result_key.clone(), r.value.map(decimal).unwrap_or_else(|| "–".into())])
                            .collect(),
                    }),
                })
                .collect();
            let measures = m
                .measure_assessments
                .iter()
                .map(|a| Item {
                    title: a.measure_key.clone(),
                    facts: vec![fact("Oordeel", a.verdict.map(measure_verdict).unwrap_or("niet beoordeeld"))],
                    text: paragraphs(&a.note),
                    table: None,
                })
                .collect();
            let contributions = m
                .contribution_assessments
                .iter()
                .map(|c| Item {
                    title: found.names.get(&c.contribution_id).cloned().unwrap_or_else(|| "Bijdrage".into()),
                    facts: vec![fact("Oordeel", c.verdict.map(contribution_verdict).unwrap_or("niet beoordeeld"))],
                    text: vec![],
                    table: None,
                })
                .collect();
            vec![
                Section { heading: "Doelen", text: vec![], items: goals },
                Section { heading: "Maatregelen", text: vec![], items: measures },
                Section { heading: "Bijdragen van partners", text: vec![], items: contributions },
                Section {
                    heading: "Bijsturing",
                    text: {
                        let mut t = paragraphs(&m.approach_changes);
                        if m.agenda_revision_recommended {
                            t.push("De monitor raadt aan de gebiedsagenda te herzien.".into());
                        }
                        t
                    },
                    items: vec![],
                },
            ]
        }
    }
}

fn analysis(a: &AnalysisContent) -> Vec<Section> {
    let findings = |list: &[Finding]| -> Vec<Item> {
        list.iter()
            .map(|f| Item {
                title: f.title.clone(),
                facts: f.theme.map(|t| vec![fact("Thema", theme(t))]).unwrap_or_default(),
                text: paragraphs(&f.description),
                table: None,
            })
            .collect()
    };
    let sources = a
        .sources
        .iter()
        .map(|s| Item {
            title: s.title.clone(),
            facts: [Some(fact("Soort", source_kind(s.kind))), s.reference.clone().map(|r| fact("Vindplaats", r))]
                .into_iter()
                .flatten()
                .collect(),
            text: vec![],
            table: None,
        })
        .collect();
    let indicators = (!a.indicators.is_empty()).then(|| Table {
        caption: "Kerncijfers".into(),
        headers: vec!["Indicator", "Waarde", "Periode", "Bron"],
        rows: a
            .indicators
            .iter()
            .map(|i| {
                let value = i.value.map(decimal).unwrap_or_else(|| "–".into());
                vec![
                    i.name.clone(),
                    i.unit.as_ref().map(|u| format!("{value} {u}")).unwrap_or(value),
                    i.period.clone().unwrap_or_else(|| "–".into()),
                    i.source.clone().unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
    });
    vec![
        Section { heading: "Samenvatting", text: paragraphs(&a.summary), items: vec![] },
        Section { heading: "Ontwikkelingen", text: vec![], items: findings(&a.developments) },
        Section { heading: "Sterke punten", text: vec![], items: findings(&a.strengths) },
        Section { heading: "Kansen", text: vec![], items: findings(&a.opportunities) },
        Section { heading: "Bedreigingen", text: vec![], items: findings(&a.threats) },
        Section {
            heading: "Kerncijfers",
            text: vec![],
            items: indicators
                .map(|t| vec![Item { title: "Kerncijfers".into(), facts: vec![], text: vec![], table: Some(t) }])
                .unwrap_or_default(),
        },
        Section { heading: "Bronnen", text: vec![], items: sources },
    ]
}

fn theme(t: Theme) -> &'static str {
    match t {
        Theme::Physical => "fysiek",
        Theme::Social => "sociaal",
        Theme::Safety => "veiligheid",
        Theme::Economy => "economie",
        Theme::Sustainability => "duurzaamheid",
        Theme::Other => "overig",
    }
}

fn role(r: MunicipalityRole) -> &'static str {
    match r {
        MunicipalityRole::LetGo => "loslaten",
        MunicipalityRole::Facilitate => "faciliteren",
        MunicipalityRole::Stimulate => "stimuleren",
        MunicipalityRole::Direct => "regisseren",
        MunicipalityRole::Regulate => "reguleren",
    }
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Increase => "omhoog",
        Direction::Decrease => "omlaag",
        Direction::Maintain => "gelijk houden",
    }
}

fn measure_kind(k: MeasureKind) -> &'static str {
    match k {
        MeasureKind::Measure => "maatregel",
        MeasureKind::Activity => "activiteit",
        MeasureKind::Project => "project",
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

fn goal_verdict(v: GoalVerdict) -> &'static str {
    match v {
        GoalVerdict::Achieved => "bereikt",
        GoalVerdict::PartlyAchieved => "deels bereikt",
        GoalVerdict::NotAchieved => "niet bereikt",
        GoalVerdict::NotAssessable => "niet te beoordelen",
    }
}

fn measure_verdict(v: MeasureVerdict) -> &'static str {
    match v {
        MeasureVerdict::Executed => "uitgevoerd",
        MeasureVerdict::PartlyExecuted => "deels uitgevoerd",
        MeasureVerdict::NotExecuted => "niet uitgevoerd",
        MeasureVerdict::Cancelled => "geschrapt",
    }
}

fn contribution_verdict(v: ContributionVerdict) -> &'static str {
    match v {
        ContributionVerdict::Delivered => "geleverd",
        ContributionVerdict::PartlyDelivered => "deels geleverd",
        ContributionVerdict::NotDelivered => "niet geleverd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_dutch_way_without_trailing_zeros() {
        assert_eq!(decimal(1234.0), "1.234");
        assert_eq!(decimal(12.5), "12,5");
        assert_eq!(decimal(0.25), "0,25");
        assert_eq!(decimal(-0.5), "-0,5");
        assert_eq!(decimal(-3.75), "-3,75");
    }

    #[test]
    fn an_agenda_shows_its_period_and_other_kinds_their_year() {
        assert_eq!(period(DocumentKind::Agenda, 2027, 2030), "2027–2030");
        assert_eq!(period(DocumentKind::Plan, 2027, 2027), "2027");
    }

    #[test]
    fn texts_become_paragraphs_per_line() {
        assert_eq!(paragraphs("Eerste.\n\n  Tweede. \n"), ["Eerste.", "Tweede."]);
    }
}
