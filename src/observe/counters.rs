//! Request counters behind the `metrics` feature, through the `metrics`
//! facade: the application installs the recorder (Prometheus, StatsD…).
//! Without the feature these compile to nothing.
//!
//! One counter, `tower_cors_requests_total`, labelled `kind` (`preflight`,
//! `actual`, `websocket` for handshakes refused by `guard_websockets`,
//! `cross_origin_write` for writes refused by `guard_cross_origin_writes`,
//! `not_cors`) and `outcome` (`allowed`, or the kind of refusal:
//! `origin_not_allowed`, `method_not_allowed`, `header_not_allowed`,
//! `malformed`, `origin_lookup_failed`, `origin_lookup_saturated`,
//! `write_without_origin`). Label values are these constants only: never an origin, a
//! method or a header name from a request, so the number of series stays
//! bounded whatever clients send.

#[cfg(feature = "metrics")]
use crate::request::Rejection;
use crate::request::{Rejected, RequestKind};

/// The counter's name.
#[cfg(feature = "metrics")]
pub(crate) const REQUESTS_TOTAL: &str = "tower_cors_requests_total";

#[cfg(feature = "metrics")]
use metrics::Label;

#[cfg(feature = "metrics")]
const fn labels(kind: &'static str, outcome: &'static str) -> [Label; 2] {
    [
        Label::from_static_parts("kind", kind),
        Label::from_static_parts("outcome", outcome),
    ]
}

/// The outcomes of a CORS request, in the order of [`outcome_index`].
#[cfg(feature = "metrics")]
macro_rules! outcomes {
    ($kind:literal) => {
        [
            labels($kind, "allowed"),
            labels($kind, "origin_not_allowed"),
            labels($kind, "method_not_allowed"),
            labels($kind, "header_not_allowed"),
            labels($kind, "malformed"),
            labels($kind, "origin_lookup_failed"),
            labels($kind, "origin_lookup_saturated"),
            labels($kind, "write_without_origin"),
        ]
    };
}

// Every label set, fixed: a key made of static parts costs no allocation
// per request (the `counter!` macro allocates labels given as variables).
/// How many outcomes a kind has: `allowed` and each refusal.
#[cfg(feature = "metrics")]
const OUTCOMES: usize = 8;
#[cfg(feature = "metrics")]
static NOT_CORS: [Label; 2] = labels("not_cors", "allowed");
#[cfg(feature = "metrics")]
static ACTUAL: [[Label; 2]; OUTCOMES] = outcomes!("actual");
#[cfg(feature = "metrics")]
static PREFLIGHT: [[Label; 2]; OUTCOMES] = outcomes!("preflight");
#[cfg(feature = "metrics")]
static WEBSOCKET: [[Label; 2]; OUTCOMES] = outcomes!("websocket");
#[cfg(feature = "metrics")]
static CROSS_ORIGIN_WRITE: [[Label; 2]; OUTCOMES] = outcomes!("cross_origin_write");

#[cfg(feature = "metrics")]
fn record(labels: &'static [Label]) {
    const METADATA: metrics::Metadata<'static> =
        metrics::Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));
    let key = metrics::Key::from_static_parts(REQUESTS_TOTAL, labels);
    metrics::with_recorder(|recorder| recorder.register_counter(&key, &METADATA)).increment(1);
}

#[cfg(feature = "metrics")]
fn outcomes(kind: RequestKind) -> &'static [[Label; 2]; OUTCOMES] {
    match kind {
        RequestKind::Preflight => &PREFLIGHT,
        RequestKind::Actual => &ACTUAL,
        RequestKind::WebSocket => &WEBSOCKET,
        RequestKind::CrossOriginWrite => &CROSS_ORIGIN_WRITE,
    }
}

/// Where a refusal's `outcome` label is in [`ACTUAL`] and [`PREFLIGHT`].
#[cfg(feature = "metrics")]
fn outcome_index(reason: Rejection<'_>) -> usize {
    match reason {
        Rejection::OriginNotAllowed(_) => 1,
        Rejection::MethodNotAllowed(_) => 2,
        Rejection::HeaderNotAllowed(_) => 3,
        Rejection::Malformed(_) => 4,
        Rejection::OriginLookupFailed(_) => 5,
        Rejection::OriginLookupSaturated(_) => 6,
        Rejection::WriteWithoutOrigin(_) => 7,
    }
}

/// A request without `Origin`, passed on.
#[cfg(feature = "metrics")]
pub(crate) fn not_cors() {
    record(&NOT_CORS);
}

/// An allowed CORS request.
#[cfg(feature = "metrics")]
pub(crate) fn allowed(kind: RequestKind) {
    record(&outcomes(kind)[0]);
}

/// A rejected CORS request.
#[cfg(feature = "metrics")]
pub(crate) fn rejected(rejected: &Rejected<'_>) {
    record(&outcomes(rejected.kind())[outcome_index(rejected.reason())]);
}

/// A request without `Origin`, passed on.
#[cfg(not(feature = "metrics"))]
#[inline]
pub(crate) fn not_cors() {}

/// An allowed CORS request.
#[cfg(not(feature = "metrics"))]
#[inline]
pub(crate) fn allowed(_kind: RequestKind) {}

/// A rejected CORS request.
#[cfg(not(feature = "metrics"))]
#[inline]
pub(crate) fn rejected(_rejected: &Rejected<'_>) {}
