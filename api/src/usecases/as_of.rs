//! Time travel (`?at=`) for the documents, the cycle board and the dashboard: documents and their versions as
//! they stood at a moment, rebuilt from the versions' creation, adoption and supersession times and their
//! lifecycle steps (`domain::as_of`). Content needs no history: only drafts change, and a version in force
//! was adopted, so its content then is its content now.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use domain::as_of::{contribution_status_at, version_status_at};
use domain::contribution::ContributionStatus;
use domain::lifecycle::VersionStatus;
use persistence::ConnectionTrait;
use persistence::deadlines::ContributionFact;
use persistence::documents::{self as store, Document, VersionSummary, version_visible};

use super::Result;

/// `docs` (with `versions`, their versions the scope reads now) as they stood at `at`: documents created
/// since are left out, versions too, and each remaining version has the status it had then (left out when
/// the scope would not have read it in that status: a partner and yesterday's draft). One statement.
pub(crate) async fn documents_at<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    mut docs: Vec<Document>,
    versions: Vec<VersionSummary>,
    at: DateTime<Utc>,
) -> Result<(Vec<Document>, Vec<VersionSummary>)> {
    docs.retain(|d| d.created_at <= at);
    let ids: Vec<_> = docs.iter().map(|d| d.id).collect();
    let steps = store::version_steps(conn, &ids).await?;
    let then = versions
        .into_iter()
        .filter_map(|mut v| {
            let doc = docs.iter().find(|d| d.id == v.document_id)?;
            let mine: Vec<(DateTime<Utc>, VersionStatus)> = steps
                .iter()
                .filter(|s| s.document_id == v.document_id && s.version_number == v.number)
                .map(|s| (s.at, s.to))
                .collect();
            let status = version_status_at(v.created_at, &mine, v.superseded_at, at)?;
            if !version_visible(scope, doc.kind, status) {
                return None;
            }
            v.status = status;
            if v.adopted_at.is_some_and(|a| a > at) {
                v.adopted_at = None;
                v.adopted_by = None;
            }
            v.superseded_at = v.superseded_at.filter(|s| *s <= at);
            Some(v)
        })
        .collect();
    Ok((docs, then))
}

/// The contributions counted on the dashboard as they stood at `at` (they were read as proposed by then):
/// each with the status it had then, and withdrawn after commitment only once it was withdrawn. One statement.
pub(crate) async fn contributions_at<C: ConnectionTrait>(
    conn: &C,
    facts: &mut [ContributionFact],
    at: DateTime<Utc>,
) -> Result<()> {
    let ids: Vec<_> = facts.iter().map(|f| f.id).collect();
    let steps = persistence::contributions::steps_of(conn, &ids).await?;
    for fact in facts.iter_mut() {
        let mine: Vec<(DateTime<Utc>, ContributionStatus)> =
            steps.iter().filter(|(id, _, _)| *id == fact.id).map(|(_, when, to)| (*when, *to)).collect();
        fact.status = contribution_status_at(fact.created_at, &mine, at).unwrap_or(fact.status);
        fact.withdrawn_after_commitment &= fact.status == ContributionStatus::Withdrawn;
    }
    Ok(())
}
