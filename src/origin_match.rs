//! The compiled origin rules the request path consults: exact origins, then
//! http(s) patterns, then predicates.
//!
//! Configured origins reach it in canonical form (see `origin_config.rs`),
//! the form browsers send, so a request origin matches by byte equality.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

use crate::request::Origin;

/// A boxed origin predicate, as given to `allow_origin_predicate`.
pub(crate) type Predicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static>;

/// The hasher of the matcher's maps. std's SipHash is keyed to defend maps
/// that grow from untrusted keys; these are filled once from the
/// configuration and only read per request, where a request can choose which
/// probe sequence it walks, not lengthen one. A fixed seed keeps building a
/// policy free of process-wide state.
type Hasher = rustc_hash::FxBuildHasher;

/// `scheme://[*.]host[:port|:*]` for http and https, validated and canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) https: bool,
    /// The host, or for subdomain patterns the suffix after `*.`.
    pub(crate) host: String,
    pub(crate) subdomains: bool,
    pub(crate) port: PortRule,
}

/// The port part of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortRule {
    /// No port in the origin: the scheme's default.
    Default,
    /// One explicit, non-default port.
    Exact(u16),
    /// `:*`, any port including the default.
    Any,
}

/// A configured origin or pattern, as `origin_config.rs` parsed it: its
/// canonical text and its parts, for `explain`'s hints. Cold data: the
/// request path never reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfiguredOrigin {
    text: Box<str>,
    scheme: Box<str>,
    host: Box<str>,
    subdomains: bool,
    port: PortRule,
}

impl ConfiguredOrigin {
    /// The origin or pattern `scheme://[*.]host[:port|:*]` of canonical
    /// parts; `port` is [`PortRule::Default`] for the scheme's default port.
    pub(crate) fn new(scheme: &str, host: &str, subdomains: bool, port: PortRule) -> Self {
        let star = if subdomains { "*." } else { "" };
        let port_text = match port {
            PortRule::Default => String::new(),
            PortRule::Exact(n) => format!(":{n}"),
            PortRule::Any => ":*".to_owned(),
        };
        ConfiguredOrigin {
            text: format!("{scheme}://{star}{host}{port_text}").into(),
            scheme: scheme.into(),
            host: host.into(),
            subdomains,
            port,
        }
    }

    fn of_pattern(p: &Pattern) -> Self {
        let scheme = if p.https { "https" } else { "http" };
        ConfiguredOrigin::new(scheme, &p.host, p.subdomains, p.port)
    }

    /// The canonical text, e.g. `https://*.example.com:*`.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The scheme, lowercase.
    pub(crate) fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, or for a subdomain pattern the suffix after `*.`.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// Whether this is a subdomain pattern (`*.`).
    pub(crate) fn subdomains(&self) -> bool {
        self.subdomains
    }

    /// The port part.
    pub(crate) fn port(&self) -> PortRule {
        self.port
    }
}

/// The set of ports a host or suffix accepts.
#[derive(Debug, Default, Clone)]
struct PortSet {
    any: bool,
    default: bool,
    ports: Vec<u16>,
}

impl PortSet {
    fn add(&mut self, rule: PortRule) {
        match rule {
            PortRule::Any => self.any = true,
            PortRule::Default => self.default = true,
            PortRule::Exact(p) => {
                if !self.ports.contains(&p) {
                    self.ports.push(p);
                }
            }
        }
    }

    fn accepts(&self, port: Option<u16>) -> bool {
        self.any
            || match port {
                None => self.default,
                Some(p) => self.ports.contains(&p),
            }
    }
}

/// Patterns of one scheme: hosts that accept any port, and subdomain suffixes.
#[derive(Debug, Default, Clone)]
struct SchemePatterns {
    hosts: HashMap<Box<[u8]>, PortSet, Hasher>,
    suffixes: HashMap<Box<[u8]>, PortSet, Hasher>,
    /// The longest suffix: longer tails of a host are not looked up.
    longest_suffix: usize,
}

/// The compiled origin rules: one hash probe for exact origins; for
/// patterns, one probe for hosts with any port, then one probe per label of
/// the host that could carry a configured suffix; then the predicates.
#[derive(Clone, Default)]
pub(crate) struct OriginMatcher {
    exact: HashSet<Box<[u8]>, Hasher>,
    /// Index 0: http, 1: https.
    patterns: [SchemePatterns; 2],
    predicates: Vec<Predicate>,
    /// Every exact origin and pattern, sorted by text, without repeats.
    configured: Box<[ConfiguredOrigin]>,
}

impl fmt::Debug for OriginMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginMatcher")
            .field("origins", &self.describe())
            .field("predicates", &self.predicates.len())
            .finish()
    }
}

impl OriginMatcher {
    /// `exact` origins and `patterns` are canonical (`origin_config.rs`).
    pub(crate) fn new(
        exact: Vec<ConfiguredOrigin>,
        patterns: Vec<Pattern>,
        predicates: Vec<Predicate>,
    ) -> Self {
        let mut configured: Vec<ConfiguredOrigin> =
            patterns.iter().map(ConfiguredOrigin::of_pattern).collect();
        let mut m = OriginMatcher {
            predicates,
            ..OriginMatcher::default()
        };
        m.exact = exact
            .iter()
            .map(|origin| origin.text.as_bytes().into())
            .collect();
        configured.extend(exact);
        configured.sort_by(|a, b| a.text.cmp(&b.text));
        configured.dedup_by(|a, b| a.text == b.text);
        m.configured = configured.into_boxed_slice();
        for p in patterns {
            let scheme = &mut m.patterns[usize::from(p.https)];
            let map = if p.subdomains {
                scheme.longest_suffix = scheme.longest_suffix.max(p.host.len());
                &mut scheme.suffixes
            } else {
                &mut scheme.hosts
            };
            let host = p.host.into_bytes().into_boxed_slice();
            map.entry(host).or_default().add(p.port);
        }
        m
    }

    /// Every configured exact origin and pattern, sorted, for summaries.
    pub(crate) fn describe(&self) -> Vec<String> {
        self.configured
            .iter()
            .map(|origin| origin.text().to_owned())
            .collect()
    }

    /// Every configured exact origin and pattern, parsed, sorted by text.
    pub(crate) fn configured(&self) -> &[ConfiguredOrigin] {
        &self.configured
    }

    /// Number of origin predicates.
    pub(crate) fn predicate_count(&self) -> usize {
        self.predicates.len()
    }

    /// Whether `origin` is allowed: the answer then echoes it. `parts` may
    /// be `None` only when there are no predicates.
    pub(crate) fn allows(&self, origin: Origin<'_>, parts: Option<&Parts>) -> bool {
        let value = origin.header_value();
        // Hashing the origin is most of a lookup's cost: skip empty sets.
        if !self.exact.is_empty() && self.exact.contains(value.as_bytes()) {
            return true;
        }
        if origin.is_null() {
            // Never allowed except by allow_any_origin, which doesn't get here.
            return false;
        }
        // Patterns match only origins in the strict form `RequestOrigin`
        // parses, which are well formed. Predicates see well-formed origins
        // only. Without either, the origin is rejected, and its shape
        // matters only to the reason, read later if at all.
        if self.has_patterns() && self.matches_pattern(value.as_bytes()) {
            return true;
        }
        let Some(parts) = parts.filter(|_| !self.predicates.is_empty()) else {
            return false;
        };
        origin.is_well_formed() && self.predicates.iter().any(|p| p(value, parts))
    }

    /// Whether a listed origin equals `origin`.
    pub(crate) fn is_listed(&self, origin: &[u8]) -> bool {
        self.exact.contains(origin)
    }

    /// Whether a pattern matches `origin` (never `null`).
    pub(crate) fn pattern_matches(&self, origin: &[u8]) -> bool {
        origin != b"null" && self.has_patterns() && self.matches_pattern(origin)
    }

    fn has_patterns(&self) -> bool {
        self.patterns
            .iter()
            .any(|s| !s.hosts.is_empty() || !s.suffixes.is_empty())
    }

    fn matches_pattern(&self, origin: &[u8]) -> bool {
        let Some(parsed) = RequestOrigin::parse(origin) else {
            return false;
        };
        let scheme = &self.patterns[usize::from(parsed.https)];
        if !scheme.hosts.is_empty() {
            if let Some(ports) = scheme.hosts.get(parsed.host) {
                if ports.accepts(parsed.port) {
                    return true;
                }
            }
        }
        if scheme.suffixes.is_empty() {
            return false;
        }
        // The tail after each dot, longest first: the apex never matches a
        // subdomain pattern, as a suffix matches only after a dot.
        let host = parsed.host;
        let mut tails = host.iter().enumerate().filter(|&(_, &b)| b == b'.');
        tails.any(|(dot, _)| {
            let tail = &host[dot + 1..];
            tail.len() <= scheme.longest_suffix
                && scheme
                    .suffixes
                    .get(tail)
                    .is_some_and(|ports| ports.accepts(parsed.port))
        })
    }
}

/// A request origin in the canonical http(s) form patterns can match:
/// lowercase host of letters, digits, `-`, `_` and `.` without empty labels
/// (or a bracketed IPv6 address), and a non-default port without leading zeros.
struct RequestOrigin<'a> {
    https: bool,
    host: &'a [u8],
    port: Option<u16>,
}

impl<'a> RequestOrigin<'a> {
    /// Works on bytes: the origin is ASCII, and no UTF-8 check is needed.
    fn parse(origin: &'a [u8]) -> Option<Self> {
        let (https, rest) = if let Some(rest) = origin.strip_prefix(b"https://") {
            (true, rest)
        } else {
            (false, origin.strip_prefix(b"http://")?)
        };
        let (host, port) = split_request_host_port(rest)?;
        let host_ok = if host.starts_with(b"[") {
            host.iter().all(|&b| {
                b.is_ascii_hexdigit() && !b.is_ascii_uppercase()
                    || matches!(b, b'[' | b']' | b':' | b'.')
            })
        } else {
            // One pass without a branch per byte (valid hosts are read to
            // the end anyway): allowed bytes, and no empty label (leading,
            // trailing or doubled dot).
            let (ok, last_dot) = host.iter().fold((true, true), |(ok, previous_dot), &b| {
                let dot = b == b'.';
                (ok & HOST_BYTE[usize::from(b)] & !(dot & previous_dot), dot)
            });
            ok && !last_dot
        };
        if !host_ok {
            return None;
        }
        let port = match port {
            None => None,
            Some(p) => {
                if p.is_empty() || p.len() > 5 || p[0] == b'0' {
                    return None;
                }
                let mut n: u32 = 0;
                for &b in p {
                    if !b.is_ascii_digit() {
                        return None;
                    }
                    n = n * 10 + u32::from(b - b'0');
                }
                let n = u16::try_from(n).ok()?;
                if n == if https { 443 } else { 80 } {
                    return None;
                }
                Some(n)
            }
        };
        Some(RequestOrigin { https, host, port })
    }
}

/// Bytes of a canonical request host that patterns can match: lowercase
/// letters, digits, `-`, `_` and the dot between labels.
static HOST_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.');
        b += 1;
    }
    table
};

/// Splits `host[:port]`, keeping IPv6 brackets on the host; `None` when
/// something other than `:port` follows a bracketed host.
pub(crate) fn split_request_host_port(s: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    if s.starts_with(b"[") {
        let close = s.iter().position(|&b| b == b']')?;
        let (host, rest) = s.split_at(close + 1);
        return match rest {
            [] => Some((host, None)),
            [b':', port @ ..] => Some((host, Some(port))),
            _ => None,
        };
    }
    Some(match s.iter().position(|&b| b == b':') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    })
}

/// [`split_request_host_port`] on a `str`: the splits fall on ASCII bytes,
/// so the pieces are slices of the input.
pub(crate) fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = split_request_host_port(s.as_bytes())?;
    Some((&s[..host.len()], port.map(|p| &s[s.len() - p.len()..])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::is_well_formed;

    /// A matcher of `https://*.{suffix}` patterns, built here rather than
    /// parsed, so that this module's tests need nothing from the
    /// configuration side.
    fn matcher(suffixes: &[String]) -> OriginMatcher {
        let patterns = suffixes
            .iter()
            .map(|suffix| Pattern {
                https: true,
                host: suffix.clone(),
                subdomains: true,
                port: PortRule::Default,
            })
            .collect();
        OriginMatcher::new(Vec::new(), patterns, Vec::new())
    }

    proptest::proptest! {
        /// A subdomain pattern matches exactly the hosts that end in a dot
        /// and one of the configured suffixes.
        #[test]
        fn subdomain_patterns_match_hosts_ending_in_dot_suffix(
            suffixes in proptest::collection::btree_set(
                proptest::collection::vec(
                    proptest::sample::select(vec!["alpha", "beta", "gamma", "ex"]),
                    2..=3,
                ),
                1..=9,
            ),
            host in proptest::collection::vec(
                proptest::sample::select(vec!["alpha", "beta", "gamma", "ex", "tex"]),
                1..=5,
            ),
        ) {
            let suffixes: Vec<String> = suffixes.iter().map(|labels| labels.join(".")).collect();
            let m = matcher(&suffixes);
            let host = host.join(".");
            let expected = suffixes.iter().any(|suffix| host.ends_with(&format!(".{suffix}")));
            proptest::prop_assert_eq!(
                m.matches_pattern(format!("https://{host}").as_bytes()),
                expected,
                "{} against {:?}", host, suffixes
            );
            let over_http = format!("http://{}", host);
            proptest::prop_assert!(!m.matches_pattern(over_http.as_bytes()));
        }

        /// Pattern matching skips the shape check: only sound if every origin
        /// `RequestOrigin` parses is well formed.
        #[test]
        fn origins_patterns_can_match_are_well_formed(
            scheme in proptest::sample::select(vec!["http://", "https://", "htt://", ""]),
            rest in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(b"az09.-_:[]".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                0..30,
            ),
        ) {
            let origin = [scheme.as_bytes(), &rest].concat();
            if RequestOrigin::parse(&origin).is_some() {
                proptest::prop_assert!(is_well_formed(&origin), "{:?}", String::from_utf8_lossy(&origin));
            }
        }
    }
}
