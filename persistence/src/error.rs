//! What can go wrong in storage, in terms the API can answer precisely.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not there, or outside the caller's scope: the two are not told apart.
    #[error("not found")]
    NotFound,
    /// The stored revision differs from the one the client based its change on.
    #[error("the resource was changed by someone else (revision {current})")]
    Stale { current: i64 },
    /// A rule about stored state: a duplicate code, a dependant that blocks a deletion.
    #[error("{0}")]
    Conflict(String),
    /// No connection could be had in time, or the database is unreachable.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            // Reached only when a race slips past the explicit checks the repositories make first.
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                StoreError::Conflict("a resource with these identifying values already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                StoreError::Conflict("the change conflicts with resources that refer to this one".into())
            }
            _ if connection_lost(&e) => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Db(e),
        }
    }
}

/// Whether the database could not be reached or could not take the work in time: no connection in time, a
/// broken socket, a PostgreSQL server shutting down or starting up (SQLSTATE classes 08 and 57P), or SQLite's
/// write lock still held after the busy timeout. The change was not made (or, when the connection broke during
/// `COMMIT`, its fate is unknown), so the client should try again later: 503, never 500.
fn connection_lost(e: &DbErr) -> bool {
    use sea_orm::sqlx::Error as SqlxError;
    let sqlx = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(s))
        | DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s)) => s,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx.as_ref() {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::Protocol(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed => true,
        SqlxError::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || matches!(code.as_ref(), "5" | "6" | "261" | "517")
        }),
        _ => false,
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Db(DbErr::Json(e.to_string()))
    }
}

/// A named enumeration read back from its column. A name the domain does not know means the row was written
/// by something else than this service, or corrupted: a failure of the service, never a client's problem.
pub(crate) fn stored<T: domain::names::Named>(text: &str) -> Result<T, StoreError> {
    T::parse(text).ok_or_else(|| StoreError::Db(DbErr::Type(format!("unknown {} '{text}' in the database", T::WHAT))))
}
