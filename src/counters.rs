//! Request counters behind the `metrics` feature, through the `metrics`
//! facade: the application installs the recorder (Prometheus, StatsD…).
//! Without the feature these compile to nothing.
//!
//! One counter, `tower_cors_requests_total`, labelled `kind` (`preflight`,
//! `actual`, `not_cors`) and `outcome` (`allowed`, or the kind of refusal:
//! `origin_not_allowed`, `method_not_allowed`, `header_not_allowed`,
//! `malformed`). Label values are these constants only: never an origin, a
//! method or a header name from a request, so the number of series stays
//! bounded whatever clients send.

use crate::rejection::{Rejected, Rejection};
use crate::request::RequestKind;

/// The counter's name.
#[cfg(feature = "metrics")]
pub(crate) const REQUESTS_TOTAL: &str = "tower_cors_requests_total";

#[cfg(feature = "metrics")]
fn record(kind: &'static str, outcome: &'static str) {
    metrics::counter!(REQUESTS_TOTAL, "kind" => kind, "outcome" => outcome).increment(1);
}

#[cfg(feature = "metrics")]
fn kind_label(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Preflight => "preflight",
        RequestKind::Actual => "actual",
    }
}

/// The `outcome` label of a refusal.
#[cfg(feature = "metrics")]
fn outcome_label(reason: Rejection<'_>) -> &'static str {
    match reason {
        Rejection::OriginNotAllowed(_) => "origin_not_allowed",
        Rejection::MethodNotAllowed(_) => "method_not_allowed",
        Rejection::HeaderNotAllowed(_) => "header_not_allowed",
        Rejection::Malformed(_) => "malformed",
    }
}

/// A request without `Origin`, passed on.
#[cfg(feature = "metrics")]
pub(crate) fn not_cors() {
    record("not_cors", "allowed");
}

/// An allowed CORS request.
#[cfg(feature = "metrics")]
pub(crate) fn allowed(kind: RequestKind) {
    record(kind_label(kind), "allowed");
}

/// A rejected CORS request.
#[cfg(feature = "metrics")]
pub(crate) fn rejected(rejected: &Rejected<'_>) {
    refused(rejected.kind(), rejected.reason());
}

/// A CORS request refused for `reason`.
#[cfg(feature = "metrics")]
pub(crate) fn refused(kind: RequestKind, reason: Rejection<'_>) {
    record(kind_label(kind), outcome_label(reason));
}

/// A request without `Origin`, passed on.
#[cfg(not(feature = "metrics"))]
#[inline(always)]
pub(crate) fn not_cors() {}

/// An allowed CORS request.
#[cfg(not(feature = "metrics"))]
#[inline(always)]
pub(crate) fn allowed(_kind: RequestKind) {}

/// A rejected CORS request.
#[cfg(not(feature = "metrics"))]
#[inline(always)]
pub(crate) fn rejected(_rejected: &Rejected<'_>) {}

/// A CORS request refused for `reason`.
#[cfg(not(feature = "metrics"))]
#[inline(always)]
pub(crate) fn refused(_kind: RequestKind, _reason: Rejection<'_>) {}
