//! The lifecycle of a document version (SPEC §3), as a pure state machine.
//!
//! ```text
//!             submit              adopt
//!   draft ───────────▶ submitted ───────▶ adopted ──(a later version is adopted)──▶ superseded
//!     ▲                    │
//!     └──── return ────────┘
//!   draft, submitted ── withdraw ──▶ withdrawn
//! ```
//! Superseding is not an action anyone takes: it happens to the version in force when another is adopted.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::EventType;
use crate::field_errors::{Lines, forbidden_chars};
use crate::principal::{Access, Principal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Submitted,
    Adopted,
    Superseded,
    Withdrawn,
}

crate::names::named!(
    "version status",
    VersionStatus {
        Draft => "draft",
        Submitted => "submitted",
        Adopted => "adopted",
        Superseded => "superseded",
        Withdrawn => "withdrawn",
    }
);

impl VersionStatus {
    /// Open versions are still being worked on; a document has at most one.
    pub fn is_open(self) -> bool {
        matches!(self, VersionStatus::Draft | VersionStatus::Submitted)
    }

    /// Only drafts change; adopted, superseded and withdrawn versions never change again, not for an admin either.
    pub fn is_editable(self) -> bool {
        self == VersionStatus::Draft
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionAction {
    Submit,
    Return,
    Adopt,
    Withdraw,
}

crate::names::named!(
    "version action",
    VersionAction {
        Submit => "submit",
        Return => "return",
        Adopt => "adopt",
        Withdraw => "withdraw",
    }
);

impl VersionAction {
    /// The domain event a transition raises.
    pub fn event_type(self) -> EventType {
        match self {
            VersionAction::Submit => EventType::VersionSubmitted,
            VersionAction::Return => EventType::VersionReturned,
            VersionAction::Adopt => EventType::VersionAdopted,
            VersionAction::Withdraw => EventType::VersionWithdrawn,
        }
    }

    /// Sending a draft back or withdrawing it says why: the writer and the record need the reason.
    pub fn needs_note(self) -> bool {
        matches!(self, VersionAction::Return | VersionAction::Withdraw)
    }
}

pub const NOTE_MAX: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {} version cannot be {}", .from.as_str(), past(*.action))]
    NotAllowed { from: VersionStatus, action: VersionAction },
    #[error("{} needs a note that says why", .0.as_str())]
    NoteRequired(VersionAction),
    #[error("the note is longer than {NOTE_MAX} characters")]
    NoteTooLong,
    /// The reason the note is refused (see [`crate::field_errors::forbidden_chars`]).
    #[error("the note {0}")]
    NoteInvalidText(String),
}

fn past(action: VersionAction) -> &'static str {
    match action {
        VersionAction::Submit => "submitted",
        VersionAction::Return => "returned",
        VersionAction::Adopt => "adopted",
        VersionAction::Withdraw => "withdrawn",
    }
}

/// The status after `action`, or why it cannot happen.
pub fn transition(
    from: VersionStatus,
    action: VersionAction,
    note: Option<&str>,
) -> Result<VersionStatus, TransitionError> {
    let to = next_status(from, action).ok_or(TransitionError::NotAllowed { from, action })?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return Err(TransitionError::NoteRequired(action));
    }
    if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
        return Err(TransitionError::NoteTooLong);
    }
    if let Some(reason) = note.and_then(|n| forbidden_chars(n, Lines::Many)) {
        return Err(TransitionError::NoteInvalidText(reason));
    }
    Ok(to)
}

/// The status `action` leads to from `from`, whatever the note: the state machine itself.
fn next_status(from: VersionStatus, action: VersionAction) -> Option<VersionStatus> {
    use VersionAction as A;
    use VersionStatus as S;
    match (from, action) {
        (S::Draft, A::Submit) => Some(S::Submitted),
        (S::Submitted, A::Return) => Some(S::Draft),
        (S::Submitted, A::Adopt) => Some(S::Adopted),
        (S::Draft | S::Submitted, A::Withdraw) => Some(S::Withdrawn),
        _ => None,
    }
}

/// The actions `p` may take now on a version in `status` of a document of this municipality and area: those
/// the lifecycle allows from `status` and [`may_act`] allows `p`, in the order of [`VersionAction::ALL`]. A page
/// offers exactly these; whether a note is needed, or the adoption rules hold, is decided when it is taken.
pub fn actions_open_to(
    p: &Principal,
    status: VersionStatus,
    municipality_id: Uuid,
    area_id: Uuid,
) -> Vec<VersionAction> {
    VersionAction::ALL
        .into_iter()
        .filter(|a| next_status(status, *a).is_some() && may_act(p, *a, municipality_id, area_id).is_ok())
        .collect()
}

/// Who may write documents of an area and make the writer's transitions (create, edit, submit, withdraw):
/// the municipality's coordinator, an administrator, and an area editor holding the area.
pub fn may_write(p: &Principal, municipality_id: Uuid, area_id: Uuid) -> Result<(), crate::access::Forbidden> {
    crate::access::may_edit_area(p, municipality_id, area_id)
}

/// Who may make `action`: returning and adopting are the coordinator's (and an administrator's); the
/// other transitions are for whoever may write the area's documents.
pub fn may_act(
    p: &Principal,
    action: VersionAction,
    municipality_id: Uuid,
    area_id: Uuid,
) -> Result<(), crate::access::Forbidden> {
    match action {
        VersionAction::Return | VersionAction::Adopt => match &p.access {
            Access::Admin => Ok(()),
            Access::Coordinator { municipality_id: m } if *m == municipality_id => Ok(()),
            _ => Err(crate::access::Forbidden("only the coordinator (opgaveregisseur) returns and adopts versions")),
        },
        VersionAction::Submit | VersionAction::Withdraw => may_write(p, municipality_id, area_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VersionAction as A;
    use VersionStatus as S;

    #[test]
    fn every_allowed_transition_gives_its_status() {
        assert_eq!(transition(S::Draft, A::Submit, None), Ok(S::Submitted));
        assert_eq!(transition(S::Submitted, A::Return, Some("te weinig cijfers")), Ok(S::Draft));
        assert_eq!(transition(S::Submitted, A::Adopt, None), Ok(S::Adopted));
        assert_eq!(transition(S::Draft, A::Withdraw, Some("dubbel")), Ok(S::Withdrawn));
        assert_eq!(transition(S::Submitted, A::Withdraw, Some("dubbel")), Ok(S::Withdrawn));
    }

    #[test]
    fn every_other_transition_is_refused() {
        let allowed = [
            (S::Draft, A::Submit),
            (S::Submitted, A::Return),
            (S::Submitted, A::Adopt),
            (S::Draft, A::Withdraw),
            (S::Submitted, A::Withdraw),
        ];
        for from in S::ALL {
            for action in [A::Submit, A::Return, A::Adopt, A::Withdraw] {
                if allowed.contains(&(from, action)) {
                    continue;
                }
                assert_eq!(
                    transition(from, action, Some("note")),
                    Err(TransitionError::NotAllowed { from, action }),
                    "{from:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn a_draft_cannot_be_adopted_without_being_submitted() {
        assert!(matches!(transition(S::Draft, A::Adopt, None), Err(TransitionError::NotAllowed { .. })));
    }

    #[test]
    fn adopted_superseded_and_withdrawn_versions_are_final() {
        for from in [S::Adopted, S::Superseded, S::Withdrawn] {
            assert!(!from.is_editable() && !from.is_open());
            for action in [A::Submit, A::Return, A::Adopt, A::Withdraw] {
                assert!(transition(from, action, Some("x")).is_err());
            }
        }
    }

    #[test]
    fn returning_and_withdrawing_need_a_note() {
        assert_eq!(transition(S::Submitted, A::Return, None), Err(TransitionError::NoteRequired(A::Return)));
        assert_eq!(transition(S::Draft, A::Withdraw, Some("  ")), Err(TransitionError::NoteRequired(A::Withdraw)));
        assert_eq!(
            transition(S::Draft, A::Withdraw, Some(&"x".repeat(NOTE_MAX + 1))),
            Err(TransitionError::NoteTooLong)
        );
    }

    #[test]
    fn only_the_coordinator_and_admins_return_and_adopt() {
        let m = Uuid::now_v7();
        let a = Uuid::now_v7();
        let p = |access| Principal { token_id: Uuid::now_v7(), name: "t".into(), access };
        let editor = p(Access::AreaEditor { municipality_id: m, area_ids: vec![a] });
        let coordinator = p(Access::Coordinator { municipality_id: m });
        assert!(may_act(&editor, A::Submit, m, a).is_ok());
        assert!(may_act(&editor, A::Withdraw, m, a).is_ok());
        assert!(may_act(&editor, A::Adopt, m, a).is_err());
        assert!(may_act(&editor, A::Return, m, a).is_err());
        assert!(may_act(&coordinator, A::Adopt, m, a).is_ok());
        assert!(may_act(&p(Access::Admin), A::Return, m, a).is_ok());
        assert!(may_act(&p(Access::Coordinator { municipality_id: Uuid::now_v7() }), A::Adopt, m, a).is_err());
        assert!(may_act(&p(Access::Viewer { municipality_id: m }), A::Submit, m, a).is_err());
        assert!(
            may_act(&p(Access::Partner { organisation_id: m, municipality_id: Some(m) }), A::Submit, m, a).is_err()
        );
    }

    fn principal(access: Access) -> Principal {
        Principal { token_id: Uuid::now_v7(), name: "t".into(), access }
    }

    #[test]
    fn a_coordinator_may_return_adopt_and_withdraw_a_submitted_version() {
        let (m, a) = (Uuid::now_v7(), Uuid::now_v7());
        let coordinator = principal(Access::Coordinator { municipality_id: m });
        assert_eq!(actions_open_to(&coordinator, S::Submitted, m, a), [A::Return, A::Adopt, A::Withdraw]);
        assert_eq!(actions_open_to(&coordinator, S::Draft, m, a), [A::Submit, A::Withdraw]);
        let elsewhere = principal(Access::Coordinator { municipality_id: Uuid::now_v7() });
        assert!(actions_open_to(&elsewhere, S::Submitted, m, a).is_empty());
    }

    #[test]
    fn an_area_editor_may_submit_and_withdraw_a_draft_of_its_own_area_only() {
        let (m, a) = (Uuid::now_v7(), Uuid::now_v7());
        let editor = principal(Access::AreaEditor { municipality_id: m, area_ids: vec![a] });
        assert_eq!(actions_open_to(&editor, S::Draft, m, a), [A::Submit, A::Withdraw]);
        assert_eq!(actions_open_to(&editor, S::Submitted, m, a), [A::Withdraw]);
        assert!(actions_open_to(&editor, S::Draft, m, Uuid::now_v7()).is_empty());
    }

    #[test]
    fn viewers_and_partners_may_take_no_action() {
        let (m, a) = (Uuid::now_v7(), Uuid::now_v7());
        let viewer = principal(Access::Viewer { municipality_id: m });
        let partner = principal(Access::Partner { organisation_id: Uuid::now_v7(), municipality_id: Some(m) });
        for status in S::ALL {
            assert!(actions_open_to(&viewer, status, m, a).is_empty(), "{status:?}");
            assert!(actions_open_to(&partner, status, m, a).is_empty(), "{status:?}");
        }
    }

    #[test]
    fn nobody_acts_on_an_adopted_superseded_or_withdrawn_version() {
        let (m, a) = (Uuid::now_v7(), Uuid::now_v7());
        for status in [S::Adopted, S::Superseded, S::Withdrawn] {
            assert!(actions_open_to(&principal(Access::Admin), status, m, a).is_empty(), "{status:?}");
        }
    }

    #[test]
    fn every_action_offered_is_one_the_lifecycle_takes() {
        let (m, a) = (Uuid::now_v7(), Uuid::now_v7());
        for status in S::ALL {
            for action in actions_open_to(&principal(Access::Admin), status, m, a) {
                assert!(transition(status, action, Some("reden")).is_ok(), "{status:?} {action:?}");
            }
        }
    }
}
