//! The counts of a municipality's dashboard (SPEC §5): contributions by status, goals by the latest
//! monitor's verdict, deadlines by state. They use the rules of the deadline and contribution lists, so the
//! numbers agree with what those lists show.

use chrono::NaiveDate;

use crate::content::GoalVerdict;
use crate::contribution::ContributionStatus;
use crate::contribution::check_in::Confidence;
use crate::deadline::{ContributionDue, DeadlineState, contribution_deadline};

/// Contributions (bijdragen) by status, with those overdue and those withdrawn after they were agreed to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ContributionCounts {
    pub total: u32,
    pub proposed: u32,
    pub committed: u32,
    pub in_progress: u32,
    pub delivered: u32,
    pub partially_delivered: u32,
    pub not_delivered: u32,
    pub withdrawn: u32,
    pub overdue: u32,
    pub withdrawn_after_commitment: u32,
    /// Under way (agreed to or in progress) with a latest check-in that says `at_risk`.
    pub at_risk: u32,
    /// Under way with a latest check-in that says `off_track`.
    pub off_track: u32,
}

impl ContributionCounts {
    /// Counts one contribution. `due` is what its deadline is made of, when it has a due date: it counts as
    /// overdue exactly when the deadline list shows its deadline overdue.
    pub fn count(
        &mut self,
        status: ContributionStatus,
        due: Option<&ContributionDue>,
        withdrawn_after_commitment: bool,
        today: NaiveDate,
        due_soon_days: i32,
    ) {
        self.total += 1;
        *match status {
            ContributionStatus::Proposed => &mut self.proposed,
            ContributionStatus::Committed => &mut self.committed,
            ContributionStatus::InProgress => &mut self.in_progress,
            ContributionStatus::Delivered => &mut self.delivered,
            ContributionStatus::PartiallyDelivered => &mut self.partially_delivered,
            ContributionStatus::NotDelivered => &mut self.not_delivered,
            ContributionStatus::Withdrawn => &mut self.withdrawn,
        } += 1;
        let overdue =
            due.is_some_and(|d| contribution_deadline(d, today, due_soon_days).state == DeadlineState::Overdue);
        self.overdue += u32::from(overdue);
        self.withdrawn_after_commitment += u32::from(withdrawn_after_commitment);
    }

    /// Counts a promise at risk: only while it is under way, since a closed contribution's last report says
    /// nothing about what is still to come.
    pub fn count_confidence(&mut self, status: ContributionStatus, latest: Option<Confidence>) {
        if !status.is_committed() {
            return;
        }
        match latest {
            Some(Confidence::AtRisk) => self.at_risk += 1,
            Some(Confidence::OffTrack) => self.off_track += 1,
            Some(Confidence::OnTrack) | None => {}
        }
    }

    pub fn add(&mut self, o: &ContributionCounts) {
        self.total += o.total;
        self.proposed += o.proposed;
        self.committed += o.committed;
        self.in_progress += o.in_progress;
        self.delivered += o.delivered;
        self.partially_delivered += o.partially_delivered;
        self.not_delivered += o.not_delivered;
        self.withdrawn += o.withdrawn;
        self.overdue += o.overdue;
        self.withdrawn_after_commitment += o.withdrawn_after_commitment;
        self.at_risk += o.at_risk;
        self.off_track += o.off_track;
    }
}

/// Goals (doelen) by the verdict a monitor gave them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GoalCounts {
    pub assessed: u32,
    pub achieved: u32,
    pub partly_achieved: u32,
    pub not_achieved: u32,
    pub not_assessable: u32,
}

impl GoalCounts {
    pub fn count(&mut self, verdict: GoalVerdict) {
        self.assessed += 1;
        *match verdict {
            GoalVerdict::Achieved => &mut self.achieved,
            GoalVerdict::PartlyAchieved => &mut self.partly_achieved,
            GoalVerdict::NotAchieved => &mut self.not_achieved,
            GoalVerdict::NotAssessable => &mut self.not_assessable,
        } += 1;
    }

    pub fn add(&mut self, o: &GoalCounts) {
        self.assessed += o.assessed;
        self.achieved += o.achieved;
        self.partly_achieved += o.partly_achieved;
        self.not_achieved += o.not_achieved;
        self.not_assessable += o.not_assessable;
    }
}

/// Deadlines by state.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StateCounts {
    pub met: u32,
    pub met_late: u32,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub not_applicable: u32,
}

impl StateCounts {
    pub fn count(&mut self, state: DeadlineState) {
        *match state {
            DeadlineState::Met => &mut self.met,
            DeadlineState::MetLate => &mut self.met_late,
            DeadlineState::Open => &mut self.open,
            DeadlineState::DueSoon => &mut self.due_soon,
            DeadlineState::Overdue => &mut self.overdue,
            DeadlineState::NotApplicable => &mut self.not_applicable,
        } += 1;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn due(due_date: NaiveDate, closed_at: Option<DateTime<Utc>>, withdrawn: bool) -> ContributionDue {
        ContributionDue {
            id: Uuid::nil(),
            municipality_id: Uuid::nil(),
            area_id: Uuid::nil(),
            organisation_id: Uuid::nil(),
            due_date,
            closed_at,
            withdrawn,
        }
    }

    #[test]
    fn a_contribution_past_its_due_date_without_an_outcome_counts_as_overdue() {
        let today = day(2027, 6, 1);
        let mut counts = ContributionCounts::default();
        counts.count(ContributionStatus::InProgress, Some(&due(day(2027, 5, 31), None, false)), false, today, 30);
        counts.count(ContributionStatus::Committed, Some(&due(day(2027, 1, 1), None, false)), false, today, 30);
        counts.count(ContributionStatus::InProgress, Some(&due(day(2027, 6, 1), None, false)), false, today, 30);
        counts.count(ContributionStatus::Committed, None, false, today, 30);
        assert_eq!((counts.total, counts.in_progress, counts.committed, counts.overdue), (4, 2, 2, 2));
    }

    #[test]
    fn a_withdrawn_contribution_owes_nothing_and_is_never_overdue() {
        let mut counts = ContributionCounts::default();
        let late = due(day(2027, 1, 1), None, true);
        counts.count(ContributionStatus::Withdrawn, Some(&late), true, day(2027, 6, 1), 30);
        assert_eq!((counts.withdrawn, counts.overdue, counts.withdrawn_after_commitment), (1, 0, 1));
    }

    #[test]
    fn the_totals_are_the_sums_of_the_areas() {
        let today = day(2027, 6, 1);
        let (mut a, mut b) = (ContributionCounts::default(), ContributionCounts::default());
        a.count(ContributionStatus::Proposed, None, false, today, 30);
        b.count(ContributionStatus::Delivered, None, false, today, 30);
        b.count(ContributionStatus::Withdrawn, None, true, today, 30);
        let mut total = ContributionCounts::default();
        total.add(&a);
        total.add(&b);
        assert_eq!(
            total,
            ContributionCounts {
                total: 3,
                proposed: 1,
                delivered: 1,
                withdrawn: 1,
                withdrawn_after_commitment: 1,
                ..Default::default()
            }
        );
        let (mut g, mut h) = (GoalCounts::default(), GoalCounts::default());
        g.count(GoalVerdict::Achieved);
        h.count(GoalVerdict::NotAssessable);
        g.add(&h);
        assert_eq!(g, GoalCounts { assessed: 2, achieved: 1, not_assessable: 1, ..Default::default() });
    }

    #[test]
    fn a_promise_is_at_risk_or_off_track_by_its_latest_check_in_only_while_it_is_under_way() {
        let mut counts = ContributionCounts::default();
        counts.count_confidence(ContributionStatus::Committed, Some(Confidence::AtRisk));
        counts.count_confidence(ContributionStatus::InProgress, Some(Confidence::OffTrack));
        counts.count_confidence(ContributionStatus::InProgress, Some(Confidence::OnTrack));
        counts.count_confidence(ContributionStatus::InProgress, None);
        counts.count_confidence(ContributionStatus::Delivered, Some(Confidence::OffTrack));
        counts.count_confidence(ContributionStatus::Withdrawn, Some(Confidence::AtRisk));
        assert_eq!((counts.at_risk, counts.off_track), (1, 1));
    }

    #[test]
    fn each_deadline_state_has_its_own_count() {
        let mut counts = StateCounts::default();
        for state in DeadlineState::ALL {
            counts.count(state);
        }
        counts.count(DeadlineState::Overdue);
        let expected = StateCounts { met: 1, met_late: 1, open: 1, due_soon: 1, overdue: 2, not_applicable: 1 };
        assert_eq!(counts, expected);
    }
}
