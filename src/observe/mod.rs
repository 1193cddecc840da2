//! Observe: what reads decisions and never writes a response. Logs
//! (`tracing`), counters (`metrics`), report-only trials and
//! [`Policy::explain`](crate::Policy::explain).

pub(crate) mod counters;
pub(crate) mod explain;
pub(crate) mod report_only;
pub(crate) mod trace;

use std::fmt;

use http::{Method, Uri};

use crate::policy::Decision;
use crate::request::{Rejection, RequestKind};

/// How a policy decides one request, in one word: what
/// [`Explanation::verdict`](crate::Explanation::verdict) says and what a
/// report-only [`Divergence`](crate::Divergence) compares.
///
/// ```
/// use http::Request;
/// use tower_cors::{CorsLayer, Rejection, Verdict};
///
/// let (head, ()) = Request::get("/").body(()).unwrap().into_parts();
/// assert_eq!(CorsLayer::permissive().policy().explain(&head).verdict(), Verdict::NotCors);
///
/// let refused = Verdict::Refused(Rejection::OriginNotAllowed("https://old.example"));
/// assert_eq!(refused.to_string(), "refused: origin \"https://old.example\" is not allowed");
/// assert!(Verdict::Allowed.is_allowed() && !refused.is_allowed());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// No `Origin`: not a CORS request (the response still gets
    /// `Vary: Origin`, or `*` under any-origin).
    NotCors,
    /// Allowed: the response gets CORS headers.
    Allowed,
    /// Refused, for this reason.
    Refused(Rejection<'a>),
    /// The static rules do not allow the origin, and only the policy's async
    /// origin check (the origin lookup or an async predicate) can: its
    /// answer is not known here.
    Undecided,
}

impl Verdict<'_> {
    /// Whether the policy allows the request.
    ///
    /// ```
    /// assert!(!tower_cors::Verdict::Undecided.is_allowed());
    /// ```
    pub fn is_allowed(&self) -> bool {
        matches!(self, Verdict::Allowed)
    }
}

impl fmt::Display for Verdict<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::NotCors => f.write_str("not a CORS request"),
            Verdict::Allowed => f.write_str("allowed"),
            Verdict::Refused(reason) => write!(f, "refused: {reason}"),
            Verdict::Undecided => f.write_str("undecided: the async origin check decides"),
        }
    }
}

/// Counts a decided request and logs a refusal: the one entry point of both
/// for every decision, static or resolved by the origin lookup (a request
/// whose origin waits for the lookup is observed once, when it is resolved).
/// Without the `metrics` and `tracing` features this is empty.
#[inline]
pub(crate) fn decided(decision: &Decision<'_>, method: &Method, uri: &Uri) {
    match decision {
        Decision::NotCors => counters::not_cors(),
        Decision::Actual(_) => counters::allowed(RequestKind::Actual),
        Decision::Preflight(_) => counters::allowed(RequestKind::Preflight),
        // A deferred decision observed unresolved (its check could not
        // start) stands as its refusal.
        Decision::Rejected(rejected) | Decision::Deferred(rejected) => {
            trace::rejected(rejected, method, uri);
            counters::rejected(rejected);
        }
    }
}
