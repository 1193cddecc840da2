//! Origins: the canonical form of configured origins and patterns (build time),
//! and the compiled matcher the request path consults.
//!
//! The canonical form is what browsers put in the `Origin` header: lowercase
//! scheme and host, IDN labels in punycode, IP addresses in their shortest
//! standard notation, no default port, no path. Configured origins must already
//! be in that form, so a request origin matches by byte equality.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::Ipv6Addr;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

use crate::error::ConfigError;
use crate::interned::interned;
use crate::public_suffix::is_public_suffix;
use crate::punycode::to_ascii_label;
use crate::request::Origin;

/// A boxed origin predicate, as given to `allow_origin_predicate`.
pub(crate) type Predicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static>;

/// One configured origin after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginSpec {
    /// One exact origin, canonical.
    Exact {
        canonical: String,
        trustworthy: bool,
    },
    /// An HTTP(S) origin pattern.
    Pattern(Pattern),
}

/// `scheme://[*.]host[:port|:*]` for http and https.
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

impl OriginSpec {
    /// Whether the origin is potentially trustworthy in the Secure Contexts
    /// sense: https, loopback http, or a non-network scheme.
    pub(crate) fn is_trustworthy(&self) -> bool {
        match self {
            OriginSpec::Exact { trustworthy, .. } => *trustworthy,
            OriginSpec::Pattern(p) => p.https || is_loopback_host(&p.host),
        }
    }
}

fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") || host == "[::1]" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// Validates one configured origin or pattern.
pub(crate) fn parse_configured(input: &str) -> Result<OriginSpec, ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidOrigin {
        origin: input.to_owned(),
        reason,
    };
    if input == "*" {
        return Err(ConfigError::WildcardOrigin);
    }
    if input.trim().eq_ignore_ascii_case("null") {
        return Err(ConfigError::NullOrigin);
    }
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());

    let colon = trimmed.find(':').ok_or_else(|| invalid("missing scheme"))?;
    let scheme = trimmed[..colon].to_ascii_lowercase();
    if scheme.contains('*') {
        return Err(ConfigError::MisplacedWildcard {
            origin: input.to_owned(),
        });
    }
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return Err(invalid("invalid scheme"));
    }
    if scheme == "file" {
        return Err(ConfigError::FileOrigin {
            origin: input.to_owned(),
        });
    }
    let after_scheme = trimmed[colon + 1..]
        .strip_prefix("//")
        .ok_or_else(|| invalid("missing \"//\" after the scheme"))?;
    let special = default_port(&scheme).is_some();

    // Split the authority from what follows it.
    let end = after_scheme
        .find(|c: char| c == '/' || c == '?' || c == '#' || (special && c == '\\'))
        .unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(end);
    let (had_user_info, host_port) = match authority.rfind('@') {
        Some(at) => (true, &authority[at + 1..]),
        None => (false, authority),
    };

    let (host_in, port_in) =
        split_host_port(host_port).ok_or_else(|| invalid("malformed IPv6 address"))?;
    let port = match port_in {
        None | Some("") => PortRule::Default,
        Some("*") => PortRule::Any,
        Some(p) if p.contains('*') => {
            return Err(ConfigError::MisplacedWildcard {
                origin: input.to_owned(),
            })
        }
        Some(p) => {
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("the port is not a number"));
            }
            let n: u32 = p
                .trim_start_matches('0')
                .parse()
                .or_else(|_| {
                    if p.bytes().all(|b| b == b'0') {
                        Ok(0)
                    } else {
                        Err(())
                    }
                })
                .map_err(|()| invalid("the port is out of range"))?;
            let n = u16::try_from(n).map_err(|_| invalid("the port is out of range"))?;
            if Some(n) == default_port(&scheme) {
                PortRule::Default
            } else {
                PortRule::Exact(n)
            }
        }
    };

    let (subdomains, host_rest) = match host_in.strip_prefix("*.") {
        Some(suffix) => (true, suffix),
        None => (false, host_in),
    };
    if host_rest.contains('*') || (host_in.contains('*') && !subdomains) {
        return Err(ConfigError::MisplacedWildcard {
            origin: input.to_owned(),
        });
    }
    if host_rest.is_empty() {
        return Err(invalid("the host is empty"));
    }
    let host = if special {
        canonical_host(host_rest).map_err(invalid)?
    } else {
        check_opaque_host(host_rest).map_err(invalid)?;
        host_rest.to_owned()
    };

    let is_http = scheme == "http" || scheme == "https";
    if (subdomains || port == PortRule::Any) && !is_http {
        return Err(invalid(
            "wildcards only apply to http:// and https:// origins",
        ));
    }
    if subdomains {
        if host.starts_with('[') || is_ipv4_literal(&host) {
            return Err(ConfigError::WildcardOnIpAddress {
                origin: input.to_owned(),
            });
        }
        if is_public_suffix(&host) {
            return Err(ConfigError::WildcardOnPublicSuffix {
                origin: input.to_owned(),
                suffix: host,
            });
        }
    }

    let mut canonical = format!("{scheme}://{}{host}", if subdomains { "*." } else { "" });
    match port {
        PortRule::Default => {}
        PortRule::Exact(n) => canonical.push_str(&format!(":{n}")),
        PortRule::Any => canonical.push_str(":*"),
    }

    let owned = || input.to_owned();
    if had_user_info {
        return Err(ConfigError::OriginWithUserInfo {
            origin: owned(),
            canonical,
        });
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    if path_end > 1 {
        return Err(ConfigError::OriginWithPath {
            origin: owned(),
            canonical,
        });
    }
    if path_end < rest.len() {
        return Err(ConfigError::OriginWithQueryOrFragment {
            origin: owned(),
            canonical,
        });
    }
    if canonical != input {
        return Err(ConfigError::NonCanonicalOrigin {
            origin: owned(),
            canonical,
        });
    }

    if subdomains || port == PortRule::Any {
        return Ok(OriginSpec::Pattern(Pattern {
            https: scheme == "https",
            host,
            subdomains,
            port,
        }));
    }
    let trustworthy = scheme != "http" || is_loopback_host(&host);
    Ok(OriginSpec::Exact {
        canonical,
        trustworthy,
    })
}

/// Splits a configured `host[:port]` like a request's
/// ([`split_request_host_port`]): the splits fall on ASCII bytes, so the
/// pieces are `str` slices of the input.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = split_request_host_port(s.as_bytes())?;
    Some((&s[..host.len()], port.map(|p| &s[s.len() - p.len()..])))
}

const FORBIDDEN_HOST_CHARS: &[char] = &[
    ' ', '\t', '\n', '\r', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|', '%',
];

fn check_opaque_host(host: &str) -> Result<(), &'static str> {
    if host
        .chars()
        .any(|c| c.is_control() || FORBIDDEN_HOST_CHARS.contains(&c))
    {
        return Err("the host contains a character hosts cannot have");
    }
    Ok(())
}

/// The canonical form of a host of a special scheme (http, https, ...).
fn canonical_host(host: &str) -> Result<String, &'static str> {
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or("malformed IPv6 address")?;
        let addr: Ipv6Addr = inner.parse().map_err(|_| "malformed IPv6 address")?;
        return Ok(format!("[{}]", serialize_ipv6(addr)));
    }
    if host
        .chars()
        .any(|c| c.is_control() || FORBIDDEN_HOST_CHARS.contains(&c))
    {
        return Err("the host contains a character hosts cannot have");
    }
    let lower = host.to_lowercase();
    let mut labels = Vec::new();
    for label in lower.split('.') {
        if label.is_empty() {
            return Err("the host has an empty label");
        }
        labels.push(to_ascii_label(label).ok_or("a host label is too long")?);
    }
    let ascii = labels.join(".");
    if labels.last().is_some_and(|l| ends_in_number(l)) {
        return parse_url_ipv4(&ascii)
            .map(|ip| std::net::Ipv4Addr::from(ip).to_string())
            .ok_or("invalid IPv4 address");
    }
    if ascii.len() > 253 {
        return Err("the host is longer than 253 characters");
    }
    Ok(ascii)
}

fn is_ipv4_literal(host: &str) -> bool {
    host.rsplit('.').next().is_some_and(ends_in_number)
}

/// The URL standard's "ends in a number" test for the last label.
fn ends_in_number(label: &str) -> bool {
    !label.is_empty()
        && (label.bytes().all(|b| b.is_ascii_digit())
            || label
                .strip_prefix("0x")
                .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())))
}

/// The URL standard's IPv4 parser: decimal, octal (`0` prefix) and hex (`0x`)
/// parts, the last part filling the remaining bytes.
fn parse_url_ipv4(host: &str) -> Option<u32> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) = if let Some(h) = part.strip_prefix("0x").or(part.strip_prefix("0X")) {
            (h, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (*part, 10)
        };
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        numbers.push(n);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut ip = *last;
    for (i, &n) in init.iter().enumerate() {
        ip += n << (8 * (3 - i));
    }
    u32::try_from(ip).ok()
}

/// The URL standard's IPv6 serializer: lowercase hex, the first longest run of
/// two or more zero pieces compressed to `::`.
fn serialize_ipv6(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    let (mut best_start, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = Some(start);
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if Some(i) == best_start {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

/// The hash maps of the matcher: std's map with [`OriginHasher`].
type OriginMap<K, V> = HashMap<K, V, BuildHasherDefault<OriginHasher>>;

/// An FxHash-style hasher (multiply and rotate, 8 bytes a step) for the
/// matcher's maps: a few nanoseconds per origin where std's SipHash takes
/// several times that.
///
/// SipHash's keyed randomness defends maps that grow from untrusted keys.
/// These maps are filled once from the configuration and only read per
/// request; a request can choose which probe sequence it walks, not lengthen
/// one, so a lookup costs the same bounded work for any key.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct OriginHasher(u64);

impl OriginHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for OriginHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // Byte by byte: copying a slice of unknown length calls memcpy.
            let word = rest
                .iter()
                .rev()
                .fold(0u64, |word, &b| word << 8 | u64::from(b));
            self.add(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits, which pick the bucket, weakest:
        // rotate the well-mixed high bits down.
        self.0.rotate_left(26)
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
    hosts: OriginMap<Box<[u8]>, PortSet>,
    suffixes: OriginMap<Box<[u8]>, PortSet>,
}

/// How an allowed origin is answered in `Access-Control-Allow-Origin`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Matched<'a> {
    /// Listed exactly: the precomputed header value.
    Listed(&'a HeaderValue),
    /// Allowed by a pattern or predicate: echo the request's value.
    Echo,
}

/// The compiled origin rules: one hash probe for exact origins; for
/// patterns, one probe for hosts with any port, then at most
/// [`FEW_SUFFIXES`] comparisons or one probe per suffix length in use;
/// then the predicates.
#[derive(Clone, Default)]
pub(crate) struct OriginMatcher {
    exact: OriginMap<Box<[u8]>, HeaderValue>,
    /// Index 0: http, 1: https.
    patterns: [SchemePatterns; 2],
    /// The most labels any configured suffix has: bounds the suffix probes.
    max_suffix_labels: usize,
    /// Bit `n` set: some suffix has `n` labels (bit 63: 63 or more). Suffix
    /// lengths nobody configured are not probed.
    suffix_label_counts: u64,
    predicates: Vec<Predicate>,
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
    pub(crate) fn new(specs: Vec<OriginSpec>, predicates: Vec<Predicate>) -> Self {
        let mut m = OriginMatcher {
            predicates,
            ..OriginMatcher::default()
        };
        for spec in specs {
            match spec {
                OriginSpec::Exact { canonical, .. } => {
                    if let Ok(value) = HeaderValue::from_str(&canonical) {
                        m.exact
                            .insert(canonical.into_bytes().into_boxed_slice(), interned(value));
                    }
                }
                OriginSpec::Pattern(p) => {
                    let scheme = &mut m.patterns[usize::from(p.https)];
                    let map = if p.subdomains {
                        let labels = p.host.split('.').count();
                        m.max_suffix_labels = m.max_suffix_labels.max(labels);
                        m.suffix_label_counts |= 1 << labels.min(63);
                        &mut scheme.suffixes
                    } else {
                        &mut scheme.hosts
                    };
                    let host = p.host.into_bytes().into_boxed_slice();
                    map.entry(host).or_default().add(p.port);
                }
            }
        }
        m
    }

    /// Every configured exact origin and pattern, sorted, for summaries.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .exact
            .keys()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect();
        for (i, scheme) in self.patterns.iter().enumerate() {
            let s = if i == 1 { "https" } else { "http" };
            for (map, star) in [(&scheme.hosts, ""), (&scheme.suffixes, "*.")] {
                for (host, ports) in map {
                    let host = String::from_utf8_lossy(host);
                    let mut push = |port: String| out.push(format!("{s}://{star}{host}{port}"));
                    if ports.any {
                        push(":*".into());
                    }
                    if ports.default {
                        push(String::new());
                    }
                    for p in &ports.ports {
                        push(format!(":{p}"));
                    }
                }
            }
        }
        out.sort();
        out
    }

    /// Number of origin predicates.
    pub(crate) fn predicate_count(&self) -> usize {
        self.predicates.len()
    }

    /// Whether `origin` (a syntactically valid request origin) is allowed.
    /// `parts` may be `None` only when there are no predicates.
    pub(crate) fn find(&self, origin: Origin<'_>, parts: Option<&Parts>) -> Option<Matched<'_>> {
        let value = origin.header_value();
        // Hashing the origin is most of a lookup's cost: skip empty maps.
        if !self.exact.is_empty() {
            if let Some(listed) = self.exact.get(value.as_bytes()) {
                return Some(Matched::Listed(listed));
            }
        }
        if origin.is_null() {
            // Never allowed except by allow_any_origin, which doesn't get here.
            return None;
        }
        // Patterns match only origins in the strict form `RequestOrigin`
        // parses, which are well formed. Predicates see well-formed origins
        // only. Without either, the origin is refused, and its shape
        // matters only to the reason, read later if at all.
        if self.has_patterns() && self.matches_pattern(value.as_bytes()) {
            return Some(Matched::Echo);
        }
        let parts = parts.filter(|_| !self.predicates.is_empty())?;
        if origin.is_well_formed() && self.predicates.iter().any(|p| p(value, parts)) {
            return Some(Matched::Echo);
        }
        None
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
        let host = parsed.host;
        // The apex never matches a subdomain pattern: a suffix matches only
        // after a dot inside the host.
        if scheme.suffixes.len() <= FEW_SUFFIXES {
            return scheme.suffixes.iter().any(|(suffix, ports)| {
                host.len() > suffix.len()
                    && host.ends_with(suffix)
                    && host[host.len() - suffix.len() - 1] == b'.'
                    && ports.accepts(parsed.port)
            });
        }
        // Probe suffixes from the shortest, stopping before the whole host.
        let mut end = host.len();
        for labels in 1..=self.max_suffix_labels {
            let Some(dot) = host[..end].iter().rposition(|&b| b == b'.') else {
                return false;
            };
            let in_use = self.suffix_label_counts & (1 << labels.min(63)) != 0;
            if in_use {
                if let Some(ports) = scheme.suffixes.get(&host[dot + 1..]) {
                    if ports.accepts(parsed.port) {
                        return true;
                    }
                }
            }
            end = dot;
        }
        false
    }
}

/// Up to this many subdomain suffixes per scheme, comparing the host's end
/// with each costs less than hashing it once per label count in use.
const FEW_SUFFIXES: usize = 4;

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
fn split_request_host_port(s: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
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

/// Whether a request's `Origin` value has the shape of a serialized origin:
/// `null`, or `scheme://host[:port]` in visible ASCII with no path, query,
/// fragment or user information.
pub(crate) fn is_well_formed(origin: &[u8]) -> bool {
    if origin == b"null" {
        return true;
    }
    // Browsers send http and https origins almost always: known good
    // schemes need no scan.
    let (scheme_ok, authority) = if let Some(authority) = origin.strip_prefix(b"https://") {
        (true, authority)
    } else if let Some(authority) = origin.strip_prefix(b"http://") {
        (true, authority)
    } else {
        // Scheme characters exclude ':', so the first ':' must start "://".
        let Some(colon) = origin.iter().position(|&b| b == b':') else {
            return false;
        };
        let (scheme, rest) = origin.split_at(colon);
        let Some(authority) = rest.strip_prefix(b"://") else {
            return false;
        };
        let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        (scheme_ok, authority)
    };
    // A table and a fold rather than `all`: no branch per byte (origins are
    // short, and valid ones are read to the end anyway).
    scheme_ok
        && !authority.is_empty()
        && authority
            .iter()
            .fold(true, |ok, &b| ok & AUTHORITY[usize::from(b)])
}

/// Bytes a request origin's `host[:port]` may hold: visible ASCII but no
/// `/`, `?`, `#`, `@` or `\`.
static AUTHORITY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_graphic() && !matches!(c, b'/' | b'?' | b'#' | b'@' | b'\\');
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(s: &str) -> String {
        match parse_configured(s) {
            Ok(OriginSpec::Exact { canonical, .. }) => canonical,
            Ok(OriginSpec::Pattern(p)) => format!("{p:?}"),
            Err(ConfigError::NonCanonicalOrigin { canonical, .. }) => canonical,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("https://example.com"), "https://example.com");
        assert_eq!(canonical("HTTPS://Example.COM:443/"), "https://example.com");
        assert_eq!(canonical("http://example.com:80"), "http://example.com");
        assert_eq!(
            canonical("http://example.com:8080"),
            "http://example.com:8080"
        );
        assert_eq!(
            canonical("https://Bücher.example"),
            "https://xn--bcher-kva.example"
        );
        assert_eq!(
            canonical("http://[0:0:0:0:0:0:0:1]:3000"),
            "http://[::1]:3000"
        );
        assert_eq!(
            canonical("http://[2001:DB8:0:0:1:0:0:1]"),
            "http://[2001:db8::1:0:0:1]"
        );
        assert_eq!(canonical("http://127.1"), "http://127.0.0.1");
        assert_eq!(canonical("http://0x7f.0.0.1"), "http://127.0.0.1");
        assert_eq!(canonical("tauri://localhost"), "tauri://localhost");
    }

    #[test]
    fn ipv6_serializer_matches_url_standard() {
        assert_eq!(
            serialize_ipv6("::ffff:1.2.3.4".parse().unwrap()),
            "::ffff:102:304"
        );
        assert_eq!(
            serialize_ipv6("1:0:0:2:0:0:0:3".parse().unwrap()),
            "1:0:0:2::3"
        );
        assert_eq!(
            serialize_ipv6("1:0:2:3:4:5:6:7".parse().unwrap()),
            "1:0:2:3:4:5:6:7"
        );
        assert_eq!(serialize_ipv6("::".parse().unwrap()), "::");
    }

    /// The first "://" and two checks: what `is_well_formed` does faster.
    fn well_formed_by_search(origin: &[u8]) -> bool {
        if origin == b"null" {
            return true;
        }
        let Some(sep) = origin.windows(3).position(|w| w == b"://") else {
            return false;
        };
        let (scheme, authority) = (&origin[..sep], &origin[sep + 3..]);
        scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
            && !authority.is_empty()
            && authority
                .iter()
                .all(|&b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\'))
    }

    proptest::proptest! {
        #[test]
        fn well_formed_agrees_with_searching_for_the_separator(
            origin in proptest::collection::vec(
                proptest::prop_oneof![
                    3 => proptest::sample::select(b"ahtps:/.-+1[]@?#\\ ".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                0..40,
            ),
        ) {
            proptest::prop_assert_eq!(is_well_formed(&origin), well_formed_by_search(&origin));
        }

        /// Subdomain patterns match the same hosts whether a scheme has few
        /// suffixes (compared one by one) or many (hashed per label count).
        #[test]
        fn subdomain_suffixes_match_alike_few_or_many(
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
            let specs: Vec<OriginSpec> = suffixes
                .iter()
                .filter_map(|suffix| parse_configured(&format!("https://*.{suffix}")).ok())
                .collect();
            proptest::prop_assume!(specs.len() == suffixes.len());
            let matcher = OriginMatcher::new(specs, Vec::new());
            let host = host.join(".");
            let expected = suffixes.iter().any(|suffix| host.ends_with(&format!(".{suffix}")));
            proptest::prop_assert_eq!(
                matcher.matches_pattern(format!("https://{host}").as_bytes()),
                expected,
                "{} against {:?}", host, suffixes
            );
            let over_http = format!("http://{}", host);
            proptest::prop_assert!(!matcher.matches_pattern(over_http.as_bytes()));
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

    #[test]
    fn well_formed_request_origins() {
        assert!(is_well_formed(b"https://a.example"));
        assert!(is_well_formed(b"null"));
        assert!(is_well_formed(b"http://[::1]:80"));
        assert!(!is_well_formed(b"https://a.example/"));
        assert!(!is_well_formed(b"a.example"));
        assert!(!is_well_formed(b"https://"));
        assert!(!is_well_formed(b"https://a b"));
        assert!(!is_well_formed(b"https://u@a"));
    }
}
