//! Diagnostics behind the `tracing` feature; without it these compile to nothing.

use crate::rejection::{Rejected, Rejection};
use crate::request::RequestKind;

/// One `debug` event per rejected CORS request, with the typed reason.
#[cfg(feature = "tracing")]
pub(crate) fn rejected(rejected: &Rejected<'_>) {
    rejection(rejected.kind(), rejected.reason());
}

/// One `debug` event per rejected CORS request, with the typed reason.
/// Without the feature the reason is not even read.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn rejected(_rejected: &Rejected<'_>) {}

/// One `debug` event per rejected CORS request, with the typed reason.
#[cfg(feature = "tracing")]
pub(crate) fn rejection(kind: RequestKind, reason: Rejection<'_>) {
    tracing::debug!(
        target: "tower_cors",
        kind = ?kind,
        reason = %reason,
        "CORS request rejected"
    );
}

/// One `debug` event per rejected CORS request, with the typed reason.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn rejection(_kind: RequestKind, _reason: Rejection<'_>) {}

/// The compiled policy at `info`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn built(policy: &crate::Policy) {
    tracing::info!(target: "tower_cors", policy = %policy, "CORS policy compiled");
}

/// The compiled policy at `info`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn built(_policy: &crate::Policy) {}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(feature = "tracing")]
pub(crate) fn warned(policy: &crate::Policy) {
    for warning in policy.warnings() {
        tracing::warn!(target: "tower_cors", warning = %warning, "CORS configuration warning");
    }
}

/// Each warning of a compiled policy at `warn`, once per build.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn warned(_policy: &crate::Policy) {}
