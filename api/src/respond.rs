//! The shapes of successful answers, shared by all resources: a resource with its ETag (and 304 when the
//! client has it), and creates that honour `Idempotency-Key` inside the same transaction as the change.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use domain::Principal;
use persistence::idempotency::{self, StoredResponse};
use persistence::{Actor, StoreError, Tx};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::extract::body::PendingInput;
use crate::extract::{IdempotencyKey, etag_of, not_modified};
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

/// 200 with the body and its ETag, or 304 when `If-None-Match` names the current revision.
pub fn resource<T: Serialize>(req: &HttpRequest, revision: i64, body: &T) -> HttpResponse {
    if let Some(response) = not_modified(req, revision) {
        return response;
    }
    HttpResponse::Ok().insert_header((header::ETAG, etag_of(revision))).json(body)
}

/// 200 with the changed resource and its new ETag.
pub fn changed<T: Serialize>(revision: i64, body: &T) -> HttpResponse {
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

fn replay(stored: StoredResponse) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(stored.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header(("Idempotent-Replayed", "true"));
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    if let Some(etag) = stored.etag {
        response.insert_header((header::ETAG, etag));
    }
    response.content_type("application/json").body(stored.body)
}

async fn replay_stored(
    state: &AppState,
    principal: &Principal,
    key: &str,
    hash: &str,
) -> Result<Option<HttpResponse>, ApiError> {
    match idempotency::find(state.db.conn(), principal.token_id, key).await? {
        None => Ok(None),
        Some(stored) if stored.request_hash == hash => Ok(Some(replay(stored))),
        Some(_) => Err(ApiError::IdempotencyMismatch(
            "This Idempotency-Key was used before for a different request; use a new key for a new request.".into(),
        )),
    }
}

/// A create: 201 with `Location` and `ETag`. With an `Idempotency-Key`, a retry of the same request returns
/// the first response and creates nothing; the stored response commits with the create itself.
pub async fn create(
    state: &AppState,
    req: &HttpRequest,
    principal: &Principal,
    key: IdempotencyKey,
    raw: &[u8],
    work: impl AsyncFnOnce(&Tx) -> Result<Created, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let hash = request_hash(req, raw);
    if let Some(key) = &key.0
        && let Some(response) = replay_stored(state, principal, key, &hash).await?
    {
        return Ok(response);
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
                body: body.clone(),
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
            return replay_stored(state, principal, key, &hash)
                .await?
                .ok_or_else(|| ApiError::Conflict("A request with this Idempotency-Key is in progress.".into()));
        }
        (Err(e), _) => return Err(e.into()),
    }
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, created.location))
        .insert_header((header::ETAG, etag))
        .content_type("application/json")
        .body(body))
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
