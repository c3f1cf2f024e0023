//! Check-ins (voortgangsmeldingen): dated, append-only progress reports on a contribution (SPEC §6).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::field_errors::{FieldErrors, Lines, check_optional_text};

/// How the reporter judges the chance of delivering: op koers, risico, uit koers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    OnTrack,
    AtRisk,
    OffTrack,
}

crate::names::named!(
    "confidence",
    Confidence {
        OnTrack => "on_track",
        AtRisk => "at_risk",
        OffTrack => "off_track",
    }
);

pub const NOTE_MAX: usize = 4000;

#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub date: NaiveDate,
    pub progress_percent: i32,
    /// The value reached so far, in the contribution's unit.
    pub current_value: Option<f64>,
    pub confidence: Confidence,
    pub note: String,
}

impl crate::Rules for CheckIn {
    /// The Dutch calendar day the report is made on.
    type Context = NaiveDate;

    /// Checks a report made on `today`: it reports what happened, so it is not dated in the future. It may be
    /// dated before the contribution was registered, since work often starts before anyone records it.
    fn check(mut self, today: &NaiveDate) -> Result<CheckIn, FieldErrors> {
        let today = *today;
        let mut e = FieldErrors::new();
        if self.date > today {
            e.push("date", "in_future", format!("a progress report is about what happened by today ({today})"));
        } else if self.date.year() < super::DUE_YEARS.0 {
            e.push("date", "out_of_range", format!("must lie in {} or later", super::DUE_YEARS.0));
        }
        if !(0..=100).contains(&self.progress_percent) {
            e.push("progressPercent", "out_of_range", "must be between 0 and 100");
        }
        match self.current_value {
            Some(v) if !v.is_finite() => e.push("currentValue", "not_finite", "must be a finite number"),
            Some(v) if v.abs() > super::AMOUNT_MAX => {
                e.push("currentValue", "out_of_range", format!("must be at most {} in size", super::AMOUNT_MAX))
            }
            _ => {}
        }
        self.note = self.note.trim().to_owned();
        check_optional_text(&mut e, "note", &self.note, NOTE_MAX, Lines::Many);
        e.into_result(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn report() -> CheckIn {
        CheckIn {
            date: day(2026, 11, 20),
            progress_percent: 40,
            current_value: Some(12.0),
            confidence: Confidence::OnTrack,
            note: "  Twee van de vijf straten gedaan. ".into(),
        }
    }

    fn names(r: CheckIn) -> Vec<String> {
        match crate::Parsed::parse_in(r, &day(2026, 11, 23)) {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|e| format!("{}:{}", e.name, e.code)).collect(),
        }
    }

    #[test]
    fn a_valid_report_is_kept_with_its_note_trimmed() {
        let r = crate::Parsed::parse_in(report(), &day(2026, 11, 23)).unwrap();
        assert_eq!(r.note, "Twee van de vijf straten gedaan.");
        assert!(names(CheckIn { date: day(2026, 11, 23), progress_percent: 100, ..report() }).is_empty());
        assert!(
            names(CheckIn { date: day(2026, 1, 10), progress_percent: 0, current_value: None, ..report() }).is_empty()
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let r = CheckIn {
            date: day(2026, 11, 24),
            progress_percent: 101,
            current_value: Some(f64::INFINITY),
            note: "x".repeat(NOTE_MAX + 1),
            ..report()
        };
        assert_eq!(
            names(r),
            ["date:in_future", "progressPercent:out_of_range", "currentValue:not_finite", "note:too_long"]
        );
        assert_eq!(
            names(CheckIn { date: day(1999, 12, 31), progress_percent: -1, ..report() }),
            ["date:out_of_range", "progressPercent:out_of_range"]
        );
    }

    #[test]
    fn a_confidence_reads_back_what_it_writes() {
        for c in Confidence::ALL {
            assert_eq!(Confidence::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
