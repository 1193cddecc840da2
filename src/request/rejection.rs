//! Why a CORS request was rejected: [`Rejected`] and its [`Rejection`] reason.

use std::fmt;

use super::{Malformed, Origin, RequestKind};

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
    /// A state-changing request refused by
    /// [`guard_cross_origin_writes`](crate::CorsBuilder::guard_cross_origin_writes)
    /// that carries no origin to check: `Origin: null` (the value), or no
    /// `Origin` while `Sec-Fetch-Site` says another site sent it (empty).
    WriteWithoutOrigin(&'a str),
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
            Rejection::WriteWithoutOrigin("") => f.write_str(
                "a cross-origin write without Origin is refused: Sec-Fetch-Site says another \
                 site sent it, and browsers send Origin on every write; if a proxy removes \
                 Origin, keep it",
            ),
            Rejection::WriteWithoutOrigin(o) => write!(
                f,
                "a cross-origin write from origin \"{}\" is refused: browsers send \"null\" \
                 from sandboxed frames, from pages whose referrer policy is no-referrer and \
                 from https pages to http; send it from an allowed origin, over https, with \
                 the default referrer policy",
                o.escape_debug()
            ),
        }
    }
}

/// A rejected CORS request: its kind, its origin and the reason.
#[derive(Clone, Copy)]
pub struct Rejected<'a> {
    kind: RequestKind,
    /// The request's `Origin`, as sent; `None` only for a request refused
    /// without one.
    origin: Option<Origin<'a>>,
    reason: Reason<'a>,
}

/// A [`Rejection`] as decided. A rejected origin is read as text only when
/// asked for: origin rejections are the common case, and the layer itself
/// never asks unless it logs.
#[derive(Clone, Copy)]
enum Reason<'a> {
    /// The origin is not allowed (or, if it is not well formed, malformed).
    Origin,
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
            origin: Some(origin),
            reason: Reason::Origin,
        }
    }

    /// A request from `origin` rejected for `reason`.
    pub(crate) fn other(kind: RequestKind, origin: Origin<'a>, reason: Rejection<'a>) -> Self {
        Rejected {
            kind,
            origin: Some(origin),
            reason: Reason::Other(reason),
        }
    }

    /// A request without `Origin` refused for `reason`.
    pub(crate) fn without_origin(kind: RequestKind, reason: Rejection<'a>) -> Self {
        Rejected {
            kind,
            origin: None,
            reason: Reason::Other(reason),
        }
    }

    /// A request whose CORS headers are malformed.
    pub(crate) fn malformed(kind: RequestKind, origin: Origin<'a>, problem: Malformed) -> Self {
        Rejected::other(kind, origin, Rejection::Malformed(problem))
    }

    /// The same rejection for a request of another kind.
    #[inline]
    pub(crate) fn of_kind(self, kind: RequestKind) -> Self {
        Rejected { kind, ..self }
    }

    /// The request's `Origin` header, as sent.
    pub(crate) fn origin_value(&self) -> Option<&'a http::HeaderValue> {
        self.origin.map(|origin| origin.header_value())
    }

    /// The origin an async origin check may still allow: a well-formed,
    /// non-`null` origin the static rules refused. `None` for every other
    /// rejection.
    pub(crate) fn checkable_origin(&self) -> Option<Origin<'a>> {
        match (self.reason, self.origin) {
            (Reason::Origin, Some(origin)) if !origin.is_null() && origin.is_well_formed() => {
                Some(origin)
            }
            _ => None,
        }
    }

    /// Whether the rejected request was a preflight (answered by the layer:
    /// 403 and no CORS headers, or the policy's own lists when an allowed
    /// origin asked for a method or header they lack), an actual request
    /// (forwarded to the inner service, whose response gets no CORS
    /// headers), a WebSocket handshake under
    /// [`guard_websockets`](crate::CorsBuilder::guard_websockets) (answered
    /// with 403; the reason is the origin's), or a cross-origin write under
    /// [`guard_cross_origin_writes`](crate::CorsBuilder::guard_cross_origin_writes)
    /// (answered with 403).
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
        match (self.reason, self.origin) {
            // The origin is checked for shape only when needed.
            (Reason::Origin, Some(origin)) if !origin.is_well_formed() => {
                Rejection::Malformed(Malformed::Origin)
            }
            // No origin rule ever allows `null`: the guard refused a write
            // that has no origin to check.
            (Reason::Origin, Some(origin))
                if self.kind == RequestKind::CrossOriginWrite && origin.is_null() =>
            {
                Rejection::WriteWithoutOrigin(origin.as_str())
            }
            (Reason::Origin, origin) => {
                Rejection::OriginNotAllowed(origin.map_or("", |origin| origin.as_str()))
            }
            (Reason::Other(reason), _) => reason,
        }
    }
}

impl fmt::Display for Rejected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rejected: {}", self.kind.noun(), self.reason())
    }
}
