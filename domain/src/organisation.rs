//! Partner organisations (SPEC §2) and the kinds of residents' groups (seed 000, ch. 4).

use serde::{Deserialize, Serialize};

use crate::field_errors::{FieldErrors, check_text};
use crate::parsed::{Parsed, Rules};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Police,
    HousingCorporation,
    Welfare,
    Care,
    Youth,
    Education,
    ResidentsGroup,
    Business,
    MunicipalityDepartment,
    Other,
}

crate::names::named!(
    "organisation kind",
    OrganisationKind {
        Police => "police",
        HousingCorporation => "housing_corporation",
        Welfare => "welfare",
        Care => "care",
        Youth => "youth",
        Education => "education",
        ResidentsGroup => "residents_group",
        Business => "business",
        MunicipalityDepartment => "municipality_department",
        Other => "other",
    }
);

/// The four kinds of residents' initiative Stichtse Vecht distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupType {
    ResidentsGroup,
    ProjectCommittee,
    ActivityCommittee,
    ThemeCommittee,
}

crate::names::named!(
    "group type",
    GroupType {
        ResidentsGroup => "residents_group",
        ProjectCommittee => "project_committee",
        ActivityCommittee => "activity_committee",
        ThemeCommittee => "theme_committee",
    }
);

pub const NAME_MAX: usize = 200;

/// A valid organisation: a residents' group says what kind of group it is and whether it has a
/// cooperation agreement (samenwerkingsovereenkomst); other kinds say neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationProfile {
    pub name: String,
    pub kind: OrganisationKind,
    pub group_type: Option<GroupType>,
    pub has_cooperation_agreement: Option<bool>,
}

impl OrganisationProfile {
    /// Parses a profile from its parts, as a request gives them.
    pub fn parse(
        name: &str,
        kind: OrganisationKind,
        group_type: Option<GroupType>,
        has_cooperation_agreement: Option<bool>,
    ) -> Result<Parsed<OrganisationProfile>, FieldErrors> {
        Parsed::parse(OrganisationProfile { name: name.to_owned(), kind, group_type, has_cooperation_agreement })
    }
}

impl Rules for OrganisationProfile {
    type Context = ();

    fn check(self, _: &()) -> Result<OrganisationProfile, FieldErrors> {
        let OrganisationProfile { name, kind, group_type, has_cooperation_agreement } = self;
        let mut errors = FieldErrors::new();
        let name = name.trim().to_owned();
        check_text(&mut errors, "name", &name, NAME_MAX);
        let residents = kind == OrganisationKind::ResidentsGroup;
        if residents && group_type.is_none() {
            errors.push("groupType", "required", "a residents' group says which kind of group it is");
        }
        if !residents && group_type.is_some() {
            errors.push("groupType", "not_allowed", "only a residents_group has a groupType");
        }
        if !residents && has_cooperation_agreement.is_some() {
            errors.push("hasCooperationAgreement", "not_allowed", "only a residents_group has a cooperation agreement");
        }
        let has_cooperation_agreement = if residents { Some(has_cooperation_agreement.unwrap_or(false)) } else { None };
        errors.into_result(OrganisationProfile { name, kind, group_type, has_cooperation_agreement })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_names_are_the_published_ones() {
        for kind in OrganisationKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for group in GroupType::ALL {
            assert_eq!(serde_json::to_value(group).unwrap(), group.as_str());
        }
    }

    #[test]
    fn a_residents_group_without_a_group_type_is_refused() {
        let e = OrganisationProfile::parse("Dorpsraad", OrganisationKind::ResidentsGroup, None, None).unwrap_err();
        assert_eq!(e.iter().next().unwrap().name, "groupType");
    }

    #[test]
    fn a_residents_group_defaults_to_no_cooperation_agreement() {
        let p = OrganisationProfile::parse(
            " Dorpsraad ",
            OrganisationKind::ResidentsGroup,
            Some(GroupType::ProjectCommittee),
            None,
        )
        .unwrap();
        assert_eq!((p.name.as_str(), p.has_cooperation_agreement), ("Dorpsraad", Some(false)));
    }

    #[test]
    fn a_police_unit_with_a_group_type_or_agreement_is_refused_with_both_problems() {
        let e = OrganisationProfile::parse("", OrganisationKind::Police, Some(GroupType::ThemeCommittee), Some(true))
            .unwrap_err();
        let names: Vec<_> = e.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["name", "groupType", "hasCooperationAgreement"]);
    }
}
