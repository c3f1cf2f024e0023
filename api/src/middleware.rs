//! The conventions every response follows, in one middleware: a request id in the logs and the
//! `X-Request-Id` header, `API-Version`, metrics by route pattern, problem+json for every error, including
//! actix's own 404 and 405 (which keeps its `Allow` header), and the headers of SPEC §15:
//! `X-Content-Type-Options: nosniff` on every answer and `Cache-Control: no-store` on every answer to a
//! request that carries credentials (a token or a page session's cookie). The pages' own errors stay HTML.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use tracing::Instrument;
use uuid::Uuid;

use crate::error::{ApiError, PROBLEM_JSON, Problem};
use crate::extract::body::PendingInput;
use crate::query_params;
use crate::startup::{API_VERSION, AppState};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, for the audit trail.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| value.to_owned())
}

fn problem_for_status(status: u16) -> Problem {
    let error = match status {
        404 => ApiError::NotFound("There is no resource at this path. Paths have no trailing slash.".into()),
        405 => {
            return Problem {
                type_: "urn:gebiedscyclus:problem:method-not-allowed".into(),
                title: "Method not allowed".into(),
                status,
                detail: "This resource does not support this method; the Allow header lists those it does.".into(),
                instance: String::new(),
                invalid_params: vec![],
                more_invalid_params: 0,
                broken_rules: vec![],
                request_id: None,
            };
        }
        413 => ApiError::PayloadTooLarge,
        s if s >= 500 => ApiError::Internal(format!("status {s}")),
        _ => {
            let reason = actix_web::http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            return Problem {
                type_: "about:blank".into(),
                title: reason.into(),
                status,
                detail: reason.into(),
                instance: String::new(),
                invalid_params: vec![],
                more_invalid_params: 0,
                broken_rules: vec![],
                request_id: None,
            };
        }
    };
    error.problem()
}

pub async fn conventions(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    // A page session's cookie is a credential as much as a token is.
    let credentials =
        req.headers().contains_key(header::AUTHORIZATION) || req.cookie(crate::pages::session::COOKIE).is_some();
    let request_id = incoming_request_id(&req).unwrap_or_else(|| Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let span =
        tracing::info_span!("request", request_id = %request_id, %method, %path, token_id = tracing::field::Empty);

    // A stand-in for a head the server would not read comes first: it is all there is of that request.
    let refusal = crate::startup::refused_head(req.headers()).or_else(|| {
        req.match_pattern()
            .and_then(|pattern| query_params::refuse_unknown(req.method().as_str(), &pattern, req.query_string()))
    });
    let mut res = match refusal {
        Some(refusal) => req.error_response(refusal),
        None => next.call(req).instrument(span.clone()).await?.map_into_boxed_body(),
    };

    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(PROBLEM_JSON));
    // A page's error is a Dutch page for people, not a problem for programs.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if status.as_u16() >= 400 && !is_page {
        let mut problem = res
            .response()
            .extensions()
            .get::<Problem>()
            .cloned()
            .filter(|_| is_problem)
            .unwrap_or_else(|| problem_for_status(status.as_u16()));
        // A handler that refused before its operation ran (see `respond`) still answers the shape's problems.
        if let Some(PendingInput(checked)) = res.request().extensions_mut().remove::<PendingInput>()
            && status.as_u16() == 400
            && let ApiError::InvalidInput { detail, params, more } = ApiError::invalid_merged(
                &checked,
                std::mem::take(&mut problem.invalid_params),
                problem.more_invalid_params as usize,
            )
        {
            problem.detail = detail;
            problem.invalid_params = params;
            problem.more_invalid_params = more as u64;
        }
        problem.instance = path.clone();
        problem.request_id = Some(request_id.clone());
        let body = serde_json::to_string(&problem).unwrap_or_default();
        res = res.map_body(|head, _| {
            head.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
            BoxBody::new(body)
        });
    }
    let headers = res.headers_mut();
    headers.insert(HeaderName::from_static("api-version"), HeaderValue::from_static(API_VERSION));
    // A browser that guesses a type could run a JSON or CSV answer (with texts a client wrote) as a page.
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // What a token may see is for that token only: no shared cache or browser history keeps it (a new
    // token's secret least of all).
    if credentials {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, v);
    }

    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let elapsed = started.elapsed();
    if let Some(state) = state {
        state.metrics.observe(&method, &route, status.as_u16(), elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(status = status.as_u16(), route = %route, duration_ms = elapsed.as_secs_f64() * 1000.0, "request")
    });
    Ok(res)
}

/// The answer for paths no route matches: a problem under the API's paths (made in `conventions`), a Dutch
/// page elsewhere.
pub async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    if crate::pages::is_api_path(req.path()) { HttpResponse::NotFound().finish() } else { crate::pages::not_found() }
}
