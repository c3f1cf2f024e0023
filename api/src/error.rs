//! The one error type of the HTTP layer, answered as `application/problem+json` (RFC 9457, SPEC §9).
//!
//! Handlers return `Result<_, ApiError>` and use `?`. Database and internal failures are logged with their
//! cause and answered without it; everything a client caused is answered with what is wrong and where.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::FieldErrors;
use persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem with one input field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InvalidParam {
    /// JSON path of the field (`localities[2].name`), or the name of the query parameter, header or path segment.
    #[schema(example = "localities[2].name")]
    pub name: String,
    /// Stable machine-readable code, e.g. `required`, `too_long`, `invalid_type`, `unknown_field`.
    #[schema(example = "required")]
    pub code: String,
    /// What is wrong, for people.
    #[schema(example = "must not be empty")]
    pub reason: String,
}

/// A cross-stage rule that blocks an adoption (SPEC §3).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BrokenRule {
    /// Stable code of the rule, e.g. `agenda_needs_analysis`, `plan_goal_unknown`, `monitor_goal_unassessed`.
    #[schema(example = "plan_needs_agenda")]
    pub rule: String,
    pub message: String,
    /// Where in the version the problem is, when it is one place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl From<&domain::rules::RuleProblem> for BrokenRule {
    fn from(p: &domain::rules::RuleProblem) -> Self {
        BrokenRule { rule: p.rule.to_owned(), message: p.message.clone(), path: p.path.clone() }
    }
}

/// Problem details (RFC 9457), as the NL GOV API Design Rules prescribe for every error.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// URI identifying the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "urn:gebiedscyclus:problem:invalid-input")]
    pub type_: String,
    #[schema(example = "Invalid input")]
    pub title: String,
    #[schema(example = 400)]
    pub status: u16,
    #[schema(example = "The request has 2 invalid parameters.")]
    pub detail: String,
    /// The path of the request that caused the problem.
    #[schema(example = "/api/v1/areas")]
    pub instance: String,
    /// Every problem with the input at once (for 400 responses), at most 1,000 of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false, max_items = 1000)]
    pub invalid_params: Vec<InvalidParam>,
    /// How many problems were found beyond the 1,000 that `invalidParams` lists. Once the list is full, a
    /// check that needs stored data (a CSV import's references) may stop looking, so there can be more.
    #[serde(skip_serializing_if = "is_zero")]
    #[schema(nullable = false, minimum = 1)]
    pub more_invalid_params: u64,
    /// Every rule that blocks an adoption (409 on `adopt`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false)]
    pub broken_rules: Vec<BrokenRule>,
    /// The request id, as in the `X-Request-Id` response header and the service's logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub request_id: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// At most [`domain::field_errors::MAX_LISTED`] problems in `params`, and how many `more` were found.
    #[error("{detail}")]
    InvalidInput { detail: String, params: Vec<InvalidParam>, more: usize },
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the version cannot be adopted: {} rule(s) broken", .0.len())]
    RulesBroken(Vec<BrokenRule>),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("request body larger than 1 MiB")]
    PayloadTooLarge,
    #[error("{0}")]
    UriTooLong(String),
    #[error("{0}")]
    HeadersTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    IdempotencyMismatch(String),
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("the database is unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(params: Vec<InvalidParam>) -> ApiError {
        ApiError::invalid_with_more(params, 0)
    }

    /// `params` and `more` problems found beyond them: the answer lists the first
    /// [`domain::field_errors::MAX_LISTED`] and counts the rest, whichever way the problems were gathered.
    pub fn invalid_with_more(mut params: Vec<InvalidParam>, more: usize) -> ApiError {
        let more = more + params.len().saturating_sub(domain::field_errors::MAX_LISTED);
        params.truncate(domain::field_errors::MAX_LISTED);
        let detail = match (params.len(), more) {
            (1, 0) => format!("Invalid {}: {}", params[0].name, params[0].reason),
            (n, 0) => format!("The request has {n} invalid parameters."),
            (n, more) => format!("The request has {} invalid parameters; the first {n} are listed.", n + more),
        };
        ApiError::InvalidInput { detail, params, more }
    }

    pub fn invalid_one(name: impl Into<String>, code: &str, reason: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![InvalidParam { name: name.into(), code: code.to_owned(), reason: reason.into() }])
    }

    /// The problems of a body's shape and `later` ones of its operation in one answer (see
    /// [`crate::shape::Checked::merged_with`]).
    pub fn invalid_merged(shape: &crate::shape::Checked, later: Vec<InvalidParam>, later_more: usize) -> ApiError {
        let later: Vec<InvalidParam> = later.into_iter().filter(|p| !shape.is_moot(&p.name)).collect();
        let mut params: Vec<InvalidParam> = shape
            .problems
            .iter()
            .filter(|e| !later.iter().any(|l| l.name == e.name))
            .map(|e| InvalidParam { name: e.name.clone(), code: e.code.to_owned(), reason: e.reason.clone() })
            .collect();
        params.extend(later);
        ApiError::invalid_with_more(params, shape.problems.more() + later_more)
    }

    pub fn not_found() -> ApiError {
        ApiError::NotFound("No such resource, or it lies outside what this token may see.".into())
    }

    fn kind(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::InvalidInput { .. } => (S::BAD_REQUEST, "invalid-input", "Invalid input"),
            ApiError::Unauthenticated(_) => (S::UNAUTHORIZED, "unauthenticated", "Authentication required"),
            ApiError::Forbidden(_) => (S::FORBIDDEN, "forbidden", "Not allowed"),
            ApiError::NotFound(_) => (S::NOT_FOUND, "not-found", "Not found"),
            ApiError::NotAcceptable(_) => (S::NOT_ACCEPTABLE, "not-acceptable", "Not acceptable"),
            ApiError::Conflict(_) => (S::CONFLICT, "conflict", "Conflict with the current state"),
            ApiError::RulesBroken(_) => (S::CONFLICT, "rules-broken", "Cross-stage rules block this adoption"),
            ApiError::PreconditionFailed(_) => (S::PRECONDITION_FAILED, "precondition-failed", "Precondition failed"),
            ApiError::PayloadTooLarge => (S::PAYLOAD_TOO_LARGE, "payload-too-large", "Request body too large"),
            ApiError::UriTooLong(_) => (S::URI_TOO_LONG, "uri-too-long", "URI too long"),
            ApiError::HeadersTooLarge(_) => {
                (S::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large", "Request header fields too large")
            }
            ApiError::UnsupportedMediaType(_) => {
                (S::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type")
            }
            ApiError::IdempotencyMismatch(_) => {
                (S::UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency-Key reused for another request")
            }
            ApiError::PreconditionRequired(_) => {
                (S::PRECONDITION_REQUIRED, "precondition-required", "If-Match required")
            }
            ApiError::Unavailable(_) => (S::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable"),
            ApiError::Internal(_) => (S::INTERNAL_SERVER_ERROR, "internal", "Internal server error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, slug, title) = self.kind();
        let broken_rules = match self {
            ApiError::RulesBroken(rules) => rules.clone(),
            _ => vec![],
        };
        let (detail, invalid_params, more) = match self {
            ApiError::InvalidInput { detail, params, more } => (detail.clone(), params.clone(), *more),
            // The cause of a 5xx is in the log, under the request id; the client gets no internals.
            ApiError::Unavailable(_) => {
                ("The database could not be reached in time; try again shortly.".into(), vec![], 0)
            }
            ApiError::Internal(_) => {
                ("Something went wrong on our side; the request id identifies it in the logs.".into(), vec![], 0)
            }
            other => (other.to_string(), vec![], 0),
        };
        Problem {
            type_: format!("urn:gebiedscyclus:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            instance: String::new(),
            invalid_params,
            more_invalid_params: more as u64,
            broken_rules,
            request_id: None,
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        let (listed, more) = errors.into_parts();
        let params = listed
            .into_iter()
            .map(|e| InvalidParam { name: e.name, code: e.code.to_owned(), reason: e.reason })
            .collect();
        ApiError::invalid_with_more(params, more)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Stale { current } => ApiError::PreconditionFailed(format!(
                "The resource was changed since you read it; its current ETag is \"{current}\". Read it again and reapply your change."
            )),
            StoreError::Conflict(msg) => ApiError::Conflict(msg),
            StoreError::Unavailable(msg) => ApiError::Unavailable(msg),
            StoreError::Db(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<crate::usecases::Error> for ApiError {
    fn from(e: crate::usecases::Error) -> Self {
        use crate::usecases::Error as E;
        match e {
            E::Invalid(errors) => errors.into(),
            E::Forbidden(reason) => ApiError::Forbidden(reason),
            E::NotFound => ApiError::not_found(),
            E::Conflict(reason) => ApiError::Conflict(reason),
            E::RulesBroken(rules) => ApiError::RulesBroken(rules.iter().map(Into::into).collect()),
            E::Stale(reason) => ApiError::PreconditionFailed(reason),
            E::Unavailable(cause) => ApiError::Unavailable(cause),
            E::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<domain::access::Forbidden> for ApiError {
    fn from(e: domain::access::Forbidden) -> Self {
        ApiError::Forbidden(format!("This token may not do this: {}.", e.0))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().0
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::Unauthenticated(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="gebiedscyclus", error="invalid_token""#),
                ));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("2")));
            }
            _ => {}
        }
        let mut response = response.content_type(PROBLEM_JSON).json(&problem);
        // The conventions middleware completes `instance` and `requestId` from the request.
        response.extensions_mut().insert(problem);
        response
    }
}
