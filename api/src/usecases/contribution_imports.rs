//! Contributions from a spreadsheet, row by row through the same operations as one at a time: rows without an
//! id are proposals, rows with an id change that contribution's terms. All or nothing: when any row is refused,
//! every problem of every row is reported, named `rows[<row>].<column>`, and the caller's transaction must not
//! commit.

use std::collections::HashSet;

use domain::FieldErrors;
use domain::contribution::{ContributionStatus, Terms};
use domain::{Parsed, Principal};
use persistence::contributions::{self as store, Contribution};
use persistence::{StoreError, Tx};
use uuid::Uuid;

use super::contributions::{self, Proposal, TermsChange};
use super::{BasedOn, Error, Result, scope_at};
use crate::contribution_csv::{Cell, ImportRow, Rows};

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A row that was imported, and what it did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The row in the file, numbered as a spreadsheet does (the header is row 1).
    pub row: u64,
    pub id: Uuid,
    pub outcome: Outcome,
}

/// Imports the rows of a file as they are read, so that one answer names what reading found and what the rows
/// refer to, row by row. Once as many problems are listed as one answer holds, the file will be refused and
/// the rest is only counted: the remaining rows are checked on their own, but no longer against stored data.
pub async fn import(tx: &Tx, p: &Principal, mut rows: Rows<'_>) -> Result<Vec<Imported>> {
    let mut errors = FieldErrors::new();
    let mut seen = HashSet::new();
    let mut done = vec![];
    while let Some(row) = rows.next() {
        errors.merge(std::mem::take(&mut rows.problems));
        // Without its id a row cannot be told to be a change or a proposal.
        if row.is_unreadable("id") {
            continue;
        }
        let against_store = !errors.is_full();
        match row.id {
            Some(id) if !seen.insert(id) => {
                errors.push(row.name("id"), "duplicate", "this contribution is on an earlier row too");
            }
            // A change is checked against the contribution it changes.
            Some(_) if !against_store => {}
            Some(id) => {
                if let Some((c, changed)) = update_row(tx, p, id, &row, &mut errors).await? {
                    let outcome = if changed { Outcome::Updated } else { Outcome::Unchanged };
                    done.push(Imported { row: row.row, id: c.id, outcome });
                }
            }
            None => {
                if let Some(c) = create_row(tx, p, &row, &mut errors, against_store).await? {
                    done.push(Imported { row: row.row, id: c.id, outcome: Outcome::Created });
                }
            }
        }
    }
    errors.merge(rows.into_problems());
    errors.into_result(done).map_err(Error::Invalid)
}

/// Puts a refusal under the row it is about; failures of the service stop the import.
fn row_problem(errors: &mut FieldErrors, row: &ImportRow, e: Error) -> Result<()> {
    let prefix = format!("rows[{}]", row.row);
    match e {
        Error::Invalid(problems) => {
            let mut news = FieldErrors::new();
            for p in
                problems.into_vec().into_iter().filter(|p| !row.is_unreadable(p.name.split('.').next().unwrap_or("")))
            {
                news.push(p.name, p.code, p.reason);
            }
            errors.extend_nested(&prefix, news)
        }
        Error::Forbidden(reason) => errors.push(prefix, "forbidden", reason),
        Error::Conflict(reason) => errors.push(prefix, "conflict", reason),
        Error::NotFound => errors.push(format!("{prefix}.id"), "unknown", "no such contribution"),
        Error::Stale(reason) => errors.push(format!("{prefix}.revision"), "stale", reason),
        other => return Err(other),
    }
    Ok(())
}

fn required<T: Clone>(errors: &mut FieldErrors, row: &ImportRow, column: &str, cell: &Cell<T>) -> Option<T> {
    match cell {
        Some(Some(v)) => Some(v.clone()),
        _ if row.is_unreadable(column) => None,
        _ => {
            errors.push(row.name(column), "required", format!("a new contribution needs {column}"));
            None
        }
    }
}

/// Proposes the contribution of a row; without `against_store`, only checks the row on its own.
async fn create_row(
    tx: &Tx,
    p: &Principal,
    row: &ImportRow,
    errors: &mut FieldErrors,
    against_store: bool,
) -> Result<Option<Contribution>> {
    let agenda = required(errors, row, "agendaDocumentId", &row.agenda_document_id);
    let organisation = required(errors, row, "organisationId", &row.organisation_id);
    // An unreadable kind is named already; any kind stands in, so the rest of the row is still checked.
    let kind = if row.is_unreadable("kind") {
        Some(domain::contribution::ContributionKind::Other)
    } else {
        required(errors, row, "kind", &row.kind)
    };
    if let Some(Some(status)) = row.status
        && status != ContributionStatus::Proposed
    {
        errors.push(row.name("status"), "read_only", "a new contribution starts as proposed; leave status empty");
    }
    let (Some(agenda_document_id), Some(organisation_id), Some(kind)) = (agenda, organisation, kind) else {
        return Ok(None);
    };
    let terms = Terms {
        goal_key: row.goal_key.clone().flatten().unwrap_or_default(),
        title: row.title.clone().flatten().unwrap_or_default(),
        description: row.description.clone().flatten().unwrap_or_default(),
        kind,
        amount: row.amount.flatten(),
        unit: row.unit.clone().flatten(),
        due_date: row.due_date.flatten(),
    };
    if !against_store {
        return match Parsed::parse(terms) {
            Ok(_) => Ok(None),
            Err(problems) => row_problem(errors, row, Error::Invalid(problems)).map(|_| None),
        };
    }
    match contributions::propose(tx, p, Proposal { agenda_document_id, organisation_id, terms }).await {
        Ok(c) => Ok(Some(c)),
        Err(e) => row_problem(errors, row, e).map(|_| None),
    }
}

async fn update_row(
    tx: &Tx,
    p: &Principal,
    id: Uuid,
    row: &ImportRow,
    errors: &mut FieldErrors,
) -> Result<Option<(Contribution, bool)>> {
    let current = match store::get_to_change(tx.conn(), scope_at(p, tx.now()), id).await {
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
    if row.kind == Some(None) && !row.is_unreadable("kind") {
        errors.push(row.name("kind"), "required", "a contribution has a kind");
    }
    if errors.len() > before {
        return Ok(None);
    }
    // An empty cell clears what may be empty; texts that may not be empty are then refused by the terms' check.
    let change = TermsChange {
        goal_key: row.goal_key.clone().map(Option::unwrap_or_default),
        title: row.title.clone().map(Option::unwrap_or_default),
        description: row.description.clone().map(Option::unwrap_or_default),
        kind: row.kind.flatten(),
        amount: row.amount,
        unit: row.unit.clone(),
        due_date: row.due_date,
    };
    match contributions::revise(tx, p, &current, &BasedOn::Any, change).await {
        Ok(c) => {
            let changed = c.revision != current.revision;
            Ok(Some((c, changed)))
        }
        Err(e) => row_problem(errors, row, e).map(|_| None),
    }
}
