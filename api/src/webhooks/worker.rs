//! The delivery worker: numbers newly committed events for the feed, fans them out to deliveries, and sends
//! the due deliveries, signed, each to its subscription's callback URL.
//!
//! Everything it knows is in the database, so any number of instances can run it against one PostgreSQL and
//! a restart loses nothing: a delivery a dead worker was sending is due again when its lease ends.

use std::sync::Arc;

use domain::outbound::OutboundPolicy;
use futures_util::{StreamExt, stream};
use persistence::Db;
use persistence::deliveries::{self, AfterFailure, Job, Outcome, Sent};
use rand::Rng;
use tokio::task::JoinHandle;

use super::sender::{Message, Sender};
use crate::bodies::EventResponse;
use crate::config::WebhookSettings;
use crate::error::ApiError;

/// Events fanned out per transaction.
const FAN_OUT_BATCH: u64 = 500;
/// Deliveries claimed per round for each request slot: enough that one round's bookkeeping (four
/// transactions) is shared by many deliveries, few enough that a round with slow receivers still ends well
/// within the lease.
const CLAIM_PER_SLOT: usize = 4;

#[derive(Clone)]
pub struct Worker {
    db: Db,
    sender: Sender,
    settings: WebhookSettings,
    /// The base of `resourceUrl` in deliveries.
    public_url: String,
}

impl Worker {
    pub fn new(
        db: Db,
        settings: WebhookSettings,
        public_url: String,
        outbound: Arc<OutboundPolicy>,
    ) -> anyhow::Result<Worker> {
        let sender = Sender::new(settings.request_timeout, outbound)?;
        Ok(Worker { db, sender, settings, public_url })
    }

    /// One round: sequence, fan out, suspend the subscriptions whose owner has no valid token left, claim
    /// what is due, send it (at most `concurrency` requests at a time) and record the outcomes in one
    /// transaction; returns how many deliveries it attempted.
    pub async fn run_once(&self) -> Result<usize, ApiError> {
        let sent = self.send_round().await?;
        deliveries::record(&self.db, &sent).await?;
        Ok(sent.len())
    }

    /// A round up to recording its outcomes: the bookkeeping in one transaction, then the requests.
    async fn send_round(&self) -> Result<Vec<Sent>, ApiError> {
        let started = std::time::Instant::now();
        persistence::subscriptions::suspend_ownerless(&self.db).await?;
        let lease_until = self.db.clock().now() + chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
        let batch = (self.settings.concurrency * CLAIM_PER_SLOT) as u64;
        let jobs = deliveries::prepare_and_claim(&self.db, FAN_OUT_BATCH, lease_until, batch).await?;
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let claimed = started.elapsed();
        let sent: Vec<Sent> =
            stream::iter(jobs).map(|job| self.deliver(job)).buffer_unordered(self.settings.concurrency).collect().await;
        tracing::debug!(
            deliveries = sent.len(),
            claim_ms = claimed.as_millis() as u64,
            send_ms = (started.elapsed() - claimed).as_millis() as u64,
            "webhook round sent"
        );
        Ok(sent)
    }

    async fn deliver(&self, job: Job) -> Sent {
        let now = self.db.clock().now();
        let outcome = match (
            domain::webhook::parse_secret(&job.secret),
            serde_json::to_vec(&EventResponse::of(&job.event, &self.public_url)),
        ) {
            (Some(key), Ok(body)) => {
                let id = format!("msg_{}", job.delivery_id.simple());
                self.sender.send(Message { url: &job.callback_url, id, key: &key, body }, now).await
            }
            // Secrets are checked on the way in; a row that fails this was changed behind the service's back.
            _ => Outcome {
                attempted_at: now,
                status_code: None,
                duration_ms: 0,
                error: Some("the subscription's secret is unusable; create the subscription again".into()),
                response_excerpt: None,
            },
        };
        let after_failure = match self.settings.retry.next_attempt(
            job.attempt.max(1) as u32,
            job.first_attempt_at,
            self.db.clock().now(),
            rand::rng().random::<f64>(),
        ) {
            Some(at) => AfterFailure::RetryAt(at),
            None => AfterFailure::GiveUp,
        };
        if !outcome.acknowledged() {
            tracing::info!(
                subscription = %job.subscription_id, delivery = %job.delivery_id, attempt = job.attempt,
                error = outcome.error.as_deref().unwrap_or_default(), "webhook delivery failed"
            );
        }
        Sent { job, outcome, after_failure }
    }

    /// Runs rounds until the task is aborted (or the process ends): at once again after a busy round, while
    /// recording that round's outcomes (so the record's commit is not on the next event's way); after an idle
    /// or failed one, when a commit of this process publishes an event or else after the poll interval (which
    /// finds what other instances and retries due by the clock made due). A failing database is logged and
    /// waited out; outcomes it failed to record are sent again when their lease ends.
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(async move {
            let wake = self.db.events_committed().clone();
            let mut unrecorded: Vec<Sent> = Vec::new();
            loop {
                let (recorded, round) = tokio::join!(deliveries::record(&self.db, &unrecorded), self.send_round());
                if let Err(e) = recorded {
                    tracing::warn!(error = %e, "recording webhook outcomes failed; they are sent again after the lease");
                }
                match round {
                    Ok(sent) if !sent.is_empty() => {
                        unrecorded = sent;
                        continue;
                    }
                    Ok(_) => {
                        unrecorded = Vec::new();
                        tokio::select! {
                            _ = wake.notified() => {}
                            _ = tokio::time::sleep(self.settings.poll_interval) => {}
                        }
                    }
                    Err(e) => {
                        unrecorded = Vec::new();
                        tracing::warn!(error = %e, "webhook round failed; trying again");
                        tokio::time::sleep(self.settings.poll_interval).await;
                    }
                }
            }
        })
    }
}
