//! The HTTP resources. Each module holds one resource's request and response types and its handlers;
//! `configure` is the route table. Resources are registered per path with all their methods, so a method a
//! path does not support is answered 405 with `Allow`.

use actix_web::web;
use serde::{Deserialize, Deserializer};

/// `From` both ways between an API enum (with its OpenAPI schema and Dutch terms) and the domain enum of the
/// same variants, so the domain stays free of HTTP concerns.
macro_rules! mirror {
    ($api:ident, $domain:path, [$($v:ident),*]) => {
        impl From<$api> for $domain {
            fn from(v: $api) -> Self { match v { $($api::$v => <$domain>::$v),* } }
        }
        impl From<$domain> for $api {
            fn from(v: $domain) -> Self { match v { $(<$domain>::$v => $api::$v),* } }
        }
    };
}

pub mod api_tokens;
pub mod areas;
pub mod audit_events;
pub mod check_ins;
pub mod contribution_imports;
pub mod contributions;
pub mod cycles;
pub mod dashboard;
pub mod deadline_overrides;
pub mod deadlines;
pub mod documents;
pub mod events;
pub mod municipalities;
pub mod operations;
pub mod organisations;
pub mod partners;
pub mod subscriptions;
pub mod versions;

pub fn configure(cfg: &mut web::ServiceConfig) {
    operations::configure(cfg);
    cfg.service(
        web::resource("/api/v1/municipalities")
            .route(web::get().to(municipalities::list))
            .route(web::post().to(municipalities::create)),
    )
    .service(
        web::resource("/api/v1/municipalities/{id}")
            .route(web::get().to(municipalities::get))
            .route(web::patch().to(municipalities::update))
            .route(web::delete().to(municipalities::delete)),
    )
    .service(web::resource("/api/v1/areas").route(web::get().to(areas::list)).route(web::post().to(areas::create)))
    .service(
        web::resource("/api/v1/areas/{id}")
            .route(web::get().to(areas::get))
            .route(web::patch().to(areas::update))
            .route(web::delete().to(areas::delete)),
    )
    .service(
        web::resource("/api/v1/areas/{id}/deadline-overrides")
            .route(web::get().to(deadline_overrides::list))
            .route(web::post().to(deadline_overrides::create)),
    )
    .service(
        web::resource("/api/v1/areas/{id}/deadline-overrides/{overrideId}")
            .route(web::get().to(deadline_overrides::get))
            .route(web::delete().to(deadline_overrides::delete)),
    )
    .service(
        web::resource("/api/v1/areas/{id}/partners")
            .route(web::get().to(partners::list))
            .route(web::post().to(partners::add)),
    )
    .service(
        web::resource("/api/v1/areas/{id}/partners/{organisationId}")
            .route(web::get().to(partners::get))
            .route(web::patch().to(partners::update))
            .route(web::delete().to(partners::remove)),
    )
    .service(
        web::resource("/api/v1/organisations")
            .route(web::get().to(organisations::list))
            .route(web::post().to(organisations::create)),
    )
    .service(
        web::resource("/api/v1/organisations/{id}")
            .route(web::get().to(organisations::get))
            .route(web::patch().to(organisations::update))
            .route(web::delete().to(organisations::delete)),
    )
    .service(
        web::resource("/api/v1/api-tokens")
            .route(web::get().to(api_tokens::list))
            .route(web::post().to(api_tokens::create)),
    )
    .service(
        web::resource("/api/v1/api-tokens/{id}")
            .route(web::get().to(api_tokens::get))
            .route(web::patch().to(api_tokens::update))
            .route(web::delete().to(api_tokens::revoke)),
    )
    .service(web::resource("/api/v1/audit-events").route(web::get().to(audit_events::list)))
    .service(web::resource("/api/v1/events").route(web::get().to(events::list)))
    .service(
        web::resource("/api/v1/subscriptions")
            .route(web::get().to(subscriptions::list))
            .route(web::post().to(subscriptions::create)),
    )
    .service(
        web::resource("/api/v1/subscriptions/{id}")
            .route(web::get().to(subscriptions::get))
            .route(web::patch().to(subscriptions::update))
            .route(web::delete().to(subscriptions::delete)),
    )
    .service(web::resource("/api/v1/subscriptions/{id}/deliveries").route(web::get().to(subscriptions::deliveries)))
    .service(web::resource("/api/v1/subscriptions/{id}/ping").route(web::post().to(subscriptions::ping)))
    .service(web::resource("/api/v1/areas/{id}/cycles/{year}").route(web::get().to(cycles::get)))
    .service(web::resource("/api/v1/deadlines").route(web::get().to(deadlines::list)))
    .service(web::resource("/api/v1/dashboard").route(web::get().to(dashboard::get)))
    .service(
        web::resource("/api/v1/documents")
            .route(web::get().to(documents::list))
            .route(web::post().to(documents::create)),
    )
    .service(
        web::resource("/api/v1/documents/{id}")
            .route(web::get().to(documents::get))
            .route(web::delete().to(documents::delete)),
    )
    .service(web::resource("/api/v1/documents/{id}/history").route(web::get().to(documents::history)))
    .service(
        web::resource("/api/v1/documents/{id}/versions")
            .route(web::get().to(versions::list))
            .route(web::post().to(versions::create)),
    )
    .service(
        web::resource("/api/v1/documents/{id}/versions/{n}")
            .route(web::get().to(versions::get))
            .route(web::put().to(versions::save))
            .route(web::delete().to(versions::delete)),
    )
    .service(
        web::resource("/api/v1/documents/{id}/versions/{n}/transitions")
            .route(web::get().to(versions::history))
            .route(web::post().to(versions::transition)),
    )
    .service(web::resource("/api/v1/documents/{id}/versions/{n}/readiness").route(web::get().to(versions::readiness)))
    .service(web::resource("/api/v1/documents/{id}/versions/{n}/diff").route(web::get().to(versions::diff)))
    .service(
        web::resource("/api/v1/contributions")
            .route(web::get().to(contributions::list))
            .route(web::post().to(contributions::create)),
    )
    // Before `/contributions/{id}`, which would otherwise take "imports" for an id.
    .service(web::resource("/api/v1/contributions/imports").route(web::post().to(contribution_imports::import)))
    .service(
        web::resource("/api/v1/contributions/{id}")
            .route(web::get().to(contributions::get))
            .route(web::patch().to(contributions::update)),
    )
    .service(
        web::resource("/api/v1/contributions/{id}/transitions")
            .route(web::get().to(contributions::history))
            .route(web::post().to(contributions::transition)),
    )
    .service(
        web::resource("/api/v1/contributions/{id}/check-ins")
            .route(web::get().to(check_ins::list))
            .route(web::post().to(check_ins::create)),
    )
    .service(web::resource("/api/v1/contributions/{id}/check-ins/{checkInId}").route(web::get().to(check_ins::get)));
}

/// For merge-patch fields that may be cleared: absent is `None`, `null` is `Some(None)`.
pub(crate) fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
