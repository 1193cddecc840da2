//! [`ConfigError`]: every configuration [`CorsBuilder::build`](crate::CorsBuilder::build) refuses.

/// A CORS configuration that [`CorsBuilder::build`](crate::CorsBuilder::build) refuses.
///
/// Each message names the offending value and says how to fix it. Values are
/// printed with control characters escaped, so a message is safe to log.
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer};
///
/// let err = CorsLayer::builder()
///     .allow_origins(["https://App.Example.com/"])
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, ConfigError::NonCanonicalOrigin { .. }));
/// assert!(err.to_string().contains("\"https://app.example.com\""));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `allow_credentials(true)` together with `allow_any_origin()`.
    #[error(
        "allow_credentials(true) cannot be combined with allow_any_origin(): browsers refuse \
         `Access-Control-Allow-Origin: *` on credentialed requests, and echoing every origin \
         with credentials lets any site act as the user; list the trusted origins with \
         allow_origins([...]) instead"
    )]
    CredentialsWithAnyOrigin,

    /// `allow_any_origin()` together with listed origins or a predicate.
    #[error(
        "allow_any_origin() was combined with allow_origins or an origin predicate, which it \
         makes meaningless; keep either allow_any_origin() or the list"
    )]
    AnyOriginWithList,

    /// `*` given as a listed origin.
    #[error(
        "\"*\" is not an origin; call allow_any_origin() to allow every origin, or list \
         patterns such as \"https://*.example.com\""
    )]
    WildcardOrigin,

    /// `null` given as a listed origin.
    #[error(
        "\"null\" cannot be allowed: it is the origin of sandboxed iframes, file: pages and \
         redirected requests alike, so allowing it allows all of them; serve the page from a \
         real origin and list that one"
    )]
    NullOrigin,

    /// A `file://` origin.
    #[error(
        "{origin:?} cannot be allowed: browsers send `Origin: null` for file: pages; serve the \
         page over http://localhost instead and list that origin"
    )]
    FileOrigin {
        /// The origin as configured.
        origin: String,
    },

    /// A string that is not an origin at all.
    #[error("{origin:?} is not a valid origin ({reason}); write it as scheme://host[:port], e.g. \"https://app.example.com\"")]
    InvalidOrigin {
        /// The origin as configured.
        origin: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// An origin with a path (other than a lone trailing `/`).
    #[error("{origin:?} has a path, but an origin never does; use {canonical:?}")]
    OriginWithPath {
        /// The origin as configured.
        origin: String,
        /// The origin without its path, in canonical form.
        canonical: String,
    },

    /// An origin with a query or a fragment.
    #[error("{origin:?} has a query or fragment, but an origin never does; use {canonical:?}")]
    OriginWithQueryOrFragment {
        /// The origin as configured.
        origin: String,
        /// The origin without query and fragment, in canonical form.
        canonical: String,
    },

    /// An origin with user information (`user:pass@`).
    #[error("{origin:?} has user information, but an origin never does; use {canonical:?}")]
    OriginWithUserInfo {
        /// The origin as configured.
        origin: String,
        /// The origin without user information, in canonical form.
        canonical: String,
    },

    /// An origin not written in the form browsers send (case, default port,
    /// trailing slash, Unicode host, IP address notation).
    #[error(
        "{origin:?} is not in canonical form, so it would never equal a browser's Origin header; \
         use {canonical:?}"
    )]
    NonCanonicalOrigin {
        /// The origin as configured.
        origin: String,
        /// The form browsers send.
        canonical: String,
    },

    /// A `*` anywhere but a whole leading host label or the whole port.
    #[error(
        "{origin:?} has a wildcard where none is supported; `*` may only be the first host label \
         (\"https://*.example.com\") or the port (\"http://localhost:*\")"
    )]
    MisplacedWildcard {
        /// The pattern as configured.
        origin: String,
    },

    /// A subdomain wildcard whose suffix is a public suffix (anyone can register under it).
    #[error(
        "{origin:?} would allow every site registered under the public suffix {suffix:?}; use a \
         domain you control, e.g. \"https://*.example.{suffix}\""
    )]
    WildcardOnPublicSuffix {
        /// The pattern as configured.
        origin: String,
        /// The public suffix the wildcard sits on.
        suffix: String,
    },

    /// A subdomain wildcard on an IP address.
    #[error("{origin:?} puts a subdomain wildcard on an IP address, which has no subdomains; list the address itself")]
    WildcardOnIpAddress {
        /// The pattern as configured.
        origin: String,
    },

    /// A plain `http://` origin (not loopback) together with credentials.
    #[error(
        "{origin:?} is plain http:// and credentials are allowed: anyone on the network path can \
         inject script into that origin and use the user's credentials; use https://, or call \
         allow_credentials_over_http(true) if you accept that risk (loopback hosts are always fine)"
    )]
    InsecureOriginWithCredentials {
        /// The origin as configured.
        origin: String,
    },

    /// A method browsers never let scripts use (CONNECT, TRACE, TRACK).
    #[error("{method:?} is a forbidden method that browsers never send cross-origin; remove it from allow_methods")]
    ForbiddenMethod {
        /// The method as configured.
        method: String,
    },

    /// A request header browsers never let scripts set (`Cookie`, `Host`, `Sec-*`, ...).
    #[error("{header:?} is a forbidden request header that scripts cannot set; remove it from allow_headers")]
    ForbiddenRequestHeader {
        /// The header name as configured.
        header: String,
    },

    /// `Set-Cookie` (or `Set-Cookie2`) among the exposed headers.
    #[error("{header:?} can never be exposed to scripts (browsers filter it out); remove it from expose_headers")]
    ExposedSetCookie {
        /// The header name as configured.
        header: String,
    },

    /// `*` as a listed method, request header or exposed header.
    #[error(
        "\"*\" in {list} is not a name: browsers read it as a wildcard without credentials and \
         literally with them; call {instead}() to allow any, or list the names"
    )]
    WildcardName {
        /// The builder method it was given to: `allow_methods`, `allow_headers` or `expose_headers`.
        list: &'static str,
        /// The builder method that means "any": `allow_any_method`, `allow_any_header` or `expose_any_header`.
        instead: &'static str,
    },

    /// A max-age above 86400 seconds.
    #[error("max_age of {seconds} s exceeds the 86400 s (24 h) that browsers honour at most; use a value up to Duration::from_secs(86400)")]
    MaxAgeTooLong {
        /// The configured max-age in whole seconds.
        seconds: u64,
    },

    /// A preflight status outside 200–299.
    #[error("preflight status {status} is not 2xx, so browsers would fail every preflight; use 204 (the default) or 200")]
    PreflightStatusNotSuccess {
        /// The configured status.
        status: http::StatusCode,
    },
}
