//! [`CorsConfig`]: a CORS configuration read from TOML, JSON, YAML… (feature `serde`).

use std::fmt;
use std::time::Duration;

use http::{HeaderName, Method, StatusCode};

use crate::builder::CorsBuilder;
use crate::error::{forbidden_request_header, origin_list, ConfigError};
use crate::service::CorsLayer;

/// A CORS configuration as data, with the field names of [`CorsBuilder`]'s
/// methods. Every field is optional; [`build`](Self::build) applies the same
/// validation as [`CorsBuilder::build`] and names the offending field.
///
/// Methods, header names and the status are strings and numbers here;
/// `max_age` is in whole seconds. Unknown fields are refused, so a typo does
/// not silently drop a setting.
///
/// ```
/// use tower_cors::CorsConfig;
///
/// let config: CorsConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
///     allow_methods = ["GET", "POST", "DELETE"]
///     allow_headers = ["content-type", "authorization"]
///     expose_headers = ["x-request-id"]
///     allow_credentials = true
///     max_age = 3600
/// "#)?;
/// let cors = config.build()?;
/// assert!(cors.policy().allows_credentials());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// An invalid value is reported with its field and index:
///
/// ```
/// use tower_cors::CorsConfig;
///
/// let config: CorsConfig = serde_json::from_str(
///     r#"{ "allow_origins": ["https://app.example.com", "https://App.example.com/"] }"#,
/// )?;
/// let err = config.build().unwrap_err();
/// assert_eq!(err.field(), "allow_origins[1]");
/// assert!(err.to_string().starts_with("allow_origins[1]: \"https://App.example.com/\" is not in canonical form"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub struct CorsConfig {
    /// Exact origins and patterns: see [`CorsBuilder::allow_origins`].
    pub allow_origins: Vec<String>,
    /// See [`CorsBuilder::allow_any_origin`].
    pub allow_any_origin: bool,
    /// Method names, uppercase for the standard ones (`"PUT"`): see
    /// [`CorsBuilder::allow_methods`].
    pub allow_methods: Vec<String>,
    /// See [`CorsBuilder::allow_any_method`].
    pub allow_any_method: bool,
    /// Request header names: see [`CorsBuilder::allow_headers`].
    pub allow_headers: Vec<String>,
    /// See [`CorsBuilder::allow_any_header`].
    pub allow_any_header: bool,
    /// Response header names: see [`CorsBuilder::expose_headers`].
    pub expose_headers: Vec<String>,
    /// See [`CorsBuilder::expose_any_header`].
    pub expose_any_header: bool,
    /// See [`CorsBuilder::allow_credentials`].
    pub allow_credentials: bool,
    /// See [`CorsBuilder::allow_credentials_over_http`].
    pub allow_credentials_over_http: bool,
    /// Whole seconds, at most 86400: see [`CorsBuilder::max_age`].
    pub max_age: Option<u64>,
    /// See [`CorsBuilder::allow_private_network`].
    pub allow_private_network: bool,
    /// A 2xx status code (default 204): see [`CorsBuilder::preflight_status`].
    pub preflight_status: Option<u16>,
    /// The gRPC-Web preset: see [`CorsBuilder::grpc_web`].
    pub grpc_web: bool,
    /// The Connect preset: see [`CorsBuilder::connect_rpc`].
    pub connect_rpc: bool,
    /// See [`CorsBuilder::guard_websockets`].
    pub guard_websockets: bool,
}

impl CorsConfig {
    /// Validates and compiles the configuration, like [`CorsBuilder::build`],
    /// reporting every mistake at once, each with its field.
    ///
    /// ```
    /// let config: tower_cors::CorsConfig = serde_json::from_str(r#"{ "allow_any_origin": true }"#)?;
    /// let cors = config.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> Result<CorsLayer, CorsConfigError> {
        let (builder, mut problems) = self.parse();
        match builder.compile() {
            Ok(policy) if problems.is_empty() => {
                crate::trace::built(&policy);
                crate::trace::warned(policy.warnings());
                Ok(CorsLayer::from_policy(policy))
            }
            Ok(_) => Err(CorsConfigError::new(problems)),
            Err(errors) => {
                problems.extend(self.locate(errors));
                Err(CorsConfigError::new(problems))
            }
        }
    }

    /// A [`CorsBuilder`] with these settings, to add what data cannot say
    /// (an origin predicate, say) before [`CorsBuilder::build`]. Values that
    /// are not methods, header names or status codes are refused here; the
    /// rest is checked by `build()`, whose errors then name the value but not
    /// the field.
    ///
    /// ```
    /// let config: tower_cors::CorsConfig =
    ///     serde_json::from_str(r#"{ "allow_origins": ["https://app.example.com"] }"#)?;
    /// let cors = config
    ///     .to_builder()?
    ///     .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".corp.example"))
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_builder(&self) -> Result<CorsBuilder, CorsConfigError> {
        let (builder, problems) = self.parse();
        if problems.is_empty() {
            Ok(builder)
        } else {
            Err(CorsConfigError::new(problems))
        }
    }

    /// The builder of every value that parses, and the problems of those
    /// that do not (not methods, header names or status codes).
    fn parse(&self) -> (CorsBuilder, Vec<(String, ConfigProblem)>) {
        let mut problems = Vec::new();
        let mut builder = CorsBuilder::new();
        if self.grpc_web {
            builder = builder.grpc_web();
        }
        if self.connect_rpc {
            builder = builder.connect_rpc();
        }
        let methods: Vec<Method> = self.methods(&mut problems).map(|(_, m)| m).collect();
        let headers = header_names("allow_headers", &self.allow_headers, &mut problems);
        let expose = header_names("expose_headers", &self.expose_headers, &mut problems);
        builder = builder
            .allow_origins(&self.allow_origins)
            .allow_methods(methods)
            .allow_headers(headers.into_iter().map(|(_, h)| h))
            .expose_headers(expose.into_iter().map(|(_, h)| h))
            .allow_credentials(self.allow_credentials)
            .allow_credentials_over_http(self.allow_credentials_over_http)
            .allow_private_network(self.allow_private_network)
            .guard_websockets(self.guard_websockets);
        if self.allow_any_origin {
            builder = builder.allow_any_origin();
        }
        if self.allow_any_method {
            builder = builder.allow_any_method();
        }
        if self.allow_any_header {
            builder = builder.allow_any_header();
        }
        if self.expose_any_header {
            builder = builder.expose_any_header();
        }
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(Duration::from_secs(seconds));
        }
        if let Some(code) = self.preflight_status {
            match StatusCode::from_u16(code) {
                Ok(status) => builder = builder.preflight_status(status),
                Err(_) => problems.push((
                    "preflight_status".to_owned(),
                    ConfigProblem::InvalidStatus { value: code },
                )),
            }
        }
        (builder, problems)
    }

    /// The methods that parse, with their index; problems for the others.
    fn methods<'a>(
        &'a self,
        problems: &'a mut Vec<(String, ConfigProblem)>,
    ) -> impl Iterator<Item = (usize, Method)> + 'a {
        const STANDARD: [&str; 7] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
        self.allow_methods
            .iter()
            .enumerate()
            .filter_map(move |(i, value)| {
                let at = || format!("allow_methods[{i}]");
                let upper = value.to_ascii_uppercase();
                if *value != upper && STANDARD.contains(&upper.as_str()) {
                    // Browsers upper-case these six but send `patch` as is, and
                    // methods compare case-sensitively: "delete" would never match.
                    let problem = ConfigProblem::LowercaseMethod {
                        value: value.clone(),
                        uppercase: upper,
                    };
                    problems.push((at(), problem));
                    return None;
                }
                match Method::from_bytes(value.as_bytes()) {
                    Ok(method) => Some((i, method)),
                    Err(_) => {
                        let problem = ConfigProblem::InvalidMethod {
                            value: value.clone(),
                        };
                        problems.push((at(), problem));
                        None
                    }
                }
            })
    }

    /// The field each error of `build()` comes from, found by building each
    /// listed value alone (only on the error path), in the order of the
    /// fields.
    fn locate(&self, mut errors: Vec<ConfigError>) -> Vec<(String, ConfigProblem)> {
        let mut located = Vec::new();
        let mut claim = |probe: CorsBuilder, field: String| {
            for error in probe.compile().err().unwrap_or_default() {
                if let Some(at) = errors.iter().position(|e| *e == error) {
                    located.push((field.clone(), ConfigProblem::Invalid(errors.remove(at))));
                }
            }
        };
        for (i, origin) in self.allow_origins.iter().enumerate() {
            let probe = CorsBuilder::new()
                .allow_origins([origin])
                .allow_credentials(self.allow_credentials)
                .allow_credentials_over_http(self.allow_credentials_over_http);
            claim(probe, format!("allow_origins[{i}]"));
        }
        let mut ignored = Vec::new();
        for (i, method) in self.methods(&mut ignored) {
            let probe = CorsBuilder::new().allow_any_origin().allow_methods(method);
            claim(probe, format!("allow_methods[{i}]"));
        }
        for (i, name) in header_names("allow_headers", &self.allow_headers, &mut ignored) {
            let probe = CorsBuilder::new().allow_any_origin().allow_headers(name);
            claim(probe, format!("allow_headers[{i}]"));
        }
        for (i, name) in header_names("expose_headers", &self.expose_headers, &mut ignored) {
            let probe = CorsBuilder::new().allow_any_origin().expose_headers(name);
            claim(probe, format!("expose_headers[{i}]"));
        }
        located.extend(errors.into_iter().map(|error| {
            let field = match error {
                ConfigError::CredentialsWithAnyOrigin => "allow_credentials",
                ConfigError::AnyOriginWithList => "allow_any_origin",
                ConfigError::NoOrigin => "allow_origins",
                ConfigError::MaxAgeTooLong { .. } => "max_age",
                ConfigError::PreflightStatusNotSuccess { .. } => "preflight_status",
                _ => "",
            };
            (field.to_owned(), ConfigProblem::Invalid(error))
        }));
        located
    }
}

/// The header names that parse, with their index; problems for the others.
fn header_names(
    field: &str,
    values: &[String],
    problems: &mut Vec<(String, ConfigProblem)>,
) -> Vec<(usize, HeaderName)> {
    let mut names = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        match HeaderName::from_bytes(value.as_bytes()) {
            Ok(name) => names.push((i, name)),
            Err(_) => problems.push((
                format!("{field}[{i}]"),
                ConfigProblem::InvalidHeaderName {
                    value: value.clone(),
                },
            )),
        }
    }
    names
}

impl TryFrom<CorsConfig> for CorsLayer {
    type Error = CorsConfigError;

    /// The same as [`CorsConfig::build`].
    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        config.build()
    }
}

impl TryFrom<&CorsConfig> for CorsLayer {
    type Error = CorsConfigError;

    /// The same as [`CorsConfig::build`].
    fn try_from(config: &CorsConfig) -> Result<Self, Self::Error> {
        config.build()
    }
}

/// A [`CorsConfig`] that does not build: every field that is wrong, and what
/// is wrong with it.
///
/// Displays as `field: problem` for one mistake, e.g.
/// `allow_methods[2]: "TRACE" is a forbidden method ...`, and as one such
/// line per mistake for several. [`field`](Self::field) and
/// [`problem`](Self::problem) are the first; [`errors`](Self::errors) lists
/// them all, in the order of the fields.
///
/// ```
/// use tower_cors::{ConfigError, ConfigProblem, CorsConfig};
///
/// let config: CorsConfig = serde_json::from_str(
///     r#"{ "allow_origins": ["https://app.example.com"], "max_age": 100000 }"#,
/// )?;
/// let err = config.build().unwrap_err();
/// assert_eq!(err.field(), "max_age");
/// assert_eq!(err.problem(), &ConfigProblem::Invalid(ConfigError::MaxAgeTooLong { seconds: 100000 }));
///
/// let config: CorsConfig = serde_json::from_str(
///     r#"{ "allow_origins": ["https://a.example/", "*"], "allow_methods": ["get"] }"#,
/// )?;
/// let err = config.build().unwrap_err();
/// let fields: Vec<&str> = err.errors().map(|(field, _)| field).collect();
/// assert_eq!(fields, ["allow_origins[0]", "allow_origins[1]", "allow_methods[0]"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub struct CorsConfigError {
    /// Never empty.
    problems: Vec<(String, ConfigProblem)>,
}

impl CorsConfigError {
    /// Sorts `problems` (not empty) by field, then list index.
    fn new(mut problems: Vec<(String, ConfigProblem)>) -> Self {
        const FIELDS: [&str; 14] = [
            "allow_origins",
            "allow_any_origin",
            "allow_methods",
            "allow_any_method",
            "allow_headers",
            "allow_any_header",
            "expose_headers",
            "expose_any_header",
            "allow_credentials",
            "allow_credentials_over_http",
            "max_age",
            "allow_private_network",
            "preflight_status",
            "grpc_web",
        ];
        problems.sort_by_key(|(field, _)| {
            let (name, index) = field.split_once('[').unwrap_or((field, ""));
            let rank = FIELDS
                .iter()
                .position(|f| *f == name)
                .unwrap_or(FIELDS.len());
            let index: usize = index.trim_end_matches(']').parse().unwrap_or(0);
            (rank, index)
        });
        CorsConfigError { problems }
    }

    /// The (first) offending field, with the list index when it is a list
    /// item (`"allow_origins[1]"`); empty when no single field is to blame.
    pub fn field(&self) -> &str {
        self.problems.first().map_or("", |(field, _)| field)
    }

    /// What is wrong (with the first offending field).
    pub fn problem(&self) -> &ConfigProblem {
        &self.problems[0].1
    }

    /// Every offending field and what is wrong with it, in the order of the
    /// fields.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &ConfigProblem)> {
        self.problems
            .iter()
            .map(|(field, problem)| (field.as_str(), problem))
    }
}

impl fmt::Display for CorsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, field: &str, problem: &ConfigProblem| {
            if field.is_empty() {
                write!(f, "{problem}")
            } else {
                write!(f, "{field}: {problem}")
            }
        };
        if let [(field, problem)] = self.problems.as_slice() {
            return line(f, field, problem);
        }
        write!(
            f,
            "{} mistakes in the CORS configuration:",
            self.problems.len()
        )?;
        for (field, problem) in &self.problems {
            f.write_str("\n- ")?;
            line(f, field, problem)?;
        }
        Ok(())
    }
}

/// No source: the message already says everything, in the configuration's
/// words, and a source would repeat it in the builder's (error reporters
/// print the whole chain). The typed [`ConfigError`]s are in
/// [`errors`](CorsConfigError::errors).
impl std::error::Error for CorsConfigError {}

/// What is wrong with a [`CorsConfig`] field.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub enum ConfigProblem {
    /// Not a method token.
    #[error("{value:?} is not an HTTP method name; write it like \"PUT\"")]
    InvalidMethod {
        /// The value as configured.
        value: String,
    },
    /// A standard method not in uppercase: methods compare case-sensitively,
    /// so it would never match what browsers send.
    #[error("{value:?} would never match what browsers send (methods are case-sensitive); write {uppercase:?}")]
    LowercaseMethod {
        /// The value as configured.
        value: String,
        /// The same method in uppercase.
        uppercase: String,
    },
    /// Not a header name.
    #[error("{value:?} is not a header name; header names are tokens like \"content-type\"")]
    InvalidHeaderName {
        /// The value as configured.
        value: String,
    },
    /// Not a status code (100–999).
    #[error("{value} is not an HTTP status code; use 204 (the default) or 200")]
    InvalidStatus {
        /// The value as configured.
        value: u16,
    },
    /// Refused by [`CorsBuilder::build`]. Displayed in the configuration's
    /// words (`max_age = 90000`, `allow_any_origin = true`), not the
    /// builder's; the typed error is the field.
    #[error("{}", in_config_words(.0))]
    Invalid(ConfigError),
}

impl From<ConfigError> for ConfigProblem {
    fn from(error: ConfigError) -> Self {
        ConfigProblem::Invalid(error)
    }
}

/// The message of a [`ConfigError`] for someone editing a configuration
/// file: field names and values instead of builder calls. Errors about a
/// listed value already speak of the value alone and keep their message.
fn in_config_words(error: &ConfigError) -> String {
    match error {
        ConfigError::CredentialsWithAnyOrigin => "allow_credentials = true cannot be combined \
            with allow_any_origin = true: browsers refuse `Access-Control-Allow-Origin: *` on \
            credentialed requests, and echoing every origin with credentials lets any site act \
            as the user; list the trusted origins in allow_origins instead"
            .to_owned(),
        ConfigError::AnyOriginWithList => "allow_any_origin = true makes the allow_origins list \
            meaningless; keep either allow_any_origin = true or the list"
            .to_owned(),
        ConfigError::WildcardOrigin => "\"*\" is not an origin; set allow_any_origin = true to \
            allow every origin, or list patterns such as \"https://*.example.com\""
            .to_owned(),
        ConfigError::InsecureOriginWithCredentials { origin } => format!(
            "{origin:?} is plain http:// and allow_credentials = true: anyone on the network path \
             can inject script into that origin and use the user's credentials; use https://, or \
             set allow_credentials_over_http = true if you accept that risk (loopback hosts are \
             always fine)"
        ),
        ConfigError::WildcardName { list, instead } => format!(
            "\"*\" in {list} is not a name: browsers read it as a wildcard without credentials \
             and literally with them; set {instead} = true to allow any, or list the names"
        ),
        ConfigError::MaxAgeTooLong { seconds } => format!(
            "max_age = {seconds} is more than the 86400 seconds (24 h) browsers honour at most; \
             use max_age = 86400 or less (Chromium caps it at 7200)"
        ),
        ConfigError::NoOrigin => "the configuration allows no origin, so every CORS request \
            would be refused; list origins in allow_origins, or set allow_any_origin = true for \
            a public API without credentials"
            .to_owned(),
        ConfigError::OriginList { origin } => origin_list(origin, true),
        ConfigError::ForbiddenRequestHeader { header } => {
            forbidden_request_header(header, "allow_credentials = true")
        }
        ConfigError::PreflightStatusNotSuccess { status } => format!(
            "preflight_status = {} is not 2xx, so browsers would fail every preflight; use 204 \
             (the default) or 200",
            status.as_u16()
        ),
        other => other.to_string(),
    }
}
