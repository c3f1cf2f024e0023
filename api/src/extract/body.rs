use actix_web::HttpMessage;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::serde_param;
use crate::error::{ApiError, InvalidParam};
use crate::shape;

/// The largest body the service accepts (SPEC §9: 413 above it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON request body, checked whole against its published schema and parsed, with the raw bytes kept for
/// idempotency checks. Request types deny unknown fields, so a misspelt field is an error, not a no-op.
pub struct Body<T> {
    pub value: T,
    pub raw: Bytes,
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A body that could not be read: too large (413) or broken off.
pub(crate) fn payload_error(e: actix_web::Error) -> ApiError {
    match e.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
        _ => match e.as_response_error().status_code().as_u16() {
            413 => ApiError::PayloadTooLarge,
            _ => ApiError::invalid_one("body", "unreadable", format!("the request body could not be read: {e}")),
        },
    }
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner();
    if inner.is_syntax() || inner.is_eof() {
        ApiError::invalid(vec![InvalidParam {
            name: "body".into(),
            code: "malformed_json".into(),
            reason: format!("not valid JSON: {inner}"),
        }])
    } else {
        ApiError::invalid(vec![serde_param(&e.path().to_string(), &inner.to_string())])
    }
}

/// The problems of a body's shape that its handler's operation must answer together with its own: the body
/// was repaired (see [`crate::shape`]) so the operation could look for the problems only it can find. Kept in
/// the request's extensions; `respond` never commits a change while it is there.
pub struct PendingInput(pub shape::Checked);

/// Parses a JSON body into `T`, checking its shape against `T`'s published schema first. Problems of the
/// shape alone are answered at once when the body cannot be parsed even after repair; otherwise they wait
/// in `pending` for the operation's own.
pub(crate) fn parse_json<T: DeserializeOwned + ToSchema>(raw: &[u8]) -> Result<(T, Option<shape::Checked>), ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_one("body", "required", "the request needs a JSON body"));
    }
    let mut de = serde_json::Deserializer::from_slice(raw);
    let tree = serde_path_to_error::deserialize::<_, serde_json::Value>(&mut de).map_err(json_error)?;
    de.end().map_err(|e| ApiError::invalid_one("body", "malformed_json", format!("not valid JSON: {e}")))?;
    let mut checked = shape::check(&T::name(), tree);
    let tree = std::mem::take(&mut checked.value);
    match serde_path_to_error::deserialize(tree) {
        Ok(value) if checked.problems.is_empty() => Ok((value, None)),
        Ok(value) => Ok((value, Some(checked))),
        // The schema let through what the type refuses: answer both.
        Err(e) => {
            let mut params: Vec<InvalidParam> = checked
                .problems
                .iter()
                .map(|p| InvalidParam { name: p.name.clone(), code: p.code.to_owned(), reason: p.reason.clone() })
                .collect();
            let late = serde_param(&e.path().to_string(), &e.inner().to_string());
            if !checked.is_moot(&late.name) && !params.iter().any(|p| p.name == late.name) {
                params.push(late);
            }
            Err(ApiError::invalid(params))
        }
    }
}

impl<T: DeserializeOwned + ToSchema + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let raw = bytes.await.map_err(payload_error)?;
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as JSON with Content-Type: application/json.".into(),
                ));
            }
            let (value, pending) = parse_json::<T>(&raw)?;
            if let Some(checked) = pending {
                req.extensions_mut().insert(PendingInput(checked));
            }
            Ok(Body { value, raw })
        })
    }
}
