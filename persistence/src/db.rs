//! Connecting, migrating and starting transactions, with the settings each database needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use domain::clock::Clock;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::credentials::Credentials;
use crate::error::StoreError;
use crate::migration::Migrator;
use crate::settled::Settled;
use crate::tx::{Actor, Tx};

/// Statements slower than this are logged as warnings, with their SQL (without the values).
const SLOW_STATEMENT: Duration = Duration::from_millis(250);
/// How much of a slow statement's SQL the log shows.
const SLOW_STATEMENT_SQL_CHARS: usize = 400;

/// Pool settings. SQLite has one writer at a time anyway; its pool mainly serves concurrent readers.
#[derive(Debug, Clone)]
pub struct DbSettings {
    pub url: String,
    pub max_connections: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub acquire_timeout: Duration,
    /// How long SQLite waits for the write lock before giving up.
    pub sqlite_busy_timeout: Duration,
}

impl DbSettings {
    pub fn new(url: impl Into<String>) -> Self {
        DbSettings {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
            sqlite_busy_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connections in use and idle, for the metrics endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// The database and the clock the service reads "now" from.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    clock: Arc<dyn Clock>,
    max_connections: u32,
    /// SQL statements run through this pool, for the metrics endpoint and for tests that hold a request
    /// to a fixed number of statements.
    statements: Arc<AtomicU64>,
    /// Signalled after every commit that wrote a domain event, so the webhook worker of this process starts
    /// a round at once instead of at its next poll. A signal sent while nobody waits is kept for the next
    /// wait, so a commit during a round is never missed.
    events_committed: Arc<tokio::sync::Notify>,
    /// Tokens and sessions kept in memory, forgotten when they change (see [`crate::credentials`]).
    credentials: Arc<Credentials>,
    /// Adopted and superseded versions kept in memory, forgotten when their document changes
    /// (see [`crate::settled`]).
    settled: Arc<Settled>,
    /// Where the pool connects; the credentials listener opens its own connection there.
    url: Arc<str>,
}

impl Db {
    pub async fn connect(settings: &DbSettings, clock: Arc<dyn Clock>) -> Result<Db, StoreError> {
        let mut options = ConnectOptions::new(settings.url.clone());
        options
            .max_connections(settings.max_connections)
            .min_connections(0)
            .acquire_timeout(settings.acquire_timeout)
            .connect_timeout(settings.acquire_timeout)
            .idle_timeout(Duration::from_secs(300))
            .sqlx_logging(false);
        let busy = settings.sqlite_busy_timeout;
        // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
        options.map_sqlx_sqlite_opts(move |o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(busy)
        });
        let mut conn = Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            if info.elapsed >= SLOW_STATEMENT {
                let sql = &info.statement.sql;
                // A bulk insert's SQL runs to hundreds of kilobytes; its start says what it is.
                let shown = sql.char_indices().nth(SLOW_STATEMENT_SQL_CHARS).map_or(sql.as_str(), |(i, _)| &sql[..i]);
                tracing::warn!(elapsed_ms = info.elapsed.as_millis() as u64, sql = %shown, sql_len = sql.len(), "slow SQL statement");
            } else {
                tracing::trace!(elapsed_us = info.elapsed.as_micros() as u64, sql = %info.statement.sql, "SQL statement");
            }
        });
        Ok(Db {
            conn,
            clock,
            credentials: Arc::default(),
            settled: Arc::default(),
            url: settings.url.as_str().into(),
            max_connections: settings.max_connections,
            statements,
            events_committed: Arc::new(tokio::sync::Notify::new()),
        })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.conn.get_database_backend() {
            DbBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// How many SQL statements this pool has run since it was opened.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Wakes when a transaction that wrote domain events on this pool has committed (see [`Tx::commit`]).
    /// Commits of other processes do not wake it; their workers see them when they poll.
    pub fn events_committed(&self) -> &Arc<tokio::sync::Notify> {
        &self.events_committed
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The settled versions this pool keeps in memory.
    pub fn settled(&self) -> &Arc<Settled> {
        &self.settled
    }

    /// The credentials this pool keeps in memory.
    pub fn credentials(&self) -> &Arc<Credentials> {
        &self.credentials
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The same pool read through another clock. The demo loader writes past years' history with it, so
    /// an adoption of 2023 carries a moment in 2023; nothing that serves requests has one.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Db {
        Db { clock, ..self.clone() }
    }

    /// Starts a write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another writer
    /// got in between, whereas an immediate one waits its turn within the busy timeout.
    pub async fn begin(&self, actor: Actor) -> Result<Tx, StoreError> {
        let txn = self.begin_writing().await?;
        Ok(Tx::new(
            txn,
            actor,
            self.clock.now(),
            self.backend(),
            self.events_committed.clone(),
            self.credentials.clone(),
            self.settled.clone(),
        ))
    }

    /// A transaction that will write: on SQLite it takes the write lock at once (IMMEDIATE), so it never
    /// fails half-way on upgrading a read lock.
    pub(crate) async fn begin_writing(&self) -> Result<sea_orm::DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    /// Checks that the database answers, for `/health/ready`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    pub fn pool_state(&self) -> PoolState {
        let (size, idle) = match self.backend() {
            Backend::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle() as u32)
            }
            Backend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle() as u32)
            }
        };
        PoolState { size, idle, max: self.max_connections }
    }

    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}
