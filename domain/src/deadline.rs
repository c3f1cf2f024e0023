//! Deadlines (SPEC §5): when each stage of an area's cycle year is due, and where a deadline stands.
//!
//! Everything here is a function of the municipality's calendar, the moment a version was first adopted
//! (or a contribution reached its outcome) and today's date, so the rules are tested without a clock or a
//! database. Due dates are Dutch calendar dates: what counts is the day in Europe/Amsterdam on which a
//! version was adopted, not the UTC day.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::ReadScope;
use crate::calendar::{Calendar, MonthDay};
use crate::clock::dutch_date;
use crate::content::DocumentKind;
use crate::deadline_override::DeadlineOverride;
use crate::event::EventType;

/// What a deadline (termijn) is for: one of the four stages of a cycle year (analyse, gebiedsagenda,
/// uitvoeringsplan, monitor) or a partner's contribution (bijdrage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Analysis,
    Agenda,
    Plan,
    Monitor,
    Contribution,
}

crate::names::named!(
    "stage",
    Stage {
        Analysis => "analysis",
        Agenda => "agenda",
        Plan => "plan",
        Monitor => "monitor",
        Contribution => "contribution",
    }
);

impl Stage {
    pub const DOCUMENTS: [Stage; 4] = [Stage::Analysis, Stage::Agenda, Stage::Plan, Stage::Monitor];

    /// The document kind of a stage; contributions are not documents.
    pub fn document_kind(self) -> Option<DocumentKind> {
        match self {
            Stage::Analysis => Some(DocumentKind::Analysis),
            Stage::Agenda => Some(DocumentKind::Agenda),
            Stage::Plan => Some(DocumentKind::Plan),
            Stage::Monitor => Some(DocumentKind::Monitor),
            Stage::Contribution => None,
        }
    }
}

impl From<DocumentKind> for Stage {
    fn from(kind: DocumentKind) -> Self {
        match kind {
            DocumentKind::Analysis => Stage::Analysis,
            DocumentKind::Agenda => Stage::Agenda,
            DocumentKind::Plan => Stage::Plan,
            DocumentKind::Monitor => Stage::Monitor,
        }
    }
}

/// Where a deadline stands: gehaald (met), te laat gehaald (met_late), open, bijna verlopen (due_soon),
/// verlopen (overdue) or niet van toepassing (not_applicable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Adopted (or delivered) on or before the due date.
    Met,
    /// Adopted (or delivered) after the due date.
    MetLate,
    /// Not yet met, and more than `dueSoonDays` away.
    Open,
    /// Not yet met, and due within `dueSoonDays` (the due date itself included).
    DueSoon,
    /// Not met, and the due date has passed.
    Overdue,
    /// There is nothing due: an agenda in a year that does not start a period, a withdrawn contribution.
    NotApplicable,
}

crate::names::named!(
    "deadline state",
    DeadlineState {
        Met => "met",
        MetLate => "met_late",
        Open => "open",
        DueSoon => "due_soon",
        Overdue => "overdue",
        NotApplicable => "not_applicable",
    }
);

impl DeadlineState {
    /// The domain event the deadline sweeper announces this state with, if it announces it.
    pub fn event_type(self) -> Option<EventType> {
        match self {
            DeadlineState::DueSoon => Some(EventType::DeadlineDueSoon),
            DeadlineState::Overdue => Some(EventType::DeadlineOverdue),
            DeadlineState::Met | DeadlineState::MetLate | DeadlineState::Open | DeadlineState::NotApplicable => None,
        }
    }

    pub fn is_announced(self) -> bool {
        self.event_type().is_some()
    }
}

fn on(year: i32, day: MonthDay) -> NaiveDate {
    // A MonthDay is never 02-29 and always a real day of its month, so this date exists in every year.
    NaiveDate::from_ymd_opt(year, day.month(), day.day()).expect("a MonthDay exists in every year")
}

impl Calendar {
    /// The first year of the agenda period that contains `year`: periods start at the anchor year and
    /// follow each other every `agendaPeriodYears`, also backwards from the anchor.
    pub fn agenda_period_start(&self, year: i32) -> i32 {
        let n = self.agenda_period_years.max(1);
        self.agenda_period_anchor_year + (year - self.agenda_period_anchor_year).div_euclid(n) * n
    }

    /// The agenda period (first and last year) that contains `year`.
    pub fn agenda_period(&self, year: i32) -> (i32, i32) {
        let start = self.agenda_period_start(year);
        (start, start + self.agenda_period_years.max(1) - 1)
    }

    /// When the document of `kind` for cycle year `year` is due; `None` for an agenda in a year that does
    /// not start a period.
    pub fn due_date(&self, kind: DocumentKind, year: i32) -> Option<NaiveDate> {
        match kind {
            DocumentKind::Analysis => Some(on(year, self.analysis_due)),
            DocumentKind::Agenda => (self.agenda_period_start(year) == year).then(|| on(year, self.agenda_due)),
            DocumentKind::Plan => Some(on(year, self.plan_due)),
            DocumentKind::Monitor => Some(on(year + self.monitor_due_year_offset, self.monitor_due)),
        }
    }
}

/// The state of a deadline due on `due`, met at `met_at` (the first adoption, or a contribution's outcome),
/// seen on `today` (a Dutch calendar day).
pub fn state(
    due: Option<NaiveDate>,
    met_at: Option<DateTime<Utc>>,
    today: NaiveDate,
    due_soon_days: i32,
) -> DeadlineState {
    let Some(due) = due else { return DeadlineState::NotApplicable };
    match met_at {
        Some(at) if dutch_date(at) <= due => DeadlineState::Met,
        Some(_) => DeadlineState::MetLate,
        None if today > due => DeadlineState::Overdue,
        None if (due - today).num_days() <= i64::from(due_soon_days) => DeadlineState::DueSoon,
        None => DeadlineState::Open,
    }
}

/// The cycle years a deadline overview shows when no year is asked for: last year, this year and next
/// year, so that what was just missed, what is due and what comes next are all in view.
pub fn default_years(today: NaiveDate) -> (i32, i32) {
    (today.year() - 1, today.year() + 1)
}

/// The stages a reader may see deadlines of. Partners do not see analyses (SPEC §7), so neither do they
/// see whether one was due or late.
pub fn visible_stages(scope: ReadScope) -> &'static [Stage] {
    match scope {
        ReadScope::PartnerOrganisation(_) => &[Stage::Agenda, Stage::Plan, Stage::Monitor, Stage::Contribution],
        _ => &Stage::ALL,
    }
}

/// Whether an area whose division is valid from `from` until `until` exists in `year` at all; a year
/// outside its validity has no deadlines for it.
pub fn area_exists_in(year: i32, from: Option<NaiveDate>, until: Option<NaiveDate>) -> bool {
    from.is_none_or(|f| f.year() <= year) && until.is_none_or(|u| u.year() >= year)
}

/// One deadline, as the API shows it (SPEC §11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub stage: Stage,
    /// The cycle year; for a contribution, the year of its due date.
    pub year: i32,
    /// `None` when not applicable (an agenda outside the first year of its period).
    pub due_date: Option<NaiveDate>,
    pub state: DeadlineState,
    pub document_id: Option<Uuid>,
    pub contribution_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub met_at: Option<DateTime<Utc>>,
    /// Whether the due date is the area's own rather than the calendar's.
    pub overridden: bool,
}

impl Deadline {
    /// The order of deadline lists: by due date (not applicable last), then stage, area and contribution.
    pub fn sort_key(&self) -> (NaiveDate, Stage, Uuid, i32, Uuid) {
        (
            self.due_date.unwrap_or(NaiveDate::MAX),
            self.stage,
            self.area_id,
            self.year,
            self.contribution_id.unwrap_or(Uuid::nil()),
        )
    }

    /// What the deadline is about, the same every time it is computed: the sweeper announces each state of
    /// a subject once.
    pub fn subject(&self) -> String {
        match self.contribution_id {
            Some(c) => format!("contribution:{c}"),
            None => format!("area:{}:{}:{}", self.area_id, self.stage.as_str(), self.year),
        }
    }
}

/// A stage document of an area as far as deadlines care: which years it covers and when it was first adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageDocument {
    pub id: Uuid,
    pub area_id: Uuid,
    pub kind: DocumentKind,
    pub period_start: i32,
    pub period_end: i32,
    pub first_adopted_at: Option<DateTime<Utc>>,
}

/// The deadlines of the four stages of `year` for one area. The document that meets a stage deadline is the
/// area's document of that kind covering the year (for the agenda: the one covering the first year of the
/// period); its first adoption is when the deadline was met, later versions do not move it. A stage the area
/// has its own due date for (`overrides`) is due then instead of on the calendar's day.
pub fn stage_deadlines(
    calendar: &Calendar,
    municipality_id: Uuid,
    area_id: Uuid,
    year: i32,
    documents: &[StageDocument],
    overrides: &[DeadlineOverride],
    today: NaiveDate,
) -> Vec<Deadline> {
    Stage::DOCUMENTS
        .into_iter()
        .filter_map(|stage| stage.document_kind().map(|kind| (stage, kind)))
        .map(|(stage, kind)| {
            let by_calendar = calendar.due_date(kind, year);
            let due_date = crate::deadline_override::due_date(by_calendar, overrides, area_id, stage, year);
            let document = documents
                .iter()
                .find(|d| d.area_id == area_id && d.kind == kind && d.period_start <= year && d.period_end >= year);
            let met_at = document.and_then(|d| d.first_adopted_at);
            Deadline {
                municipality_id,
                area_id,
                stage,
                year,
                due_date,
                state: state(due_date, met_at, today, calendar.due_soon_days),
                document_id: document.map(|d| d.id),
                contribution_id: None,
                organisation_id: None,
                met_at: if due_date.is_some() { met_at } else { None },
                overridden: due_date != by_calendar,
            }
        })
        .collect()
}

/// A contribution as far as deadlines care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionDue {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub organisation_id: Uuid,
    pub due_date: NaiveDate,
    /// When it reached an outcome (delivered, partially or not delivered): the partner reported on time or not.
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn: bool,
}

/// The deadline of a contribution with a due date. A withdrawn contribution owes nothing any more; one that
/// reached an outcome met its deadline on the day it was reported.
pub fn contribution_deadline(c: &ContributionDue, today: NaiveDate, due_soon_days: i32) -> Deadline {
    let state = if c.withdrawn {
        DeadlineState::NotApplicable
    } else {
        state(Some(c.due_date), c.closed_at, today, due_soon_days)
    };
    Deadline {
        municipality_id: c.municipality_id,
        area_id: c.area_id,
        stage: Stage::Contribution,
        year: c.due_date.year(),
        due_date: Some(c.due_date),
        state,
        document_id: None,
        contribution_id: Some(c.id),
        organisation_id: Some(c.organisation_id),
        met_at: if c.withdrawn { None } else { c.closed_at },
        overridden: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarInput;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn each_stage_is_due_on_its_calendar_day_and_the_monitor_a_year_later() {
        let c = Calendar::default();
        assert_eq!(c.due_date(DocumentKind::Analysis, 2026), Some(day(2026, 3, 1)));
        assert_eq!(c.due_date(DocumentKind::Plan, 2026), Some(day(2026, 7, 1)));
        assert_eq!(c.due_date(DocumentKind::Monitor, 2026), Some(day(2027, 3, 1)));
        assert_eq!(c.due_date(DocumentKind::Agenda, 2027), Some(day(2027, 5, 1)));
    }

    #[test]
    fn an_agenda_is_due_only_in_the_first_year_of_its_period() {
        let c = Calendar::default();
        let due: Vec<i32> =
            (2018..=2032).filter(|&y| c.due_date(DocumentKind::Agenda, y).is_some()).collect::<Vec<_>>();
        assert_eq!(due, [2019, 2023, 2027, 2031]);
    }

    #[test]
    fn agenda_periods_run_from_the_anchor_year_forwards_and_backwards() {
        let c = Calendar::default();
        assert_eq!(c.agenda_period(2027), (2027, 2030));
        assert_eq!(c.agenda_period(2030), (2027, 2030));
        assert_eq!(c.agenda_period(2031), (2031, 2034));
        assert_eq!(c.agenda_period(2026), (2023, 2026));
        assert_eq!(c.agenda_period(2019), (2019, 2022));
        let three = Calendar { agenda_period_years: 3, agenda_period_anchor_year: 2025, ..Calendar::default() };
        assert_eq!(three.agenda_period(2024), (2022, 2024));
        assert_eq!(three.agenda_period(2028), (2028, 2030));
    }

    #[test]
    fn an_unmet_deadline_is_open_then_due_soon_then_overdue() {
        let due = Some(day(2027, 3, 1));
        let at = |d| state(due, None, d, 30);
        assert_eq!(at(day(2027, 1, 29)), DeadlineState::Open);
        assert_eq!(at(day(2027, 1, 30)), DeadlineState::DueSoon);
        assert_eq!(at(day(2027, 3, 1)), DeadlineState::DueSoon);
        assert_eq!(at(day(2027, 3, 2)), DeadlineState::Overdue);
    }

    #[test]
    fn a_deadline_adopted_by_the_due_date_is_met_and_after_it_met_late() {
        let due = Some(day(2027, 3, 1));
        let today = day(2027, 6, 1);
        assert_eq!(state(due, Some(utc("2027-02-10T10:00:00Z")), today, 30), DeadlineState::Met);
        assert_eq!(state(due, Some(utc("2027-03-02T10:00:00Z")), today, 30), DeadlineState::MetLate);
        // Met stays met, whatever today is.
        assert_eq!(state(due, Some(utc("2027-02-10T10:00:00Z")), day(2020, 1, 1), 30), DeadlineState::Met);
    }

    #[test]
    fn an_adoption_at_half_past_eleven_dutch_time_on_the_due_date_is_on_time_in_winter() {
        // 23:30 in Amsterdam on 1 March is 22:30 UTC (CET, UTC+1); 00:30 on 2 March is 23:30 UTC on 1 March.
        let due = Some(day(2027, 3, 1));
        let today = day(2027, 4, 1);
        assert_eq!(state(due, Some(utc("2027-03-01T22:30:00Z")), today, 30), DeadlineState::Met);
        assert_eq!(state(due, Some(utc("2027-03-01T23:30:00Z")), today, 30), DeadlineState::MetLate);
    }

    #[test]
    fn an_adoption_at_half_past_eleven_dutch_time_on_the_due_date_is_on_time_in_summer() {
        // 1 July is summer time (CEST, UTC+2): 23:30 local is 21:30 UTC, 22:30 UTC is already 2 July.
        let due = Some(day(2027, 7, 1));
        let today = day(2027, 8, 1);
        assert_eq!(state(due, Some(utc("2027-07-01T21:30:00Z")), today, 30), DeadlineState::Met);
        assert_eq!(state(due, Some(utc("2027-07-01T22:30:00Z")), today, 30), DeadlineState::MetLate);
    }

    #[test]
    fn the_daylight_saving_change_does_not_move_the_day_boundary_off_local_midnight() {
        // Summer time starts on 28 March 2027 at 02:00 local. A due date on 28 March ends at 22:00 UTC,
        // a due date the day before at 23:00 UTC.
        let cal = Calendar { analysis_due: MonthDay::new(3, 28).unwrap(), ..Calendar::default() };
        let due = cal.due_date(DocumentKind::Analysis, 2027);
        let today = day(2027, 5, 1);
        assert_eq!(state(due, Some(utc("2027-03-28T21:59:00Z")), today, 30), DeadlineState::Met);
        assert_eq!(state(due, Some(utc("2027-03-28T22:00:00Z")), today, 30), DeadlineState::MetLate);
        let before = Some(day(2027, 3, 27));
        assert_eq!(state(before, Some(utc("2027-03-27T22:59:00Z")), today, 30), DeadlineState::Met);
        assert_eq!(state(before, Some(utc("2027-03-27T23:00:00Z")), today, 30), DeadlineState::MetLate);
    }

    #[test]
    fn nothing_is_due_when_there_is_no_due_date() {
        assert_eq!(state(None, None, day(2027, 1, 1), 30), DeadlineState::NotApplicable);
        assert_eq!(state(None, Some(utc("2027-01-01T00:00:00Z")), day(2027, 1, 1), 30), DeadlineState::NotApplicable);
    }

    #[test]
    fn due_dates_exist_in_leap_years_and_february_29_cannot_be_configured() {
        let feb28 = Calendar { plan_due: MonthDay::new(2, 28).unwrap(), ..Calendar::default() };
        assert_eq!(feb28.due_date(DocumentKind::Plan, 2028), Some(day(2028, 2, 28)));
        let input = CalendarInput { plan_due: Some("02-29".into()), ..Default::default() };
        let errors = Calendar::apply(&Calendar::default(), &input).unwrap_err();
        assert_eq!(errors.iter().next().unwrap().name, "planDue");
        // The due-soon window counts the leap day: 30 days before 1 March 2028 is 31 January.
        assert_eq!(state(Some(day(2028, 3, 1)), None, day(2028, 1, 31), 30), DeadlineState::DueSoon);
        assert_eq!(state(Some(day(2028, 3, 1)), None, day(2028, 1, 30), 30), DeadlineState::Open);
    }

    #[test]
    fn a_calendar_edit_moves_the_deadlines_it_governs() {
        let before = Calendar::default();
        let input = CalendarInput {
            plan_due: Some("09-15".into()),
            monitor_due_year_offset: Some(0),
            monitor_due: Some("12-31".into()),
            agenda_period_anchor_year: Some(2026),
            due_soon_days: Some(7),
            ..Default::default()
        };
        let after = Calendar::apply(&before, &input).unwrap();
        assert_eq!(after.due_date(DocumentKind::Plan, 2026), Some(day(2026, 9, 15)));
        assert_eq!(after.due_date(DocumentKind::Monitor, 2026), Some(day(2026, 12, 31)));
        assert_eq!(after.due_date(DocumentKind::Agenda, 2026), Some(day(2026, 5, 1)));
        assert_eq!(after.due_date(DocumentKind::Agenda, 2027), None);
        assert_eq!(after.due_date(DocumentKind::Analysis, 2026), before.due_date(DocumentKind::Analysis, 2026));
        let today = day(2026, 9, 1);
        assert_eq!(
            state(after.due_date(DocumentKind::Plan, 2026), None, today, after.due_soon_days),
            DeadlineState::Open
        );
        assert_eq!(
            state(before.due_date(DocumentKind::Plan, 2026), None, today, before.due_soon_days),
            DeadlineState::Overdue
        );
    }

    fn document(kind: DocumentKind, start: i32, end: i32, adopted: Option<&str>) -> StageDocument {
        StageDocument {
            id: Uuid::from_u128(start as u128 * 10 + kind as u128),
            area_id: Uuid::from_u128(1),
            kind,
            period_start: start,
            period_end: end,
            first_adopted_at: adopted.map(utc),
        }
    }

    #[test]
    fn the_four_stages_of_a_year_take_their_state_from_the_covering_documents() {
        let docs = [
            document(DocumentKind::Analysis, 2027, 2027, Some("2027-02-01T09:00:00Z")),
            document(DocumentKind::Agenda, 2027, 2030, Some("2027-05-20T09:00:00Z")),
            document(DocumentKind::Plan, 2026, 2026, Some("2026-06-01T09:00:00Z")),
        ];
        let area = Uuid::from_u128(1);
        let today = day(2027, 6, 10);
        let got = stage_deadlines(&Calendar::default(), Uuid::nil(), area, 2027, &docs, &[], today);
        let states: Vec<_> = got.iter().map(|d| (d.stage, d.state)).collect();
        assert_eq!(
            states,
            [
                (Stage::Analysis, DeadlineState::Met),
                (Stage::Agenda, DeadlineState::MetLate),
                (Stage::Plan, DeadlineState::DueSoon),
                (Stage::Monitor, DeadlineState::Open),
            ]
        );
        assert_eq!(got[0].document_id, Some(docs[0].id));
        assert_eq!(got[2].document_id, None, "the 2026 plan does not meet the 2027 deadline");
        // In 2028 the same agenda is in force but there is no agenda deadline.
        let next = stage_deadlines(&Calendar::default(), Uuid::nil(), area, 2028, &docs, &[], today);
        assert_eq!(next[1].state, DeadlineState::NotApplicable);
        assert_eq!(next[1].document_id, Some(docs[1].id));
        assert_eq!(next[1].met_at, None);
    }

    #[test]
    fn a_contribution_is_met_by_its_outcome_and_owes_nothing_once_withdrawn() {
        let c = ContributionDue {
            id: Uuid::from_u128(7),
            municipality_id: Uuid::nil(),
            area_id: Uuid::from_u128(1),
            organisation_id: Uuid::from_u128(2),
            due_date: day(2027, 6, 30),
            closed_at: None,
            withdrawn: false,
        };
        assert_eq!(contribution_deadline(&c, day(2027, 7, 1), 30).state, DeadlineState::Overdue);
        assert_eq!(contribution_deadline(&c, day(2027, 6, 1), 30).state, DeadlineState::DueSoon);
        let delivered = ContributionDue { closed_at: Some(utc("2027-06-30T21:00:00Z")), ..c.clone() };
        assert_eq!(contribution_deadline(&delivered, day(2027, 9, 1), 30).state, DeadlineState::Met);
        let withdrawn = ContributionDue { withdrawn: true, ..c.clone() };
        let d = contribution_deadline(&withdrawn, day(2027, 9, 1), 30);
        assert_eq!(
            (d.state, d.year, d.subject()),
            (DeadlineState::NotApplicable, 2027, format!("contribution:{}", c.id))
        );
    }

    #[test]
    fn an_area_has_deadlines_only_in_the_years_its_division_is_valid() {
        assert!(area_exists_in(2027, None, None));
        assert!(area_exists_in(2027, Some(day(2027, 7, 1)), None));
        assert!(!area_exists_in(2026, Some(day(2027, 1, 1)), None));
        assert!(!area_exists_in(2028, None, Some(day(2027, 12, 31))));
    }

    #[test]
    fn stages_and_states_have_their_api_names() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        for s in DeadlineState::ALL {
            assert_eq!(DeadlineState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(DeadlineState::Overdue.is_announced() && !DeadlineState::Open.is_announced());
    }

    #[test]
    fn a_partner_sees_every_deadline_but_the_analysis() {
        let partner = visible_stages(ReadScope::PartnerOrganisation(crate::access::PartnerScope {
            organisation_id: Uuid::nil(),
            municipality_id: None,
        }));
        assert_eq!(partner, [Stage::Agenda, Stage::Plan, Stage::Monitor, Stage::Contribution]);
        assert_eq!(visible_stages(ReadScope::Municipality(Uuid::nil())), Stage::ALL);
        assert_eq!(visible_stages(ReadScope::All), Stage::ALL);
    }
}
