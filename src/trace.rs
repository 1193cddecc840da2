//! Diagnostics behind the `tracing` feature; without it these compile to nothing.

use http::{HeaderMap, Method, Request, Uri};

use crate::rejection::{Rejected, Rejection};
use crate::request::RequestKind;

/// The head of the request being decided, by reference: what a rejection
/// event names besides its reason.
#[derive(Clone, Copy)]
pub(crate) struct Head<'a> {
    // Read only by the `tracing` events.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) method: &'a Method,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
}

impl<'a> Head<'a> {
    #[inline(always)]
    pub(crate) fn of<B>(request: &'a Request<B>) -> Self {
        Head {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
        }
    }
}

/// One `debug` event per rejected CORS request, with the typed reason.
#[cfg(feature = "tracing")]
pub(crate) fn rejected(rejected: &Rejected<'_>, head: Head<'_>) {
    rejection(rejected.kind(), rejected.reason(), head);
}

/// One `debug` event per rejected CORS request, with the typed reason.
/// Without the feature the reason is not even read.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn rejected(_rejected: &Rejected<'_>, _head: Head<'_>) {}

/// One `debug` event per rejected CORS request: its method, path, origin,
/// kind and reason. Request values are escaped (`\xNN` for bytes outside
/// visible ASCII), so an event is always one clean line.
#[cfg(feature = "tracing")]
pub(crate) fn rejection(kind: RequestKind, reason: Rejection<'_>, head: Head<'_>) {
    let origin = head
        .headers
        .get(http::header::ORIGIN)
        .map_or(&[][..], |origin| origin.as_bytes());
    tracing::debug!(
        target: "tower_cors",
        method = %head.method.as_str().as_bytes().escape_ascii(),
        path = %head.uri.path().as_bytes().escape_ascii(),
        origin = %origin.escape_ascii(),
        kind = ?kind,
        reason = %reason,
        "CORS request rejected"
    );
}

/// One `debug` event per rejected CORS request, with the typed reason.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn rejection(_kind: RequestKind, _reason: Rejection<'_>, _head: Head<'_>) {}

/// The compiled policy at `info`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn built(policy: &dyn std::fmt::Display) {
    tracing::info!(target: "tower_cors", policy = %policy, "CORS policy compiled");
}

/// The compiled policy at `info`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn built(_policy: &dyn std::fmt::Display) {}

/// A failed origin lookup at `warn`, with its error: the store is down or
/// slow, which an operator should hear of even when requests are refused.
#[cfg(all(feature = "tracing", feature = "origin-lookup"))]
pub(crate) fn lookup_failed(origin: &str, error: &dyn std::fmt::Display) {
    tracing::warn!(
        target: "tower_cors::origin_lookup",
        origin = %origin.escape_debug(),
        error = %error,
        "CORS origin lookup failed; the request is refused"
    );
}

/// A failed origin lookup at `warn`, with its error.
#[cfg(all(not(feature = "tracing"), feature = "origin-lookup"))]
#[inline]
pub(crate) fn lookup_failed(_origin: &str, _error: &dyn std::fmt::Display) {}

/// A failed origin lookup answered by an expired "allowed" answer
/// (`origin_lookup_stale_if_error`), at `warn`, with its error.
#[cfg(all(feature = "tracing", feature = "origin-lookup"))]
pub(crate) fn lookup_stale(origin: &str, error: &dyn std::fmt::Display) {
    tracing::warn!(
        target: "tower_cors::origin_lookup",
        origin = %origin.escape_debug(),
        error = %error,
        "CORS origin lookup failed; its expired \"allowed\" answer is served (origin_lookup_stale_if_error)"
    );
}

/// A failed origin lookup answered by an expired "allowed" answer.
#[cfg(all(not(feature = "tracing"), feature = "origin-lookup"))]
#[inline]
pub(crate) fn lookup_stale(_origin: &str, _error: &dyn std::fmt::Display) {}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn warned(warnings: &[crate::warning::ConfigWarning]) {
    for warning in warnings {
        tracing::warn!(target: "tower_cors", warning = %warning, "CORS configuration warning");
    }
}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn warned(_warnings: &[crate::warning::ConfigWarning]) {}
