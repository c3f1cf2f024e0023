//! Webhook subscriptions (abonnementen) and their deliveries (SPEC §8), as pure rules: what a subscription
//! may say, which events it receives, how a delivery is signed and when a failed one is tried again.
//!
//! Signing follows the Standard Webhooks specification (<https://www.standardwebhooks.com>), so receivers can
//! verify with that specification's existing libraries: the secret is `whsec_` and the base64 of the key,
//! and the signature is `v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::access::{Forbidden, ReadScope};
use crate::event::EventType;
use crate::field_errors::{FieldErrors, Lines, forbidden_chars};
use crate::outbound::OutboundPolicy;
use crate::principal::{Access, Principal};

/// The type of the test event `POST /subscriptions/{id}/ping` sends. It is never in the feed.
pub const PING: &str = "ping";

pub const CALLBACK_URL_MAX: usize = 2000;
pub const DESCRIPTION_MAX: usize = 500;
pub const EVENT_TYPES_MAX: usize = 50;
/// Key length of a secret, in bytes: Standard Webhooks secrets are 24 to 64 bytes.
pub const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
const SECRET_PREFIX: &str = "whsec_";

/// Consecutive failed attempts after which a subscription shows as failing (storing).
pub const FAILING_AFTER: i32 = 5;

/// Where and what a subscription delivers: its callback URL, the event types it wants, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub callback_url: String,
    pub event_types: Vec<String>,
    /// Trimmed; an empty description is none.
    pub description: Option<String>,
}

impl crate::Rules for Endpoint {
    /// The addresses the service may send to.
    type Context = OutboundPolicy;

    fn check(self, outbound: &OutboundPolicy) -> Result<Endpoint, FieldErrors> {
        let mut errors = FieldErrors::new();
        check_callback_url(&mut errors, "callbackUrl", &self.callback_url, outbound);
        check_event_types(&mut errors, "eventTypes", &self.event_types);
        let description = self.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned);
        if description.as_ref().is_some_and(|d| d.chars().count() > DESCRIPTION_MAX) {
            errors.push("description", "too_long", format!("must be at most {DESCRIPTION_MAX} characters"));
        }
        errors.into_result(Endpoint { description, ..self })
    }
}

/// Checks a callback URL: absolute http or https with a host, no user name or password in it (they would be
/// stored and shown), no fragment (it is never sent), and not an address the service may not send to (SPEC
/// §15; a host name is checked when connecting, because what it resolves to can change).
pub fn check_callback_url(errors: &mut FieldErrors, name: &str, value: &str, outbound: &OutboundPolicy) {
    if value.chars().count() > CALLBACK_URL_MAX {
        errors.push(name, "too_long", format!("must be at most {CALLBACK_URL_MAX} characters"));
        return;
    }
    // The URL parser drops tabs and line breaks without a word; the URL that is stored and shown must be the
    // one that is called.
    if let Some(reason) = forbidden_chars(value, Lines::One) {
        errors.push(name, "invalid_text", reason);
        return;
    }
    let url = match url::Url::parse(value) {
        Ok(url) => url,
        Err(e) => {
            errors.push(name, "invalid_url", format!("not an absolute URL: {e}"));
            return;
        }
    };
    if !matches!(url.scheme(), "http" | "https") {
        errors.push(name, "unsupported_scheme", "must be an http or https URL");
    } else if url.host_str().is_none_or(str::is_empty) {
        errors.push(name, "invalid_url", "must name a host");
    } else if !url.username().is_empty() || url.password().is_some() {
        errors.push(name, "credentials_in_url", "must not hold a user name or password; sign with the secret instead");
    } else if url.fragment().is_some() {
        errors.push(name, "fragment_in_url", "must not have a #fragment");
    } else if let Err(refused) = outbound.check_url(&url) {
        errors.push(
            name,
            "address_not_allowed",
            format!(
                "points at {}, {}; the service sends nothing to loopback, private, link-local, unique-local, \
                 multicast, unspecified or other special-purpose addresses unless its operator allows them",
                refused.address,
                refused.kind.describe()
            ),
        );
    }
}

/// Checks the event types: in the catalogue, no repeats, not too many. An empty list means every type.
pub fn check_event_types(errors: &mut FieldErrors, name: &str, types: &[String]) {
    if types.len() > EVENT_TYPES_MAX {
        errors.push(name, "too_many", format!("at most {EVENT_TYPES_MAX} event types"));
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if EventType::parse(t).is_none() {
            errors.push(format!("{name}[{i}]"), "unknown_event_type", format!("'{t}' is not an event type"));
        } else if types[..i].contains(t) {
            errors.push(format!("{name}[{i}]"), "duplicate", format!("'{t}' is listed twice"));
        }
    }
}

/// A secret in the Standard Webhooks form, `whsec_` and base64 of 24 to 64 bytes; returns the key.
pub fn parse_secret(secret: &str) -> Option<Vec<u8>> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    SECRET_BYTES.contains(&key.len()).then_some(key)
}

pub fn check_secret(errors: &mut FieldErrors, name: &str, secret: &str) {
    if parse_secret(secret).is_none() {
        errors.push(
            name,
            "invalid_secret",
            "must be 'whsec_' followed by the base64 of 24 to 64 random bytes; leave it out to have one made",
        );
    }
}

/// The secret for a key (the caller draws the random bytes).
pub fn format_secret(key: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the key.
pub fn sign(key: &[u8], message_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Whose events a subscription may receive: the same scope its owner reads the feed with.
pub type Owner = ReadScope;

/// Who may hold subscriptions, and for whose events: administrators for any, coordinators for their
/// municipality's, partners for their own organisation's. Viewers and area editors read the feed instead.
pub fn subscription_owner(p: &Principal) -> Result<Owner, Forbidden> {
    match p.access {
        Access::Admin => Ok(ReadScope::All),
        Access::Coordinator { municipality_id } => Ok(ReadScope::Municipality(municipality_id)),
        Access::Partner { .. } => Ok(ReadScope::of(p)),
        Access::AreaEditor { .. } | Access::Viewer { .. } => {
            Err(Forbidden("only an administrator, a coordinator or a partner manages webhook subscriptions"))
        }
    }
}

/// Why a subscription gets nothing while its owner has no valid token of the role that owns it (the
/// delivery worker suspends it then, and lifts the suspension when the owner has a token again).
pub fn suspension_reason(owner: Owner) -> &'static str {
    match owner {
        ReadScope::All => "no administrator token is valid any more; deliveries resume when one is",
        ReadScope::Municipality(_) => {
            "the municipality has no valid coordinator token left; deliveries resume when it has one again"
        }
        ReadScope::PartnerOrganisation(_) => {
            "the organisation has no valid partner token left; deliveries resume when it has one again"
        }
    }
}

/// What a subscription listens to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    pub owner: Owner,
    /// Empty: every type.
    pub event_types: Vec<String>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    /// Events from before the subscription existed are not sent to it.
    pub since: DateTime<Utc>,
}

/// The facts of a domain event that decide who receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFacts<'a> {
    pub event_type: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub municipality_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

/// Whether a reader with this scope sees the event in the feed: administrators every event, municipal roles
/// those of their municipality, a partner those about its own organisation (in the municipality its token is
/// bound to, if any). The feed query says the same in SQL; a test holds the two together.
pub fn in_scope(scope: ReadScope, e: &EventFacts) -> bool {
    match scope {
        ReadScope::All => true,
        ReadScope::Municipality(m) => e.municipality_id == Some(m),
        ReadScope::PartnerOrganisation(p) => {
            e.organisation_id == Some(p.organisation_id)
                && p.municipality_id.is_none_or(|m| e.municipality_id == Some(m))
        }
    }
}

impl Interest {
    pub fn matches(&self, e: &EventFacts) -> bool {
        in_scope(self.owner, e)
            && e.occurred_at >= self.since
            && (self.event_types.is_empty() || self.event_types.iter().any(|t| t == e.event_type))
            && self.municipality_id.is_none_or(|m| e.municipality_id == Some(m))
            && self.area_id.is_none_or(|a| e.area_id == Some(a))
    }
}

/// When failed deliveries are tried again: exponential backoff from `base`, capped at `max_delay`, with
/// jitter so that many deliveries failing together do not come back together, for `window` after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_delay: Duration,
    /// How long after its first attempt a delivery is still tried; at least 24 hours (SPEC §8, issue 6).
    pub window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(5),
            max_delay: Duration::from_secs(2 * 3600),
            window: Duration::from_secs(26 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The delay after failed attempt number `attempt` (1 for the first), with `jitter` in [0, 1) spreading
    /// it from 75% to 125% of the nominal delay.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        let nominal = self.base.saturating_mul(1u32 << doublings).min(self.max_delay);
        nominal.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// When to try again after failed attempt `attempt`, or `None` when the window is over and the delivery
    /// is given up.
    pub fn next_attempt(
        &self,
        attempt: u32,
        first_attempt_at: DateTime<Utc>,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let window_end = first_attempt_at + chrono::Duration::from_std(self.window).ok()?;
        if now >= window_end {
            return None;
        }
        let next = now + chrono::Duration::from_std(self.delay(attempt, jitter)).ok()?;
        // One last attempt at the end of the window rather than none after a long delay.
        Some(next.min(window_end))
    }
}

/// Whether an HTTP status acknowledges a delivery: any 2xx ends it.
pub fn acknowledged(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The error of an attempt the receiver answered with a status that does not acknowledge it.
pub fn describe_status(status: u16) -> String {
    if (300..400).contains(&status) {
        format!("answered HTTP {status}; redirects are not followed, use the final URL as the callback")
    } else {
        format!("answered HTTP {status}")
    }
}

/// Whether the principal may read what receivers answered: the start of their answers, and errors that tell
/// a refused connection from a timeout or a refused address (SPEC §15). Only administrators: to anyone else
/// a callback URL would be a way to look into the network the service runs in.
pub fn reads_receiver_answers(p: &Principal) -> bool {
    matches!(p.access, Access::Admin)
}

/// What a failed attempt is told as to those who may not read receivers' answers: the status, if an answer
/// came, and otherwise only that none did.
pub fn failure_for_others(status: Option<u16>) -> String {
    match status {
        Some(s) => describe_status(s),
        None => NO_ANSWER.to_owned(),
    }
}

/// The error of an attempt without an answer, as those who may not read receivers' answers see it.
pub const NO_ANSWER: &str = "no answer: the receiver could not be reached, its address is not allowed, or it \
did not answer in time (an administrator can see which)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::PartnerScope;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
    }

    fn names(errors: &FieldErrors) -> Vec<String> {
        errors.iter().map(|e| format!("{}:{}", e.name, e.code)).collect()
    }

    #[test]
    fn callback_urls_must_be_http_without_credentials() {
        let policy = OutboundPolicy::default();
        for good in ["https://partner.example/hooks/gc", "http://203.0.114.1:9000/x?y=1", "http://[2606:4700::1]:8080/"]
        {
            let mut e = FieldErrors::new();
            check_callback_url(&mut e, "callbackUrl", good, &policy);
            assert!(e.is_empty(), "{good}: {:?}", names(&e));
        }
        for (bad, code) in [
            ("ftp://x.example/", "unsupported_scheme"),
            ("/relative", "invalid_url"),
            ("https://user:pw@x.example/", "credentials_in_url"),
            ("https://user@x.example/", "credentials_in_url"),
            ("https://x.example/#frag", "fragment_in_url"),
            ("mailto:a@b.nl", "unsupported_scheme"),
            ("https://", "invalid_url"),
        ] {
            let mut e = FieldErrors::new();
            check_callback_url(&mut e, "callbackUrl", bad, &policy);
            assert_eq!(names(&e), [format!("callbackUrl:{code}")], "{bad}");
        }
        let mut e = FieldErrors::new();
        let long = format!("https://x.example/{}", "a".repeat(CALLBACK_URL_MAX));
        check_callback_url(&mut e, "callbackUrl", &long, &policy);
        assert_eq!(names(&e), ["callbackUrl:too_long"]);
    }

    #[test]
    fn a_callback_url_at_a_refused_address_is_refused_unless_the_operator_allows_it() {
        let url = "http://[::ffff:127.0.0.1]:5432/x";
        let mut e = FieldErrors::new();
        check_callback_url(&mut e, "callbackUrl", url, &OutboundPolicy::default());
        assert_eq!(names(&e), ["callbackUrl:address_not_allowed"]);
        let reason = &e.iter().next().unwrap().reason;
        assert!(reason.starts_with("points at 127.0.0.1, a loopback address;"), "{reason}");
        let allowed = OutboundPolicy::parse_allow_list("127.0.0.0/8").unwrap();
        let mut e = FieldErrors::new();
        check_callback_url(&mut e, "callbackUrl", url, &allowed);
        assert!(e.is_empty(), "{:?}", names(&e));
        let mut e = FieldErrors::new();
        check_callback_url(&mut e, "callbackUrl", "http://localhost:5432/", &OutboundPolicy::default());
        assert!(e.is_empty(), "a name is checked when connecting, not here");
    }

    #[test]
    fn event_types_are_known_and_listed_once() {
        let mut e = FieldErrors::new();
        let types = ["version.adopted", "nope", "version.adopted"].map(String::from);
        check_event_types(&mut e, "eventTypes", &types);
        assert_eq!(names(&e), ["eventTypes[1]:unknown_event_type", "eventTypes[2]:duplicate"]);
        let mut e = FieldErrors::new();
        check_event_types(&mut e, "eventTypes", &[]);
        assert!(e.is_empty());
        let mut e = FieldErrors::new();
        check_event_types(&mut e, "eventTypes", &[PING.to_owned(), "api_token.created".to_owned()]);
        assert_eq!(
            names(&e),
            ["eventTypes[0]:unknown_event_type", "eventTypes[1]:unknown_event_type"],
            "a test message and an audit-only action are no events to subscribe to"
        );
    }

    #[test]
    fn secrets_are_standard_webhooks_secrets() {
        let key = [7u8; 24];
        let secret = format_secret(&key);
        assert!(secret.starts_with("whsec_"));
        assert_eq!(parse_secret(&secret), Some(key.to_vec()));
        assert_eq!(parse_secret(&format_secret(&[1u8; 16])), None, "too short");
        assert_eq!(parse_secret(&format_secret(&[1u8; 65])), None, "too long");
        assert_eq!(parse_secret("whsec_***"), None);
        assert_eq!(parse_secret(&STANDARD.encode(key)), None, "prefix missing");
    }

    #[test]
    fn the_signature_is_the_one_of_the_standard_webhooks_reference() {
        // The example of the Standard Webhooks reference libraries' tests.
        let key = parse_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn scope_and_filters_decide_who_receives_an_event() {
        let (m, other_m, area, org) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let event = EventFacts {
            event_type: "contribution.committed",
            occurred_at: at(12),
            municipality_id: Some(m),
            area_id: Some(area),
            organisation_id: Some(org),
        };
        let interest = |owner, types: &[&str]| Interest {
            owner,
            event_types: types.iter().map(|t| t.to_string()).collect(),
            municipality_id: None,
            area_id: None,
            since: at(10),
        };
        assert!(interest(ReadScope::All, &[]).matches(&event));
        assert!(interest(ReadScope::Municipality(m), &["contribution.committed"]).matches(&event));
        assert!(!interest(ReadScope::Municipality(m), &["version.adopted"]).matches(&event));
        assert!(!interest(ReadScope::Municipality(other_m), &[]).matches(&event));
        let partner = |organisation_id, municipality_id| {
            ReadScope::PartnerOrganisation(PartnerScope { organisation_id, municipality_id })
        };
        assert!(interest(partner(org, None), &[]).matches(&event));
        assert!(interest(partner(org, Some(m)), &[]).matches(&event));
        assert!(!interest(partner(org, Some(other_m)), &[]).matches(&event), "bound to another municipality");
        assert!(!interest(partner(Uuid::now_v7(), None), &[]).matches(&event));
        let municipal_only = EventFacts { organisation_id: None, ..event };
        assert!(!interest(partner(org, None), &[]).matches(&municipal_only));
        let earlier = Interest { since: at(13), ..interest(ReadScope::All, &[]) };
        assert!(!earlier.matches(&event), "events from before the subscription are not sent");
        let other_area = Interest { area_id: Some(Uuid::now_v7()), ..interest(ReadScope::All, &[]) };
        assert!(!other_area.matches(&event));
        let this_area = Interest { area_id: Some(area), municipality_id: Some(m), ..interest(ReadScope::All, &[]) };
        assert!(this_area.matches(&event));
        let other_municipality = Interest { municipality_id: Some(other_m), ..interest(ReadScope::All, &[]) };
        assert!(!other_municipality.matches(&event));
    }

    #[test]
    fn retries_back_off_exponentially_with_jitter_and_a_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, 0.5), Duration::from_secs(5));
        assert_eq!(p.delay(2, 0.5), Duration::from_secs(10));
        assert_eq!(p.delay(4, 0.5), Duration::from_secs(40));
        assert_eq!(p.delay(1, 0.0), Duration::from_millis(3750));
        assert_eq!(p.delay(1, 0.999_999).as_millis(), 6249);
        assert_eq!(p.delay(20, 0.5), p.max_delay, "capped");
        assert_eq!(p.delay(u32::MAX, 0.5), p.max_delay, "no overflow");
    }

    #[test]
    fn retries_go_on_for_at_least_a_day_and_then_stop() {
        let p = RetryPolicy::default();
        let first = at(0);
        let (mut now, mut attempt) = (first, 1);
        while let Some(next) = p.next_attempt(attempt, first, now, 0.0) {
            assert!(next > now);
            now = next;
            attempt += 1;
        }
        assert!(now - first >= chrono::Duration::hours(24), "gave up after {}", now - first);
        assert!(attempt < 40, "{attempt} attempts is too many for one event");
        assert_eq!(p.next_attempt(3, first, first + chrono::Duration::hours(26), 0.5), None);
    }

    #[test]
    fn subscriptions_belong_to_admins_coordinators_and_partners() {
        let (m, o) = (Uuid::now_v7(), Uuid::now_v7());
        let p = |access| Principal { token_id: Uuid::now_v7(), name: "t".into(), access };
        assert_eq!(subscription_owner(&p(Access::Admin)), Ok(ReadScope::All));
        assert_eq!(subscription_owner(&p(Access::Coordinator { municipality_id: m })), Ok(ReadScope::Municipality(m)));
        for bound in [None, Some(m)] {
            assert_eq!(
                subscription_owner(&p(Access::Partner { organisation_id: o, municipality_id: bound })),
                Ok(ReadScope::PartnerOrganisation(PartnerScope { organisation_id: o, municipality_id: bound }))
            );
        }
        assert!(subscription_owner(&p(Access::Viewer { municipality_id: m })).is_err());
        assert!(subscription_owner(&p(Access::AreaEditor { municipality_id: m, area_ids: vec![] })).is_err());
    }

    #[test]
    fn only_administrators_read_what_receivers_answered() {
        let (m, o) = (Uuid::now_v7(), Uuid::now_v7());
        let p = |access| Principal { token_id: Uuid::now_v7(), name: "t".into(), access };
        assert!(reads_receiver_answers(&p(Access::Admin)));
        assert!(!reads_receiver_answers(&p(Access::Coordinator { municipality_id: m })));
        assert!(!reads_receiver_answers(&p(Access::Partner { organisation_id: o, municipality_id: None })));
        assert_eq!(failure_for_others(Some(500)), "answered HTTP 500");
        assert!(failure_for_others(Some(307)).contains("redirects are not followed"));
        assert_eq!(failure_for_others(None), NO_ANSWER);
    }

    #[test]
    fn only_2xx_acknowledges() {
        assert!(acknowledged(200) && acknowledged(204) && acknowledged(299));
        assert!(!acknowledged(301) && !acknowledged(410) && !acknowledged(500) && !acknowledged(199));
    }
}
