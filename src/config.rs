//! [`CorsConfig`]: a CORS configuration read from TOML, JSON, YAML… (feature `serde`).

use std::fmt;
use std::time::Duration;

use http::{HeaderName, Method, StatusCode};

use crate::builder::CorsBuilder;
use crate::error::ConfigError;
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
}

impl CorsConfig {
    /// Validates and compiles the configuration, like [`CorsBuilder::build`].
    ///
    /// ```
    /// let config: tower_cors::CorsConfig = serde_json::from_str(r#"{ "allow_any_origin": true }"#)?;
    /// let cors = config.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> Result<CorsLayer, CorsConfigError> {
        self.to_builder()?
            .build()
            .map_err(|error| self.locate(error))
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
        let mut builder = CorsBuilder::new();
        if self.grpc_web {
            builder = builder.grpc_web();
        }
        builder = builder
            .allow_origins(&self.allow_origins)
            .allow_methods(self.methods()?)
            .allow_headers(header_names("allow_headers", &self.allow_headers)?)
            .expose_headers(header_names("expose_headers", &self.expose_headers)?)
            .allow_credentials(self.allow_credentials)
            .allow_credentials_over_http(self.allow_credentials_over_http)
            .allow_private_network(self.allow_private_network);
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
            let status = StatusCode::from_u16(code).map_err(|_| CorsConfigError {
                field: "preflight_status".to_owned(),
                problem: ConfigProblem::InvalidStatus { value: code },
            })?;
            builder = builder.preflight_status(status);
        }
        Ok(builder)
    }

    fn methods(&self) -> Result<Vec<Method>, CorsConfigError> {
        const STANDARD: [&str; 7] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
        let mut methods = Vec::with_capacity(self.allow_methods.len());
        for (i, value) in self.allow_methods.iter().enumerate() {
            let at = || format!("allow_methods[{i}]");
            let upper = value.to_ascii_uppercase();
            if *value != upper && STANDARD.contains(&upper.as_str()) {
                // Browsers upper-case these six but send `patch` as is, and
                // methods compare case-sensitively: "delete" would never match.
                return Err(CorsConfigError {
                    field: at(),
                    problem: ConfigProblem::LowercaseMethod {
                        value: value.clone(),
                        uppercase: upper,
                    },
                });
            }
            let method = Method::from_bytes(value.as_bytes()).map_err(|_| CorsConfigError {
                field: at(),
                problem: ConfigProblem::InvalidMethod {
                    value: value.clone(),
                },
            })?;
            methods.push(method);
        }
        Ok(methods)
    }

    /// Finds the field a [`ConfigError`] of `build()` comes from, by
    /// checking list items one at a time (only on the error path).
    fn locate(&self, error: ConfigError) -> CorsConfigError {
        let same = |probe: CorsBuilder| probe.compile().err().as_ref() == Some(&error);
        let credentials = |b: CorsBuilder| {
            b.allow_credentials(self.allow_credentials)
                .allow_credentials_over_http(self.allow_credentials_over_http)
        };
        let mut field = None;
        if let Some(i) = self
            .allow_origins
            .iter()
            .position(|o| same(credentials(CorsBuilder::new().allow_origins([o]))))
        {
            field = Some(format!("allow_origins[{i}]"));
        } else if let Some(i) = self.methods().ok().and_then(|methods| {
            methods
                .into_iter()
                .position(|m| same(CorsBuilder::new().allow_methods([m])))
        }) {
            field = Some(format!("allow_methods[{i}]"));
        } else if let Some(i) = header_names("allow_headers", &self.allow_headers)
            .ok()
            .and_then(|names| {
                names
                    .into_iter()
                    .position(|h| same(CorsBuilder::new().allow_headers([h])))
            })
        {
            field = Some(format!("allow_headers[{i}]"));
        } else if let Some(i) = header_names("expose_headers", &self.expose_headers)
            .ok()
            .and_then(|names| {
                names
                    .into_iter()
                    .position(|h| same(CorsBuilder::new().expose_headers([h])))
            })
        {
            field = Some(format!("expose_headers[{i}]"));
        }
        let field = field.unwrap_or_else(|| {
            match error {
                ConfigError::CredentialsWithAnyOrigin => "allow_credentials",
                ConfigError::AnyOriginWithList => "allow_any_origin",
                ConfigError::MaxAgeTooLong { .. } => "max_age",
                ConfigError::PreflightStatusNotSuccess { .. } => "preflight_status",
                _ => "",
            }
            .to_owned()
        });
        CorsConfigError {
            field,
            problem: ConfigProblem::Invalid(error),
        }
    }
}

fn header_names(field: &str, values: &[String]) -> Result<Vec<HeaderName>, CorsConfigError> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            HeaderName::from_bytes(value.as_bytes()).map_err(|_| CorsConfigError {
                field: format!("{field}[{i}]"),
                problem: ConfigProblem::InvalidHeaderName {
                    value: value.clone(),
                },
            })
        })
        .collect()
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

/// A [`CorsConfig`] that does not build: which field, and what is wrong.
///
/// Displays as `field: problem`, e.g.
/// `allow_methods[2]: "TRACE" is a forbidden method ...`.
///
/// ```
/// use tower_cors::{ConfigError, ConfigProblem, CorsConfig};
///
/// let config: CorsConfig = serde_json::from_str(r#"{ "max_age": 100000 }"#)?;
/// let err = config.build().unwrap_err();
/// assert_eq!(err.field(), "max_age");
/// assert_eq!(err.problem(), &ConfigProblem::Invalid(ConfigError::MaxAgeTooLong { seconds: 100000 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub struct CorsConfigError {
    field: String,
    problem: ConfigProblem,
}

impl CorsConfigError {
    /// The offending field, with the list index when it is a list item
    /// (`"allow_origins[1]"`); empty when no single field is to blame.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong.
    pub fn problem(&self) -> &ConfigProblem {
        &self.problem
    }
}

impl fmt::Display for CorsConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.field, self.problem)
        }
    }
}

/// No source: the message already says everything, in the configuration's
/// words, and a source would repeat it in the builder's (error reporters
/// print the whole chain). The typed [`ConfigError`] is in [`problem`](CorsConfigError::problem).
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
        ConfigError::PreflightStatusNotSuccess { status } => format!(
            "preflight_status = {} is not 2xx, so browsers would fail every preflight; use 204 \
             (the default) or 200",
            status.as_u16()
        ),
        other => other.to_string(),
    }
}
