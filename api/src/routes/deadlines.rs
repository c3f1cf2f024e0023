//! `/api/v1/deadlines`: what is due when (termijnen, SPEC §5), for the opgaveregisseur's daily view.
//!
//! Deadlines are computed on every request from the calendar, the documents and the contributions, so a
//! calendar change or an adoption shows at once. The list is sorted by due date; its cursor is the sort key
//! of the last deadline on the page, which stays valid when deadlines before it change state.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldErrors;
use domain::access::ReadScope;
use domain::clock::dutch_date;
use domain::deadline::{self, Deadline, DeadlineState, Stage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::pagination::{ListResponse, check_page_size, decode_key_cursor, encode_key_cursor, next_link};
use crate::startup::AppState;
use crate::view_cache::ViewKey;

/// A deadline (termijn): when a stage of an area's cycle year, or a partner's contribution, is due, and
/// whether it was met.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineBody {
    pub municipality_id: Uuid,
    pub area_id: Uuid,
    pub stage: Stage,
    /// The cycle year (cyclusjaar); for a contribution the year of its due date.
    pub year: i32,
    /// The Dutch calendar date it is due (uiterste datum); null when not applicable.
    pub due_date: Option<NaiveDate>,
    pub state: DeadlineState,
    /// The document that meets it, when there is one.
    pub document_id: Option<Uuid>,
    /// For a contribution deadline: the contribution (bijdrage).
    pub contribution_id: Option<Uuid>,
    /// For a contribution deadline: the partner organisation.
    pub organisation_id: Option<Uuid>,
    /// When it was met: the first adoption (vaststelling) of the document, or the contribution's outcome.
    pub met_at: Option<DateTime<Utc>>,
}

impl From<&Deadline> for DeadlineBody {
    fn from(d: &Deadline) -> Self {
        DeadlineBody {
            municipality_id: d.municipality_id,
            area_id: d.area_id,
            stage: d.stage,
            year: d.year,
            due_date: d.due_date,
            state: d.state,
            document_id: d.document_id,
            contribution_id: d.contribution_id,
            organisation_id: d.organisation_id,
            met_at: d.met_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Only this municipality's (gemeente) deadlines.
    pub municipality_id: Option<Uuid>,
    /// Only this area's (gebied) deadlines.
    pub area_id: Option<Uuid>,
    /// Cycle year (cyclusjaar). Without it: last year, this year and next year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Only deadlines of this stage (fase).
    pub stage: Option<Stage>,
    /// Only deadlines in this state (stand).
    pub state: Option<DeadlineState>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
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

/// The deadlines in the caller's scope, sorted by due date (not applicable last). A partner sees the
/// agenda, plan and monitor deadlines of its areas and its own organisation's contribution deadlines.
#[utoipa::path(operation_id = "listDeadlines", get, path = "/api/v1/deadlines", tag = "deadlines",
    params(DeadlineQuery),
    responses((status = 200, description = "A page of deadlines (termijnen)", body = ListResponse<DeadlineBody>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<DeadlineQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = FieldErrors::new();
    let size = check_page_size(&mut problems, q.page_size);
    let after = decode_key_cursor(&mut problems, q.cursor.as_deref(), parse_key);
    let (min, max) = domain::calendar::CYCLE_YEARS;
    if let Some(y) = q.year
        && !(min..=max).contains(&y)
    {
        problems.push("year", "out_of_range", format!("must be between {min} and {max}"));
    }
    problems.into_result(())?;
    let scope = ReadScope::of(&p);
    let conn = state.db.conn();
    let today = dutch_date(state.db.clock().now());
    let years = q.year.map(|y| (y, y)).unwrap_or_else(|| deadline::default_years(today));
    let all = match q.municipality_id {
        // One municipality's deadlines are kept while it does not change (`view_cache`); an area filter
        // narrows that list like the other filters.
        Some(m) => {
            let stamp = persistence::stamps::current(conn, m).await?;
            let key = ViewKey { municipality_id: m, years, scope, today };
            match state.deadlines.get(&key, stamp) {
                Some(all) => all,
                None => {
                    let areas = persistence::areas::all(conn, scope, Some(m), None).await?;
                    let all = Arc::new(crate::deadlines::compute(conn, scope, &areas, years, today).await?);
                    state.deadlines.put(key, stamp, all.clone());
                    all
                }
            }
        }
        None => {
            let areas = persistence::areas::all(conn, scope, None, q.area_id).await?;
            Arc::new(crate::deadlines::compute(conn, scope, &areas, years, today).await?)
        }
    };
    let mut selected = all
        .iter()
        .filter(|d| q.area_id.is_none_or(|a| d.area_id == a))
        .filter(|d| q.stage.is_none_or(|s| d.stage == s))
        .filter(|d| q.state.is_none_or(|s| d.state == s))
        .filter(|d| after.is_none_or(|a| d.sort_key() > a))
        .take(size as usize + 1)
        .collect::<Vec<_>>();
    let next = if selected.len() > size as usize {
        selected.truncate(size as usize);
        selected.last().map(|d| next_link(&req, &encode_key_cursor(&key_text(d.sort_key()))))
    } else {
        None
    };
    let results = selected.into_iter().map(DeadlineBody::from).collect();
    Ok(HttpResponse::Ok().json(ListResponse { results, next }))
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
