//! The Dutch words the pages show for the domain's dates, numbers and names (SPEC §12). The API keeps its
//! English codes; only people read these.

use chrono::{Datelike, NaiveDate};
use domain::content::DocumentKind;
use domain::contribution::ContributionStatus;
use domain::deadline::{DeadlineState, Stage};
use domain::lifecycle::VersionStatus;
use domain::organisation::OrganisationKind;

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "1 maart 2027": the day without a leading zero, the month in words, as Dutch texts write a date.
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "1.234": thousands grouped with a dot.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The stage names of SPEC §12.
pub fn kind(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Analysis => "gebiedsanalyse",
        DocumentKind::Agenda => "gebiedsagenda",
        DocumentKind::Plan => "gebiedsplan",
        DocumentKind::Monitor => "gebiedsmonitor",
    }
}

pub fn stage(s: Stage) -> &'static str {
    match s {
        Stage::Analysis => kind(DocumentKind::Analysis),
        Stage::Agenda => kind(DocumentKind::Agenda),
        Stage::Plan => kind(DocumentKind::Plan),
        Stage::Monitor => kind(DocumentKind::Monitor),
        Stage::Contribution => "bijdrage",
    }
}

/// A stage's latest version; `None` when the stage has no document yet.
pub fn version_status(s: Option<VersionStatus>) -> &'static str {
    match s {
        None => "nog niet begonnen",
        Some(VersionStatus::Draft) => "concept",
        Some(VersionStatus::Submitted) => "ingediend",
        Some(VersionStatus::Adopted) => "vastgesteld",
        Some(VersionStatus::Superseded) => "vervangen",
        Some(VersionStatus::Withdrawn) => "ingetrokken",
    }
}

pub fn deadline_state(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Met => "op tijd",
        DeadlineState::MetLate => "te laat gehaald",
        DeadlineState::Open => "open",
        DeadlineState::DueSoon => "binnenkort",
        DeadlineState::Overdue => "verlopen",
        DeadlineState::NotApplicable => "niet van toepassing",
    }
}

pub fn contribution_status(s: ContributionStatus) -> &'static str {
    match s {
        ContributionStatus::Proposed => "voorgesteld",
        ContributionStatus::Committed => "toegezegd",
        ContributionStatus::InProgress => "in uitvoering",
        ContributionStatus::Delivered => "geleverd",
        ContributionStatus::PartiallyDelivered => "deels geleverd",
        ContributionStatus::NotDelivered => "niet geleverd",
        ContributionStatus::Withdrawn => "ingetrokken",
    }
}

/// The class that repeats a deadline state in colour (`gc-state--overdue`, see `site.css`); the word is
/// always beside it, from [`deadline_state`].
pub fn state_class(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Met => "gc-state--met",
        DeadlineState::MetLate => "gc-state--met_late",
        DeadlineState::Open => "gc-state--open",
        DeadlineState::DueSoon => "gc-state--due_soon",
        DeadlineState::Overdue => "gc-state--overdue",
        DeadlineState::NotApplicable => "gc-state--not_applicable",
    }
}

/// What a deadline is about: the stage's name, or for a contribution "bijdrage ‘title’ van organisation".
pub fn deadline_subject(stage: Stage, contribution_title: Option<String>, organisation: Option<String>) -> String {
    match (contribution_title, organisation) {
        (Some(title), Some(org)) => format!("bijdrage ‘{title}’ van {org}"),
        (Some(title), None) => format!("bijdrage ‘{title}’"),
        _ => self::stage(stage).to_owned(),
    }
}

pub fn organisation_kind(k: OrganisationKind) -> &'static str {
    match k {
        OrganisationKind::Police => "politie",
        OrganisationKind::HousingCorporation => "woningcorporatie",
        OrganisationKind::Welfare => "welzijn",
        OrganisationKind::Care => "zorg",
        OrganisationKind::Youth => "jeugd",
        OrganisationKind::Education => "onderwijs",
        OrganisationKind::ResidentsGroup => "bewonersinitiatief",
        OrganisationKind::Business => "ondernemer",
        OrganisationKind::MunicipalityDepartment => "gemeentelijke afdeling",
        OrganisationKind::Other => "overig",
    }
}

/// "1.234,5": a number with a decimal comma, thousands grouped with a dot, at most three decimals and no
/// trailing zeros.
pub fn decimal(v: f64) -> String {
    if !v.is_finite() {
        return "onbekend".into();
    }
    let fixed = format!("{:.3}", v.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole = number(whole.parse::<i64>().unwrap_or(i64::MAX));
    let sign = if v < 0.0 && (whole != "0" || !fraction.is_empty()) { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole},{fraction}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_date_is_written_with_the_month_in_dutch_words_and_no_leading_zero() {
        assert_eq!(date(d(2027, 3, 1)), "1 maart 2027");
        assert_eq!(date(d(2026, 12, 31)), "31 december 2026");
        assert_eq!(date(d(2028, 2, 29)), "29 februari 2028");
    }

    #[test]
    fn every_month_has_its_dutch_name() {
        let names: Vec<String> = (1..=12).map(|m| date(d(2027, m, 5))).collect();
        assert_eq!(names[0], "5 januari 2027");
        assert_eq!(names[4], "5 mei 2027");
        assert_eq!(names[7], "5 augustus 2027");
    }

    #[test]
    fn numbers_group_thousands_with_a_dot() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1234), "1.234");
        assert_eq!(number(1234567), "1.234.567");
        assert_eq!(number(-1000), "-1.000");
    }

    #[test]
    fn decimals_have_a_comma_and_no_trailing_zeros() {
        assert_eq!(decimal(1234.5), "1.234,5");
        assert_eq!(decimal(8.0), "8");
        assert_eq!(decimal(0.2), "0,2");
        assert_eq!(decimal(-0.25), "-0,25");
        assert_eq!(decimal(-0.0001), "0");
        assert_eq!(decimal(2.0 / 3.0), "0,667");
        assert_eq!(decimal(f64::NAN), "onbekend");
    }
}
