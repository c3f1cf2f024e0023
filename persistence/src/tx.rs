//! The unit of work: a database transaction that knows who acts, and writes the audit event and the
//! domain event of every change inside itself (SPEC §8). A change and its trail commit together or not at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::event::Action;
use sea_orm::sea_query::{Alias, CommonTableExpression, PostgresQueryBuilder, SubQueryStatement, WithClause};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryTrait, Statement};
use serde_json::{Value, json};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::credentials::Credentials;
use crate::db::Backend;
use crate::entity::{audit_event, domain_event};
use crate::error::StoreError;
use crate::settled::Settled;

/// Who makes a change: the token (absent for the command line and the demo loader) and the request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub token_id: Option<Uuid>,
    pub name: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor { token_id: None, name: name.to_owned(), request_id: None }
    }
}

/// One change to one resource, as the trail records it.
#[derive(Debug, Clone)]
pub struct Change {
    /// `area.created`, `api_token.revoked`, …: the audit action and, if it is an event type, the domain event
    /// it publishes.
    pub action: Action,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub resource_path: String,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

impl Change {
    /// A change recorded under `action`, on the resource type the catalogue gives it, with the serialised old
    /// and new state. Whether it is published follows from the action.
    pub fn of<T: serde::Serialize>(
        action: impl Into<Action>,
        resource_id: Uuid,
        resource_path: String,
        old: Option<&T>,
        new: Option<&T>,
    ) -> Result<Change, StoreError> {
        let action = action.into();
        Ok(Change {
            action,
            resource_type: action.resource_type(),
            resource_id,
            resource_path,
            municipality_id: None,
            area_id: None,
            organisation_id: None,
            old: old.map(serde_json::to_value).transpose()?,
            new: new.map(serde_json::to_value).transpose()?,
        })
    }

    /// Records the change on another resource type than the catalogue's: a contribution's deadline events
    /// are about the contribution.
    pub fn on_resource_type(mut self, resource_type: &'static str) -> Change {
        self.resource_type = resource_type;
        self
    }

    pub fn in_municipality(mut self, municipality_id: Uuid) -> Change {
        self.municipality_id = Some(municipality_id);
        self
    }

    pub fn in_area(mut self, area_id: Uuid) -> Change {
        self.area_id = Some(area_id);
        self
    }

    pub fn of_organisation(mut self, organisation_id: Uuid) -> Change {
        self.organisation_id = Some(organisation_id);
        self
    }
}

pub struct Tx {
    txn: DatabaseTransaction,
    actor: Actor,
    now: DateTime<Utc>,
    backend: Backend,
    /// Whether a domain event was written, and whom to tell when it is committed.
    published: AtomicBool,
    events_committed: Arc<Notify>,
    /// What this change alters that instances keep in memory, forgotten when it commits.
    credentials: Arc<Credentials>,
    settled: Arc<Settled>,
    forgotten: Mutex<Vec<Forget>>,
    deferred: Mutex<Deferred>,
}

/// What a change writes that nothing in it reads back: the trail of every change, the counter bumps, and
/// statements a repository defers ([`Tx::defer`]). They are written at commit, on PostgreSQL as one statement
/// (data-modifying `WITH`), so a change costs one round trip for all of them instead of one each: a check-in
/// went from nine round trips to four. SQLite is in the process, where a statement costs no round trip, and it
/// has no data-modifying `WITH`, so there they run one by one.
#[derive(Default)]
struct Deferred {
    audit: Vec<audit_event::ActiveModel>,
    events: Vec<domain_event::ActiveModel>,
    /// Each bumped once however many changes a transaction records in it: the counter only has to move, and
    /// one statement may not change a row twice.
    municipalities: Vec<Uuid>,
    statements: Vec<SubQueryStatement>,
}

/// Rows per insert of the trail, and values per combined statement: PostgreSQL takes at most 65,535 bind
/// values in one statement, and a bulk change records thousands of changes.
const TRAIL_ROWS_PER_INSERT: usize = 1_000;
const VALUES_PER_STATEMENT: usize = 30_000;

/// Something kept in memory that a transaction changes ([`crate::memory`]).
enum Forget {
    Token(Uuid),
    Document(Uuid),
}

impl Tx {
    pub(crate) fn new(
        txn: DatabaseTransaction,
        actor: Actor,
        now: DateTime<Utc>,
        backend: Backend,
        events_committed: Arc<Notify>,
        credentials: Arc<Credentials>,
        settled: Arc<Settled>,
    ) -> Tx {
        Tx {
            txn,
            actor,
            now,
            backend,
            published: AtomicBool::new(false),
            events_committed,
            credentials,
            settled,
            forgotten: Mutex::new(Vec::new()),
            deferred: Mutex::new(Deferred::default()),
        }
    }

    /// Marks a token as changed by this transaction: it is forgotten by this process when the transaction
    /// commits and, on PostgreSQL, by every other instance (`NOTIFY`, delivered at commit).
    pub(crate) async fn forget_credentials(&self, token_id: Uuid) -> Result<(), StoreError> {
        crate::memory::announce(&self.txn, &format!("token:{token_id}")).await?;
        self.forgotten.lock().unwrap_or_else(|e| e.into_inner()).push(Forget::Token(token_id));
        Ok(())
    }

    /// Marks a document as changed by this transaction (its row or any of its versions), so no instance
    /// serves a version of it from memory any more (see [`crate::settled`]).
    pub(crate) async fn forget_document(&self, document_id: Uuid) -> Result<(), StoreError> {
        crate::memory::announce(&self.txn, &format!("document:{document_id}")).await?;
        self.forgotten.lock().unwrap_or_else(|e| e.into_inner()).push(Forget::Document(document_id));
        Ok(())
    }

    pub fn conn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The moment of this change: every timestamp it writes is the same.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Writes the audit event and, if the change is published, the domain event; bumps the municipality's
    /// change counter, which tells cached views of it that they are out of date.
    pub async fn record(&self, change: Change) -> Result<(), StoreError> {
        self.record_all(vec![change]).await
    }

    /// Records changes made together, as [`Tx::record`] does each: the audit events, the domain events (in the
    /// order given, which is the feed's) and each municipality's counter bump are written at commit.
    pub async fn record_all(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        let mut deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        for change in changes {
            if let Some(m) = change.municipality_id
                && !deferred.municipalities.contains(&m)
            {
                deferred.municipalities.push(m);
            }
            deferred.audit.push(audit_event::ActiveModel {
                id: Set(Uuid::now_v7()),
                at: Set(self.now),
                actor_token_id: Set(self.actor.token_id),
                actor_name: Set(self.actor.name.clone()),
                action: Set(change.action.as_str().to_owned()),
                resource_type: Set(change.resource_type.to_owned()),
                resource_id: Set(change.resource_id),
                municipality_id: Set(change.municipality_id),
                changes: Set(
                    json!({ "old": change.old.unwrap_or(Value::Null), "new": change.new.unwrap_or(Value::Null) }),
                ),
                request_id: Set(self.actor.request_id.clone()),
            });
            if let Some(event_type) = change.action.published() {
                deferred.events.push(domain_event::ActiveModel {
                    id: sea_orm::ActiveValue::NotSet,
                    event_type: Set(event_type.as_str().to_owned()),
                    occurred_at: Set(self.now),
                    municipality_id: Set(change.municipality_id),
                    area_id: Set(change.area_id),
                    organisation_id: Set(change.organisation_id),
                    resource_type: Set(change.resource_type.to_owned()),
                    resource_id: Set(change.resource_id),
                    resource_path: Set(change.resource_path),
                    seq: Set(None),
                });
                self.published.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Writes `statement` at commit, with the trail. For a write whose outcome the change does not read (no
    /// rows returned or counted) and that nothing later in the transaction reads back. Deferred statements run
    /// after the trail, in the order deferred, and on PostgreSQL see the snapshot of the transaction as it was
    /// before any of them, so no two may touch the same row.
    pub(crate) fn defer(&self, statement: impl Into<SubQueryStatement>) {
        self.deferred.lock().unwrap_or_else(|e| e.into_inner()).statements.push(statement.into());
    }

    /// The deferred writes, as statements in the order they run.
    fn deferred_statements(&self) -> Vec<SubQueryStatement> {
        let deferred = std::mem::take(&mut *self.deferred.lock().unwrap_or_else(|e| e.into_inner()));
        let mut statements = Vec::with_capacity(deferred.statements.len() + deferred.municipalities.len() + 2);
        insert_in_chunks(&mut statements, deferred.audit);
        insert_in_chunks(&mut statements, deferred.events);
        statements.extend(deferred.municipalities.into_iter().map(|m| crate::stamps::bump(m).into()));
        statements.extend(deferred.statements);
        statements
    }

    async fn write_deferred(&self) -> Result<(), StoreError> {
        let mut statements = self.deferred_statements();
        if self.backend == Backend::Postgres && statements.len() > 1 {
            let last = statements.pop().expect("more than one statement");
            let mut with = WithClause::new();
            for (i, statement) in statements.iter().enumerate() {
                with.cte(
                    CommonTableExpression::new()
                        .query(statement.clone())
                        .table_name(Alias::new(format!("w{i}")))
                        .to_owned(),
                );
            }
            let (sql, values) = with.query(last.clone()).build(PostgresQueryBuilder);
            if values.0.len() <= VALUES_PER_STATEMENT {
                self.txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
                return Ok(());
            }
            statements.push(last);
        }
        for statement in statements {
            execute(&self.txn, statement).await?;
        }
        Ok(())
    }

    /// Commits, and if the change published an event, wakes this process's webhook worker: the event is
    /// then delivered within a round, not a poll interval, after it is committed.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.write_deferred().await?;
        self.txn.commit().await?;
        if self.published.load(Ordering::Relaxed) {
            self.events_committed.notify_one();
        }
        for forgotten in self.forgotten.into_inner().unwrap_or_else(|e| e.into_inner()) {
            match forgotten {
                Forget::Token(id) => self.credentials.forget_token(id),
                Forget::Document(id) => self.settled.forget_document(id),
            }
        }
        Ok(())
    }
}

/// `rows` as inserts of at most [`TRAIL_ROWS_PER_INSERT`] rows each, in order.
fn insert_in_chunks<A: sea_orm::ActiveModelTrait>(statements: &mut Vec<SubQueryStatement>, rows: Vec<A>) {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(TRAIL_ROWS_PER_INSERT).collect();
        statements.push(A::Entity::insert_many(chunk).into_query().into());
    }
}

async fn execute<C: ConnectionTrait>(conn: &C, statement: SubQueryStatement) -> Result<(), StoreError> {
    match statement {
        SubQueryStatement::InsertStatement(s) => conn.execute(&s).await?,
        SubQueryStatement::UpdateStatement(s) => conn.execute(&s).await?,
        SubQueryStatement::DeleteStatement(s) => conn.execute(&s).await?,
        SubQueryStatement::SelectStatement(s) => conn.execute(&s).await?,
        SubQueryStatement::WithStatement(s) => conn.execute(&s).await?,
    };
    Ok(())
}

/// Inserting an active model without reading it back, which saves a round trip per row.
pub(crate) trait InsertInto {
    async fn insert_into<C: ConnectionTrait>(self, conn: &C) -> Result<(), StoreError>;
}

impl<A> InsertInto for A
where
    A: sea_orm::ActiveModelTrait + Send,
{
    async fn insert_into<C: ConnectionTrait>(self, conn: &C) -> Result<(), StoreError> {
        <A::Entity as EntityTrait>::insert(self).exec_without_returning(conn).await?;
        Ok(())
    }
}
