//! Why a CORS request was rejected: [`Rejected`] and its [`Rejection`] reason.

use std::fmt;

use crate::request::{Malformed, Origin, RequestKind};

/// Why a CORS request was rejected. Every value borrowed from the request has
/// been validated as visible ASCII; `Display` escapes anything else anyway,
/// so a reason is safe to log.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection<'a> {
    /// The origin is not allowed (the value as sent).
    OriginNotAllowed(&'a str),
    /// The preflight asks for a method that is not allowed.
    MethodNotAllowed(&'a str),
    /// The preflight asks for a request header that is not allowed.
    HeaderNotAllowed(&'a str),
    /// A CORS header of the request is malformed.
    Malformed(Malformed),
    /// The origin lookup of
    /// [`allow_origin_lookup`](crate::CorsBuilder::allow_origin_lookup) could
    /// not answer for this origin (an error, a timeout or a panic): the
    /// request is refused, and the next one asks again.
    OriginLookupFailed(&'a str),
    /// The origin lookup could not start for this origin: all of
    /// [`origin_lookup_concurrency`](crate::CorsBuilder::origin_lookup_concurrency)'s
    /// lookups stayed in flight for the whole lookup timeout. The request is
    /// refused, and the next one asks again.
    OriginLookupSaturated(&'a str),
}

impl fmt::Display for Rejection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::OriginNotAllowed(o) => {
                write!(f, "origin \"{}\" is not allowed", o.escape_debug())
            }
            Rejection::MethodNotAllowed(m) => {
                write!(f, "method \"{}\" is not allowed", m.escape_debug())
            }
            Rejection::HeaderNotAllowed(h) => {
                write!(f, "request header \"{}\" is not allowed", h.escape_debug())
            }
            Rejection::Malformed(m) => write!(f, "malformed request: {m}"),
            Rejection::OriginLookupFailed(o) => write!(
                f,
                "origin \"{}\" is refused: the origin lookup failed",
                o.escape_debug()
            ),
            Rejection::OriginLookupSaturated(o) => write!(
                f,
                "origin \"{}\" is refused: no origin lookup could start in time",
                o.escape_debug()
            ),
        }
    }
}

/// A rejected CORS request: its kind and the reason.
#[derive(Clone, Copy)]
pub struct Rejected<'a> {
    kind: RequestKind,
    reason: Reason<'a>,
}

/// A [`Rejection`] as decided. A rejected origin is kept as the header and
/// read as text only when asked for: origin rejections are the common case,
/// and the layer itself never asks unless it logs.
#[derive(Clone, Copy)]
enum Reason<'a> {
    Origin(Origin<'a>),
    Other(Rejection<'a>),
}

impl PartialEq for Rejected<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.reason() == other.reason()
    }
}

impl Eq for Rejected<'_> {}

impl fmt::Debug for Rejected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("kind", &self.kind)
            .field("reason", &self.reason())
            .finish()
    }
}

impl<'a> Rejected<'a> {
    /// A request rejected for its origin, whose shape is checked only if
    /// the reason is asked for.
    pub(crate) fn origin(kind: RequestKind, origin: Origin<'a>) -> Self {
        Rejected {
            kind,
            reason: Reason::Origin(origin),
        }
    }

    /// A request rejected for `reason`.
    pub(crate) fn other(kind: RequestKind, reason: Rejection<'a>) -> Self {
        Rejected {
            kind,
            reason: Reason::Other(reason),
        }
    }

    /// Whether the rejected request was a preflight (answered by the layer:
    /// 403 and no CORS headers, or the policy's own lists when an allowed
    /// origin asked for a method or header they lack), an actual request
    /// (forwarded to the inner service, whose response gets no CORS
    /// headers), or a WebSocket handshake under
    /// [`guard_websockets`](crate::CorsBuilder::guard_websockets) (answered
    /// with 403; the reason is the origin's).
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(rejected.kind(), RequestKind::Preflight);
    /// ```
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Whether the request is a preflight from an allowed origin refused
    /// for its method or a header: such a preflight still gets the policy's
    /// answer. Cheaper than [`Rejected::reason`]: no origin is examined.
    pub(crate) fn origin_allowed(&self) -> bool {
        matches!(
            self.reason,
            Reason::Other(Rejection::MethodNotAllowed(_) | Rejection::HeaderNotAllowed(_))
        )
    }

    /// Why it was rejected.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::options("/")
    ///     .header(header::ORIGIN, "https://evil.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { unreachable!() };
    /// assert_eq!(rejected.reason(), Rejection::OriginNotAllowed("https://evil.example"));
    /// ```
    pub fn reason(&self) -> Rejection<'a> {
        match self.reason {
            // The origin is checked for shape only when needed.
            Reason::Origin(origin) if !origin.is_well_formed() => {
                Rejection::Malformed(Malformed::Origin)
            }
            Reason::Origin(origin) => Rejection::OriginNotAllowed(origin.as_str()),
            Reason::Other(reason) => reason,
        }
    }
}

impl fmt::Display for Rejected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            RequestKind::Actual => "CORS request",
            RequestKind::Preflight => "CORS preflight",
            RequestKind::WebSocket => "WebSocket handshake",
        };
        write!(f, "{kind} rejected: {}", self.reason())
    }
}

/// A CORS request whose origin only the async origin check can allow: what
/// [`Decision::Deferred`](crate::Decision::Deferred) holds.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Decision, RequestKind, Rejection};
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_origin_async_predicate(|_origin, _parts| async { true })
///     .build()
///     .unwrap();
/// let (parts, ()) = Request::get("/")
///     .header(header::ORIGIN, "https://tenant.example")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let Decision::Deferred(deferred) = cors.policy().decide(&parts) else { unreachable!() };
/// assert_eq!(deferred.kind(), RequestKind::Actual);
/// assert_eq!(deferred.origin(), "https://tenant.example");
/// assert_eq!(
///     deferred.if_refused().reason(),
///     Rejection::OriginNotAllowed("https://tenant.example")
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Deferred<'a> {
    rejected: Rejected<'a>,
}

impl fmt::Debug for Deferred<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deferred")
            .field("kind", &self.kind())
            .field("origin", &self.origin())
            .finish()
    }
}

impl<'a> Deferred<'a> {
    /// `rejected` is an origin rejection of a well-formed origin.
    pub(crate) fn new(rejected: Rejected<'a>) -> Self {
        Deferred { rejected }
    }

    /// Whether the request is a preflight or an actual request.
    pub fn kind(&self) -> RequestKind {
        self.rejected.kind
    }

    /// The origin the async check is asked about, as sent.
    pub fn origin(&self) -> &'a str {
        match self.rejected.reason {
            Reason::Origin(origin) => origin.as_str(),
            Reason::Other(_) => "",
        }
    }

    /// The rejection that stands if the async check refuses the origin. If
    /// it allows it, a preflight's method and headers are checked next.
    pub fn if_refused(&self) -> Rejected<'a> {
        self.rejected
    }
}
