//! Sending one signed webhook request. The receiver is somebody else's server: the request has a bounded
//! timeout, redirects are not followed (a redirect could point the signed event anywhere, past the outbound
//! guard too), no proxy from the environment is used (the guard checks the address connected to, which a
//! proxy would hide), only addresses the outbound policy allows are connected to (SPEC §15), and of the
//! answer only a short excerpt is read and kept.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::outbound::{OutboundPolicy, Refused};
use persistence::deliveries::Outcome;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use super::guard::{GuardedResolver, RefusedHost};

/// How much of a receiver's answer is kept in the delivery log.
pub const EXCERPT_BYTES: usize = 256;

#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    timeout: Duration,
    outbound: Arc<OutboundPolicy>,
}

/// One request to make.
pub struct Message<'a> {
    pub url: &'a str,
    /// `webhook-id`: the same on every attempt of one delivery, so a receiver can drop repeats.
    pub id: String,
    /// The signing key (the secret decoded).
    pub key: &'a [u8],
    pub body: Vec<u8>,
}

/// Makes ring the process's TLS provider. reqwest is built without one of its own (the default would compile
/// a second crypto library), so every HTTP client of the process, also those of tests and tools, needs this
/// before it is built. Safe to call more than once.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Sender {
    pub fn new(timeout: Duration, outbound: Arc<OutboundPolicy>) -> anyhow::Result<Sender> {
        install_tls_provider();
        // TLS with the Mozilla root certificates compiled in, so the service needs no CA files on its host.
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { policy: outbound.clone() }))
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("gebiedscyclus-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { client, timeout, outbound })
    }

    /// Sends the message and reports what came of it; never fails, because every failure is an outcome.
    pub async fn send(&self, message: Message<'_>, attempted_at: chrono::DateTime<Utc>) -> Outcome {
        // An address in the URL is connected to without asking the resolver, so it is checked here.
        if let Some(refused) = reqwest::Url::parse(message.url).ok().and_then(|u| self.outbound.check_url(&u).err()) {
            return Outcome {
                attempted_at,
                status_code: None,
                duration_ms: 0,
                error: Some(refusal(&refused)),
                response_excerpt: None,
            };
        }
        // The signed timestamp is the wall clock, whatever clock schedules the deliveries: receivers check it
        // against theirs to refuse replays.
        let timestamp = Utc::now().timestamp();
        let signature = domain::webhook::sign(message.key, &message.id, timestamp, &message.body);
        let started = Instant::now();
        let result = async {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert("webhook-id", HeaderValue::from_str(&message.id)?);
            headers.insert("webhook-timestamp", HeaderValue::from(timestamp));
            headers.insert("webhook-signature", HeaderValue::from_str(&signature)?);
            let mut response = self.client.post(message.url).headers(headers).body(message.body).send().await?;
            let status = response.status().as_u16();
            let mut excerpt = Vec::new();
            while excerpt.len() < EXCERPT_BYTES {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        excerpt.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES - excerpt.len())])
                    }
                    // The status is what counts; a body cut off or never finished does not undo it.
                    Ok(None) | Err(_) => break,
                }
            }
            anyhow::Ok((status, excerpt))
        }
        .await;
        let duration_ms = started.elapsed().as_millis() as i64;
        match result {
            Ok((status, excerpt)) => Outcome {
                attempted_at,
                status_code: Some(status),
                duration_ms,
                error: (!domain::webhook::acknowledged(status)).then(|| domain::webhook::describe_status(status)),
                response_excerpt: (!excerpt.is_empty()).then(|| String::from_utf8_lossy(&excerpt).into_owned()),
            },
            Err(e) => Outcome {
                attempted_at,
                status_code: None,
                duration_ms,
                error: Some(self.describe_error(&e)),
                response_excerpt: None,
            },
        }
    }

    fn describe_error(&self, e: &anyhow::Error) -> String {
        let refused = e.downcast_ref::<reqwest::Error>().and_then(|e| find_cause::<RefusedHost>(e));
        if let Some(refused) = refused {
            return format!("{REFUSED_PREFIX}{refused}");
        }
        match e.downcast_ref::<reqwest::Error>() {
            Some(e) if e.is_timeout() => format!("no answer within {} s", self.timeout.as_secs()),
            Some(e) if e.is_connect() => format!("cannot connect: {}", root_cause(e)),
            Some(e) => format!("request failed: {}", root_cause(e)),
            None => e.to_string(),
        }
    }
}

/// How the delivery log starts the error of an attempt the outbound guard stopped.
const REFUSED_PREFIX: &str = "not sent, refused by the outbound policy: ";

fn refusal(refused: &Refused) -> String {
    format!("{REFUSED_PREFIX}{refused}")
}

/// The first cause of this type in the error's chain.
fn find_cause<'e, T: std::error::Error + 'static>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e T> {
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        if let Some(found) = c.downcast_ref::<T>() {
            return Some(found);
        }
        cause = c.source();
    }
    None
}

/// The innermost cause, which says what went wrong ("Connection refused") rather than where.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
