//! Compiling validated settings into a [`Policy`]: every header value and
//! the preflight template are made here, once, from the same settings.

use http::header::HeaderName;
use http::{HeaderValue, Method, StatusCode};

use crate::headers::{ValueBuffer, STAR};
use crate::names::NameSet;
use crate::policy::{Expose, HeaderRule, Listed, OriginRule, Policy, Settings};
use crate::response::{preflight_template, TemplateValues};

impl Policy {
    /// Compiles validated settings. The one way to make a policy: the
    /// header values and the preflight template are derived here, from the
    /// same settings, into one buffer the policy owns.
    pub(crate) fn new(settings: Settings) -> Policy {
        let mut buffer = ValueBuffer::default();
        let methods = match &settings.methods {
            Listed::List(list) => buffer.list(list.iter().map(Method::as_str)),
            Listed::Any => None,
        };
        let headers = match &settings.headers {
            Listed::List(list) => buffer.list(list.iter().map(HeaderName::as_str)),
            Listed::Any => None,
        };
        let expose = match &settings.expose {
            Listed::List(list) => buffer.list(list.iter().map(HeaderName::as_str)),
            Listed::Any => None,
        };
        let max_age = settings
            .max_age_seconds
            .map(|seconds| buffer.value(&seconds.to_string()));
        let values = buffer.freeze();

        let (methods, allow_methods) = match settings.methods {
            Listed::Any => (Listed::Any, STAR),
            Listed::List(list) => {
                let value = match methods {
                    Some(range) => values.get(range).unwrap_or(STAR),
                    None => HeaderValue::from_static("GET, HEAD, POST"),
                };
                (Listed::List(list), value)
            }
        };
        let (headers, allow_headers) = match settings.headers {
            Listed::Any => (HeaderRule::Any, None),
            Listed::List(list) => (
                HeaderRule::List(NameSet::new(&list)),
                headers.and_then(|range| values.get(range)),
            ),
        };
        let expose = match settings.expose {
            Listed::Any if settings.credentials => Expose::ResponseHeaders,
            Listed::Any => Expose::Value(STAR),
            Listed::List(_) => match expose.and_then(|range| values.get(range)) {
                Some(value) => Expose::Value(value),
                None => Expose::None,
            },
        };
        let max_age = max_age.and_then(|range| values.get(range));
        let preflight = preflight_template(TemplateValues {
            status: settings.preflight_status,
            credentials: settings.credentials,
            methods: allow_methods.clone(),
            headers: match headers {
                HeaderRule::List(_) => allow_headers.clone(),
                HeaderRule::Any => Some(STAR),
            },
            max_age: max_age.clone(),
            private_network: settings.private_network,
        });
        let any_origin = matches!(settings.origins, OriginRule::Any);
        let websocket_guard = settings.guard_websockets && !any_origin;
        let predicates = match &settings.origins {
            OriginRule::Any => false,
            OriginRule::Matcher(m) => m.predicate_count() > 0,
        };
        Policy {
            // Predicates take the head as `Parts`; the write guard reads
            // its URI.
            needs_parts: predicates
                || settings.async_origin.is_some()
                || settings.guard_cross_origin_writes,
            vary: !any_origin || settings.under_groups,
            place: settings.place,
            set: None,
            origins: settings.origins,
            credentials: settings.credentials,
            methods,
            allow_methods,
            headers,
            allow_headers,
            expose,
            max_age,
            private_network: settings.private_network,
            async_origin: settings.async_origin,
            preflight,
            warnings: settings.warnings,
            websocket_guard,
            write_guard: settings.guard_cross_origin_writes,
        }
    }

    /// What [`CorsLayer::permissive`](crate::CorsLayer::permissive) compiles to.
    pub(crate) fn permissive() -> Policy {
        Policy::new(Settings {
            origins: OriginRule::Any,
            credentials: false,
            methods: Listed::Any,
            headers: Listed::Any,
            expose: Listed::Any,
            max_age_seconds: None,
            private_network: false,
            preflight_status: StatusCode::NO_CONTENT,
            async_origin: None,
            warnings: Box::default(),
            guard_websockets: false,
            guard_cross_origin_writes: false,
            under_groups: false,
            place: Default::default(),
        })
    }
}
