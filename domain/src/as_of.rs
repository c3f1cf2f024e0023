//! Time travel (`?at=`): what a version's or a contribution's status was at a moment, rebuilt from what is
//! kept: when it was created and the steps of its lifecycle, each with its time. A state machine's steps are
//! its history, so no snapshot is needed.

use chrono::{DateTime, Utc};

use crate::contribution::ContributionStatus;
use crate::lifecycle::VersionStatus;

/// A version's status at `at`: `None` when it did not exist yet. `steps` are its transitions (time, status
/// after), in the order they were taken. Superseding is not a step of its own lifecycle (another version's
/// adoption does it), so it comes as the moment it happened.
pub fn version_status_at(
    created_at: DateTime<Utc>,
    steps: &[(DateTime<Utc>, VersionStatus)],
    superseded_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Option<VersionStatus> {
    if created_at > at {
        return None;
    }
    if superseded_at.is_some_and(|s| s <= at) {
        return Some(VersionStatus::Superseded);
    }
    Some(steps.iter().rev().find(|(when, _)| *when <= at).map_or(VersionStatus::Draft, |(_, to)| *to))
}

/// A contribution's status at `at`: `None` when it was not proposed yet. `steps` are its transitions (time,
/// status after), in order. A change of terms that makes an agreed contribution a proposal again is not a
/// transition and keeps no time of its own, so the history shows such a contribution agreed to until its next
/// transition; that is where the history does not allow more.
pub fn contribution_status_at(
    created_at: DateTime<Utc>,
    steps: &[(DateTime<Utc>, ContributionStatus)],
    at: DateTime<Utc>,
) -> Option<ContributionStatus> {
    if created_at > at {
        return None;
    }
    Some(steps.iter().rev().find(|(when, _)| *when <= at).map_or(ContributionStatus::Proposed, |(_, to)| *to))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_version_is_a_draft_until_its_first_step_and_superseded_from_the_next_adoption() {
        let steps = [(day(3), VersionStatus::Submitted), (day(5), VersionStatus::Adopted)];
        let at = |d| version_status_at(day(2), &steps, Some(day(9)), day(d));
        assert_eq!(at(1), None, "not created yet");
        assert_eq!(at(2), Some(VersionStatus::Draft), "created at that very moment");
        assert_eq!(at(4), Some(VersionStatus::Submitted));
        assert_eq!(at(5), Some(VersionStatus::Adopted));
        assert_eq!(at(8), Some(VersionStatus::Adopted));
        assert_eq!(at(9), Some(VersionStatus::Superseded));
    }

    #[test]
    fn a_returned_version_is_a_draft_again_and_a_withdrawn_one_stays_withdrawn() {
        let steps =
            [(day(3), VersionStatus::Submitted), (day(4), VersionStatus::Draft), (day(6), VersionStatus::Withdrawn)];
        let at = |d| version_status_at(day(2), &steps, None, day(d));
        assert_eq!(
            [at(3), at(4), at(5), at(20)].map(Option::unwrap),
            [VersionStatus::Submitted, VersionStatus::Draft, VersionStatus::Draft, VersionStatus::Withdrawn]
        );
    }

    #[test]
    fn a_contribution_is_proposed_until_it_is_agreed_to() {
        let steps = [(day(4), ContributionStatus::Committed), (day(6), ContributionStatus::Withdrawn)];
        let at = |d| contribution_status_at(day(2), &steps, day(d));
        assert_eq!(at(1), None);
        assert_eq!(at(3), Some(ContributionStatus::Proposed));
        assert_eq!(at(5), Some(ContributionStatus::Committed));
        assert_eq!(at(7), Some(ContributionStatus::Withdrawn));
    }
}
