//! Municipalities (SPEC §2).

use crate::calendar::Calendar;
use crate::field_errors::{FieldErrors, check_text};
use crate::parsed::Rules;

pub const NAME_MAX: usize = 200;

/// Checks a CBS municipality code: `GM` and four digits, as the CBS writes it (`GM1960` is West Betuwe).
pub fn check_cbs_code(errors: &mut FieldErrors, name: &str, value: &str) {
    let ok = value.len() == 6 && value.starts_with("GM") && value[2..].bytes().all(|b| b.is_ascii_digit());
    if !ok {
        errors.push(name, "invalid_cbs_code", format!("'{value}' is not a CBS municipality code like GM1960"));
    }
}

/// A municipality as it is stored: its name, CBS code and cycle calendar (the calendar is parsed on its own,
/// field by field, by [`Calendar::apply`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MunicipalityDefinition {
    pub name: String,
    pub cbs_code: Option<String>,
    pub calendar: Calendar,
}

impl Rules for MunicipalityDefinition {
    type Context = ();

    fn check(self, _: &()) -> Result<MunicipalityDefinition, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim().to_owned();
        check_text(&mut errors, "name", &name, NAME_MAX);
        if let Some(code) = &self.cbs_code {
            check_cbs_code(&mut errors, "cbsCode", code);
        }
        errors.into_result(MunicipalityDefinition { name, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Parsed;

    fn check_municipality(name: Option<&str>, cbs_code: Option<&str>) -> FieldErrors {
        let municipality = MunicipalityDefinition {
            name: name.unwrap_or("Naam").into(),
            cbs_code: cbs_code.map(Into::into),
            calendar: Calendar::default(),
        };
        Parsed::parse(municipality).err().unwrap_or_default()
    }

    #[test]
    fn a_cbs_code_is_gm_and_four_digits() {
        assert!(check_municipality(Some("West Betuwe"), Some("GM1960")).is_empty());
        for bad in ["GM196", "gm1960", "GM19600", "XX1960", "GM19A0"] {
            assert_eq!(check_municipality(None, Some(bad)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn a_blank_name_is_refused() {
        let e = check_municipality(Some(" "), None);
        assert_eq!(e.iter().next().unwrap().code, "required");
    }
}
