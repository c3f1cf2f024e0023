use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::body::payload_error;
use crate::error::ApiError;

/// A CSV request body (`text/csv`), raw; the 1 MiB limit of every body applies.
pub struct CsvBody(pub Bytes);

fn is_csv(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/csv")
}

impl FromRequest for CsvBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let csv = is_csv(req);
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let raw = bytes.await.map_err(payload_error)?;
            if !csv {
                return Err(ApiError::UnsupportedMediaType("Send the file as CSV with Content-Type: text/csv.".into()));
            }
            Ok(CsvBody(raw))
        })
    }
}
