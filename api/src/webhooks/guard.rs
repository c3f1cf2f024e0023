//! The outbound guard of SPEC §15 where it has to act: at connect time. The rules are
//! [`domain::outbound`]; this plugs them into the HTTP client, whose connector asks this resolver for the
//! addresses of a host name and connects only to what it returns. So the address checked is the address
//! connected to, and a name that resolves to a public address when a subscription is made and to an internal
//! one later (DNS rebinding) is caught when it matters. A URL whose host is an address never reaches a
//! resolver; [`crate::webhooks::sender`] checks those before sending.

use std::net::SocketAddr;
use std::sync::Arc;

use domain::outbound::{OutboundPolicy, Refused};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Resolves with the system's resolver and keeps only the addresses the policy allows.
pub struct GuardedResolver {
    pub policy: Arc<OutboundPolicy>,
}

/// A host name all of whose addresses are refused.
#[derive(Debug)]
pub struct RefusedHost {
    pub host: String,
    pub refused: Vec<Refused>,
}

impl std::fmt::Display for RefusedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let addresses: Vec<String> =
            self.refused.iter().map(|r| format!("{}, {}", r.address, r.kind.describe())).collect();
        write!(f, "{} resolves only to addresses the service may not connect to: {}", self.host, addresses.join("; "))
    }
}

impl std::error::Error for RefusedHost {}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if resolved.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            let (mut allowed, mut refused) = (Vec::new(), Vec::new());
            for address in resolved {
                match policy.check(address.ip()) {
                    Ok(()) => allowed.push(address),
                    Err(r) => refused.push(r),
                }
            }
            if allowed.is_empty() {
                return Err(Box::new(RefusedHost { host, refused }) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
