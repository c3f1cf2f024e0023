//! Webhook deliveries: the outbox fanned out to one delivery per event and subscription, claimed by workers
//! under a lease, and the log of every attempt.
//!
//! At least once, and never twice at the same time: a worker claims due deliveries by pushing their due time
//! forward by a lease in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances take different
//! rows; SQLite has one writer). A worker that dies mid-delivery leaves the delivery due again when the lease
//! ends; a worker that finishes records the outcome only if the delivery is still at the attempt it claimed.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::db::{Backend, Db};
use crate::entity::{webhook_attempt, webhook_cursor, webhook_delivery, webhook_subscription};
use crate::error::StoreError;
use crate::events::{self, Event};
use crate::page::{Page, finish, keyset};
use crate::subscriptions::{self, Subscription};
use crate::tx::InsertInto;

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// Fans the next events of the feed out to deliveries for every subscription that wants them, and
/// moves the fan-out cursor past them, in the caller's transaction; returns how many events it handled. The cursor
/// row is locked for the transaction, so instances take turns; the unique (subscription, event) key makes a
/// repeat harmless anyway.
async fn fan_out_in(txn: &DatabaseTransaction, now: DateTime<Utc>, batch: u64) -> Result<usize, StoreError> {
    let cursor = webhook_cursor::Entity::find_by_id(1).lock_exclusive().one(txn).await?.map(|c| c.seq).unwrap_or(0);
    let events = events::after(txn, cursor, batch).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(0);
    };
    // Paused subscriptions get their deliveries too; they wait, unclaimed, until it is resumed.
    let subscriptions = webhook_subscription::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(subscriptions::from_row)
        .collect::<Result<Vec<Subscription>, _>>()?;
    let interests: Vec<_> = subscriptions.iter().map(|s| (s.id, s.interest())).collect();
    let deliveries: Vec<webhook_delivery::ActiveModel> = events
        .iter()
        .flat_map(|e| {
            interests.iter().filter(|(_, i)| i.matches(&e.facts())).map(|(id, _)| webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                subscription_id: Set(*id),
                event_id: Set(e.row_id),
                event_seq: Set(e.seq),
                status: Set(PENDING.to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                first_attempt_at: Set(None),
                created_at: Set(now),
                finished_at: Set(None),
            })
        })
        .collect();
    for chunk in deliveries.chunks(500) {
        webhook_delivery::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([webhook_delivery::Column::SubscriptionId, webhook_delivery::Column::EventId])
            .exec_without_returning(txn)
            .await?;
    }
    webhook_cursor::Entity::update_many()
        .col_expr(webhook_cursor::Column::Seq, Expr::value(last))
        .filter(webhook_cursor::Column::Id.eq(1))
        .exec(txn)
        .await?;
    Ok(events.len())
}

/// A claimed delivery with all it takes to send it.
#[derive(Debug, Clone)]
pub struct Job {
    pub delivery_id: Uuid,
    pub attempt: i32,
    pub first_attempt_at: DateTime<Utc>,
    pub subscription_id: Uuid,
    pub callback_url: String,
    pub secret: String,
    pub event: Event,
}

/// A worker's round of bookkeeping before it sends, in one transaction and so one commit (one wait for the
/// write-ahead log) instead of three: numbers the newly committed events for the feed, fans them out to
/// deliveries (`fan_out_batch` events per statement) and claims up to `limit` due deliveries of active,
/// unsuspended subscriptions until `lease_until`, counting the attempt. The sequencer and fan-out locks are held until the claim is committed, a few milliseconds.
pub async fn prepare_and_claim(
    db: &Db,
    fan_out_batch: u64,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Job>, StoreError> {
    let unsequenced = events::unsequenced(db).await?;
    let now = db.clock().now();
    let txn = db.begin_writing().await?;
    if unsequenced {
        events::sequence_in(&txn, db.backend()).await?;
    }
    while fan_out_in(&txn, now, fan_out_batch).await? as u64 == fan_out_batch {}
    let jobs = claim_in(&txn, now, lease_until, limit).await?;
    txn.commit().await?;
    Ok(jobs)
}

async fn claim_in(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Job>, StoreError> {
    use webhook_delivery::Column;
    let due = Query::select()
        .column(Column::Id)
        .from(webhook_delivery::Entity)
        .and_where(Expr::col(Column::Status).eq(PENDING))
        .and_where(Expr::col(Column::NextAttemptAt).lte(now))
        .and_where(
            Expr::col(Column::SubscriptionId).in_subquery(
                Query::select()
                    .column(webhook_subscription::Column::Id)
                    .from(webhook_subscription::Entity)
                    .and_where(Expr::col(webhook_subscription::Column::Active).eq(true))
                    .and_where(Expr::col(webhook_subscription::Column::SuspendedSince).is_null())
                    .to_owned(),
            ),
        )
        .order_by(Column::NextAttemptAt, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let claimed = webhook_delivery::Entity::update_many()
        .col_expr(Column::NextAttemptAt, Expr::value(lease_until))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::FirstAttemptAt, Expr::col(Column::FirstAttemptAt).if_null(now))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(txn)
        .await?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let events = events::by_row_ids(txn, claimed.iter().map(|d| d.event_id).collect()).await?;
    let mut subscription_ids: Vec<Uuid> = claimed.iter().map(|d| d.subscription_id).collect();
    subscription_ids.sort_unstable();
    subscription_ids.dedup();
    let subscriptions = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(subscription_ids))
        .all(txn)
        .await?;
    Ok(claimed
        .into_iter()
        .filter_map(|d| {
            let event = events.iter().find(|e| e.row_id == d.event_id)?.clone();
            let s = subscriptions.iter().find(|s| s.id == d.subscription_id)?;
            Some(Job {
                delivery_id: d.id,
                attempt: d.attempts,
                first_attempt_at: d.first_attempt_at.unwrap_or(now),
                subscription_id: s.id,
                callback_url: s.callback_url.clone(),
                secret: s.secret.clone(),
                event,
            })
        })
        .collect())
}

/// What one HTTP attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
}

impl Outcome {
    pub fn acknowledged(&self) -> bool {
        self.status_code.is_some_and(domain::webhook::acknowledged)
    }
}

/// What happens to the delivery after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

/// What came of sending one claimed delivery.
#[derive(Debug, Clone)]
pub struct Sent {
    pub job: Job,
    pub outcome: Outcome,
    pub after_failure: AfterFailure,
}

/// Records a round of attempts in one transaction: the log lines, each delivery's new state and the
/// subscriptions' health. A failed delivery is only rescheduled if it is still at the attempt this worker
/// claimed; if another worker took it over meanwhile (this one's lease ran out), the log line is kept and
/// the state left to that worker.
pub async fn record(db: &Db, sent: &[Sent]) -> Result<(), StoreError> {
    use webhook_delivery::Column;
    if sent.is_empty() {
        return Ok(());
    }
    let now = db.clock().now();
    let txn = db.begin_writing().await?;
    if db.backend() == Backend::Postgres {
        // This commit need not wait for the write-ahead log to reach the disk: if the database crashes before
        // it does, what is lost is that these deliveries were made, so they are made again when their lease
        // ends, which at-least-once allows (same `webhook-id`, so receivers drop the repeat).
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
    }
    let attempts: Vec<_> = sent
        .iter()
        .map(|s| attempt_row(s.job.subscription_id, Some(&s.job), &s.job.event.event_type, &s.outcome))
        .collect();
    for chunk in attempts.chunks(200) {
        webhook_attempt::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let delivered: Vec<Uuid> = sent.iter().filter(|s| s.outcome.acknowledged()).map(|s| s.job.delivery_id).collect();
    for chunk in delivered.chunks(200) {
        webhook_delivery::Entity::update_many()
            .col_expr(Column::Status, Expr::value(DELIVERED))
            .col_expr(Column::FinishedAt, Expr::value(now))
            .filter(Column::Id.is_in(chunk.to_vec()))
            .filter(Column::Status.eq(PENDING))
            .exec(&txn)
            .await?;
    }
    for s in sent.iter().filter(|s| !s.outcome.acknowledged()) {
        let update = webhook_delivery::Entity::update_many();
        let update = match s.after_failure {
            AfterFailure::RetryAt(at) => update.col_expr(Column::NextAttemptAt, Expr::value(at)),
            AfterFailure::GiveUp => {
                update.col_expr(Column::Status, Expr::value(FAILED)).col_expr(Column::FinishedAt, Expr::value(now))
            }
        };
        update
            .filter(Column::Id.eq(s.job.delivery_id))
            .filter(Column::Attempts.eq(s.job.attempt))
            .filter(Column::Status.eq(PENDING))
            .exec(&txn)
            .await?;
    }
    let mut health: Vec<(Uuid, Health)> = Vec::new();
    for s in sent {
        let i = match health.iter().position(|(id, _)| *id == s.job.subscription_id) {
            Some(i) => i,
            None => {
                health.push((s.job.subscription_id, Health::default()));
                health.len() - 1
            }
        };
        health[i].1.add(&s.outcome);
    }
    for (subscription_id, h) in health {
        update_health(&txn, subscription_id, &h, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A round's outcomes for one subscription.
#[derive(Debug, Default)]
struct Health {
    succeeded: bool,
    failures: i32,
    last_error: Option<String>,
    last_status: Option<i32>,
}

impl Health {
    fn add(&mut self, outcome: &Outcome) {
        if outcome.acknowledged() {
            self.succeeded = true;
        } else {
            self.failures += 1;
            self.last_status = outcome.status_code.map(i32::from);
            self.last_error = Some(outcome.error.clone().unwrap_or_else(|| {
                format!("answered HTTP {}", outcome.status_code.map(i32::from).unwrap_or_default())
            }));
        }
    }
}

/// Logs a ping's attempt. A ping says nothing about the event deliveries, so the health stays as it is.
pub async fn record_ping(db: &Db, subscription_id: Uuid, outcome: &Outcome) -> Result<Attempt, StoreError> {
    let row = attempt_row(subscription_id, None, domain::webhook::PING, outcome);
    let id = row.id.clone().unwrap();
    row.insert_into(db.conn()).await?;
    Ok(Attempt {
        id,
        delivery_id: None,
        event_seq: None,
        event_type: domain::webhook::PING.to_owned(),
        attempt: 1,
        attempted_at: outcome.attempted_at,
        status_code: outcome.status_code.map(i32::from),
        duration_ms: outcome.duration_ms,
        error: outcome.error.clone(),
        response_excerpt: outcome.response_excerpt.clone(),
    })
}

fn attempt_row(
    subscription_id: Uuid,
    job: Option<&Job>,
    event_type: &str,
    outcome: &Outcome,
) -> webhook_attempt::ActiveModel {
    webhook_attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscription_id: Set(subscription_id),
        delivery_id: Set(job.map(|j| j.delivery_id)),
        event_seq: Set(job.map(|j| j.event.seq)),
        event_type: Set(event_type.to_owned()),
        attempt: Set(job.map(|j| j.attempt).unwrap_or(1)),
        attempted_at: Set(outcome.attempted_at),
        status_code: Set(outcome.status_code.map(i32::from)),
        duration_ms: Set(outcome.duration_ms),
        error: Set(outcome.error.clone()),
        response_excerpt: Set(outcome.response_excerpt.clone()),
    }
}

/// A success in the round clears the failure streak; failures only lengthen it.
async fn update_health<C: ConnectionTrait>(
    conn: &C,
    subscription_id: Uuid,
    h: &Health,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use webhook_subscription::Column;
    let update = webhook_subscription::Entity::update_many();
    let update = if h.succeeded {
        update
            .col_expr(Column::ConsecutiveFailures, Expr::value(0))
            .col_expr(Column::FailingSince, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(Column::LastSuccessAt, Expr::value(now))
    } else {
        update
            .col_expr(Column::ConsecutiveFailures, Expr::col(Column::ConsecutiveFailures).add(h.failures))
            .col_expr(Column::FailingSince, Expr::col(Column::FailingSince).if_null(now))
            .col_expr(Column::LastFailureAt, Expr::value(now))
            .col_expr(Column::LastError, Expr::value(h.last_error.clone()))
            .col_expr(Column::LastFailureStatus, Expr::value(h.last_status))
    };
    update.filter(Column::Id.eq(subscription_id)).exec(conn).await?;
    Ok(())
}

/// One line of a subscription's delivery log.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: Uuid,
    pub delivery_id: Option<Uuid>,
    pub event_seq: Option<i64>,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
}

/// The subscription's attempts, oldest first.
pub async fn attempts<C: ConnectionTrait>(
    conn: &C,
    subscription_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Attempt>, StoreError> {
    let select = webhook_attempt::Entity::find().filter(webhook_attempt::Column::SubscriptionId.eq(subscription_id));
    let rows = keyset(select, webhook_attempt::Column::Id, after, limit).all(conn).await?;
    let rows = rows
        .into_iter()
        .map(|r| Attempt {
            id: r.id,
            delivery_id: r.delivery_id,
            event_seq: r.event_seq,
            event_type: r.event_type,
            attempt: r.attempt,
            attempted_at: r.attempted_at,
            status_code: r.status_code,
            duration_ms: r.duration_ms,
            error: r.error,
            response_excerpt: r.response_excerpt,
        })
        .collect();
    Ok(finish(rows, limit, |a| a.id))
}

/// Deliveries by status, for tests and the operator: (pending, delivered, failed).
pub async fn counts<C: ConnectionTrait>(conn: &C) -> Result<(u64, u64, u64), StoreError> {
    let count = async |status: &str| {
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::Status.eq(status)).count(conn).await
    };
    Ok((count(PENDING).await?, count(DELIVERED).await?, count(FAILED).await?))
}
