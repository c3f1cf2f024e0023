//! The domain events as a feed (SPEC §8): the outbox that every change writes in its own transaction, read in
//! the order the events became visible.

use chrono::{DateTime, Utc};
use domain::access::ReadScope;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use uuid::Uuid;

use crate::db::{Backend, Db};
use crate::entity::domain_event;
use crate::error::StoreError;

/// One event of the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The internal row id; deliveries refer to it.
    pub row_id: i64,
    /// The feed position: increasing, and stable to resume after.
    pub seq: i64,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub resource_type: String,
    pub resource_id: Uuid,
    /// Path under the service's base URL, e.g. `/api/v1/contributions/{id}`.
    pub resource_path: String,
}

impl Event {
    pub fn facts(&self) -> domain::webhook::EventFacts<'_> {
        domain::webhook::EventFacts {
            event_type: &self.event_type,
            occurred_at: self.occurred_at,
            municipality_id: self.municipality_id,
            area_id: self.area_id,
            organisation_id: self.organisation_id,
        }
    }
}

pub(crate) fn from_row(row: domain_event::Model) -> Option<Event> {
    Some(Event {
        row_id: row.id,
        seq: row.seq?,
        event_type: row.event_type,
        occurred_at: row.occurred_at,
        municipality_id: row.municipality_id,
        area_id: row.area_id,
        organisation_id: row.organisation_id,
        resource_type: row.resource_type,
        resource_id: row.resource_id,
        resource_path: row.resource_path,
    })
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Empty: every type.
    pub types: Vec<String>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
}

/// How many events one sequencer run numbers at most; the rest wait for the next run.
const SEQUENCE_BATCH: u64 = 5000;
/// The PostgreSQL advisory lock that makes one sequencer run at a time across all instances.
const SEQUENCER_LOCK: i64 = 0x6763_7365_7100; // "gcseq"

/// Gives committed events without a feed position the next positions, in id order, and returns how many.
///
/// Only one sequencer runs at a time (an advisory lock on PostgreSQL, the single writer on SQLite), and each
/// run sees every event committed before it took the lock, so positions are handed out in the order events
/// became visible: a reader that resumes after position n can never later find an event below n.
pub async fn sequence(db: &Db) -> Result<u64, StoreError> {
    if !unsequenced(db).await? {
        return Ok(0);
    }
    let txn = db.begin_writing().await?;
    let numbered = sequence_in(&txn, db.backend()).await?;
    txn.commit().await?;
    Ok(numbered)
}

/// Whether a committed event waits for its feed position: a read, so that an idle sequencer takes no lock.
pub(crate) async fn unsequenced(db: &Db) -> Result<bool, StoreError> {
    let pending = domain_event::Entity::find()
        .select_only()
        .column(domain_event::Column::Id)
        .filter(domain_event::Column::Seq.is_null())
        .limit(1)
        .into_tuple::<i64>()
        .one(db.conn())
        .await?;
    Ok(pending.is_some())
}

/// [`sequence`] inside a write transaction the caller commits; the sequencer lock is held until then.
pub(crate) async fn sequence_in(txn: &DatabaseTransaction, backend: Backend) -> Result<u64, StoreError> {
    let db_backend = txn.get_database_backend();
    if backend == Backend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            db_backend,
            "SELECT pg_advisory_xact_lock($1)",
            [SEQUENCER_LOCK.into()],
        ))
        .await?;
    }
    let sql = format!(
        "UPDATE domain_events SET seq = numbered.seq \
         FROM (SELECT id, (SELECT COALESCE(MAX(seq), 0) FROM domain_events) + ROW_NUMBER() OVER (ORDER BY id) AS seq \
               FROM domain_events WHERE seq IS NULL ORDER BY id LIMIT {SEQUENCE_BATCH}) AS numbered \
         WHERE domain_events.id = numbered.id"
    );
    let result = txn.execute_raw(Statement::from_string(db_backend, sql)).await?;
    Ok(result.rows_affected())
}

fn scope_condition(scope: ReadScope) -> Condition {
    use domain_event::Column;
    match scope {
        ReadScope::All => Condition::all(),
        ReadScope::Municipality(m) => Condition::all().add(Column::MunicipalityId.eq(m)),
        ReadScope::PartnerOrganisation(p) => Condition::all()
            .add(Column::OrganisationId.eq(p.organisation_id))
            .add_option(p.municipality_id.map(|m| Column::MunicipalityId.eq(m))),
    }
}

/// The events after position `after` that the scope may see, oldest first; one more than `limit` is read
/// to know whether there is more.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: ReadScope,
    filter: &EventFilter,
    after: i64,
    limit: u64,
) -> Result<(Vec<Event>, bool), StoreError> {
    use domain_event::Column;
    let mut select = domain_event::Entity::find()
        .filter(scope_condition(scope))
        .filter(Column::Seq.gt(after))
        .filter(Column::Seq.is_not_null());
    if !filter.types.is_empty() {
        select = select.filter(Column::EventType.is_in(filter.types.clone()));
    }
    if let Some(m) = filter.municipality_id {
        select = select.filter(Column::MunicipalityId.eq(m));
    }
    if let Some(a) = filter.area_id {
        select = select.filter(Column::AreaId.eq(a));
    }
    let mut rows: Vec<Event> =
        select.order_by_asc(Column::Seq).limit(limit + 1).all(conn).await?.into_iter().filter_map(from_row).collect();
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The sequenced events after `after`, in order, for the webhook fan-out.
pub(crate) async fn after<C: ConnectionTrait>(conn: &C, after: i64, limit: u64) -> Result<Vec<Event>, StoreError> {
    let rows = domain_event::Entity::find()
        .filter(domain_event::Column::Seq.gt(after))
        .order_by_asc(domain_event::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(from_row).collect())
}

pub async fn by_row_ids<C: ConnectionTrait>(conn: &C, ids: Vec<i64>) -> Result<Vec<Event>, StoreError> {
    let rows = domain_event::Entity::find().filter(domain_event::Column::Id.is_in(ids)).all(conn).await?;
    Ok(rows.into_iter().filter_map(from_row).collect())
}
