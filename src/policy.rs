//! The compiled [`Policy`] and its pure decision function, [`Policy::decide`].

use std::fmt;

mod compare;
mod inspect;
mod refused;

use http::header::HeaderName;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::async_origin::AsyncOriginCheck;
use crate::headers::{ValueBuffer, STAR, STAR_STATIC};
use crate::names::NameSet;
use crate::origin_match::OriginMatcher;
use crate::rejection::{Deferred, Rejected, Rejection};
use crate::request::{CorsRequest, Origin, Preflight, RequestKind};
use crate::response::{
    ActualHeaders, Expose, HeadersFill, PreflightFill, PreflightSettings, PreflightTemplate,
};
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
enum MethodRule {
    Any,
    /// The listed methods (GET, HEAD and POST are always allowed, as browsers
    /// never check them against `Access-Control-Allow-Methods`).
    List(Vec<Method>),
}

/// Which request headers a preflight may ask for.
#[derive(Debug, Clone)]
enum HeaderRule {
    Any,
    /// The listed names.
    List(NameSet),
}

/// "Any" or a list, as configured.
#[derive(Debug, Clone)]
pub(crate) enum Listed<T> {
    Any,
    List(Vec<T>),
}

/// A validated configuration: what [`Policy::new`] compiles.
pub(crate) struct Settings {
    pub(crate) origins: OriginRule,
    pub(crate) credentials: bool,
    /// Distinct methods; an empty list means GET, HEAD and POST.
    pub(crate) methods: Listed<Method>,
    /// Distinct request header names.
    pub(crate) headers: Listed<HeaderName>,
    /// Distinct exposed header names.
    pub(crate) expose: Listed<HeaderName>,
    pub(crate) max_age_seconds: Option<u64>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    pub(crate) async_origin: Option<AsyncOriginCheck>,
    /// What `build()` accepted but a user should know.
    pub(crate) warnings: Box<[ConfigWarning]>,
    pub(crate) guard_websockets: bool,
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
    origins: OriginRule,
    credentials: bool,
    methods: MethodRule,
    /// `Access-Control-Allow-Methods` for a listed set.
    allow_methods: HeaderValue,
    headers: HeaderRule,
    /// `Access-Control-Allow-Headers` for a listed set; `None` when empty.
    allow_headers: Option<HeaderValue>,
    expose: Expose,
    max_age: Option<HeaderValue>,
    private_network: bool,
    /// Asked when the static origin rules reject (see `async_check.rs`).
    async_origin: Option<AsyncOriginCheck>,
    /// What every allowed preflight answer starts from.
    preflight: PreflightTemplate,
    /// What `build()` accepted but a user should know.
    warnings: Box<[ConfigWarning]>,
    /// Refuse WebSocket handshakes from refused origins; never set under
    /// any-origin, where every origin is allowed.
    websocket_guard: bool,
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
            .field("preflight_status", &self.preflight.status())
            .field("async_origin", &self.async_origin.is_some())
            .field("websocket_guard", &self.websocket_guard)
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
                if let Some(check) = &self.async_origin {
                    write!(f, " + {}", check.describe())?;
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
            self.preflight.status().as_u16()
        )?;
        if self.websocket_guard {
            f.write_str("; websocket handshakes: guarded")?;
        }
        Ok(())
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

    /// The complete answer: the configured status, the headers, an empty body.
    pub(crate) fn response<B: Default>(&self) -> http::Response<B> {
        self.policy.preflight.answer(self.fill())
    }

    /// What the answer changes in the policy's template.
    fn fill(&self) -> PreflightFill<'_> {
        let policy = self.policy;
        let origin = match self.allow_origin {
            AllowOrigin::Value(origin) => Some(origin),
            AllowOrigin::Star => None,
        };
        let method = (matches!(policy.methods, MethodRule::Any) && policy.credentials)
            .then(|| self.preflight.method_value());
        let headers = match policy.headers {
            HeaderRule::List(_) => HeadersFill::Template,
            HeaderRule::Any if policy.credentials => HeadersFill::Echo(self.preflight.requested()),
            HeaderRule::Any if self.authorization_requested => HeadersFill::StarAndAuthorization,
            HeaderRule::Any => HeadersFill::Template,
        };
        PreflightFill {
            origin,
            method,
            headers,
            private_network: policy.private_network && self.preflight.requests_private_network(),
        }
    }
}

/// What the layer does with a request: the result of [`Policy::decide`].
///
/// Non-exhaustive: ways of deciding an origin may be added (as the async
/// check added [`Decision::Deferred`]), and a `match` should say what it does
/// with a request it does not know.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// No `Origin`: the inner service answers. Its response gets
    /// `Vary: Origin` when the policy depends on the origin, and under
    /// any-origin `Access-Control-Allow-Origin: *` (and the exposed headers),
    /// so that a cached copy also serves a later `fetch()`.
    NotCors,
    /// An allowed actual request: the inner service answers, the response
    /// gets CORS headers.
    Actual(AllowedActual<'a>),
    /// An allowed preflight: the layer answers it.
    Preflight(AllowedPreflight<'a>),
    /// A rejected CORS request. A preflight from an allowed origin refused
    /// for its method or a header still gets the policy's answer (status,
    /// `Access-Control-Allow-Origin`, the configured method and header
    /// lists), so that the browser itself names what is missing. Where an
    /// allowed answer mirrors the request (any method or any header with
    /// credentials, where browsers read `*` literally), that answer mirrors
    /// only what is allowed: the method unless it is `*` (no
    /// `Access-Control-Allow-Methods` then), the header names other than
    /// `*`. It never covers what was refused.
    Rejected(Rejected<'a>),
    /// The static origin rules do not allow the origin, and the async origin
    /// check ([`CorsBuilder::allow_origin_async_predicate`]) decides: the
    /// layer waits for it. [`Deferred::if_refused`] is the rejection that
    /// stands if it says no.
    ///
    /// [`CorsBuilder::allow_origin_async_predicate`]: crate::CorsBuilder::allow_origin_async_predicate
    Deferred(Deferred<'a>),
}

impl Policy {
    /// Compiles validated settings. The one way to make a policy: the
    /// header values and the preflight template are derived here, from the
    /// same settings, into one buffer the policy owns.
    pub(crate) fn new(settings: Settings) -> Policy {
        let mut buffer = ValueBuffer::default();
        let methods = match &settings.methods {
            Listed::List(list) => buffer.list(list.iter().map(Method::as_str)),
            Listed::Any => None,
        };
        let headers = match &settings.headers {
            Listed::List(list) => buffer.list(list.iter().map(HeaderName::as_str)),
            Listed::Any => None,
        };
        let expose = match &settings.expose {
            Listed::List(list) => buffer.list(list.iter().map(HeaderName::as_str)),
            Listed::Any => None,
        };
        let max_age = settings
            .max_age_seconds
            .map(|seconds| buffer.value(&seconds.to_string()));
        let values = buffer.freeze();

        let (methods, allow_methods) = match settings.methods {
            Listed::Any => (MethodRule::Any, STAR),
            Listed::List(list) => {
                let value = match methods {
                    Some(range) => values.get(range).unwrap_or(STAR),
                    None => HeaderValue::from_static("GET, HEAD, POST"),
                };
                (MethodRule::List(list), value)
            }
        };
        let (headers, allow_headers) = match settings.headers {
            Listed::Any => (HeaderRule::Any, None),
            Listed::List(list) => (
                HeaderRule::List(NameSet::new(&list)),
                headers.and_then(|range| values.get(range)),
            ),
        };
        let expose = match settings.expose {
            Listed::Any if settings.credentials => Expose::ResponseHeaders,
            Listed::Any => Expose::Value(STAR),
            Listed::List(_) => match expose.and_then(|range| values.get(range)) {
                Some(value) => Expose::Value(value),
                None => Expose::None,
            },
        };
        let max_age = max_age.and_then(|range| values.get(range));
        let preflight = PreflightTemplate::new(PreflightSettings {
            status: settings.preflight_status,
            credentials: settings.credentials,
            methods: allow_methods.clone(),
            headers: match headers {
                HeaderRule::List(_) => allow_headers.clone(),
                HeaderRule::Any => Some(STAR),
            },
            max_age: max_age.clone(),
            private_network: settings.private_network,
        });
        let websocket_guard =
            settings.guard_websockets && !matches!(settings.origins, OriginRule::Any);
        Policy {
            origins: settings.origins,
            credentials: settings.credentials,
            methods,
            allow_methods,
            headers,
            allow_headers,
            expose,
            max_age,
            private_network: settings.private_network,
            async_origin: settings.async_origin,
            preflight,
            warnings: settings.warnings,
            websocket_guard,
        }
    }

    /// What [`CorsLayer::permissive`](crate::CorsLayer::permissive) compiles to.
    pub(crate) fn permissive() -> Policy {
        Policy::new(Settings {
            origins: OriginRule::Any,
            credentials: false,
            methods: Listed::Any,
            headers: Listed::Any,
            expose: Listed::Any,
            max_age_seconds: None,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            async_origin: None,
            warnings: Box::default(),
            guard_websockets: false,
        })
    }

    /// Decides what to do with a request head. Pure: no I/O, no allocation,
    /// no service needed.
    ///
    /// It never runs the async origin check: under
    /// [`allow_origin_async_predicate`](crate::CorsBuilder::allow_origin_async_predicate),
    /// an origin the static rules (listed origins, patterns, predicates) do
    /// not allow is [`Decision::Deferred`], not rejected, since the check may
    /// still allow it.
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

    /// What `build()` accepted but a user should know; see
    /// [`CorsLayer::warnings`](crate::CorsLayer::warnings).
    pub(crate) fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }

    /// The async origin check (predicate or lookup), if configured.
    pub(crate) fn async_origin(&self) -> Option<&AsyncOriginCheck> {
        self.async_origin.as_ref()
    }

    /// `parts` is `None` only when no predicate needs it.
    // Forced with the other request-path steps: (b) 3030 -> 2974 instructions/request.
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
                let kind = match invalid.kind {
                    RequestKind::Actual => self.refused_kind(method, headers),
                    other => other,
                };
                return Decision::Rejected(Rejected::other(
                    kind,
                    Rejection::Malformed(invalid.problem),
                ));
            }
        };
        match request {
            CorsRequest::NotCors => Decision::NotCors,
            CorsRequest::Actual(origin) => match self.allow_origin(origin, parts) {
                Some(allow_origin) => Decision::Actual(AllowedActual { allow_origin }),
                None => self.refuse_origin(self.refused_kind(method, headers), origin),
            },
            CorsRequest::Preflight(preflight) => {
                let origin = preflight.origin();
                match self.allow_origin(origin, parts) {
                    None => self.refuse_origin(RequestKind::Preflight, origin),
                    Some(allow_origin) => match self.check_preflight(preflight, allow_origin) {
                        Ok(allowed) => Decision::Preflight(allowed),
                        Err(reason) => {
                            Decision::Rejected(Rejected::other(RequestKind::Preflight, reason))
                        }
                    },
                }
            }
        }
    }

    /// An origin the static rules do not allow: rejected, unless the async
    /// check may still allow it (it never sees `null` nor malformed origins).
    fn refuse_origin<'a>(&self, kind: RequestKind, origin: Origin<'a>) -> Decision<'a> {
        let rejected = Rejected::origin(kind, origin);
        if self.has_async_origin_check() && !origin.is_null() && origin.is_well_formed() {
            return Decision::Deferred(Deferred::new(rejected));
        }
        Decision::Rejected(rejected)
    }

    /// Whether an async origin check can overturn the static rules.
    pub(crate) fn has_async_origin_check(&self) -> bool {
        self.async_origin.is_some()
    }

    /// The kind of a refused non-preflight request: a WebSocket handshake
    /// under the guard (answered with 403), else an actual request. Asked
    /// only on refusal, so allowed requests never look at `Upgrade`.
    #[inline]
    fn refused_kind(&self, method: &Method, headers: &HeaderMap) -> RequestKind {
        if self.websocket_guard && crate::websocket::is_handshake(method, headers) {
            RequestKind::WebSocket
        } else {
            RequestKind::Actual
        }
    }

    // Forced with the other request-path steps: (b) 3030 -> 2974 instructions/request.
    #[inline(always)]
    fn allow_origin<'a>(
        &'a self,
        origin: Origin<'a>,
        parts: Option<&'a Parts>,
    ) -> Option<AllowOrigin<'a>> {
        let allowed = match &self.origins {
            OriginRule::Any => return origin.is_well_formed().then_some(AllowOrigin::Star),
            OriginRule::Matcher(m) => m.allows(origin, parts),
        };
        allowed.then_some(AllowOrigin::Value(origin.header_value()))
    }

    /// The method and header checks of a preflight whose origin is allowed.
    // Forced with the other request-path steps: (b) 3030 -> 2974 instructions/request.
    #[inline(always)]
    pub(crate) fn check_preflight<'a>(
        &'a self,
        preflight: Preflight<'a>,
        allow_origin: AllowOrigin<'a>,
    ) -> Result<AllowedPreflight<'a>, Rejection<'a>> {
        let origin = preflight.origin();
        // With credentials browsers read `*` literally, so "any" would echo
        // a method or header literally named `*` next to ACAC: reject those
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
        let rejected = match &self.headers {
            HeaderRule::List(list) => preflight.requested().find_name(|name| !list.contains(name)),
            HeaderRule::Any if self.credentials => {
                preflight.requested().find_name(|name| name == b"*")
            }
            HeaderRule::Any => None,
        };
        if let Some(name) = rejected {
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
        self.preflight.status()
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
}
