//! The pages' stylesheet, built by `build.rs` from the NL Design System packages and `web/site.css` and
//! embedded in the binary. Its name carries a hash of its content, so browsers may keep it for a year: a new
//! stylesheet has a new name. Served gzip-compressed to browsers that ask for it.

use actix_web::http::header;
use actix_web::middleware::Compress;
use actix_web::{HttpResponse, web};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

static STYLESHEET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/site.css"));

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/assets")
            .wrap(Compress::default())
            .service(web::resource(format!("/{STYLESHEET_NAME}")).route(web::get().to(stylesheet))),
    );
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(STYLESHEET)
}
