//! `/api/v1/subscriptions`: webhook subscriptions (abonnementen) on the event feed, their delivery log and a
//! ping to test a receiver. Deliveries are signed as Standard Webhooks; the secret is shown once, on creation.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::webhook::{FAILING_AFTER, suspension_reason};
use persistence::deliveries::Attempt;
use persistence::subscriptions::Subscription;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::bodies::EventResponse;
use crate::error::ApiError;
use crate::extract::{Auth, Body, IdempotencyKey, IfMatch, PathId, Query};
use crate::pagination::{ListResponse, PageQuery, list_response, page_params};
use crate::respond::{self, Created};
use crate::startup::AppState;
use crate::usecases::subscriptions::{self, Patch, Subscribe};

/// Whether the receiver is keeping up: `failing` after several failed attempts in a row (storing).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Failing,
}

/// How deliveries to the callback URL have gone lately.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: HealthStatus,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    /// The first failure since the last success.
    pub failing_since: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    /// What went wrong last. Administrators read the whole error; others the HTTP status, or that no answer
    /// came.
    pub last_error: Option<String>,
}

/// A webhook subscription (abonnement), without its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionResponse {
    pub id: Uuid,
    #[schema(example = "https://dashboard.example.nl/hooks/gebiedscyclus")]
    pub callback_url: String,
    /// The event types sent; empty for all.
    pub event_types: Vec<String>,
    /// Only events of this municipality (gemeente).
    pub municipality_id: Option<Uuid>,
    /// Only events of this area (gebied).
    pub area_id: Option<Uuid>,
    pub description: Option<String>,
    /// Whose events it receives: this municipality's (a coordinator's subscription) …
    pub owner_municipality_id: Option<Uuid>,
    /// … or this organisation's (a partner's; with a municipality too, only those in that municipality, the
    /// one the partner's token is bound to); both null: every event (an administrator's).
    pub owner_organisation_id: Option<Uuid>,
    /// Paused subscriptions get nothing; what happened meanwhile is sent when they are resumed.
    pub active: bool,
    /// Set while the owner has no valid token of the role that owns the subscription (a coordinator token
    /// of the municipality, a partner token of the organisation, an administrator token): nothing is sent
    /// then. What happened meanwhile is sent once the owner has a valid token again.
    pub suspended_since: Option<DateTime<Utc>>,
    /// Why it is suspended.
    pub suspended_reason: Option<String>,
    pub health: Health,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Subscription> for SubscriptionResponse {
    fn from(s: &Subscription) -> Self {
        SubscriptionResponse {
            id: s.id,
            callback_url: s.callback_url.clone(),
            event_types: s.event_types.clone(),
            municipality_id: s.municipality_id,
            area_id: s.area_id,
            description: s.description.clone(),
            owner_municipality_id: s.owner_municipality_id,
            owner_organisation_id: s.owner_organisation_id,
            active: s.active,
            suspended_since: s.suspended_since,
            suspended_reason: s.suspended_since.map(|_| suspension_reason(s.owner()).to_owned()),
            health: Health {
                status: if s.consecutive_failures >= FAILING_AFTER {
                    HealthStatus::Failing
                } else {
                    HealthStatus::Healthy
                },
                consecutive_failures: s.consecutive_failures,
                failing_since: s.failing_since,
                last_success_at: s.last_success_at,
                last_failure_at: s.last_failure_at,
                last_error: s.last_error.clone(),
            },
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A new subscription with its secret, which is shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedSubscription {
    /// The signing secret (`whsec_…`): verify each delivery's `webhook-signature` with it. Not in a retry
    /// with the same `Idempotency-Key` (`Idempotent-Replayed: true`): it is shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
    #[serde(flatten)]
    pub subscription: SubscriptionResponse,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateSubscription {
    /// Where to POST the events: http or https, without user name or password.
    #[schema(
        example = "https://dashboard.example.nl/hooks/gebiedscyclus",
        max_length = 2000,
        pattern = r"^https?://(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?|(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}|\[(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:)|::(?:[Ff]{4}:)?(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3})\])(?::0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?(?:[/?][A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$"
    )]
    pub callback_url: String,
    /// Event types to send (default: all).
    #[serde(default)]
    #[schema(schema_with = event_types_schema)]
    pub event_types: Vec<String>,
    /// Only events of this municipality (gemeente).
    pub municipality_id: Option<Uuid>,
    /// Only events of this area (gebied).
    pub area_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// A Standard Webhooks secret (`whsec_` and the base64 of 24 to 64 random bytes); leave it out to have
    /// one made.
    #[schema(
        pattern = r"^whsec_(([A-Za-z0-9+/]{4}){8,20}([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?|([A-Za-z0-9+/]{4}){21}([A-Za-z0-9+/][AQgw]==)?)$"
    )]
    pub secret: Option<String>,
}

/// The event types a subscription lists: known ones, each once, at most `EVENT_TYPES_MAX`.
fn event_types_array() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("EventType"))
        .max_items(Some(domain::webhook::EVENT_TYPES_MAX))
        .unique_items(true)
}

fn event_types_schema() -> utoipa::openapi::schema::Array {
    event_types_array()
        .description(Some("Event types to send (default: all)."))
        .examples([serde_json::json!(["version.adopted", "contribution.committed"])])
        .build()
}

fn event_types_patch_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::{Type, schema::SchemaType};
    event_types_array().schema_type(SchemaType::from_iter([Type::Array, Type::Null])).build()
}

/// A merge patch. The audience (owner, municipality and area) stays; make a new subscription for another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateSubscription {
    #[schema(
        max_length = 2000,
        pattern = r"^https?://(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?|(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}|\[(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:)|::(?:[Ff]{4}:)?(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3})\])(?::0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?(?:[/?][A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$"
    )]
    pub callback_url: Option<String>,
    #[schema(schema_with = event_types_patch_schema)]
    pub event_types: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    /// `false` pauses deliveries, `true` resumes them.
    pub active: Option<bool>,
}

/// One attempt to deliver an event (afleverpoging).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptResponse {
    pub id: Uuid,
    /// The delivery: the `webhook-id` of its requests is `msg_` and this id without dashes. Null for a ping.
    pub delivery_id: Option<Uuid>,
    /// The event's feed position; null for a ping.
    pub event_id: Option<i64>,
    #[schema(example = "version.adopted")]
    pub event_type: String,
    /// 1 for the first attempt of the delivery, 2 for the first retry, …
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; null when no answer came.
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    /// Whether the receiver acknowledged it (any 2xx).
    pub succeeded: bool,
    /// Why it failed. Administrators read the whole error (a refused connection, a timeout, an address the
    /// service may not connect to); others the HTTP status, or that no answer came.
    pub error: Option<String>,
    /// The start of the receiver's answer (at most 256 bytes); shown to administrators only.
    pub response_excerpt: Option<String>,
}

impl From<Attempt> for AttemptResponse {
    fn from(a: Attempt) -> Self {
        AttemptResponse {
            id: a.id,
            delivery_id: a.delivery_id,
            event_id: a.event_seq,
            event_type: a.event_type,
            attempt: a.attempt,
            attempted_at: a.attempted_at,
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            succeeded: a.status_code.is_some_and(|s| domain::webhook::acknowledged(s as u16)),
            error: a.error,
            response_excerpt: a.response_excerpt,
        }
    }
}

/// List webhook subscriptions (administrators: all; coordinators: their municipality's; partners: their
/// organisation's).
#[utoipa::path(operation_id = "listSubscriptions", get, path = "/api/v1/subscriptions", tag = "subscriptions", params(PageQuery),
    responses((status = 200, description = "A page of subscriptions", body = ListResponse<SubscriptionResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = subscriptions::list(state.db.conn(), &p, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(|s| SubscriptionResponse::from(&s)))))
}

/// Read one webhook subscription with the health of its receiver.
#[utoipa::path(operation_id = "getSubscription", get, path = "/api/v1/subscriptions/{id}", tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "The subscription", body = SubscriptionResponse),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let s = subscriptions::get(state.db.conn(), &p, id).await?;
    Ok(respond::resource(&req, s.revision, &SubscriptionResponse::from(&s)))
}

/// Subscribe a callback URL to events. Administrators may subscribe to any event, coordinators to their
/// municipality's, partners to their own organisation's. The secret is in this response only.
#[utoipa::path(operation_id = "createSubscription", post, path = "/api/v1/subscriptions", tag = "subscriptions",
    request_body = CreateSubscription,
    responses((status = 201, description = "Created; `secret` signs the deliveries", body = CreatedSubscription)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    key: IdempotencyKey,
    body: Body<CreateSubscription>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let new = Subscribe {
        callback_url: input.callback_url.clone(),
        event_types: input.event_types.clone(),
        municipality_id: input.municipality_id,
        area_id: input.area_id,
        description: input.description.clone(),
        secret: input.secret.clone(),
    };
    // A replay answers the subscription as it is now, without the secret, which is shown once.
    let current = async |id| {
        let s = subscriptions::get(state.db.conn(), &p, id).await?;
        Created::new(&SubscriptionResponse::from(&s), format!("/api/v1/subscriptions/{}", s.id), s.revision)
    };
    let work = async |tx: &persistence::Tx| {
        let (s, secret) = subscriptions::create(tx, &p, &state.outbound, new).await?;
        let body = CreatedSubscription { secret: Some(secret), subscription: SubscriptionResponse::from(&s) };
        Created::new(&body, format!("/api/v1/subscriptions/{}", s.id), s.revision)
    };
    respond::create_with_secret(&state, &req, &p, key, &body.raw, work, current).await
}

/// Change a subscription's callback URL, event types or description, or pause and resume it.
#[utoipa::path(operation_id = "updateSubscription", patch, path = "/api/v1/subscriptions/{id}", tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    request_body(content = UpdateSubscription, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Changed", body = SubscriptionResponse)))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
    body: Body<UpdateSubscription>,
) -> Result<HttpResponse, ApiError> {
    let input = &body.value;
    let patch = Patch {
        callback_url: input.callback_url.clone(),
        event_types: input.event_types.clone(),
        description: input.description.clone(),
        active: input.active,
    };
    let s = respond::in_transaction(&state, &req, &p, async |tx| {
        Ok(subscriptions::update(tx, &p, &state.outbound, id, &if_match.0, patch).await?)
    })
    .await?;
    Ok(respond::changed(s.revision, &SubscriptionResponse::from(&s)))
}

/// Delete a subscription, with its pending deliveries and its delivery log.
#[utoipa::path(operation_id = "deleteSubscription", delete, path = "/api/v1/subscriptions/{id}", tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    respond::in_transaction(&state, &req, &p, async |tx| Ok(subscriptions::delete(tx, &p, id, &if_match.0).await?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log (afleverlog): every attempt to deliver to this subscription, oldest first, with its time,
/// HTTP status, duration and error; the receiver's answer and the whole error only for administrators.
#[utoipa::path(operation_id = "listSubscriptionDeliveries", get, path = "/api/v1/subscriptions/{id}/deliveries", tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id"), PageQuery),
    responses((status = 200, description = "A page of delivery attempts", body = ListResponse<AttemptResponse>)))]
pub async fn deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
    Query(q): Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let page = subscriptions::attempts(state.db.conn(), &p, id, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(AttemptResponse::from))))
}

/// Send a `ping` event to the callback URL now, signed like every delivery, and answer with the attempt, so
/// an integrator can check the receiver and its signature check. Pings are logged, not retried, and go only
/// where deliveries may go; the receiver's answer and the whole error are shown to administrators only.
#[utoipa::path(operation_id = "pingSubscription", post, path = "/api/v1/subscriptions/{id}/ping", tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses((status = 200, description = "The attempt; `succeeded` tells whether the receiver acknowledged it", body = AttemptResponse)))]
pub async fn ping(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let base = respond::base_url(&req);
    let attempt = subscriptions::ping(&state.db, &p, &state.webhook_sender, id, |event| {
        serde_json::to_vec(&EventResponse::of(event, &base))
    })
    .await?;
    Ok(HttpResponse::Ok().json(AttemptResponse::from(attempt)))
}
