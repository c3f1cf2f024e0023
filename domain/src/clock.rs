//! The one source of "now". Deadlines and timestamps read it, so tests can move time (SPEC §5).

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The calendar day in the Netherlands at `at`: due dates and report dates are Dutch calendar dates, so
/// 23:30 on a summer evening in Amsterdam is still that day although it is 21:30 UTC.
pub fn dutch_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Amsterdam).date_naive()
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until it is set, for tests and demonstrations.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_dutch_day_starts_an_hour_before_utc_in_winter_and_two_in_summer() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(dutch_date(utc("2026-01-14T22:59:59Z")), day(2026, 1, 14));
        assert_eq!(dutch_date(utc("2026-01-14T23:00:00Z")), day(2026, 1, 15));
        assert_eq!(dutch_date(utc("2026-07-14T21:59:59Z")), day(2026, 7, 14));
        assert_eq!(dutch_date(utc("2026-07-14T22:00:00Z")), day(2026, 7, 15));
    }
}
