//! What an allowed request's response carries, as decided: the values, not
//! the writing of them (`response/` writes). Also the policy's precomputed
//! answer parts, which `build()` makes once.

use http::{HeaderMap, HeaderValue, StatusCode};

use super::{HeaderRule, Listed, OriginRule, Policy};
use crate::headers::STAR_STATIC;
use crate::request::{Preflight, RequestedHeaders};

/// The value of `Access-Control-Allow-Origin` for an allowed request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AllowOrigin<'a> {
    Star,
    Value(&'a HeaderValue),
}

impl AllowOrigin<'_> {
    fn value(&self) -> &HeaderValue {
        match self {
            AllowOrigin::Star => &STAR_STATIC,
            AllowOrigin::Value(v) => v,
        }
    }

    /// The origin to write in place of the template's `*`, if any.
    fn echoed(&self) -> Option<&HeaderValue> {
        match self {
            AllowOrigin::Value(origin) => Some(origin),
            AllowOrigin::Star => None,
        }
    }
}

/// An allowed actual request: the headers its response gets.
#[derive(Debug, Clone, Copy)]
pub struct AllowedActual<'a> {
    allow_origin: AllowOrigin<'a>,
}

impl<'a> AllowedActual<'a> {
    pub(crate) fn new(allow_origin: AllowOrigin<'a>) -> Self {
        AllowedActual { allow_origin }
    }

    /// The `Access-Control-Allow-Origin` value: `*` or the request's origin.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::get("/")
    ///     .header(header::ORIGIN, "https://a.example.com")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Actual(allowed) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(allowed.allow_origin(), "https://a.example.com");
    /// ```
    pub fn allow_origin(&self) -> &HeaderValue {
        self.allow_origin.value()
    }
}

/// An allowed preflight: everything its response carries.
#[derive(Debug, Clone)]
pub struct AllowedPreflight<'a> {
    policy: &'a Policy,
    allow_origin: AllowOrigin<'a>,
    preflight: Preflight<'a>,
    authorization_requested: bool,
}

impl<'a> AllowedPreflight<'a> {
    pub(crate) fn new(
        policy: &'a Policy,
        allow_origin: AllowOrigin<'a>,
        preflight: Preflight<'a>,
        authorization_requested: bool,
    ) -> Self {
        AllowedPreflight {
            policy,
            allow_origin,
            preflight,
            authorization_requested,
        }
    }

    /// The `Access-Control-Allow-Origin` value: `*` or the request's origin.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example.com")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Preflight(allowed) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(allowed.allow_origin(), "https://a.example.com");
    /// ```
    pub fn allow_origin(&self) -> &HeaderValue {
        self.allow_origin.value()
    }

    /// The template the answer starts from.
    pub(crate) fn template(&self) -> &'a PreflightTemplate {
        &self.policy.preflight
    }

    /// What the answer changes in the policy's template.
    pub(crate) fn fill(&self) -> PreflightFill<'_> {
        let policy = self.policy;
        let method = match (&policy.methods, policy.credentials) {
            (Listed::Any, true) => MethodFill::Echo(self.preflight.method_value()),
            _ => MethodFill::Template,
        };
        let headers = match policy.headers {
            HeaderRule::List(_) => HeadersFill::Template,
            HeaderRule::Any if policy.credentials => HeadersFill::Echo(self.preflight.requested()),
            HeaderRule::Any if self.authorization_requested => HeadersFill::StarAndAuthorization,
            HeaderRule::Any => HeadersFill::Template,
        };
        PreflightFill {
            origin: self.allow_origin.echoed(),
            method,
            headers,
            private_network: policy.private_network && self.preflight.requests_private_network(),
        }
    }
}

/// What `Access-Control-Expose-Headers` says on allowed actual responses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expose {
    None,
    /// A precomputed list, or `*` for "any" without credentials.
    Value(HeaderValue),
    /// "Any" with credentials: name the response's own headers.
    ResponseHeaders,
}

/// The headers of an allowed actual response besides
/// `Access-Control-Allow-Origin`, copied out of the policy so that the
/// response future needs no reference to it.
#[derive(Debug, Clone)]
pub(crate) struct ActualHeaders {
    pub(crate) credentials: bool,
    pub(crate) expose: Expose,
    pub(crate) vary: bool,
}

/// The answer every allowed preflight of a policy starts from: its status
/// and headers in the order they are sent, with a placeholder where the
/// value depends on the request (see [`PreflightFill`]). Made by `build()`
/// (`response::preflight_template`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreflightTemplate {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
}

/// What a preflight's answer changes in the template.
pub(crate) struct PreflightFill<'a> {
    /// `Access-Control-Allow-Origin` when it is not `*`.
    pub(crate) origin: Option<&'a HeaderValue>,
    /// What becomes of `Access-Control-Allow-Methods`.
    pub(crate) method: MethodFill<'a>,
    /// What becomes of `Access-Control-Allow-Headers`.
    pub(crate) headers: HeadersFill<'a>,
    /// Add `Access-Control-Allow-Private-Network: true`.
    pub(crate) private_network: bool,
}

/// What a preflight's answer says in `Access-Control-Allow-Methods`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum MethodFill<'a> {
    /// The template's value.
    Template,
    /// The requested method, echoed.
    Echo(&'a HeaderValue),
    /// None at all: the requested method was refused and "any" would echo it.
    Omit,
}

/// What a preflight's answer says in `Access-Control-Allow-Headers`.
pub(crate) enum HeadersFill<'a> {
    /// The template's value.
    Template,
    /// The requested names, echoed (removed when none were requested).
    Echo(&'a RequestedHeaders<'a>),
    /// The requested names other than `*`, echoed (removed when none are
    /// left): for refused preflights, whose answer never covers what was
    /// refused.
    EchoAllowed(&'a RequestedHeaders<'a>),
    /// `*, authorization`: `*` does not cover `authorization`.
    StarAndAuthorization,
}

impl PreflightFill<'_> {
    /// Whether two fills of one request complete equal templates into equal
    /// answers. Echoed headers come from the same request, so they are
    /// alike whenever both echo.
    pub(crate) fn same_as(&self, other: &PreflightFill<'_>) -> bool {
        let headers = matches!(
            (&self.headers, &other.headers),
            (HeadersFill::Template, HeadersFill::Template)
                | (HeadersFill::Echo(_), HeadersFill::Echo(_))
                | (HeadersFill::EchoAllowed(_), HeadersFill::EchoAllowed(_))
                | (
                    HeadersFill::StarAndAuthorization,
                    HeadersFill::StarAndAuthorization
                )
        );
        headers
            && self.origin == other.origin
            && self.method == other.method
            && self.private_network == other.private_network
    }
}

impl Policy {
    /// What the answer to a refused preflight from an allowed origin (refused
    /// for its method or a header) changes in the template: the configured
    /// status, `Access-Control-Allow-Origin`, `-Credentials`, the configured
    /// method and header lists and max-age, so that the browser refuses the
    /// real request itself and names what is missing.
    ///
    /// Where an allowed answer mirrors the request (any method or any header
    /// with credentials, where browsers read `*` literally), this one mirrors
    /// only what the policy allows: the method unless it is `*`, the header
    /// names other than `*`. The answer therefore never covers what was
    /// refused, and tells the origin nothing an allowed answer would not.
    pub(crate) fn refused_preflight_fill<'a>(
        &self,
        preflight: &'a Preflight<'a>,
    ) -> PreflightFill<'a> {
        let origin = preflight.origin();
        let private_network = self.private_network && preflight.requests_private_network();
        let star = matches!(self.origins, OriginRule::Any) && !private_network;
        let method = preflight.method_value();
        let method = match (&self.methods, self.credentials) {
            (Listed::Any, true) if method.as_bytes() == b"*" => MethodFill::Omit,
            (Listed::Any, true) => MethodFill::Echo(method),
            _ => MethodFill::Template,
        };
        let headers = match self.headers {
            HeaderRule::Any if self.credentials => HeadersFill::EchoAllowed(preflight.requested()),
            HeaderRule::Any if preflight.requested().includes_authorization() => {
                HeadersFill::StarAndAuthorization
            }
            _ => HeadersFill::Template,
        };
        PreflightFill {
            // A Private Network Access preflight needs the origin echoed.
            origin: (!star).then(|| origin.header_value()),
            method,
            headers,
            private_network,
        }
    }
}
