//! Webhook subscriptions (abonnementen, SPEC §8) and the safety rules around them (SPEC §15).
//!
//! A subscription belongs to the scope of the token that made it, not to the token: an administrator's
//! subscription receives every event, a coordinator's is the municipality's and a partner's the
//! organisation's. Administrators see and manage all of them, coordinators their municipality's, partners
//! their organisation's, whichever token of it made them. A subscription whose owner has no valid token of
//! the owning role left is suspended by the delivery worker.
//!
//! Callback URLs must not name an address the service may not connect to, and of what receivers answered
//! (the start of an answer, an error that tells a refused connection from a timeout) only administrators are
//! told; anyone else hears the status code, or that no answer came.

use domain::outbound::OutboundPolicy;
use domain::webhook::{self as rules, Endpoint, failure_for_others, reads_receiver_answers, subscription_owner};
use domain::{FieldErrors, Parsed, Principal};
use persistence::deliveries::{self, Attempt};
use persistence::events::Event;
use persistence::subscriptions::{self as store, NewSubscription, Subscription, SubscriptionChanges};
use persistence::{ConnectionTrait, Db, Page, Tx};
use rand::RngCore;
use uuid::Uuid;

use super::{BasedOn, Error, Result, parsed_with, scope_at};
use crate::webhooks::sender::{Message, Sender};

/// A subscription as asked for.
pub struct Subscribe {
    pub callback_url: String,
    pub event_types: Vec<String>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub description: Option<String>,
    /// The signing secret, or `None` to have one made.
    pub secret: Option<String>,
}

/// A merge patch: what is `None` stays.
pub struct Patch {
    pub callback_url: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// `Some(None)` removes the description.
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

/// The subscriptions the principal may see, with what receivers answered told as it may hear it.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Subscription>> {
    let owner = subscription_owner(p)?;
    Ok(store::list(conn, owner, after, limit).await?.map(|s| disclosed(p, s)))
}

pub async fn get<C: ConnectionTrait>(conn: &C, p: &Principal, id: Uuid) -> Result<Subscription> {
    Ok(disclosed(p, visible(conn, p, id).await?))
}

/// The subscription as stored, if the principal may see it.
async fn visible<C: ConnectionTrait>(conn: &C, p: &Principal, id: Uuid) -> Result<Subscription> {
    Ok(store::get(conn, subscription_owner(p)?, id).await?)
}

/// Subscribes; returns the subscription and its secret, which is never shown again.
pub async fn create(
    tx: &Tx,
    p: &Principal,
    outbound: &OutboundPolicy,
    new: Subscribe,
) -> Result<(Subscription, String)> {
    let owner = subscription_owner(p)?;
    let mut errors = FieldErrors::new();
    if let Some(secret) = &new.secret {
        rules::check_secret(&mut errors, "secret", secret);
    }
    check_filters(tx.conn(), scope_at(p, tx.now()), new.municipality_id, new.area_id, &mut errors).await?;
    let endpoint =
        Endpoint { callback_url: new.callback_url, event_types: new.event_types, description: new.description };
    let endpoint = parsed_with(Parsed::parse_in(endpoint, outbound), errors)?;
    let secret = new.secret.unwrap_or_else(|| {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        rules::format_secret(&key)
    });
    let s = store::create(
        tx,
        NewSubscription {
            endpoint,
            municipality_id: new.municipality_id,
            area_id: new.area_id,
            owner,
            secret: secret.clone(),
        },
    )
    .await?;
    Ok((s, secret))
}

/// The municipality and area filters must name ones the principal can see, and the area must lie in the
/// municipality when both are given.
async fn check_filters<C: ConnectionTrait>(
    conn: &C,
    scope: domain::access::ScopeOn,
    municipality_id: Option<Uuid>,
    area_id: Option<Uuid>,
    errors: &mut FieldErrors,
) -> Result<()> {
    use persistence::StoreError::NotFound;
    if let Some(m) = municipality_id {
        match persistence::municipalities::get(conn, scope, m).await {
            Err(NotFound) => errors.push("municipalityId", "unknown", "no such municipality"),
            Err(e) => return Err(e.into()),
            Ok(_) => {}
        }
    }
    if let Some(a) = area_id {
        match persistence::areas::get(conn, scope, a).await {
            Err(NotFound) => errors.push("areaId", "unknown", "no such area"),
            Err(e) => return Err(e.into()),
            Ok(area) if municipality_id.is_some_and(|m| m != area.municipality_id) => {
                errors.push("areaId", "not_in_municipality", "the area does not lie in municipalityId")
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Changes the callback URL, the event types or the description, or pauses or resumes. The audience (owner,
/// municipality and area) stays: another audience is another subscription.
pub async fn update(
    tx: &Tx,
    p: &Principal,
    outbound: &OutboundPolicy,
    id: Uuid,
    based_on: &BasedOn,
    patch: Patch,
) -> Result<Subscription> {
    let current = visible(tx.conn(), p, id).await?;
    let expected = based_on.check(current.revision)?;
    // What the patch leaves out is checked again as stored: a callback URL the outbound policy has come to
    // refuse since must be changed before anything else is.
    let endpoint = Endpoint {
        callback_url: patch.callback_url.unwrap_or_else(|| current.callback_url.clone()),
        event_types: patch.event_types.unwrap_or_else(|| current.event_types.clone()),
        description: patch.description.unwrap_or_else(|| current.description.clone()),
    };
    let changes = SubscriptionChanges {
        endpoint: Parsed::parse_in(endpoint, outbound)?,
        active: patch.active.unwrap_or(current.active),
    };
    Ok(disclosed(p, store::update(tx, &current, changes, expected).await?))
}

/// Deletes the subscription with its pending deliveries and its delivery log.
pub async fn delete(tx: &Tx, p: &Principal, id: Uuid, based_on: &BasedOn) -> Result<()> {
    let current = visible(tx.conn(), p, id).await?;
    let expected = based_on.check(current.revision)?;
    Ok(store::delete(tx, &current, expected).await?)
}

/// The delivery log, oldest first, told as the principal may hear it.
pub async fn attempts<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Attempt>> {
    let s = visible(conn, p, id).await?;
    Ok(deliveries::attempts(conn, s.id, after, limit).await?.map(|a| disclosed_attempt(p, a)))
}

/// Sends a signed `ping` event to the callback URL now, through the same guard as every delivery, logs the
/// attempt (pings are not retried) and returns it as the principal may hear it. `render` writes the event
/// as a receiver gets it.
pub async fn ping(
    db: &Db,
    p: &Principal,
    sender: &Sender,
    id: Uuid,
    render: impl FnOnce(&Event) -> std::result::Result<Vec<u8>, serde_json::Error>,
) -> Result<Attempt> {
    let s = visible(db.conn(), p, id).await?;
    let secret = store::secret(db.conn(), s.id).await?;
    let key = rules::parse_secret(&secret)
        .ok_or_else(|| Error::Internal(format!("subscription {} has an unusable secret", s.id)))?;
    let now = db.clock().now();
    let event = Event {
        row_id: 0,
        seq: 0,
        event_type: rules::PING.to_owned(),
        occurred_at: now,
        municipality_id: s.owner_municipality_id,
        area_id: None,
        organisation_id: s.owner_organisation_id,
        resource_type: "subscription".to_owned(),
        resource_id: s.id,
        resource_path: format!("/api/v1/subscriptions/{}", s.id),
    };
    let body = render(&event).map_err(|e| Error::Internal(e.to_string()))?;
    let message = Message { url: &s.callback_url, id: format!("msg_{}", Uuid::now_v7().simple()), key: &key, body };
    let outcome = sender.send(message, now).await;
    let attempt = deliveries::record_ping(db, s.id, &outcome).await?;
    Ok(disclosed_attempt(p, attempt))
}

/// The subscription with its last error told as the principal may hear it.
fn disclosed(p: &Principal, s: Subscription) -> Subscription {
    if reads_receiver_answers(p) {
        return s;
    }
    let last_status = s.last_failure_status.and_then(|c| u16::try_from(c).ok());
    Subscription { last_error: s.last_error.as_ref().map(|_| failure_for_others(last_status)), ..s }
}

/// The attempt without the receiver's answer and with only its status, unless the principal may read them.
fn disclosed_attempt(p: &Principal, a: Attempt) -> Attempt {
    if reads_receiver_answers(p) {
        return a;
    }
    let status = a.status_code.and_then(|c| u16::try_from(c).ok());
    Attempt { error: a.error.as_ref().map(|_| failure_for_others(status)), response_excerpt: None, ..a }
}
