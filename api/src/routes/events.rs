//! `/api/v1/events`: the feed of domain events (gebeurtenissen), thin as in the ZGW Notificaties API. A client
//! remembers the last `id` it handled and asks for `after` it; it never misses an event and never gets one
//! twice. Webhook deliveries carry the same shape.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::access::ReadScope;
use persistence::events::{self as store, EventFilter};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::bodies::EventResponse;
use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::pagination::{ListResponse, check_page_size, next_link_with};
use crate::startup::AppState;

/// The type of a domain event, as the feed's `types` filter and a subscription's `eventTypes` take it. The
/// schema is the catalogue (`domain::event::EventType`), each value with its Dutch description, so the
/// document lists exactly what the service raises.
pub struct EventType;

impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let types = domain::event::EventType::ALL;
        let listed: String = types.iter().map(|t| format!("\n- `{}`: {}", t.as_str(), t.description_nl())).collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(format!("Type of a domain event:\n{listed}")))
            .enum_values(Some(types.iter().map(|t| t.as_str())))
            .into()
    }
}

impl ToSchema for EventType {}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Events after this feed position (default 0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Comma-separated event types, e.g. `version.adopted,contribution.committed` (default: all).
    #[param(value_type = Option<Vec<EventType>>, style = Form, explode = false)]
    pub types: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
}

/// The event types of a `types` parameter; every unknown one is a problem.
pub fn parse_types(problems: &mut domain::FieldErrors, types: Option<&str>) -> Vec<String> {
    let Some(types) = types else { return Vec::new() };
    let types: Vec<String> = types.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    for t in &types {
        if domain::event::EventType::parse(t).is_none() {
            problems.push("types", "unknown_event_type", format!("'{t}' is not an event type"));
        }
    }
    types
}

/// Read the event feed (gebeurtenissen), oldest first, filtered to what the token may see: administrators
/// everything, municipal roles their municipality's events, partners the events about their own organisation.
#[utoipa::path(operation_id = "listEvents", get, path = "/api/v1/events", tag = "events", params(EventQuery),
    responses((status = 200, description = "A page of events; `next` continues after the last, null at the end for now",
               body = ListResponse<EventResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut problems = domain::FieldErrors::new();
    let limit = check_page_size(&mut problems, q.page_size);
    let after = q.after.unwrap_or(0);
    if after < 0 {
        problems.push("after", "out_of_range", "must be 0 or more");
    }
    let filter = EventFilter {
        types: parse_types(&mut problems, q.types.as_deref()),
        municipality_id: q.municipality_id,
        area_id: q.area_id,
    };
    problems.into_result(())?;
    // Events committed since the last run get their positions first, so a client sees its own change.
    store::sequence(&state.db).await?;
    let (events, more) = store::list(state.db.conn(), ReadScope::of(&p), &filter, after, limit).await?;
    let base = crate::respond::base_url(&req);
    let next = match (more, events.last()) {
        (true, Some(last)) => Some(next_link_with(&req, "after", &last.seq.to_string())),
        _ => None,
    };
    let results = events.iter().map(|e| EventResponse::of(e, &base)).collect();
    Ok(HttpResponse::Ok().json(ListResponse { results, next }))
}
