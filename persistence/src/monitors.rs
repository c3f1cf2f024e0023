//! The latest adopted monitor (jaarlijkse monitor) of each area, for the dashboard's goal verdicts.

use chrono::{DateTime, Utc};
use domain::access::ScopeOn;
use domain::content::DocumentKind;
use domain::lifecycle::VersionStatus;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::Value;
use uuid::Uuid;

use crate::documents::document_scope;
use crate::entity::{document, version};
use crate::error::StoreError;

/// An area's latest adopted monitor.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestMonitor {
    pub area_id: Uuid,
    pub document_id: Uuid,
    pub year: i32,
    /// The content of the version in force, as stored.
    pub content: Value,
}

/// A version in force: now the adopted one; at an earlier moment the one adopted by then and not yet
/// superseded.
fn in_force(at: Option<DateTime<Utc>>) -> Condition {
    let (adopted_at, superseded_at) = (
        Expr::col((version::Entity, version::Column::AdoptedAt)),
        Expr::col((version::Entity, version::Column::SupersededAt)),
    );
    match at {
        None => Condition::all()
            .add(Expr::col((version::Entity, version::Column::Status)).eq(VersionStatus::Adopted.as_str())),
        Some(at) => Condition::all()
            .add(adopted_at.lte(at))
            .add(Condition::any().add(superseded_at.clone().is_null()).add(superseded_at.gt(at))),
    }
}

/// For each of these areas, the monitor in force (at `at`, or now) of the latest year up to `year` that has
/// one. Two statements whatever the number of areas: the candidate documents, then the content of the chosen
/// ones.
pub async fn latest_up_to<C: ConnectionTrait>(
    conn: &C,
    scope: impl Into<ScopeOn>,
    area_ids: &[Uuid],
    year: i32,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<LatestMonitor>, StoreError> {
    if area_ids.is_empty() {
        return Ok(vec![]);
    }
    // Correlated, so each candidate is checked through the versions' document index instead of collecting
    // every adopted version in the database first.
    let adopted = Query::select()
        .expr(Expr::val(1))
        .from(version::Entity)
        .and_where(
            Expr::col((version::Entity, version::Column::DocumentId)).equals((document::Entity, document::Column::Id)),
        )
        .cond_where(in_force(at))
        .to_owned();
    let candidates: Vec<(Uuid, Uuid, i32)> = document::Entity::find()
        .select_only()
        .columns([document::Column::Id, document::Column::AreaId, document::Column::PeriodStart])
        .filter(document_scope(scope.into()))
        .filter(document::Column::Kind.eq(DocumentKind::Monitor.as_str()))
        .filter(document::Column::AreaId.is_in(area_ids.iter().copied()))
        .filter(document::Column::PeriodStart.lte(year))
        .filter(Expr::exists(adopted))
        .into_tuple()
        .all(conn)
        .await?;
    let mut latest: Vec<(Uuid, Uuid, i32)> = Vec::new();
    for (doc, area, y) in candidates {
        match latest.iter_mut().find(|(_, a, _)| *a == area) {
            Some(best) if best.2 < y => *best = (doc, area, y),
            Some(_) => {}
            None => latest.push((doc, area, y)),
        }
    }
    // Asked even when nothing was found, so the number of statements does not depend on the data.
    let contents: Vec<(Uuid, Value)> = version::Entity::find()
        .select_only()
        .columns([version::Column::DocumentId, version::Column::Content])
        .filter(in_force(at))
        .filter(version::Column::DocumentId.is_in(latest.iter().map(|(d, _, _)| *d)))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(latest
        .into_iter()
        .filter_map(|(document_id, area_id, year)| {
            let content = contents.iter().find(|(d, _)| *d == document_id)?.1.clone();
            Some(LatestMonitor { area_id, document_id, year, content })
        })
        .collect())
}
