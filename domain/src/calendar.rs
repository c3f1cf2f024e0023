//! A municipality's cycle calendar (SPEC §5): the day of the year each stage is due, and how agenda
//! periods are laid out. Deadlines themselves are computed from it elsewhere; here it is only made sure
//! that a calendar can always produce a real date.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::content::DocumentKind;
use crate::field_errors::FieldErrors;

/// A day of the year as `MM-DD`. February 29 is refused: a deadline must fall on a real date every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    pub fn new(month: u32, day: u32) -> Result<MonthDay, String> {
        const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist"));
        }
        if month == 2 && day == 29 {
            return Err("02-29 exists only in leap years; choose 02-28 or 03-01".into());
        }
        if day == 0 || day > DAYS[month as usize - 1] {
            return Err(format!("day {day} does not exist in month {month}"));
        }
        Ok(MonthDay { month, day })
    }

    /// Parses `MM-DD` (two digits each).
    pub fn parse(value: &str) -> Result<MonthDay, String> {
        let bytes = value.as_bytes();
        let well_formed =
            bytes.len() == 5 && bytes[2] == b'-' && bytes.iter().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit());
        if !well_formed {
            return Err(format!("'{value}' is not a day of the year in the form MM-DD"));
        }
        MonthDay::new(value[0..2].parse().unwrap_or(0), value[3..5].parse().unwrap_or(0))
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        MonthDay::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The cycle calendar. Defaults are those of the specification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    pub analysis_due: MonthDay,
    pub agenda_due: MonthDay,
    pub plan_due: MonthDay,
    pub monitor_due: MonthDay,
    pub monitor_due_year_offset: i32,
    pub agenda_period_anchor_year: i32,
    pub agenda_period_years: i32,
    pub due_soon_days: i32,
    /// The kinds of adopted documents anyone may read on the public pages (SPEC §12, Wet open overheid).
    /// Calendars stored before this setting existed read as the default.
    #[serde(default = "default_public_kinds")]
    pub public_kinds: Vec<DocumentKind>,
}

/// Agendas, plans and monitors are public once adopted; an analysis only where the municipality chooses so.
pub fn default_public_kinds() -> Vec<DocumentKind> {
    vec![DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor]
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            analysis_due: MonthDay { month: 3, day: 1 },
            agenda_due: MonthDay { month: 5, day: 1 },
            plan_due: MonthDay { month: 7, day: 1 },
            monitor_due: MonthDay { month: 3, day: 1 },
            monitor_due_year_offset: 1,
            agenda_period_anchor_year: 2027,
            agenda_period_years: 4,
            due_soon_days: 30,
            public_kinds: default_public_kinds(),
        }
    }
}

/// A calendar as a client sends it: every field optional. Missing fields keep the value of `base`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarInput {
    pub analysis_due: Option<String>,
    pub agenda_due: Option<String>,
    pub plan_due: Option<String>,
    pub monitor_due: Option<String>,
    pub monitor_due_year_offset: Option<i64>,
    pub agenda_period_anchor_year: Option<i64>,
    pub agenda_period_years: Option<i64>,
    pub due_soon_days: Option<i64>,
    /// Document kinds by their names (`agenda`); each a known kind, listed once.
    pub public_kinds: Option<Vec<String>>,
}

/// The years a cycle document, a board or a deadline list may be about.
pub const CYCLE_YEARS: (i32, i32) = (2000, 2100);
/// The longest period one agenda covers.
pub const AGENDA_MAX_YEARS: i32 = PERIOD_YEARS_RANGE.1 as i32;

/// Checks that `year` is one of the [`CYCLE_YEARS`].
pub fn check_cycle_year(errors: &mut FieldErrors, name: &str, year: i32) {
    if !(CYCLE_YEARS.0..=CYCLE_YEARS.1).contains(&year) {
        errors.push(name, "out_of_range", format!("must be between {} and {}", CYCLE_YEARS.0, CYCLE_YEARS.1));
    }
}

/// The years a new document covers (SPEC §2): one `year` for an analysis, plan or monitor; for an agenda
/// `period_start..period_end`, the end defaulting to the municipality's `agenda_years`.
pub fn document_period(
    kind: DocumentKind,
    year: Option<i32>,
    period_start: Option<i32>,
    period_end: Option<i32>,
    agenda_years: i32,
) -> Result<(i32, i32), FieldErrors> {
    let mut errors = FieldErrors::new();
    let result = if kind == DocumentKind::Agenda {
        if year.is_some() {
            errors.push("year", "not_allowed", "an agenda covers periodStart..periodEnd, not one year");
        }
        match period_start {
            None => {
                errors.push("periodStart", "required", "an agenda needs the first year of its period");
                (0, 0)
            }
            Some(start) => {
                check_cycle_year(&mut errors, "periodStart", start);
                let end = period_end.unwrap_or(start + agenda_years - 1);
                check_cycle_year(&mut errors, "periodEnd", end);
                if end < start {
                    errors.push("periodEnd", "before_period_start", "must not lie before periodStart");
                } else if end - start + 1 > AGENDA_MAX_YEARS {
                    errors.push("periodEnd", "too_long", format!("an agenda covers at most {AGENDA_MAX_YEARS} years"));
                }
                (start, end)
            }
        }
    } else {
        for (name, given) in [("periodStart", period_start), ("periodEnd", period_end)] {
            if given.is_some() {
                errors.push(name, "not_allowed", "only an agenda has a period; give year");
            }
        }
        match year {
            None => {
                errors.push("year", "required", "an analysis, plan or monitor covers one year");
                (0, 0)
            }
            Some(year) => {
                check_cycle_year(&mut errors, "year", year);
                (year, year)
            }
        }
    };
    errors.into_result(result)
}

pub const MONITOR_OFFSET_RANGE: (i64, i64) = (0, 2);
pub const ANCHOR_YEAR_RANGE: (i64, i64) = (2000, 2100);
pub const PERIOD_YEARS_RANGE: (i64, i64) = (1, 10);
pub const DUE_SOON_DAYS_RANGE: (i64, i64) = (1, 365);

impl Calendar {
    /// Applies `input` to `base`, checking every field; paths in the errors are relative to the calendar.
    pub fn apply(base: &Calendar, input: &CalendarInput) -> Result<Calendar, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |name: &str, raw: &Option<String>, current: MonthDay| match raw {
            None => current,
            Some(raw) => MonthDay::parse(raw).unwrap_or_else(|reason| {
                errors.push(name, "invalid_month_day", reason);
                current
            }),
        };
        let analysis_due = day("analysisDue", &input.analysis_due, base.analysis_due);
        let agenda_due = day("agendaDue", &input.agenda_due, base.agenda_due);
        let plan_due = day("planDue", &input.plan_due, base.plan_due);
        let monitor_due = day("monitorDue", &input.monitor_due, base.monitor_due);
        let mut number = |name: &str, raw: Option<i64>, (min, max): (i64, i64), current: i32| match raw {
            None => current,
            Some(v) if (min..=max).contains(&v) => v as i32,
            Some(v) => {
                errors.push(name, "out_of_range", format!("must be between {min} and {max}, not {v}"));
                current
            }
        };
        let calendar = Calendar {
            analysis_due,
            agenda_due,
            plan_due,
            monitor_due,
            monitor_due_year_offset: number(
                "monitorDueYearOffset",
                input.monitor_due_year_offset,
                MONITOR_OFFSET_RANGE,
                base.monitor_due_year_offset,
            ),
            agenda_period_anchor_year: number(
                "agendaPeriodAnchorYear",
                input.agenda_period_anchor_year,
                ANCHOR_YEAR_RANGE,
                base.agenda_period_anchor_year,
            ),
            agenda_period_years: number(
                "agendaPeriodYears",
                input.agenda_period_years,
                PERIOD_YEARS_RANGE,
                base.agenda_period_years,
            ),
            due_soon_days: number("dueSoonDays", input.due_soon_days, DUE_SOON_DAYS_RANGE, base.due_soon_days),
            public_kinds: match &input.public_kinds {
                None => base.public_kinds.clone(),
                Some(names) => public_kinds(&mut errors, "publicKinds", names),
            },
        };
        errors.into_result(calendar)
    }
}

/// The kinds named in `names`, each a known document kind listed once; every other name is a problem at its
/// position (`publicKinds[2]`).
fn public_kinds(errors: &mut FieldErrors, name: &str, names: &[String]) -> Vec<DocumentKind> {
    let mut kinds = Vec::with_capacity(names.len());
    for (i, given) in names.iter().enumerate() {
        match DocumentKind::parse(given) {
            None => errors.push(
                format!("{name}[{i}]"),
                "unknown_kind",
                format!("'{given}' is not a document kind (analysis, agenda, plan, monitor)"),
            ),
            Some(kind) if kinds.contains(&kind) => {
                errors.push(format!("{name}[{i}]"), "duplicate", format!("'{given}' is listed twice"))
            }
            Some(kind) => kinds.push(kind),
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_day_of_the_year_is_accepted() {
        assert_eq!(MonthDay::parse("03-01").unwrap().to_string(), "03-01");
        assert_eq!(MonthDay::parse("12-31").unwrap(), MonthDay::new(12, 31).unwrap());
        assert!(MonthDay::parse("02-28").is_ok());
    }

    #[test]
    fn february_29_is_refused_because_it_is_not_there_every_year() {
        assert!(MonthDay::parse("02-29").unwrap_err().contains("leap"));
    }

    #[test]
    fn impossible_and_malformed_days_are_refused() {
        for bad in ["04-31", "13-01", "00-10", "01-00", "1-01", "01/01", "0a-01", "", "01-011"] {
            assert!(MonthDay::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn the_default_calendar_is_the_one_of_the_specification() {
        let c = Calendar::default();
        let days: Vec<String> =
            [c.analysis_due, c.agenda_due, c.plan_due, c.monitor_due].iter().map(|d| d.to_string()).collect();
        assert_eq!(days, ["03-01", "05-01", "07-01", "03-01"]);
        assert_eq!(
            (c.monitor_due_year_offset, c.agenda_period_anchor_year, c.agenda_period_years, c.due_soon_days),
            (1, 2027, 4, 30)
        );
    }

    #[test]
    fn a_partial_input_keeps_the_other_fields() {
        let input = CalendarInput { plan_due: Some("06-15".into()), due_soon_days: Some(14), ..Default::default() };
        let c = Calendar::apply(&Calendar::default(), &input).unwrap();
        assert_eq!(c.plan_due.to_string(), "06-15");
        assert_eq!(c.due_soon_days, 14);
        assert_eq!(c.analysis_due, Calendar::default().analysis_due);
    }

    #[test]
    fn every_bad_field_of_a_calendar_is_reported_at_once() {
        let input = CalendarInput {
            analysis_due: Some("02-29".into()),
            monitor_due: Some("11-31".into()),
            monitor_due_year_offset: Some(3),
            agenda_period_anchor_year: Some(1999),
            agenda_period_years: Some(0),
            due_soon_days: Some(366),
            ..Default::default()
        };
        let errors = Calendar::apply(&Calendar::default(), &input).unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "analysisDue",
                "monitorDue",
                "monitorDueYearOffset",
                "agendaPeriodAnchorYear",
                "agendaPeriodYears",
                "dueSoonDays"
            ]
        );
    }

    #[test]
    fn an_agenda_period_defaults_to_the_municipalitys_length() {
        assert_eq!(document_period(DocumentKind::Agenda, None, Some(2027), None, 4), Ok((2027, 2030)));
        assert_eq!(document_period(DocumentKind::Agenda, None, Some(2027), Some(2028), 4), Ok((2027, 2028)));
        assert_eq!(document_period(DocumentKind::Plan, Some(2027), None, None, 4), Ok((2027, 2027)));
    }

    #[test]
    fn a_period_that_does_not_fit_the_kind_names_every_problem() {
        let names = |r: Result<(i32, i32), FieldErrors>| -> Vec<String> {
            r.unwrap_err().into_vec().into_iter().map(|e| format!("{}:{}", e.name, e.code)).collect()
        };
        assert_eq!(
            names(document_period(DocumentKind::Agenda, Some(2027), Some(2030), Some(2029), 4)),
            ["year:not_allowed", "periodEnd:before_period_start"]
        );
        assert_eq!(
            names(document_period(DocumentKind::Agenda, None, Some(2027), Some(2040), 4)),
            ["periodEnd:too_long"]
        );
        assert_eq!(
            names(document_period(DocumentKind::Monitor, None, Some(2027), None, 4)),
            ["periodStart:not_allowed", "year:required"]
        );
        assert_eq!(names(document_period(DocumentKind::Analysis, Some(1999), None, None, 4)), ["year:out_of_range"]);
    }

    #[test]
    fn agendas_plans_and_monitors_are_public_by_default_and_analyses_are_not() {
        assert_eq!(Calendar::default().public_kinds, [DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor]);
    }

    #[test]
    fn a_calendar_stored_before_public_kinds_existed_reads_as_the_default() {
        let mut stored = serde_json::to_value(Calendar::default()).unwrap();
        stored.as_object_mut().unwrap().remove("publicKinds");
        let read: Calendar = serde_json::from_value(stored).unwrap();
        assert_eq!(read, Calendar::default());
    }

    #[test]
    fn public_kinds_are_set_whole_and_may_be_empty() {
        let with = |names: &[&str]| CalendarInput {
            public_kinds: Some(names.iter().map(|n| n.to_string()).collect()),
            ..Default::default()
        };
        let c = Calendar::apply(&Calendar::default(), &with(&["analysis", "agenda"])).unwrap();
        assert_eq!(c.public_kinds, [DocumentKind::Analysis, DocumentKind::Agenda]);
        assert!(Calendar::apply(&c, &with(&[])).unwrap().public_kinds.is_empty());
        let kept = Calendar::apply(&c, &CalendarInput { due_soon_days: Some(7), ..Default::default() }).unwrap();
        assert_eq!(kept.public_kinds, c.public_kinds);
    }

    #[test]
    fn an_unknown_or_repeated_public_kind_is_named_by_its_position() {
        let input = CalendarInput {
            public_kinds: Some(["agenda", "report", "plan", "agenda", "Plan"].map(String::from).to_vec()),
            due_soon_days: Some(0),
            ..Default::default()
        };
        let errors = Calendar::apply(&Calendar::default(), &input).unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| format!("{}:{}", e.name, e.code)).collect();
        assert_eq!(
            names,
            [
                "dueSoonDays:out_of_range",
                "publicKinds[1]:unknown_kind",
                "publicKinds[3]:duplicate",
                "publicKinds[4]:unknown_kind"
            ]
        );
    }
}
