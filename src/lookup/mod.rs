//! Resolve: a request whose origin only the async origin check (the origin
//! lookup or the async predicate) can allow. [`Policy::decide`] leaves it
//! [`Decision::Deferred`]; here the check starts, and its answer becomes the
//! same [`Decision`] a static rule gives, so that the request is observed and
//! written like any other. Requests the static rules decide never come here.

mod pending;

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method};

pub(crate) use pending::{ActualCheck, PreflightCheck};

use crate::policy::origin_check::{Answer, Check};
use crate::policy::{AllowOrigin, AllowedActual, Decision, Policy};
use crate::request::{CorsRequest, Origin, Rejected, Rejection, RequestKind};

/// Starts the async check of a deferred request's origin, and gives the
/// origin back; `None` if the policy has no check or the origin is not one
/// it may allow (`null`, malformed).
#[inline]
pub(crate) fn start<'a>(
    policy: &Policy,
    deferred: &Rejected<'a>,
    parts: &Parts,
) -> Option<(Check, &'a HeaderValue)> {
    let check = policy.async_origin()?;
    let origin = deferred.checkable_origin()?;
    let started = check.start(origin.header_value(), origin.as_str(), parts);
    Some((started, origin.header_value()))
}

/// The decision `answer` makes of a deferred request of `kind` from
/// `origin`: what the static rules would have decided had they allowed the
/// origin, or its refusal. A preflight's method and headers are checked
/// next, so `preflight` holds its header map.
pub(crate) fn resolve<'a>(
    policy: &'a Policy,
    kind: RequestKind,
    origin: &'a HeaderValue,
    answer: Answer,
    preflight: Option<&'a HeaderMap>,
) -> Decision<'a> {
    let origin = Origin::new(origin);
    match answer {
        Answer::Refused => Decision::Rejected(Rejected::origin(kind, origin)),
        Answer::Failed => Decision::Rejected(Rejected::other(
            kind,
            origin,
            Rejection::OriginLookupFailed(origin.as_str()),
        )),
        Answer::Allowed if kind == RequestKind::Preflight => {
            let classified =
                preflight.map(|headers| CorsRequest::classify(&Method::OPTIONS, headers));
            match classified {
                Some(Ok(CorsRequest::Preflight(preflight))) => {
                    let allow_origin = AllowOrigin::Value(preflight.origin().header_value());
                    policy.decide_preflight(preflight, allow_origin)
                }
                // Unreachable: the request was classified as a preflight before.
                _ => Decision::Rejected(Rejected::origin(kind, origin)),
            }
        }
        Answer::Allowed => Decision::Actual(AllowedActual::new(AllowOrigin::Value(
            origin.header_value(),
        ))),
    }
}

/// The `Origin` of a preflight the check was started for.
fn origin_of(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers.get(ORIGIN)
}
