//! The cycle board (gebiedscyclus-overzicht) of one area and year: its four stages, each with its document,
//! the latest and the in-force version the principal may see, and its deadline.
//!
//! Everything a board shows is recorded for the area's municipality, so a board is kept in memory
//! (`view_cache`) while that municipality's change counter has not moved, like its dashboard: a read of an
//! unchanged board is one statement instead of five.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::Principal;
use domain::access::ReadScope;
use domain::calendar::CYCLE_YEARS;
use domain::clock::dutch_date;
use domain::content::DocumentKind;
use domain::deadline::{self, Deadline, Stage, visible_stages};
use domain::lifecycle::VersionStatus;
use persistence::ConnectionTrait;
use persistence::areas::Area;
use persistence::documents::{self as store, Document, VersionSummary};
use uuid::Uuid;

use super::deadlines::stage_documents_from;
use super::{Error, Result, as_of, scope_at};
use crate::view_cache::{AreaViewKey, ViewCache};

/// Boards as last computed, kept while their municipality does not change.
pub type BoardViews = ViewCache<Arc<Board>, AreaViewKey>;

/// The board of one area's cycle year.
pub struct Board {
    pub area_id: Uuid,
    /// The area, read in the principal's scope with its municipality's calendar.
    pub area: Area,
    pub year: i32,
    /// Analysis, agenda, plan and monitor, in that order.
    pub stages: Vec<BoardStage>,
}

/// One stage of the year.
pub struct BoardStage {
    pub kind: DocumentKind,
    /// The area's document of this kind covering the year (for the agenda: the one whose period covers it).
    pub document: Option<Document>,
    pub latest: Option<VersionSummary>,
    pub in_force: Option<VersionSummary>,
    /// `None` where the principal may not see the stage (a partner and the analysis).
    pub deadline: Option<Deadline>,
}

/// The board of area `area_id` for `year`, with the deadlines as they stand at `now`; with `at`, the
/// documents, versions and deadline states as they stood then (what the principal may see is decided now).
/// A board of now is served from `views` while the area's municipality has not changed since it was computed.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    views: &BoardViews,
    area_id: Uuid,
    year: i32,
    at: Option<DateTime<Utc>>,
) -> Result<Arc<Board>> {
    let (min, max) = CYCLE_YEARS;
    if !(min..=max).contains(&year) {
        return Err(Error::invalid("year", "invalid_year", format!("'{year}' is not a year between {min} and {max}")));
    }
    if at.is_some() {
        // Looking back is not kept: the key of a view does not say the moment.
        return Ok(Arc::new(compute(conn, p, now, area_id, year, at).await?));
    }
    let key = AreaViewKey { area_id, year, scope: ReadScope::of(p), today: dutch_date(now) };
    // No such area: not found for everyone, as the computation would say.
    let stamp = || async { persistence::stamps::current_of_area(conn, area_id).await?.ok_or(Error::NotFound) };
    views.get_or_compute(key, stamp, || async { Ok(Arc::new(compute(conn, p, now, area_id, year, None).await?)) }).await
}

async fn compute<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    area_id: Uuid,
    year: i32,
    at: Option<DateTime<Utc>>,
) -> Result<Board> {
    let scope = scope_at(p, now);
    let (area, calendar) = persistence::areas::get_with_calendar(conn, scope, area_id).await?;
    let docs = store::covering_year(conn, scope, &[area_id], year).await?;
    let refs: Vec<&Document> = docs.iter().collect();
    let versions = store::summaries(conn, scope, &refs).await?;
    let (docs, versions) = match at {
        Some(at) => as_of::documents_at(conn, scope.scope, docs, versions, at).await?,
        None => (docs, versions),
    };
    let today = dutch_date(at.unwrap_or(now));
    let visible = visible_stages(scope.scope);
    let stage_deadlines = match &calendar {
        Some(calendar) => {
            let documents = stage_documents_from(&docs, &versions);
            let own = persistence::deadline_overrides::of_areas(conn, &[area_id], (year, year)).await?;
            deadline::stage_deadlines(calendar, area.municipality_id, area_id, year, &documents, &own, today)
        }
        None => vec![],
    };
    let stages = [DocumentKind::Analysis, DocumentKind::Agenda, DocumentKind::Plan, DocumentKind::Monitor]
        .into_iter()
        .map(|kind| {
            let document = docs.iter().find(|d| d.kind == kind);
            let mine: Vec<&VersionSummary> =
                document.map(|d| versions.iter().filter(|v| v.document_id == d.id).collect()).unwrap_or_default();
            BoardStage {
                kind,
                document: document.cloned(),
                latest: mine.last().map(|v| (*v).clone()),
                in_force: mine.iter().find(|v| v.status == VersionStatus::Adopted).map(|v| (*v).clone()),
                deadline: stage_deadlines
                    .iter()
                    .find(|d| d.stage == Stage::from(kind) && visible.contains(&d.stage))
                    .cloned(),
            }
        })
        .collect();
    Ok(Board { area_id, area, year, stages })
}
