//! Progress reports (voortgangsmeldingen) on a contribution: append-only, by its partner or the coordinator
//! on its behalf, from agreement until the contribution is closed (SPEC §6).

use chrono::{DateTime, Utc};
use domain::clock::dutch_date;
use domain::contribution::check_in::CheckIn;
use domain::contribution::lifecycle;
use domain::{Parsed, Principal};
use persistence::contributions::{self as store, CheckInRecord};
use persistence::{ConnectionTrait, Page, Tx};
use uuid::Uuid;

use super::{Error, Result, contributions};

/// Reports progress on contribution `id`. The report's date may not lie after today in the Netherlands.
pub async fn check_in(tx: &Tx, p: &Principal, id: Uuid, report: CheckIn) -> Result<CheckInRecord> {
    let c = contributions::get_to_report_on(tx, p, id).await?;
    lifecycle::may_check_in(p, &c.parties())?;
    let report = Parsed::parse_in(report, &dutch_date(tx.now()))?;
    if !c.status.takes_check_ins() {
        return Err(Error::Conflict(format!(
            "The contribution is {}; progress is reported once it is agreed to and until it is closed.",
            c.status.as_str()
        )));
    }
    Ok(store::add_check_in(tx, &c, report).await?)
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    contribution_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<CheckInRecord>> {
    let c = contributions::get(conn, p, now, contribution_id).await?;
    Ok(store::check_ins(conn, c.id, after, limit).await?)
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    contribution_id: Uuid,
    id: Uuid,
) -> Result<CheckInRecord> {
    let c = contributions::get(conn, p, now, contribution_id).await?;
    Ok(store::get_check_in(conn, c.id, id).await?)
}
