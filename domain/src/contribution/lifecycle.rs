//! The lifecycle of a contribution (SPEC §6), as a pure state machine, and who may move it.
//!
//! ```text
//!  proposed ──agree──▶ committed ──start──▶ in_progress ──deliver / partially_deliver / not_deliver──▶ (final)
//!    │                     │                     │
//!    └──────── withdraw ───┴─────────────────────┴──▶ withdrawn
//! ```
//! Agreement is two-sided: what the municipality proposes the partner agrees to, and the other way round.
//! The side that proposed cannot agree to its own proposal.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Forbidden;
use crate::event::EventType;
use crate::field_errors::{Lines, forbidden_chars};
use crate::lifecycle::NOTE_MAX;
use crate::principal::{Access, Principal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionStatus {
    Proposed,
    Committed,
    InProgress,
    Delivered,
    PartiallyDelivered,
    NotDelivered,
    Withdrawn,
}

crate::names::named!(
    "contribution status",
    ContributionStatus {
        Proposed => "proposed",
        Committed => "committed",
        InProgress => "in_progress",
        Delivered => "delivered",
        PartiallyDelivered => "partially_delivered",
        NotDelivered => "not_delivered",
        Withdrawn => "withdrawn",
    }
);

impl ContributionStatus {
    /// A promise both sides agreed to and that is still being kept.
    pub fn is_committed(self) -> bool {
        matches!(self, ContributionStatus::Committed | ContributionStatus::InProgress)
    }

    /// The end of the road: delivered (in full, in part, or not) or withdrawn. Nothing changes any more.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ContributionStatus::Delivered
                | ContributionStatus::PartiallyDelivered
                | ContributionStatus::NotDelivered
                | ContributionStatus::Withdrawn
        )
    }

    /// Whether progress can be reported: once agreed and until it is closed.
    pub fn takes_check_ins(self) -> bool {
        self.is_committed()
    }
}

/// The two sides of an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Municipality,
    Partner,
}

crate::names::named!(
    "side",
    Side {
        Municipality => "municipality",
        Partner => "partner",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionAction {
    Agree,
    Start,
    Deliver,
    PartiallyDeliver,
    NotDeliver,
    Withdraw,
}

crate::names::named!(
    "contribution action",
    ContributionAction {
        Agree => "agree",
        Start => "start",
        Deliver => "deliver",
        PartiallyDeliver => "partially_deliver",
        NotDeliver => "not_deliver",
        Withdraw => "withdraw",
    }
);

/// A step in a contribution's history: a lifecycle action, or a change of the agreed terms that made it a
/// proposal again (SPEC §6). Every change of status is one of these, so the history has no holes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Agree,
    Start,
    Deliver,
    PartiallyDeliver,
    NotDeliver,
    Withdraw,
    ChangeTerms,
}

crate::names::named!(
    "contribution step",
    Step {
        Agree => "agree",
        Start => "start",
        Deliver => "deliver",
        PartiallyDeliver => "partially_deliver",
        NotDeliver => "not_deliver",
        Withdraw => "withdraw",
        ChangeTerms => "change_terms",
    }
);

impl From<ContributionAction> for Step {
    fn from(a: ContributionAction) -> Step {
        match a {
            ContributionAction::Agree => Step::Agree,
            ContributionAction::Start => Step::Start,
            ContributionAction::Deliver => Step::Deliver,
            ContributionAction::PartiallyDeliver => Step::PartiallyDeliver,
            ContributionAction::NotDeliver => Step::NotDeliver,
            ContributionAction::Withdraw => Step::Withdraw,
        }
    }
}

impl ContributionAction {
    /// The domain event a transition raises (SPEC §8). Every outcome of the work is a delivery report.
    pub fn event_type(self) -> EventType {
        match self {
            ContributionAction::Agree => EventType::ContributionCommitted,
            ContributionAction::Start => EventType::ContributionStarted,
            ContributionAction::Deliver | ContributionAction::PartiallyDeliver | ContributionAction::NotDeliver => {
                EventType::ContributionDelivered
            }
            ContributionAction::Withdraw => EventType::ContributionWithdrawn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {} contribution cannot {}", .from.as_str(), verb(*.action))]
    NotAllowed { from: ContributionStatus, action: ContributionAction },
    #[error("the {} proposed this contribution, so the other side agrees to it", .0.as_str())]
    OwnProposal(Side),
    #[error("withdrawing a contribution needs a note that says why")]
    NoteRequired,
    #[error("the note is longer than {NOTE_MAX} characters")]
    NoteTooLong,
    /// The reason the note is refused (see [`crate::field_errors::forbidden_chars`]).
    #[error("the note {0}")]
    NoteInvalidText(String),
}

fn verb(action: ContributionAction) -> &'static str {
    match action {
        ContributionAction::Agree => "be agreed to",
        ContributionAction::Start => "be started",
        ContributionAction::Deliver => "be delivered",
        ContributionAction::PartiallyDeliver => "be partially delivered",
        ContributionAction::NotDeliver => "be reported as not delivered",
        ContributionAction::Withdraw => "be withdrawn",
    }
}

/// The status after `action` taken by `side`, or why it cannot happen. `started` says whether the work had
/// started before (it was in progress once, or has check-ins): agreeing again to such a contribution, after
/// its terms changed, returns it to `in_progress`, since the work does not stop while the terms are renegotiated.
pub fn transition(
    from: ContributionStatus,
    started: bool,
    action: ContributionAction,
    proposed_by: Side,
    side: Side,
    note: Option<&str>,
) -> Result<ContributionStatus, TransitionError> {
    use ContributionAction as A;
    use ContributionStatus as S;
    let to = match (from, action) {
        (S::Proposed, A::Agree) if started => S::InProgress,
        (S::Proposed, A::Agree) => S::Committed,
        (S::Committed, A::Start) => S::InProgress,
        (S::InProgress, A::Deliver) => S::Delivered,
        (S::InProgress, A::PartiallyDeliver) => S::PartiallyDelivered,
        (S::InProgress, A::NotDeliver) => S::NotDelivered,
        (S::Proposed | S::Committed | S::InProgress, A::Withdraw) => S::Withdrawn,
        _ => return Err(TransitionError::NotAllowed { from, action }),
    };
    if action == A::Agree && side == proposed_by {
        return Err(TransitionError::OwnProposal(side));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if action == A::Withdraw && note.is_none() {
        return Err(TransitionError::NoteRequired);
    }
    if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
        return Err(TransitionError::NoteTooLong);
    }
    if let Some(reason) = note.and_then(|n| forbidden_chars(n, Lines::Many)) {
        return Err(TransitionError::NoteInvalidText(reason));
    }
    Ok(to)
}

/// Whom a contribution is between: the municipality (through the area) and the partner organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties {
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub organisation_id: Uuid,
}

/// The side the caller writes for, if any: the partner for its own organisation's contributions; the
/// municipality for its coordinator, an administrator, and an area editor of the area. Viewers write nothing.
/// A partner only ever sees contributions of its own organisation in its own areas, within the municipality
/// its token is bound to (the read scope), so reaching here with any other contribution is refused as well.
pub fn side_of(p: &Principal, parties: &Parties) -> Result<Side, Forbidden> {
    match &p.access {
        Access::Partner { organisation_id, municipality_id }
            if *organisation_id == parties.organisation_id
                && municipality_id.is_none_or(|m| m == parties.municipality_id) =>
        {
            Ok(Side::Partner)
        }
        Access::Partner { .. } => Err(Forbidden(
            "a partner acts on its own organisation's contributions only, in the municipality its token was issued for",
        )),
        Access::Admin => Ok(Side::Municipality),
        Access::Coordinator { municipality_id } if *municipality_id == parties.municipality_id => {
            Ok(Side::Municipality)
        }
        Access::AreaEditor { municipality_id, area_ids }
            if *municipality_id == parties.municipality_id && area_ids.contains(&parties.area_id) =>
        {
            Ok(Side::Municipality)
        }
        _ => Err(Forbidden("this token may not change contributions in this area")),
    }
}

/// Who may take `action`, and for which side. On the municipality's side only the coordinator
/// (opgaveregisseur) or an administrator commits the municipality by agreeing; an area editor may propose.
pub fn may_act(p: &Principal, parties: &Parties, action: ContributionAction) -> Result<Side, Forbidden> {
    let side = side_of(p, parties)?;
    if action == ContributionAction::Agree && matches!(p.access, Access::AreaEditor { .. }) {
        return Err(Forbidden("only the coordinator (opgaveregisseur) agrees to a contribution for the municipality"));
    }
    Ok(side)
}

/// Progress is reported by the partner, or by the coordinator (or an administrator) on its behalf.
pub fn may_check_in(p: &Principal, parties: &Parties) -> Result<Side, Forbidden> {
    let side = side_of(p, parties)?;
    if matches!(p.access, Access::AreaEditor { .. }) {
        return Err(Forbidden("progress is reported by the partner or the coordinator (opgaveregisseur)"));
    }
    Ok(side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContributionAction as A;
    use ContributionStatus as S;

    const ALLOWED: [(S, A, S); 8] = [
        (S::Proposed, A::Agree, S::Committed),
        (S::Committed, A::Start, S::InProgress),
        (S::InProgress, A::Deliver, S::Delivered),
        (S::InProgress, A::PartiallyDeliver, S::PartiallyDelivered),
        (S::InProgress, A::NotDeliver, S::NotDelivered),
        (S::Proposed, A::Withdraw, S::Withdrawn),
        (S::Committed, A::Withdraw, S::Withdrawn),
        (S::InProgress, A::Withdraw, S::Withdrawn),
    ];

    #[test]
    fn every_allowed_transition_gives_its_status() {
        for (from, action, to) in ALLOWED {
            let got = transition(from, false, action, Side::Partner, Side::Municipality, Some("reden"));
            assert_eq!(got, Ok(to), "{from:?} {action:?}");
        }
    }

    #[test]
    fn every_other_transition_is_refused() {
        for from in S::ALL {
            for action in A::ALL {
                if ALLOWED.iter().any(|(f, a, _)| *f == from && *a == action) {
                    continue;
                }
                assert_eq!(
                    transition(from, false, action, Side::Partner, Side::Municipality, Some("reden")),
                    Err(TransitionError::NotAllowed { from, action }),
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn closed_contributions_never_move_again() {
        for from in S::ALL.into_iter().filter(|s| s.is_closed()) {
            for action in A::ALL {
                assert!(transition(from, false, action, Side::Partner, Side::Municipality, Some("x")).is_err());
            }
        }
    }

    #[test]
    fn the_side_that_proposed_cannot_agree_to_itself() {
        for side in [Side::Municipality, Side::Partner] {
            assert_eq!(
                transition(S::Proposed, false, A::Agree, side, side, None),
                Err(TransitionError::OwnProposal(side))
            );
        }
        assert_eq!(transition(S::Proposed, false, A::Agree, Side::Municipality, Side::Partner, None), Ok(S::Committed));
    }

    #[test]
    fn agreeing_again_to_a_contribution_whose_work_had_started_returns_it_to_in_progress() {
        let again = transition(S::Proposed, true, A::Agree, Side::Partner, Side::Municipality, None);
        assert_eq!(again, Ok(S::InProgress));
        let first = transition(S::Proposed, false, A::Agree, Side::Partner, Side::Municipality, None);
        assert_eq!(first, Ok(S::Committed));
        // Having started changes nothing else: the own side still cannot agree, closed ones still do not move.
        assert_eq!(
            transition(S::Proposed, true, A::Agree, Side::Partner, Side::Partner, None),
            Err(TransitionError::OwnProposal(Side::Partner))
        );
        assert_eq!(transition(S::Committed, true, A::Start, Side::Partner, Side::Partner, None), Ok(S::InProgress));
        assert!(transition(S::Delivered, true, A::Agree, Side::Partner, Side::Municipality, None).is_err());
    }

    #[test]
    fn every_action_is_a_step_of_the_same_name_and_a_change_of_terms_is_one_too() {
        for a in A::ALL {
            assert_eq!(Step::from(a).as_str(), a.as_str());
        }
        assert_eq!(Step::parse("change_terms"), Some(Step::ChangeTerms));
        for step in Step::ALL {
            assert_eq!(Step::parse(step.as_str()), Some(step));
        }
    }

    #[test]
    fn a_withdrawal_needs_a_note_of_bounded_length() {
        for note in [None, Some(""), Some("   ")] {
            assert_eq!(
                transition(S::Committed, false, A::Withdraw, Side::Partner, Side::Partner, note),
                Err(TransitionError::NoteRequired)
            );
        }
        let long = "x".repeat(NOTE_MAX + 1);
        assert_eq!(
            transition(S::Committed, false, A::Withdraw, Side::Partner, Side::Partner, Some(&long)),
            Err(TransitionError::NoteTooLong)
        );
        assert_eq!(transition(S::InProgress, false, A::Deliver, Side::Partner, Side::Partner, None), Ok(S::Delivered));
        let control = transition(S::Committed, false, A::Withdraw, Side::Partner, Side::Partner, Some("geen\0budget"));
        assert!(matches!(control, Err(TransitionError::NoteInvalidText(_))));
        let lines = transition(S::Committed, false, A::Withdraw, Side::Partner, Side::Partner, Some("geen\r\nbudget"));
        assert_eq!(lines, Ok(S::Withdrawn));
    }

    #[test]
    fn statuses_actions_and_sides_read_back_what_they_write() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for a in A::ALL {
            assert_eq!(A::parse(a.as_str()), Some(a));
        }
        for side in [Side::Municipality, Side::Partner] {
            assert_eq!(Side::parse(side.as_str()), Some(side));
        }
    }

    fn principal(access: Access) -> Principal {
        Principal { token_id: Uuid::nil(), name: "test".into(), access }
    }

    fn parties() -> Parties {
        Parties {
            municipality_id: Uuid::from_u128(1),
            area_id: Uuid::from_u128(2),
            organisation_id: Uuid::from_u128(3),
        }
    }

    #[test]
    fn each_role_writes_for_its_side_or_not_at_all() {
        let c = parties();
        let other = Uuid::from_u128(99);
        let cases = [
            (Access::Admin, Side::Municipality),
            (Access::Coordinator { municipality_id: c.municipality_id }, Side::Municipality),
            (Access::AreaEditor { municipality_id: c.municipality_id, area_ids: vec![c.area_id] }, Side::Municipality),
            (Access::Partner { organisation_id: c.organisation_id, municipality_id: None }, Side::Partner),
            (
                Access::Partner { organisation_id: c.organisation_id, municipality_id: Some(c.municipality_id) },
                Side::Partner,
            ),
        ];
        for (access, side) in cases {
            assert_eq!(side_of(&principal(access.clone()), &c), Ok(side), "{access:?}");
        }
        let refused = [
            Access::Viewer { municipality_id: c.municipality_id },
            Access::Coordinator { municipality_id: other },
            Access::AreaEditor { municipality_id: c.municipality_id, area_ids: vec![other] },
            Access::Partner { organisation_id: other, municipality_id: None },
            Access::Partner { organisation_id: c.organisation_id, municipality_id: Some(other) },
        ];
        for access in refused {
            assert!(side_of(&principal(access.clone()), &c).is_err(), "{access:?}");
        }
    }

    #[test]
    fn only_the_coordinator_agrees_for_the_municipality_and_area_editors_report_no_progress() {
        let c = parties();
        let editor = principal(Access::AreaEditor { municipality_id: c.municipality_id, area_ids: vec![c.area_id] });
        assert!(may_act(&editor, &c, A::Agree).is_err());
        for action in [A::Start, A::Deliver, A::Withdraw] {
            assert_eq!(may_act(&editor, &c, action), Ok(Side::Municipality));
        }
        assert!(may_check_in(&editor, &c).is_err());
        let coordinator = principal(Access::Coordinator { municipality_id: c.municipality_id });
        assert_eq!(may_act(&coordinator, &c, A::Agree), Ok(Side::Municipality));
        assert_eq!(may_check_in(&coordinator, &c), Ok(Side::Municipality));
        let partner = principal(Access::Partner { organisation_id: c.organisation_id, municipality_id: None });
        assert_eq!(may_act(&partner, &c, A::Agree), Ok(Side::Partner));
        assert_eq!(may_check_in(&partner, &c), Ok(Side::Partner));
    }
}
