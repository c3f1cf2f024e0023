//! Where the service may send requests of its own (SPEC §15). A client names the URL (a webhook's callback),
//! so without a rule it could make the service talk to its own host, its database, the cloud's metadata
//! service or anything else on the internal network, and read the answers back. Every address the service
//! is about to connect to is therefore checked: addresses meant for one host or one network (loopback,
//! private, link-local, unique-local, multicast, unspecified and the other special-purpose ranges) are
//! refused unless the operator allows a range of them (`GEBIEDSCYCLUS_OUTBOUND_ALLOW`, for tests and
//! intranets). Public addresses are always allowed.
//!
//! The check is on the address, never on how a URL spells it: `127.1`, `2130706433`, `0x7f000001` and
//! `[::ffff:127.0.0.1]` are all 127.0.0.1, and an IPv4 address embedded in IPv6 (mapped, NAT64, 6to4) is
//! judged as the IPv4 address it reaches.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A range of addresses in CIDR notation (`127.0.0.0/8`, `::1/128`); a bare address is the range of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix` or a bare address. Bits set after the prefix are refused rather than dropped,
    /// so a typo (`10.1.2.3/8`) does not silently allow more than the operator meant.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr =
            address.parse().map_err(|_| format!("'{text}' is not an IPv4 or IPv6 address with a /prefix"))?;
        let max = max_prefix(network);
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => return Err(format!("'{text}' has a prefix that is not a number from 0 to {max}")),
            },
        };
        let cidr = Cidr { network, prefix };
        if cidr.masked(network) != network {
            return Err(format!(
                "'{text}' has bits set after its prefix; the range is {}",
                Cidr { network: cidr.masked(network), prefix }
            ));
        }
        // An allowed IPv4-mapped range means its IPv4 addresses, which is how addresses are compared.
        if let IpAddr::V6(v6) = network
            && let Some(v4) = v6.to_ipv4_mapped()
            && prefix >= 96
        {
            return Ok(Cidr { network: IpAddr::V4(v4), prefix: prefix - 96 });
        }
        Ok(cidr)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => self.masked(ip) == self.network,
            _ => false,
        }
    }

    /// The address with the bits after the prefix cleared.
    fn masked(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(a) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        }
    }
}

fn max_prefix(ip: IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The kinds of address that are not somebody's server on the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    Unspecified,
    Loopback,
    Private,
    SharedAddressSpace,
    LinkLocal,
    UniqueLocal,
    Multicast,
    Documentation,
    /// Protocol assignments, benchmarking, the future-use block, broadcast, discard-only and the like.
    SpecialPurpose,
}

impl Reserved {
    pub fn describe(self) -> &'static str {
        match self {
            Reserved::Unspecified => "an unspecified address",
            Reserved::Loopback => "a loopback address",
            Reserved::Private => "a private-network address",
            Reserved::SharedAddressSpace => "a carrier-grade NAT address",
            Reserved::LinkLocal => "a link-local address",
            Reserved::UniqueLocal => "a unique-local address",
            Reserved::Multicast => "a multicast address",
            Reserved::Documentation => "a documentation address",
            Reserved::SpecialPurpose => "a special-purpose address",
        }
    }
}

/// IPv4 special-purpose ranges (IANA registry), first match wins.
const V4_RANGES: &[([u8; 4], u8, Reserved)] = &[
    ([0, 0, 0, 0], 8, Reserved::Unspecified),
    ([10, 0, 0, 0], 8, Reserved::Private),
    ([100, 64, 0, 0], 10, Reserved::SharedAddressSpace),
    ([127, 0, 0, 0], 8, Reserved::Loopback),
    ([169, 254, 0, 0], 16, Reserved::LinkLocal),
    ([172, 16, 0, 0], 12, Reserved::Private),
    ([192, 0, 0, 0], 24, Reserved::SpecialPurpose),
    ([192, 0, 2, 0], 24, Reserved::Documentation),
    ([192, 88, 99, 0], 24, Reserved::SpecialPurpose),
    ([192, 168, 0, 0], 16, Reserved::Private),
    ([198, 18, 0, 0], 15, Reserved::SpecialPurpose),
    ([198, 51, 100, 0], 24, Reserved::Documentation),
    ([203, 0, 113, 0], 24, Reserved::Documentation),
    ([224, 0, 0, 0], 4, Reserved::Multicast),
    // The future-use block, with the broadcast address 255.255.255.255 at its end.
    ([240, 0, 0, 0], 4, Reserved::SpecialPurpose),
];

/// IPv6 special-purpose ranges, first match wins. IPv4-mapped addresses never get here (they are judged as
/// IPv4); NAT64 and 6to4 addresses are judged by the IPv4 address they carry (see [`reserved`]).
const V6_RANGES: &[([u16; 8], u8, Reserved)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 128, Reserved::Unspecified),
    ([0, 0, 0, 0, 0, 0, 0, 1], 128, Reserved::Loopback),
    // IPv4-compatible addresses, deprecated and never routed.
    ([0, 0, 0, 0, 0, 0, 0, 0], 96, Reserved::SpecialPurpose),
    // Local-use NAT64: the network behind it is the operator's own.
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, Reserved::Private),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, Reserved::SpecialPurpose),
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, Reserved::Documentation),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, Reserved::SpecialPurpose),
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, Reserved::Documentation),
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, Reserved::SpecialPurpose),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, Reserved::UniqueLocal),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, Reserved::LinkLocal),
    // Site-local, deprecated, still the inside of a site where it is used.
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, Reserved::Private),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, Reserved::Multicast),
];

/// The address as the network reaches it: an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is its IPv4
/// address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The IPv4 address an IPv6 address carries to an IPv4 network: well-known NAT64 (`64:ff9b::/96`) and 6to4
/// (`2002::/16`).
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        Some(v4(s[6], s[7]))
    } else if s[0] == 0x2002 {
        Some(v4(s[1], s[2]))
    } else {
        None
    }
}

/// The kind of range the address lies in, or `None` for a public address.
pub fn reserved(ip: IpAddr) -> Option<Reserved> {
    match canonical(ip) {
        IpAddr::V4(a) => V4_RANGES
            .iter()
            .find(|(net, prefix, _)| Cidr { network: IpAddr::V4((*net).into()), prefix: *prefix }.contains(a.into()))
            .map(|(_, _, kind)| *kind),
        IpAddr::V6(a) => {
            if let Some(v4) = embedded_ipv4(a) {
                return reserved(IpAddr::V4(v4));
            }
            let in_range =
                |net: [u16; 8], prefix: u8| Cidr { network: IpAddr::V6(net.into()), prefix }.contains(a.into());
            let listed = V6_RANGES.iter().find(|(net, prefix, _)| in_range(*net, *prefix)).map(|(_, _, kind)| *kind);
            // Outside 2000::/3 nothing is global unicast: the rest is unassigned or listed above.
            listed.or((!in_range([0x2000, 0, 0, 0, 0, 0, 0, 0], 3)).then_some(Reserved::SpecialPurpose))
        }
    }
}

/// An address the service does not connect to, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub address: IpAddr,
    pub kind: Reserved,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}", self.address, self.kind.describe())
    }
}

impl std::error::Error for Refused {}

/// Which addresses outbound requests may go to: every public address, and the reserved ones only in the
/// ranges the operator allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    allowed: Vec<Cidr>,
}

impl OutboundPolicy {
    /// The policy that allows these reserved ranges besides the public internet.
    pub fn allowing(allowed: Vec<Cidr>) -> OutboundPolicy {
        OutboundPolicy { allowed }
    }

    /// Parses a comma-separated list of ranges (`127.0.0.0/8,::1/128`); an empty list allows no reserved
    /// range. Every bad entry is reported.
    pub fn parse_allow_list(text: &str) -> Result<OutboundPolicy, String> {
        let (allowed, problems): (Vec<_>, Vec<_>) =
            text.split(',').filter(|t| !t.trim().is_empty()).map(Cidr::parse).partition(Result::is_ok);
        if !problems.is_empty() {
            return Err(problems.into_iter().filter_map(Result::err).collect::<Vec<_>>().join("; "));
        }
        Ok(OutboundPolicy { allowed: allowed.into_iter().filter_map(Result::ok).collect() })
    }

    pub fn allowed(&self) -> &[Cidr] {
        &self.allowed
    }

    /// Whether the service may connect to this address.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refused> {
        let address = canonical(ip);
        if self.allowed.iter().any(|c| c.contains(address)) {
            return Ok(());
        }
        match reserved(address) {
            Some(kind) => Err(Refused { address, kind }),
            None => Ok(()),
        }
    }

    /// The check of a URL whose host is an address (`http://127.1/`, `http://[::1]/`): known before any
    /// request. A host name passes here; the addresses it resolves to are checked when connecting.
    pub fn check_url(&self, url: &url::Url) -> Result<(), Refused> {
        match url.host() {
            Some(url::Host::Ipv4(a)) => self.check(IpAddr::V4(a)),
            Some(url::Host::Ipv6(a)) => self.check(IpAddr::V6(a)),
            Some(url::Host::Domain(_)) | None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn kind(s: &str) -> Option<Reserved> {
        reserved(ip(s))
    }

    #[test]
    fn every_reserved_ipv4_range_is_refused_by_default() {
        use Reserved::*;
        for (address, expected) in [
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("10.0.0.1", Private),
            ("10.255.255.255", Private),
            ("100.64.0.1", SharedAddressSpace),
            ("100.127.255.254", SharedAddressSpace),
            ("127.0.0.1", Loopback),
            ("127.255.255.255", Loopback),
            ("169.254.169.254", LinkLocal),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.0.0.8", SpecialPurpose),
            ("192.0.2.10", Documentation),
            ("192.88.99.1", SpecialPurpose),
            ("192.168.1.1", Private),
            ("198.18.0.1", SpecialPurpose),
            ("198.19.255.255", SpecialPurpose),
            ("198.51.100.7", Documentation),
            ("203.0.113.9", Documentation),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("240.0.0.1", SpecialPurpose),
            ("255.255.255.255", SpecialPurpose),
        ] {
            assert_eq!(kind(address), Some(expected), "{address}");
            let refused = OutboundPolicy::default().check(ip(address));
            assert_eq!(refused, Err(Refused { address: ip(address), kind: expected }), "{address}");
        }
    }

    #[test]
    fn every_reserved_ipv6_range_is_refused_by_default() {
        use Reserved::*;
        for (address, expected) in [
            ("::", Unspecified),
            ("::1", Loopback),
            ("::127.0.0.1", SpecialPurpose),
            ("::8.8.8.8", SpecialPurpose),
            ("64:ff9b:1::1", Private),
            ("100::1", SpecialPurpose),
            ("2001::1", SpecialPurpose),
            ("2001:1ff::1", SpecialPurpose),
            ("2001:db8::1", Documentation),
            ("3fff::1", Documentation),
            ("5f00::1", SpecialPurpose),
            ("fc00::1", UniqueLocal),
            ("fd12:3456::1", UniqueLocal),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
            ("fe00::1", SpecialPurpose),
            ("4000::1", SpecialPurpose),
        ] {
            assert_eq!(kind(address), Some(expected), "{address}");
            assert!(OutboundPolicy::default().check(ip(address)).is_err(), "{address}");
        }
    }

    #[test]
    fn ipv4_carried_in_ipv6_is_judged_as_the_ipv4_address() {
        assert_eq!(kind("::ffff:127.0.0.1"), Some(Reserved::Loopback));
        assert_eq!(kind("::ffff:169.254.169.254"), Some(Reserved::LinkLocal));
        assert_eq!(kind("::ffff:8.8.8.8"), None);
        assert_eq!(kind("64:ff9b::10.0.0.1"), Some(Reserved::Private));
        assert_eq!(kind("64:ff9b::8.8.8.8"), None, "NAT64 to a public address");
        assert_eq!(kind("2002:7f00:1::1"), Some(Reserved::Loopback), "6to4 of 127.0.0.1");
        assert_eq!(kind("2002:808:808::1"), None, "6to4 of 8.8.8.8");
        // A refusal names the address as it is reached.
        let refused = OutboundPolicy::default().check(ip("::ffff:127.0.0.1")).unwrap_err();
        assert_eq!(refused.to_string(), "127.0.0.1 is a loopback address");
    }

    #[test]
    fn public_addresses_are_allowed() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.1",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2a00:1450:4001::200e",
            "2001:200::1",
            "2606:4700::1111",
            "2400:cb00::1",
        ] {
            assert_eq!(kind(address), None, "{address}");
            assert_eq!(OutboundPolicy::default().check(ip(address)), Ok(()), "{address}");
        }
    }

    #[test]
    fn the_operator_allows_ranges() {
        let policy = OutboundPolicy::parse_allow_list("127.0.0.0/8, ::1/128,10.1.0.0/16").unwrap();
        assert_eq!(policy.check(ip("127.0.0.1")), Ok(()));
        assert_eq!(policy.check(ip("127.9.8.7")), Ok(()));
        assert_eq!(policy.check(ip("::ffff:127.0.0.1")), Ok(()), "a mapped address is its IPv4 address");
        assert_eq!(policy.check(ip("::1")), Ok(()));
        assert_eq!(policy.check(ip("10.1.200.3")), Ok(()));
        assert!(policy.check(ip("10.2.0.1")).is_err(), "outside the allowed /16");
        assert!(policy.check(ip("169.254.169.254")).is_err());
        assert!(policy.check(ip("::2")).is_err());
        assert_eq!(policy.check(ip("8.8.8.8")), Ok(()));
        assert_eq!(OutboundPolicy::parse_allow_list("").unwrap(), OutboundPolicy::default());
        assert_eq!(OutboundPolicy::parse_allow_list(" , ").unwrap(), OutboundPolicy::default());
    }

    #[test]
    fn cidrs_are_parsed_strictly() {
        assert_eq!(Cidr::parse("127.0.0.0/8").unwrap().to_string(), "127.0.0.0/8");
        assert_eq!(Cidr::parse("::1").unwrap().to_string(), "::1/128");
        assert_eq!(Cidr::parse("10.0.0.7").unwrap().to_string(), "10.0.0.7/32");
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().to_string(), "0.0.0.0/0");
        assert_eq!(Cidr::parse("::/0").unwrap().to_string(), "::/0");
        assert_eq!(Cidr::parse("::ffff:10.0.0.0/104").unwrap().to_string(), "10.0.0.0/8");
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("203.0.113.1")));
        assert!(!Cidr::parse("0.0.0.0/0").unwrap().contains(ip("::1")), "families do not mix");
        for (bad, says) in [
            ("127.0.0.1/8", "the range is 127.0.0.0/8"),
            ("10.0.0.0/33", "from 0 to 32"),
            ("::1/129", "from 0 to 128"),
            ("10.0.0.0/x", "from 0 to 32"),
            ("localhost", "not an IPv4 or IPv6 address"),
            ("127.1/8", "not an IPv4 or IPv6 address"),
            ("", "not an IPv4 or IPv6 address"),
        ] {
            let e = Cidr::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let e = OutboundPolicy::parse_allow_list("127.0.0.0/8,nope,10.0.0.1/8").unwrap_err();
        assert!(e.contains("'nope'") && e.contains("'10.0.0.1/8'"), "every bad entry is named: {e}");
    }

    #[test]
    fn a_url_that_spells_a_refused_address_is_refused_in_every_spelling() {
        let policy = OutboundPolicy::default();
        for (url, address) in [
            ("http://127.0.0.1:9000/x", "127.0.0.1"),
            ("http://127.1:9000/x", "127.0.0.1"),
            ("http://2130706433:9000/", "127.0.0.1"),
            ("http://0x7f000001/", "127.0.0.1"),
            ("http://0x7f.0.0.1/", "127.0.0.1"),
            ("http://0177.0.0.1/", "127.0.0.1"),
            ("http://127.0.0.1./", "127.0.0.1"),
            ("http://0.0.0.0:8080/", "0.0.0.0"),
            ("http://0/", "0.0.0.0"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
            ("http://[::1]/", "::1"),
            ("http://[::]/", "::"),
            ("http://[::ffff:127.0.0.1]:5432/", "127.0.0.1"),
            ("http://[::ffff:7f00:1]/", "127.0.0.1"),
            ("https://[fd00::1]/", "fd00::1"),
            ("http://10.0.0.1/", "10.0.0.1"),
        ] {
            let parsed = url::Url::parse(url).unwrap();
            let refused = policy.check_url(&parsed).expect_err(url);
            assert_eq!(refused.address, ip(address), "{url}");
        }
        for url in
            ["https://partner.example/hook", "http://localhost:5432/", "http://8.8.8.8/", "http://[2606:4700::1]/"]
        {
            assert_eq!(policy.check_url(&url::Url::parse(url).unwrap()), Ok(()), "{url}: names are checked on connect");
        }
    }
}
