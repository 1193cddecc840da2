//! The rule of [`guard_cross_origin_writes`]: whether a state-changing
//! request whose origin the policy does not allow still passes, in the order
//! of Go's `net/http.CrossOriginProtection`.
//!
//! Asked only where the guard is on and the origin rules did not allow the
//! request (or it has no `Origin`), so allowed requests never pay for it.
//!
//! [`guard_cross_origin_writes`]: crate::CorsBuilder::guard_cross_origin_writes

use http::header::HOST;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use crate::origin_match::split_request_host_port;

/// `Sec-Fetch-Site` (Fetch Metadata): where the browser says the request
/// comes from.
pub(crate) const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether `method` changes state: every method but GET, HEAD and OPTIONS
/// (a preflight is never a write).
#[inline]
pub(crate) fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the guard refuses a write whose `Origin` (`None`: absent) the
/// policy's origin rules do not allow:
///
/// 1. `Sec-Fetch-Site: same-origin` or `none` passes;
/// 2. any other `Sec-Fetch-Site` is refused (only an allowed origin passes);
/// 3. without `Sec-Fetch-Site`, no `Origin` passes (not a browser, or one
///    that sends neither header), an `Origin` naming the request's own host
///    and port passes ([`same_host`]), anything else is refused.
pub(crate) fn refuses(
    method: &Method,
    headers: &HeaderMap,
    uri: Option<&Uri>,
    origin: Option<&HeaderValue>,
) -> bool {
    if !is_write(method) {
        return false;
    }
    match headers.get(SEC_FETCH_SITE).map(HeaderValue::as_bytes) {
        Some(b"same-origin" | b"none") => false,
        Some(_) => true,
        None => match origin {
            None => false,
            Some(origin) => !same_host(origin.as_bytes(), own_authority(headers, uri)),
        },
    }
}

/// The `Sec-Fetch-Site` value as sent, for a refusal's reason (empty when
/// absent or not visible ASCII).
pub(crate) fn fetch_site(headers: &HeaderMap) -> &str {
    headers
        .get(SEC_FETCH_SITE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The request's own `host[:port]`: the `Host` header (HTTP/1.1), else the
/// URI's authority (HTTP/2's `:authority`, where there is no `Host`).
pub(crate) fn own_authority<'a>(headers: &'a HeaderMap, uri: Option<&'a Uri>) -> &'a [u8] {
    match headers.get(HOST) {
        Some(host) => host.as_bytes(),
        None => uri
            .and_then(Uri::authority)
            .map_or(&b""[..], |a| a.as_str().as_bytes()),
    }
}

/// Whether a serialized origin names the host and port of `authority` (a
/// `Host` value). The server does not know the scheme the client used (a
/// proxy may end TLS), so a port missing on either side is the origin's
/// scheme's default port: `https://api.example.com` equals
/// `api.example.com` and `api.example.com:443`. As in Go's
/// `CrossOriginProtection`, an `http` page posting to the same host over
/// `https` therefore passes; browsers that send `Sec-Fetch-Site` never
/// reach this check, and HSTS keeps the others on https. Hosts compare
/// ASCII case-insensitively, as DNS names do.
pub(crate) fn same_host(origin: &[u8], authority: &[u8]) -> bool {
    let Some(sep) = origin.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let (scheme, rest) = (&origin[..sep], &origin[sep + 3..]);
    let default = match scheme {
        b"https" => &b"443"[..],
        b"http" => b"80",
        _ => b"",
    };
    let (Some((a_host, a_port)), Some((b_host, b_port))) =
        (split_port(rest), split_port(authority))
    else {
        return false;
    };
    !a_host.is_empty()
        && a_host.eq_ignore_ascii_case(b_host)
        && a_port.unwrap_or(default) == b_port.unwrap_or(default)
}

/// `host[:port]` split into the host and the port, if any (`[v6]:port`
/// keeps its brackets; an empty port is the default one). `None` when the
/// port is not digits.
fn split_port(authority: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    match split_request_host_port(authority)? {
        (host, Some(b"")) => Some((host, None)),
        (host, Some(port)) => port
            .iter()
            .all(u8::is_ascii_digit)
            .then_some((host, Some(port))),
        (host, None) => Some((host, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_against_hosts_with_default_ports_filled_in() {
        for (origin, host, same) in [
            ("https://api.example.com", "api.example.com", true),
            ("https://api.example.com", "api.example.com:443", true),
            ("https://api.example.com", "API.Example.com", true),
            ("https://api.example.com:8443", "api.example.com:8443", true),
            ("http://api.example.com", "api.example.com:80", true),
            ("http://[::1]:8080", "[::1]:8080", true),
            ("http://[::1]", "[::1]", true),
            ("https://api.example.com", "api.example.com:80", false),
            ("https://api.example.com", "api.example.com:8443", false),
            ("https://api.example.com:8443", "api.example.com", false),
            ("https://evil.example", "api.example.com", false),
            ("https://api.example.com.evil", "api.example.com", false),
            ("http://[::1]:8080", "[::1]:8081", false),
            ("null", "null", false),
            ("https://", "", false),
            ("https://a:x", "a:x", false),
        ] {
            assert_eq!(
                same_host(origin.as_bytes(), host.as_bytes()),
                same,
                "{origin} vs {host}"
            );
        }
    }
}
