//! The compiled [`Policy`] and its pure decision function.

use std::fmt;

use http::header::{self, HeaderName};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};

use crate::async_origin::AsyncOriginCheck;
use crate::headers::{
    exposable_names, merge_vary, Existing, ALLOW_PRIVATE_NETWORK, STAR, STAR_AND_AUTHORIZATION,
    STAR_STATIC, TRUE, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_PRIVATE_NETWORK,
};
use crate::names::NameSet;
use crate::origin::{Matched, OriginMatcher};
use crate::request::{CorsRequest, Malformed, Origin, Preflight, RequestKind, RequestedHeaders};
use crate::warning::ConfigWarning;

/// Which origins are allowed.
// Built once and kept behind an Arc, so the size of the variants doesn't matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub(crate) enum OriginRule {
    /// Every origin: `Access-Control-Allow-Origin: *`.
    Any,
    /// Listed origins, patterns and predicates.
    Matcher(OriginMatcher),
}

/// Which methods a preflight may ask for.
#[derive(Debug, Clone)]
pub(crate) enum MethodRule {
    Any,
    /// The listed methods (GET, HEAD and POST are always allowed, as browsers
    /// never check them against `Access-Control-Allow-Methods`).
    List(Vec<Method>),
}

/// Which request headers a preflight may ask for.
#[derive(Debug, Clone)]
pub(crate) enum HeaderRule {
    Any,
    /// The listed names.
    List(NameSet),
}

/// What `Access-Control-Expose-Headers` says on actual responses.
#[derive(Debug, Clone)]
pub(crate) enum Expose {
    None,
    /// A precomputed list, or `*` for "any" without credentials.
    Value(HeaderValue),
    /// "Any" with credentials: name the response's own headers.
    ResponseHeaders,
}

/// A compiled CORS policy: what [`CorsBuilder::build`](crate::CorsBuilder::build)
/// produces, and the pure function the layer applies to every request.
///
/// Use it directly to check a configuration with no service and no runtime:
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Decision, Rejection};
///
/// let layer = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .unwrap();
/// let (parts, ()) = Request::get("/")
///     .header(header::ORIGIN, "https://evil.example")
///     .body(())
///     .unwrap()
///     .into_parts();
/// match layer.policy().decide(&parts) {
///     Decision::Rejected(r) => assert!(matches!(r.reason(), Rejection::OriginNotAllowed(_))),
///     other => panic!("allowed: {other:?}"),
/// }
/// ```
#[derive(Clone)]
pub struct Policy {
    pub(crate) origins: OriginRule,
    pub(crate) credentials: bool,
    pub(crate) methods: MethodRule,
    /// `Access-Control-Allow-Methods` for a listed set.
    pub(crate) allow_methods: HeaderValue,
    pub(crate) headers: HeaderRule,
    /// `Access-Control-Allow-Headers` for a listed set; `None` when empty.
    pub(crate) allow_headers: Option<HeaderValue>,
    pub(crate) expose: Expose,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    /// Asked when the static origin rules refuse (see `async_origin.rs`).
    pub(crate) async_origin: Option<AsyncOriginCheck>,
    /// The headers every allowed preflight answer starts from, computed once
    /// by [`Policy::with_preflight_headers`]; see [`AllowedPreflight::write_headers`].
    pub(crate) preflight_headers: HeaderMap,
    /// What `build()` accepted but a user should know.
    pub(crate) warnings: Box<[ConfigWarning]>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("origins", &self.origins)
            .field("credentials", &self.credentials)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("preflight_status", &self.preflight_status)
            .field("async_origin", &self.async_origin.is_some())
            .finish()
    }
}

/// A one-line summary of the policy, e.g. for startup logs.
///
/// ```
/// let cors = tower_cors::CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .unwrap();
/// assert_eq!(
///     cors.policy().to_string(),
///     "origins: [https://app.example.com]; methods: GET, HEAD, POST; headers: none; \
///      expose: none; credentials: false; max-age: unset; private network: false; preflight status: 204"
/// );
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origins {
            OriginRule::Any => f.write_str("origins: any")?,
            OriginRule::Matcher(m) => {
                let predicates = m.predicate_count();
                write!(f, "origins: [{}]", m.describe().join(", "))?;
                if predicates > 0 {
                    write!(f, " + {predicates} predicate(s)")?;
                }
                if self.async_origin.is_some() {
                    f.write_str(" + async predicate")?;
                }
            }
        }
        let text = |v: &HeaderValue| v.to_str().unwrap_or_default().to_owned();
        let methods = match self.methods {
            MethodRule::Any => "any".to_owned(),
            MethodRule::List(_) => text(&self.allow_methods),
        };
        let headers = match (&self.headers, &self.allow_headers) {
            (HeaderRule::Any, _) => "any".to_owned(),
            (HeaderRule::List(_), Some(v)) => text(v),
            (HeaderRule::List(_), None) => "none".to_owned(),
        };
        let expose = match &self.expose {
            Expose::None => "none".to_owned(),
            Expose::Value(v) => text(v),
            Expose::ResponseHeaders => "any (response's own names)".to_owned(),
        };
        let max_age = self.max_age.as_ref().map_or("unset".to_owned(), text);
        write!(
            f,
            "; methods: {methods}; headers: {headers}; expose: {expose}; credentials: {}; \
             max-age: {max_age}; private network: {}; preflight status: {}",
            self.credentials,
            self.private_network,
            self.preflight_status.as_u16()
        )
    }
}

/// Why a CORS request was refused. Every value borrowed from the request has
/// been validated as visible ASCII; `Display` escapes anything else anyway,
/// so a reason is safe to log.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection<'a> {
    /// The origin is not allowed (the value as sent).
    OriginNotAllowed(&'a str),
    /// The preflight asks for a method that is not allowed.
    MethodNotAllowed(&'a str),
    /// The preflight asks for a request header that is not allowed.
    HeaderNotAllowed(&'a str),
    /// A CORS header of the request is malformed.
    Malformed(Malformed),
}

impl fmt::Display for Rejection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::OriginNotAllowed(o) => {
                write!(f, "origin \"{}\" is not allowed", o.escape_debug())
            }
            Rejection::MethodNotAllowed(m) => {
                write!(f, "method \"{}\" is not allowed", m.escape_debug())
            }
            Rejection::HeaderNotAllowed(h) => {
                write!(f, "request header \"{}\" is not allowed", h.escape_debug())
            }
            Rejection::Malformed(m) => write!(f, "malformed request: {m}"),
        }
    }
}

/// A refused CORS request: its kind and the reason.
#[derive(Clone, Copy)]
pub struct Rejected<'a> {
    kind: RequestKind,
    reason: Reason<'a>,
}

/// A [`Rejection`] as decided. A refused origin is kept as the header and
/// read as text only when asked for: origin refusals are the common case,
/// and the layer itself never asks unless it logs.
#[derive(Clone, Copy)]
enum Reason<'a> {
    Origin(Origin<'a>),
    Other(Rejection<'a>),
}

impl PartialEq for Rejected<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.reason() == other.reason()
    }
}

impl Eq for Rejected<'_> {}

impl fmt::Debug for Rejected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("kind", &self.kind)
            .field("reason", &self.reason())
            .finish()
    }
}

impl<'a> Rejected<'a> {
    /// Whether the refused request was a preflight (answered by the layer
    /// with 403 and no CORS headers) or an actual request (forwarded to the
    /// inner service, whose response gets no CORS headers).
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(rejected.kind(), RequestKind::Preflight);
    /// ```
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Why it was refused.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(rejected.reason(), Rejection::OriginNotAllowed("https://evil.example"));
    /// ```
    pub fn reason(&self) -> Rejection<'a> {
        match self.reason {
            // The origin is checked for shape only when needed.
            Reason::Origin(origin) if !origin.is_well_formed() => {
                Rejection::Malformed(Malformed::Origin)
            }
            Reason::Origin(origin) => Rejection::OriginNotAllowed(origin.as_str()),
            Reason::Other(reason) => reason,
        }
    }

    /// Whether the refused request was a preflight.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert!(rejected.is_preflight());
    /// ```
    pub fn is_preflight(&self) -> bool {
        self.kind == RequestKind::Preflight
    }
}

impl fmt::Display for Rejected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            RequestKind::Actual => "CORS request",
            RequestKind::Preflight => "CORS preflight",
        };
        write!(f, "{kind} rejected: {}", self.reason())
    }
}

/// The value of `Access-Control-Allow-Origin` for an allowed request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AllowOrigin<'a> {
    Star,
    Value(&'a HeaderValue),
}

impl AllowOrigin<'_> {
    fn value(&self) -> &HeaderValue {
        match self {
            AllowOrigin::Star => &STAR_STATIC,
            AllowOrigin::Value(v) => v,
        }
    }
}

/// An allowed actual request: the headers its response gets.
#[derive(Debug, Clone, Copy)]
pub struct AllowedActual<'a> {
    policy: &'a Policy,
    allow_origin: AllowOrigin<'a>,
}

impl<'a> AllowedActual<'a> {
    /// The `Access-Control-Allow-Origin` value: `*` or the request's origin.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::get("/")
    ///     .header(header::ORIGIN, "https://a.example.com")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Actual(allowed) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(allowed.allow_origin(), "https://a.example.com");
    /// ```
    pub fn allow_origin(&self) -> &HeaderValue {
        self.allow_origin.value()
    }

    /// Writes the CORS headers into an inner service's response headers,
    /// replacing CORS headers it set and merging `Vary`.
    ///
    /// ```
    /// use http::{header, HeaderMap, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let layer = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap();
    /// let (parts, ()) = Request::get("/")
    ///     .header(header::ORIGIN, "https://app.example.com")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Actual(allowed) = layer.policy().decide(&parts) else { unreachable!() };
    /// let mut headers = HeaderMap::new();
    /// allowed.apply_to(&mut headers);
    /// assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
    /// assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    /// assert_eq!(headers[header::VARY], "origin");
    /// ```
    pub fn apply_to(&self, headers: &mut HeaderMap) {
        self.policy
            .apply_allowed(self.allow_origin().clone(), headers);
    }
}

/// An allowed preflight: everything its response carries.
#[derive(Debug, Clone)]
pub struct AllowedPreflight<'a> {
    policy: &'a Policy,
    allow_origin: AllowOrigin<'a>,
    preflight: Preflight<'a>,
    authorization_requested: bool,
}

impl<'a> AllowedPreflight<'a> {
    /// The `Access-Control-Allow-Origin` value: `*` or the request's origin.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example.com")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Preflight(allowed) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(allowed.allow_origin(), "https://a.example.com");
    /// ```
    pub fn allow_origin(&self) -> &HeaderValue {
        self.allow_origin.value()
    }

    /// The preflight's headers, in the order they are written.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let layer = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods([http::Method::PUT])
    ///     .allow_headers([header::CONTENT_TYPE])
    ///     .build()
    ///     .unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://app.example.com")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Preflight(allowed) = layer.policy().decide(&parts) else { unreachable!() };
    /// let headers = allowed.headers();
    /// assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
    /// assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_HEADERS], "content-type");
    /// ```
    pub fn headers(&self) -> HeaderMap {
        let mut headers = self.policy.preflight_headers.clone();
        self.write_headers(&mut headers);
        headers
    }

    /// The complete preflight response: the configured status, these
    /// headers and an empty body.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example.com")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Preflight(allowed) = cors.policy().decide(&parts) else { unreachable!() };
    /// let response: http::Response<String> = allowed.response();
    /// assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
    /// assert!(response.body().is_empty());
    /// ```
    pub fn response<B: Default>(&self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self.policy.preflight_status;
        *response.headers_mut() = self.policy.preflight_headers.clone();
        self.write_headers(response.headers_mut());
        response
    }

    /// Completes a clone of the policy's precomputed preflight headers with
    /// what depends on the request. Replacing a value keeps the cloned map's
    /// size, so only a Private Network Access answer can make it grow.
    fn write_headers(&self, headers: &mut HeaderMap) {
        let policy = self.policy;
        if let AllowOrigin::Value(origin) = self.allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
        if matches!(policy.methods, MethodRule::Any) && policy.credentials {
            let method = self.preflight.method_value().clone();
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
        }
        match policy.headers {
            HeaderRule::List(_) => {}
            HeaderRule::Any if policy.credentials => {
                match echo_list(&self.preflight.requested_headers()) {
                    Some(echo) => headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, echo),
                    None => headers.remove(header::ACCESS_CONTROL_ALLOW_HEADERS),
                };
            }
            HeaderRule::Any if self.authorization_requested => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, STAR_AND_AUTHORIZATION);
            }
            HeaderRule::Any => {}
        }
        if policy.private_network && self.preflight.requests_private_network() {
            headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
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

/// What the layer does with a request: the result of [`Policy::decide`].
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// No `Origin`: the inner service answers; only `Vary: Origin` may be added.
    NotCors,
    /// An allowed actual request: the inner service answers, the response
    /// gets CORS headers.
    Actual(AllowedActual<'a>),
    /// An allowed preflight: the layer answers it.
    Preflight(AllowedPreflight<'a>),
    /// A refused CORS request.
    Rejected(Rejected<'a>),
}

impl Policy {
    /// What [`CorsLayer::permissive`](crate::CorsLayer::permissive) compiles to.
    pub(crate) fn permissive() -> Policy {
        Policy {
            origins: OriginRule::Any,
            credentials: false,
            methods: MethodRule::Any,
            allow_methods: STAR,
            headers: HeaderRule::Any,
            allow_headers: None,
            expose: Expose::Value(STAR),
            max_age: None,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            async_origin: None,
            preflight_headers: HeaderMap::new(),
            warnings: Box::default(),
        }
        .with_preflight_headers()
    }

    /// Computes [`Policy::preflight_headers`] from the other fields: every
    /// header of an allowed preflight answer, with a placeholder where the
    /// value depends on the request (filled in by
    /// [`AllowedPreflight::write_headers`]), in the order they are sent.
    pub(crate) fn with_preflight_headers(mut self) -> Policy {
        // Placeholders: `*` for the origin (replaced unless the answer is
        // `*`), the method (echoed under credentials) and the header list
        // (echoed under credentials, or removed when nothing was requested).
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR);
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        let methods = match self.methods {
            MethodRule::List(_) => self.allow_methods.clone(),
            MethodRule::Any => STAR,
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
        let allow_headers = match self.headers {
            HeaderRule::List(_) => self.allow_headers.clone(),
            HeaderRule::Any => Some(STAR),
        };
        if let Some(value) = allow_headers {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        if let Some(max_age) = &self.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        let vary = if self.private_network {
            VARY_PREFLIGHT_PRIVATE_NETWORK
        } else {
            VARY_PREFLIGHT
        };
        headers.insert(header::VARY, vary);
        self.preflight_headers = headers;
        self
    }

    /// Decides what to do with a request head. Pure: no I/O, no allocation,
    /// no service needed.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let layer = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()
    ///     .unwrap();
    /// let (parts, ()) = Request::get("/").body(()).unwrap().into_parts();
    /// assert!(matches!(layer.policy().decide(&parts), Decision::NotCors));
    /// ```
    pub fn decide<'a>(&'a self, parts: &'a Parts) -> Decision<'a> {
        self.decide_with(&parts.method, &parts.headers, Some(parts))
    }

    /// [`Policy::decide`] on a request that is not split into [`Parts`], for
    /// policies that don't [need them](Policy::needs_parts).
    #[inline]
    pub(crate) fn decide_head<'a>(
        &'a self,
        method: &'a Method,
        headers: &'a HeaderMap,
    ) -> Decision<'a> {
        debug_assert!(!self.needs_parts());
        self.decide_with(method, headers, None)
    }

    /// Whether deciding needs the request head as [`Parts`]: predicates
    /// take it.
    #[inline]
    pub(crate) fn needs_parts(&self) -> bool {
        if self.async_origin.is_some() {
            return true;
        }
        match &self.origins {
            OriginRule::Any => false,
            OriginRule::Matcher(m) => m.predicate_count() > 0,
        }
    }

    /// `parts` is `None` only when no predicate needs it.
    #[inline(always)]
    fn decide_with<'a>(
        &'a self,
        method: &'a Method,
        headers: &'a HeaderMap,
        parts: Option<&'a Parts>,
    ) -> Decision<'a> {
        let request = match CorsRequest::classify(method, headers) {
            Ok(request) => request,
            Err(invalid) => {
                return Decision::Rejected(Rejected {
                    kind: invalid.kind,
                    reason: Reason::Other(Rejection::Malformed(invalid.problem)),
                })
            }
        };
        match request {
            CorsRequest::NotCors => Decision::NotCors,
            CorsRequest::Actual(origin) => match self.allow_origin(origin, parts) {
                Some(allow_origin) => Decision::Actual(AllowedActual {
                    policy: self,
                    allow_origin,
                }),
                None => Decision::Rejected(Rejected {
                    kind: RequestKind::Actual,
                    reason: Reason::Origin(origin),
                }),
            },
            CorsRequest::Preflight(preflight) => match self.check_preflight(preflight, parts) {
                Ok(allowed) => Decision::Preflight(allowed),
                Err(reason) => Decision::Rejected(Rejected {
                    kind: RequestKind::Preflight,
                    reason,
                }),
            },
        }
    }

    #[inline(always)]
    fn allow_origin<'a>(
        &'a self,
        origin: Origin<'a>,
        parts: Option<&'a Parts>,
    ) -> Option<AllowOrigin<'a>> {
        match &self.origins {
            OriginRule::Any => origin.is_well_formed().then_some(AllowOrigin::Star),
            OriginRule::Matcher(m) => match m.find(origin, parts)? {
                Matched::Listed(value) => Some(AllowOrigin::Value(value)),
                Matched::Echo => Some(AllowOrigin::Value(origin.header_value())),
            },
        }
    }

    #[inline(always)]
    fn check_preflight<'a>(
        &'a self,
        preflight: Preflight<'a>,
        parts: Option<&'a Parts>,
    ) -> Result<AllowedPreflight<'a>, Reason<'a>> {
        let origin = preflight.origin();
        let allow_origin = self
            .allow_origin(origin, parts)
            .ok_or(Reason::Origin(origin))?;
        self.check_preflight_request(preflight, allow_origin)
            .map_err(Reason::Other)
    }

    /// The method and header checks of a preflight whose origin is allowed.
    #[inline(always)]
    pub(crate) fn check_preflight_request<'a>(
        &'a self,
        preflight: Preflight<'a>,
        allow_origin: AllowOrigin<'a>,
    ) -> Result<AllowedPreflight<'a>, Rejection<'a>> {
        let origin = preflight.origin();
        // With credentials browsers read `*` literally, so "any" would echo
        // a method or header literally named `*` next to ACAC: refuse those
        // instead, and no credentialed answer ever carries `*`.
        let method = preflight.method_value().as_bytes();
        let method_ok = match &self.methods {
            MethodRule::Any => !(self.credentials && method == b"*"),
            MethodRule::List(list) => {
                matches!(method, b"GET" | b"HEAD" | b"POST")
                    || list.iter().any(|m| m.as_str().as_bytes() == method)
            }
        };
        if !method_ok {
            return Err(Rejection::MethodNotAllowed(preflight.method()));
        }

        let authorization_requested = preflight.requested().includes_authorization();
        let refused = match &self.headers {
            HeaderRule::List(list) => preflight.requested().find_name(|name| !list.contains(name)),
            HeaderRule::Any if self.credentials => {
                preflight.requested().find_name(|name| name == b"*")
            }
            HeaderRule::Any => None,
        };
        if let Some(name) = refused {
            return Err(Rejection::HeaderNotAllowed(name));
        }

        // A Private Network Access preflight from any-origin policies gets the
        // origin echoed: `*` is not enough for it.
        let allow_origin = match allow_origin {
            AllowOrigin::Star if self.private_network && preflight.requests_private_network() => {
                AllowOrigin::Value(origin.header_value())
            }
            other => other,
        };
        Ok(AllowedPreflight {
            policy: self,
            allow_origin,
            preflight,
            authorization_requested,
        })
    }

    /// Whether responses depend on the request's `Origin`, so caches must
    /// key on it (`Vary: Origin`): true unless every origin gets `*`.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap();
    /// assert!(cors.policy().varies_by_origin());
    /// assert!(!tower_cors::CorsLayer::permissive().policy().varies_by_origin());
    /// ```
    #[inline]
    pub fn varies_by_origin(&self) -> bool {
        !matches!(self.origins, OriginRule::Any)
    }

    /// Whether credentialed requests are allowed (`Access-Control-Allow-Credentials: true`).
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap();
    /// assert!(cors.policy().allows_credentials());
    /// ```
    pub fn allows_credentials(&self) -> bool {
        self.credentials
    }

    /// The status of allowed preflight responses.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(cors.policy().preflight_status(), http::StatusCode::NO_CONTENT);
    /// ```
    pub fn preflight_status(&self) -> StatusCode {
        self.preflight_status
    }

    /// Writes the headers of an allowed actual response.
    pub(crate) fn apply_allowed(&self, allow_origin: HeaderValue, headers: &mut HeaderMap) {
        self.actual_headers().apply(allow_origin, headers);
    }

    /// What allowed actual responses get besides `Access-Control-Allow-Origin`.
    #[inline]
    pub(crate) fn actual_headers(&self) -> ActualHeaders {
        ActualHeaders {
            credentials: self.credentials,
            expose: self.expose.clone(),
            vary: self.varies_by_origin(),
        }
    }

    /// The answer to a refused preflight: 403, no CORS headers, empty body.
    /// A non-2xx status fails the preflight in every browser and shows up
    /// plainly in logs and developer tools.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap();
    /// let res: http::Response<()> = cors.policy().rejected_preflight_response();
    /// assert_eq!(res.status(), http::StatusCode::FORBIDDEN);
    /// assert!(res.headers().get(http::header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    /// ```
    pub fn rejected_preflight_response<B: Default>(&self) -> Response<B> {
        refused_preflight_response(HeaderMap::new())
    }
}

/// The headers of an allowed actual response besides
/// `Access-Control-Allow-Origin`, copied out of the policy so that the
/// response future needs no reference to it (an `Arc` clone per request).
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    credentials: bool,
    expose: Expose,
    vary: bool,
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

/// The answer to a refused preflight (see
/// [`Policy::rejected_preflight_response`]), with `headers` emptied first:
/// given the request's map, it allocates nothing.
pub(crate) fn refused_preflight_response<B: Default>(mut headers: HeaderMap) -> Response<B> {
    headers.clear();
    headers.insert(header::VARY, VARY_PREFLIGHT);
    let mut response = Response::new(B::default());
    *response.status_mut() = StatusCode::FORBIDDEN;
    *response.headers_mut() = headers;
    response
}

/// Strips CORS headers the inner service set on a refused request's
/// response, and merges `Vary: Origin` if the policy depends on the origin.
pub(crate) fn apply_rejected(headers: &mut HeaderMap, vary: bool) {
    let existing = Existing::in_headers(headers);
    if existing.cors {
        remove_cors_headers(headers);
    }
    if vary {
        merge_vary(headers, VARY_ORIGIN, existing.vary);
    }
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
/// carries only the layer's answer (or none, when refused).
fn remove_cors_headers(headers: &mut HeaderMap) {
    for name in CORS_RESPONSE_HEADERS {
        headers.remove(name);
    }
}
