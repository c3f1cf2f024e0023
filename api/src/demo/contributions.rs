//! Demo contributions: what the partners of the two full-cycle areas promised to the agenda in force and
//! to the next one, in every status, with check-ins, made through the same rules as the API. Some due
//! dates are relative to the day of loading, so that every deadline state shows on that day.

use chrono::NaiveDate;
use domain::Parsed;
use domain::clock::dutch_date;
use domain::contribution::check_in::{CheckIn, Confidence};
use domain::contribution::lifecycle::transition;
use domain::contribution::{ContributionAction as A, ContributionKind as K, ContributionStatus, Side, Terms};
use persistence::contributions::{self as store, Contribution};
use persistence::documents::Document;
use persistence::{Actor, Db};
use uuid::Uuid;

use super::cycles::{Agendas, AreaPartners};

struct Promise<'a> {
    organisation: Option<Uuid>,
    goal: &'static str,
    title: &'static str,
    kind: K,
    amount: Option<(f64, &'static str)>,
    due: &'static str,
    proposed_by: Side,
    /// The steps after the proposal, each with the side that takes it and a note.
    steps: &'a [(A, Side, Option<&'static str>)],
    /// Check-ins: date, percentage, confidence, note.
    check_ins: &'static [(&'static str, i32, Confidence, &'static str)],
}

fn date(s: &str) -> anyhow::Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s, "%Y-%m-%d")?)
}

/// A due date: a calendar date, or `+N` / `-N` days from the day the demo is loaded, so that the deadline
/// list shows every state (due soon, overdue, met before the due date) on whatever day the demo runs.
fn due(s: &str, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    match s.strip_prefix('+').or_else(|| s.starts_with('-').then_some(s)) {
        Some(days) => Ok(today + chrono::Duration::days(days.parse()?)),
        None => date(s),
    }
}

/// One contribution through its whole history, a transaction per step as people would make them.
async fn keep(db: &Db, agenda: &Document, p: &Promise<'_>) -> anyhow::Result<()> {
    let Some(organisation) = p.organisation else { return Ok(()) };
    let actor = |side: Side| Actor::system(if side == Side::Partner { "demo partner" } else { "demo opgaveregisseur" });
    let terms = Terms {
        goal_key: p.goal.into(),
        title: p.title.into(),
        description: String::new(),
        kind: p.kind,
        amount: p.amount.map(|a| a.0),
        unit: p.amount.map(|a| a.1.to_owned()),
        due_date: Some(due(p.due, dutch_date(db.clock().now()))?),
    };
    let terms = Parsed::parse(terms).map_err(|e| anyhow::anyhow!("demo contribution {}: {e}", p.title))?;
    let tx = db.begin(actor(p.proposed_by)).await?;
    let mut c: Contribution = store::create(&tx, agenda, organisation, terms, p.proposed_by).await?;
    tx.commit().await?;
    let mut reports = p.check_ins.iter();
    for (action, side, note) in p.steps {
        let to = transition(c.status, false, *action, c.proposed_by, *side, *note)?;
        let tx = db.begin(actor(*side)).await?;
        c = store::transition(&tx, &c, *action, to, note.map(str::to_owned), c.revision).await?;
        // Progress is reported while the work runs, before it is closed.
        if c.status == ContributionStatus::InProgress {
            for (day, percent, confidence, note) in reports.by_ref() {
                let report = CheckIn {
                    date: date(day)?,
                    progress_percent: *percent,
                    current_value: None,
                    confidence: *confidence,
                    note: (*note).into(),
                };
                let report = Parsed::parse_in(report, &dutch_date(tx.now()))
                    .map_err(|e| anyhow::anyhow!("demo check-in: {e}"))?;
                store::add_check_in(&tx, &c, report).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

pub async fn for_cycle(db: &Db, agendas: &Agendas, partners: &AreaPartners) -> anyhow::Result<()> {
    use Confidence::{AtRisk, OffTrack, OnTrack};
    use Side::{Municipality as Gemeente, Partner};
    const AGREED_BY_COORDINATOR: (A, Side, Option<&str>) = (A::Agree, Gemeente, None);
    const AGREED_BY_PARTNER: (A, Side, Option<&str>) = (A::Agree, Partner, None);
    const STARTED: (A, Side, Option<&str>) = (A::Start, Partner, None);
    let in_force = [
        Promise {
            organisation: partners.police,
            goal: "G1",
            title: "Wijkagent houdt elke week spreekuur in het dorpshuis",
            kind: K::Capacity,
            amount: Some((0.2, "fte")),
            due: "+20",
            proposed_by: Partner,
            steps: &[AGREED_BY_COORDINATOR, STARTED],
            check_ins: &[
                ("2025-06-30", 40, OnTrack, "Spreekuur loopt in drie kernen."),
                ("2026-06-30", 75, OnTrack, "Ook in de vierde kern gestart."),
            ],
        },
        Promise {
            organisation: partners.welfare,
            goal: "G2",
            title: "Wekelijkse ontmoetingsochtend in de dorpshuizen organiseren",
            kind: K::Activity,
            amount: Some((40.0, "ochtenden per jaar")),
            due: "2025-12-31",
            proposed_by: Gemeente,
            steps: &[AGREED_BY_PARTNER, STARTED, (A::Deliver, Partner, None)],
            check_ins: &[("2025-09-30", 90, OnTrack, "Gemiddeld twintig bezoekers per ochtend.")],
        },
        Promise {
            organisation: partners.housing,
            goal: "G3",
            title: "Bijdrage aan de verkenning levensloopbestendige woningen",
            kind: K::Funding,
            amount: Some((20000.0, "euro")),
            due: "+60",
            proposed_by: Gemeente,
            steps: &[
                AGREED_BY_PARTNER,
                STARTED,
                (A::PartiallyDeliver, Partner, Some("Verkenning klaar, locaties nog niet")),
            ],
            check_ins: &[("2026-03-31", 50, AtRisk, "Wacht op de woonvisie van de gemeente.")],
        },
        Promise {
            organisation: partners.welfare,
            goal: "G2",
            title: "Signaleren van eenzaamheid bij huisbezoeken aan 75-plussers",
            kind: K::Activity,
            amount: None,
            due: "2026-06-30",
            proposed_by: Partner,
            steps: &[AGREED_BY_COORDINATOR, STARTED, (A::NotDeliver, Partner, Some("Geen vrijwilligers gevonden"))],
            check_ins: &[("2026-02-28", 10, OffTrack, "Werving van vrijwilligers loopt niet.")],
        },
        Promise {
            organisation: partners.police,
            goal: "G1",
            title: "Inbraakcijfers per kern elk kwartaal delen",
            kind: K::Data,
            amount: None,
            due: "2026-12-31",
            proposed_by: Gemeente,
            steps: &[
                AGREED_BY_PARTNER,
                (A::Withdraw, Partner, Some("Cijfers per kern mogen om privacyredenen niet meer gedeeld worden")),
            ],
            check_ins: &[],
        },
        Promise {
            organisation: partners.residents,
            goal: "G2",
            title: "Buurtkamer twee middagen per week openhouden",
            kind: K::Facility,
            amount: Some((2.0, "middagen per week")),
            due: "-10",
            proposed_by: Partner,
            steps: &[AGREED_BY_COORDINATOR],
            check_ins: &[],
        },
    ];
    for p in &in_force {
        keep(db, &agendas.in_force, p).await?;
    }
    let next = [
        Promise {
            organisation: partners.police,
            goal: "G1",
            title: "Wijkagent ook betrokken bij de schoolroutes",
            kind: K::Capacity,
            amount: Some((0.1, "fte")),
            due: "+200",
            proposed_by: Gemeente,
            steps: &[],
            check_ins: &[],
        },
        Promise {
            organisation: partners.housing,
            goal: "G3",
            title: "Vijftien levensloopbestendige woningen opleveren",
            kind: K::Facility,
            amount: Some((15.0, "woningen")),
            due: "2029-12-31",
            proposed_by: Partner,
            steps: &[],
            check_ins: &[],
        },
        Promise {
            organisation: partners.welfare,
            goal: "G2",
            title: "Ontmoetingsochtenden voortzetten",
            kind: K::Activity,
            amount: Some((40.0, "ochtenden per jaar")),
            due: "2027-12-31",
            proposed_by: Gemeente,
            steps: &[AGREED_BY_PARTNER],
            check_ins: &[],
        },
    ];
    for p in &next {
        keep(db, &agendas.next, p).await?;
    }
    Ok(())
}
