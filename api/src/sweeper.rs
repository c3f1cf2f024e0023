//! The deadline sweeper: a background task that raises `deadline.due_soon` and `deadline.overdue` domain
//! events (SPEC §8) once per deadline and state.
//!
//! "Once" is the database's to decide, not this process's: each announcement inserts a notice under a
//! unique (subject, state) key in the same transaction as its audit and domain event, so several instances
//! sweeping one PostgreSQL, or one instance restarting mid-sweep, never raise an event twice.

use std::collections::HashSet;
use std::time::Duration;

use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::deadline;
use persistence::{Actor, Db};

use crate::error::ApiError;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub municipalities: usize,
    /// Deadlines found due soon or overdue.
    pub candidates: usize,
    /// Events this sweep raised (others were raised before, here or by another instance).
    pub raised: usize,
}

/// Sweeps every municipality once: the deadlines of last year, this year and next year, as the deadline
/// list shows them by default.
pub async fn sweep_once(db: &Db) -> Result<SweepReport, ApiError> {
    let today = dutch_date(db.clock().now());
    let years = deadline::default_years(today);
    let mut report = SweepReport::default();
    for municipality_id in persistence::municipalities::ids(db.conn()).await? {
        report.municipalities += 1;
        let areas = persistence::areas::all(db.conn(), ReadScope::All, Some(municipality_id), None).await?;
        let deadlines = crate::usecases::deadlines::compute(db.conn(), ReadScope::All, &areas, years, today).await?;
        let announced: HashSet<(String, String)> =
            persistence::deadlines::announced(db.conn(), municipality_id).await?.into_iter().collect();
        let pending: Vec<_> = deadlines
            .iter()
            .filter(|d| d.state.is_announced())
            .filter(|d| !announced.contains(&(d.subject(), d.state.as_str().to_owned())))
            .collect();
        report.candidates += pending.len();
        if pending.is_empty() {
            continue;
        }
        // One transaction per municipality: a crash loses at most that municipality's sweep, which the
        // next sweep repeats.
        let tx = db.begin(Actor::system("deadline sweeper")).await?;
        for d in pending {
            if persistence::deadlines::announce(&tx, d).await? {
                report.raised += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// Runs `sweep_once` every `interval` until the process stops. A failed sweep is logged and tried again
/// at the next tick; the database being away for a while is not a reason to stop.
pub fn spawn(db: Db, interval: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match sweep_once(&db).await {
                Ok(r) if r.raised > 0 => tracing::info!(raised = r.raised, "deadline sweep raised events"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deadline sweep failed; retrying at the next tick"),
            }
        }
    });
}
