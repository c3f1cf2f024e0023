//! Builds the whole application from a configuration and binds its listener, so the binary and the tests
//! start exactly the same service (tests on port 0 with a fresh database).

mod request_heads;

use std::future::ready;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_http::error::DispatchError;
use actix_http::{HttpService, KeepAlive, ServiceConfig};
use actix_server::ServerBuilder;
use actix_service::{IntoServiceFactory, ServiceFactoryExt, fn_service, map_config};
use actix_web::dev::{AppConfig, Server};
use actix_web::middleware::from_fn;
use actix_web::rt::net::TcpStream;
use actix_web::{App, web};
use anyhow::Context;
use domain::clock::Clock;
use persistence::{Actor, Db};

use crate::config::Config;
use crate::extract::body::MAX_BODY_BYTES;
use crate::metrics::Metrics;
use crate::{middleware, openapi, pages, routes, tokens};
use request_heads::Guarded;
pub(crate) use request_heads::refusal as refused_head;

/// The version of the API contract, sent as `API-Version` on every response.
pub const API_VERSION: &str = "1.0.0";

pub struct AppState {
    pub db: Db,
    pub metrics: Metrics,
    /// The OpenAPI document, rendered once.
    pub openapi_json: String,
    /// Dashboards as last rendered, with their ETags, served while their municipality has not changed.
    pub dashboards: crate::view_cache::ViewCache<(actix_web::web::Bytes, String)>,
    /// A municipality's deadlines as last computed, under the same rule.
    pub deadlines: crate::view_cache::ViewCache<std::sync::Arc<Vec<domain::deadline::Deadline>>>,
    /// The pages' municipality overviews, under the same rule.
    pub overviews: crate::pages::OverviewViews,
    /// Areas' cycle boards, for the API and the pages, under the same rule (by the area's municipality).
    pub boards: crate::usecases::boards::BoardViews,
    /// Pages of contributions, for the API and the pages, kept while their municipalities do not change.
    pub contributions: crate::usecases::contributions::ContributionViews,
    /// Sends pings; the worker has its own.
    pub webhook_sender: crate::webhooks::Sender,
    /// Where outbound requests may go, for checking callback URLs when they are given.
    pub outbound: Arc<domain::outbound::OutboundPolicy>,
    /// The service's address as clients reach it, without a trailing slash: the base of every link it writes.
    pub public_url: String,
}

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
}

impl Application {
    /// Connects (creating and migrating the database), registers the configured admin token and binds.
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let db = connect(config, clock).await?;
        if let Some(secret) = &config.admin_token {
            ensure_admin_token(&db, secret).await?;
        }
        let listener = TcpListener::bind(&config.bind).with_context(|| format!("cannot listen on {}", config.bind))?;
        let address = listener.local_addr()?;
        let port = address.port();
        let public_url = config.public_url.clone().unwrap_or_else(|| format!("http://{address}"));
        let outbound = Arc::new(config.outbound.clone());
        let state = web::Data::new(AppState {
            db: db.clone(),
            metrics: Metrics::new(),
            openapi_json: openapi::json(),
            dashboards: Default::default(),
            deadlines: Default::default(),
            overviews: Default::default(),
            boards: Default::default(),
            contributions: crate::view_cache::ViewCache::with_capacity(crate::usecases::contributions::KEPT_PAGES),
            webhook_sender: crate::webhooks::Sender::new(
                config.webhooks.as_ref().map(|w| w.request_timeout).unwrap_or(std::time::Duration::from_secs(10)),
                outbound.clone(),
            )?,
            outbound: outbound.clone(),
            public_url: public_url.clone(),
        });
        let mut server = http_server(listener, state)?;
        if let Some(workers) = config.workers {
            server = server.workers(workers.max(1));
        }
        if let Some(interval) = config.sweep_interval {
            crate::sweeper::spawn(db.clone(), interval);
        }
        persistence::memory::start_listener(&db).await;
        if let Some(settings) = &config.webhooks {
            crate::webhooks::Worker::new(db.clone(), settings.clone(), public_url.clone(), outbound)?.spawn();
        }
        Ok(Application { port, server: server.run(), db })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGTERM or SIGINT; actix then stops accepting and lets running requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The HTTP server of the application on `listener`, assembled as actix-web's `HttpServer` does it (with its
/// defaults for keep-alive, timeouts and graceful shutdown), except that each connection is read through a
/// [`Guarded`] stream, so that a request head the service refuses is answered as a problem too.
fn http_server(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<ServerBuilder> {
    let address = listener.local_addr()?;
    let builder = ServerBuilder::default().shutdown_timeout(20);
    let shutdown = builder.graceful_shutdown_signal();
    builder.listen("gebiedscyclus", listener, move || {
        let app = App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .wrap(from_fn(middleware::conventions))
            .configure(routes::configure)
            .configure(pages::configure)
            .default_service(web::to(middleware::not_found));
        let app = app.into_factory().map_err(|e: actix_web::Error| e.error_response());
        let shutdown = shutdown.clone();
        let http = HttpService::build()
            .keep_alive(KeepAlive::default())
            .client_request_timeout(Duration::from_secs(5))
            .client_disconnect_timeout(Duration::from_secs(1))
            .h1_allow_half_closed(true)
            .local_addr(address)
            .graceful_shutdown_signal(move || {
                let shutdown = shutdown.clone();
                async move { shutdown.notified().await }
            })
            .h1(map_config(app, |_| AppConfig::default()));
        let framing = ServiceConfig::default();
        fn_service(move |io: TcpStream| {
            let peer = io.peer_addr().ok();
            ready(Ok::<_, DispatchError>((Guarded::new(io, framing.clone()), peer)))
        })
        .and_then(http)
    })
}

/// Connects to the configured database and brings its schema up to date.
pub async fn connect(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Db> {
    let db = Db::connect(&config.db_settings(), clock)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(&config.database_url)))?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

/// The configured admin token exists from the first start on. A token that was revoked stays revoked,
/// even if the configuration still names it.
async fn ensure_admin_token(db: &Db, secret: &str) -> anyhow::Result<()> {
    let hash = tokens::hash_secret(secret);
    if persistence::api_tokens::hash_exists(db.conn(), &hash).await? {
        return Ok(());
    }
    let tx = db.begin(Actor::system("configuration")).await?;
    persistence::api_tokens::create(
        &tx,
        persistence::api_tokens::NewToken {
            name: domain::Parsed::parse(domain::token::TokenName("administrator (GEBIEDSCYCLUS_ADMIN_TOKEN)".into()))
                .map_err(|e| anyhow::anyhow!("administrator token name: {e}"))?,
            access: domain::principal::Access::Admin,
            token_hash: hash,
            prefix: tokens::display_prefix(secret),
            managing_municipality_id: None,
            expires_at: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The URL without a password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
