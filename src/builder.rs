//! [`CorsBuilder`]: collects settings, validates them and compiles a [`Policy`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::error::ConfigError;
use crate::lists::{IntoHeaderNames, IntoMethods};
use crate::origin_match::Predicate;
use crate::policy::origin_check::AsyncOriginSpec;
use crate::source::CorsLayer;

mod compile;
#[cfg(feature = "origin-lookup")]
mod origin_lookup;
mod presets;
mod scopes;
mod validate;

use scopes::Made;

use validate::Naming;

impl CorsLayer {
    /// Starts a configuration; see [`CorsBuilder`].
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn builder() -> CorsBuilder {
        CorsBuilder::new()
    }

    /// tower-http's constructor, kept only to point to
    /// [`builder`](CorsLayer::builder): it returns an empty
    /// [`CorsBuilder`], not a layer. A layer that allowed nothing would
    /// refuse every CORS request without a word, and one that allowed
    /// everything (what rustc suggested before this existed:
    /// [`permissive`](CorsLayer::permissive)) would open the API to every
    /// site; `builder()...build()?` says what is allowed and checks it.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// let cors = tower_cors::CorsLayer::new() // same as CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    #[deprecated(
        note = "tower-cors configures with a builder: use CorsLayer::builder()...build()?, \
                which checks the configuration; CorsLayer::permissive() allows every origin"
    )]
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> CorsBuilder {
        CorsBuilder::new()
    }
}

/// Longest `Access-Control-Max-Age` accepted: 24 hours, Firefox's cap
/// (Chromium caps at 2 hours).
pub const MAX_MAX_AGE: Duration = Duration::from_secs(86_400);

/// Collects a CORS configuration; [`build`](CorsBuilder::build) validates it
/// and compiles a [`CorsLayer`].
///
/// Nothing is allowed until configured: no origins (and `build()` refuses a
/// policy without any origin rule), and preflights may ask for GET, HEAD and
/// POST only with no extra headers. List-taking methods add to what earlier
/// calls listed.
///
/// ```
/// use std::time::Duration;
/// use http::{header, Method};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com", "https://*.example.com"])
///     .allow_methods([Method::GET, Method::POST, Method::DELETE])
///     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
///     .expose_headers([header::HeaderName::from_static("x-request-id")])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[must_use = "a builder does nothing until build() is called"]
#[derive(Clone)]
pub struct CorsBuilder {
    origins: Vec<String>,
    any_origin: bool,
    predicates: Vec<Predicate>,
    /// Methods as given; text that is not a method waits for `build()`.
    methods: Vec<Result<Method, String>>,
    any_method: bool,
    /// Header names as given; text that is not one waits for `build()`.
    headers: Vec<Result<HeaderName, String>>,
    any_header: bool,
    expose: Vec<Result<HeaderName, String>>,
    expose_any: bool,
    credentials: bool,
    credentials_over_http: bool,
    max_age: Option<Duration>,
    private_network: bool,
    preflight_status: StatusCode,
    pub(crate) async_origin: Option<AsyncOriginSpec>,
    #[cfg(feature = "origin-lookup")]
    pub(crate) lookup_settings: crate::policy::origin_lookup::LookupSettings,
    guard_websockets: bool,
    /// Whose words `build()`'s errors speak.
    naming: Naming,
    guard_cross_origin_writes: bool,
    /// Which settings were made: a route's or group's overrides replace
    /// only these.
    made: Made,
    routes: Vec<(String, CorsBuilder)>,
    groups: Vec<(Vec<String>, CorsBuilder)>,
}

impl Default for CorsBuilder {
    fn default() -> Self {
        CorsBuilder {
            origins: Vec::new(),
            any_origin: false,
            predicates: Vec::new(),
            methods: Vec::new(),
            any_method: false,
            headers: Vec::new(),
            any_header: false,
            expose: Vec::new(),
            expose_any: false,
            credentials: false,
            credentials_over_http: false,
            max_age: None,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            async_origin: None,
            #[cfg(feature = "origin-lookup")]
            lookup_settings: Default::default(),
            guard_websockets: false,
            naming: Naming::default(),
            guard_cross_origin_writes: false,
            made: Made::default(),
            routes: Vec::new(),
            groups: Vec::new(),
        }
    }
}

impl fmt::Debug for CorsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsBuilder")
            .field("origins", &self.origins)
            .field("any_origin", &self.any_origin)
            .field("predicates", &self.predicates.len())
            .field("methods", &self.methods)
            .field("any_method", &self.any_method)
            .field("headers", &self.headers)
            .field("any_header", &self.any_header)
            .field("expose", &self.expose)
            .field("expose_any", &self.expose_any)
            .field("credentials", &self.credentials)
            .field("credentials_over_http", &self.credentials_over_http)
            .field("max_age", &self.max_age)
            .field("private_network", &self.private_network)
            .field("preflight_status", &self.preflight_status)
            .field("async_origin", &self.async_origin.is_some())
            .field("guard_websockets", &self.guard_websockets)
            .field("guard_cross_origin_writes", &self.guard_cross_origin_writes)
            .field("routes", &self.routes)
            .field("groups", &self.groups)
            .finish()
    }
}

impl CorsBuilder {
    /// An empty configuration; the same as [`CorsLayer::builder`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows these origins: exact (`"https://app.example.com"`), subdomain
    /// patterns (`"https://*.example.com"`: one or more labels before
    /// `example.com`, never `example.com` itself) and port patterns
    /// (`"http://localhost:*"`: any port, including none).
    ///
    /// Origins must be written as browsers send them (lowercase, no default
    /// port, no path or trailing slash); [`build`](Self::build) refuses
    /// anything else and names the canonical form.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com", "http://localhost:*"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.made.mark(Made::ORIGINS);
        self.origins
            .extend(origins.into_iter().map(|o| o.as_ref().to_owned()));
        self
    }

    /// Allows every origin with `Access-Control-Allow-Origin: *`. Refused
    /// together with credentials or with listed origins.
    ///
    /// Every response gets `Access-Control-Allow-Origin: *` (and the exposed
    /// headers), responses to requests without `Origin` included: a cached
    /// response to a navigation or an `<img>` then also serves a later
    /// `fetch()` (Fetch, "CORS protocol and HTTP caches"). Since `*` does not
    /// depend on the origin, no `Vary: Origin` is added, except to a refused
    /// request's response (a malformed `Origin`), which carries no CORS
    /// headers and must not be served to browsers from a shared cache.
    ///
    /// ```
    /// let public_api = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
        self.made.mark(Made::ORIGINS);
        self.any_origin = true;
        self
    }

    /// Allows origins this function accepts, in addition to listed ones. It
    /// runs only when no listed origin or pattern matched, and never for
    /// `null` or malformed origins. The allowed origin is echoed back.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origin_predicate(|origin, _parts| origin.as_bytes().ends_with(b".internal.example"))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_predicate<F>(mut self, f: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static,
    {
        self.made.mark(Made::ORIGINS);
        self.predicates.push(Arc::new(f));
        self
    }

    /// Allows preflights to ask for these methods. GET, HEAD and POST are
    /// always allowed, because browsers never check them against
    /// `Access-Control-Allow-Methods`; without this call the header says
    /// `GET, HEAD, POST`. Methods compare case-sensitively, as in browsers,
    /// so `build()` refuses the six standard ones in lowercase.
    ///
    /// Takes one method or a list ([`IntoMethods`]), typed or as text
    /// (`"PATCH"`, checked by `build()`).
    ///
    /// ```
    /// use http::Method;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods([Method::PUT, Method::DELETE])
    ///     .allow_methods(Method::PATCH)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_methods<M>(mut self, methods: impl IntoMethods<M>) -> Self {
        self.made.mark(Made::METHODS);
        methods.push_methods(&mut self.methods);
        self
    }

    /// Allows any method: `*` without credentials, the requested method
    /// echoed with credentials (where browsers read `*` literally).
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().allow_any_method().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_method(mut self) -> Self {
        self.made.mark(Made::METHODS);
        self.any_method = true;
        self
    }

    /// Allows scripts to send these request headers.
    ///
    /// Takes one name or a list ([`IntoHeaderNames`]), typed or as text
    /// (`"x-api-key"`, any case, checked by `build()`).
    ///
    /// ```
    /// use http::header;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
    ///     .allow_headers(["x-api-key"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_headers<M>(mut self, headers: impl IntoHeaderNames<M>) -> Self {
        self.made.mark(Made::HEADERS);
        headers.push_header_names(&mut self.headers);
        self
    }

    /// Allows any request header, `Authorization` included. Without
    /// credentials the answer is `*`, plus an explicit `authorization` when
    /// it is requested (browsers never let `*` cover it); with credentials
    /// the requested list is echoed.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().allow_any_header().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_header(mut self) -> Self {
        self.made.mark(Made::HEADERS);
        self.any_header = true;
        self
    }

    /// Lets scripts read these response headers.
    ///
    /// Takes one name or a list ([`IntoHeaderNames`]), typed or as text
    /// (`"x-total"`, any case, checked by `build()`).
    ///
    /// ```
    /// use http::HeaderName;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .expose_headers([HeaderName::from_static("x-request-id")])
    ///     .expose_headers(["x-total"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn expose_headers<M>(mut self, headers: impl IntoHeaderNames<M>) -> Self {
        self.made.mark(Made::EXPOSE);
        headers.push_header_names(&mut self.expose);
        self
    }

    /// Lets scripts read every response header (except `Set-Cookie`, which
    /// browsers never expose): `*` without credentials; with credentials, where
    /// browsers read `*` literally, each response's own header names.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().expose_any_header().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn expose_any_header(mut self) -> Self {
        self.made.mark(Made::EXPOSE);
        self.expose_any = true;
        self
    }

    /// Allows credentialed requests (cookies, TLS client certificates,
    /// `Authorization` sent by the browser): `Access-Control-Allow-Credentials: true`.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.made.mark(Made::CREDENTIALS);
        self.credentials = allow;
        self
    }

    /// Accepts plain `http://` origins other than loopback together with
    /// credentials. Off by default: anyone on the network path of such an
    /// origin can run script in it and ride on the user's credentials.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["http://intranet.example"])
    ///     .allow_credentials(true)
    ///     .allow_credentials_over_http(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_credentials_over_http(mut self, allow: bool) -> Self {
        self.made.mark(Made::CREDENTIALS_OVER_HTTP);
        self.credentials_over_http = allow;
        self
    }

    /// How long browsers may cache a preflight answer
    /// (`Access-Control-Max-Age`, at most 86400 s). The header carries whole
    /// seconds: a fraction of a second is dropped, and only the whole
    /// seconds count against the limit. Without it browsers cache for 5
    /// seconds.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .max_age(Duration::from_secs(3600))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn max_age(mut self, age: Duration) -> Self {
        self.made.mark(Made::MAX_AGE);
        self.max_age = Some(age);
        self
    }

    /// Answers Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`. Off by default: it lets
    /// public sites reach this service on a private network.
    ///
    /// What it does today: only Chromium builds that send those preflights
    /// read the header. Chrome put them on hold in 2024 and since Chrome 142
    /// guards local networks with Local Network Access, a permission prompt
    /// the user answers and no server header can; Firefox and Safari never
    /// enforced Private Network Access. So in current browsers this setting
    /// neither grants nor blocks anything: it answers older Chromium builds
    /// only, and changes nothing on other requests.
    ///
    /// When off, such a preflight still gets the policy's ordinary answer,
    /// only without that header, not a 403: Chrome's warning-only mode lets
    /// the request through when just that header is missing, and a refusal
    /// would break it there.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.made.mark(Made::PRIVATE_NETWORK);
        self.private_network = allow;
        self
    }

    /// The status of allowed preflight answers: 204 by default; 200 for old
    /// clients that mishandle 204. Must be 2xx.
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .preflight_status(StatusCode::OK)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn preflight_status(mut self, status: StatusCode) -> Self {
        self.made.mark(Made::PREFLIGHT_STATUS);
        self.preflight_status = status;
        self
    }

    /// Allows origins that an async check accepts, e.g. a lookup of
    /// registered tenant origins in a database. It is asked only when the
    /// listed origins, patterns and [`allow_origin_predicate`]s did not allow
    /// the origin, and never for `null` or malformed origins; an allowed
    /// origin is echoed back. A later call replaces an earlier one.
    ///
    /// The function gets the `Origin` value and the request head and returns
    /// a `'static` future: clone what it needs (a pool handle, the origin)
    /// into it.
    ///
    /// - **Actual requests** reach the inner service at once; the check runs
    ///   alongside, and the response gets CORS headers when both are done
    ///   and the check said yes. No `Clone` bound on the inner service.
    /// - **Preflights** wait for the check, then are answered as usual.
    ///
    /// [`Policy::decide`](crate::Policy::decide) stays synchronous and
    /// applies the static rules only: for an origin they do not allow it
    /// returns [`Decision::Deferred`](crate::Decision::Deferred), never a
    /// rejection the predicate might overturn, and the layer then asks the
    /// predicate. With the `tracing` feature, the rejection event is emitted
    /// only if the predicate also says no.
    ///
    /// **Cost**: requests whose origin the static rules allow, and requests
    /// without `Origin`, pay nothing. Each other request pays the check
    /// itself, one boxed future, one small box of state, and for actual
    /// requests a clone of the `Origin` value. Cache answers in the
    /// predicate if the lookup is slow, and keep the static rules for the
    /// origins you know, so the common case never gets here.
    ///
    /// [`allow_origin_predicate`]: Self::allow_origin_predicate
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, RwLock};
    /// use tower_cors::CorsLayer;
    ///
    /// // Stands in for a database of tenant origins.
    /// let tenants = Arc::new(RwLock::new(HashSet::from(["https://shop.tenant.example".to_owned()])));
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_origin_async_predicate(move |origin, _parts| {
    ///         let tenants = Arc::clone(&tenants);
    ///         let origin = origin.to_str().unwrap_or_default().to_owned();
    ///         async move { tenants.read().unwrap().contains(&origin) }
    ///     })
    ///     .build()?;
    /// assert!(cors.policy().to_string().contains("+ async predicate"));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_async_predicate<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.made.mark(Made::ORIGINS);
        self.async_origin = Some(AsyncOriginSpec::predicate(f));
        self
    }

    /// Also refuses WebSocket handshakes whose `Origin` the policy does not
    /// allow: 403 with no CORS headers, the inner service not called, the
    /// request decided as [`Rejected`](crate::Rejected) with kind
    /// [`RequestKind::WebSocket`](crate::RequestKind::WebSocket) and the
    /// origin's own reason. Off by default.
    ///
    /// Browsers send `Origin` on handshakes but apply no CORS check to them,
    /// so without this any site can open a socket with the user's cookies
    /// (cross-site WebSocket hijacking). A handshake is an HTTP/1.1 `GET`
    /// whose `Upgrade` lists `websocket` (any case, anywhere in the list), or
    /// any `CONNECT`: HTTP/2's extended CONNECT (RFC 8441) names its protocol
    /// in `:protocol`, which is not an `http` header, and scripts cannot send
    /// `CONNECT` otherwise (Fetch forbids it).
    ///
    /// Handshakes are judged by the same origin rules as every request:
    /// exact origins, patterns, predicates and the async predicate, under
    /// which the inner service's future is created but polled only once the
    /// origin is allowed, and dropped unpolled if it is not. Handshakes
    /// without `Origin` (non-browser clients) pass; under
    /// [`allow_any_origin`](Self::allow_any_origin) every handshake passes.
    /// Other requests are decided as without it, and cost the same.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Decision, RequestKind};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]);
    /// let cors = cors.guard_websockets(true).build()?;
    /// let handshake = http::Request::get("/ws").header("origin", "https://evil.example");
    /// let (parts, ()) = handshake.header("upgrade", "websocket").body(())?.into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
    /// assert_eq!(rejected.kind(), RequestKind::WebSocket);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guard_websockets(mut self, on: bool) -> Self {
        self.made.mark(Made::GUARD_WEBSOCKETS);
        self.guard_websockets = on;
        self
    }

    /// Refuse state-changing requests (every method but GET, HEAD, OPTIONS)
    /// that a browser sends from an origin this policy does not allow: 403
    /// with no CORS headers, the inner service not called, decided as
    /// [`Rejected`](crate::Rejected) with kind
    /// [`RequestKind::CrossOriginWrite`](crate::RequestKind::CrossOriginWrite).
    /// Off by default. CORS only hides responses: without this, a cross-site
    /// form or a no-cors `fetch` POST reaches the handler with the user's
    /// cookies.
    ///
    /// Decided as Go's `CrossOriginProtection`, with the same origin rules
    /// as CORS (a failed origin lookup refuses): `Sec-Fetch-Site:
    /// same-origin` or `none` passes; any other `Sec-Fetch-Site` passes
    /// only if the `Origin` is allowed (none or `null` is refused); without
    /// `Sec-Fetch-Site`, no `Origin` passes, an `Origin` naming the
    /// request's `Host` (HTTP/2: the URI's authority) passes, default ports
    /// filled in from the origin's scheme since the server cannot know the
    /// scheme behind a proxy, and anything else only if allowed (`null`
    /// never). A request that passes is decided as without the guard.
    /// Under [`allow_any_origin`](Self::allow_any_origin) only `null` and
    /// origin-less writes are refused ([`CorsLayer::warnings`] says so).
    /// Requests the origin rules allow cost the same. See the guide,
    /// [CORS is not CSRF protection](crate::guide::cors_is_not_csrf_protection).
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Decision, RequestKind};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]);
    /// let cors = cors.guard_cross_origin_writes(true).build()?;
    /// let form = http::Request::post("/transfer").header("origin", "https://evil.example");
    /// let (parts, ()) = form.header("sec-fetch-site", "cross-site").body(())?.into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
    /// assert_eq!(rejected.kind(), RequestKind::CrossOriginWrite);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guard_cross_origin_writes(mut self, on: bool) -> Self {
        self.made.mark(Made::GUARD_WRITES);
        self.guard_cross_origin_writes = on;
        self
    }

    /// Validates the configuration and compiles it. Never panics; every
    /// refusal is a [`ConfigError`] naming the value, where it is
    /// ([`ConfigError::location`]) and the fix, and all
    /// of a configuration's mistakes are reported at once
    /// ([`ConfigError::errors`]). What is accepted but probably unintended
    /// is in [`CorsLayer::warnings`] (and logged at `warn` with the
    /// `tracing` feature).
    ///
    /// The compiled header values live in one buffer the policy owns and
    /// frees with it.
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder().allow_any_origin().allow_credentials(true).build().unwrap_err();
    /// assert!(matches!(err, ConfigError::CredentialsWithAnyOrigin { .. }));
    /// assert_eq!(err.location().unwrap().field(), "allow_credentials");
    /// ```
    pub fn build(self) -> Result<CorsLayer, ConfigError> {
        let policy = self.compile()?;
        crate::observe::trace::built(&policy);
        crate::observe::trace::warned(policy.warnings());
        Ok(CorsLayer::from_policy(policy))
    }
}
