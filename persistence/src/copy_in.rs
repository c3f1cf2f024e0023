//! Writing generated rows with PostgreSQL's `COPY … FROM STDIN` in its text format, for the bulk loader
//! (`bulk`): the rows go as tab-separated lines that the server reads without parsing and planning a
//! statement of thousands of parameters, and that the loader writes without building one.
//!
//! The rows are the same active models the loader would insert, so the columns and their values are the
//! entity's; only their encoding differs.

use std::sync::Arc;

use sea_orm::sea_query::Value;
use sea_orm::sqlx::PgConnection;
use sea_orm::{ActiveModelTrait, ActiveValue, DbErr, EntityName, EntityTrait, IdenStatic, Iterable, RuntimeErr};

use crate::error::StoreError;

/// Lines are sent in pieces of about this many bytes.
const PIECE: usize = 1 << 20;

/// Copies `rows` into their table over `conn` (inside the caller's transaction) and returns how many.
pub(crate) async fn copy_all<A>(conn: &mut PgConnection, rows: Vec<A>) -> Result<usize, StoreError>
where
    A: ActiveModelTrait,
{
    if rows.is_empty() {
        return Ok(0);
    }
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter().collect();
    let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    let table = <A::Entity as Default>::default().table_name().to_owned();
    let statement = format!("COPY \"{table}\" ({}) FROM STDIN", names.join(", "));
    let mut copy = conn.copy_in_raw(&statement).await.map_err(sqlx_error)?;
    let mut piece = Vec::with_capacity(PIECE + PIECE / 4);
    for row in &rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                piece.push(b'\t');
            }
            match row.get(*column) {
                ActiveValue::Set(value) | ActiveValue::Unchanged(value) => encode(&mut piece, &value)?,
                ActiveValue::NotSet => {
                    return Err(unsupported(format!("{table}.{} is not set", column.as_str())));
                }
            }
        }
        piece.push(b'\n');
        if piece.len() >= PIECE {
            copy.send(std::mem::take(&mut piece)).await.map_err(sqlx_error)?;
        }
    }
    if !piece.is_empty() {
        copy.send(piece).await.map_err(sqlx_error)?;
    }
    copy.finish().await.map_err(sqlx_error)?;
    Ok(rows.len())
}

/// One value in `COPY`'s text format: `\N` for null, text with backslash, tab, newline and carriage return
/// escaped.
fn encode(out: &mut Vec<u8>, value: &Value) -> Result<(), StoreError> {
    use std::io::Write;
    let written = match value {
        Value::Bool(Some(b)) => out.write_all(if *b { b"t" } else { b"f" }),
        Value::SmallInt(Some(n)) => write!(out, "{n}"),
        Value::Int(Some(n)) => write!(out, "{n}"),
        Value::BigInt(Some(n)) => write!(out, "{n}"),
        Value::Double(Some(n)) => write!(out, "{n}"),
        Value::Uuid(Some(u)) => write!(out, "{}", u.hyphenated()),
        Value::ChronoDate(Some(d)) => write!(out, "{}", d.format("%Y-%m-%d")),
        Value::ChronoDateTimeUtc(Some(t)) => write!(out, "{}", t.to_rfc3339()),
        Value::String(Some(s)) => {
            escaped(out, s);
            Ok(())
        }
        Value::Json(Some(j)) => {
            escaped(out, &j.to_string());
            Ok(())
        }
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::Double(None)
        | Value::Uuid(None)
        | Value::ChronoDate(None)
        | Value::ChronoDateTimeUtc(None)
        | Value::String(None)
        | Value::Json(None) => out.write_all(b"\\N"),
        other => return Err(unsupported(format!("no COPY encoding for {other:?}"))),
    };
    written.map_err(|e| unsupported(e.to_string()))
}

fn escaped(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

pub(crate) fn sqlx_error(e: sea_orm::sqlx::Error) -> StoreError {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))).into()
}

fn unsupported(what: String) -> StoreError {
    StoreError::Db(DbErr::Custom(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(values: &[Value]) -> String {
        let mut out = Vec::new();
        for v in values {
            encode(&mut out, v).unwrap();
            out.push(b'|');
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_written_as_copy_reads_them() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T07:00:00Z").unwrap().to_utc();
        let text = "Wijk\t\"Oost\"\nregel 2\\3\r";
        assert_eq!(
            line(&[
                Value::Bool(Some(true)),
                Value::Int(Some(-4)),
                Value::Double(Some(0.2)),
                Value::String(Some(text.into())),
                Value::ChronoDateTimeUtc(Some(at)),
                Value::String(None),
                Value::Json(Some(Box::new(serde_json::json!({"a": "tab\there"})))),
            ]),
            "t|-4|0.2|Wijk\\t\"Oost\"\\nregel 2\\\\3\\r|2026-12-01T07:00:00+00:00|\\N|{\"a\":\"tab\\\\there\"}|"
        );
    }
}
