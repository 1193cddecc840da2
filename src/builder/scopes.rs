//! Several policies in one layer: [`CorsBuilder::route`] and
//! [`CorsBuilder::origin_group`], the field-by-field merge of their
//! overrides, and the validation of every combination they make.

use std::sync::Arc;

use super::CorsBuilder;
use crate::error::{ConfigError, Words};
use crate::policy::origin_check::{AsyncOriginCheck, AsyncOriginSpec};
#[cfg(feature = "origin-lookup")]
use crate::policy::origin_lookup::LookupSettings;
use crate::policy::set::{Place, PolicySet, Route};
use crate::policy::Policy;
use crate::warning::ConfigWarning;

/// Which settings a builder made, one bit per setting: the unit a route's
/// or group's overrides replace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Made(u16);

impl Made {
    /// The origin rule: listed origins, any origin, predicates and the
    /// async check, replaced as one.
    pub(crate) const ORIGINS: Made = Made(1);
    pub(crate) const METHODS: Made = Made(1 << 1);
    pub(crate) const HEADERS: Made = Made(1 << 2);
    pub(crate) const EXPOSE: Made = Made(1 << 3);
    pub(crate) const CREDENTIALS: Made = Made(1 << 4);
    pub(crate) const CREDENTIALS_OVER_HTTP: Made = Made(1 << 5);
    pub(crate) const MAX_AGE: Made = Made(1 << 6);
    pub(crate) const PRIVATE_NETWORK: Made = Made(1 << 7);
    pub(crate) const PREFLIGHT_STATUS: Made = Made(1 << 8);
    pub(crate) const GUARD_WEBSOCKETS: Made = Made(1 << 9);
    pub(crate) const GUARD_WRITES: Made = Made(1 << 10);
    /// The origin lookup's cache and limits, replaced as one.
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    pub(crate) const LOOKUP: Made = Made(1 << 11);

    pub(crate) fn mark(&mut self, setting: Made) {
        self.0 |= setting.0;
    }

    fn has(self, setting: Made) -> bool {
        self.0 & setting.0 != 0
    }
}

impl CorsBuilder {
    /// Overrides for requests whose path is `prefix` or lies under it, on a
    /// segment boundary ("/api" covers "/api" and "/api/x", never "/apix");
    /// the longest matching prefix wins. The closure starts from an empty
    /// builder: only the settings it makes replace the enclosing policy's,
    /// every other setting is inherited.
    ///
    /// A setting is replaced whole: a route's
    /// [`allow_headers`](Self::allow_headers) replaces the list rather than
    /// adding to it, and its [`allow_origins`](Self::allow_origins) or
    /// [`allow_any_origin`](Self::allow_any_origin) replaces the origin rule
    /// (listed origins, predicates and the async check together). A
    /// preflight is answered under the route of its own path (the URL of the
    /// request it asks for). Paths compare case-sensitively, as sent (not
    /// percent-decoded); the query is ignored.
    ///
    /// `build()` checks the route as it applies (merged over the base, and
    /// with each origin group) and names it in every mistake:
    /// `route "/public": ...`.
    ///
    /// ```
    /// use http::Method;
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .route("/public", |r| r.allow_any_origin().allow_credentials(false))
    ///     .route("/api/admin", |r| r.allow_methods([Method::DELETE]))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn route<F>(mut self, prefix: &str, overrides: F) -> Self
    where
        F: FnOnce(CorsBuilder) -> CorsBuilder,
    {
        let inner = overrides(self.nested());
        self.routes.push((prefix.to_owned(), inner));
        self
    }

    /// Overrides for requests from these origins (exact or patterns, which
    /// are allowed origins too), e.g. credentials only for first-party
    /// origins. Groups made inside a route's closure apply to that route
    /// only, and are tried before the enclosing policy's groups; the first
    /// matching group wins.
    ///
    /// A request from a group's origin is answered with its origin echoed
    /// (never `*`) under the group's settings, merged over the route's and
    /// the base's, wherever the group applies; responses then carry
    /// `Vary: Origin` even under [`allow_any_origin`](Self::allow_any_origin).
    /// The group's origins are its origin rule, so its closure sets no
    /// origins itself. A policy whose only origins come from groups is valid.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// // A public API; credentials only for the first-party apps.
    /// let cors = CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .origin_group(["https://app.example.com", "https://*.admin.example.com"], |g| {
    ///         g.allow_credentials(true)
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn origin_group<I, F>(mut self, origins: I, overrides: F) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
        F: FnOnce(CorsBuilder) -> CorsBuilder,
    {
        let origins = origins.into_iter().map(|o| o.as_ref().to_owned()).collect();
        let inner = overrides(self.nested());
        self.groups.push((origins, inner));
        self
    }

    /// An empty builder for a route's or group's overrides, speaking this
    /// builder's words.
    fn nested(&self) -> CorsBuilder {
        let mut nested = CorsBuilder::new();
        nested.naming.words = self.words();
        nested
    }

    /// Whether routes or origin groups were made.
    pub(super) fn has_scopes(&self) -> bool {
        !self.routes.is_empty() || !self.groups.is_empty()
    }

    /// The settings of `self` with those `overrides` made replacing them:
    /// no routes or groups.
    fn under(&self, overrides: &CorsBuilder) -> CorsBuilder {
        let mut out = self.clone_settings();
        let made = overrides.made;
        let o = overrides;
        if made.has(Made::ORIGINS) {
            out.origins.clone_from(&o.origins);
            out.any_origin = o.any_origin;
            out.predicates.clone_from(&o.predicates);
            out.async_origin.clone_from(&o.async_origin);
            out.naming.origins = o.naming.origins;
        }
        if made.has(Made::METHODS) {
            out.methods.clone_from(&o.methods);
            out.any_method = o.any_method;
            out.naming.methods = o.naming.methods;
        }
        if made.has(Made::HEADERS) {
            out.headers.clone_from(&o.headers);
            out.any_header = o.any_header;
            out.naming.headers = o.naming.headers;
        }
        if made.has(Made::EXPOSE) {
            out.expose.clone_from(&o.expose);
            out.expose_any = o.expose_any;
            out.naming.expose = o.naming.expose;
        }
        let flags: [(Made, &mut bool, bool); 5] = [
            (Made::CREDENTIALS, &mut out.credentials, o.credentials),
            (
                Made::CREDENTIALS_OVER_HTTP,
                &mut out.credentials_over_http,
                o.credentials_over_http,
            ),
            (
                Made::PRIVATE_NETWORK,
                &mut out.private_network,
                o.private_network,
            ),
            (
                Made::GUARD_WEBSOCKETS,
                &mut out.guard_websockets,
                o.guard_websockets,
            ),
            (
                Made::GUARD_WRITES,
                &mut out.guard_cross_origin_writes,
                o.guard_cross_origin_writes,
            ),
        ];
        for (setting, to, from) in flags {
            if made.has(setting) {
                *to = from;
            }
        }
        if made.has(Made::MAX_AGE) {
            out.max_age = o.max_age;
        }
        if made.has(Made::PREFLIGHT_STATUS) {
            out.preflight_status = o.preflight_status;
        }
        #[cfg(feature = "origin-lookup")]
        if made.has(Made::LOOKUP) {
            out.lookup_settings = o.lookup_settings;
        }
        out.made.mark(made);
        out
    }

    /// The settings of a group's policy: `self` with the group's origins as
    /// its origin rule.
    fn with_group_origins(mut self, origins: &[String]) -> CorsBuilder {
        self.origins = origins.to_vec();
        self.any_origin = false;
        self.predicates.clear();
        self.async_origin = None;
        self.naming.origins = 0;
        self.naming.origins_field = match self.words() {
            Words::Builder => "origin_group",
            Words::File => "origins",
        };
        self
    }

    /// A clone of the settings alone, without routes and groups.
    fn clone_settings(&self) -> CorsBuilder {
        CorsBuilder {
            routes: Vec::new(),
            groups: Vec::new(),
            ..self.clone()
        }
    }

    /// Compiles the base, each route, each group and each route with each
    /// group, and reports every mistake once, where it first appears: a
    /// mistake a route inherits from the base is the base's.
    pub(super) fn compile_set(mut self) -> Result<Policy, Vec<ConfigError>> {
        let routes = std::mem::take(&mut self.routes);
        let groups = std::mem::take(&mut self.groups);
        let mut out = Compilation::default();
        out.structure(&routes, &groups);

        let base_place = Place::default();
        let base = out.one(self.clone_settings(), &base_place, &[], !groups.is_empty());
        let mut base_groups = Vec::new();
        for (index, (origins, overrides)) in groups.iter().enumerate() {
            let place = Place::group(None, index, origins);
            let settings = self.under(overrides).with_group_origins(origins);
            let group = out.group(settings, &place, &[&base_place]);
            base_groups.push((place, group));
        }
        let mut compiled_routes = Vec::new();
        for (prefix, route) in &routes {
            let route_place = Place::route(prefix);
            let settings = self.under(route);
            let under_groups = !groups.is_empty() || !route.groups.is_empty();
            let policy = out.one(
                settings.clone_settings(),
                &route_place,
                &[&base_place],
                under_groups,
            );
            let mut route_groups = Vec::new();
            let own = route
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (Place::group(Some(prefix), i, &g.0), g, None));
            let base_ones =
                groups
                    .iter()
                    .enumerate()
                    .zip(&base_groups)
                    .map(|((index, g), (place, _))| {
                        (Place::base_group_under(prefix, index, &g.0), g, Some(place))
                    });
            for (place, (origins, overrides), base_group) in own.chain(base_ones) {
                let settings = settings.under(overrides).with_group_origins(origins);
                let mut ancestors = vec![&base_place, &route_place];
                ancestors.extend(base_group);
                if let Some(group) = out.group(settings, &place, &ancestors) {
                    route_groups.push(group);
                }
            }
            if let Some(policy) = policy {
                compiled_routes.push(Route {
                    prefix: prefix.as_str().into(),
                    policy: Arc::new(policy),
                    groups: route_groups.into_boxed_slice(),
                });
            }
        }
        let (Some(mut base), true) = (base, out.errors.is_empty()) else {
            return Err(out.errors);
        };
        let groups = base_groups
            .into_iter()
            .filter_map(|(_, group)| group)
            .collect();
        let set = PolicySet::new(compiled_routes, groups);
        base.needs_parts |= set.policies().any(|policy| policy.needs_parts);
        base.warnings = out.warnings.into_boxed_slice();
        base.set = Some(Arc::new(set));
        Ok(base)
    }
}

/// What compiling a set gathers: its mistakes by place, its warnings, and
/// the async checks compiled so far, which policies that inherit one share.
#[derive(Default)]
struct Compilation {
    errors: Vec<ConfigError>,
    /// Each place's mistakes without the place, to leave out what an
    /// enclosing place already reported.
    found: Vec<(Place, Vec<ConfigError>)>,
    warnings: Vec<ConfigWarning>,
    checks: Checks,
}

impl Compilation {
    /// The mistakes in the set's shape: prefixes, nesting, groups' origin
    /// rules.
    fn structure(
        &mut self,
        routes: &[(String, CorsBuilder)],
        groups: &[(Vec<String>, CorsBuilder)],
    ) {
        for (i, (prefix, route)) in routes.iter().enumerate() {
            let place = Place::route(prefix);
            if !is_route_prefix(prefix) {
                self.errors.push(ConfigError::RoutePrefix {
                    prefix: prefix.clone(),
                    location: route.at("route").in_place(&place),
                });
            } else if routes[..i].iter().any(|(p, _)| p == prefix) {
                self.errors.push(ConfigError::DuplicateRoute {
                    prefix: prefix.clone(),
                    location: route.at("route").in_place(&place),
                });
            }
            if !route.routes.is_empty() {
                self.errors.push(ConfigError::NestedScope {
                    nested: "route",
                    within: "a route",
                    location: route.at("route").in_place(&place),
                });
            }
            for (index, (origins, group)) in route.groups.iter().enumerate() {
                self.group_structure(Place::group(Some(prefix), index, origins), origins, group);
            }
        }
        for (index, (origins, group)) in groups.iter().enumerate() {
            self.group_structure(Place::group(None, index, origins), origins, group);
        }
    }

    fn group_structure(&mut self, place: Place, origins: &[String], group: &CorsBuilder) {
        if origins.is_empty() {
            self.errors.push(ConfigError::EmptyOriginGroup {
                location: group.at("origin_group").in_place(&place),
            });
        }
        if group.made.has(Made::ORIGINS) {
            let field = if group.any_origin {
                "allow_any_origin"
            } else if group.async_origin.is_some() {
                "allow_origin_lookup"
            } else if !group.predicates.is_empty() {
                "allow_origin_predicate"
            } else {
                "allow_origins"
            };
            self.errors.push(ConfigError::OriginRuleInGroup {
                location: group.at(field).in_place(&place),
            });
        }
        let nested = [
            ("route", !group.routes.is_empty()),
            ("origin_group", !group.groups.is_empty()),
        ];
        for (nested, made) in nested {
            if made {
                self.errors.push(ConfigError::NestedScope {
                    nested,
                    within: "an origin group",
                    location: group.at(nested).in_place(&place),
                });
            }
        }
    }

    /// Compiles one policy of the set, in `place`, keeping the mistakes none
    /// of `ancestors` reported.
    fn one(
        &mut self,
        settings: CorsBuilder,
        place: &Place,
        ancestors: &[&Place],
        under_groups: bool,
    ) -> Option<Policy> {
        let mut context = Context {
            place: place.clone(),
            under_groups,
            checks: std::mem::take(&mut self.checks),
        };
        let compiled = settings.compile_one(&mut context);
        self.checks = context.checks;
        match compiled {
            Ok(policy) => {
                for warning in policy.warnings() {
                    if !self.warnings.contains(warning) {
                        self.warnings.push(warning.clone());
                    }
                }
                self.found.push((place.clone(), Vec::new()));
                Some(policy)
            }
            Err(errors) => {
                let inherited = |error: &ConfigError| {
                    self.found
                        .iter()
                        .any(|(at, found)| ancestors.contains(&at) && found.contains(error))
                };
                let new: Vec<ConfigError> =
                    errors.iter().filter(|e| !inherited(e)).cloned().collect();
                self.errors
                    .extend(new.into_iter().map(|e| e.in_place(place)));
                self.found.push((place.clone(), errors));
                None
            }
        }
    }

    /// A group's policy: its origin rule is the group's origins.
    fn group(
        &mut self,
        settings: CorsBuilder,
        place: &Place,
        ancestors: &[&Place],
    ) -> Option<Arc<Policy>> {
        self.one(settings, place, ancestors, true).map(Arc::new)
    }
}

/// Whether `prefix` is a path prefix a route can have: from `/`, no query,
/// fragment, whitespace or control character, no trailing `/` (but `/`).
fn is_route_prefix(prefix: &str) -> bool {
    prefix.starts_with('/')
        && (prefix == "/" || !prefix.ends_with('/'))
        && !prefix
            .bytes()
            .any(|b| matches!(b, b'?' | b'#') || !b.is_ascii_graphic())
}

/// Where one policy of a set is compiled, and what it shares with the others.
#[derive(Default)]
pub(crate) struct Context {
    pub(crate) place: Place,
    /// Whether origin groups apply where this policy does.
    pub(crate) under_groups: bool,
    pub(crate) checks: Checks,
}

/// Async checks compiled so far: a policy that inherits one gets the same
/// compiled check, so the base and its routes share one lookup cache.
#[derive(Default)]
pub(crate) struct Checks {
    compiled: Vec<CompiledCheck>,
}

struct CompiledCheck {
    spec: AsyncOriginSpec,
    #[cfg(feature = "origin-lookup")]
    settings: LookupSettings,
    check: AsyncOriginCheck,
}

impl Checks {
    /// The check `spec` compiles to with these settings: the one compiled
    /// before, if any.
    pub(crate) fn compile(
        &mut self,
        spec: AsyncOriginSpec,
        #[cfg(feature = "origin-lookup")] settings: LookupSettings,
    ) -> AsyncOriginCheck {
        let known = self.compiled.iter().find(|c| {
            #[cfg(feature = "origin-lookup")]
            if c.settings != settings {
                return false;
            }
            c.spec.same(&spec)
        });
        if let Some(known) = known {
            return known.check.clone();
        }
        let check = spec.clone().compile(
            #[cfg(feature = "origin-lookup")]
            settings,
        );
        self.compiled.push(CompiledCheck {
            spec,
            #[cfg(feature = "origin-lookup")]
            settings,
            check: check.clone(),
        });
        check
    }
}
