//! `POST /api/v1/contributions/imports`: contributions from a spreadsheet, in the CSV format the list
//! exports. Rows without an id propose new contributions; rows with an id change that contribution's
//! terms. All or nothing: one transaction, and when any row is refused, every problem of every row is
//! answered and nothing is changed.

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, web};
use domain::FieldErrors;
use domain::access::ReadScope;
use domain::contribution::Terms;
use persistence::StoreError;
use persistence::contributions::{self as store, Contribution};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::contributions::{propose, revise};
use crate::contribution_csv::{self as format, ImportRow};
use crate::error::{ApiError, InvalidParam};
use crate::extract::{Auth, CsvBody};
use crate::respond;
use crate::startup::AppState;

/// What happened to a row.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedRow {
    /// The row in the file, numbered as a spreadsheet does (the header is row 1).
    pub row: u64,
    pub id: Uuid,
    pub outcome: Outcome,
}

/// The result of an import (bijdragen importeren).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rows: Vec<ImportedRow>,
}

/// Puts a handler's refusal under the row it is about; failures of the service stop the import.
fn row_problem(errors: &mut FieldErrors, row: &ImportRow, e: ApiError) -> Result<(), ApiError> {
    let prefix = format!("rows[{}]", row.row);
    match e {
        ApiError::InvalidInput { params, .. } => {
            for p in params {
                errors.push(format!("{prefix}.{}", p.name), code(&p), p.reason);
            }
        }
        ApiError::Forbidden(reason) => errors.push(prefix, "forbidden", reason),
        ApiError::Conflict(reason) => errors.push(prefix, "conflict", reason),
        ApiError::NotFound(_) => errors.push(format!("{prefix}.id"), "unknown", "no such contribution"),
        ApiError::PreconditionFailed(reason) => errors.push(format!("{prefix}.revision"), "stale", reason),
        other => return Err(other),
    }
    Ok(())
}

/// Field error codes are static words; keep the known ones and fold the rest into `invalid_value`.
fn code(p: &InvalidParam) -> &'static str {
    const KNOWN: [&str; 11] = [
        "required",
        "too_long",
        "invalid_key",
        "not_finite",
        "out_of_range",
        "unknown",
        "not_an_agenda",
        "not_a_partner",
        "unknown_goal",
        "invalid_value",
        "duplicate",
    ];
    KNOWN.into_iter().find(|k| *k == p.code).unwrap_or("invalid_value")
}

fn required<T: Clone>(errors: &mut FieldErrors, row: &ImportRow, column: &str, cell: &format::Cell<T>) -> Option<T> {
    match cell {
        Some(Some(v)) => Some(v.clone()),
        _ => {
            errors.push(row.name(column), "required", format!("a new contribution needs {column}"));
            None
        }
    }
}

async fn create_row(
    tx: &persistence::Tx,
    p: &domain::Principal,
    row: &ImportRow,
    errors: &mut FieldErrors,
) -> Result<Option<Contribution>, ApiError> {
    let mut missing = FieldErrors::new();
    let agenda = required(&mut missing, row, "agendaDocumentId", &row.agenda_document_id);
    let organisation = required(&mut missing, row, "organisationId", &row.organisation_id);
    let kind = required(&mut missing, row, "kind", &row.kind);
    if let Some(Some(status)) = row.status
        && status != domain::contribution::ContributionStatus::Proposed
    {
        missing.push(row.name("status"), "read_only", "a new contribution starts as proposed; leave status empty");
    }
    let (Some(agenda), Some(organisation), Some(kind)) = (agenda, organisation, kind) else {
        errors.merge(missing);
        return Ok(None);
    };
    errors.merge(missing);
    let terms = Terms {
        goal_key: row.goal_key.clone().flatten().unwrap_or_default(),
        title: row.title.clone().flatten().unwrap_or_default(),
        description: row.description.clone().flatten().unwrap_or_default(),
        kind,
        amount: row.amount.flatten(),
        unit: row.unit.clone().flatten(),
        due_date: row.due_date.flatten(),
    };
    match propose(tx, p, agenda, organisation, terms).await {
        Ok(c) => Ok(Some(c)),
        Err(e) => row_problem(errors, row, e).map(|_| None),
    }
}

async fn update_row(
    tx: &persistence::Tx,
    p: &domain::Principal,
    id: Uuid,
    row: &ImportRow,
    errors: &mut FieldErrors,
) -> Result<Option<(Contribution, bool)>, ApiError> {
    let current = match store::get(tx.conn(), ReadScope::of(p), id).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => {
            errors.push(row.name("id"), "unknown", "no such contribution, or not one this token may see");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let before = errors.len();
    if let Some(Some(revision)) = row.revision
        && revision != current.revision
    {
        let reason = format!("changed since the export (revision {revision}, now {}); export again", current.revision);
        errors.push(row.name("revision"), "stale", reason);
    }
    let fixed = [
        ("agendaDocumentId", row.agenda_document_id.flatten(), current.agenda_document_id),
        ("organisationId", row.organisation_id.flatten(), current.organisation_id),
    ];
    for (column, given, stored) in fixed {
        if given.is_some_and(|g| g != stored) {
            errors.push(row.name(column), "read_only", format!("a contribution keeps its {column}; propose a new one"));
        }
    }
    if let Some(Some(status)) = row.status
        && status != current.status
    {
        let reason = format!("is {}; the status changes through transitions, not an import", current.status.as_str());
        errors.push(row.name("status"), "read_only", reason);
    }
    if errors.len() > before {
        return Ok(None);
    }
    let old = current.terms();
    let keep = |cell: &format::Cell<String>, stored: &str| match cell {
        None => stored.to_owned(),
        Some(v) => v.clone().unwrap_or_default(),
    };
    let terms = Terms {
        goal_key: keep(&row.goal_key, &old.goal_key),
        title: keep(&row.title, &old.title),
        description: keep(&row.description, &old.description),
        kind: match row.kind {
            None => old.kind,
            Some(Some(k)) => k,
            Some(None) => {
                errors.push(row.name("kind"), "required", "a contribution has a kind");
                return Ok(None);
            }
        },
        amount: row.amount.unwrap_or(old.amount),
        unit: row.unit.clone().unwrap_or(old.unit.clone()),
        due_date: row.due_date.unwrap_or(old.due_date),
    };
    match revise(tx, p, &current, terms, current.revision).await {
        Ok(c) => {
            let changed = c.revision != current.revision;
            Ok(Some((c, changed)))
        }
        Err(e) => row_problem(errors, row, e).map(|_| None),
    }
}

/// Import contributions from CSV (`text/csv`, comma or semicolon separated, UTF-8 with or without BOM), in
/// the format `GET /contributions` exports. Rows without `id` propose new contributions; rows with `id`
/// change that contribution's terms (and `revision`, when given, must still be current). All or nothing:
/// when any row is refused, `invalidParams` names every problem as `rows[<row>].<column>` (the header is
/// row 1) and nothing changes.
#[utoipa::path(operation_id = "importContributions", post, path = "/api/v1/contributions/imports", tag = "contributions",
    request_body(content = String, content_type = "text/csv",
        description = "Contributions as CSV; the header names the columns (any subset of the export's, in any order)"),
    responses((status = 200, description = "What each row did", body = ImportResult)))]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    CsvBody(raw): CsvBody,
) -> Result<HttpResponse, ApiError> {
    let (rows, mut errors) = format::read(&raw)?;
    let result = respond::in_transaction(&state, &req, &p, async |tx| {
        let mut seen = HashSet::new();
        let mut done = vec![];
        for row in &rows {
            match row.id {
                Some(id) if !seen.insert(id) => {
                    errors.push(row.name("id"), "duplicate", "this contribution is on an earlier row too");
                }
                Some(id) => {
                    if let Some((c, changed)) = update_row(tx, &p, id, row, &mut errors).await? {
                        let outcome = if changed { Outcome::Updated } else { Outcome::Unchanged };
                        done.push(ImportedRow { row: row.row, id: c.id, outcome });
                    }
                }
                None => {
                    if let Some(c) = create_row(tx, &p, row, &mut errors).await? {
                        done.push(ImportedRow { row: row.row, id: c.id, outcome: Outcome::Created });
                    }
                }
            }
        }
        if !errors.is_empty() {
            let lines: HashSet<&str> = errors.iter().filter_map(|e| e.name.split('.').next()).collect();
            let detail =
                format!("The file has {} problem(s) in {} row(s); nothing was imported.", errors.len(), lines.len());
            let ApiError::InvalidInput { params, .. } = ApiError::from(errors) else {
                return Err(ApiError::Internal("field errors became another error".into()));
            };
            return Err(ApiError::InvalidInput { detail, params });
        }
        let count = |o: Outcome| done.iter().filter(|r| r.outcome == o).count();
        Ok(ImportResult {
            created: count(Outcome::Created),
            updated: count(Outcome::Updated),
            unchanged: count(Outcome::Unchanged),
            rows: done,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}
