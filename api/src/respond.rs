//! The shapes of successful answers, shared by all resources: a resource with its ETag (and 304 when the
//! client has it), and creates that honour `Idempotency-Key` inside the same transaction as the change.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use domain::Principal;
use persistence::idempotency::{self, StoredResponse};
use persistence::{Actor, StoreError, Tx};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Display;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::body::PendingInput;
use crate::extract::{IdempotencyKey, etag_of, not_modified_as};
use crate::middleware::RequestId;
use crate::startup::AppState;

/// The actor of a change: the caller's token and the request id, for the audit trail.
pub fn actor(req: &HttpRequest, principal: &Principal) -> Actor {
    Actor {
        token_id: Some(principal.token_id),
        name: principal.name.clone(),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}

/// 200 with the body and its ETag, or 304 when `If-None-Match` names the current revision (or tag).
pub fn resource<T: Serialize>(req: &HttpRequest, revision: impl Display, body: &T) -> HttpResponse {
    let etag = etag_of(revision);
    if let Some(response) = not_modified_as(req, &etag) {
        return response;
    }
    HttpResponse::Ok().insert_header((header::ETAG, etag)).json(body)
}

/// 200 with the changed resource and its new ETag.
pub fn changed<T: Serialize>(revision: impl Display, body: &T) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag_of(revision))).json(body)
}

/// Runs `work` in one write transaction and commits it, unless the body had problems of its shape: then
/// those and whatever `work` refused are answered together, and nothing is committed.
pub async fn in_transaction<T>(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    work: impl AsyncFnOnce(&Tx) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let pending = req.extensions_mut().remove::<PendingInput>();
    let tx = state.db.begin(actor(req, principal)).await?;
    let value = with_pending(pending, work(&tx).await)?;
    tx.commit().await?;
    Ok(value)
}

/// The outcome of an operation on a repaired body: the shape's problems, with the operation's own.
fn with_pending<T>(pending: Option<PendingInput>, outcome: Result<T, ApiError>) -> Result<T, ApiError> {
    let Some(PendingInput(checked)) = pending else { return outcome };
    let (later, more) = match outcome {
        Err(ApiError::InvalidInput { params, more, .. }) => (params, more),
        // A refusal of another kind (a role, a state) is decided on placeholders, so it says nothing yet.
        _ => (vec![], 0),
    };
    Err(ApiError::invalid_merged(&checked, later, more))
}

/// What a create made: the body, where it lives and its revision.
pub struct Created {
    pub body: serde_json::Value,
    pub location: String,
    pub revision: i64,
}

impl Created {
    pub fn new<T: Serialize>(body: &T, location: String, revision: i64) -> Result<Created, ApiError> {
        let body = serde_json::to_value(body).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Created { body, location, revision })
    }
}

fn request_hash(req: &HttpRequest, raw: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.path());
    hasher.update(b"\n");
    hasher.update(raw);
    hex::encode(hasher.finalize())
}

/// The first answer again, as it was stored.
fn replay(stored: StoredResponse) -> Result<HttpResponse, ApiError> {
    let body = stored
        .body
        .ok_or_else(|| ApiError::Internal("an idempotency record without a body for a create that keeps one".into()))?;
    let status = actix_web::http::StatusCode::from_u16(stored.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header(("Idempotent-Replayed", "true"));
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    if let Some(etag) = stored.etag {
        response.insert_header((header::ETAG, etag));
    }
    Ok(response.content_type("application/json").body(body))
}

async fn earlier(
    state: &AppState,
    principal: &Principal,
    key: &str,
    hash: &str,
) -> Result<Option<StoredResponse>, ApiError> {
    match idempotency::find(state.db.conn(), principal.token_id, key, state.db.clock().now()).await? {
        None => Ok(None),
        Some(stored) if stored.request_hash == hash => Ok(Some(stored)),
        Some(_) => Err(ApiError::IdempotencyMismatch(
            "This Idempotency-Key was used before for a different request; use a new key for a new request.".into(),
        )),
    }
}

/// What a create with an `Idempotency-Key` keeps for its replay.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The whole first answer.
    Answer,
    /// Everything but the body, which shows a secret that is never kept.
    AllButTheBody,
}

/// How a create ended: it made the resource now, or an earlier request with the same key did.
enum Outcome {
    Made(HttpResponse),
    Earlier(StoredResponse),
}

/// A create: 201 with `Location` and `ETag`. With an `Idempotency-Key`, a retry of the same request (within
/// a day) returns the first response and creates nothing; the stored response commits with the create
/// itself.
pub async fn create(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    key: IdempotencyKey,
    raw: &[u8],
    work: impl AsyncFnOnce(&Tx) -> Result<Created, ApiError>,
) -> Result<HttpResponse, ApiError> {
    match create_once(state, req, principal, key, raw, Keep::Answer, work).await? {
        Outcome::Made(response) => Ok(response),
        Outcome::Earlier(stored) => replay(stored),
    }
}

/// A create whose answer shows a secret once (an API token, a webhook secret), as [`create`] but keeping no
/// secret (SPEC §15): the idempotency record holds no body, and a retry of the same request answers 201 with
/// the resource as it is now, read by `current` from its id, without the secret (`Idempotent-Replayed:
/// true`). So a client whose first answer was lost learns where the resource is and what became of it (it
/// may have been revoked since), and issues a new one for a new secret.
pub async fn create_with_secret(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    key: IdempotencyKey,
    raw: &[u8],
    work: impl AsyncFnOnce(&Tx) -> Result<Created, ApiError>,
    current: impl AsyncFnOnce(Uuid) -> Result<Created, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let stored = match create_once(state, req, principal, key, raw, Keep::AllButTheBody, work).await? {
        Outcome::Made(response) => return Ok(response),
        Outcome::Earlier(stored) => stored,
    };
    let id = stored
        .location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| ApiError::Internal("an idempotency record without the location of what it made".into()))?;
    let now = match current(id).await {
        Ok(now) => now,
        Err(ApiError::NotFound(_)) => {
            return Err(ApiError::Conflict(
                "The first request with this Idempotency-Key created a resource that no longer exists.".into(),
            ));
        }
        Err(e) => return Err(e),
    };
    let body = serde_json::to_string(&now.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Created()
        .insert_header(("Idempotent-Replayed", "true"))
        .insert_header((header::LOCATION, now.location))
        .insert_header((header::ETAG, etag_of(now.revision)))
        .content_type("application/json")
        .body(body))
}

async fn create_once(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    key: IdempotencyKey,
    raw: &[u8],
    keep: Keep,
    work: impl AsyncFnOnce(&Tx) -> Result<Created, ApiError>,
) -> Result<Outcome, ApiError> {
    let hash = request_hash(req, raw);
    if let Some(key) = &key.0
        && let Some(stored) = earlier(state, principal, key, &hash).await?
    {
        return Ok(Outcome::Earlier(stored));
    }
    let pending = req.extensions_mut().remove::<PendingInput>();
    let tx = state.db.begin(actor(req, principal)).await?;
    let created = with_pending(pending, work(&tx).await)?;
    let etag = etag_of(created.revision);
    let body = serde_json::to_string(&created.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let stored = match &key.0 {
        Some(key) => {
            let stored = StoredResponse {
                request_hash: hash.clone(),
                status: 201,
                body: (keep == Keep::Answer).then(|| body.clone()),
                location: Some(created.location.clone()),
                etag: Some(etag.clone()),
            };
            idempotency::store(&tx, principal.token_id, key, &stored).await.map(|_| ())
        }
        None => Ok(()),
    };
    let committed = match stored {
        Ok(()) => tx.commit().await,
        Err(e) => {
            drop(tx);
            Err(e)
        }
    };
    match (committed, &key.0) {
        (Ok(()), _) => {}
        // A concurrent request with the same key got there first: answer as it was answered, and let this
        // transaction (with its duplicate) roll back.
        (Err(StoreError::Conflict(_)), Some(key)) => {
            return earlier(state, principal, key, &hash)
                .await?
                .map(Outcome::Earlier)
                .ok_or_else(|| ApiError::Conflict("A request with this Idempotency-Key is in progress.".into()));
        }
        (Err(e), _) => return Err(e.into()),
    }
    Ok(Outcome::Made(
        HttpResponse::Created()
            .insert_header((header::LOCATION, created.location))
            .insert_header((header::ETAG, etag))
            .content_type("application/json")
            .body(body),
    ))
}

/// The configured public URL, the base of absolute URLs in responses. Never the request's `Host`,
/// `Forwarded` or `X-Forwarded-*`: a client chooses those, and a link built from them would send the next
/// reader (a cache, a webhook receiver, a dashboard following `next`) wherever the client likes.
pub fn base_url(req: &HttpRequest) -> String {
    match req.app_data::<actix_web::web::Data<AppState>>() {
        Some(state) => state.public_url.clone(),
        // Only an application built without its state lacks one; a path alone still leads somewhere.
        None => String::new(),
    }
}
