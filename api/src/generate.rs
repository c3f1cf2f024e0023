//! The data set generator (`gebiedscyclus generate`): fills a database in bulk with a realistic, deterministic
//! data set for benchmarks: municipalities with areas, partners, ten years of cycles in which every stage has
//! versions in every state, agendas of about eight goals with four contributions each, and check-ins.
//!
//! The same seed gives the same data set: every choice and every id comes from one seeded generator.
//! Rows are written per municipality in one transaction, in bulk, without an audit trail (see
//! `persistence::bulk`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use domain::calendar::Calendar;
use domain::content::DocumentKind;
use domain::contribution::ContributionStatus;
use domain::lifecycle::VersionStatus;
use persistence::Db;
use persistence::bulk::{
    AreaRow, Batch, CheckInRow, ContributionRow, DocumentRow, MunicipalityRow, OrganisationRow, VersionRow,
};
use serde_json::{Value, json};
use std::io::Write;
use uuid::Uuid;

/// How big a data set to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub municipalities: u32,
    pub areas_per_municipality: u32,
    /// Cycle years, ending with `last_year`.
    pub years: i32,
    pub last_year: i32,
    pub goals_per_agenda: u32,
    pub contributions_per_goal: u32,
    pub seed: u64,
}

impl Scale {
    /// The national scale of the benchmark: every municipality, ten areas each, ten years.
    pub fn large(last_year: i32) -> Scale {
        Scale {
            municipalities: 350,
            areas_per_municipality: 10,
            years: 10,
            last_year,
            goals_per_agenda: 8,
            contributions_per_goal: 4,
            seed: 1,
        }
    }

    /// A small data set for CI and quick checks.
    pub fn small(last_year: i32) -> Scale {
        Scale { municipalities: 5, ..Scale::large(last_year) }
    }
}

/// SplitMix64: small, fast and good enough to make varied but repeatable choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn id(&mut self) -> Uuid {
        let bytes = (u128::from(self.next()) << 64 | u128::from(self.next())).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// What a generated data set holds, for the command's report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub municipalities: usize,
    pub areas: usize,
    pub documents: usize,
    pub versions: usize,
    pub contributions: usize,
    pub check_ins: usize,
}

const KINDS: [&str; 5] = ["police", "housing_corporation", "welfare", "care", "residents_group"];
const THEMES: [&str; 4] = ["safety", "social", "physical", "economy"];

/// Municipalities written at the same time on PostgreSQL: the database's work on one batch overlaps with
/// the next batch being built and sent. SQLite has one writer, so it writes one at a time.
const WRITERS_POSTGRES: usize = 4;

/// Generates the data set into `db`, one transaction per municipality, reporting progress to stderr.
pub async fn run(db: &Db, scale: Scale) -> anyhow::Result<Generated> {
    let stderr = std::io::stderr();
    let terminal = std::io::IsTerminal::is_terminal(&stderr);
    run_with_progress(db, scale, Progress::new(Box::new(stderr), terminal, scale.municipalities as usize)).await
}

/// As [`run`], with progress reported to `progress`.
pub async fn run_with_progress(db: &Db, scale: Scale, mut progress: Progress) -> anyhow::Result<Generated> {
    use futures_util::StreamExt;
    let writers = match db.backend() {
        persistence::Backend::Postgres => WRITERS_POSTGRES,
        persistence::Backend::Sqlite => 1,
    };
    let mut total = Generated::default();
    // The batches are made one after the other from the one generator (so the same seed gives the same
    // data), and written up to `writers` at a time, each in its own transaction.
    let mut writes = futures_util::stream::iter(batches(scale))
        .map(|batch| {
            total.municipalities += batch.municipalities.len();
            total.areas += batch.areas.len();
            total.documents += batch.documents.len();
            total.versions += batch.documents.iter().map(|d| d.versions.len()).sum::<usize>();
            total.contributions += batch.contributions.len();
            total.check_ins += batch.contributions.iter().map(|c| c.check_ins.len()).sum::<usize>();
            persistence::bulk::write(db, batch)
        })
        .buffer_unordered(writers);
    while let Some(written) = writes.next().await {
        progress.advance(written?);
    }
    drop(writes);
    progress.finish();
    persistence::bulk::refresh_statistics(db).await?;
    Ok(total)
}

/// The data set's batches, one per municipality, in the order they are written: the same for the same scale.
pub fn batches(scale: Scale) -> impl Iterator<Item = Batch> {
    let mut rng = Rng(scale.seed);
    (0..scale.municipalities).map(move |m| municipality(&mut rng, &scale, m))
}

/// Progress of the generator: on a terminal one line redrawn in place (a bar, the percentage, rows written
/// and the time so far); elsewhere (a log, CI) a plain line at every tenth of the way.
pub struct Progress {
    out: Box<dyn std::io::Write + Send>,
    terminal: bool,
    total: usize,
    done: usize,
    rows: usize,
    /// The last tenth reported as a plain line.
    reported: usize,
    started: std::time::Instant,
}

impl Progress {
    /// `total` is the number of steps (municipalities) the run makes.
    pub fn new(out: Box<dyn std::io::Write + Send>, terminal: bool, total: usize) -> Progress {
        Progress { out, terminal, total, done: 0, rows: 0, reported: 0, started: std::time::Instant::now() }
    }

    /// One more step done, which wrote `rows` rows.
    pub fn advance(&mut self, rows: usize) {
        self.done += 1;
        self.rows += rows;
        let percent = 100 * self.done / self.total.max(1);
        let elapsed = self.started.elapsed().as_secs_f64();
        // A failed write to stderr must not stop the generator.
        let _ = if self.terminal {
            const WIDTH: usize = 30;
            let filled = WIDTH * self.done / self.total.max(1);
            write!(
                self.out,
                "\r[{}{}] {percent:>3} %  {} rows  {elapsed:.1} s",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                self.rows
            )
            .and_then(|_| self.out.flush())
        } else if percent / 10 > self.reported || self.done == self.total {
            self.reported = percent / 10;
            writeln!(
                self.out,
                "generated {percent} % ({} of {}), {} rows, {elapsed:.1} s",
                self.done, self.total, self.rows
            )
        } else {
            Ok(())
        };
    }

    /// Ends the redrawn line on a terminal.
    pub fn finish(&mut self) {
        if self.terminal && self.done > 0 {
            let _ = writeln!(self.out);
        }
    }
}

fn noon(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(11, 0, 0).expect("noon exists"))
}

fn municipality(rng: &mut Rng, scale: &Scale, index: u32) -> Batch {
    let mut batch = Batch::default();
    let calendar = Calendar::default();
    let municipality_id = rng.id();
    batch.municipalities.push(MunicipalityRow {
        id: municipality_id,
        name: format!("Gemeente {:03}", index + 1),
        cbs_code: Some(format!("GM{:04}", 9000 + index)),
        calendar: serde_json::to_value(&calendar).expect("a calendar serialises"),
    });
    // Partners working across the municipality: a police unit, a housing corporation, a welfare and a care
    // organisation, and a residents' group per area.
    let shared: Vec<Uuid> = KINDS[..4]
        .iter()
        .map(|kind| {
            let id = rng.id();
            batch.organisations.push(OrganisationRow {
                id,
                name: format!("{} {:03}", dutch_kind(kind), index + 1),
                kind,
            });
            id
        })
        .collect();
    for a in 0..scale.areas_per_municipality {
        let area_id = rng.id();
        batch.areas.push(AreaRow {
            id: area_id,
            municipality_id,
            name: format!("Gebied {} van gemeente {:03}", a + 1, index + 1),
            code: format!("G{:03}-{:02}", index + 1, a + 1),
            localities: json!([{"name": format!("Kern {}A", a + 1)}, {"name": format!("Kern {}B", a + 1)}]),
        });
        let residents = rng.id();
        batch.organisations.push(OrganisationRow {
            id: residents,
            name: format!("Dorpsraad {} van gemeente {:03}", a + 1, index + 1),
            kind: KINDS[4],
        });
        let mut partners = shared.clone();
        partners.push(residents);
        for p in &partners {
            batch.partners.push((area_id, *p));
        }
        area_cycles(rng, scale, &calendar, municipality_id, area_id, &partners, &mut batch);
    }
    batch
}

fn dutch_kind(kind: &str) -> &'static str {
    match kind {
        "police" => "Politie basisteam",
        "housing_corporation" => "Woningcorporatie",
        "welfare" => "Welzijnsorganisatie",
        _ => "Zorgorganisatie",
    }
}

/// The versions of a document whose due date is `due`, as seen at the end of generation: past years end
/// adopted (sometimes after a superseded or withdrawn version, sometimes with a new draft open), the last
/// year is still in every state.
fn versions(rng: &mut Rng, content: &Value, due: NaiveDate, last: bool) -> Vec<VersionRow> {
    let created = noon(due - Duration::days(60 + rng.below(60) as i64));
    // Mostly on time, one in five late.
    let adopted = noon(if rng.chance(80) {
        due - Duration::days(rng.below(20) as i64)
    } else {
        due + Duration::days(1 + rng.below(40) as i64)
    });
    let version = |status, adopted_at: Option<DateTime<Utc>>, superseded_at| VersionRow {
        status,
        content: content.clone(),
        created_at: created,
        adopted_at,
        superseded_at,
    };
    if last {
        return match rng.below(4) {
            0 => vec![version(VersionStatus::Draft, None, None)],
            1 => vec![version(VersionStatus::Submitted, None, None)],
            2 => vec![version(VersionStatus::Withdrawn, None, None), version(VersionStatus::Draft, None, None)],
            _ => vec![version(VersionStatus::Adopted, Some(adopted), None)],
        };
    }
    let later = adopted + Duration::days(90 + rng.below(90) as i64);
    match rng.below(5) {
        0 => vec![
            version(VersionStatus::Superseded, Some(adopted), Some(later)),
            version(VersionStatus::Adopted, Some(later), None),
        ],
        1 => vec![version(VersionStatus::Withdrawn, None, None), version(VersionStatus::Adopted, Some(adopted), None)],
        2 => vec![version(VersionStatus::Adopted, Some(adopted), None), version(VersionStatus::Draft, None, None)],
        _ => vec![version(VersionStatus::Adopted, Some(adopted), None)],
    }
}

fn area_cycles(
    rng: &mut Rng,
    scale: &Scale,
    calendar: &Calendar,
    municipality_id: Uuid,
    area_id: Uuid,
    partners: &[Uuid],
    batch: &mut Batch,
) {
    let first = scale.last_year - scale.years + 1;
    let goals = scale.goals_per_agenda.max(1);
    let mut document = |rng: &mut Rng, kind, start, end, content: Value, last: bool| {
        let due =
            calendar.due_date(kind, start).unwrap_or_else(|| NaiveDate::from_ymd_opt(start, 5, 1).expect("a date"));
        let id = rng.id();
        let versions = versions(rng, &content, due, last);
        batch.documents.push(DocumentRow {
            id,
            area_id,
            municipality_id,
            kind,
            period_start: start,
            period_end: end,
            versions,
        });
        id
    };
    // Agendas: the periods of the calendar that overlap the years, the one after the last year submitted.
    let mut agendas = Vec::new();
    let mut start = calendar.agenda_period_start(first);
    while start <= scale.last_year + 1 {
        let (s, e) = calendar.agenda_period(start);
        let next = s > scale.last_year;
        let id = document(rng, DocumentKind::Agenda, s, e, agenda(goals), next);
        agendas.push((id, s, e, next));
        start = e + 1;
    }
    for year in first..=scale.last_year {
        let last = year == scale.last_year;
        document(rng, DocumentKind::Analysis, year, year, analysis(year), last);
        document(rng, DocumentKind::Plan, year, year, plan(goals, year), last);
        let assessed = monitor(rng, goals);
        document(rng, DocumentKind::Monitor, year, year, assessed, last);
    }
    for (agenda_id, start, end, next) in agendas {
        for g in 1..=goals {
            for c in 0..scale.contributions_per_goal {
                let organisation = partners[(g + c) as usize % partners.len()];
                batch.contributions.push(contribution(
                    rng,
                    municipality_id,
                    area_id,
                    agenda_id,
                    g,
                    organisation,
                    (start, end),
                    next,
                    scale.last_year,
                ));
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn contribution(
    rng: &mut Rng,
    municipality_id: Uuid,
    area_id: Uuid,
    agenda_document_id: Uuid,
    goal: u32,
    organisation_id: Uuid,
    (start, end): (i32, i32),
    next: bool,
    last_year: i32,
) -> ContributionRow {
    let due = NaiveDate::from_ymd_opt(start + rng.below((end - start + 1) as u64) as i32, 12, 31).expect("a date");
    let finished = due.year() < last_year;
    let status = if next {
        [ContributionStatus::Proposed, ContributionStatus::Committed][rng.below(2) as usize]
    } else if finished {
        match rng.below(10) {
            0..=5 => ContributionStatus::Delivered,
            6 | 7 => ContributionStatus::PartiallyDelivered,
            8 => ContributionStatus::NotDelivered,
            _ => ContributionStatus::Withdrawn,
        }
    } else {
        [ContributionStatus::Committed, ContributionStatus::InProgress, ContributionStatus::Proposed]
            [rng.below(3) as usize]
    };
    let created = noon(NaiveDate::from_ymd_opt(start, 2, 1).expect("a date"));
    let committed_at = (status != ContributionStatus::Proposed).then(|| created + Duration::days(14));
    let updated = if status.is_closed() {
        noon(due - Duration::days(rng.below(30) as i64))
    } else {
        created + Duration::days(30)
    };
    let reports = if matches!(status, ContributionStatus::Proposed | ContributionStatus::Committed) {
        0
    } else {
        1 + rng.below(3)
    };
    let check_ins = (0..reports)
        .map(|i| CheckInRow {
            date: NaiveDate::from_ymd_opt(start, 3 + 3 * i as u32, 28).expect("a date"),
            progress_percent: 25 * (i as i32 + 1),
            confidence: ["on_track", "at_risk", "off_track"][rng.below(3) as usize],
            note: "Voortgang volgens planning besproken in het gebiedsoverleg.".to_owned(),
        })
        .collect();
    let (kind, amount, unit) = match rng.below(4) {
        0 => ("capacity", Some(0.2), Some("fte".to_owned())),
        1 => ("funding", Some(10_000.0), Some("euro".to_owned())),
        2 => ("activity", Some(40.0), Some("bijeenkomsten".to_owned())),
        _ => ("data", None, None),
    };
    ContributionRow {
        id: rng.id(),
        municipality_id,
        area_id,
        agenda_document_id,
        goal_key: format!("G{goal}"),
        organisation_id,
        title: format!("Bijdrage aan doel G{goal}"),
        kind,
        amount,
        unit,
        due_date: Some(due),
        status,
        proposed_by: if rng.chance(50) { "partner" } else { "municipality" },
        committed_at,
        withdrawn_after_commitment: status == ContributionStatus::Withdrawn,
        created_at: created,
        updated_at: updated,
        check_ins,
    }
}

fn analysis(year: i32) -> Value {
    json!({
        "summary": format!("Het gebied in {year}: vergrijzing, minder voorzieningen in de kleine kernen en een actief verenigingsleven."),
        "developments": [{"title": "Vergrijzing", "description": "Het aandeel 75-plussers groeit.", "theme": "social"}],
        "strengths": [{"title": "Vrijwilligers", "description": "Veel inwoners doen vrijwilligerswerk.", "theme": "social"}],
        "indicators": [{"code": "INBR", "name": "Woninginbraken", "value": 40, "unit": "per jaar", "period": format!("{}", year - 1)}]
    })
}

fn agenda(goals: u32) -> Value {
    let goals: Vec<Value> = (1..=goals)
        .map(|g| {
            json!({"key": format!("G{g}"), "title": format!("Doel {g} van de gebiedsagenda"),
                   "description": "Wat het gebied over vier jaar bereikt wil hebben.",
                   "theme": THEMES[g as usize % THEMES.len()], "priority": 1 + (g - 1) % 5, "municipalityRole": "facilitate",
                   "results": [{"key": format!("G{g}.R1"), "description": "Meetbaar resultaat", "unit": "procent",
                                "baseline": 40, "target": 30, "direction": "decrease"}]})
        })
        .collect();
    json!({"vision": "Vitale kernen waar inwoners elkaar ontmoeten, veilig wonen en meedoen.", "goals": goals})
}

fn plan(goals: u32, year: i32) -> Value {
    let measures: Vec<Value> = (1..=goals)
        .map(|g| {
            json!({"key": format!("M{g}"), "title": format!("Maatregel voor doel {g}"), "kind": "activity",
                   "goalKeys": [format!("G{g}")], "start": format!("{year}-02-01"), "end": format!("{year}-12-31"),
                   "budgetEuros": 5000 * g})
        })
        .collect();
    json!({"measures": measures})
}

fn monitor(rng: &mut Rng, goals: u32) -> Value {
    const VERDICTS: [&str; 4] = ["achieved", "partly_achieved", "not_achieved", "not_assessable"];
    let assessments: Vec<Value> = (1..=goals)
        .map(|g| {
            json!({"goalKey": format!("G{g}"), "verdict": VERDICTS[rng.below(4) as usize],
                        "evidence": "Volgens de cijfers van de gemeentelijke monitor."})
        })
        .collect();
    json!({"goalAssessments": assessments, "agendaRevisionRecommended": false})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_content_is_valid_content_of_its_kind() {
        let mut rng = Rng(7);
        for (kind, content) in [
            (DocumentKind::Analysis, analysis(2026)),
            (DocumentKind::Agenda, agenda(8)),
            (DocumentKind::Plan, plan(8, 2026)),
            (DocumentKind::Monitor, monitor(&mut rng, 8)),
        ] {
            crate::usecases::content::parse_content(kind, content).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
    }

    #[test]
    fn the_same_seed_makes_the_same_data_set() {
        let scale = Scale { municipalities: 1, areas_per_municipality: 2, ..Scale::small(2026) };
        let ids = |seed| {
            let mut rng = Rng(seed);
            let batch = municipality(&mut rng, &Scale { seed, ..scale }, 0);
            batch.contributions.iter().map(|c| (c.id, c.status)).collect::<Vec<_>>()
        };
        assert_eq!(ids(3), ids(3));
        assert_ne!(ids(3), ids(4));
    }

    #[test]
    fn every_document_keeps_at_most_one_open_and_one_adopted_version() {
        let mut rng = Rng(11);
        let batch = municipality(&mut rng, &Scale::small(2026), 0);
        assert!(batch.documents.len() > 30);
        for d in &batch.documents {
            let open = d.versions.iter().filter(|v| v.status.is_open()).count();
            let adopted = d.versions.iter().filter(|v| v.status == VersionStatus::Adopted).count();
            assert!(open <= 1 && adopted <= 1, "{:?} {}", d.kind, d.period_start);
        }
        let agendas: Vec<(i32, i32)> = batch
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Agenda && d.area_id == batch.areas[0].id)
            .map(|d| (d.period_start, d.period_end))
            .collect();
        assert!(agendas.windows(2).all(|w| w[0].1 < w[1].0), "agenda periods do not overlap: {agendas:?}");
    }

    /// A writer whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn progress_off_a_terminal_is_a_plain_line_at_every_tenth() {
        let out = Shared::default();
        let mut progress = Progress::new(Box::new(out.clone()), false, 350);
        for _ in 0..350 {
            progress.advance(100);
        }
        progress.finish();
        let text = String::from_utf8(out.0.lock().expect("not poisoned").clone()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 10, "{text}");
        assert!(!text.contains('\r'), "no redrawing off a terminal: {text:?}");
        assert!(lines[0].starts_with("generated 10 % (35 of 350), 3500 rows"), "{text}");
        assert!(lines[9].starts_with("generated 100 % (350 of 350), 35000 rows"), "{text}");
    }

    #[test]
    fn progress_on_a_terminal_redraws_one_line_with_a_bar() {
        let out = Shared::default();
        let mut progress = Progress::new(Box::new(out.clone()), true, 4);
        for _ in 0..4 {
            progress.advance(10);
        }
        progress.finish();
        let text = String::from_utf8(out.0.lock().expect("not poisoned").clone()).expect("utf-8");
        assert_eq!(text.matches('\r').count(), 4, "{text:?}");
        assert_eq!(text.matches('\n').count(), 1, "{text:?}");
        assert!(text.contains("[###############---------------]  50 %  20 rows"), "{text:?}");
        assert!(text.contains("[##############################] 100 %  40 rows"), "{text:?}");
    }
}
