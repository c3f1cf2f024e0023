//! Configuration from the environment, with defaults that run the service on an embedded SQLite file.

use std::time::Duration;

use anyhow::{Context, bail};

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
    /// `GEBIEDSCYCLUS_LOG`: tracing filter (default `info`).
    pub log_filter: String,
    /// `GEBIEDSCYCLUS_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
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
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind: var("GEBIEDSCYCLUS_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned()),
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

    /// A configuration for tests and tools: the given database, any free port, one worker, no sweeper
    /// (tests run sweeps themselves, at the moment they choose).
    pub fn for_database(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            bind: "127.0.0.1:0".to_owned(),
            admin_token: None,
            workers: Some(1),
            db_max_connections: 8,
            db_acquire_timeout: Duration::from_secs(5),
            sweep_interval: None,
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
