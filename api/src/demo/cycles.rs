//! Demo cycles: a complete gebiedscyclus for two West Betuwe areas (analysis, a four-year agenda with its
//! yearly adjustment, plans and monitors, measures owned by partners) and documents in every state in the
//! other areas, so the board and the lists show something real.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::ReadScope;
use domain::clock::{Clock, FixedClock};
use domain::content::DocumentKind;
use domain::lifecycle::{VersionAction, VersionStatus};
use persistence::areas::Area;
use persistence::documents::{self, Document, Version};
use persistence::{Actor, Db, Tx};
use serde_json::{Value, json};
use uuid::Uuid;

/// Writes one step in its own transaction, as a person would, at the moment the writer's clock says: past
/// years' history is dated in those years (a minute apart per step), so past deadlines are met or met late
/// as they would have been. No moment lies after the real now.
struct Writer<'a> {
    db: &'a Db,
    history: Arc<FixedClock>,
    dated: Db,
}

impl<'a> Writer<'a> {
    fn new(db: &'a Db) -> Writer<'a> {
        let history = Arc::new(FixedClock::new(db.clock().now()));
        let dated = db.with_clock(history.clone());
        Writer { db, history, dated }
    }

    /// Dates the next steps on this Dutch morning (09:00 UTC), or now when that is later.
    fn on(&self, year: i32, month: u32, day: u32) {
        let at = NaiveDate::from_ymd_opt(year, month, day).and_then(|d| d.and_hms_opt(9, 0, 0)).map(|t| t.and_utc());
        self.history.set(at.unwrap_or(DateTime::<Utc>::MAX_UTC).min(self.db.clock().now()));
    }

    /// Dates the next steps now.
    fn today(&self) {
        self.history.set(self.db.clock().now());
    }

    async fn begin(&self) -> anyhow::Result<Tx> {
        let at = self.history.now().min(self.db.clock().now());
        self.history.set(at);
        let tx = self.dated.begin(Actor::system("demo data")).await?;
        self.history.set(at + chrono::Duration::minutes(1));
        Ok(tx)
    }

    async fn create(&self, area: &Area, kind: DocumentKind, start: i32, end: i32) -> anyhow::Result<Document> {
        let tx = self.begin().await?;
        let empty = domain::Parsed::parse(domain::content::Content::empty(kind))
            .map_err(|e| anyhow::anyhow!("empty {} content: {e}", kind.as_str()))?;
        let (doc, _) = documents::create(&tx, area, kind, start, end, &empty).await?;
        tx.commit().await?;
        Ok(doc)
    }

    async fn current(&self, doc: &Document, n: i32) -> anyhow::Result<(Document, Version)> {
        let doc = documents::get(self.db.conn(), ReadScope::All, doc.id).await?;
        let v = documents::get_version(self.db.conn(), ReadScope::All, &doc, n).await?;
        Ok((doc, v))
    }

    async fn save(&self, doc: &Document, n: i32, content: Value, note: &str) -> anyhow::Result<()> {
        let parsed = crate::usecases::content::parse_content(doc.kind, content)
            .map_err(|e| anyhow::anyhow!("demo content: {e}"))?;
        let (doc, v) = self.current(doc, n).await?;
        let tx = self.begin().await?;
        documents::update_draft(&tx, &doc, &v, &parsed, Some(note.to_owned()), v.summary.revision).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn act(&self, doc: &Document, n: i32, action: VersionAction, note: Option<&str>) -> anyhow::Result<()> {
        let (doc, v) = self.current(doc, n).await?;
        let to = domain::lifecycle::transition(v.summary.status, action, note)?;
        let tx = self.begin().await?;
        documents::transition(&tx, &doc, &v, action, to, note.map(str::to_owned)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn adopt(&self, doc: &Document, n: i32) -> anyhow::Result<()> {
        self.act(doc, n, VersionAction::Submit, None).await?;
        self.act(doc, n, VersionAction::Adopt, None).await
    }

    async fn new_version(&self, doc: &Document) -> anyhow::Result<i32> {
        let doc = documents::get(self.db.conn(), ReadScope::All, doc.id).await?;
        let all = documents::summaries(self.db.conn(), ReadScope::All, &[&doc]).await?;
        let source = all.iter().find(|v| v.status == VersionStatus::Adopted).or(all.last()).context("no version")?;
        let source = documents::get_version(self.db.conn(), ReadScope::All, &doc, source.number).await?;
        let tx = self.begin().await?;
        let v = documents::create_version(&tx, &doc, &source, None).await?;
        tx.commit().await?;
        Ok(v.summary.number)
    }
}

fn analysis(area: &str, year: i32) -> Value {
    json!({
        "summary": format!("{area} in {year}: vergrijzing in de kleine kernen, weinig ontmoetingsplekken, zorgen over verkeersveiligheid rond de scholen en een actief verenigingsleven."),
        "developments": [
            {"title": "Vergrijzing", "description": "Het aandeel 75-plussers groeit sneller dan gemiddeld in de gemeente.", "theme": "social"},
            {"title": "Sluiting dorpswinkel", "description": "In twee kernen is de laatste winkel gesloten.", "theme": "economy"}
        ],
        "opportunities": [{"title": "Dorpshuizen", "description": "De dorpshuizen willen meer activiteiten voor ouderen.", "theme": "social"}],
        "threats": [{"title": "Sluipverkeer", "description": "Sluipverkeer door de kernen tijdens de spits.", "theme": "safety"}],
        "strengths": [{"title": "Vrijwilligers", "description": "Veel inwoners doen vrijwilligerswerk.", "theme": "social"}],
        "sources": [
            {"kind": "bidbook", "title": "Bidbook van de kernen", "reference": "bidbook 2018"},
            {"kind": "figures", "title": "Gemeentelijke monitor sociaal domein"},
            {"kind": "partner_data", "title": "Inbraakcijfers van de politie"},
            {"kind": "resident_stories", "title": "Gesprekken op de gebiedsavond"}
        ],
        "indicators": [
            {"code": "INBR", "name": "Woninginbraken", "value": 42, "unit": "per jaar", "period": format!("{}", year - 1), "source": "politie"},
            {"code": "EENZ", "name": "Inwoners die zich eenzaam voelen", "value": 38, "unit": "procent", "period": format!("{}", year - 1), "source": "gezondheidsmonitor"}
        ]
    })
}

fn agenda(adjusted: bool) -> Value {
    let first_goal_title = if adjusted { "Veilige en verkeersveilige kernen" } else { "Veilige kernen" };
    json!({
        "vision": "Vitale kernen waar inwoners elkaar ontmoeten, veilig wonen en meedoen; de gemeente doet dat samen met partners en inwoners.",
        "alignment": "Sluit aan op het bidbook van de kernen en het coalitieakkoord.",
        "goals": [
            {"key": "G1", "title": first_goal_title, "description": "Minder inbraken en veiliger verkeer rond de scholen.",
             "theme": "safety", "priority": 1, "municipalityRole": "direct",
             "results": [
                 {"key": "G1.R1", "description": "Minder woninginbraken", "indicator": "INBR", "unit": "per jaar", "baseline": 42, "target": 30, "direction": "decrease"},
                 {"key": "G1.R2", "description": "Schoolroutes veilig ingericht", "unit": "routes", "baseline": 0, "target": 3, "direction": "increase"}
             ]},
            {"key": "G2", "title": "Ontmoeting en minder eenzaamheid", "description": "Iedere kern heeft een plek en activiteiten om elkaar te ontmoeten.",
             "theme": "social", "priority": 2, "municipalityRole": "facilitate",
             "results": [{"key": "G2.R1", "description": "Minder inwoners die zich eenzaam voelen", "indicator": "EENZ", "unit": "procent", "baseline": 38, "target": 30, "direction": "decrease"}]},
            {"key": "G3", "title": "Betaalbaar wonen voor starters en ouderen", "description": "Passende woningen zodat jongeren en ouderen in hun kern kunnen blijven.",
             "theme": "physical", "priority": 3, "municipalityRole": "stimulate",
             "results": [{"key": "G3.R1", "description": "Levensloopbestendige woningen erbij", "unit": "woningen", "target": 25, "direction": "increase"}]}
        ]
    })
}

fn plan(year: i32, police: Option<Uuid>, housing: Option<Uuid>, welfare: Option<Uuid>) -> Value {
    json!({
        "measures": [
            {"key": "M1", "title": "Buurtpreventie-apps in alle kernen", "kind": "activity", "goalKeys": ["G1"],
             "ownerOrganisationId": police, "start": format!("{year}-02-01"), "end": format!("{year}-12-31"), "budgetEuros": 5000},
            {"key": "M2", "title": "Schoolroutes herinrichten", "kind": "project", "goalKeys": ["G1"],
             "start": format!("{year}-04-01"), "end": format!("{year}-10-31"), "budgetEuros": 120000},
            {"key": "M3", "title": "Wekelijkse ontmoetingsochtend in de dorpshuizen", "kind": "activity", "goalKeys": ["G2"],
             "ownerOrganisationId": welfare, "budgetEuros": 15000},
            {"key": "M4", "title": "Verkenning levensloopbestendige woningen", "kind": "measure", "goalKeys": ["G3"],
             "ownerOrganisationId": housing, "budgetEuros": 20000}
        ],
        "lessonsApplied": "De monitor liet zien dat activiteiten beter lopen als bewoners ze zelf organiseren; de gemeente faciliteert."
    })
}

fn monitor() -> Value {
    json!({
        "goalAssessments": [
            {"goalKey": "G1", "verdict": "partly_achieved", "evidence": "Inbraken daalden van 42 naar 35; één schoolroute is klaar.",
             "resultValues": [{"resultKey": "G1.R1", "value": 35}, {"resultKey": "G1.R2", "value": 1}]},
            {"goalKey": "G2", "verdict": "achieved", "evidence": "De ontmoetingsochtenden trekken elke week bezoekers.",
             "resultValues": [{"resultKey": "G2.R1", "value": 31}]},
            {"goalKey": "G3", "verdict": "not_assessable", "evidence": "De verkenning loopt nog."}
        ],
        "measureAssessments": [
            {"measureKey": "M1", "verdict": "executed"},
            {"measureKey": "M2", "verdict": "partly_executed", "note": "Twee routes schuiven door naar volgend jaar."},
            {"measureKey": "M3", "verdict": "executed"},
            {"measureKey": "M4", "verdict": "not_executed", "note": "Wacht op de woonvisie."}
        ],
        "approachChanges": "Partners eerder betrekken bij de planning; bewonersinitiatieven krijgen een vaste contactpersoon.",
        "agendaRevisionRecommended": true
    })
}

/// The organisations taking part in an area, by kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct AreaPartners {
    pub police: Option<Uuid>,
    pub housing: Option<Uuid>,
    pub welfare: Option<Uuid>,
    pub residents: Option<Uuid>,
}

/// The agendas of a full cycle: the one in force (2023–2026) and the next, submitted (2027–2030).
pub struct Agendas {
    pub in_force: Document,
    pub next: Document,
}

/// A full cycle: analysis 2022 and 2026, the agenda 2023–2026 with its yearly adjustment, plans and
/// monitors for 2025 and 2026 in several states, and the next agenda (2027–2030) submitted.
pub async fn full_cycle(db: &Db, area: &Area, partners: &AreaPartners) -> anyhow::Result<Agendas> {
    let w = Writer::new(db);
    // Dated so that the board shows the years as they went: the analysis 2022, the plan 2025, the monitor
    // 2025 and the analysis 2026 on time, the agenda 2023 and the plan 2026 late.
    w.on(2022, 1, 10);
    let a2022 = w.create(area, DocumentKind::Analysis, 2022, 2022).await?;
    w.save(&a2022, 1, analysis(&area.name, 2022), "Eerste gebiedsanalyse").await?;
    w.on(2022, 2, 24);
    w.adopt(&a2022, 1).await?;

    w.on(2022, 11, 1);
    let agenda = w.create(area, DocumentKind::Agenda, 2023, 2026).await?;
    w.save(&agenda, 1, self::agenda(false), "Gebiedsagenda 2023-2026").await?;
    w.on(2023, 5, 23);
    w.adopt(&agenda, 1).await?;
    w.on(2024, 1, 15);
    let n = w.new_version(&agenda).await?;
    w.save(&agenda, n, self::agenda(true), "Jaarlijkse bijstelling: verkeersveiligheid toegevoegd aan G1").await?;
    w.on(2024, 3, 12);
    w.adopt(&agenda, n).await?;

    for (year, adopted) in [(2025, (6, 24)), (2026, (7, 14))] {
        w.on(year, 1, 20);
        let plan = w.create(area, DocumentKind::Plan, year, year).await?;
        w.save(&plan, 1, self::plan(year, partners.police, partners.housing, partners.welfare), "Gebiedsplan").await?;
        w.on(year, adopted.0, adopted.1);
        w.adopt(&plan, 1).await?;
    }
    w.on(2025, 11, 3);
    let a2026 = w.create(area, DocumentKind::Analysis, 2026, 2026).await?;
    w.save(&a2026, 1, analysis(&area.name, 2026), "Gebiedsanalyse voor de nieuwe agenda").await?;
    w.on(2026, 1, 12);
    let m2025 = w.create(area, DocumentKind::Monitor, 2025, 2025).await?;
    w.save(&m2025, 1, monitor(), "Jaarlijkse evaluatie").await?;
    w.on(2026, 2, 17);
    w.adopt(&a2026, 1).await?;
    w.on(2026, 2, 26);
    w.adopt(&m2025, 1).await?;

    w.today();
    let m2026 = w.create(area, DocumentKind::Monitor, 2026, 2026).await?;
    w.save(&m2026, 1, monitor(), "Eerste opzet evaluatie 2026").await?;
    let next = w.create(area, DocumentKind::Agenda, 2027, 2030).await?;
    w.save(&next, 1, self::agenda(true), "Concept gebiedsagenda 2027-2030").await?;
    w.act(&next, 1, VersionAction::Submit, None).await?;
    Ok(Agendas { in_force: agenda, next })
}

/// Documents in the other states: a draft analysis, a returned and a withdrawn one.
pub async fn early_documents(db: &Db, area: &Area, variant: usize) -> anyhow::Result<()> {
    let w = Writer::new(db);
    let doc = w.create(area, DocumentKind::Analysis, 2026, 2026).await?;
    w.save(&doc, 1, analysis(&area.name, 2026), "Eerste concept").await?;
    match variant % 3 {
        0 => {}
        1 => {
            w.act(&doc, 1, VersionAction::Submit, None).await?;
            w.act(&doc, 1, VersionAction::Return, Some("Graag de verhalen van bewoners toevoegen")).await?;
        }
        _ => {
            w.act(&doc, 1, VersionAction::Submit, None).await?;
        }
    }
    if variant % 4 == 3 {
        let old = w.create(area, DocumentKind::Plan, 2026, 2026).await?;
        w.act(&old, 1, VersionAction::Withdraw, Some("Opgenomen in het plan van het buurgebied")).await?;
    }
    Ok(())
}
