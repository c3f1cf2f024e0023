//! Deadlines over many areas at once, shared by the deadline list, the cycle board, the dashboard and the
//! sweeper: the same inputs and the same domain rules, so their answers agree.
//!
//! A fixed number of statements whatever the number of areas: the calendars, the stage documents with
//! their first adoption, and the contributions with a due date.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::access::ReadScope;
use domain::calendar::Calendar;
use domain::deadline::{self, Deadline, Stage};
use persistence::ConnectionTrait;
use persistence::areas::Area;
use persistence::deadlines::{self as store, ContributionSelection};
use uuid::Uuid;

use crate::error::ApiError;

/// The stages a caller may see deadlines of. Partners do not see analyses (SPEC §7), so neither do they
/// see whether one was due or late.
pub fn visible_stages(scope: ReadScope) -> &'static [Stage] {
    match scope {
        ReadScope::PartnerOrganisation(_) => &[Stage::Agenda, Stage::Plan, Stage::Monitor, Stage::Contribution],
        _ => &Stage::ALL,
    }
}

/// The calendar of each municipality these areas belong to.
pub async fn calendars<C: ConnectionTrait>(conn: &C, areas: &[Area]) -> Result<HashMap<Uuid, Calendar>, ApiError> {
    let mut ids: Vec<Uuid> = areas.iter().map(|a| a.municipality_id).collect();
    ids.sort();
    ids.dedup();
    Ok(persistence::municipalities::calendars(conn, &ids).await?.into_iter().collect())
}

/// Every deadline of these areas in the cycle years `from..=to` that `scope` may see, contributions
/// included (by the year of their due date), sorted as lists show them.
pub async fn compute<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    areas: &[Area],
    (from, to): (i32, i32),
    today: NaiveDate,
) -> Result<Vec<Deadline>, ApiError> {
    if areas.is_empty() {
        return Ok(vec![]);
    }
    let calendars = calendars(conn, areas).await?;
    let area_ids: Vec<Uuid> = areas.iter().map(|a| a.id).collect();
    let mut documents = store::stage_documents(conn, &area_ids, from, to).await?;
    if matches!(scope, ReadScope::PartnerOrganisation(_)) {
        // A partner sees a document only once it was adopted; before that it is not there for them.
        documents.retain(|d| d.first_adopted_at.is_some());
    }
    let stages = visible_stages(scope);
    let mut deadlines = Vec::new();
    for area in areas {
        let Some(calendar) = calendars.get(&area.municipality_id) else { continue };
        for year in from..=to {
            if !deadline::area_exists_in(year, area.valid_from, area.valid_until) {
                continue;
            }
            let of_year = deadline::stage_deadlines(calendar, area.municipality_id, area.id, year, &documents, today);
            deadlines.extend(of_year.into_iter().filter(|d| stages.contains(&d.stage)));
        }
    }
    let selection = ContributionSelection {
        area_ids,
        due_from: NaiveDate::from_ymd_opt(from, 1, 1),
        due_until: NaiveDate::from_ymd_opt(to, 12, 31),
        agenda_document_ids: None,
    };
    for fact in store::contribution_facts(conn, scope, &selection).await? {
        let (Some(due), Some(calendar)) = (fact.due(), calendars.get(&fact.municipality_id)) else { continue };
        deadlines.push(deadline::contribution_deadline(&due, today, calendar.due_soon_days));
    }
    deadlines.sort_by_key(Deadline::sort_key);
    Ok(deadlines)
}

/// Stage documents from documents and version summaries already read, for views that have them anyway
/// (the cycle board, the dashboard): a document's first adoption is the earliest `adoptedAt` of its versions.
pub fn stage_documents_from(
    documents: &[persistence::documents::Document],
    versions: &[persistence::documents::VersionSummary],
) -> Vec<deadline::StageDocument> {
    documents
        .iter()
        .map(|d| deadline::StageDocument {
            id: d.id,
            area_id: d.area_id,
            kind: d.kind,
            period_start: d.period_start,
            period_end: d.period_end,
            first_adopted_at: versions.iter().filter(|v| v.document_id == d.id).filter_map(|v| v.adopted_at).min(),
        })
        .collect()
}
