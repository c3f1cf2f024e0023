//! Page sessions (SPEC §12). The cookie's id is never stored: rows are found by its SHA-256 hash, which the
//! caller computes. A session is alive while it was last seen less than [`IDLE_TIMEOUT`] ago; each use moves
//! that moment on. Sessions are a browser's sign-in rather than a change to the cycle, so like idempotency
//! records they are written without an audit event.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::StoreError;
use crate::tx::InsertInto;

/// How long a session lasts without being used.
pub const IDLE_TIMEOUT: chrono::Duration = chrono::Duration::hours(8);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_id: Uuid,
    /// The per-session secret every changing form carries (CSRF).
    pub csrf_secret: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Starts a session, after removing every session that has idled out.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    id_hash: &str,
    token_id: Uuid,
    csrf_secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    session::Entity::delete_many().filter(session::Column::LastSeenAt.lte(now - IDLE_TIMEOUT)).exec(conn).await?;
    session::ActiveModel {
        id_hash: Set(id_hash.to_owned()),
        token_id: Set(token_id),
        csrf_secret: Set(csrf_secret.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert_into(conn)
    .await
}

/// How stale `last_seen_at` may get before a use writes it again. Writing it on every page view made every
/// read a commit (a WAL flush under load); to the minute is precise enough for an 8-hour idle timeout.
pub const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// The live session with this hash, seen again at `now`; `None` when there is none or it idled out.
/// Requests find sessions through [`crate::credentials::session`], which remembers them.
pub(crate) async fn touch<C: ConnectionTrait>(
    conn: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let Some(row) = session::Entity::find_by_id(id_hash.to_owned())
        .filter(session::Column::LastSeenAt.gt(now - IDLE_TIMEOUT))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let last_seen_at = if now - row.last_seen_at >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(conn)
            .await?;
        now
    } else {
        row.last_seen_at
    };
    Ok(Some(Session { token_id: row.token_id, csrf_secret: row.csrf_secret, created_at: row.created_at, last_seen_at }))
}

/// Ends the session with this hash; [`crate::credentials::end_session`] also forgets it everywhere.
pub(crate) async fn end<C: ConnectionTrait>(conn: &C, id_hash: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(id_hash.to_owned()).exec(conn).await?;
    Ok(())
}

/// The table as sea-orm sees it. Only this repository reads and writes it, so the entity lives here.
mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SHA-256 (hex) of the cookie's id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub token_id: Uuid,
        pub csrf_secret: String,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
