//! What can go wrong in storage, in terms the API can answer precisely.

use sea_orm::{DbErr, SqlErr};

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
            _ => match &e {
                DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable(e.to_string()),
                _ => StoreError::Db(e),
            },
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Db(DbErr::Json(e.to_string()))
    }
}
