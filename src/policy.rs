//! The compiled [`Policy`] and its pure decision function.

use std::cmp::Ordering;
use std::fmt;

use http::header::{self, HeaderName};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};

use crate::async_origin::AsyncOriginCheck;
use crate::headers::{
    exposable_names, merge_vary, ALLOW_PRIVATE_NETWORK, STAR, STAR_AND_AUTHORIZATION, STAR_STATIC,
    TRUE, VARY_ORIGIN, VARY_PREFLIGHT, VARY_PREFLIGHT_PRIVATE_NETWORK,
};
use crate::origin::{Matched, OriginMatcher};
use crate::request::{CorsRequest, Malformed, Origin, Preflight, RequestKind, RequestedHeaders};

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
    /// Lowercase names, sorted for binary search.
    List(Vec<HeaderName>),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected<'a> {
    kind: RequestKind,
    reason: Rejection<'a>,
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
        self.reason
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
        write!(f, "{kind} rejected: {}", self.reason)
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
        self.policy.apply_allowed(self.allow_origin(), headers);
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
        let mut headers = HeaderMap::with_capacity(8);
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
        self.write_headers(response.headers_mut());
        response
    }

    fn write_headers(&self, headers: &mut HeaderMap) {
        let policy = self.policy;
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            self.allow_origin().clone(),
        );
        if policy.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        let methods = match policy.methods {
            MethodRule::List(_) => policy.allow_methods.clone(),
            MethodRule::Any if policy.credentials => self.preflight.method_value().clone(),
            MethodRule::Any => STAR,
        };
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
        let allow_headers = match policy.headers {
            HeaderRule::List(_) => policy.allow_headers.clone(),
            HeaderRule::Any if policy.credentials => echo_list(&self.preflight.requested_headers()),
            HeaderRule::Any if self.authorization_requested => Some(STAR_AND_AUTHORIZATION),
            HeaderRule::Any => Some(STAR),
        };
        if let Some(value) = allow_headers {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
        }
        if let Some(max_age) = &policy.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        let vary = if policy.private_network {
            VARY_PREFLIGHT_PRIVATE_NETWORK
        } else {
            VARY_PREFLIGHT
        };
        if policy.private_network && self.preflight.requests_private_network() {
            headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
        headers.insert(header::VARY, vary);
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
        }
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
        let request = match CorsRequest::parse(&parts.method, &parts.headers) {
            Ok(request) => request,
            Err(invalid) => {
                return Decision::Rejected(Rejected {
                    kind: invalid.kind,
                    reason: Rejection::Malformed(invalid.problem),
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
                    reason: Rejection::OriginNotAllowed(origin.as_str()),
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

    fn allow_origin<'a>(&'a self, origin: Origin<'a>, parts: &'a Parts) -> Option<AllowOrigin<'a>> {
        match &self.origins {
            OriginRule::Any => Some(AllowOrigin::Star),
            OriginRule::Matcher(m) => {
                match m.find(origin.header_value(), origin.as_str(), parts)? {
                    Matched::Listed(value) => Some(AllowOrigin::Value(value)),
                    Matched::Echo => Some(AllowOrigin::Value(origin.header_value())),
                }
            }
        }
    }

    fn check_preflight<'a>(
        &'a self,
        preflight: Preflight<'a>,
        parts: &'a Parts,
    ) -> Result<AllowedPreflight<'a>, Rejection<'a>> {
        let origin = preflight.origin();
        let allow_origin = self
            .allow_origin(origin, parts)
            .ok_or(Rejection::OriginNotAllowed(origin.as_str()))?;
        self.check_preflight_request(preflight, allow_origin)
    }

    /// The method and header checks of a preflight whose origin is allowed.
    pub(crate) fn check_preflight_request<'a>(
        &'a self,
        preflight: Preflight<'a>,
        allow_origin: AllowOrigin<'a>,
    ) -> Result<AllowedPreflight<'a>, Rejection<'a>> {
        let origin = preflight.origin();
        // With credentials browsers read `*` literally, so "any" would echo
        // a method or header literally named `*` next to ACAC: refuse those
        // instead, and no credentialed answer ever carries `*`.
        let method = preflight.method();
        let method_ok = match &self.methods {
            MethodRule::Any => !(self.credentials && method == "*"),
            MethodRule::List(list) => {
                matches!(method, "GET" | "HEAD" | "POST")
                    || list.iter().any(|m| m.as_str() == method)
            }
        };
        if !method_ok {
            return Err(Rejection::MethodNotAllowed(method));
        }

        let mut authorization_requested = false;
        for name in preflight.requested_headers() {
            authorization_requested |= name.eq_ignore_ascii_case("authorization");
            let allowed = match &self.headers {
                HeaderRule::Any => !(self.credentials && name == "*"),
                HeaderRule::List(list) => list
                    .binary_search_by(|probe| cmp_ignore_ascii_case(probe.as_str(), name))
                    .is_ok(),
            };
            if !allowed {
                return Err(Rejection::HeaderNotAllowed(name));
            }
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
    pub(crate) fn apply_allowed(&self, allow_origin: &HeaderValue, headers: &mut HeaderMap) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        } else {
            headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        }
        let expose = match &self.expose {
            Expose::None => None,
            Expose::Value(value) => Some(value.clone()),
            Expose::ResponseHeaders => exposable_names(headers),
        };
        match expose {
            Some(value) => {
                headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
            }
            None => {
                headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
            }
        }
        self.apply_vary(headers);
    }

    /// Strips CORS headers the inner service set on a refused request's response.
    pub(crate) fn apply_rejected(&self, headers: &mut HeaderMap) {
        headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
        self.apply_vary(headers);
    }

    /// Adds `Vary: Origin` when responses depend on the origin.
    pub(crate) fn apply_vary(&self, headers: &mut HeaderMap) {
        if self.varies_by_origin() {
            merge_vary(headers, &VARY_ORIGIN);
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
        let mut response = Response::new(B::default());
        *response.status_mut() = StatusCode::FORBIDDEN;
        response.headers_mut().insert(header::VARY, VARY_PREFLIGHT);
        response
    }
}

/// Orders two header names as if both were lowercase.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}
