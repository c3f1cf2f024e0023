//! The black-box harness: each test starts the real application (the same `Application::build` as the
//! binary) on a random port against a fresh database, and talks HTTP to it.
//!
//! `TEST_DATABASE_URL` chooses the database: unset for SQLite (a new file per test), or a PostgreSQL URL
//! such as `postgres://postgres@127.0.0.1:5432/postgres`, in which case every test gets its own new
//! database `gc_test_<uuid>` on that server.

pub mod browser;
pub mod invariants;
pub mod postgres;
pub mod process;
pub mod receiver;

use std::sync::Arc;
use std::time::Duration;

use api::config::Config;
use api::startup::Application;
use chrono::{DateTime, Utc};
use domain::clock::{Clock, FixedClock};
use domain::outbound::OutboundPolicy;
use reqwest::{Method, RequestBuilder, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The administrator token from configuration.
    pub admin: String,
    pub clock: Arc<FixedClock>,
    pub db: persistence::Db,
    /// The test's own database, for tests that open a second connection to it (a second instance).
    pub database_url: String,
    /// Where the app's outbound requests may go; its webhook workers get the same.
    pub outbound: Arc<OutboundPolicy>,
    sqlite_file: Option<std::path::PathBuf>,
}

/// The ranges the test apps may send webhooks to: the loopback, where the tests' receivers listen.
pub const TEST_OUTBOUND_ALLOW: &str = "127.0.0.0/8,::1/128";

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("response has an ETag").to_owned()
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {}", self.text)).to_owned()
    }

    /// Asserts a problem+json with this status and returns the names of its invalid parameters.
    pub fn problem(&self, status: u16) -> Vec<String> {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "not a problem+json: {}", self.text);
        assert_eq!(self.body["status"], status, "problem status: {}", self.text);
        for field in ["type", "title", "detail", "instance"] {
            assert!(self.body[field].is_string(), "problem lacks {field}: {}", self.text);
        }
        self.body["invalidParams"]
            .as_array()
            .map(|a| a.iter().map(|p| p["name"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default()
    }

    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        &self.body
    }
}

fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"))
}

pub fn on_postgres() -> bool {
    test_database_url().is_some()
}

async fn fresh_database() -> (String, Option<std::path::PathBuf>) {
    match test_database_url() {
        Some(server) => {
            let name = format!("gc_test_{}", Uuid::now_v7().simple());
            let admin = sea_orm::Database::connect(&server).await.expect("PostgreSQL reachable for tests");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(server);
            (format!("{base}/{name}"), None)
        }
        None => {
            let file = std::env::temp_dir().join(format!("gc-test-{}.db", Uuid::now_v7()));
            (format!("sqlite://{}", file.display()), Some(file))
        }
    }
}

impl TestApp {
    /// An app whose webhooks may go to the loopback, where the tests' receivers listen.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// An app with this outbound policy; `OutboundPolicy::default()` is the production default, which
    /// refuses the loopback and every other internal address.
    pub async fn spawn_with_outbound(outbound: OutboundPolicy) -> TestApp {
        Self::spawn_with(|config| config.outbound = outbound).await
    }

    /// An application whose configuration `configure` changes first (a public URL, an outbound policy); its
    /// webhooks may go to the loopback unless `configure` says otherwise.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let (url, sqlite_file) = fresh_database().await;
        let admin = format!("test-admin-{}", Uuid::now_v7().simple());
        let mut config = Config::for_database(&url);
        config.admin_token = Some(admin.clone());
        config.outbound = OutboundPolicy::parse_allow_list(TEST_OUTBOUND_ALLOW).expect("test allow-list");
        configure(&mut config);
        let outbound = Arc::new(config.outbound.clone());
        let clock = Arc::new(FixedClock::new(Utc::now()));
        let app = Application::build(&config, clock.clone()).await.expect("application starts");
        let url = config.database_url.clone();
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        TestApp { address, client, admin, clock, db, database_url: url, outbound, sqlite_file }
    }

    pub fn set_now(&self, at: DateTime<Utc>) {
        self.clock.set(at);
    }

    /// Moves the test clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.set(self.clock.now() + by);
    }

    /// A webhook worker on this app's database, with short timeouts, run by the test when it chooses
    /// (`run_once`) or in the background (`spawn`). Retries are scheduled by the test clock.
    pub fn webhook_worker(&self) -> api::webhooks::Worker {
        self.webhook_worker_on(self.db.clone())
    }

    /// A webhook worker on another connection pool to this app's database: a second instance.
    pub fn webhook_worker_on(&self, db: persistence::Db) -> api::webhooks::Worker {
        let settings = api::config::WebhookSettings {
            poll_interval: Duration::from_millis(10),
            request_timeout: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            ..Default::default()
        };
        api::webhooks::Worker::new(db, settings, self.address.clone(), self.outbound.clone()).expect("webhook worker")
    }

    /// A second connection pool to this app's database, sharing its clock: another instance's.
    pub async fn second_db(&self) -> persistence::Db {
        persistence::Db::connect(&persistence::DbSettings::new(self.database_url.clone()), self.clock.clone())
            .await
            .expect("second connection")
    }

    /// Another instance of the application on this app's database, with its own pool and HTTP server (as a
    /// second process behind a load balancer would be), sharing the test clock. Returns its address.
    pub async fn second_instance(&self) -> String {
        let mut config = Config::for_database(&self.database_url);
        config.admin_token = Some(self.admin.clone());
        config.outbound = (*self.outbound).clone();
        let app = Application::build(&config, self.clock.clone()).await.expect("second instance starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, format!("{}{}", self.address, path));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn send(builder: RequestBuilder) -> Reply {
        let response = builder.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, body, text }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        Self::send(self.request(Method::GET, path, Some(token))).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::POST, path, Some(token)).json(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, etag: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::PATCH, path, Some(token)).header("If-Match", etag).json(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str, etag: &str) -> Reply {
        Self::send(self.request(Method::DELETE, path, Some(token)).header("If-Match", etag)).await
    }

    // The resources most tests need, created by the administrator.

    pub async fn municipality(&self, name: &str) -> String {
        self.post("/api/v1/municipalities", &self.admin, &json!({ "name": name })).await.ok(201);
        let list = self.get(&format!("/api/v1/municipalities?name={}", name.replace(' ', "%20")), &self.admin).await;
        list.body["results"][0]["id"].as_str().expect("municipality listed").to_owned()
    }

    pub async fn area(&self, municipality_id: &str, code: &str) -> String {
        let body = json!({
            "municipalityId": municipality_id, "name": format!("Gebied {code}"), "code": code,
            "localities": [{"name": format!("Kern {code}")}]
        });
        self.post("/api/v1/areas", &self.admin, &body).await.ok(201)["id"].as_str().expect("area id").to_owned()
    }

    pub async fn organisation(&self, name: &str, kind: &str) -> String {
        let body = json!({ "name": name, "kind": kind });
        self.post("/api/v1/organisations", &self.admin, &body).await.ok(201)["id"].as_str().expect("id").to_owned()
    }

    pub async fn add_partner(&self, area_id: &str, organisation_id: &str) {
        let body = json!({ "organisationId": organisation_id });
        self.post(&format!("/api/v1/areas/{area_id}/partners"), &self.admin, &body).await.ok(201);
    }

    /// Issues a token through the API as the administrator and returns its secret.
    pub async fn token(&self, body: Value) -> String {
        let mut body = body;
        body["name"] = json!(format!("test {}", body["role"].as_str().unwrap_or("token")));
        let reply = self.post("/api/v1/api-tokens", &self.admin, &body).await;
        reply.ok(201)["token"].as_str().expect("token secret").to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}
