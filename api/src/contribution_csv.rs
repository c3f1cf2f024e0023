//! The one CSV format of contributions: `GET /contributions` with `Accept: text/csv` writes it and
//! `POST /contributions/imports` reads it, so an export edited in a spreadsheet can be imported as it is.
//!
//! The export is RFC 4180 (comma, CRLF, UTF-8). The import also takes what Dutch spreadsheets write:
//! semicolons as separator, a UTF-8 byte-order mark, decimal commas (`0,5`) and dates as `31-12-2027`.
//! Problems are named `rows[<row>].<column>`, where the row is numbered as a spreadsheet numbers it (the
//! header is row 1), so a user can find each one.
//!
//! A text a partner typed (`=HYPERLINK(…)`, `@SUM(…)`) must not become a formula in the spreadsheet of the
//! person who opens the export (SPEC §15), so a text cell that a spreadsheet would read as one is written with
//! a `'` in front, and the import takes off exactly that `'` again. Numbers are written as plain decimals
//! (`0.2`, never `2e-1`), which read back exactly; they are never negative, so never start like a formula.

use chrono::NaiveDate;
use domain::FieldErrors;
use domain::contribution::{ContributionKind, ContributionStatus};
use domain::field_errors::{Lines, forbidden_chars};
use persistence::contributions::Contribution;
use uuid::Uuid;

use crate::usecases::contributions::ContributionNames;

/// The columns, in order. The first ten are what a contribution is; `status` and `proposedBy` are shown
/// but changed through transitions; `revision` guards against overwriting a change made since the export.
/// Beside an id stands the name people know it by (`goalTitle`, `organisationName`, `areaName`): written for
/// reading, and ignored by the import whatever they hold ([`READ_ONLY_NAMES`]).
pub const COLUMNS: [&str; 18] = [
    "id",
    "agendaDocumentId",
    "goalKey",
    "goalTitle",
    "organisationId",
    "organisationName",
    "title",
    "description",
    "kind",
    "amount",
    "unit",
    "dueDate",
    "status",
    "proposedBy",
    "revision",
    "areaId",
    "areaName",
    "updatedAt",
];

/// The columns of names beside ids: an import skips their cells unread, so a name edited in the
/// spreadsheet (or one that changed since the export) neither changes anything nor is refused.
pub const READ_ONLY_NAMES: [&str; 3] = ["goalTitle", "organisationName", "areaName"];

/// What a spreadsheet reads as the start of a formula, or (tab, carriage return) lets one hide behind.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The mark that makes a spreadsheet show a cell as text.
const AS_TEXT: char = '\'';

/// A text as the export writes it: with a `'` in front when a spreadsheet would read it as a formula, and when
/// it starts with `'` itself, so that [`text_of_cell`] can tell the two apart and the import reads back
/// exactly what was exported.
fn text_cell(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) || text.starts_with(AS_TEXT) {
        format!("{AS_TEXT}{text}")
    } else {
        text.to_owned()
    }
}

/// A text cell as the import reads it: without the `'` that [`text_cell`] puts on, and unchanged otherwise (a
/// `'` typed before an ordinary word is the user's).
fn text_of_cell(cell: &str) -> &str {
    match cell.strip_prefix(AS_TEXT) {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with(AS_TEXT) => rest,
        _ => cell,
    }
}

/// Writes contributions as CSV with a header line, with the names beside their ids.
pub fn write(items: &[Contribution], names: &ContributionNames) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(vec![]);
    let mut rows = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    for c in items {
        rows.push(vec![
            c.id.to_string(),
            c.agenda_document_id.to_string(),
            text_cell(&c.goal_key),
            text_cell(names.goal(c)),
            c.organisation_id.to_string(),
            text_cell(names.organisation(c)),
            text_cell(&c.title),
            text_cell(&c.description),
            c.kind.as_str().to_owned(),
            c.amount.map(|a| a.to_string()).unwrap_or_default(),
            c.unit.as_deref().map(text_cell).unwrap_or_default(),
            c.due_date.map(|d| d.to_string()).unwrap_or_default(),
            c.status.as_str().to_owned(),
            c.proposed_by.as_str().to_owned(),
            c.revision.to_string(),
            c.area_id.to_string(),
            text_cell(names.area(c)),
            c.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// A cell of an optional column: `None` when the file has no such column (keep what is stored),
/// `Some(None)` when the cell is empty.
pub type Cell<T> = Option<Option<T>>;

/// One data row of an import, parsed.
#[derive(Debug, Default)]
pub struct ImportRow {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u64,
    pub id: Option<Uuid>,
    pub agenda_document_id: Cell<Uuid>,
    pub goal_key: Cell<String>,
    pub organisation_id: Cell<Uuid>,
    pub title: Cell<String>,
    pub description: Cell<String>,
    pub kind: Cell<ContributionKind>,
    pub amount: Cell<f64>,
    pub unit: Cell<String>,
    pub due_date: Cell<NaiveDate>,
    pub status: Cell<ContributionStatus>,
    pub revision: Cell<i64>,
    /// The columns whose cell could not be read (their problem is already named); what follows from their
    /// placeholder value is no news.
    pub unreadable: Vec<&'static str>,
}

impl ImportRow {
    pub fn is_unreadable(&self, column: &str) -> bool {
        self.unreadable.contains(&column)
    }

    pub fn name(&self, column: &str) -> String {
        format!("rows[{}].{column}", self.row)
    }
}

/// The separator the file uses: whichever of `;` and `,` occurs more in its header line.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

fn number(raw: &str) -> Option<f64> {
    let normalised = if raw.contains(',') && !raw.contains('.') { raw.replace(',', ".") } else { raw.to_owned() };
    normalised.parse::<f64>().ok()
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(raw, "%d-%m-%Y")).ok()
}

/// The data rows of an import file, read one at a time so that a file of many rows never sits in memory as
/// parsed rows; the problems of the file gather in `problems` as it is read.
pub struct Rows<'a> {
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    columns: Vec<Option<&'static str>>,
    /// Problems found so far: the header's, and those of the rows read.
    pub problems: FieldErrors,
    rows_read: usize,
}

/// Opens an import file and reads its header. A file that cannot be read at all is an error; otherwise the
/// rows whose cells could be read come one by one, and the problems of every other cell and row gather in
/// [`Rows::problems`], so the import can check what it finds in the good rows and report everything at once.
pub fn read(bytes: &[u8]) -> Result<Rows<'_>, FieldErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(FieldErrors::single(
            "body",
            "invalid_encoding",
            "the file is not UTF-8; save it from the spreadsheet as 'CSV UTF-8'",
        ));
    };
    if text.trim().is_empty() {
        return Err(FieldErrors::single("body", "required", "the file is empty; it needs a header line"));
    }
    let mut records = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .into_records();
    let mut problems = FieldErrors::new();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Err(FieldErrors::single("rows[1]", "malformed_csv", "the header line cannot be read")),
    };
    let mut columns: Vec<Option<&'static str>> = vec![];
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) if columns.contains(&Some(*c)) => {
                problems.push(format!("rows[1].{c}"), "duplicate_column", format!("column {c} appears twice"));
                columns.push(None);
            }
            Some(c) => columns.push(Some(*c)),
            None => {
                let shown = if name.is_empty() { format!("column {}", i + 1) } else { name.to_owned() };
                problems.push(
                    format!("rows[1].{shown}"),
                    "unknown_column",
                    format!("'{shown}' is not a column; the columns are {}", COLUMNS.join(", ")),
                );
                columns.push(None);
            }
        }
    }
    Ok(Rows { records, columns, problems, rows_read: 0 })
}

impl Rows<'_> {
    /// The problems of the whole file, once every row was read: a file with a header and nothing else has one.
    pub fn into_problems(mut self) -> FieldErrors {
        if self.rows_read == 0 && self.problems.is_empty() {
            self.problems.push("body", "required", "the file has a header but no contributions");
        }
        self.problems
    }
}

impl Iterator for Rows<'_> {
    type Item = ImportRow;

    fn next(&mut self) -> Option<ImportRow> {
        loop {
            let record = match self.records.next()? {
                Ok(r) => r,
                Err(e) => {
                    let row = e.position().map(|p| p.record() + 1).unwrap_or(0);
                    self.problems.push(format!("rows[{row}]"), "malformed_csv", format!("the row cannot be read: {e}"));
                    continue;
                }
            };
            let number = record.position().map(|p| p.record() + 1).unwrap_or(0);
            // Spreadsheets leave rows of only separators at the end.
            if record.iter().all(str::is_empty) {
                continue;
            }
            self.rows_read += 1;
            if record.len() != self.columns.len() {
                self.problems.push(
                    format!("rows[{number}]"),
                    "wrong_field_count",
                    format!("the row has {} fields and the header {}", record.len(), self.columns.len()),
                );
                continue;
            }
            let mut row = ImportRow { row: number, ..Default::default() };
            for (column, raw) in self.columns.iter().zip(record.iter()) {
                let Some(column) = column.filter(|c| !READ_ONLY_NAMES.contains(c)) else { continue };
                let before = self.problems.len();
                parse_cell(&mut row, column, raw, &mut self.problems);
                if self.problems.len() > before {
                    row.unreadable.push(column);
                }
            }
            // A row with unreadable cells is still imported (into nothing, since the file then has problems),
            // so that the problems of its other cells and references are named in the same answer.
            return Some(row);
        }
    }
}

fn parse_cell(row: &mut ImportRow, column: &str, raw: &str, errors: &mut FieldErrors) {
    let name = row.name(column);
    // As in every JSON body; a cell that is one line (a title) is held to that by the rule of its field.
    if let Some(reason) = forbidden_chars(raw, Lines::Many) {
        errors.push(name, "invalid_text", reason);
        return;
    }
    let text = || (!raw.is_empty()).then(|| text_of_cell(raw).to_owned());
    let mut bad = |code: &'static str, reason: String| errors.push(name.clone(), code, reason);
    let uuid = |bad: &mut dyn FnMut(&'static str, String)| -> Option<Uuid> {
        if raw.is_empty() {
            return None;
        }
        Uuid::parse_str(raw).map_err(|_| bad("invalid_uuid", format!("'{raw}' is not a UUID"))).ok()
    };
    match column {
        "id" => row.id = uuid(&mut bad),
        "agendaDocumentId" => row.agenda_document_id = Some(uuid(&mut bad)),
        "organisationId" => row.organisation_id = Some(uuid(&mut bad)),
        "goalKey" => row.goal_key = Some(text()),
        "title" => row.title = Some(text()),
        "description" => row.description = Some(text()),
        "unit" => row.unit = Some(text()),
        "kind" => {
            row.kind = Some(if raw.is_empty() {
                None
            } else {
                let kind = ContributionKind::parse(raw);
                if kind.is_none() {
                    let all: Vec<_> = ContributionKind::ALL.iter().map(|k| k.as_str()).collect();
                    bad("invalid_value", format!("'{raw}' is not a kind; use one of {}", all.join(", ")));
                }
                kind
            })
        }
        "status" => {
            row.status = Some(if raw.is_empty() {
                None
            } else {
                let status = ContributionStatus::parse(raw);
                if status.is_none() {
                    bad("invalid_value", format!("'{raw}' is not a contribution status"));
                }
                status
            })
        }
        "amount" => {
            row.amount = Some(if raw.is_empty() {
                None
            } else {
                let n = number(raw);
                if n.is_none() {
                    bad("invalid_number", format!("'{raw}' is not a number"));
                }
                n
            })
        }
        "dueDate" => {
            row.due_date = Some(if raw.is_empty() {
                None
            } else {
                let d = date(raw);
                if d.is_none() {
                    bad("invalid_date", format!("'{raw}' is not a date (YYYY-MM-DD or DD-MM-YYYY)"));
                }
                d
            })
        }
        "revision" => {
            row.revision = Some(if raw.is_empty() {
                None
            } else {
                let r = raw.parse::<i64>().ok();
                if r.is_none() {
                    bad("invalid_number", format!("'{raw}' is not a revision number"));
                }
                r
            })
        }
        // Shown for reading; what is stored decides.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<(Vec<ImportRow>, FieldErrors), FieldErrors> {
        let mut file = read(bytes)?;
        let rows = file.by_ref().collect();
        Ok((rows, file.into_problems()))
    }

    fn names(e: FieldErrors) -> Vec<String> {
        e.iter().map(|e| format!("{}:{}", e.name, e.code)).collect()
    }

    #[test]
    fn a_dutch_spreadsheet_file_is_read() {
        let file = "\u{feff}goalKey;title;kind;amount;unit;dueDate;agendaDocumentId;organisationId\r\n\
                    veiligheid;Wijkagent;capacity;0,5;fte;31-12-2027;0190a3a0-0000-7000-8000-000000000001;0190a3a0-0000-7000-8000-000000000002\r\n\
                    ;;;;;;;\r\n";
        let (rows, errors) = read_all(file.as_bytes()).unwrap();
        assert!(errors.is_empty());
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.row, 2);
        assert_eq!(row.amount, Some(Some(0.5)));
        assert_eq!(row.due_date, Some(NaiveDate::from_ymd_opt(2027, 12, 31)));
        assert_eq!(row.kind, Some(Some(ContributionKind::Capacity)));
        assert_eq!(row.description, None, "an absent column is kept, not cleared");
    }

    #[test]
    fn every_bad_cell_of_every_row_is_named() {
        let file = "id,title,kind,amount,dueDate,colour\n\
                    nope,Een,capacity,veel,2027-02-30,x\n\
                    ,Twee,nothing,1,2027-01-01,y\n\
                    ,Drie\n";
        let (rows, errors) = read_all(file.as_bytes()).unwrap();
        let unreadable: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.row, r.unreadable.clone())).collect();
        assert_eq!(
            unreadable,
            [(2, vec!["id", "amount", "dueDate"]), (3, vec!["kind"])],
            "rows with bad cells are kept, their unreadable cells marked, for the rest to be checked"
        );
        assert_eq!(
            names(errors),
            [
                "rows[1].colour:unknown_column",
                "rows[2].id:invalid_uuid",
                "rows[2].amount:invalid_number",
                "rows[2].dueDate:invalid_date",
                "rows[3].kind:invalid_value",
                "rows[4]:wrong_field_count"
            ]
        );
    }

    #[test]
    fn a_cell_with_a_control_character_is_refused_and_a_line_break_is_left_to_its_field() {
        let file = "title,description\n\"nul\0\",\"een\r\ntwee\"\n\"twee\nregels\",\u{202E}\n";
        let (rows, errors) = read_all(file.as_bytes()).unwrap();
        assert_eq!(names(errors), ["rows[2].title:invalid_text", "rows[3].description:invalid_text"]);
        assert_eq!(rows[0].description, Some(Some("een\r\ntwee".to_owned())));
        assert_eq!(rows[1].title, Some(Some("twee\nregels".to_owned())), "the terms' own rule refuses it");
    }

    #[test]
    fn a_text_a_spreadsheet_would_take_for_a_formula_is_written_as_text_and_read_back_exactly() {
        for text in ["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=1", "\r=1", "'=1", "'hallo", "''", "'", "gewoon", ""] {
            let cell = text_cell(text);
            assert!(!cell.starts_with(FORMULA_STARTS), "{cell:?}");
            assert_eq!(text_of_cell(&cell), text, "{cell:?}");
        }
        assert_eq!(text_cell("=1+1"), "'=1+1");
        assert_eq!(text_cell("gewoon"), "gewoon");
        assert_eq!(text_of_cell("'hallo"), "'hallo", "a quote the export did not put on stays");
    }

    #[test]
    fn not_utf8_or_empty_is_refused() {
        assert_eq!(names(read_all(b"title\n\xe9t\xe9\n").unwrap_err()), ["body:invalid_encoding"]);
        assert_eq!(names(read_all(b"  ").unwrap_err()), ["body:required"]);
        assert_eq!(names(read_all(b"title,kind\r\n").unwrap().1), ["body:required"]);
    }

    #[test]
    fn a_file_of_many_bad_rows_lists_a_thousand_problems_and_counts_the_rest() {
        let file = format!("id,title\n{}", "nope,x\n".repeat(5000));
        let (rows, errors) = read_all(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 5000);
        assert_eq!((errors.iter().count(), errors.more()), (1000, 4000));
    }
}
