//! Diagnostics behind the `tracing` feature; without it these compile to nothing.

use http::{Method, Uri};

use crate::request::Rejected;

/// One `debug` event per refused CORS request: its method, path, origin,
/// kind and reason. Request values are escaped (`\xNN` for bytes outside
/// visible ASCII), so an event is always one clean line.
#[cfg(feature = "tracing")]
pub(crate) fn rejected(rejected: &Rejected<'_>, method: &Method, uri: &Uri) {
    let origin = rejected
        .origin_value()
        .map_or(&[][..], |origin| origin.as_bytes());
    tracing::debug!(
        target: "tower_cors",
        method = %method.as_str().as_bytes().escape_ascii(),
        path = %uri.path().as_bytes().escape_ascii(),
        origin = %origin.escape_ascii(),
        kind = ?rejected.kind(),
        reason = %rejected.reason(),
        "CORS request rejected"
    );
}

/// One `debug` event per refused CORS request; without the feature the
/// reason is not even read.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn rejected(_rejected: &Rejected<'_>, _method: &Method, _uri: &Uri) {}

/// The compiled policy at `info`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn built(policy: &dyn std::fmt::Display) {
    tracing::info!(target: "tower_cors", policy = %policy, "CORS policy compiled");
}

/// The compiled policy at `info`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn built(_policy: &dyn std::fmt::Display) {}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn warned(warnings: &[crate::warning::ConfigWarning]) {
    for warning in warnings {
        tracing::warn!(target: "tower_cors", warning = %warning, "CORS configuration warning");
    }
}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn warned(_warnings: &[crate::warning::ConfigWarning]) {}
