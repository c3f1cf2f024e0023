use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

use crate::error::{ApiError, InvalidParam};

/// Query parameters, each problem named by its parameter. Query types deny unknown parameters, so a
/// misspelt filter is refused instead of silently returning everything.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(req.query_string().as_bytes()));
        ready(serde_path_to_error::deserialize(de).map(Query).map_err(|e| {
            let message = e.inner().to_string();
            let path = e.path().to_string();
            let param = super::serde_param(&path, &message);
            let param = if param.name == "body" { InvalidParam { name: "query".into(), ..param } } else { param };
            ApiError::invalid(vec![param])
        }))
    }
}
