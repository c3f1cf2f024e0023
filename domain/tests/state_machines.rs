//! Property tests: random sequences of actions by random roles never break an invariant of the version
//! lifecycle (SPEC §3) or the contribution lifecycle (SPEC §6).

use domain::contribution::lifecycle::{self as cl, Parties};
use domain::contribution::{ContributionAction, ContributionStatus, Side};
use domain::lifecycle::{self as vl, VersionAction, VersionStatus};
use domain::principal::{Access, Principal};
use proptest::prelude::*;
use uuid::Uuid;

const MUNICIPALITY: Uuid = Uuid::from_u128(1);
const AREA: Uuid = Uuid::from_u128(2);
const ORGANISATION: Uuid = Uuid::from_u128(3);

/// How many [`principals`] there are, for strategies that pick one.
const PRINCIPALS: usize = 10;

fn principals() -> Vec<Principal> {
    let other = Uuid::from_u128(9);
    let accesses: [Access; PRINCIPALS] = [
        Access::Admin,
        Access::Coordinator { municipality_id: MUNICIPALITY },
        Access::Coordinator { municipality_id: other },
        Access::AreaEditor { municipality_id: MUNICIPALITY, area_ids: vec![AREA] },
        Access::AreaEditor { municipality_id: MUNICIPALITY, area_ids: vec![other] },
        Access::Partner { organisation_id: ORGANISATION, municipality_id: None },
        Access::Partner { organisation_id: ORGANISATION, municipality_id: Some(MUNICIPALITY) },
        Access::Partner { organisation_id: ORGANISATION, municipality_id: Some(other) },
        Access::Partner { organisation_id: other, municipality_id: None },
        Access::Viewer { municipality_id: MUNICIPALITY },
    ];
    accesses.into_iter().map(|access| Principal { token_id: Uuid::nil(), name: "prop".into(), access }).collect()
}

fn version_action() -> impl Strategy<Value = VersionAction> {
    prop_oneof![
        Just(VersionAction::Submit),
        Just(VersionAction::Return),
        Just(VersionAction::Adopt),
        Just(VersionAction::Withdraw)
    ]
}

fn contribution_action() -> impl Strategy<Value = ContributionAction> {
    proptest::sample::select(ContributionAction::ALL.to_vec())
}

/// A step on a document: start a new version, or act on version `pick % len` as principal `who`.
#[derive(Debug, Clone)]
enum Step {
    NewVersion,
    Act { pick: usize, action: VersionAction, who: usize, note: bool },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => Just(Step::NewVersion),
        4 => (0..8usize, version_action(), 0..PRINCIPALS, any::<bool>())
            .prop_map(|(pick, action, who, note)| Step::Act { pick, action, who, note }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// A document driven the way the service drives it: new versions only while none is open, transitions
    /// only when the role may and the state machine allows, adoption superseding the version in force.
    #[test]
    fn versions_keep_one_open_and_one_in_force_and_closed_ones_never_move(steps in proptest::collection::vec(step(), 1..60)) {
        let people = principals();
        let mut versions = vec![VersionStatus::Draft];
        for step in steps {
            let before = versions.clone();
            match step {
                Step::NewVersion => {
                    if !versions.iter().any(|s| s.is_open()) {
                        versions.push(VersionStatus::Draft);
                    }
                }
                Step::Act { pick, action, who, note } => {
                    let i = pick % versions.len();
                    let p = &people[who];
                    let note = note.then_some("reden");
                    let allowed = vl::may_act(p, action, MUNICIPALITY, AREA).is_ok();
                    if let Ok(to) = vl::transition(versions[i], action, note) {
                        prop_assert!(action != VersionAction::Adopt || versions[i] == VersionStatus::Submitted);
                        prop_assert!(!action.needs_note() || note.is_some());
                        if allowed {
                            if to == VersionStatus::Adopted {
                                for s in versions.iter_mut().filter(|s| **s == VersionStatus::Adopted) {
                                    *s = VersionStatus::Superseded;
                                }
                            }
                            versions[i] = to;
                        }
                    }
                    let coordinator = p.access == Access::Coordinator { municipality_id: MUNICIPALITY };
                    if p.access == Access::Admin || coordinator {
                        prop_assert!(allowed, "the administrator and the own coordinator may always act");
                    }
                    let outsider = matches!(p.access, Access::Partner { .. } | Access::Viewer { .. });
                    if outsider {
                        prop_assert!(!allowed, "partners and viewers never move a version");
                    }
                }
            }
            prop_assert!(versions.iter().filter(|s| s.is_open()).count() <= 1);
            prop_assert!(versions.iter().filter(|s| **s == VersionStatus::Adopted).count() <= 1);
            for (old, new) in before.iter().zip(&versions) {
                match old {
                    VersionStatus::Withdrawn | VersionStatus::Superseded => prop_assert_eq!(old, new),
                    VersionStatus::Adopted => prop_assert!(*new == VersionStatus::Adopted || *new == VersionStatus::Superseded),
                    _ => {}
                }
            }
        }
    }

    /// A contribution driven by random principals: what the domain allows never lets the proposer agree to
    /// itself, never withdraws without a note, never moves a closed contribution, and only reaches a
    /// delivery outcome through agreement and start.
    #[test]
    fn contributions_need_the_other_side_to_agree_and_closed_ones_never_move(
        steps in proptest::collection::vec((contribution_action(), 0..PRINCIPALS, any::<bool>(), any::<bool>()), 1..60),
        first_side in prop_oneof![Just(Side::Municipality), Just(Side::Partner)],
    ) {
        let people = principals();
        let parties = Parties { municipality_id: MUNICIPALITY, area_id: AREA, organisation_id: ORGANISATION };
        let mut status = ContributionStatus::Proposed;
        let mut proposed_by = first_side;
        let mut agreed = false;
        let mut started = false;
        for (action, who, note, edit) in steps {
            let p = &people[who];
            let Ok(side) = cl::may_act(p, &parties, action) else {
                prop_assert!(p.access != Access::Admin, "an administrator may always act");
                continue;
            };
            // Now and then the acting side changes the terms substantively, as a PATCH would.
            if edit && !status.is_closed() {
                status = ContributionStatus::Proposed;
                proposed_by = side;
            }
            let before = status;
            match cl::transition(status, started, action, proposed_by, side, note.then_some("reden")) {
                Ok(to) => {
                    prop_assert!(!before.is_closed());
                    if action == ContributionAction::Agree {
                        prop_assert_ne!(side, proposed_by);
                        // Work once started is not un-started by renegotiating its terms.
                        let expected = if started { ContributionStatus::InProgress } else { ContributionStatus::Committed };
                        prop_assert_eq!(to, expected);
                        agreed = true;
                    }
                    if action == ContributionAction::Withdraw {
                        prop_assert!(note);
                    }
                    if to == ContributionStatus::InProgress {
                        prop_assert!(agreed);
                        started = true;
                    }
                    if matches!(to, ContributionStatus::Delivered | ContributionStatus::PartiallyDelivered | ContributionStatus::NotDelivered) {
                        prop_assert!(agreed && started);
                    }
                    status = to;
                }
                Err(_) => prop_assert_eq!(status, before),
            }
        }
    }
}
