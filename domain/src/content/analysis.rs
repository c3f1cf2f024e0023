//! The gebiedsanalyse: what is going on in the area, and from which sources that is known.

use serde::{Deserialize, Serialize};

use super::Theme;
use super::check;
use super::limits::ANALYSIS_LIST_MAX;
use crate::field_errors::FieldErrors;

/// A development, opportunity, threat or strength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Finding {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub theme: Option<Theme>,
}

/// Where knowledge comes from: bidbook, figures, partner data, residents' stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Bidbook,
    Figures,
    PartnerData,
    ResidentStories,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    pub kind: SourceKind,
    pub title: String,
    #[serde(default)]
    pub reference: Option<String>,
}

/// A figure about the area (kengetal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// Content of a gebiedsanalyse.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalysisContent {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub developments: Vec<Finding>,
    #[serde(default)]
    pub opportunities: Vec<Finding>,
    #[serde(default)]
    pub threats: Vec<Finding>,
    #[serde(default)]
    pub strengths: Vec<Finding>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

impl AnalysisContent {
    /// Every problem of the analysis; it refers to nothing else, so this is all there is to check.
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        check::long(&mut e, "summary", &self.summary);
        for (name, findings) in [
            ("developments", &self.developments),
            ("opportunities", &self.opportunities),
            ("threats", &self.threats),
            ("strengths", &self.strengths),
        ] {
            if check::list(&mut e, name, findings, ANALYSIS_LIST_MAX) {
                for (i, f) in findings.iter().enumerate() {
                    check::title(&mut e, &format!("{name}[{i}].title"), &f.title);
                    check::long(&mut e, &format!("{name}[{i}].description"), &f.description);
                }
            }
        }
        if check::list(&mut e, "sources", &self.sources, ANALYSIS_LIST_MAX) {
            for (i, s) in self.sources.iter().enumerate() {
                check::title(&mut e, &format!("sources[{i}].title"), &s.title);
                check::short(&mut e, &format!("sources[{i}].reference"), s.reference.as_deref());
            }
        }
        if check::list(&mut e, "indicators", &self.indicators, ANALYSIS_LIST_MAX) {
            for (i, x) in self.indicators.iter().enumerate() {
                check::title(&mut e, &format!("indicators[{i}].code"), &x.code);
                check::title(&mut e, &format!("indicators[{i}].name"), &x.name);
                check::finite(&mut e, &format!("indicators[{i}].value"), x.value);
                check::short(&mut e, &format!("indicators[{i}].unit"), x.unit.as_deref());
                check::short(&mut e, &format!("indicators[{i}].period"), x.period.as_deref());
                check::short(&mut e, &format!("indicators[{i}].source"), x.source.as_deref());
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(title: &str) -> Finding {
        Finding { title: title.into(), description: String::new(), theme: None }
    }

    #[test]
    fn an_empty_analysis_is_valid() {
        assert!(AnalysisContent::default().validate().is_empty());
    }

    #[test]
    fn a_finding_without_title_and_an_over_long_summary_are_both_reported() {
        let a = AnalysisContent {
            summary: "x".repeat(10_001),
            threats: vec![finding("ok"), finding(" ")],
            ..Default::default()
        };
        let names: Vec<_> = a.validate().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["summary", "threats[1].title"]);
    }

    #[test]
    fn too_many_strengths_is_one_problem_at_the_list() {
        let a = AnalysisContent { strengths: (0..101).map(|_| finding("")).collect(), ..Default::default() };
        let e = a.validate();
        assert_eq!(e.len(), 1);
        assert_eq!(e.iter().next().unwrap().code, "too_many");
    }

    #[test]
    fn an_indicator_needs_code_and_name_and_a_finite_value() {
        let a = AnalysisContent {
            indicators: vec![Indicator {
                code: String::new(),
                name: String::new(),
                value: Some(f64::NAN),
                unit: None,
                period: None,
                source: None,
            }],
            ..Default::default()
        };
        let names: Vec<_> = a.validate().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["indicators[0].code", "indicators[0].name", "indicators[0].value"]);
    }

    #[test]
    fn a_source_needs_a_title_and_a_short_reference() {
        let a = AnalysisContent {
            sources: vec![Source {
                kind: SourceKind::ResidentStories,
                title: " ".into(),
                reference: Some("r".repeat(201)),
            }],
            ..Default::default()
        };
        let found: Vec<_> = a.validate().iter().map(|e| (e.name.clone(), e.code)).collect();
        assert_eq!(
            found,
            [("sources[0].title".to_owned(), "required"), ("sources[0].reference".to_owned(), "too_long")]
        );
    }

    #[test]
    fn an_analysis_with_an_unknown_field_is_refused_and_a_minimal_one_parses() {
        let minimal = serde_json::json!({
            "developments": [{ "title": "Vergrijzing", "theme": "social" }],
            "sources": [{ "kind": "partner_data", "title": "Wijkscan" }],
            "indicators": [{ "code": "BEV65", "name": "Inwoners 65+", "value": 23.4, "unit": "%" }]
        });
        let a: AnalysisContent = serde_json::from_value(minimal).unwrap();
        assert_eq!((a.summary.as_str(), a.sources[0].kind), ("", SourceKind::PartnerData));
        assert!(a.validate().is_empty());
        let unknown = serde_json::json!({ "developments": [{ "title": "t", "impact": "high" }] });
        assert!(serde_json::from_value::<AnalysisContent>(unknown).is_err());
        assert!(serde_json::from_value::<AnalysisContent>(serde_json::json!({ "samenvatting": "" })).is_err());
    }
}
