use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

use crate::error::{ApiError, InvalidParam};

/// Query parameters, each problem named by its parameter. Query types deny unknown parameters, so a
/// misspelt filter is refused instead of silently returning everything. A value is one line of text without
/// control characters, like every text the service takes (a NUL in a filter would fail in PostgreSQL).
pub struct Query<T>(pub T);

fn forbidden_texts(query: &str) -> Vec<InvalidParam> {
    form_urlencoded::parse(query.as_bytes())
        .filter_map(|(name, value)| {
            let reason = domain::field_errors::forbidden_chars(&value, domain::field_errors::Lines::One)?;
            Some(InvalidParam { name: name.into_owned(), code: "invalid_text".into(), reason })
        })
        .collect()
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let refused = forbidden_texts(req.query_string());
        if !refused.is_empty() {
            return ready(Err(ApiError::invalid(refused)));
        }
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
