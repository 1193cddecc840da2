//! [`CorsBuilder`]: collects settings, validates them and compiles a [`Policy`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use crate::async_origin::AsyncOriginCheck;
use crate::error::{is_origin_list, ConfigError};
use crate::headers::{join, STAR};
use crate::interned::interned;
use crate::lists::{IntoHeaderNames, IntoMethods};
use crate::names::NameSet;
use crate::origin::{parse_configured, OriginMatcher, Predicate};
use crate::policy::{Expose, HeaderRule, MethodRule, OriginRule, Policy};
use crate::service::CorsLayer;
use crate::warning::{ConfigWarning, CHROMIUM_MAX_AGE_SECONDS};

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
    pub(crate) async_origin: Option<AsyncOriginCheck>,
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
        self.origins
            .extend(origins.into_iter().map(|o| o.as_ref().to_owned()));
        self
    }

    /// Allows every origin with `Access-Control-Allow-Origin: *`. Refused
    /// together with credentials or with listed origins.
    ///
    /// As for every policy, requests without `Origin` pass through
    /// untouched, so their responses carry no CORS headers; and since `*`
    /// does not depend on the origin, no `Vary: Origin` is added. A shared
    /// cache in front of the service that stores such a response and serves
    /// it to a cross-origin `fetch()` makes that fetch fail. If one does,
    /// have it key on `Origin`, or set `Access-Control-Allow-Origin: *` in
    /// your handlers too (the layer replaces it on CORS requests).
    ///
    /// ```
    /// let public_api = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
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
    pub fn allow_methods(mut self, methods: impl IntoMethods) -> Self {
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
    pub fn allow_headers(mut self, headers: impl IntoHeaderNames) -> Self {
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
    pub fn expose_headers(mut self, headers: impl IntoHeaderNames) -> Self {
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
        self.max_age = Some(age);
        self
    }

    /// Answers Private Network Access preflights
    /// (`Access-Control-Request-Private-Network: true`) with
    /// `Access-Control-Allow-Private-Network: true`. Off by default: it lets
    /// public sites reach this service on a private network.
    ///
    /// When off, such a preflight still gets the policy's ordinary answer,
    /// only without that header, so browsers enforcing Private Network
    /// Access block the request. It is not refused with 403: Chrome's
    /// warning-only mode lets the request through when just that header is
    /// missing, and a refusal would break it there.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
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
        self.preflight_status = status;
        self
    }

    /// Validates the configuration and compiles it. Never panics; every
    /// refusal is a [`ConfigError`] naming the value and the fix, and all
    /// of a configuration's mistakes are reported at once
    /// ([`ConfigError::errors`]). What is accepted but probably unintended
    /// is in [`CorsLayer::warnings`] (and logged at `warn` with the
    /// `tracing` feature).
    ///
    /// Memory: the compiled header values (origins, method and header lists,
    /// max-age) are copied once into a process-wide pool that is never
    /// freed, so that copying them into responses costs no atomic operation.
    /// The pool keeps each distinct value once, however often policies are
    /// built, and holds at most 64 KiB (about 2 000 origins); values past
    /// that stay with the policy and are freed with it.
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder().allow_any_origin().allow_credentials(true).build();
    /// assert_eq!(err.unwrap_err(), ConfigError::CredentialsWithAnyOrigin);
    /// ```
    pub fn build(self) -> Result<CorsLayer, ConfigError> {
        let policy = self
            .compile()
            .map_err(|errors| ConfigError::from_list(errors).unwrap_or(ConfigError::NoOrigin))?;
        crate::trace::built(&policy);
        crate::trace::warned(&policy);
        Ok(CorsLayer::from_policy(policy))
    }

    /// The compiled policy, or every mistake found, in the order of the
    /// settings: origins, methods, headers, exposed headers, the rest.
    pub(crate) fn compile(self) -> Result<Policy, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let origins = self.compile_origins(&mut errors);
        let (methods, allow_methods) = self.compile_methods(&mut errors);
        let (headers, allow_headers) = self.compile_headers(&mut errors);
        let expose = self.compile_expose(&mut errors);

        let max_age = match self.max_age {
            None => None,
            Some(age) if age.as_secs() > MAX_MAX_AGE.as_secs() => {
                errors.push(ConfigError::MaxAgeTooLong {
                    seconds: age.as_secs(),
                });
                None
            }
            Some(age) => Some(interned(HeaderValue::from(age.as_secs()))),
        };
        if !self.preflight_status.is_success() {
            errors.push(ConfigError::PreflightStatusNotSuccess {
                status: self.preflight_status,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let warnings = self.warnings();
        Ok(Policy {
            origins,
            credentials: self.credentials,
            methods,
            allow_methods,
            headers,
            allow_headers,
            expose,
            max_age,
            private_network: self.private_network,
            preflight_status: self.preflight_status,
            async_origin: self.async_origin,
            preflight_headers: HeaderMap::new(),
            warnings,
        }
        .with_preflight_headers())
    }

    /// What `build()` accepts but a user should know.
    fn warnings(&self) -> Box<[ConfigWarning]> {
        let mut warnings = Vec::new();
        if let Some(seconds) = self.max_age.map(|age| age.as_secs()) {
            if seconds > CHROMIUM_MAX_AGE_SECONDS {
                warnings.push(ConfigWarning::MaxAgeAboveChromiumCap { seconds });
            }
        }
        if self.private_network {
            warnings.push(ConfigWarning::PrivateNetworkAccessRetired);
        }
        if self.expose_any && self.credentials {
            warnings.push(ConfigWarning::ExposeAnyHeaderWithCredentials);
        }
        warnings.into_boxed_slice()
    }

    fn compile_origins(&self, errors: &mut Vec<ConfigError>) -> OriginRule {
        let mut specs = Vec::with_capacity(self.origins.len());
        for origin in &self.origins {
            if is_origin_list(origin) {
                errors.push(ConfigError::OriginList {
                    origin: origin.clone(),
                });
                continue;
            }
            let spec = match parse_configured(origin) {
                Ok(spec) => spec,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            if self.credentials && !self.credentials_over_http && !spec.is_trustworthy() {
                errors.push(ConfigError::InsecureOriginWithCredentials {
                    origin: origin.clone(),
                });
            }
            specs.push(spec);
        }
        if self.any_origin {
            if !self.origins.is_empty()
                || !self.predicates.is_empty()
                || self.async_origin.is_some()
            {
                errors.push(ConfigError::AnyOriginWithList);
            } else if self.credentials {
                errors.push(ConfigError::CredentialsWithAnyOrigin);
            }
            return OriginRule::Any;
        }
        if self.origins.is_empty() && self.predicates.is_empty() && self.async_origin.is_none() {
            errors.push(ConfigError::NoOrigin);
        }
        OriginRule::Matcher(OriginMatcher::new(specs, self.predicates.clone()))
    }

    fn compile_methods(&self, errors: &mut Vec<ConfigError>) -> (MethodRule, HeaderValue) {
        const UPPERCASE: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
        let mut methods: Vec<Method> = Vec::with_capacity(self.methods.len());
        for method in &self.methods {
            let method = match method {
                Ok(method) => method,
                Err(text) => {
                    errors.push(ConfigError::InvalidMethod {
                        method: text.clone(),
                    });
                    continue;
                }
            };
            let name = method.as_str();
            if name == "*" {
                errors.push(ConfigError::WildcardName {
                    list: "allow_methods",
                    instead: "allow_any_method",
                });
            } else if ["CONNECT", "TRACE", "TRACK"]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(name))
            {
                errors.push(ConfigError::ForbiddenMethod {
                    method: name.to_owned(),
                });
            } else if let Some(upper) = UPPERCASE
                .iter()
                .find(|u| u.eq_ignore_ascii_case(name) && **u != name)
            {
                // Browsers upper-case these six but send `patch` as is, and
                // methods compare case-sensitively: "delete" never matches.
                errors.push(ConfigError::LowercaseMethod {
                    method: name.to_owned(),
                    uppercase: (*upper).to_owned(),
                });
            } else if !methods.contains(method) {
                methods.push(method.clone());
            }
        }
        if self.any_method {
            return (MethodRule::Any, STAR);
        }
        let listed = if methods.is_empty() {
            HeaderValue::from_static("GET, HEAD, POST")
        } else {
            join(methods.iter().map(Method::as_str)).map_or(STAR, interned)
        };
        (MethodRule::List(methods), listed)
    }

    fn compile_headers(&self, errors: &mut Vec<ConfigError>) -> (HeaderRule, Option<HeaderValue>) {
        let mut names: Vec<HeaderName> = Vec::with_capacity(self.headers.len());
        for name in &self.headers {
            let name = match name {
                Ok(name) => name,
                Err(text) => {
                    errors.push(ConfigError::InvalidHeaderName {
                        header: text.clone(),
                        list: "allow_headers",
                    });
                    continue;
                }
            };
            if name.as_str() == "*" {
                errors.push(ConfigError::WildcardName {
                    list: "allow_headers",
                    instead: "allow_any_header",
                });
            } else if is_forbidden_request_header(name.as_str()) {
                errors.push(ConfigError::ForbiddenRequestHeader {
                    header: name.as_str().to_owned(),
                });
            } else if !names.contains(name) {
                names.push(name.clone());
            }
        }
        if self.any_header {
            return (HeaderRule::Any, None);
        }
        let value = join(names.iter().map(HeaderName::as_str)).map(interned);
        (HeaderRule::List(NameSet::new(&names)), value)
    }

    fn compile_expose(&self, errors: &mut Vec<ConfigError>) -> Expose {
        let mut names: Vec<&str> = Vec::with_capacity(self.expose.len());
        for name in &self.expose {
            let name = match name {
                Ok(name) => name.as_str(),
                Err(text) => {
                    errors.push(ConfigError::InvalidHeaderName {
                        header: text.clone(),
                        list: "expose_headers",
                    });
                    continue;
                }
            };
            if name == "*" {
                errors.push(ConfigError::WildcardName {
                    list: "expose_headers",
                    instead: "expose_any_header",
                });
            } else if matches!(name, "set-cookie" | "set-cookie2") {
                errors.push(ConfigError::ExposedSetCookie {
                    header: name.to_owned(),
                });
            } else if !names.contains(&name) {
                names.push(name);
            }
        }
        if self.expose_any && self.credentials {
            Expose::ResponseHeaders
        } else if self.expose_any {
            Expose::Value(STAR)
        } else {
            match join(names) {
                Some(value) => Expose::Value(interned(value)),
                None => Expose::None,
            }
        }
    }
}

/// The Fetch standard's forbidden request-header names: scripts cannot set
/// them, so allowing them only misleads.
fn is_forbidden_request_header(name: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    NAMES.contains(&name) || name.starts_with("proxy-") || name.starts_with("sec-")
}
