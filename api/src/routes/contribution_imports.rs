//! `POST /api/v1/contributions/imports`: contributions from a spreadsheet, in the CSV format the list
//! exports (the rules are in [`crate::usecases::contribution_imports`]). All or nothing: one transaction, and
//! when any row is refused, every problem of every row is answered and nothing is changed.

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::contribution_csv as format;
use crate::error::ApiError;
use crate::extract::{Auth, CsvBody};
use crate::respond;
use crate::startup::AppState;
use crate::usecases::Error;
use crate::usecases::contribution_imports::{self, Outcome};

/// What happened to a row.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[schema(as = Outcome)]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}
mirror!(RowOutcome, Outcome, [Created, Updated, Unchanged]);

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedRow {
    /// The row in the file, numbered as a spreadsheet does (the header is row 1).
    pub row: u64,
    pub id: Uuid,
    pub outcome: RowOutcome,
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
    let rows = format::read(&raw)?;
    let imported = respond::in_transaction(&state, &req, &p, async |tx| {
        contribution_imports::import(tx, &p, rows).await.map_err(|e| match e {
            Error::Invalid(problems) => {
                let lines: HashSet<&str> = problems.iter().filter_map(|e| e.name.split('.').next()).collect();
                let detail = match problems.more() {
                    0 => format!(
                        "The file has {} problem(s) in {} row(s); nothing was imported.",
                        problems.len(),
                        lines.len()
                    ),
                    more => format!(
                        "The file has at least {} problems; the first {} are listed and nothing was imported. Once \
                         the list was full, the remaining rows were checked on their own, not against stored data.",
                        problems.len(),
                        problems.len() - more
                    ),
                };
                match ApiError::from(problems) {
                    ApiError::InvalidInput { params, more, .. } => ApiError::InvalidInput { detail, params, more },
                    other => other,
                }
            }
            other => other.into(),
        })
    })
    .await?;
    let count = |o: Outcome| imported.iter().filter(|r| r.outcome == o).count();
    let result = ImportResult {
        created: count(Outcome::Created),
        updated: count(Outcome::Updated),
        unchanged: count(Outcome::Unchanged),
        rows: imported.iter().map(|r| ImportedRow { row: r.row, id: r.id, outcome: r.outcome.into() }).collect(),
    };
    Ok(HttpResponse::Ok().json(result))
}
