//! What runs without a token: health, metrics, the OpenAPI document and its docs page.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health/live").route(web::get().to(live)))
        .service(web::resource("/health/ready").route(web::get().to(ready)))
        .service(web::resource("/metrics").route(web::get().to(metrics)))
        .service(web::resource("/api/v1/openapi.json").route(web::get().to(openapi_json)))
        // The docs page is served from files inside the binary (the `vendored` feature): no internet needed.
        .service(SwaggerUi::new("/api/v1/docs/{_:.*}").config(Config::from("/api/v1/openapi.json")))
        .service(web::resource("/api/v1/docs").route(web::get().to(docs_redirect)));
}

#[derive(Debug, Serialize, ToSchema)]
// Named apart from a subscription's `Health`: one component name, one shape.
#[schema(as = ServiceHealth)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(operation_id = "healthLive", get, path = "/health/live", tag = "operations", security(()),
    responses((status = 200, description = "The process is alive", body = Health)))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(operation_id = "healthReady", get, path = "/health/ready", tag = "operations", security(()),
    responses((status = 200, description = "Ready to serve", body = Health),
              (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(operation_id = "metrics", get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Metrics", body = String, content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(state.db.pool_state(), state.db.statements()))
}

/// This OpenAPI 3.1 document. No token needed; any origin may fetch it.
#[utoipa::path(operation_id = "openapiDocument", get, path = "/api/v1/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn openapi_json(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .content_type("application/json")
        .body(state.openapi_json.clone())
}

/// The docs page lives at `/api/v1/docs/`; the bare path leads there.
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::Found().insert_header((header::LOCATION, "/api/v1/docs/")).finish()
}
