//! A real HTTP receiver for webhook tests: it listens on a random local port, answers as the test scripts
//! it (a status, or no answer at all), and keeps every request it got.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    /// Keep the request open and never answer.
    Hang,
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
    pub json: Value,
    /// When it arrived.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Received {
    /// Checks the Standard Webhooks signature: one of the space-separated `v1,` signatures must be the HMAC
    /// of `{id}.{timestamp}.{body}` under the secret's key.
    pub fn signed_with(&self, secret: &str) -> bool {
        let Some(key) = domain::webhook::parse_secret(secret) else { return false };
        let Ok(timestamp) = self.timestamp.parse::<i64>() else { return false };
        let expected = domain::webhook::sign(&key, &self.id, timestamp, &self.body);
        self.signature.split(' ').any(|s| s == expected)
    }
}

#[derive(Default)]
struct Script {
    answers: VecDeque<Answer>,
    otherwise: Option<Answer>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub port: u16,
    script: Arc<Mutex<Script>>,
    handle: Arc<Mutex<Option<ServerHandle>>>,
}

impl Receiver {
    /// Starts on a random port, answering 204 to everything.
    pub async fn start() -> Receiver {
        let receiver = Receiver { port: 0, script: Default::default(), handle: Default::default() };
        receiver.listen(0).await
    }

    /// The callback URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.port)
    }

    async fn listen(mut self, port: u16) -> Receiver {
        let script = self.script.clone();
        let server = HttpServer::new(move || {
            App::new().app_data(web::Data::new(script.clone())).default_service(web::to(answer))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .bind(("127.0.0.1", port))
        .expect("receiver binds");
        self.port = server.addrs()[0].port();
        let server = server.run();
        *self.handle.lock().unwrap() = Some(server.handle());
        tokio::spawn(server);
        self
    }

    /// Stops listening: connections are refused until [`Receiver::restart`].
    pub async fn stop(&self) {
        let handle = self.handle.lock().unwrap().take();
        if let Some(h) = handle {
            h.stop(false).await;
        }
        // Stopping returns before the listener is closed everywhere; a test that goes on at once under load
        // could still be answered. Wait (briefly) until the port refuses connections.
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        self.clone().listen(self.port).await;
    }

    /// Answers these first, in order, then as before.
    pub fn answer_next(&self, answers: &[Answer]) {
        self.script.lock().unwrap().answers.extend(answers.iter().copied());
    }

    /// Answers this from now on, after any scripted answers.
    pub fn answer_always(&self, answer: Answer) {
        self.script.lock().unwrap().otherwise = Some(answer);
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }

    /// Waits until at least `n` requests arrived (at most 10 s) and returns all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..1000 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the receiver got {} requests, not {n}", self.received().len());
    }
}

async fn answer(req: HttpRequest, body: web::Bytes, script: web::Data<Arc<Mutex<Script>>>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let answer = {
        let mut s = script.lock().unwrap();
        s.received.push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            json: serde_json::from_slice(&body).unwrap_or(Value::Null),
            body: body.to_vec(),
            at: chrono::Utc::now(),
        });
        s.answers.pop_front().or(s.otherwise).unwrap_or(Answer::Status(204))
    };
    match answer {
        Answer::Status(code) => HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap())
            .body(format!("receiver answered {code}")),
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            HttpResponse::Ok().finish()
        }
    }
}
