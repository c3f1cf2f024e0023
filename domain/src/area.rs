//! Areas (gebieden) and the localities (kernen, wijken) they cluster (SPEC §2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::field_errors::{FieldErrors, check_text};
use crate::parsed::Rules;

pub const NAME_MAX: usize = 200;
pub const CODE_MAX: usize = 32;
pub const LOCALITIES_MAX: usize = 100;

/// A kern or wijk of an area, optionally with its CBS wijk (`WK` + 6 digits) or buurt (`BU` + 8 digits) code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Locality {
    pub name: String,
    pub cbs_code: Option<String>,
}

/// Checks an area code: upper-case letters, digits and hyphens, starting with a letter or digit, because
/// codes end up in URLs, file names and spreadsheets.
pub fn check_code(errors: &mut FieldErrors, name: &str, code: &str) {
    let ok = !code.is_empty()
        && code.len() <= CODE_MAX
        && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-');
    if !ok {
        errors.push(
            name,
            "invalid_code",
            format!("must be 1 to {CODE_MAX} upper-case letters, digits or hyphens, not starting with a hyphen"),
        );
    }
}

fn is_cbs_area_code(code: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    (code.starts_with("WK") && digits(&code[2..], 6)) || (code.starts_with("BU") && digits(&code[2..], 8))
}

/// Checks the localities of an area: each named, names unique, CBS codes well-formed, a bounded list.
pub fn check_localities(errors: &mut FieldErrors, name: &str, localities: &[Locality]) {
    if localities.len() > LOCALITIES_MAX {
        errors.push(name, "too_many", format!("at most {LOCALITIES_MAX} localities"));
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (i, locality) in localities.iter().enumerate() {
        let path = format!("{name}[{i}]");
        check_text(errors, &format!("{path}.name"), &locality.name, NAME_MAX);
        if !seen.insert(locality.name.trim().to_lowercase()) {
            errors.push(format!("{path}.name"), "duplicate", format!("'{}' is listed twice", locality.name));
        }
        if let Some(code) = &locality.cbs_code
            && !is_cbs_area_code(code)
        {
            errors.push(
                format!("{path}.cbsCode"),
                "invalid_cbs_code",
                format!("'{code}' is not a CBS wijk code (WK + 6 digits) or buurt code (BU + 8 digits)"),
            );
        }
    }
}

/// An area division changes over time; its validity ends no earlier than it starts.
pub fn check_validity(errors: &mut FieldErrors, valid_from: Option<NaiveDate>, valid_until: Option<NaiveDate>) {
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until < from
    {
        errors.push("validUntil", "before_valid_from", format!("{until} lies before validFrom {from}"));
    }
}

/// What an organisation's partnership in an area (gebiedspartnerschap) says of time: when it starts and ends,
/// each open when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partnership {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Rules for Partnership {
    type Context = ();

    /// A partnership ends no earlier than it starts.
    fn check(self, _: &()) -> Result<Partnership, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let (Some(s), Some(u)) = (self.since, self.until)
            && u < s
        {
            errors.push("until", "before_since", format!("{u} lies before since {s}"));
        }
        errors.into_result(self)
    }
}

/// An area as it is stored: its name, code, localities and validity.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaDefinition {
    pub name: String,
    pub code: String,
    pub localities: Vec<Locality>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

impl Rules for AreaDefinition {
    type Context = ();

    /// Names as people type them: the surrounding white space is not part of a name. Then the area is checked
    /// whole.
    fn check(self, _: &()) -> Result<AreaDefinition, FieldErrors> {
        let name = self.name.trim().to_owned();
        let localities: Vec<_> =
            self.localities.into_iter().map(|l| Locality { name: l.name.trim().to_owned(), ..l }).collect();
        let mut errors = FieldErrors::new();
        check_text(&mut errors, "name", &name, NAME_MAX);
        check_code(&mut errors, "code", &self.code);
        check_localities(&mut errors, "localities", &localities);
        check_validity(&mut errors, self.valid_from, self.valid_until);
        errors.into_result(AreaDefinition { name, localities, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::Parsed;

    fn locality(name: &str, code: Option<&str>) -> Locality {
        Locality { name: name.into(), cbs_code: code.map(Into::into) }
    }

    fn check_area(
        name: &str,
        code: &str,
        localities: &[Locality],
        valid_from: Option<NaiveDate>,
        valid_until: Option<NaiveDate>,
    ) -> FieldErrors {
        let area = AreaDefinition {
            name: name.into(),
            code: code.into(),
            localities: localities.to_vec(),
            valid_from,
            valid_until,
        };
        Parsed::parse(area).err().unwrap_or_default()
    }

    fn check_partnership(since: Option<NaiveDate>, until: Option<NaiveDate>) -> FieldErrors {
        Parsed::parse(Partnership { since, until }).err().unwrap_or_default()
    }

    #[test]
    fn names_are_trimmed() {
        let area = AreaDefinition {
            name: " Oost ".into(),
            code: "OOST".into(),
            localities: vec![locality(" Meteren ", None)],
            valid_from: None,
            valid_until: None,
        };
        let area = Parsed::parse(area).unwrap();
        assert_eq!((area.name.as_str(), area.localities[0].name.as_str()), ("Oost", "Meteren"));
    }

    #[test]
    fn a_well_formed_area_has_no_problems() {
        let l = [locality("Geldermalsen", Some("WK196001")), locality("Meteren", Some("BU19600101"))];
        assert!(check_area("Oost", "WB-OOST", &l, None, None).is_empty());
    }

    #[test]
    fn lower_case_codes_and_leading_hyphens_are_refused() {
        for bad in ["wb", "-WB", "", "WB OOST", &"A".repeat(33)] {
            let mut e = FieldErrors::new();
            check_code(&mut e, "code", bad);
            assert_eq!(e.len(), 1, "{bad}");
        }
    }

    #[test]
    fn duplicate_localities_and_bad_cbs_codes_are_named_by_index() {
        let l = [locality("Asperen", None), locality("asperen", Some("WK12")), locality("", Some("BU1"))];
        let e = check_area("A", "A", &l, None, None);
        let names: Vec<_> = e.iter().map(|e| (e.name.as_str(), e.code)).collect();
        assert_eq!(
            names,
            [
                ("localities[1].name", "duplicate"),
                ("localities[1].cbsCode", "invalid_cbs_code"),
                ("localities[2].name", "required"),
                ("localities[2].cbsCode", "invalid_cbs_code"),
            ]
        );
    }

    #[test]
    fn too_many_localities_are_refused() {
        let l: Vec<_> = (0..=LOCALITIES_MAX).map(|i| locality(&format!("kern {i}"), None)).collect();
        let e = check_area("A", "A", &l, None, None);
        assert_eq!(e.iter().next().unwrap().code, "too_many");
    }

    #[test]
    fn validity_may_not_end_before_it_starts() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(check_area("A", "A", &[], d("2024-01-01"), d("2024-01-01")).is_empty());
        let e = check_area("A", "A", &[], d("2024-01-02"), d("2024-01-01"));
        assert_eq!(e.iter().next().unwrap().name, "validUntil");
    }

    #[test]
    fn a_partnership_may_not_end_before_it_starts() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(check_partnership(d("2027-01-01"), d("2027-01-01")).is_empty());
        assert!(check_partnership(None, d("2020-01-01")).is_empty());
        let e = check_partnership(d("2027-01-02"), d("2027-01-01"));
        assert_eq!(e.iter().map(|e| (e.name.as_str(), e.code)).collect::<Vec<_>>(), [("until", "before_since")]);
    }
}
