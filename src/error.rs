//! [`ConfigError`]: every configuration [`CorsBuilder::build`](crate::CorsBuilder::build) refuses,
//! each with the [`Location`] of the mistake.

mod location;

pub use location::Location;
use location::Setting::{InCode, List, On, Seconds, Status, Switch};
pub(crate) use location::Words;

/// The `location` of every variant but `Several`, by reference or mutably
/// as `$error` is.
macro_rules! each_location {
    ($error:expr) => {{
        use ConfigError::*;
        match $error {
            CredentialsWithAnyOrigin { location }
            | AnyOriginWithList { location }
            | WildcardOrigin { location }
            | NullOrigin { location }
            | FileOrigin { location, .. }
            | InvalidOrigin { location, .. }
            | OriginWithPath { location, .. }
            | OriginWithQueryOrFragment { location, .. }
            | OriginWithUserInfo { location, .. }
            | NonCanonicalOrigin { location, .. }
            | MisplacedWildcard { location, .. }
            | WildcardOnPublicSuffix { location, .. }
            | WildcardOnIpAddress { location, .. }
            | InsecureOriginWithCredentials { location, .. }
            | ForbiddenMethod { location, .. }
            | ForbiddenRequestHeader { location, .. }
            | ExposedSetCookie { location, .. }
            | WildcardName { location }
            | MaxAgeTooLong { location, .. }
            | PreflightStatusNotSuccess { location, .. }
            | NoOrigin { location }
            | ZeroLookupConcurrency { location }
            | OriginList { location, .. }
            | LowercaseMethod { location, .. }
            | InvalidMethod { location, .. }
            | InvalidHeaderName { location, .. }
            | RoutePrefix { location, .. }
            | DuplicateRoute { location, .. }
            | NestedScope { location, .. }
            | OriginRuleInGroup { location }
            | OriginsOutsideGroup { location }
            | EmptyOriginGroup { location } => Some(location),
            Several(_) => None,
        }
    }};
}

/// A CORS configuration that [`CorsBuilder::build`](crate::CorsBuilder::build)
/// (or `CorsConfig::build`, feature `serde`) refuses.
///
/// Each message names the offending value and says how to fix it, in the
/// caller's words: builder calls for code, `field = value` for a
/// configuration file, whose messages also start with the field and index
/// (`allow_origins[1]: ...`). Values are printed with control characters
/// escaped, so a message is safe to log. Each mistake carries its
/// [`Location`].
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
/// assert_eq!(err.location().unwrap().to_string(), "allow_origins[0]");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `allow_credentials(true)` together with `allow_any_origin()`.
    #[error(
        "{}{} cannot be combined with {}: browsers refuse `Access-Control-Allow-Origin: *` on \
         credentialed requests, and echoing every origin with credentials lets any site act as \
         the user; list the trusted origins with {} instead",
        .location.prefix(),
        .location.say(On("allow_credentials")),
        .location.say(Switch("allow_any_origin")),
        .location.say(List("allow_origins", &[]))
    )]
    CredentialsWithAnyOrigin {
        /// Where: `allow_credentials`.
        location: Location,
    },

    /// `allow_any_origin()` together with listed origins or a predicate.
    #[error(
        "{}{} was combined with allow_origins or an origin predicate, which it makes \
         meaningless; keep either {} or the list",
        .location.prefix(),
        .location.say(Switch("allow_any_origin")),
        .location.say(Switch("allow_any_origin"))
    )]
    AnyOriginWithList {
        /// Where: `allow_any_origin`.
        location: Location,
    },

    /// `*` given as a listed origin.
    #[error(
        "{}\"*\" is not an origin; {} to allow every origin, or list patterns such as \
         \"https://*.example.com\"",
        .location.prefix(),
        .location.set(Switch("allow_any_origin"))
    )]
    WildcardOrigin {
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// `null` given as a listed origin.
    #[error(
        "{}\"null\" cannot be allowed: it is the origin of sandboxed iframes, file: pages and \
         redirected requests alike, so allowing it allows all of them; serve the page from a \
         real origin and list that one",
        .location.prefix()
    )]
    NullOrigin {
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A `file://` origin.
    #[error(
        "{}{origin:?} cannot be allowed: browsers send `Origin: null` for file: pages; serve the \
         page over http://localhost instead and list that origin",
        .location.prefix()
    )]
    FileOrigin {
        /// The origin as configured.
        origin: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A string that is not an origin at all.
    #[error(
        "{}{origin:?} is not a valid origin ({reason}); write it as scheme://host[:port], e.g. \
         \"https://app.example.com\"",
        .location.prefix()
    )]
    InvalidOrigin {
        /// The origin as configured.
        origin: String,
        /// What is wrong with it.
        reason: &'static str,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// An origin with a path (other than a lone trailing `/`).
    #[error("{}{origin:?} has a path, but an origin never does; use {canonical:?}", .location.prefix())]
    OriginWithPath {
        /// The origin as configured.
        origin: String,
        /// The origin without its path, in canonical form.
        canonical: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// An origin with a query or a fragment.
    #[error(
        "{}{origin:?} has a query or fragment, but an origin never does; use {canonical:?}",
        .location.prefix()
    )]
    OriginWithQueryOrFragment {
        /// The origin as configured.
        origin: String,
        /// The origin without query and fragment, in canonical form.
        canonical: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// An origin with user information (`user:pass@`).
    #[error(
        "{}{origin:?} has user information, but an origin never does; use {canonical:?}",
        .location.prefix()
    )]
    OriginWithUserInfo {
        /// The origin as configured.
        origin: String,
        /// The origin without user information, in canonical form.
        canonical: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// An origin not written in the form browsers send (case, default port,
    /// trailing slash, Unicode host, IP address notation).
    #[error(
        "{}{origin:?} is not in canonical form, so it would never equal a browser's Origin \
         header; use {canonical:?}",
        .location.prefix()
    )]
    NonCanonicalOrigin {
        /// The origin as configured.
        origin: String,
        /// The form browsers send.
        canonical: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A `*` anywhere but a whole leading host label or the whole port.
    #[error(
        "{}{origin:?} has a wildcard where none is supported; `*` may only be the first host \
         label (\"https://*.example.com\") or the port (\"http://localhost:*\")",
        .location.prefix()
    )]
    MisplacedWildcard {
        /// The pattern as configured.
        origin: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A subdomain wildcard whose suffix is a public suffix (anyone can register under it).
    #[error(
        "{}{origin:?} would allow every site registered under the public suffix {suffix:?}; use \
         a domain you control, e.g. \"https://*.example.{suffix}\"",
        .location.prefix()
    )]
    WildcardOnPublicSuffix {
        /// The pattern as configured.
        origin: String,
        /// The public suffix the wildcard sits on.
        suffix: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A subdomain wildcard on an IP address.
    #[error(
        "{}{origin:?} puts a subdomain wildcard on an IP address, which has no subdomains; list \
         the address itself",
        .location.prefix()
    )]
    WildcardOnIpAddress {
        /// The pattern as configured.
        origin: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A plain `http://` origin (not loopback) together with credentials.
    #[error(
        "{}{origin:?} is plain http:// and {}: anyone on the network path can inject script \
         into that origin and use the user's credentials; use https://, or {} if you accept \
         that risk (loopback hosts are always fine)",
        .location.prefix(),
        .location.say(On("allow_credentials")),
        .location.set(On("allow_credentials_over_http"))
    )]
    InsecureOriginWithCredentials {
        /// The origin as configured.
        origin: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// A method browsers never let scripts use (CONNECT, TRACE, TRACK).
    #[error(
        "{}{method:?} is a forbidden method that browsers never send cross-origin; remove it \
         from {}",
        .location.prefix(),
        .location.field()
    )]
    ForbiddenMethod {
        /// The method as configured.
        method: String,
        /// Where: the item of `allow_methods`.
        location: Location,
    },

    /// A request header browsers never let scripts set (`Cookie`, `Host`, `Sec-*`, ...).
    #[error("{}{}", .location.prefix(), forbidden_request_header(header, location))]
    ForbiddenRequestHeader {
        /// The header name as configured.
        header: String,
        /// Where: the item of `allow_headers`.
        location: Location,
    },

    /// `Set-Cookie` (or `Set-Cookie2`) among the exposed headers.
    #[error(
        "{}{header:?} can never be exposed to scripts (browsers filter it out); remove it from {}",
        .location.prefix(),
        .location.field()
    )]
    ExposedSetCookie {
        /// The header name as configured.
        header: String,
        /// Where: the item of `expose_headers`.
        location: Location,
    },

    /// `*` as a listed method, request header or exposed header.
    #[error(
        "{}\"*\" in {} is not a name: browsers read it as a wildcard without credentials and \
         literally with them; {} to allow any, or list the names",
        .location.prefix(),
        .location.field(),
        .location.set(Switch(any_of(location.field())))
    )]
    WildcardName {
        /// Where: the item of `allow_methods`, `allow_headers` or `expose_headers`.
        location: Location,
    },

    /// A max-age above 86400 seconds.
    #[error(
        "{}{} exceeds the 86400 s (24 h) that browsers honour at most; use {} or less",
        .location.prefix(),
        .location.say(Seconds("max_age", *seconds)),
        .location.say(Seconds("max_age", 86_400))
    )]
    MaxAgeTooLong {
        /// The configured max-age in whole seconds.
        seconds: u64,
        /// Where: `max_age`.
        location: Location,
    },

    /// A preflight status outside 200–299 (or, in a file, not a status at all).
    #[error(
        "{}{} is not 2xx, so browsers would fail every preflight; use 204 (the default) or 200",
        .location.prefix(),
        .location.say(Status("preflight_status", *status))
    )]
    PreflightStatusNotSuccess {
        /// The configured status code.
        status: u16,
        /// Where: `preflight_status`.
        location: Location,
    },

    /// A policy that allows no origin at all: no list, no predicate, no
    /// async check, not any. Every CORS request would be refused.
    #[error(
        "{}the policy allows no origin, so it would refuse every CORS request; list origins with \
         {}, add {}, or {} for a public API without credentials",
        .location.prefix(),
        .location.say(List("allow_origins", &["https://app.example.com"])),
        .location.say(InCode("allow_origin_predicate")),
        .location.set(Switch("allow_any_origin"))
    )]
    NoOrigin {
        /// Where: `allow_origins`, without an index.
        location: Location,
    },

    /// A string holding several origins (`"https://a.example,https://b.example"`).
    #[error("{}{}", .location.prefix(), origin_list(origin, location))]
    OriginList {
        /// The string as configured.
        origin: String,
        /// Where: the item of `allow_origins`.
        location: Location,
    },

    /// One of the six standard methods not in uppercase (`"delete"`):
    /// browsers upper-case those six before sending and methods compare
    /// case-sensitively, so it would never match.
    #[error(
        "{}{method:?} would never match what browsers send: they upper-case DELETE, GET, HEAD, \
         OPTIONS, POST and PUT, and methods compare case-sensitively; write {uppercase:?}",
        .location.prefix()
    )]
    LowercaseMethod {
        /// The method as configured.
        method: String,
        /// The same method in uppercase.
        uppercase: String,
        /// Where: the item of `allow_methods`.
        location: Location,
    },

    /// Text given as a method that is not a method token.
    #[error("{}{method:?} is not an HTTP method name; write it like \"PUT\"", .location.prefix())]
    InvalidMethod {
        /// The text as configured.
        method: String,
        /// Where: the item of `allow_methods`.
        location: Location,
    },

    /// Text given as a header name that is not one.
    #[error("{}{}", .location.prefix(), invalid_header_name(header, location))]
    InvalidHeaderName {
        /// The text as configured.
        header: String,
        /// Where: the item of `allow_headers` or `expose_headers`.
        location: Location,
    },

    /// `origin_lookup_concurrency(0)`: no origin lookup could ever start.
    #[error(
        "{}origin_lookup_concurrency(0) lets no origin lookup start, so every origin left to \
         the lookup would be refused; use at least 1 (the default is 32), at most the store's \
         connection pool",
        .location.prefix()
    )]
    ZeroLookupConcurrency {
        /// Where: `origin_lookup_concurrency`.
        location: Location,
    },

    /// A route prefix that is not a path prefix: it must start with `/` and
    /// have no query, fragment or trailing slash (`"/api"`).
    #[error(
        "{}{prefix:?} is not a route prefix: a prefix is a path as requested, starting with \"/\", \
         without query, fragment or trailing slash (it covers itself and what lies under it on \
         a segment boundary); write {:?}",
        .location.prefix(),
        route_prefix(prefix)
    )]
    RoutePrefix {
        /// The prefix as configured.
        prefix: String,
        /// Where: `route`, in that route.
        location: Location,
    },

    /// The same route prefix configured twice.
    #[error(
        "{}route {prefix:?} is configured twice, and only one could apply; put the settings of \
         both into one {}",
        .location.prefix(),
        .location.say(InCode("route"))
    )]
    DuplicateRoute {
        /// The prefix as configured.
        prefix: String,
        /// Where: `route`, in the second route.
        location: Location,
    },

    /// A route made inside a route's or an origin group's overrides, or an
    /// origin group inside a group's.
    #[error(
        "{}{} cannot be made inside {}: routes are made on the base policy, and origin groups \
         on the base policy or in a route; make it there",
        .location.prefix(),
        .location.say(InCode(nested)),
        within
    )]
    NestedScope {
        /// What was made: `"route"` or `"origin_group"`.
        nested: &'static str,
        /// Where it was made: `"a route"` or `"an origin group"`.
        within: &'static str,
        /// Where: `route` or `origin_group`, in the enclosing one.
        location: Location,
    },

    /// An origin setting (listed origins, any origin, a predicate or an
    /// async check) inside an origin group's overrides: the group's origins
    /// are its origin rule.
    #[error(
        "{}{} inside an origin group: the group's own origins decide which requests it \
         applies to and are the origins it allows; list them in {} instead",
        .location.prefix(),
        .location.say(InCode(.location.field())),
        .location.say(InCode("origin_group"))
    )]
    OriginRuleInGroup {
        /// Where: the origin setting, in the group.
        location: Location,
    },

    /// `origins` in a configuration file's route table: only an origin
    /// group has its own origins.
    #[error(
        "{}origins lists the origins of an origin group, and a route is not one; set \
         allow_origins for the route's origins, or put the group under origin_groups",
        .location.prefix()
    )]
    OriginsOutsideGroup {
        /// Where: `origins`, in the route.
        location: Location,
    },

    /// An origin group with no origins: it could never apply.
    #[error(
        "{}an origin group without origins never applies; list the origins whose requests get \
         its settings, as in {}",
        .location.prefix(),
        .location.say(List("origin_group", &["https://admin.example.com"]))
    )]
    EmptyOriginGroup {
        /// Where: `origin_group`, in that group.
        location: Location,
    },

    /// Several mistakes, each its own variant (never `Several`), in the order
    /// of the settings; displayed one per line. A configuration with a
    /// single mistake gets that mistake's own variant instead, so
    /// `matches!(err, ConfigError::NoOrigin { .. })` works as expected;
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
    /// assert!(matches!(err.errors()[1], ConfigError::WildcardOrigin { .. }));
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

    /// Where the mistake is; `None` for [`Several`](ConfigError::Several),
    /// whose [`errors`](ConfigError::errors) each have their own.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let err = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .max_age(Duration::from_secs(100_000))
    ///     .build()
    ///     .unwrap_err();
    /// let at = err.location().unwrap();
    /// assert_eq!((at.field(), at.index()), ("max_age", None));
    /// ```
    pub fn location(&self) -> Option<&Location> {
        each_location!(self)
    }

    fn location_mut(&mut self) -> Option<&mut Location> {
        each_location!(self)
    }

    /// One error for a non-empty list of mistakes: the mistake itself, or
    /// `Several`.
    pub(crate) fn from_errors(mut errors: Vec<ConfigError>) -> ConfigError {
        match errors.len() {
            1 => errors.remove(0),
            _ => ConfigError::Several(errors),
        }
    }
}

/// The route prefix `prefix` probably means: a path from `/`, without query,
/// fragment, whitespace or trailing slash.
fn route_prefix(prefix: &str) -> String {
    let path = prefix.trim().split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_end_matches('/');
    format!("/{}", path.trim_start_matches('/'))
}

impl ConfigError {
    /// The same mistake, in `place`.
    pub(crate) fn in_place(mut self, place: &crate::policy::set::Place) -> ConfigError {
        if let Some(at) = self.location_mut() {
            at.set_place(place);
        }
        self
    }
}

fn one_per_line(errors: &[ConfigError]) -> String {
    errors.iter().map(|e| format!("\n- {e}")).collect()
}

/// The message for a forbidden request header: a cookie points to credentials.
fn forbidden_request_header(header: &str, at: &Location) -> String {
    let field = at.field();
    if matches!(header, "cookie" | "cookie2") {
        format!(
            "{header:?} is a forbidden request header that scripts cannot set: cookies are sent \
             with {}, not as a header; remove it from {field}",
            at.say(On("allow_credentials"))
        )
    } else {
        format!(
            "{header:?} is a forbidden request header that scripts cannot set; remove it from \
             {field}"
        )
    }
}

/// The message for a string holding several origins, with the list written
/// the caller's way.
fn origin_list(origin: &str, at: &Location) -> String {
    let items: Vec<&str> = split_list(origin).collect();
    format!(
        "{origin:?} looks like a list: give each origin separately, as in {}",
        at.say(List(at.field(), &items))
    )
}

fn invalid_header_name(header: &str, at: &Location) -> String {
    let field = at.field();
    if header.contains(',') && split_list(header).nth(1).is_some() {
        let items: Vec<&str> = split_list(header).collect();
        format!(
            "{header:?} in {field} looks like a list: give each header name separately, as in {}",
            at.say(List(field, &items))
        )
    } else {
        format!(
            "{header:?} in {field} is not a header name; header names are tokens like \
             \"content-type\""
        )
    }
}

/// The switch that means "any" for a list of names.
fn any_of(list: &str) -> &'static str {
    match list {
        "allow_methods" => "allow_any_method",
        "allow_headers" => "allow_any_header",
        _ => "expose_any_header",
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
