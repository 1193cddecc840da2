//! [`ConfigError`]: every configuration [`CorsBuilder::build`](crate::CorsBuilder::build) refuses.

/// A CORS configuration that [`CorsBuilder::build`](crate::CorsBuilder::build) refuses.
///
/// Each message names the offending value and says how to fix it. Values are
/// printed with control characters escaped, so a message is safe to log.
///
/// `build()` reports every mistake at once: one mistake is its own variant,
/// several are [`ConfigError::Several`], and [`errors`](ConfigError::errors)
/// lists them in both cases.
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
    #[error("{}", forbidden_request_header(header, "allow_credentials(true)"))]
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

    /// A policy that allows no origin at all: no list, no predicate, no
    /// async check, not any. Every CORS request would be refused.
    #[error(
        "the policy allows no origin, so it would refuse every CORS request; list origins with \
         allow_origins([\"https://app.example.com\"]), add allow_origin_predicate(..), or call \
         allow_any_origin() for a public API without credentials"
    )]
    NoOrigin,

    /// A string holding several origins (`"https://a.example,https://b.example"`).
    #[error("{}", origin_list(origin, false))]
    OriginList {
        /// The string as configured.
        origin: String,
    },

    /// One of the six standard methods not in uppercase (`"delete"`):
    /// browsers upper-case those six before sending and methods compare
    /// case-sensitively, so it would never match.
    #[error(
        "{method:?} would never match what browsers send: they upper-case DELETE, GET, HEAD, \
         OPTIONS, POST and PUT, and methods compare case-sensitively; write {uppercase:?}"
    )]
    LowercaseMethod {
        /// The method as configured.
        method: String,
        /// The same method in uppercase.
        uppercase: String,
    },

    /// Text given as a method that is not a method token.
    #[error("{method:?} is not an HTTP method name; write it like \"PUT\"")]
    InvalidMethod {
        /// The text as configured.
        method: String,
    },

    /// Text given as a header name that is not one.
    #[error("{}", invalid_header_name(header, list))]
    InvalidHeaderName {
        /// The text as configured.
        header: String,
        /// The builder method it was given to: `allow_headers` or `expose_headers`.
        list: &'static str,
    },

    /// `origin_lookup_concurrency(0)`: no origin lookup could ever start.
    #[error(
        "origin_lookup_concurrency(0) lets no origin lookup start, so every origin left to the \
         lookup would be refused; use at least 1 (the default is 32), at most the store's \
         connection pool"
    )]
    ZeroLookupConcurrency,

    /// Several mistakes, each its own variant (never `Several`), in the order
    /// `build()` found them; displayed one per line. A configuration with a
    /// single mistake gets that mistake's own variant instead, so
    /// `matches!(err, ConfigError::NoOrigin)` works as expected;
    /// [`errors`](ConfigError::errors) lists them either way.
    #[error("{} mistakes in the CORS configuration:{}", .0.len(), one_per_line(.0))]
    Several(Vec<ConfigError>),
}

impl ConfigError {
    /// Every mistake this error reports: the list of
    /// [`Several`](ConfigError::Several), or this error alone.
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder()
    ///     .allow_origins(["https://a.example/", "*", "https://B.example"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.errors().len(), 3);
    /// assert!(matches!(err.errors()[1], ConfigError::WildcardOrigin));
    /// for mistake in err.errors() {
    ///     eprintln!("{mistake}");
    /// }
    /// ```
    pub fn errors(&self) -> &[ConfigError] {
        match self {
            ConfigError::Several(errors) => errors,
            one => std::slice::from_ref(one),
        }
    }

    /// One error for a non-empty list: the mistake itself, or `Several`.
    pub(crate) fn from_list(mut errors: Vec<ConfigError>) -> Option<ConfigError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(ConfigError::Several(errors)),
        }
    }
}

fn one_per_line(errors: &[ConfigError]) -> String {
    errors.iter().map(|e| format!("\n- {e}")).collect()
}

/// The message for a forbidden request header; `credentials` is how the
/// caller turns credentials on (a builder call or a configuration field).
pub(crate) fn forbidden_request_header(header: &str, credentials: &str) -> String {
    if matches!(header, "cookie" | "cookie2") {
        format!(
            "{header:?} is a forbidden request header that scripts cannot set: cookies are sent \
             with {credentials}, not as a header; remove it from allow_headers"
        )
    } else {
        format!(
            "{header:?} is a forbidden request header that scripts cannot set; remove it from \
             allow_headers"
        )
    }
}

/// The message for a string holding several origins, with the list written
/// the caller's way (`config`: a configuration file's array).
pub(crate) fn origin_list(origin: &str, config: bool) -> String {
    let items: Vec<String> = split_list(origin).map(|o| format!("{o:?}")).collect();
    let fix = if config {
        format!("allow_origins = [{}]", items.join(", "))
    } else {
        format!("allow_origins([{}])", items.join(", "))
    };
    format!("{origin:?} looks like a list: give each origin separately, as in {fix}")
}

fn invalid_header_name(header: &str, list: &str) -> String {
    if header.contains(',') && split_list(header).nth(1).is_some() {
        let items: Vec<String> = split_list(header).map(|h| format!("{h:?}")).collect();
        format!(
            "{header:?} in {list} looks like a list: give each header name separately, as in \
             [{}]",
            items.join(", ")
        )
    } else {
        format!(
            "{header:?} in {list} is not a header name; header names are tokens like \
             \"content-type\""
        )
    }
}

/// The items of a comma- or whitespace-separated list.
fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|item| !item.is_empty())
}

/// Whether a configured origin is several origins in one string: items
/// separated by commas, or by whitespace when at least two items have a
/// scheme (`"https://exa mple.com"` is one broken origin, not a list).
pub(crate) fn is_origin_list(origin: &str) -> bool {
    let items = split_list(origin).count();
    items >= 2
        && (origin.contains(',') || split_list(origin).filter(|o| o.contains("://")).count() >= 2)
}
