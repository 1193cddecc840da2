//! [`CorsConfig`]: a CORS configuration read from TOML, JSON, YAML… (feature `serde`).

use std::time::Duration;

use http::StatusCode;

use crate::builder::CorsBuilder;
use crate::error::{ConfigError, Location, Words};
use crate::source::CorsLayer;

/// A CORS configuration as data, with the field names of [`CorsBuilder`]'s
/// methods. Every field is optional; [`build`](Self::build) applies the same
/// validation as [`CorsBuilder::build`], and its [`ConfigError`] speaks the
/// file's words: each message starts with the offending field.
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
/// use tower_cors::{ConfigError, CorsConfig};
///
/// let config: CorsConfig = serde_json::from_str(
///     r#"{ "allow_origins": ["https://app.example.com", "https://App.example.com/"] }"#,
/// )?;
/// let err = config.build().unwrap_err();
/// assert!(matches!(err, ConfigError::NonCanonicalOrigin { .. }));
/// assert_eq!(err.location().unwrap().to_string(), "allow_origins[1]");
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
    /// See [`CorsBuilder::guard_cross_origin_writes`].
    pub guard_cross_origin_writes: bool,
}

impl CorsConfig {
    /// Validates and compiles the configuration, like [`CorsBuilder::build`],
    /// reporting every mistake at once, in the order of the fields.
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsConfig};
    ///
    /// let config: CorsConfig = serde_json::from_str(r#"{ "allow_any_origin": true }"#)?;
    /// let cors = config.build()?;
    ///
    /// let config: CorsConfig = serde_json::from_str(
    ///     r#"{ "allow_origins": ["https://a.example/", "*"], "max_age": 100000 }"#,
    /// )?;
    /// let err = config.build().unwrap_err();
    /// let places: Vec<String> = err.errors().iter().map(|e| e.location().unwrap().to_string()).collect();
    /// assert_eq!(places, ["allow_origins[0]", "allow_origins[1]", "max_age"]);
    /// assert!(matches!(err.errors()[2], ConfigError::MaxAgeTooLong { seconds: 100000, .. }));
    /// assert!(err.to_string().contains("\n- max_age: max_age = 100000 exceeds"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(&self) -> Result<CorsLayer, ConfigError> {
        let (builder, status) = self.parse();
        let compiled = builder.compile();
        let mut errors: Vec<ConfigError> = status.into_iter().collect();
        if let Err(refused) = &compiled {
            errors.extend(refused.errors().iter().cloned());
        }
        // As someone reading the file top to bottom meets them.
        errors.sort_by_key(|error| error.location().map_or(FIELDS.len(), field_rank));
        if let Some(error) = ConfigError::from_list(errors) {
            return Err(error);
        }
        let policy = compiled?;
        crate::observe::trace::built(&policy);
        crate::observe::trace::warned(policy.warnings());
        Ok(CorsLayer::from_policy(policy))
    }

    /// A [`CorsBuilder`] with these settings, to add what data cannot say
    /// (an origin predicate, say) before [`CorsBuilder::build`]. A
    /// `preflight_status` that is no status code is refused here; the rest
    /// is checked by `build()`, whose errors still speak the file's words
    /// and number list items as the file does.
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
    pub fn to_builder(&self) -> Result<CorsBuilder, ConfigError> {
        match self.parse() {
            (builder, None) => Ok(builder),
            (_, Some(status)) => Err(status),
        }
    }

    /// The builder of these settings, and the mistake of a
    /// `preflight_status` that is no status code (which a builder cannot
    /// hold).
    fn parse(&self) -> (CorsBuilder, Option<ConfigError>) {
        let mut builder = CorsBuilder::new();
        // The presets' items lead each list (so the answers list them first);
        // `in_file_words` then numbers the file's own items from 0.
        if self.grpc_web {
            builder = builder.grpc_web();
        }
        if self.connect_rpc {
            builder = builder.connect_rpc();
        }
        builder = builder
            .in_file_words()
            .allow_origins(&self.allow_origins)
            .allow_methods(&self.allow_methods)
            .allow_headers(&self.allow_headers)
            .expose_headers(&self.expose_headers)
            .allow_credentials(self.allow_credentials)
            .allow_credentials_over_http(self.allow_credentials_over_http)
            .allow_private_network(self.allow_private_network)
            .guard_websockets(self.guard_websockets)
            .guard_cross_origin_writes(self.guard_cross_origin_writes);
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
        let mut status_error = None;
        if let Some(code) = self.preflight_status {
            match StatusCode::from_u16(code) {
                Ok(status) => builder = builder.preflight_status(status),
                Err(_) => {
                    status_error = Some(ConfigError::PreflightStatusNotSuccess {
                        status: code,
                        location: Location::new("preflight_status", None, Words::File),
                    })
                }
            }
        }
        (builder, status_error)
    }
}

/// The fields of [`CorsConfig`], in their order.
const FIELDS: [&str; 17] = [
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
    "connect_rpc",
    "guard_websockets",
    "guard_cross_origin_writes",
];

fn field_rank(at: &Location) -> usize {
    FIELDS
        .iter()
        .position(|field| *field == at.field())
        .unwrap_or(FIELDS.len())
}

impl TryFrom<CorsConfig> for CorsLayer {
    type Error = ConfigError;

    /// The same as [`CorsConfig::build`].
    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        config.build()
    }
}

impl TryFrom<&CorsConfig> for CorsLayer {
    type Error = ConfigError;

    /// The same as [`CorsConfig::build`].
    fn try_from(config: &CorsConfig) -> Result<Self, Self::Error> {
        config.build()
    }
}
