//! Deadlines (termijnen, SPEC §5): what is due when, for the opgaveregisseur's daily view, and the deadline
//! computation the cycle board, the dashboard and the sweeper share, so that their answers agree.
//!
//! Deadlines are computed from the calendar, the documents and the contributions, so a calendar change or an
//! adoption shows at once; a fixed number of statements whatever the number of areas. The list is sorted by
//! due date; its cursor is the sort key of the last deadline on the page, which stays valid when deadlines
//! before it change state.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Principal;
use domain::access::ReadScope;
use domain::calendar::Calendar;
use domain::clock::dutch_date;
use domain::deadline::{self, Deadline, DeadlineState, Stage, visible_stages};
use domain::{FieldErrors, calendar};
use persistence::ConnectionTrait;
use persistence::areas::Area;
use persistence::deadlines::{self as store, ContributionSelection};
use persistence::names::ContributionLabel;
use uuid::Uuid;

use super::Result;
use crate::pagination::{check_page_size, decode_key_cursor, encode_key_cursor};
use crate::view_cache::{ViewCache, ViewKey};

/// One municipality's deadlines as last computed, kept while the municipality does not change.
pub type DeadlineViews = ViewCache<Arc<Vec<Deadline>>>;

/// Which deadlines to list, and which page: `cursor` is the one a previous page handed out.
#[derive(Debug, Default)]
pub struct DeadlineQuery {
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    /// Without it: last year, this year and next year.
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    pub state: Option<DeadlineState>,
    pub page_size: Option<u64>,
    pub cursor: Option<String>,
}

/// A page of deadlines, the names of what they are about, and the cursor of the next page when there is one.
pub struct DeadlinePage {
    pub deadlines: Vec<Deadline>,
    pub names: DeadlineNames,
    pub next: Option<String>,
}

/// The names beside a page of deadlines' ids: its areas, and for contribution deadlines the organisation, the
/// contribution's title and its goal's title.
#[derive(Debug, Default)]
pub struct DeadlineNames {
    areas: HashMap<Uuid, String>,
    organisations: HashMap<Uuid, String>,
    contributions: HashMap<Uuid, ContributionLabel>,
    goals: HashMap<(Uuid, String), String>,
}

impl DeadlineNames {
    /// Looked up for the page at once: one statement per kind of name, none for a kind the page lacks.
    async fn of<C: ConnectionTrait>(conn: &C, scope: ReadScope, deadlines: &[Deadline]) -> Result<DeadlineNames> {
        let area_ids: Vec<Uuid> = deadlines.iter().map(|d| d.area_id).collect();
        let organisation_ids: Vec<Uuid> = deadlines.iter().filter_map(|d| d.organisation_id).collect();
        let contribution_ids: Vec<Uuid> = deadlines.iter().filter_map(|d| d.contribution_id).collect();
        let areas = persistence::names::areas(conn, &area_ids).await?;
        let organisations = persistence::names::organisations(conn, &organisation_ids).await?;
        let contributions = persistence::names::contributions(conn, &contribution_ids).await?;
        let agenda_ids: Vec<Uuid> = contributions.values().map(|c| c.agenda_document_id).collect();
        let with_drafts = !matches!(scope, ReadScope::PartnerOrganisation(_));
        let goals = persistence::names::goal_titles(conn, &agenda_ids, with_drafts).await?;
        Ok(DeadlineNames { areas, organisations, contributions, goals })
    }

    pub fn area(&self, d: &Deadline) -> String {
        self.areas.get(&d.area_id).cloned().unwrap_or_default()
    }

    pub fn organisation(&self, d: &Deadline) -> Option<String> {
        d.organisation_id.and_then(|o| self.organisations.get(&o).cloned())
    }

    pub fn contribution_title(&self, d: &Deadline) -> Option<String> {
        d.contribution_id.and_then(|c| self.contributions.get(&c)).map(|c| c.title.clone())
    }

    /// The title of the goal a contribution serves, as its agenda words it.
    pub fn goal_title(&self, d: &Deadline) -> Option<String> {
        let c = d.contribution_id.and_then(|c| self.contributions.get(&c))?;
        self.goals.get(&(c.agenda_document_id, c.goal_key.clone())).cloned()
    }
}

type SortKey = (NaiveDate, Stage, Uuid, i32, Uuid);

fn key_text((due, stage, area, year, contribution): SortKey) -> String {
    format!("{due}|{}|{area}|{year}|{contribution}", stage.as_str())
}

fn parse_key(text: &str) -> Option<SortKey> {
    let parts: Vec<&str> = text.split('|').collect();
    let [due, stage, area, year, contribution] = parts.as_slice() else { return None };
    Some((due.parse().ok()?, Stage::parse(stage)?, area.parse().ok()?, year.parse().ok()?, contribution.parse().ok()?))
}

/// The deadlines the principal may see, sorted by due date (not applicable last), as of `now`. A partner
/// sees the agenda, plan and monitor deadlines of its areas and its own organisation's contribution
/// deadlines. One municipality's deadlines are kept in `views` while it does not change; every problem with
/// the query, paging included, is reported at once.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    now: DateTime<Utc>,
    views: &DeadlineViews,
    query: DeadlineQuery,
) -> Result<DeadlinePage> {
    let mut problems = FieldErrors::new();
    let size = check_page_size(&mut problems, query.page_size);
    let after = decode_key_cursor(&mut problems, query.cursor.as_deref(), parse_key);
    if let Some(y) = query.year {
        calendar::check_cycle_year(&mut problems, "year", y);
    }
    problems.into_result(())?;
    let scope = ReadScope::of(p);
    let today = dutch_date(now);
    let years = query.year.map(|y| (y, y)).unwrap_or_else(|| deadline::default_years(today));
    let all = match query.municipality_id {
        // An area filter narrows one municipality's kept list like the other filters.
        Some(m) => {
            let key = ViewKey { municipality_id: m, years, scope, today };
            let stamp = || async { Ok::<_, super::Error>(persistence::stamps::current(conn, m).await?) };
            views
                .get_or_compute(key, stamp, || async {
                    let areas = persistence::areas::all(conn, scope.on(today), Some(m), None).await?;
                    Ok(Arc::new(compute(conn, scope, &areas, years, today).await?))
                })
                .await?
        }
        None => {
            let areas = persistence::areas::all(conn, scope.on(today), None, query.area_id).await?;
            Arc::new(compute(conn, scope, &areas, years, today).await?)
        }
    };
    let mut deadlines: Vec<Deadline> = all
        .iter()
        .filter(|d| query.area_id.is_none_or(|a| d.area_id == a))
        .filter(|d| query.stage.is_none_or(|s| d.stage == s))
        .filter(|d| query.state.is_none_or(|s| d.state == s))
        .filter(|d| after.is_none_or(|a| d.sort_key() > a))
        .take(size as usize + 1)
        .cloned()
        .collect();
    let next = if deadlines.len() > size as usize {
        deadlines.truncate(size as usize);
        deadlines.last().map(|d| encode_key_cursor(&key_text(d.sort_key())))
    } else {
        None
    };
    let names = DeadlineNames::of(conn, scope, &deadlines).await?;
    Ok(DeadlinePage { deadlines, names, next })
}

/// The calendar of each municipality these areas belong to.
pub(crate) async fn calendars<C: ConnectionTrait>(conn: &C, areas: &[Area]) -> Result<HashMap<Uuid, Calendar>> {
    let mut ids: Vec<Uuid> = areas.iter().map(|a| a.municipality_id).collect();
    ids.sort();
    ids.dedup();
    Ok(persistence::municipalities::calendars(conn, &ids).await?.into_iter().collect())
}

/// Every deadline of these areas in the cycle years `from..=to` that `scope` may see, contributions
/// included (by the year of their due date), sorted as lists show them: the stage documents with their
/// first adoption (due when the area's own deadline or else the calendar says), and the contributions with a
/// due date, in a fixed number of statements.
pub(crate) async fn compute<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    areas: &[Area],
    (from, to): (i32, i32),
    today: NaiveDate,
) -> Result<Vec<Deadline>> {
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
    let own = persistence::deadline_overrides::of_areas(conn, &area_ids, (from, to)).await?;
    let stages = visible_stages(scope);
    let mut deadlines = Vec::new();
    for area in areas {
        let Some(calendar) = calendars.get(&area.municipality_id) else { continue };
        for year in from..=to {
            if !deadline::area_exists_in(year, area.valid_from, area.valid_until) {
                continue;
            }
            let of_year =
                deadline::stage_deadlines(calendar, area.municipality_id, area.id, year, &documents, &own, today);
            deadlines.extend(of_year.into_iter().filter(|d| stages.contains(&d.stage)));
        }
    }
    let selection = ContributionSelection {
        area_ids,
        due_from: NaiveDate::from_ymd_opt(from, 1, 1),
        due_until: NaiveDate::from_ymd_opt(to, 12, 31),
        agenda_document_ids: None,
        as_of: None,
    };
    for fact in store::contribution_facts(conn, scope.on(today), &selection).await? {
        let (Some(due), Some(calendar)) = (fact.due(), calendars.get(&fact.municipality_id)) else { continue };
        deadlines.push(deadline::contribution_deadline(&due, today, calendar.due_soon_days));
    }
    deadlines.sort_by_key(Deadline::sort_key);
    Ok(deadlines)
}

/// Stage documents from documents and version summaries already read, for views that have them anyway
/// (the cycle board, the dashboard): a document's first adoption is the earliest `adoptedAt` of its versions.
pub(crate) fn stage_documents_from(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_cursor_round_trips_and_a_foreign_one_is_refused() {
        let key: SortKey =
            (NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(), Stage::Plan, Uuid::now_v7(), 2027, Uuid::nil());
        assert_eq!(parse_key(&key_text(key)), Some(key));
        assert_eq!(parse_key("2027-03-01|plan|x|2027|y"), None);
        assert_eq!(parse_key("garbage"), None);
    }
}
