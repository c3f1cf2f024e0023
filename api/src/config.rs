//! Configuration from the environment, with defaults that run the service on an embedded SQLite file.

use std::time::Duration;

use anyhow::{Context, bail};
use domain::outbound::OutboundPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://gebiedscyclus.db` (default, created and migrated on start) or `postgres://…`.
    pub database_url: String,
    /// `GEBIEDSCYCLUS_BIND`: address to listen on.
    pub bind: String,
    /// `GEBIEDSCYCLUS_ADMIN_TOKEN`: the first administrator token (at least 32 characters).
    pub admin_token: Option<String>,
    /// `GEBIEDSCYCLUS_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `GEBIEDSCYCLUS_DB_MAX_CONNECTIONS`: size of the connection pool.
    pub db_max_connections: u32,
    /// `GEBIEDSCYCLUS_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a connection before a 503.
    pub db_acquire_timeout: Duration,
    /// `GEBIEDSCYCLUS_SWEEP_INTERVAL_SECS`: how often the deadline sweeper runs (default 300; 0 turns it off
    /// on this instance).
    pub sweep_interval: Option<Duration>,
    /// Webhook delivery on this instance (`GEBIEDSCYCLUS_WEBHOOKS`, `on` by default; `off` leaves it to other
    /// instances). `None` when off.
    pub webhooks: Option<WebhookSettings>,
    /// `GEBIEDSCYCLUS_PUBLIC_URL`: the service's address as clients reach it, for every link it writes (`next`,
    /// `resourceUrl`, webhook deliveries). Links never follow a request's `Host` or `X-Forwarded-*` headers,
    /// which a client chooses. `None`: `http://` and the address the listener is bound to.
    pub public_url: Option<String>,
    /// `GEBIEDSCYCLUS_OUTBOUND_ALLOW`: the loopback, private and other reserved ranges that webhooks may go
    /// to after all (CIDRs, comma-separated, e.g. `127.0.0.0/8,::1/128`); by default none (SPEC §15).
    pub outbound: OutboundPolicy,
    /// `GEBIEDSCYCLUS_LOG`: tracing filter (default `info`).
    pub log_filter: String,
    /// `GEBIEDSCYCLUS_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
}

/// How the webhook worker runs.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `GEBIEDSCYCLUS_WEBHOOK_POLL_MS`: how often an idle worker looks for new events (default 200).
    pub poll_interval: Duration,
    /// `GEBIEDSCYCLUS_WEBHOOK_TIMEOUT_SECS`: how long a receiver may take to answer (default 10).
    pub request_timeout: Duration,
    /// How long a claimed delivery is held before another worker may take it: the request timeout and a
    /// margin, so a delivery is never sent twice at the same time.
    pub lease: Duration,
    /// `GEBIEDSCYCLUS_WEBHOOK_RETRY_BASE_SECS`: the first retry delay, doubled each time (default 5).
    pub retry: domain::webhook::RetryPolicy,
    /// Deliveries sent at the same time by one worker.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            poll_interval: Duration::from_millis(200),
            request_timeout: Duration::from_secs(10),
            lease: Duration::from_secs(90),
            retry: Default::default(),
            concurrency: 32,
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://gebiedscyclus.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            match var(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().with_context(|| format!("{name} must be a whole number, not '{v}'")),
            }
        };
        let log_format = match var("GEBIEDSCYCLUS_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("GEBIEDSCYCLUS_LOG_FORMAT must be text or json, not '{other}'"),
        };
        let admin_token = var("GEBIEDSCYCLUS_ADMIN_TOKEN");
        if let Some(t) = &admin_token
            && t.len() < 32
        {
            bail!("GEBIEDSCYCLUS_ADMIN_TOKEN must be at least 32 characters long");
        }
        let workers = match var("GEBIEDSCYCLUS_WORKERS") {
            None => None,
            Some(_) => Some(number("GEBIEDSCYCLUS_WORKERS", 1)? as usize),
        };
        let webhooks = match var("GEBIEDSCYCLUS_WEBHOOKS").as_deref() {
            None | Some("on") => {
                let mut w = WebhookSettings {
                    poll_interval: Duration::from_millis(number("GEBIEDSCYCLUS_WEBHOOK_POLL_MS", 200)?.max(10)),
                    request_timeout: Duration::from_secs(
                        number("GEBIEDSCYCLUS_WEBHOOK_TIMEOUT_SECS", 10)?.clamp(1, 60),
                    ),
                    ..Default::default()
                };
                // Longer than a round can take: four requests per slot in turn, each up to the timeout.
                w.lease = w.request_timeout * 6 + Duration::from_secs(30);
                w.retry.base = Duration::from_secs(number("GEBIEDSCYCLUS_WEBHOOK_RETRY_BASE_SECS", 5)?.max(1));
                Some(w)
            }
            Some("off") => None,
            Some(other) => bail!("GEBIEDSCYCLUS_WEBHOOKS must be on or off, not '{other}'"),
        };
        let outbound = match var("GEBIEDSCYCLUS_OUTBOUND_ALLOW") {
            None => OutboundPolicy::default(),
            Some(list) => OutboundPolicy::parse_allow_list(&list).map_err(|e| {
                anyhow::anyhow!(
                    "GEBIEDSCYCLUS_OUTBOUND_ALLOW must be CIDR ranges separated by commas, such as \
                     127.0.0.0/8,::1/128: {e}"
                )
            })?,
        };
        let bind = var("GEBIEDSCYCLUS_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let public_url = var("GEBIEDSCYCLUS_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_owned());
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("GEBIEDSCYCLUS_PUBLIC_URL must start with http:// or https://, not '{url}'");
        }
        Ok(Config {
            outbound,
            public_url,
            webhooks,
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind,
            admin_token,
            workers,
            db_max_connections: number("GEBIEDSCYCLUS_DB_MAX_CONNECTIONS", 16)? as u32,
            db_acquire_timeout: Duration::from_millis(number("GEBIEDSCYCLUS_DB_ACQUIRE_TIMEOUT_MS", 3000)?),
            sweep_interval: match number("GEBIEDSCYCLUS_SWEEP_INTERVAL_SECS", 300)? {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            log_filter: var("GEBIEDSCYCLUS_LOG").unwrap_or_else(|| "info".to_owned()),
            log_format,
        })
    }

    /// A configuration for tests and tools: the given database, any free port, one worker, no sweeper and
    /// no webhook worker (tests run those themselves, at the moment they choose).
    pub fn for_database(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            bind: "127.0.0.1:0".to_owned(),
            admin_token: None,
            workers: Some(1),
            db_max_connections: 8,
            db_acquire_timeout: Duration::from_secs(5),
            sweep_interval: None,
            webhooks: None,
            public_url: None,
            outbound: OutboundPolicy::default(),
            log_filter: "warn".to_owned(),
            log_format: LogFormat::Text,
        }
    }

    pub fn db_settings(&self) -> persistence::DbSettings {
        let mut s = persistence::DbSettings::new(self.database_url.clone());
        s.max_connections = self.db_max_connections;
        s.acquire_timeout = self.db_acquire_timeout;
        s
    }
}
