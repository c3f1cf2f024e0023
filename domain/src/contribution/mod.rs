//! Contributions (bijdragen): a partner's commitment to one goal of an area agenda (SPEC §6).
//!
//! "Door de gebiedsagenda gezamenlijk vast te stellen, beloven alle partijen hun steentje bij te dragen":
//! a contribution is that promise as a record. Its terms are checked here; its lifecycle, and who may move
//! it, are in [`lifecycle`]; progress reports in [`check_in`].

pub mod check_in;
pub mod lifecycle;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::content::check::is_key;
use crate::field_errors::{FieldErrors, Lines, check_optional_text, check_text};

pub use lifecycle::{ContributionAction, ContributionStatus, Side};

/// What is promised: people's time, money, an activity, data, a facility, or something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    Capacity,
    Funding,
    Activity,
    Data,
    Facility,
    Other,
}

crate::names::named!(
    "contribution kind",
    ContributionKind {
        Capacity => "capacity",
        Funding => "funding",
        Activity => "activity",
        Data => "data",
        Facility => "facility",
        Other => "other",
    }
);

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 4000;
pub const UNIT_MAX: usize = 50;
/// Larger than any municipal budget in euros, small enough to stay exact in a double.
pub const AMOUNT_MAX: f64 = 1e12;
pub const DUE_YEARS: (i32, i32) = (2000, 2100);

/// The terms of a contribution: what is promised, to which goal, how much and by when.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub goal_key: String,
    pub title: String,
    pub description: String,
    pub kind: ContributionKind,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub due_date: Option<NaiveDate>,
}

impl crate::Rules for Terms {
    type Context = ();

    /// Trims the texts and checks every field, reporting every problem at once.
    fn check(mut self, _: &()) -> Result<Terms, FieldErrors> {
        let mut e = FieldErrors::new();
        self.goal_key = self.goal_key.trim().to_owned();
        if !is_key(&self.goal_key) {
            e.push("goalKey", "invalid_key", format!("'{}' is not a goal key of an agenda", self.goal_key));
        }
        self.title = self.title.trim().to_owned();
        check_text(&mut e, "title", &self.title, TITLE_MAX);
        self.description = self.description.trim().to_owned();
        check_optional_text(&mut e, "description", &self.description, DESCRIPTION_MAX, Lines::Many);
        self.unit = self.unit.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
        if let Some(unit) = &self.unit {
            check_optional_text(&mut e, "unit", unit, UNIT_MAX, Lines::One);
        }
        match self.amount {
            Some(a) if !a.is_finite() => e.push("amount", "not_finite", "must be a finite number"),
            Some(a) if !(0.0..=AMOUNT_MAX).contains(&a) => {
                e.push("amount", "out_of_range", format!("must be between 0 and {AMOUNT_MAX}"))
            }
            // "3" means nothing without "fte", "uur per week" or "euro".
            Some(_) if self.unit.is_none() => e.push("unit", "required", "an amount needs a unit (fte, euro, uur)"),
            _ => {}
        }
        if let Some(due) = self.due_date
            && !(DUE_YEARS.0..=DUE_YEARS.1).contains(&due.year())
        {
            e.push("dueDate", "out_of_range", format!("must lie in the years {} to {}", DUE_YEARS.0, DUE_YEARS.1));
        }
        e.into_result(self)
    }
}

impl Terms {
    /// Whether going from `self` to `new` changes what was agreed (SPEC §6: title, amount, unit, due date;
    /// and the goal it serves), which sends a committed contribution back to the other side for agreement.
    pub fn differs_substantially(&self, new: &Terms) -> bool {
        self.goal_key != new.goal_key
            || self.title != new.title
            || self.amount != new.amount
            || self.unit != new.unit
            || self.due_date != new.due_date
    }

    /// The substantive terms (as [`Terms::differs_substantially`] counts them) that differ, by their API names.
    pub fn substantive_changes(&self, new: &Terms) -> Vec<&'static str> {
        [
            ("goalKey", self.goal_key != new.goal_key),
            ("title", self.title != new.title),
            ("amount", self.amount != new.amount),
            ("unit", self.unit != new.unit),
            ("dueDate", self.due_date != new.due_date),
        ]
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
    }
}

/// The note a change of terms leaves in the history when it changes the status: what changed, and so why
/// the contribution needs agreement again.
pub fn terms_changed_note(old: &Terms, new: &Terms) -> String {
    format!("terms changed ({}); the other side agrees again", old.substantive_changes(new).join(", "))
}

/// Why an edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {} contribution does not change any more", .0.as_str())]
pub struct Closed(pub ContributionStatus);

/// The status and proposing side after `side` changes the terms from `old` to `new` (SPEC §6). Changing
/// what was agreed makes it a new proposal by the side that changed it, which the other side must agree to
/// again; so does changing the terms of a proposal the other side made (a counter-proposal). Closed
/// contributions do not change.
pub fn after_edit(
    status: ContributionStatus,
    proposed_by: Side,
    old: &Terms,
    new: &Terms,
    side: Side,
) -> Result<(ContributionStatus, Side), Closed> {
    if status.is_closed() {
        return Err(Closed(status));
    }
    if old.differs_substantially(new) { Ok((ContributionStatus::Proposed, side)) } else { Ok((status, proposed_by)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn terms() -> Terms {
        Terms {
            goal_key: "g1".into(),
            title: "Wijkagent twee dagdelen per week in de kern".into(),
            description: String::new(),
            kind: ContributionKind::Capacity,
            amount: Some(0.2),
            unit: Some("fte".into()),
            due_date: NaiveDate::from_ymd_opt(2027, 12, 31),
        }
    }

    fn codes(t: Terms) -> Vec<(String, &'static str)> {
        match crate::Parsed::parse(t) {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|e| (e.name.clone(), e.code)).collect(),
        }
    }

    #[test]
    fn valid_terms_are_trimmed_and_kept() {
        let t = Terms { title: "  Buurtpreventie-app  ".into(), unit: Some(" ".into()), amount: None, ..terms() };
        let parsed = crate::Parsed::parse(t).unwrap();
        assert_eq!(parsed.title, "Buurtpreventie-app");
        assert_eq!(parsed.unit, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let t = Terms {
            goal_key: "goal 1".into(),
            title: " ".into(),
            description: "x".repeat(DESCRIPTION_MAX + 1),
            amount: Some(-1.0),
            unit: Some("u".repeat(UNIT_MAX + 1)),
            due_date: NaiveDate::from_ymd_opt(2150, 1, 1),
            ..terms()
        };
        let names: Vec<_> = codes(t).into_iter().map(|(n, c)| format!("{n}:{c}")).collect();
        assert_eq!(
            names,
            [
                "goalKey:invalid_key",
                "title:required",
                "description:too_long",
                "unit:too_long",
                "amount:out_of_range",
                "dueDate:out_of_range"
            ]
        );
    }

    #[test]
    fn an_amount_needs_a_unit_and_must_be_finite() {
        assert_eq!(codes(Terms { unit: None, ..terms() }), [("unit".to_owned(), "required")]);
        assert_eq!(codes(Terms { amount: Some(f64::NAN), ..terms() }), [("amount".to_owned(), "not_finite")]);
        assert_eq!(codes(Terms { amount: Some(AMOUNT_MAX * 2.0), ..terms() }), [("amount".to_owned(), "out_of_range")]);
        assert!(codes(Terms { amount: None, unit: None, ..terms() }).is_empty());
    }

    #[test]
    fn title_amount_unit_due_date_and_goal_are_substantive_description_and_kind_are_not() {
        let base = terms();
        let changes = [
            Terms { title: "Anders".into(), ..terms() },
            Terms { amount: Some(0.4), ..terms() },
            Terms { unit: Some("uur".into()), ..terms() },
            Terms { due_date: NaiveDate::from_ymd_opt(2028, 6, 30), ..terms() },
            Terms { goal_key: "g2".into(), ..terms() },
        ];
        for changed in changes {
            assert!(base.differs_substantially(&changed), "{changed:?}");
        }
        assert!(!base.differs_substantially(&Terms { description: "toelichting".into(), ..terms() }));
        assert!(!base.differs_substantially(&Terms { kind: ContributionKind::Activity, ..terms() }));
    }

    #[test]
    fn a_substantive_change_to_a_commitment_makes_it_a_proposal_of_the_side_that_changed_it() {
        use ContributionStatus as S;
        let old = terms();
        let more = Terms { amount: Some(0.4), ..terms() };
        for status in [S::Committed, S::InProgress] {
            assert_eq!(
                after_edit(status, Side::Municipality, &old, &more, Side::Partner),
                Ok((S::Proposed, Side::Partner))
            );
        }
        assert_eq!(
            after_edit(S::Proposed, Side::Municipality, &old, &more, Side::Partner),
            Ok((S::Proposed, Side::Partner)),
            "a counter-proposal"
        );
        let explained = Terms { description: "met de BOA's samen".into(), ..terms() };
        assert_eq!(
            after_edit(S::Committed, Side::Partner, &old, &explained, Side::Municipality),
            Ok((S::Committed, Side::Partner))
        );
        assert_eq!(
            after_edit(S::Proposed, Side::Partner, &old, &explained, Side::Municipality),
            Ok((S::Proposed, Side::Partner))
        );
    }

    #[test]
    fn the_note_of_a_change_of_terms_names_what_changed() {
        let old = terms();
        let new = Terms { title: "Meer uren".into(), amount: Some(99.0), description: "anders".into(), ..terms() };
        assert_eq!(old.substantive_changes(&new), vec!["title", "amount"]);
        assert_eq!(terms_changed_note(&old, &new), "terms changed (title, amount); the other side agrees again");
        assert!(old.substantive_changes(&old).is_empty());
    }

    #[test]
    fn closed_contributions_are_not_edited() {
        use ContributionStatus as S;
        for status in [S::Delivered, S::PartiallyDelivered, S::NotDelivered, S::Withdrawn] {
            assert_eq!(after_edit(status, Side::Partner, &terms(), &terms(), Side::Partner), Err(Closed(status)));
        }
    }

    #[test]
    fn a_kind_reads_back_what_it_writes() {
        for kind in ContributionKind::ALL {
            assert_eq!(ContributionKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
