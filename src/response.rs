//! Everything the layer writes into responses: the headers of an allowed
//! actual response, the answers to preflights (from a template computed once
//! per policy), what a rejected request's response loses, and `Vary`.
//!
//! It knows header values, not policies: the policy says what to write
//! ([`Reply`], [`PreflightFill`]) and this module writes it.

use bytes::{BufMut, Bytes, BytesMut};
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::headers::{
    ALLOW_PRIVATE_NETWORK, STAR, STAR_AND_AUTHORIZATION, TRUE, VARY_ORIGIN, VARY_PREFLIGHT,
    VARY_PREFLIGHT_PRIVATE_NETWORK,
};
use crate::request::RequestedHeaders;

/// What `Access-Control-Expose-Headers` says on allowed actual responses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expose {
    None,
    /// A precomputed list, or `*` for "any" without credentials.
    Value(HeaderValue),
    /// "Any" with credentials: name the response's own headers.
    ResponseHeaders,
}

/// What the layer does with a request once [`Policy::decide`] has spoken:
/// the one value that carries a decision to the response future. It owns
/// what it needs, so the request can move on to the inner service.
///
/// [`Policy::decide`]: crate::Policy::decide
#[derive(Debug)]
pub(crate) enum Reply<B> {
    /// Answer without calling the inner service (an allowed preflight).
    Answer(Response<B>),
    /// Answer a rejected preflight or a refused WebSocket handshake: 403,
    /// no CORS headers. Built from the request's own header map, so it
    /// allocates nothing.
    RejectPreflight,
    /// Call the inner service; merge `Vary: Origin` into its response.
    Vary,
    /// Call the inner service; write the CORS headers of an allowed request
    /// with this `Access-Control-Allow-Origin`.
    Allow(HeaderValue, ActualHeaders),
    /// Call the inner service; strip the CORS headers it set, and merge
    /// `Vary: Origin` if `vary`.
    Strip { vary: bool },
}

impl<B> Reply<B> {
    /// Finishes the inner service's response. Does nothing for the replies
    /// that do not call it.
    pub(crate) fn finish(self, headers: &mut HeaderMap) {
        match self {
            Reply::Answer(_) | Reply::RejectPreflight => {}
            Reply::Vary => {
                let present = Existing::vary_in(headers);
                merge_vary(headers, VARY_ORIGIN, present);
            }
            Reply::Allow(origin, actual) => actual.apply(origin, headers),
            Reply::Strip { vary } => strip(headers, vary),
        }
    }
}

/// The headers of an allowed actual response besides
/// `Access-Control-Allow-Origin`, copied out of the policy so that the
/// response future needs no reference to it.
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    pub(crate) credentials: bool,
    pub(crate) expose: Expose,
    pub(crate) vary: bool,
}

impl ActualHeaders {
    /// Writes the CORS headers of an allowed actual response, replacing the
    /// ones the inner service set.
    pub(crate) fn apply(self, allow_origin: HeaderValue, headers: &mut HeaderMap) {
        // Looked for once, before adding ours: removing what is not there
        // costs a hash probe each, and inner services rarely set CORS headers.
        let existing = Existing::in_headers(headers);
        // Named in the response's own order, before removals reorder it.
        let expose = match self.expose {
            Expose::None => None,
            Expose::Value(value) => Some(value),
            Expose::ResponseHeaders => exposable_names(headers),
        };
        if existing.cors {
            remove_cors_headers(headers);
        }
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        if let Some(value) = expose {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
        }
        if self.vary {
            merge_vary(headers, VARY_ORIGIN, existing.vary);
        }
    }
}

/// The answer to a rejected preflight: 403, no CORS headers, empty body, with
/// `headers` emptied first (given the request's map, it allocates nothing).
/// A non-2xx status fails the preflight in every browser and shows up
/// plainly in logs and developer tools.
pub(crate) fn rejected_preflight<B: Default>(mut headers: HeaderMap) -> Response<B> {
    headers.clear();
    headers.insert(header::VARY, VARY_PREFLIGHT);
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::FORBIDDEN;
    *response.headers_mut() = headers;
    response
}

/// Strips CORS headers the inner service set on a rejected request's
/// response, and merges `Vary: Origin` if the policy depends on the origin.
pub(crate) fn strip(headers: &mut HeaderMap, vary: bool) {
    let existing = Existing::in_headers(headers);
    if existing.cors {
        remove_cors_headers(headers);
    }
    if vary {
        merge_vary(headers, VARY_ORIGIN, existing.vary);
    }
}

/// The answer every allowed preflight of a policy starts from: its status
/// and headers in the order they are sent, with a placeholder where the
/// value depends on the request (see [`PreflightFill`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreflightTemplate {
    status: StatusCode,
    headers: HeaderMap,
}

/// The values of a policy a preflight answer is made of.
pub(crate) struct PreflightSettings {
    pub(crate) status: StatusCode,
    pub(crate) credentials: bool,
    /// `Access-Control-Allow-Methods`.
    pub(crate) methods: HeaderValue,
    /// `Access-Control-Allow-Headers`; `None` leaves it out.
    pub(crate) headers: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
}

/// What an allowed preflight's answer changes in the template.
pub(crate) struct PreflightFill<'a> {
    /// `Access-Control-Allow-Origin` when it is not `*`.
    pub(crate) origin: Option<&'a HeaderValue>,
    /// `Access-Control-Allow-Methods` echoing the requested method.
    pub(crate) method: Option<&'a HeaderValue>,
    /// What becomes of `Access-Control-Allow-Headers`.
    pub(crate) headers: HeadersFill<'a>,
    /// Add `Access-Control-Allow-Private-Network: true`.
    pub(crate) private_network: bool,
}

/// What an allowed preflight's answer says in `Access-Control-Allow-Headers`.
pub(crate) enum HeadersFill<'a> {
    /// The template's value.
    Template,
    /// The requested names, echoed (removed when none were requested).
    Echo(&'a RequestedHeaders<'a>),
    /// `*, authorization`: `*` does not cover `authorization`.
    StarAndAuthorization,
}

impl PreflightFill<'_> {
    /// Whether two fills of one request complete equal templates into equal
    /// answers. Echoed headers come from the same request, so they are
    /// alike whenever both echo.
    pub(crate) fn same_as(&self, other: &PreflightFill<'_>) -> bool {
        let headers = matches!(
            (&self.headers, &other.headers),
            (HeadersFill::Template, HeadersFill::Template)
                | (HeadersFill::Echo(_), HeadersFill::Echo(_))
                | (
                    HeadersFill::StarAndAuthorization,
                    HeadersFill::StarAndAuthorization
                )
        );
        headers
            && self.origin == other.origin
            && self.method == other.method
            && self.private_network == other.private_network
    }
}

impl PreflightTemplate {
    /// Placeholders: `*` for the origin (replaced unless the answer is `*`),
    /// the method (echoed under credentials) and the header list (echoed
    /// under credentials, or removed when nothing was requested).
    pub(crate) fn new(settings: PreflightSettings) -> PreflightTemplate {
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR);
        if settings.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, settings.methods);
        if let Some(value) = settings.headers {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        if let Some(max_age) = settings.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age);
        }
        let vary = if settings.private_network {
            VARY_PREFLIGHT_PRIVATE_NETWORK
        } else {
            VARY_PREFLIGHT
        };
        headers.insert(header::VARY, vary);
        PreflightTemplate {
            status: settings.status,
            headers,
        }
    }

    /// The status of allowed preflight answers.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The complete answer: the status, the headers, an empty body.
    pub(crate) fn answer<B: Default>(&self, fill: PreflightFill<'_>) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers(fill);
        response
    }

    /// The answer's headers: a clone of the template, completed with what
    /// depends on the request. Replacing a value keeps the cloned map's
    /// size, so only a Private Network Access answer can make it grow.
    pub(crate) fn headers(&self, fill: PreflightFill<'_>) -> HeaderMap {
        let mut headers = self.headers.clone();
        if let Some(origin) = fill.origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
        if let Some(method) = fill.method {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
        }
        match fill.headers {
            HeadersFill::Template => {}
            HeadersFill::Echo(requested) => {
                match echo_list(requested) {
                    Some(echo) => headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, echo),
                    None => headers.remove(header::ACCESS_CONTROL_ALLOW_HEADERS),
                };
            }
            HeadersFill::StarAndAuthorization => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, STAR_AND_AUTHORIZATION);
            }
        }
        if fill.private_network {
            headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
        headers
    }
}

/// `Access-Control-Request-Headers` echoed back as one value; `None` when
/// nothing was requested. Clones the request's value when it is one line.
fn echo_list(requested: &RequestedHeaders<'_>) -> Option<HeaderValue> {
    if requested.is_empty() {
        return None;
    }
    let mut lines = requested.lines();
    let first = lines.next()?;
    if lines.next().is_none() {
        return Some(first.clone());
    }
    crate::headers::join(requested.clone())
}

/// Every `Access-Control-*` response header the Fetch standard and Private
/// Network Access define: the layer alone decides them.
const CORS_RESPONSE_HEADERS: [HeaderName; 7] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    ALLOW_PRIVATE_NETWORK,
];

/// Removes the CORS headers an inner service set, so that the response
/// carries only the layer's answer (or none, when rejected).
fn remove_cors_headers(headers: &mut HeaderMap) {
    for name in CORS_RESPONSE_HEADERS {
        headers.remove(name);
    }
}

/// What an inner response already has of the headers the layer writes.
#[derive(Debug, Clone, Copy)]
struct Existing {
    /// A `Vary` header.
    vary: bool,
    /// Any `access-control-*` header.
    cors: bool,
}

impl Existing {
    /// One pass over the response's names: responses have few headers, so
    /// this costs less than the hash probes it saves in the usual case,
    /// where neither is there.
    fn in_headers(headers: &HeaderMap) -> Existing {
        let mut existing = Existing {
            vary: false,
            cors: false,
        };
        for name in headers.keys() {
            existing.vary |= name == header::VARY;
            existing.cors |= is_cors_name(name);
        }
        existing
    }

    /// Whether the response has a `Vary` header, when that is all there is
    /// to know.
    fn vary_in(headers: &HeaderMap) -> bool {
        headers.keys().any(|name| name == header::VARY)
    }
}

/// Whether `name` is `access-control-*`. The first byte rules out almost
/// every other name without a string comparison.
fn is_cors_name(name: &HeaderName) -> bool {
    let name = name.as_str();
    name.as_bytes().first() == Some(&b'a') && name.starts_with("access-control-")
}

/// Makes sure `Vary` lists `token` (lowercase), keeping every value the inner
/// service set, as a single header line. `present` says whether the
/// response has a `Vary` header already ([`Existing::vary`]). Allocates only
/// when the inner service set a `Vary` that lacks the token.
///
/// `token` is taken by value: callers pass a constant, which is written in
/// place, where cloning a borrowed value costs an indirect call.
fn merge_vary(headers: &mut HeaderMap, token: HeaderValue, present: bool) {
    if !present {
        headers.insert(header::VARY, token);
        return;
    }
    let mut len = token.len();
    for line in headers.get_all(header::VARY) {
        for item in line.as_bytes().split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item == b"*" || item.eq_ignore_ascii_case(token.as_bytes()) {
                return;
            }
        }
        len += line.len() + 2;
    }
    let mut joined = BytesMut::with_capacity(len);
    for line in headers.get_all(header::VARY) {
        let line = line.as_bytes().trim_ascii();
        if !line.is_empty() {
            joined.put_slice(line);
            joined.put_slice(b", ");
        }
    }
    joined.put_slice(token.as_bytes());
    match HeaderValue::from_maybe_shared(Bytes::from(joined)) {
        Ok(value) => {
            headers.insert(header::VARY, value);
        }
        // Joining valid values with ", " stays valid; keep both lines otherwise.
        Err(_) => {
            headers.append(header::VARY, token);
        }
    }
}

/// Response headers scripts may always read; never worth exposing.
const SAFELISTED_RESPONSE: [HeaderName; 7] = [
    header::CACHE_CONTROL,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::EXPIRES,
    header::LAST_MODIFIED,
    header::PRAGMA,
];

/// `Access-Control-Expose-Headers` naming every header of a response that
/// scripts cannot already read, for "expose any" under credentials, where
/// browsers take `*` literally. `None` when there is nothing to expose.
fn exposable_names(headers: &HeaderMap) -> Option<HeaderValue> {
    let mut out = BytesMut::new();
    for name in headers.keys() {
        let s = name.as_str();
        if SAFELISTED_RESPONSE.contains(name)
            || s.starts_with("access-control-")
            || s == "set-cookie"
            || s == "set-cookie2"
            // Read literally under credentials, but never worth the confusion.
            || s == "*"
        {
            continue;
        }
        if !out.is_empty() {
            out.put_slice(b", ");
        }
        out.put_slice(s.as_bytes());
    }
    if out.is_empty() {
        return None;
    }
    HeaderValue::from_maybe_shared(out.freeze()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&'static str]) -> Vec<String> {
        let mut h = HeaderMap::new();
        for v in existing {
            h.append(header::VARY, HeaderValue::from_static(v));
        }
        let present = Existing::in_headers(&h).vary;
        merge_vary(&mut h, VARY_ORIGIN, present);
        h.get_all(header::VARY)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn vary_merges_into_one_line_without_duplicates() {
        assert_eq!(vary_after(&[]), ["origin"]);
        assert_eq!(
            vary_after(&["Accept-Encoding"]),
            ["Accept-Encoding, origin"]
        );
        assert_eq!(
            vary_after(&["accept", "cookie"]),
            ["accept, cookie, origin"]
        );
        assert_eq!(vary_after(&["Origin"]), ["Origin"]);
        assert_eq!(vary_after(&["accept, ORIGIN"]), ["accept, ORIGIN"]);
        assert_eq!(vary_after(&["*"]), ["*"]);
    }
}
