//! The unit of work: a database transaction that knows who acts, and writes the audit event and the
//! domain event of every change inside itself (SPEC §8). A change and its trail commit together or not at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::event::Action;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait};
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
}

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

    /// Records changes made together, as [`Tx::record`] does each, in as few statements as one: the audit
    /// events in one insert, the domain events in another (in the order given, which is the feed's), and
    /// each municipality's counter bumped once.
    pub async fn record_all(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        let mut municipalities: Vec<Uuid> = changes.iter().filter_map(|c| c.municipality_id).collect();
        municipalities.sort_unstable();
        municipalities.dedup();
        let mut audit = Vec::with_capacity(changes.len());
        let mut published = Vec::with_capacity(changes.len());
        for change in changes {
            audit.push(audit_event::ActiveModel {
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
                published.push(domain_event::ActiveModel {
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
            }
        }
        if !audit.is_empty() {
            audit_event::Entity::insert_many(audit).exec_without_returning(&self.txn).await?;
        }
        if !published.is_empty() {
            domain_event::Entity::insert_many(published).exec_without_returning(&self.txn).await?;
            self.published.store(true, Ordering::Relaxed);
        }
        for m in municipalities {
            crate::stamps::bump(&self.txn, m).await?;
        }
        Ok(())
    }

    /// Commits, and if the change published an event, wakes this process's webhook worker: the event is
    /// then delivered within a round, not a poll interval, after it is committed.
    pub async fn commit(self) -> Result<(), StoreError> {
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
