//! Decide: the compiled [`Policy`] and its pure decision function,
//! [`Policy::decide`]. It reads the classified request and the policy and
//! says what the response must carry; it writes nothing (`response/` does).

use std::fmt;
use std::sync::Arc;

mod allowed;
mod inspect;
pub(crate) mod origin_check;
#[cfg(feature = "origin-lookup")]
pub(crate) mod origin_lookup;
pub(crate) mod set;
pub(crate) mod write_guard;

use http::header::HeaderName;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};

pub(crate) use allowed::{
    ActualHeaders, AllowOrigin, Expose, HeadersFill, MethodFill, PreflightFill, PreflightTemplate,
};
pub use allowed::{AllowedActual, AllowedPreflight};

use crate::names::NameSet;
use crate::origin_match::OriginMatcher;
use crate::request::{CorsRequest, Head, Origin, Preflight, Rejected, Rejection, RequestKind};
use crate::warning::ConfigWarning;
use origin_check::AsyncOriginCheck;
use set::{Place, PolicySet};

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

/// Which request headers a preflight may ask for.
#[derive(Debug, Clone)]
pub(crate) enum HeaderRule {
    Any,
    /// The listed names.
    List(NameSet),
}

/// "Any" or a list, as configured. Compiled, the methods a preflight may ask
/// for (GET, HEAD and POST are always allowed besides the list, as browsers
/// never check them against `Access-Control-Allow-Methods`).
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
    pub(crate) guard_cross_origin_writes: bool,
    /// Whether origin groups apply where this policy does: their origins
    /// are echoed, so responses depend on the origin even under any-origin.
    pub(crate) under_groups: bool,
    /// Where it applies, in a set; empty for a base.
    pub(crate) place: Place,
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
    pub(crate) methods: Listed<Method>,
    /// `Access-Control-Allow-Methods` for a listed set.
    pub(crate) allow_methods: HeaderValue,
    pub(crate) headers: HeaderRule,
    /// `Access-Control-Allow-Headers` for a listed set; `None` when empty.
    pub(crate) allow_headers: Option<HeaderValue>,
    pub(crate) expose: Expose,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
    /// Asked when the static origin rules reject (`lookup/`).
    pub(crate) async_origin: Option<AsyncOriginCheck>,
    /// What every allowed preflight answer starts from.
    pub(crate) preflight: PreflightTemplate,
    /// What `build()` accepted but a user should know.
    pub(crate) warnings: Box<[ConfigWarning]>,
    /// Refuse WebSocket handshakes from refused origins; never set under
    /// any-origin, where every origin is allowed.
    pub(crate) websocket_guard: bool,
    /// Refuse writes from origins the policy does not allow
    /// ([`write_guard`]).
    pub(crate) write_guard: bool,
    /// Whether responses depend on the request's `Origin` (`Vary: Origin`).
    pub(crate) vary: bool,
    /// Whether deciding needs the request head as `Parts`, here or in any
    /// policy of the set.
    pub(crate) needs_parts: bool,
    /// Where it applies, in a set; empty for a base.
    pub(crate) place: Place,
    /// The routes and origin groups, compiled; `None` for one policy.
    pub(crate) set: Option<Arc<PolicySet>>,
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
            .field("preflight_status", &self.preflight.status)
            .field("async_origin", &self.async_origin.is_some())
            .field("websocket_guard", &self.websocket_guard)
            .field("write_guard", &self.write_guard)
            .field("place", &self.place)
            .field("set", &self.set)
            .finish()
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
    /// The static origin rules do not allow the origin, and only the async
    /// origin check ([`allow_origin_lookup`] or
    /// [`allow_origin_async_predicate`]) can: the layer asks it, and its
    /// answer becomes one of the decisions above. The [`Rejected`] is what
    /// stands if it says no.
    ///
    /// [`allow_origin_lookup`]: crate::CorsBuilder::allow_origin_lookup
    /// [`allow_origin_async_predicate`]: crate::CorsBuilder::allow_origin_async_predicate
    Deferred(Rejected<'a>),
}

impl Policy {
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
        let policy = self.selected(parts);
        policy.decide_with(&parts.method, &parts.headers, Some(parts))
    }

    /// The policy of the set that decides `parts`: [`Policy::select`] by
    /// reference.
    #[inline]
    pub(crate) fn selected(&self, parts: &Parts) -> &Policy {
        match &self.set {
            None => self,
            Some(set) => set
                .select(parts.uri.path(), &parts.headers)
                .map_or(self, |policy| &**policy),
        }
    }

    /// The policy of the set that decides `head`: the route of its path
    /// and the group of its origin, or this policy itself.
    #[inline]
    pub(crate) fn select<'a>(self: &'a Arc<Policy>, head: Head<'_>) -> &'a Arc<Policy> {
        match &self.set {
            None => self,
            Some(set) => set.select(head.uri.path(), head.headers).unwrap_or(self),
        }
    }

    /// [`Policy::decide`] by this policy itself, on a request head split
    /// into [`Parts`] or not (only policies that [need
    /// them](Policy::needs_parts) need them); a base with routes or groups
    /// [selects](Policy::select) the policy first.
    #[inline]
    pub(crate) fn decide_head<'a>(&'a self, head: Head<'a>) -> Decision<'a> {
        debug_assert!(head.parts.is_some() || !self.needs_parts());
        self.decide_with(head.method, head.headers, head.parts)
    }

    /// Whether deciding needs the request head as [`Parts`]: predicates
    /// take it, and the write guard reads its URI.
    #[inline]
    pub(crate) fn needs_parts(&self) -> bool {
        self.needs_parts
    }

    /// Whether the write guard is on here or in any route or group.
    pub(crate) fn guards_writes_anywhere(&self) -> bool {
        let mut members = self.set.iter().flat_map(|set| set.policies());
        self.write_guard || members.any(|policy| policy.write_guard)
    }

    /// Where this policy applies in its set: the route and origin group
    /// whose settings it has.
    pub(crate) fn place(&self) -> &Place {
        &self.place
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
    // Forced inline: see BENCHMARKS.md, "Forced inlines".
    #[inline(always)]
    fn decide_with<'a>(
        &'a self,
        method: &'a Method,
        headers: &'a HeaderMap,
        parts: Option<&'a Parts>,
    ) -> Decision<'a> {
        // Only the write guard reads the URI, and it always has `parts`:
        // passing the URI on its own costs every other request a copy.
        let uri = || parts.map(|parts| &parts.uri);
        let request = match CorsRequest::classify(method, headers) {
            Ok(request) => request,
            Err(rejected) if rejected.kind() == RequestKind::Actual => {
                let kind = self.refused_kind(method, uri(), headers, rejected.origin_value());
                return Decision::Rejected(rejected.of_kind(kind));
            }
            Err(rejected) => return Decision::Rejected(rejected),
        };
        match request {
            CorsRequest::NotCors if self.write_guard => guard_writes(method, uri(), headers, None),
            CorsRequest::NotCors => Decision::NotCors,
            CorsRequest::Actual(origin) => match self.allow_origin(origin, parts) {
                // Only any-origin policies allow `null`; the guard never does.
                Some(AllowOrigin::Star) if self.write_guard && origin.is_null() => {
                    guard_writes(method, uri(), headers, Some(origin))
                }
                Some(allow_origin) => Decision::Actual(AllowedActual::new(allow_origin)),
                None => {
                    let kind =
                        self.refused_kind(method, uri(), headers, Some(origin.header_value()));
                    self.refuse_origin(kind, origin)
                }
            },
            CorsRequest::Preflight(preflight) => {
                let origin = preflight.origin();
                match self.allow_origin(origin, parts) {
                    None => self.refuse_origin(RequestKind::Preflight, origin),
                    Some(allow_origin) => self.decide_preflight(preflight, allow_origin),
                }
            }
        }
    }

    /// An origin the static rules do not allow: rejected, unless the async
    /// check may still allow it (it never sees `null` nor malformed origins).
    fn refuse_origin<'a>(&self, kind: RequestKind, origin: Origin<'a>) -> Decision<'a> {
        let rejected = Rejected::origin(kind, origin);
        if self.async_origin.is_some() && rejected.checkable_origin().is_some() {
            return Decision::Deferred(rejected);
        }
        Decision::Rejected(rejected)
    }

    /// The kind of a refused non-preflight request from `origin`: a
    /// WebSocket handshake or a cross-origin write under their guards
    /// (answered with 403), else an actual request. Asked only on refusal,
    /// so allowed requests never look at `Upgrade` or `Sec-Fetch-Site`.
    #[inline]
    pub(crate) fn refused_kind(
        &self,
        method: &Method,
        uri: Option<&Uri>,
        headers: &HeaderMap,
        origin: Option<&HeaderValue>,
    ) -> RequestKind {
        if self.websocket_guard && crate::request::websocket::is_handshake(method, headers) {
            RequestKind::WebSocket
        } else if self.write_guard && write_guard::refuses(method, headers, uri, origin) {
            RequestKind::CrossOriginWrite
        } else {
            RequestKind::Actual
        }
    }

    #[inline]
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

    /// A preflight whose origin is allowed: its method and headers decide.
    #[inline]
    pub(crate) fn decide_preflight<'a>(
        &'a self,
        preflight: Preflight<'a>,
        allow_origin: AllowOrigin<'a>,
    ) -> Decision<'a> {
        let origin = preflight.origin();
        match self.check_preflight(preflight, allow_origin) {
            Ok(allowed) => Decision::Preflight(allowed),
            Err(reason) => {
                Decision::Rejected(Rejected::other(RequestKind::Preflight, origin, reason))
            }
        }
    }

    /// The method and header checks of a preflight whose origin is allowed.
    #[inline]
    fn check_preflight<'a>(
        &'a self,
        preflight: Preflight<'a>,
        allow_origin: AllowOrigin<'a>,
    ) -> Result<AllowedPreflight<'a>, Rejection<'a>> {
        let origin = preflight.origin();
        if !self.allows_method(preflight.method_value().as_bytes()) {
            return Err(Rejection::MethodNotAllowed(preflight.method()));
        }

        let authorization_requested = preflight.requested().includes_authorization();
        // With credentials browsers read `*` literally, so "any" would echo
        // a header literally named `*` next to ACAC: reject it instead, and
        // no credentialed answer ever carries `*`.
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
        Ok(AllowedPreflight::new(
            self,
            allow_origin,
            preflight,
            authorization_requested,
        ))
    }

    /// Whether a preflight may ask for `method` (as sent). With credentials
    /// browsers read `*` literally, so "any" does not cover a method named
    /// `*`.
    #[inline]
    pub(crate) fn allows_method(&self, method: &[u8]) -> bool {
        match &self.methods {
            Listed::Any => !(self.credentials && method == b"*"),
            Listed::List(list) => {
                matches!(method, b"GET" | b"HEAD" | b"POST")
                    || list.iter().any(|m| m.as_str().as_bytes() == method)
            }
        }
    }

    /// Whether responses depend on the request's `Origin`, so caches must
    /// key on it (`Vary: Origin`): true unless every origin gets `*`. With
    /// [routes](crate::CorsBuilder::route) or [origin
    /// groups](crate::CorsBuilder::origin_group), true if it is true
    /// anywhere in the layer.
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
        self.vary
            || self
                .set
                .as_ref()
                .is_some_and(|set| set.policies().any(|p| p.vary))
    }

    /// Whether credentialed requests are allowed (`Access-Control-Allow-Credentials: true`):
    /// the base policy's, where no [route](crate::CorsBuilder::route) or
    /// [origin group](crate::CorsBuilder::origin_group) says otherwise
    /// (its `Display` lists each).
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

    /// The status of allowed preflight responses: the base policy's, like
    /// [`allows_credentials`](Policy::allows_credentials).
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
        self.preflight.status
    }

    /// What allowed actual responses get besides `Access-Control-Allow-Origin`.
    #[inline]
    pub(crate) fn actual_headers(&self) -> ActualHeaders {
        ActualHeaders {
            credentials: self.credentials,
            expose: self.expose.clone(),
            vary: self.vary,
        }
    }

    /// The template every allowed preflight answer starts from.
    #[inline]
    pub(crate) fn preflight_template(&self) -> &PreflightTemplate {
        &self.preflight
    }
}

/// A write the origin rules pass without checking an origin (no `Origin`:
/// not a CORS request; `null` under any-origin), under the write guard: a
/// browser's write carries an origin the rules can check, so one that says
/// it comes from another site without one is refused. Out of line and cold:
/// policies without the guard keep none of its code in their path.
#[cold]
#[inline(never)]
fn guard_writes<'a>(
    method: &Method,
    uri: Option<&Uri>,
    headers: &HeaderMap,
    origin: Option<Origin<'a>>,
) -> Decision<'a> {
    let value = origin.map(|origin| origin.header_value());
    match (write_guard::refuses(method, headers, uri, value), origin) {
        (false, None) => Decision::NotCors,
        (false, Some(_)) => Decision::Actual(AllowedActual::new(AllowOrigin::Star)),
        (true, Some(origin)) => {
            Decision::Rejected(Rejected::origin(RequestKind::CrossOriginWrite, origin))
        }
        (true, None) => Decision::Rejected(Rejected::without_origin(
            RequestKind::CrossOriginWrite,
            Rejection::WriteWithoutOrigin(""),
        )),
    }
}
