//! [`CorsConfig`]: a CORS configuration read from TOML, JSON, YAML… (feature `serde`).

use std::collections::BTreeMap;
use std::time::Duration;

use http::StatusCode;

use crate::builder::CorsBuilder;
use crate::error::{ConfigError, Location, Words};
use crate::policy::set::Place;
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
    /// Overrides by path prefix (`[routes."/public"]`): see
    /// [`CorsBuilder::route`].
    pub routes: BTreeMap<String, CorsOverrides>,
    /// Overrides by request origin (`[[origin_groups]]`, with `origins`):
    /// see [`CorsBuilder::origin_group`].
    pub origin_groups: Vec<CorsOverrides>,
}

/// The overrides of a route or an origin group in a [`CorsConfig`]: its
/// fields, each optional; only those present replace the enclosing
/// policy's, field by field, as [`CorsBuilder::route`] says. An
/// `allow_any_*` set to `false` changes nothing: list the items instead
/// (a list replaces "any").
///
/// `origins` belongs to origin groups (the origins it applies to, which it
/// allows), `origin_groups` to routes (groups for that route only); `build()`
/// refuses them elsewhere.
///
/// ```
/// use tower_cors::CorsConfig;
///
/// let config: CorsConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com"]
///     allow_credentials = true
///
///     [routes."/public"]
///     allow_any_origin = true
///     allow_credentials = false
///
///     [[origin_groups]]
///     origins = ["https://admin.example.com"]
///     allow_methods = ["DELETE"]
/// "#)?;
/// let cors = config.build()?;
/// assert!(cors.policy().to_string().contains("\nroute \"/public\": origins: any"));
///
/// let config: CorsConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com"]
///     [routes."/public"]
///     allow_any_origin = true
///     allow_credentials = true
/// "#)?;
/// let err = config.build().unwrap_err();
/// assert!(err.to_string().starts_with("routes.\"/public\".allow_credentials: allow_credentials = true"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub struct CorsOverrides {
    /// An origin group's origins: see [`CorsBuilder::origin_group`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    /// See [`CorsConfig::allow_origins`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_origins: Option<Vec<String>>,
    /// See [`CorsConfig::allow_any_origin`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_any_origin: Option<bool>,
    /// See [`CorsConfig::allow_methods`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_methods: Option<Vec<String>>,
    /// See [`CorsConfig::allow_any_method`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_any_method: Option<bool>,
    /// See [`CorsConfig::allow_headers`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_headers: Option<Vec<String>>,
    /// See [`CorsConfig::allow_any_header`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_any_header: Option<bool>,
    /// See [`CorsConfig::expose_headers`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expose_headers: Option<Vec<String>>,
    /// See [`CorsConfig::expose_any_header`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expose_any_header: Option<bool>,
    /// See [`CorsConfig::allow_credentials`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
    /// See [`CorsConfig::allow_credentials_over_http`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_credentials_over_http: Option<bool>,
    /// See [`CorsConfig::max_age`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// See [`CorsConfig::allow_private_network`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_private_network: Option<bool>,
    /// See [`CorsConfig::preflight_status`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight_status: Option<u16>,
    /// See [`CorsConfig::guard_websockets`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_websockets: Option<bool>,
    /// See [`CorsConfig::guard_cross_origin_writes`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_cross_origin_writes: Option<bool>,
    /// A route's own origin groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub origin_groups: Vec<CorsOverrides>,
}

/// A builder method that turns a switch on: `allow_any_origin`, ...
type Switch = fn(CorsBuilder) -> CorsBuilder;
/// A builder method that sets a flag: `allow_credentials`, ...
type Flag = fn(CorsBuilder, bool) -> CorsBuilder;

impl CorsOverrides {
    /// These overrides made on `builder` (the base's, after its presets, or
    /// a route's or group's, empty), in file words; the mistakes data can
    /// make that a builder cannot hold go to `mistakes`.
    fn apply(
        &self,
        builder: CorsBuilder,
        place: &Place,
        mistakes: &mut Vec<ConfigError>,
    ) -> CorsBuilder {
        let mut b = builder.in_file_words();
        if let Some(origins) = &self.allow_origins {
            b = b.allow_origins(origins);
        }
        let switches: [(Option<bool>, Switch); 4] = [
            (self.allow_any_origin, CorsBuilder::allow_any_origin),
            (self.allow_any_method, CorsBuilder::allow_any_method),
            (self.allow_any_header, CorsBuilder::allow_any_header),
            (self.expose_any_header, CorsBuilder::expose_any_header),
        ];
        for (on, switch) in switches {
            if on == Some(true) {
                b = switch(b);
            }
        }
        if let Some(methods) = &self.allow_methods {
            b = b.allow_methods(methods);
        }
        if let Some(headers) = &self.allow_headers {
            b = b.allow_headers(headers);
        }
        if let Some(expose) = &self.expose_headers {
            b = b.expose_headers(expose);
        }
        let flags: [(Option<bool>, Flag); 5] = [
            (self.allow_credentials, CorsBuilder::allow_credentials),
            (
                self.allow_credentials_over_http,
                CorsBuilder::allow_credentials_over_http,
            ),
            (
                self.allow_private_network,
                CorsBuilder::allow_private_network,
            ),
            (self.guard_websockets, CorsBuilder::guard_websockets),
            (
                self.guard_cross_origin_writes,
                CorsBuilder::guard_cross_origin_writes,
            ),
        ];
        for (value, set) in flags {
            if let Some(value) = value {
                b = set(b, value);
            }
        }
        if let Some(seconds) = self.max_age {
            b = b.max_age(Duration::from_secs(seconds));
        }
        if let Some(code) = self.preflight_status {
            match status(code, place) {
                Ok(status) => b = b.preflight_status(status),
                Err(mistake) => mistakes.push(mistake),
            }
        }
        b
    }
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
        let (builder, mistakes) = self.parse();
        let compiled = builder.compile();
        let mut errors: Vec<ConfigError> = mistakes
            .iter()
            .flat_map(ConfigError::errors)
            .cloned()
            .collect();
        if let Err(refused) = &compiled {
            errors.extend(refused.errors().iter().cloned());
        }
        // As someone reading the file top to bottom meets them: the base's
        // fields, then each route's and group's, in the order they appear.
        let mut places: Vec<Place> = Vec::new();
        let mut ranked = Vec::with_capacity(errors.len());
        for error in errors {
            let at = error.location();
            let place = match at.and_then(Location::place) {
                None => 0,
                Some(place) => match places.iter().position(|p| p == place) {
                    Some(known) => known + 1,
                    None => {
                        places.push(place.clone());
                        places.len()
                    }
                },
            };
            ranked.push(((place, at.map_or(FIELDS.len(), field_rank)), error));
        }
        ranked.sort_by_key(|(rank, _)| *rank);
        let errors: Vec<ConfigError> = ranked.into_iter().map(|(_, error)| error).collect();
        if !errors.is_empty() {
            return Err(ConfigError::from_errors(errors));
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

    /// The base's settings as overrides with every field present, so that
    /// the base, routes and groups are made on a builder the same way.
    fn base(&self) -> CorsOverrides {
        CorsOverrides {
            allow_origins: Some(self.allow_origins.clone()),
            allow_any_origin: Some(self.allow_any_origin),
            allow_methods: Some(self.allow_methods.clone()),
            allow_any_method: Some(self.allow_any_method),
            allow_headers: Some(self.allow_headers.clone()),
            allow_any_header: Some(self.allow_any_header),
            expose_headers: Some(self.expose_headers.clone()),
            expose_any_header: Some(self.expose_any_header),
            allow_credentials: Some(self.allow_credentials),
            allow_credentials_over_http: Some(self.allow_credentials_over_http),
            max_age: self.max_age,
            allow_private_network: Some(self.allow_private_network),
            preflight_status: self.preflight_status,
            guard_websockets: Some(self.guard_websockets),
            guard_cross_origin_writes: Some(self.guard_cross_origin_writes),
            origins: Vec::new(),
            origin_groups: Vec::new(),
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
        let mut mistakes = Vec::new();
        builder = self.base().apply(builder, &Place::default(), &mut mistakes);
        for (index, group) in self.origin_groups.iter().enumerate() {
            let place = Place::group(None, index, &group.origins);
            let mut made = Vec::new();
            builder = builder.origin_group(&group.origins, |g| group.apply(g, &place, &mut made));
            mistakes.append(&mut made);
            if !group.origin_groups.is_empty() {
                mistakes.push(ConfigError::NestedScope {
                    nested: "origin_group",
                    within: "an origin group",
                    location: Location::new("origin_groups", None, Words::File).in_place(&place),
                });
            }
        }
        for (prefix, route) in &self.routes {
            let place = Place::route(prefix);
            let mut made = Vec::new();
            builder = builder.route(prefix, |mut r| {
                for (index, group) in route.origin_groups.iter().enumerate() {
                    let place = Place::group(Some(prefix), index, &group.origins);
                    r = r.origin_group(&group.origins, |g| group.apply(g, &place, &mut made));
                }
                route.apply(r, &place, &mut made)
            });
            mistakes.append(&mut made);
            if !route.origins.is_empty() {
                mistakes.push(ConfigError::OriginsOutsideGroup {
                    location: Location::new("origins", None, Words::File).in_place(&place),
                });
            }
        }
        (
            builder,
            (!mistakes.is_empty()).then(|| ConfigError::from_errors(mistakes)),
        )
    }
}

/// `code` as a status, or the mistake it is (a builder holds only status
/// codes).
fn status(code: u16, place: &Place) -> Result<StatusCode, ConfigError> {
    StatusCode::from_u16(code).map_err(|_| ConfigError::PreflightStatusNotSuccess {
        status: code,
        location: Location::new("preflight_status", None, Words::File).in_place(place),
    })
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
