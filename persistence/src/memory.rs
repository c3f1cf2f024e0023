//! What an instance keeps in memory of the database, and how it hears that it changed: credentials
//! ([`crate::credentials`]) and settled versions ([`crate::settled`]).
//!
//! Every change to something remembered sends `NOTIFY gc_memory` with what changed (`token:<id>`,
//! `session:<hash>`, `document:<id>`) in the change's own transaction, so PostgreSQL delivers it exactly when
//! the change commits; each instance listens on a connection of its own (outside the pool, so the pool's size
//! and metrics stay the pool's) and forgets what it is told. The memory is used only while the instance
//! listens: when that connection is lost it is cleared and bypassed until the instance listens again, because
//! a notification may have been missed. On SQLite nothing is remembered: a read there is a call within the
//! process, not a round trip, and nothing could tell another process sharing the file.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::credentials::Credentials;
use crate::error::StoreError;
use crate::settled::Settled;
use crate::{Backend, Db};

/// The PostgreSQL channel on which changes to remembered things are announced.
pub const CHANNEL: &str = "gc_memory";

/// How long [`start_listener`] waits for the listening connection.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// On PostgreSQL, tells every listening instance to forget something, when `conn`'s transaction commits
/// (or at once, outside a transaction).
pub(crate) async fn announce<C: ConnectionTrait>(conn: &C, payload: &str) -> Result<(), StoreError> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The memories one listener serves.
#[derive(Clone)]
struct Memories {
    credentials: Arc<Credentials>,
    settled: Arc<Settled>,
}

impl Memories {
    fn reset(&self, enabled: bool) {
        self.credentials.reset(enabled);
        self.settled.reset(enabled);
    }

    fn apply(&self, payload: &str) {
        match payload.split_once(':') {
            Some(("document", id)) => match id.parse() {
                Ok(id) => self.settled.forget_document(id),
                Err(_) => self.settled.reset(true),
            },
            _ => self.credentials.apply(payload),
        }
    }
}

/// On PostgreSQL, listens for changes until the pool is closed, and turns the memory on while it listens.
/// Waits until it listens (at most [`LISTEN_WAIT`]), so an instance serves from memory from its first
/// request. On SQLite there is nothing to listen to and the memory stays off.
pub async fn start_listener(db: &Db) {
    if db.backend() != Backend::Postgres {
        return;
    }
    let pool = db.conn().get_postgres_connection_pool().clone();
    let memories = Memories { credentials: db.credentials().clone(), settled: db.settled().clone() };
    let (listening, mut started) = tokio::sync::watch::channel(false);
    tokio::spawn(listen(db.url().to_owned(), pool, memories, listening));
    if tokio::time::timeout(LISTEN_WAIT, started.wait_for(|up| *up)).await.is_err() {
        tracing::warn!("not yet listening for changes; reading everything from the database until then");
    }
}

async fn listen(
    url: String,
    pool: sea_orm::sqlx::PgPool,
    memories: Memories,
    listening: tokio::sync::watch::Sender<bool>,
) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let listener = match PgListener::connect(&url).await {
            Ok(mut l) => {
                l.eager_reconnect(false);
                l.listen(CHANNEL).await.map(|_| l)
            }
            Err(e) => Err(e),
        };
        match listener {
            Ok(mut listener) => {
                // Anything may have changed while nobody listened.
                memories.reset(true);
                listening.send_replace(true);
                loop {
                    let received = tokio::select! {
                        r = listener.try_recv() => r,
                        _ = pool.close_event() => {
                            memories.reset(false);
                            return;
                        }
                    };
                    match received {
                        Ok(Some(n)) => memories.apply(n.payload()),
                        Ok(None) => {
                            tracing::warn!("the change listener lost its connection; reconnecting");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the change listener failed; reconnecting");
                            break;
                        }
                    }
                }
                memories.reset(false);
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for changes; retrying"),
        }
        if pool.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
