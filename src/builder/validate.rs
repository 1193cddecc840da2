//! Validation: a [`CorsBuilder`]'s settings checked all at once, and compiled
//! into a [`Policy`] when nothing is wrong; the warnings that go with it.

use http::{HeaderName, Method};

use super::scopes::Context;
use super::{CorsBuilder, MAX_MAX_AGE};
use crate::error::{is_origin_list, ConfigError, Location, Words};
use crate::origin_config::{parse_configured, OriginSpec};
use crate::origin_match::OriginMatcher;
use crate::policy::{Listed, OriginRule, Policy, Settings};
use crate::warning::{ConfigWarning, CHROMIUM_MAX_AGE_SECONDS};

/// The methods browsers upper-case before sending; any other method is sent
/// as written.
const UPPERCASED_BY_BROWSERS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// How `build()` names where a mistake is: in builder words, or in a
/// configuration file's, with list items numbered as in the file (from
/// where its own items begin, after the presets it applied).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Naming {
    pub(super) words: Words,
    /// What origin mistakes are named after: `allow_origins`, or
    /// `origin_group` for a group's own origins.
    pub(super) origins_field: &'static str,
    /// How many items of each list come before the file's own.
    pub(super) origins: usize,
    pub(super) methods: usize,
    pub(super) headers: usize,
    pub(super) expose: usize,
}

impl Default for Naming {
    fn default() -> Self {
        Naming {
            words: Words::default(),
            origins_field: "allow_origins",
            origins: 0,
            methods: 0,
            headers: 0,
            expose: 0,
        }
    }
}

impl CorsBuilder {
    /// From here on the settings are a configuration file's: mistakes are
    /// named in its words, list items numbered from the next one.
    #[cfg(feature = "serde")]
    pub(crate) fn in_file_words(mut self) -> Self {
        self.naming = Naming {
            words: Words::File,
            origins_field: self.naming.origins_field,
            origins: self.origins.len(),
            methods: self.methods.len(),
            headers: self.headers.len(),
            expose: self.expose.len(),
        };
        self
    }

    /// Whose words this builder's mistakes are in.
    pub(super) fn words(&self) -> Words {
        self.naming.words
    }

    /// Where a whole setting is.
    pub(super) fn at(&self, field: &'static str) -> Location {
        Location::new(field, None, self.naming.words)
    }

    /// Where item `i` of a list is, numbered from `first`.
    fn item(&self, field: &'static str, first: usize, i: usize) -> Location {
        // Items before `first` are a preset's, which are never refused.
        Location::new(field, Some(i.saturating_sub(first)), self.naming.words)
    }

    /// The compiled policy, or every mistake found, in the order of the
    /// settings: origins, methods, headers, exposed headers, the rest; with
    /// routes or origin groups, of every policy of the set, each naming
    /// where it is.
    pub(crate) fn compile(self) -> Result<Policy, ConfigError> {
        let compiled = if self.has_scopes() {
            self.compile_set()
        } else {
            self.compile_one(&mut Context::default())
        };
        compiled.map_err(ConfigError::from_errors)
    }

    /// One policy of a set (or a set's only policy) in `context`.
    pub(super) fn compile_one(self, context: &mut Context) -> Result<Policy, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let origins = self.compile_origins(context, &mut errors);
        let methods = self.compile_methods(&mut errors);
        let headers = self.compile_headers(&mut errors);
        let expose = self.compile_expose(&mut errors);
        let max_age_seconds = self.max_age.map(|age| age.as_secs());
        if let Some(seconds) = max_age_seconds.filter(|s| *s > MAX_MAX_AGE.as_secs()) {
            errors.push(ConfigError::MaxAgeTooLong {
                seconds,
                location: self.at("max_age"),
            });
        }
        if !self.preflight_status.is_success() {
            errors.push(ConfigError::PreflightStatusNotSuccess {
                status: self.preflight_status.as_u16(),
                location: self.at("preflight_status"),
            });
        }
        #[cfg(feature = "origin-lookup")]
        if self.lookup_settings.concurrency == 0 {
            errors.push(ConfigError::ZeroLookupConcurrency {
                location: self.at("origin_lookup_concurrency"),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let warnings = self.warnings();
        let async_origin = self.async_origin.clone().map(|spec| {
            context.checks.compile(
                spec,
                #[cfg(feature = "origin-lookup")]
                self.lookup_settings,
            )
        });
        Ok(Policy::new(Settings {
            origins,
            credentials: self.credentials,
            methods,
            headers,
            expose,
            max_age_seconds,
            private_network: self.private_network,
            preflight_status: self.preflight_status,
            async_origin,
            warnings,
            guard_websockets: self.guard_websockets,
            guard_cross_origin_writes: self.guard_cross_origin_writes,
            under_groups: context.under_groups,
            place: context.place.clone(),
        }))
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
        // Under any origin only `null` and origin-less cross-site writes are
        // left for the guard to refuse.
        if self.guard_cross_origin_writes && self.any_origin {
            warnings.push(ConfigWarning::WriteGuardWithAnyOrigin);
        }
        warnings.into_boxed_slice()
    }

    fn compile_origins(&self, context: &Context, errors: &mut Vec<ConfigError>) -> OriginRule {
        let (mut exact, mut patterns) = (Vec::new(), Vec::new());
        for (i, origin) in self.origins.iter().enumerate() {
            let at = || self.item(self.naming.origins_field, self.naming.origins, i);
            if is_origin_list(origin) {
                errors.push(ConfigError::OriginList {
                    origin: origin.clone(),
                    location: at(),
                });
                continue;
            }
            let spec = match parse_configured(origin, at()) {
                Ok(spec) => spec,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            if self.credentials && !self.credentials_over_http && !spec.is_trustworthy() {
                errors.push(ConfigError::InsecureOriginWithCredentials {
                    origin: origin.clone(),
                    location: at(),
                });
            }
            match spec {
                OriginSpec::Exact { canonical, .. } => exact.push(canonical),
                OriginSpec::Pattern(pattern) => patterns.push(pattern),
            }
        }
        if self.any_origin {
            if !self.origins.is_empty()
                || !self.predicates.is_empty()
                || self.async_origin.is_some()
            {
                errors.push(ConfigError::AnyOriginWithList {
                    location: self.at("allow_any_origin"),
                });
            } else if self.credentials {
                errors.push(ConfigError::CredentialsWithAnyOrigin {
                    location: self.at("allow_credentials"),
                });
            }
            return OriginRule::Any;
        }
        // Origins from groups only make a valid policy; a group without
        // origins is refused as such.
        let others_allowed = context.under_groups || context.place.group.is_some();
        if self.origins.is_empty()
            && self.predicates.is_empty()
            && self.async_origin.is_none()
            && !others_allowed
        {
            errors.push(ConfigError::NoOrigin {
                location: self.at("allow_origins"),
            });
        }
        OriginRule::Matcher(OriginMatcher::new(exact, patterns, self.predicates.clone()))
    }

    fn compile_methods(&self, errors: &mut Vec<ConfigError>) -> Listed<Method> {
        let mut methods: Vec<Method> = Vec::with_capacity(self.methods.len());
        for (i, method) in self.methods.iter().enumerate() {
            let location = self.item("allow_methods", self.naming.methods, i);
            let method = match method {
                Ok(method) => method,
                Err(text) => {
                    errors.push(ConfigError::InvalidMethod {
                        method: text.clone(),
                        location,
                    });
                    continue;
                }
            };
            let name = method.as_str();
            if name == "*" {
                errors.push(ConfigError::WildcardName { location });
            } else if ["CONNECT", "TRACE", "TRACK"]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(name))
            {
                errors.push(ConfigError::ForbiddenMethod {
                    method: name.to_owned(),
                    location,
                });
            } else if let Some(upper) = UPPERCASED_BY_BROWSERS
                .iter()
                .find(|u| u.eq_ignore_ascii_case(name) && **u != name)
            {
                // Methods compare case-sensitively: "delete" never matches
                // the "DELETE" browsers send.
                errors.push(ConfigError::LowercaseMethod {
                    method: name.to_owned(),
                    uppercase: (*upper).to_owned(),
                    location,
                });
            } else if !methods.contains(method) {
                methods.push(method.clone());
            }
        }
        if self.any_method {
            Listed::Any
        } else {
            Listed::List(methods)
        }
    }

    fn compile_headers(&self, errors: &mut Vec<ConfigError>) -> Listed<HeaderName> {
        let mut names: Vec<HeaderName> = Vec::with_capacity(self.headers.len());
        for (i, name) in self.headers.iter().enumerate() {
            let location = self.item("allow_headers", self.naming.headers, i);
            let name = match name {
                Ok(name) => name,
                Err(text) => {
                    errors.push(ConfigError::InvalidHeaderName {
                        header: text.clone(),
                        location,
                    });
                    continue;
                }
            };
            if name.as_str() == "*" {
                errors.push(ConfigError::WildcardName { location });
            } else if is_forbidden_request_header(name.as_str()) {
                errors.push(ConfigError::ForbiddenRequestHeader {
                    header: name.as_str().to_owned(),
                    location,
                });
            } else if !names.contains(name) {
                names.push(name.clone());
            }
        }
        if self.any_header {
            Listed::Any
        } else {
            Listed::List(names)
        }
    }

    fn compile_expose(&self, errors: &mut Vec<ConfigError>) -> Listed<HeaderName> {
        let mut names: Vec<HeaderName> = Vec::with_capacity(self.expose.len());
        for (i, name) in self.expose.iter().enumerate() {
            let location = self.item("expose_headers", self.naming.expose, i);
            let name = match name {
                Ok(name) => name,
                Err(text) => {
                    errors.push(ConfigError::InvalidHeaderName {
                        header: text.clone(),
                        location,
                    });
                    continue;
                }
            };
            if name.as_str() == "*" {
                errors.push(ConfigError::WildcardName { location });
            } else if matches!(name.as_str(), "set-cookie" | "set-cookie2") {
                errors.push(ConfigError::ExposedSetCookie {
                    header: name.as_str().to_owned(),
                    location,
                });
            } else if !names.contains(name) {
                names.push(name.clone());
            }
        }
        if self.expose_any {
            Listed::Any
        } else {
            Listed::List(names)
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
