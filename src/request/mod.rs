//! Classifying a request head by the Fetch standard: not CORS, an actual CORS
//! request, or a preflight; and the shape check of a request's `Origin`.

use std::fmt;

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Request, Uri};

mod rejection;
mod requested_headers;
pub(crate) mod websocket;

pub use rejection::{Rejected, Rejection};
use requested_headers::Lines;
pub(crate) use requested_headers::{is_token, RequestedHeaders, REQUEST_PRIVATE_NETWORK};
pub use requested_headers::{MAX_REQUEST_HEADERS_BYTES, MAX_REQUEST_HEADERS_ITEMS};

/// Whether a CORS request is an actual request or a preflight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A request with `Origin` that the inner service answers.
    Actual,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`, answered by the layer.
    Preflight,
    /// A WebSocket handshake whose `Origin` the policy refused, under
    /// [`guard_websockets`](crate::CorsBuilder::guard_websockets): answered
    /// by the layer with 403. Only refusals carry this kind; an allowed
    /// handshake is an ordinary [`Decision::Actual`](crate::Decision::Actual).
    WebSocket,
    /// A state-changing request (any method but GET, HEAD, OPTIONS) that a
    /// browser sent from an origin the policy does not allow, refused under
    /// [`guard_cross_origin_writes`](crate::CorsBuilder::guard_cross_origin_writes):
    /// answered by the layer with 403. Only refusals carry this kind.
    CrossOriginWrite,
}

impl RequestKind {
    /// The words logs and reports use for the kind, e.g. `CORS preflight`.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            RequestKind::Actual => "CORS request",
            RequestKind::Preflight => "CORS preflight",
            RequestKind::WebSocket => "WebSocket handshake",
            RequestKind::CrossOriginWrite => "cross-origin write",
        }
    }

    /// Whether the layer itself answers a refused request of this kind
    /// (403, inner service not called) rather than forwarding it without
    /// CORS headers.
    #[inline]
    pub(crate) fn is_answered_when_refused(self) -> bool {
        !matches!(self, RequestKind::Actual)
    }
}

/// What is malformed in a CORS request. Browsers never send these; they come
/// from broken or hostile clients and are rejected, never answered with CORS
/// headers.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Decision, Malformed, Rejection, RequestKind};
///
/// let cors = CorsLayer::builder().allow_origins(["https://a.example"]).build().unwrap();
/// let (parts, ()) = Request::get("/")
///     .header(header::ORIGIN, "https://a.example/path")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
/// assert_eq!(rejected.kind(), RequestKind::Actual);
/// assert_eq!(rejected.reason(), Rejection::Malformed(Malformed::Origin));
/// assert_eq!(Malformed::Origin.to_string(), "the Origin header is not a serialized origin");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Malformed {
    /// `Origin` is not `null` nor `scheme://host[:port]` in visible ASCII.
    Origin,
    /// More than one `Origin` header.
    MultipleOrigins,
    /// `Access-Control-Request-Method` is not one method token.
    RequestMethod,
    /// An item of `Access-Control-Request-Headers` is not a header name.
    RequestHeaderName,
    /// `Access-Control-Request-Headers` is longer than [`MAX_REQUEST_HEADERS_BYTES`].
    RequestHeadersTooLong,
    /// `Access-Control-Request-Headers` names more than [`MAX_REQUEST_HEADERS_ITEMS`] headers.
    TooManyRequestHeaders,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::Origin => "the Origin header is not a serialized origin",
            Malformed::MultipleOrigins => "the request has more than one Origin header",
            Malformed::RequestMethod => "Access-Control-Request-Method is not a method token",
            Malformed::RequestHeaderName => {
                "Access-Control-Request-Headers has an item that is not a header name"
            }
            Malformed::RequestHeadersTooLong => {
                "Access-Control-Request-Headers is longer than 4096 bytes"
            }
            Malformed::TooManyRequestHeaders => {
                "Access-Control-Request-Headers names more than 64 headers"
            }
        })
    }
}

/// A request's `Origin`, checked by `CorsRequest::classify` to have the
/// shape of a serialized origin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// Its shape is checked only when no configured origin equals it:
    /// configured origins are well formed.
    value: &'a HeaderValue,
}

impl<'a> Origin<'a> {
    /// The origin as sent, e.g. `https://app.example.com` or `null`.
    pub(crate) fn as_str(&self) -> &'a str {
        // Well-formed origins are visible ASCII, so this never fails; done on
        // demand, as exact matching needs only the bytes.
        std::str::from_utf8(self.value.as_bytes()).unwrap_or_default()
    }

    /// The header value itself.
    pub(crate) fn header_value(&self) -> &'a HeaderValue {
        self.value
    }

    /// Whether this is the opaque origin `null` (sandboxed iframes, `file:`
    /// pages, some redirects).
    pub(crate) fn is_null(&self) -> bool {
        self.value.as_bytes() == b"null"
    }

    /// Whether the origin has the shape of a serialized origin.
    pub(crate) fn is_well_formed(&self) -> bool {
        is_well_formed(self.value.as_bytes())
    }

    /// An `Origin` value kept from a request, its shape not yet checked.
    pub(crate) fn new(value: &'a HeaderValue) -> Self {
        Origin { value }
    }
}

/// The head of a request being decided, by reference. `parts` is `None`
/// only when no predicate needs the head as [`Parts`] (splitting a request
/// and rebuilding it copies it twice).
#[derive(Clone, Copy)]
pub(crate) struct Head<'a> {
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) parts: Option<&'a Parts>,
}

impl<'a> Head<'a> {
    /// The head of a request that is not split.
    #[inline]
    pub(crate) fn of<B>(request: &'a Request<B>) -> Self {
        Head {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            parts: None,
        }
    }

    /// The head of a split request.
    #[inline]
    pub(crate) fn of_parts(parts: &'a Parts) -> Self {
        Head {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            parts: Some(parts),
        }
    }
}

/// A preflight request: what the browser asks permission for.
#[derive(Debug, Clone)]
pub(crate) struct Preflight<'a> {
    origin: Origin<'a>,
    method: &'a HeaderValue,
    headers: RequestedHeaders<'a>,
}

impl<'a> Preflight<'a> {
    /// The requesting origin.
    pub(crate) fn origin(&self) -> Origin<'a> {
        self.origin
    }

    /// `Access-Control-Request-Method`, a validated method token, as sent
    /// (case-sensitive: browsers upper-case only DELETE, GET, HEAD, OPTIONS,
    /// POST and PUT).
    pub(crate) fn method(&self) -> &'a str {
        // Validated as a token, which is visible ASCII.
        self.method.to_str().unwrap_or_default()
    }

    /// `Access-Control-Request-Method` as a header value.
    pub(crate) fn method_value(&self) -> &'a HeaderValue {
        self.method
    }

    /// The requested names, borrowed: no copy of the iterator's state.
    pub(crate) fn requested(&self) -> &RequestedHeaders<'a> {
        &self.headers
    }

    /// Whether the preflight carries `Access-Control-Request-Private-Network: true`.
    pub(crate) fn requests_private_network(&self) -> bool {
        // Looked up on demand: only policies allowing private network access ask.
        self.headers
            .map
            .get(REQUEST_PRIVATE_NETWORK)
            .is_some_and(|v| v.as_bytes() == b"true")
    }
}

/// A request head classified by the Fetch standard.
#[derive(Debug, Clone)]
pub(crate) enum CorsRequest<'a> {
    /// No `Origin` header: not a CORS request.
    NotCors,
    /// A request with `Origin` for the inner service (including `OPTIONS`
    /// without `Access-Control-Request-Method`).
    Actual(Origin<'a>),
    /// `OPTIONS` + `Origin` + `Access-Control-Request-Method`.
    Preflight(Preflight<'a>),
}

impl<'a> CorsRequest<'a> {
    /// Classifies a request head and validates its CORS headers. Does not
    /// allocate; work is bounded by [`MAX_REQUEST_HEADERS_BYTES`]. The
    /// origin's shape is left for the policy to check when it needs to: an
    /// origin equal to a configured one is well formed, and most requests
    /// come from those. A malformed CORS request is a [`Rejected`] one with
    /// a [`Malformed`] reason: its kind decides whether the layer answers it
    /// (a preflight: 403) or forwards it (no CORS headers).
    // Forced inline: see BENCHMARKS.md, "Forced inlines".
    #[inline(always)]
    pub(crate) fn classify(method: &Method, headers: &'a HeaderMap) -> Result<Self, Rejected<'a>> {
        // Only OPTIONS requests can be preflights and need three headers:
        // one pass over the names finds them all. Others need only `Origin`,
        // found by one lookup. This runs on every request.
        let found = if method == Method::OPTIONS {
            CorsHeaders::scan(headers)
        } else {
            CorsHeaders {
                origin: Lines::of(headers.get_all(ORIGIN)),
                ..CorsHeaders::default()
            }
        };
        let Some(origin) = found.origin.first else {
            return Ok(CorsRequest::NotCors);
        };
        let kind = match found.method.first {
            Some(_) => RequestKind::Preflight,
            None => RequestKind::Actual,
        };
        let origin = Origin::new(origin);
        if found.origin.more {
            return Err(Rejected::malformed(
                kind,
                origin,
                Malformed::MultipleOrigins,
            ));
        }
        // A preflight malformed in several ways is rejected for its origin
        // first, as if the origin had been checked first.
        let invalid = |problem| {
            let problem = match origin.is_well_formed() {
                true => problem,
                false => Malformed::Origin,
            };
            Rejected::malformed(kind, origin, problem)
        };
        let Some(method) = found.method.first else {
            return Ok(CorsRequest::Actual(origin));
        };

        if found.method.more || !is_token(method.as_bytes()) {
            return Err(invalid(Malformed::RequestMethod));
        }
        let requested = RequestedHeaders::parse(headers, found.requested).map_err(invalid)?;
        Ok(CorsRequest::Preflight(Preflight {
            origin,
            method,
            headers: requested,
        }))
    }
}

/// The CORS request headers of a request.
#[derive(Debug, Default)]
struct CorsHeaders<'a> {
    origin: Lines<'a>,
    method: Lines<'a>,
    requested: Lines<'a>,
}

impl<'a> CorsHeaders<'a> {
    /// One pass over every header line: for the three headers of a
    /// preflight, cheaper than hashing each name for a lookup.
    fn scan(headers: &'a HeaderMap) -> Self {
        let mut found = CorsHeaders::default();
        for (name, value) in headers {
            if name == ORIGIN {
                found.origin.push(value);
            } else if name == ACCESS_CONTROL_REQUEST_METHOD {
                found.method.push(value);
            } else if name == ACCESS_CONTROL_REQUEST_HEADERS {
                found.requested.push(value);
            }
        }
        found
    }
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
    scheme_ok && !authority.is_empty() && run_end(&AUTHORITY, authority, 0) == authority.len()
}

/// Where the run of bytes in `table` starting at `start` ends (the index of
/// the first byte not in it, or the length). Eight bytes at a time while all
/// eight are in it, tested together with one branch, then byte by byte:
/// origins and header names are such runs, and this runs on every request.
pub(crate) fn run_end(table: &[bool; 256], bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let all_in = chunk
            .iter()
            .fold(true, |all, &b| all & table[usize::from(b)]);
        if !all_in {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && table[usize::from(bytes[i])] {
        i += 1;
    }
    i
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
