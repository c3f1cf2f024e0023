//! `/api/v1/audit-events`: the append-only audit trail (audittrail). Nothing changes or deletes it.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use persistence::audit::{AuditEvent, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{Auth, Query};
use crate::pagination::{ListResponse, list_response, page_params};
use crate::startup::AppState;
use crate::usecases::audit;

/// Who made a change: the token and its name at the time.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// Null for changes made from configuration or the command line.
    pub token_id: Option<Uuid>,
    pub name: String,
}

/// The state before and after a change; `old` is null for a create, `new` null for a delete.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changes {
    #[schema(value_type = Option<Object>, required = true)]
    pub old: serde_json::Value,
    #[schema(value_type = Option<Object>, required = true)]
    pub new: serde_json::Value,
}

/// One change in the audit trail (auditregel).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventResponse {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    #[schema(example = "area.updated")]
    pub action: String,
    #[schema(example = "area")]
    pub resource_type: String,
    pub resource_id: Uuid,
    pub municipality_id: Option<Uuid>,
    pub changes: Changes,
    /// The id of the request that made the change, as in its `X-Request-Id`.
    pub request_id: Option<String>,
}

impl From<AuditEvent> for AuditEventResponse {
    fn from(e: AuditEvent) -> Self {
        AuditEventResponse {
            id: e.id,
            at: e.at,
            actor: Actor { token_id: e.actor_token_id, name: e.actor_name },
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            municipality_id: e.municipality_id,
            changes: Changes { old: e.old, new: e.new },
            request_id: e.request_id,
        }
    }
}

/// What the audit trail records a change as: every event type of the feed, and the changes that are audited
/// but not published. The schema is the catalogue (`domain::event::Action`), each with its Dutch description.
pub struct AuditAction;

impl utoipa::PartialSchema for AuditAction {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use domain::event::Action;
        let listed: String = Action::all()
            .map(|a| {
                let published = if a.published().is_some() { "" } else { " (niet gepubliceerd)" };
                format!("\n- `{}`: {}{published}", a.as_str(), a.description_nl())
            })
            .collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(format!("Action of an audit event:\n{listed}")))
            .enum_values(Some(Action::all().map(|a| a.as_str())))
            .into()
    }
}

impl ToSchema for AuditAction {}

/// The types of resource the audit trail records changes of, as the catalogue names them.
pub struct AuditResourceType;

impl utoipa::PartialSchema for AuditResourceType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut types: Vec<&str> = domain::event::Action::all().map(|a| a.resource_type()).collect();
        types.sort_unstable();
        types.dedup();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some("Type of the resource an audit event records a change of"))
            .enum_values(Some(types))
            .into()
    }
}

impl ToSchema for AuditResourceType {}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `municipality`, `area`, `organisation`, `area_partner`, `api_token`, …
    #[param(value_type = Option<AuditResourceType>, inline)]
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    /// `area.created`, `municipality.updated`, `api_token.revoked`, …
    #[param(value_type = Option<AuditAction>, inline)]
    pub action: Option<String>,
    /// Changes made with this token.
    pub actor_token_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    /// Changes at or after this moment.
    pub since: Option<DateTime<Utc>>,
    /// Changes before this moment.
    pub until: Option<DateTime<Utc>>,
    /// Results per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u64>,
    /// Opaque cursor from a `next` link.
    pub cursor: Option<String>,
}

/// Read the audit trail (administrators: all; coordinators: their municipality's), oldest first.
#[utoipa::path(operation_id = "listAuditEvents", get, path = "/api/v1/audit-events", tag = "audit-events", params(AuditQuery),
    responses((status = 200, description = "A page of audit events", body = ListResponse<AuditEventResponse>)))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(p): Auth,
    Query(q): Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page_params(q.page_size, q.cursor.as_deref())?;
    let filter = AuditFilter {
        resource_type: q.resource_type,
        resource_id: q.resource_id,
        action: q.action,
        actor_token_id: q.actor_token_id,
        municipality_id: q.municipality_id,
        since: q.since,
        until: q.until,
    };
    let page = audit::list(state.db.conn(), &p, &filter, after, limit).await?;
    Ok(HttpResponse::Ok().json(list_response(&req, page.map(AuditEventResponse::from))))
}
