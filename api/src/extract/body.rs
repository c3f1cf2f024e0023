use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::serde_param;
use crate::error::{ApiError, InvalidParam};

/// The largest body the service accepts (SPEC §9: 413 above it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON request body, parsed with the path of the first type error, with the raw bytes kept for
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

/// The largest magnitude below which every integer is exact in an `f64`.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Rewrites numbers like `2.0` as the integers they are. JSON has one number type, and JSON Schema's `integer`
/// accepts `2.0`, so an integer field must too; serde only takes integers written without a fraction.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < EXACT_INTEGER_LIMIT) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

pub(crate) fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_one("body", "required", "the request needs a JSON body"));
    }
    let mut de = serde_json::Deserializer::from_slice(raw);
    let value = match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => value,
        // An integer written as `2.0`: read the body again with such numbers as integers.
        Err(e) if e.inner().to_string().starts_with("invalid type: floating point") => {
            let mut tree: serde_json::Value = serde_json::from_slice(raw).map_err(|_| json_error(e))?;
            integral_floats_as_integers(&mut tree);
            return serde_path_to_error::deserialize(tree)
                .map_err(|e| ApiError::invalid(vec![serde_param(&e.path().to_string(), &e.inner().to_string())]));
        }
        Err(e) => return Err(json_error(e)),
    };
    de.end().map_err(|e| ApiError::invalid_one("body", "malformed_json", format!("not valid JSON: {e}")))?;
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let raw = bytes.await.map_err(payload_error)?;
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as JSON with Content-Type: application/json.".into(),
                ));
            }
            let value = parse_json(&raw)?;
            Ok(Body { value, raw })
        })
    }
}
