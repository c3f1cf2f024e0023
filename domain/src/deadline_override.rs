//! An area's own deadline (eigen termijn): the coordinator moves one stage's due date for one area and cycle
//! year, with a reason, instead of the municipality's calendar. Deadlines, the cycle board, the dashboard and
//! the sweeper all read the moved date through [`crate::deadline::stage_deadlines`].

use chrono::{Datelike, NaiveDate};

use crate::calendar::check_cycle_year;
use crate::deadline::Stage;
use crate::field_errors::{FieldErrors, check_text};

/// The longest reason, in characters: a sentence or two, as an audit trail shows it.
pub const REASON_MAX: usize = 500;

/// How far a moved due date may lie from its cycle year: a monitor is due the year after (or later, with
/// the calendar's offset), and a due date years away is a typing error rather than a plan.
pub const YEARS_AROUND: i32 = 2;

/// A stage deadline of one area and year moved to `due_date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineOverride {
    pub area_id: uuid::Uuid,
    pub stage: Stage,
    pub year: i32,
    pub due_date: NaiveDate,
}

/// A moved deadline as the coordinator asked for it, checked: a document stage, a cycle year, a due date
/// within [`YEARS_AROUND`] years of it, and a reason of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOverride {
    pub stage: Stage,
    pub year: i32,
    pub due_date: NaiveDate,
    pub reason: String,
}

impl NewOverride {
    /// Parses a moved deadline from its parts, as a request gives them.
    pub fn parse(
        stage: Stage,
        year: i32,
        due_date: NaiveDate,
        reason: &str,
    ) -> Result<crate::Parsed<NewOverride>, FieldErrors> {
        crate::Parsed::parse(NewOverride { stage, year, due_date, reason: reason.to_owned() })
    }
}

impl crate::Rules for NewOverride {
    type Context = ();

    /// Every problem at once, named by the request's fields.
    fn check(self, _: &()) -> Result<NewOverride, FieldErrors> {
        let NewOverride { stage, year, due_date, reason } = self;
        let reason = reason.trim().to_owned();
        let mut errors = FieldErrors::new();
        if stage.document_kind().is_none() {
            errors.push(
                "stage",
                "not_a_document_stage",
                "a contribution's deadline is its own due date; move that instead",
            );
        }
        check_cycle_year(&mut errors, "year", year);
        if (due_date.year() - year).abs() > YEARS_AROUND {
            errors.push(
                "dueDate",
                "too_far_from_year",
                format!("must lie within {YEARS_AROUND} years of the cycle year {year}"),
            );
        }
        check_text(&mut errors, "reason", &reason, REASON_MAX);
        errors.into_result(NewOverride { stage, year, due_date, reason })
    }
}

/// The due date of `stage` in `year` for `area_id`: the area's own when it has one, else the calendar's.
/// A stage that has nothing due by the calendar (an agenda outside the first year of its period) stays so.
pub fn due_date(
    calendar_due: Option<NaiveDate>,
    overrides: &[DeadlineOverride],
    area_id: uuid::Uuid,
    stage: Stage,
    year: i32,
) -> Option<NaiveDate> {
    let own = overrides.iter().find(|o| o.area_id == area_id && o.stage == stage && o.year == year);
    calendar_due.map(|due| own.map_or(due, |o| o.due_date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_plan_moved_by_a_month_with_a_reason_is_accepted() {
        let parsed = NewOverride::parse(Stage::Plan, 2027, day(2027, 8, 1), "  Gemeenteraad vergadert later  ");
        assert_eq!(parsed.unwrap().reason, "Gemeenteraad vergadert later");
    }

    #[test]
    fn a_contribution_stage_a_far_due_date_and_a_blank_reason_are_all_refused_at_once() {
        let errors = NewOverride::parse(Stage::Contribution, 2027, day(2031, 1, 1), " ").unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["stage", "dueDate", "reason"]);
    }

    #[test]
    fn a_reason_of_two_lines_or_too_long_is_refused() {
        assert!(NewOverride::parse(Stage::Plan, 2027, day(2027, 8, 1), "een\ntwee").is_err());
        assert!(NewOverride::parse(Stage::Plan, 2027, day(2027, 8, 1), &"x".repeat(REASON_MAX + 1)).is_err());
        assert!(NewOverride::parse(Stage::Plan, 2027, day(2027, 8, 1), &"x".repeat(REASON_MAX)).is_ok());
    }

    #[test]
    fn the_areas_own_date_replaces_the_calendars_but_never_makes_a_stage_due_that_is_not() {
        let area = uuid::Uuid::now_v7();
        let own = [DeadlineOverride { area_id: area, stage: Stage::Plan, year: 2027, due_date: day(2027, 8, 1) }];
        assert_eq!(due_date(Some(day(2027, 7, 1)), &own, area, Stage::Plan, 2027), Some(day(2027, 8, 1)));
        assert_eq!(due_date(Some(day(2028, 7, 1)), &own, area, Stage::Plan, 2028), Some(day(2028, 7, 1)));
        assert_eq!(due_date(Some(day(2027, 7, 1)), &own, uuid::Uuid::nil(), Stage::Plan, 2027), Some(day(2027, 7, 1)));
        assert_eq!(due_date(None, &own, area, Stage::Plan, 2027), None);
    }
}
