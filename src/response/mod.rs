//! Write: the only code that writes CORS response headers and refusal
//! responses. It turns a [`Decision`] (static, or resolved by the origin
//! lookup) into a [`Reply`], and a reply into headers: the allowed actual
//! response's, the answers to preflights (from a template `build()` makes
//! once per policy), what a refused request's response loses, the 403 of a
//! refusal the layer answers itself, and `Vary`.

use bytes::{BufMut, Bytes, BytesMut};
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::headers::{
    ALLOW_PRIVATE_NETWORK, STAR, STAR_AND_AUTHORIZATION, TRUE, VARY_ORIGIN, VARY_PREFLIGHT,
    VARY_PREFLIGHT_PRIVATE_NETWORK,
};
use crate::policy::{
    ActualHeaders, AllowedPreflight, Decision, Expose, HeadersFill, MethodFill, Policy,
    PreflightFill, PreflightTemplate,
};
use crate::request::{CorsRequest, Rejected, RequestKind, RequestedHeaders};

/// What the layer does with a decided request: the one value that carries a
/// decision to the response future. It owns what it needs, so the request
/// can move on to the inner service.
#[derive(Debug)]
pub(crate) enum Reply<B> {
    /// Answer without calling the inner service (a preflight).
    Answer(Response<B>),
    /// Refuse without calling the inner service: 403, no CORS headers (see
    /// [`refusal`]).
    Refuse,
    /// Call the inner service; merge `Vary: Origin` into its response.
    Vary,
    /// Call the inner service; write the CORS headers of an allowed request
    /// with this `Access-Control-Allow-Origin`.
    Allow(HeaderValue, ActualHeaders),
    /// Call the inner service; strip the CORS headers it set, and merge
    /// `Vary: Origin`.
    Strip,
}

/// What `decision` makes of the response. `request` is the request's header
/// map (a refused preflight's answer reads it again).
// Forced inline: see BENCHMARKS.md, "Forced inlines".
#[inline(always)]
pub(crate) fn reply<B: Default>(
    policy: &Policy,
    decision: Decision<'_>,
    request: &HeaderMap,
) -> Reply<B> {
    match decision {
        Decision::NotCors if policy.vary => Reply::Vary,
        // Any origin: `*` on every response, so that a cached one also
        // serves a later `fetch()` (Fetch, "CORS protocol and HTTP caches").
        Decision::NotCors => Reply::Allow(STAR, policy.actual_headers()),
        Decision::Actual(allowed) => {
            Reply::Allow(allowed.allow_origin().clone(), policy.actual_headers())
        }
        Decision::Preflight(allowed) => Reply::Answer(preflight_answer(&allowed)),
        // A deferred decision reaches here only if the check could not
        // start: the static rules stand.
        Decision::Rejected(rejected) | Decision::Deferred(rejected) => {
            refused(policy, &rejected, request)
        }
    }
}

/// What a refused request's response is.
fn refused<B: Default>(policy: &Policy, rejected: &Rejected<'_>, request: &HeaderMap) -> Reply<B> {
    match rejected.kind() {
        // The browser then refuses the real request itself and names the
        // method or header the answer lacks. The request is classified
        // again for its fill rather than carried in `Rejected`, which is
        // `Copy` and passed to every observer: this answer is rare.
        RequestKind::Preflight if rejected.origin_allowed() => {
            match CorsRequest::classify(&http::Method::OPTIONS, request) {
                Ok(CorsRequest::Preflight(preflight)) => {
                    let fill = policy.refused_preflight_fill(&preflight);
                    Reply::Answer(answer(policy.preflight_template(), fill))
                }
                _ => Reply::Refuse,
            }
        }
        // `Vary: Origin` under any-origin too: a response without CORS
        // headers must not be served from a cache to other origins.
        RequestKind::Actual => Reply::Strip,
        _ => Reply::Refuse,
    }
}

impl<B> Reply<B> {
    /// Finishes the inner service's response. Does nothing for the replies
    /// that do not call it.
    pub(crate) fn finish(self, headers: &mut HeaderMap) {
        match self {
            Reply::Answer(_) | Reply::Refuse => {}
            Reply::Vary => {
                let present = Existing::vary_in(headers);
                merge_vary(headers, VARY_ORIGIN, present);
            }
            Reply::Allow(origin, actual) => write_actual(actual, origin, headers),
            Reply::Strip => strip(headers),
        }
    }
}

/// Writes the CORS headers of an allowed actual response, replacing the
/// ones the inner service set.
fn write_actual(actual: ActualHeaders, allow_origin: HeaderValue, headers: &mut HeaderMap) {
    // Looked for once, before adding ours: removing what is not there
    // costs a hash probe each, and inner services rarely set CORS headers.
    let existing = Existing::in_headers(headers);
    // Named in the response's own order, before removals reorder it.
    let expose = match actual.expose {
        Expose::None => None,
        Expose::Value(value) => Some(value),
        Expose::ResponseHeaders => exposable_names(headers),
    };
    if existing.cors {
        remove_cors_headers(headers);
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    if actual.credentials {
        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    }
    if let Some(value) = expose {
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
    }
    if actual.vary {
        merge_vary(headers, VARY_ORIGIN, existing.vary);
    }
}

/// The answer to a request the layer refuses itself (a preflight, a guarded
/// WebSocket handshake): 403, no CORS headers, empty body, with `headers`
/// emptied first (given the request's map, it allocates nothing). A non-2xx
/// status fails the preflight in every browser and shows up plainly in logs
/// and developer tools.
pub(crate) fn refusal<B: Default>(mut headers: HeaderMap) -> Response<B> {
    headers.clear();
    headers.insert(header::VARY, VARY_PREFLIGHT);
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::FORBIDDEN;
    *response.headers_mut() = headers;
    response
}

/// An allowed preflight's answer: the status, the headers, an empty body.
pub(crate) fn preflight_answer<B: Default>(allowed: &AllowedPreflight<'_>) -> Response<B> {
    answer(allowed.template(), allowed.fill())
}

/// Strips CORS headers the inner service set on a refused request's
/// response, and merges `Vary: Origin`: a response without CORS headers
/// must not be served from a cache to other origins.
fn strip(headers: &mut HeaderMap) {
    let existing = Existing::in_headers(headers);
    if existing.cors {
        remove_cors_headers(headers);
    }
    merge_vary(headers, VARY_ORIGIN, existing.vary);
}

/// The values of a policy a preflight answer is made of.
pub(crate) struct TemplateValues {
    pub(crate) status: StatusCode,
    pub(crate) credentials: bool,
    /// `Access-Control-Allow-Methods`.
    pub(crate) methods: HeaderValue,
    /// `Access-Control-Allow-Headers`; `None` leaves it out.
    pub(crate) headers: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
}

/// The template of a policy's preflight answers, made by `build()`.
/// Placeholders: `*` for the origin (replaced unless the answer is `*`),
/// the method (echoed under credentials) and the header list (echoed under
/// credentials, or removed when nothing was requested).
pub(crate) fn preflight_template(values: TemplateValues) -> PreflightTemplate {
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR);
    if values.credentials {
        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, values.methods);
    if let Some(value) = values.headers {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    if let Some(max_age) = values.max_age {
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age);
    }
    let vary = if values.private_network {
        VARY_PREFLIGHT_PRIVATE_NETWORK
    } else {
        VARY_PREFLIGHT
    };
    headers.insert(header::VARY, vary);
    PreflightTemplate {
        status: values.status,
        headers,
    }
}

/// A preflight's answer: the template's status and headers, completed with
/// what depends on the request. Replacing a value keeps the cloned map's
/// size, so only a Private Network Access answer can make it grow.
fn answer<B: Default>(template: &PreflightTemplate, fill: PreflightFill<'_>) -> Response<B> {
    let mut headers = template.headers.clone();
    if let Some(origin) = fill.origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    match fill.method {
        MethodFill::Template => {}
        MethodFill::Echo(method) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method.clone());
        }
        MethodFill::Omit => {
            headers.remove(header::ACCESS_CONTROL_ALLOW_METHODS);
        }
    }
    let echoed = match fill.headers {
        HeadersFill::Template => None,
        HeadersFill::Echo(requested) => Some(echo_list(requested)),
        HeadersFill::EchoAllowed(requested) => Some(crate::headers::join(
            requested.clone().filter(|name| *name != "*"),
        )),
        HeadersFill::StarAndAuthorization => Some(Some(STAR_AND_AUTHORIZATION)),
    };
    match echoed {
        None => {}
        Some(Some(value)) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        Some(None) => {
            headers.remove(header::ACCESS_CONTROL_ALLOW_HEADERS);
        }
    }
    if fill.private_network {
        headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
    }
    let mut response = Response::new(B::default());
    *response.status_mut() = template.status;
    *response.headers_mut() = headers;
    response
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
/// Network Access define: the layer alone decides them. In the order a
/// report-only trial names the first that differs.
pub(crate) static CORS_RESPONSE_HEADERS: [HeaderName; 7] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    ALLOW_PRIVATE_NETWORK,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
];

/// Removes the CORS headers an inner service set, so that the response
/// carries only the layer's answer (or none, when rejected).
fn remove_cors_headers(headers: &mut HeaderMap) {
    for name in &CORS_RESPONSE_HEADERS {
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
