//! Resolve: a request whose origin only the async origin check (the origin
//! lookup or the async predicate) can allow, while it waits. [`Policy::decide`]
//! leaves it [`Decision::Deferred`]; the check starts, and its answer becomes
//! the same [`Decision`] a static rule gives ([`Policy::resolve`]), so that
//! the request is observed and written like any other. Requests the static
//! rules decide, or whose check answers at once, never come here.
//!
//! [`Policy::decide`]: crate::Policy::decide
//! [`Decision::Deferred`]: crate::Decision::Deferred
//! [`Decision`]: crate::Decision
//! [`Policy::resolve`]: crate::policy::Policy

mod pending;

use http::header::ORIGIN;
use http::{HeaderMap, HeaderValue};

pub(crate) use pending::{ActualCheck, PreflightCheck};

/// The `Origin` of a preflight the check was started for.
fn origin_of(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers.get(ORIGIN)
}
