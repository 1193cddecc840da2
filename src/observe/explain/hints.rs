//! Hints for a refusal: the configured value nearest to what was refused,
//! and the change that would allow it.

use std::fmt;

use http::Method;

use crate::origin_match::{split_host_port, ConfiguredOrigin, OriginMatcher, PortRule};
use crate::request::Malformed;

/// What would turn a refusal into an answer, with the configured value
/// nearest to what was refused. Part of an [`Explanation`](crate::Explanation).
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Hint};
///
/// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
/// let (parts, ()) = Request::get("/")
///     .header(header::ORIGIN, "http://app.example.com")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let explanation = cors.policy().explain(&parts);
/// assert_eq!(
///     explanation.hints(),
///     [Hint::OriginScheme { configured: "https://app.example.com".into() }]
/// );
/// assert_eq!(explanation.hints()[0].nearest(), Some("https://app.example.com"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The origin differs from a configured one only by scheme (`http` vs `https`).
    OriginScheme {
        /// The configured origin or pattern.
        configured: String,
    },
    /// The origin differs from a configured one only by port.
    OriginPort {
        /// The configured origin or pattern.
        configured: String,
    },
    /// The origin differs from a configured one only by a leading `www.` label.
    OriginWww {
        /// The configured origin.
        configured: String,
    },
    /// The origin is the apex of a subdomain pattern, which never matches it.
    OriginApex {
        /// The configured pattern.
        pattern: String,
    },
    /// The origin matches a configured one once lowercased: browsers send
    /// lowercase origins, so this client is not a browser or rewrote it.
    OriginCase {
        /// The configured origin or pattern.
        configured: String,
    },
    /// The origin is not near any configured one.
    OriginNotListed {
        /// The configured origins and patterns (at most ten).
        configured: Vec<String>,
    },
    /// `null` (sandboxed iframes, `file:` pages, some redirects), which
    /// listed origins and patterns never match.
    NullOrigin,
    /// The method is allowed but written in another case; browsers
    /// upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT.
    MethodCase {
        /// The configured method.
        configured: String,
    },
    /// The method is not listed.
    MethodNotListed {
        /// The method asked for, as sent.
        method: String,
        /// The methods a preflight may ask for.
        allowed: Vec<String>,
    },
    /// A request header is not listed.
    HeaderNotListed {
        /// The header asked for, as sent.
        header: String,
        /// The request headers a preflight may ask for.
        allowed: Vec<String>,
    },
    /// A standard method in another case than browsers send it: they
    /// upper-case DELETE, GET, HEAD, OPTIONS, POST and PUT, so the preflight
    /// did not come from a browser (and `build()` refuses the lowercase
    /// spelling).
    MethodNotNormalized {
        /// The method asked for, as sent.
        method: String,
        /// What browsers send for it, which `allow_methods` takes.
        normalized: String,
    },
    /// The origin is the origin lookup's to decide: it is not in the store
    /// (`cached: Some(false)`), or not asked yet (`cached: None`).
    OriginLookup {
        /// The lookup's cached answer, if any.
        cached: Option<bool>,
    },
    /// With credentials browsers read `*` literally, so a method or header
    /// named `*` is never allowed.
    LiteralStar,
    /// A CORS header is malformed: browsers never send this.
    Malformed(Malformed),
    /// [`guard_cross_origin_writes`](crate::CorsBuilder::guard_cross_origin_writes)
    /// refused a state-changing request from this origin (as sent; `null`,
    /// or empty when there is none).
    CrossOriginWrite {
        /// The request's `Origin`.
        origin: String,
    },
}

impl Hint {
    /// The configured value nearest to what was refused, if there is one.
    pub fn nearest(&self) -> Option<&str> {
        match self {
            Hint::OriginScheme { configured }
            | Hint::OriginPort { configured }
            | Hint::OriginWww { configured }
            | Hint::OriginCase { configured }
            | Hint::MethodCase { configured } => Some(configured),
            Hint::OriginApex { pattern } => Some(pattern),
            _ => None,
        }
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::OriginScheme { configured } => write!(
                f,
                "only the scheme differs from the configured {configured:?}: http and https \
                 are different origins; load the page from {configured:?}, or add this origin \
                 to allow_origins"
            ),
            Hint::OriginPort { configured } => write!(
                f,
                "only the port differs from the configured {configured:?}: add this origin to \
                 allow_origins, or a port pattern such as \"http://localhost:*\" for a \
                 development server"
            ),
            Hint::OriginWww { configured } => write!(
                f,
                "only a \"www.\" label differs from the configured {configured:?}: they are \
                 different origins; add this one to allow_origins too"
            ),
            Hint::OriginApex { pattern } => write!(
                f,
                "{pattern:?} matches subdomains only, never the domain itself: add the apex \
                 origin to allow_origins too"
            ),
            Hint::OriginCase { configured } => write!(
                f,
                "matches the configured {configured:?} once lowercased: browsers send origins \
                 in lowercase, so the client sending this one is not a browser; send it in \
                 lowercase"
            ),
            Hint::OriginNotListed { configured } => write!(
                f,
                "add this origin to allow_origins (configured: {})",
                list(configured)
            ),
            Hint::NullOrigin => f.write_str(
                "\"null\" is sent by sandboxed iframes, file: pages and some redirects, and \
                 any page can make it: listed origins and patterns never match it; allow it \
                 only through allow_origin_predicate, knowing that",
            ),
            Hint::MethodCase { configured } => write!(
                f,
                "the configured method is {configured:?}: methods are case-sensitive and \
                 browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT; send \
                 {configured:?} from the page, or add this spelling to allow_methods"
            ),
            Hint::MethodNotListed { method, allowed } => write!(
                f,
                "add {method:?} to allow_methods (allowed: {})",
                list(allowed)
            ),
            Hint::HeaderNotListed { header, allowed } => write!(
                f,
                "add {header:?} to allow_headers (allowed: {})",
                list(allowed)
            ),
            Hint::MethodNotNormalized { method, normalized } => write!(
                f,
                "browsers send {normalized:?}, never {method:?}: this preflight did not come \
                 from a browser; to allow the method from pages, add {normalized:?} to \
                 allow_methods"
            ),
            Hint::OriginLookup { cached: Some(_) } => f.write_str(
                "the origin lookup refused this origin: add it to the store the lookup reads, \
                 then call invalidate_origin with it (or wait out origin_lookup_refused_ttl)",
            ),
            Hint::OriginLookup { cached: None } => f.write_str(
                "nothing is cached for this origin yet: it is allowed once the store the \
                 origin lookup reads has it",
            ),
            Hint::LiteralStar => f.write_str(
                "with credentials browsers read \"*\" literally: a method or header named \"*\" \
                 is never allowed",
            ),
            Hint::Malformed(problem) => write!(
                f,
                "{problem}: browsers never send this; look at the client or proxy that made \
                 the request"
            ),
            Hint::CrossOriginWrite { origin } if origin.is_empty() || origin == "null" => {
                write!(
                    f,
                    "a cross-origin write with {} is refused: no origin rule can allow it; \
                     send it from an allowed page (https, default referrer policy, not \
                     sandboxed), or leave the guard off where any site may write (a webhook)",
                    match origin.is_empty() {
                        true => "no Origin".to_owned(),
                        false => "Origin \"null\"".to_owned(),
                    }
                )
            }
            Hint::CrossOriginWrite { origin } => write!(
                f,
                "a cross-origin write from {origin:?} is refused: the origin is not allowed; \
                 add it to allow_origins or an origin rule if its pages may write here, or \
                 leave the guard off where any site may write (a webhook); behind a proxy \
                 that rewrites Host, list your own public origin"
            ),
        }
    }
}

/// `a, b, c`, or `none`.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items.join(", ")
}

/// A refused origin's parts, lowercased, an http(s) default port dropped.
struct Requested {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Requested {
    /// Splits `scheme://host[:port]` (the shape `classify` checked) as the
    /// matcher splits request origins; `None` if the port is not a number
    /// or stray text follows an IPv6 address.
    fn parse(origin: &str) -> Option<Requested> {
        let origin = origin.to_ascii_lowercase();
        let (scheme, rest) = origin.split_once("://")?;
        let (host, port) = split_host_port(rest)?;
        let port = match port {
            Some(port) => Some(port.parse::<u16>().ok()?),
            None => None,
        };
        Some(Requested {
            port: port.filter(|&p| Some(p) != default_port(scheme)),
            scheme: scheme.to_owned(),
            host: host.to_owned(),
        })
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Whether `host` is the configured host, or for a subdomain pattern a
/// subdomain of its suffix.
fn host_matches(configured: &ConfiguredOrigin, host: &str) -> bool {
    let own = configured.host();
    if configured.subdomains() {
        host.len() > own.len() + 1
            && host.ends_with(own)
            && host.as_bytes()[host.len() - own.len() - 1] == b'.'
    } else {
        host == own
    }
}

fn port_matches(rule: PortRule, port: Option<u16>) -> bool {
    match rule {
        PortRule::Any => true,
        PortRule::Default => port.is_none(),
        PortRule::Exact(p) => port == Some(p),
    }
}

/// What brings a refused origin near a configured one. Every configured
/// origin is compared; each kind of hint is given once per configured value.
pub(crate) fn origin_hints(matcher: &OriginMatcher, origin: &str) -> Vec<Hint> {
    if origin == "null" {
        return vec![Hint::NullOrigin];
    }
    let configured = matcher.configured();
    let mut hints = Vec::new();
    if let Some(r) = Requested::parse(origin) {
        let lowered = origin.to_ascii_lowercase() != origin;
        for c in configured {
            let same_scheme = r.scheme == c.scheme();
            let host = host_matches(c, &r.host);
            let port = port_matches(c.port(), r.port);
            let configured = c.text().to_owned();
            let hint = if lowered && same_scheme && host && port {
                Hint::OriginCase { configured }
            } else if !same_scheme && host && port && is_http(&r.scheme) {
                Hint::OriginScheme { configured }
            } else if same_scheme && host && !port {
                Hint::OriginPort { configured }
            } else if same_scheme && port && c.subdomains() && r.host == c.host() {
                Hint::OriginApex {
                    pattern: configured,
                }
            } else if same_scheme && port && !c.subdomains() && differ_by_www(&r.host, c.host()) {
                Hint::OriginWww { configured }
            } else {
                continue;
            };
            if !hints.contains(&hint) {
                hints.push(hint);
            }
        }
    }
    if hints.is_empty() && !configured.is_empty() {
        hints.push(Hint::OriginNotListed {
            configured: configured
                .iter()
                .take(10)
                .map(|c| c.text().to_owned())
                .collect(),
        });
    }
    hints
}

fn is_http(scheme: &str) -> bool {
    scheme == "http" || scheme == "https"
}

fn differ_by_www(a: &str, b: &str) -> bool {
    a.strip_prefix("www.") == Some(b) || b.strip_prefix("www.") == Some(a)
}

/// What brings a refused method near a configured one.
pub(crate) fn method_hints(list: Option<&[Method]>, method: &str) -> Vec<Hint> {
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    if let Some(normalized) = NORMALIZED
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method) && **m != method)
    {
        return vec![Hint::MethodNotNormalized {
            method: method.to_owned(),
            normalized: (*normalized).to_owned(),
        }];
    }
    let Some(list) = list else {
        // Any method refuses only `*`, under credentials.
        return vec![Hint::LiteralStar];
    };
    if let Some(m) = list
        .iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(method))
    {
        return vec![Hint::MethodCase {
            configured: m.as_str().to_owned(),
        }];
    }
    let mut allowed: Vec<String> = ["GET", "HEAD", "POST"].map(String::from).to_vec();
    for m in list {
        if !allowed.iter().any(|a| a == m.as_str()) {
            allowed.push(m.as_str().to_owned());
        }
    }
    vec![Hint::MethodNotListed {
        method: method.to_owned(),
        allowed,
    }]
}

/// What would allow a refused request header.
pub(crate) fn header_hint(list: Option<&[http::HeaderName]>, header: &str) -> Hint {
    match list {
        None => Hint::LiteralStar,
        Some(allowed) => Hint::HeaderNotListed {
            header: header.to_owned(),
            allowed: allowed
                .iter()
                .map(|name| name.as_str().to_owned())
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_with_default_ports_dropped_and_ipv6_kept_whole() {
        let parts = |origin| Requested::parse(origin).map(|r| (r.scheme, r.host, r.port));
        let owned = |scheme: &str, host: &str, port| Some((scheme.into(), host.into(), port));
        assert_eq!(
            parts("HTTPS://App.Example:443"),
            owned("https", "app.example", None)
        );
        assert_eq!(
            parts("http://[::1]:8080"),
            owned("http", "[::1]", Some(8080))
        );
        assert_eq!(parts("http://[::1]"), owned("http", "[::1]", None));
        assert_eq!(parts("ws://a:80"), owned("ws", "a", Some(80)));
        assert!(parts("http://a:port").is_none());
        assert!(parts("http://[::1]x").is_none());
        assert!(parts("null").is_none());
    }
}
