//! Configured origins, at build time: validation, the canonical form and the
//! fix a refusal suggests.
//!
//! The canonical form is what browsers put in the `Origin` header: lowercase
//! scheme and host, IDN labels in punycode, IP addresses in their shortest
//! standard notation, no default port, no path. Configured origins must already
//! be in that form, so a request origin matches by byte equality.

use std::net::Ipv6Addr;

use crate::error::{ConfigError, Location};
use crate::origin_match::{split_host_port, ConfiguredOrigin, Pattern, PortRule};
use crate::public_suffix::is_public_suffix;
use crate::punycode::to_ascii_label;

/// One configured origin after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginSpec {
    /// One exact origin, canonical, with its parts.
    Exact {
        canonical: ConfiguredOrigin,
        trustworthy: bool,
    },
    /// An HTTP(S) origin pattern.
    Pattern(Pattern),
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

/// Validates one configured origin or pattern, found at `location`.
pub(crate) fn parse_configured(input: &str, location: Location) -> Result<OriginSpec, ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidOrigin {
        origin: input.to_owned(),
        reason,
        location: location.clone(),
    };
    if input == "*" {
        return Err(ConfigError::WildcardOrigin { location });
    }
    if input.trim().eq_ignore_ascii_case("null") {
        return Err(ConfigError::NullOrigin { location });
    }
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());

    let colon = trimmed.find(':').ok_or_else(|| invalid("missing scheme"))?;
    let scheme = trimmed[..colon].to_ascii_lowercase();
    if scheme.contains('*') {
        return Err(ConfigError::MisplacedWildcard {
            origin: input.to_owned(),
            location: location.clone(),
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
            location: location.clone(),
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
                location: location.clone(),
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
            location: location.clone(),
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
                location: location.clone(),
            });
        }
        if is_public_suffix(&host) {
            return Err(ConfigError::WildcardOnPublicSuffix {
                origin: input.to_owned(),
                suffix: host,
                location,
            });
        }
    }

    let parsed = ConfiguredOrigin::new(&scheme, &host, subdomains, port);
    let canonical = || parsed.text().to_owned();

    let owned = || input.to_owned();
    if had_user_info {
        return Err(ConfigError::OriginWithUserInfo {
            origin: owned(),
            canonical: canonical(),
            location,
        });
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    if path_end > 1 {
        return Err(ConfigError::OriginWithPath {
            origin: owned(),
            canonical: canonical(),
            location,
        });
    }
    if path_end < rest.len() {
        return Err(ConfigError::OriginWithQueryOrFragment {
            origin: owned(),
            canonical: canonical(),
            location,
        });
    }
    if parsed.text() != input {
        return Err(ConfigError::NonCanonicalOrigin {
            origin: owned(),
            canonical: canonical(),
            location,
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
        canonical: parsed,
        trustworthy,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Words;

    fn at() -> Location {
        Location::new("allow_origins", Some(0), Words::Builder)
    }

    fn canonical(s: &str) -> String {
        match parse_configured(s, at()) {
            Ok(OriginSpec::Exact { canonical, .. }) => canonical.text().to_owned(),
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
    fn exact_origins_keep_their_parts() {
        let parts = |s: &str| match parse_configured(s, at()) {
            Ok(OriginSpec::Exact { canonical: o, .. }) => {
                (o.scheme().to_owned(), o.host().to_owned(), o.port())
            }
            other => panic!("{s}: {other:?}"),
        };
        let owned = |scheme: &str, host: &str, port| (scheme.to_owned(), host.to_owned(), port);
        assert_eq!(
            parts("https://app.example"),
            owned("https", "app.example", PortRule::Default)
        );
        assert_eq!(
            parts("http://[::1]:3000"),
            owned("http", "[::1]", PortRule::Exact(3000))
        );
        assert_eq!(
            parts("tauri://localhost"),
            owned("tauri", "localhost", PortRule::Default)
        );
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

    #[test]
    fn subdomain_wildcards_are_refused_on_every_listed_public_suffix() {
        for (origin, suffix) in [
            ("https://*.com", "com"),
            ("https://*.co.uk", "co.uk"),
            ("https://*.github.io", "github.io"),
            ("https://*.herokuapp.com", "herokuapp.com"),
            ("https://*.vercel.app", "vercel.app"),
        ] {
            assert_eq!(
                parse_configured(origin, at()),
                Err(ConfigError::WildcardOnPublicSuffix {
                    origin: origin.to_owned(),
                    suffix: suffix.to_owned(),
                    location: at(),
                })
            );
        }
        for origin in [
            "https://*.example.com",
            "https://*.example.co.uk",
            "https://*.user.github.io",
            "http://*.localhost",
        ] {
            assert!(
                matches!(parse_configured(origin, at()), Ok(OriginSpec::Pattern(_))),
                "{origin}"
            );
        }
    }
}
