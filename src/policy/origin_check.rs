//! The async origin check: the predicate of
//! [`CorsBuilder::allow_origin_async_predicate`](crate::CorsBuilder::allow_origin_async_predicate)
//! or the cached lookup of
//! [`CorsBuilder::allow_origin_lookup`](crate::CorsBuilder::allow_origin_lookup),
//! as configured and as compiled: a rule of the policy, which the resolve
//! stage (`lookup/`) starts when the static rules refuse an origin; and the
//! answer it gives.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

use http::{HeaderMap, Method};

#[cfg(feature = "origin-lookup")]
use super::origin_lookup::{LookupFn, LookupSettings, OriginLookup};
use super::{AllowOrigin, AllowedActual, Decision, Policy};
use crate::request::{CorsRequest, Origin, Rejected, Rejection, RequestKind};

/// What an async origin check says about an origin the static rules refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The origin is allowed.
    Allowed,
    /// The origin is not allowed.
    Refused,
    /// The check could not answer (an error, a timeout, a panic): the
    /// request is refused, and the answer is not remembered.
    // Only the origin lookup fails or answers at once.
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    Failed,
    /// The origin lookup could not start: every slot of
    /// `origin_lookup_concurrency` stayed busy for the whole timeout. Refused
    /// and not remembered, like `Failed`, but counted apart.
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    Saturated,
}

impl From<bool> for Answer {
    fn from(allowed: bool) -> Self {
        if allowed {
            Answer::Allowed
        } else {
            Answer::Refused
        }
    }
}

/// A check's future, boxed: the one allocation an async check costs per
/// request that waits for it, besides its bookkeeping.
pub(crate) type CheckFuture = Pin<Box<dyn Future<Output = Answer> + Send + 'static>>;

/// A started check: answered at once (a cached lookup answer, or a lookup
/// that cannot run), or to wait for.
pub(crate) enum Check {
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    Ready(Answer),
    Pending(CheckFuture),
}

/// The predicate with its future boxed.
type CheckFn = dyn Fn(&HeaderValue, &Parts) -> CheckFuture + Send + Sync + 'static;

/// The async origin check as configured: one per builder, the later call
/// replacing the earlier.
#[derive(Clone)]
pub(crate) enum AsyncOriginSpec {
    Predicate(Arc<CheckFn>),
    #[cfg(feature = "origin-lookup")]
    Lookup(Arc<LookupFn>),
}

impl AsyncOriginSpec {
    /// Stores `f`, boxing the futures it returns.
    pub(crate) fn predicate<F, Fut>(f: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        AsyncOriginSpec::Predicate(Arc::new(move |origin, parts| {
            let future = f(origin, parts);
            Box::pin(async move { Answer::from(future.await) }) as CheckFuture
        }))
    }

    /// Whether `other` is this same configured check (one call's, cloned).
    pub(crate) fn same(&self, other: &AsyncOriginSpec) -> bool {
        match (self, other) {
            (AsyncOriginSpec::Predicate(a), AsyncOriginSpec::Predicate(b)) => {
                std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
            }
            #[cfg(feature = "origin-lookup")]
            (AsyncOriginSpec::Lookup(a), AsyncOriginSpec::Lookup(b)) => {
                std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
            }
            #[cfg(feature = "origin-lookup")]
            _ => false,
        }
    }

    /// The check of one compiled policy: a lookup gets its own, empty cache.
    pub(crate) fn compile(
        self,
        #[cfg(feature = "origin-lookup")] settings: LookupSettings,
    ) -> AsyncOriginCheck {
        match self {
            AsyncOriginSpec::Predicate(f) => AsyncOriginCheck::Predicate(f),
            #[cfg(feature = "origin-lookup")]
            AsyncOriginSpec::Lookup(lookup) => {
                AsyncOriginCheck::Lookup(Arc::new(OriginLookup::new(lookup, settings)))
            }
        }
    }
}

/// A compiled async origin check.
#[derive(Clone)]
pub(crate) enum AsyncOriginCheck {
    Predicate(Arc<CheckFn>),
    #[cfg(feature = "origin-lookup")]
    Lookup(Arc<OriginLookup>),
}

impl fmt::Debug for AsyncOriginCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl AsyncOriginCheck {
    /// Starts a check of `origin` (the header, and as text).
    #[inline]
    pub(crate) fn start(&self, origin: &HeaderValue, text: &str, parts: &Parts) -> Check {
        match self {
            AsyncOriginCheck::Predicate(f) => {
                let _ = text;
                Check::Pending(f(origin, parts))
            }
            #[cfg(feature = "origin-lookup")]
            AsyncOriginCheck::Lookup(lookup) => lookup.start(text),
        }
    }

    /// The cached answer for `origin`: `None` for a predicate (nothing is
    /// cached), `Some(None)` for a lookup without an answer for it.
    pub(crate) fn cached(&self, origin: &str) -> Option<Option<bool>> {
        match self {
            AsyncOriginCheck::Predicate(_) => {
                let _ = origin;
                None
            }
            #[cfg(feature = "origin-lookup")]
            AsyncOriginCheck::Lookup(lookup) => Some(lookup.cached(origin)),
        }
    }

    /// What `Policy`'s `Display` calls it.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            AsyncOriginCheck::Predicate(_) => "async predicate",
            #[cfg(feature = "origin-lookup")]
            AsyncOriginCheck::Lookup(_) => "origin lookup",
        }
    }

    /// The origin lookup, if that is the check.
    #[cfg(feature = "origin-lookup")]
    pub(crate) fn lookup(&self) -> Option<&OriginLookup> {
        match self {
            AsyncOriginCheck::Lookup(lookup) => Some(lookup),
            AsyncOriginCheck::Predicate(_) => None,
        }
    }
}

impl Policy {
    /// Calls `f` on each distinct origin lookup of the layer: this policy's
    /// and, in a set, its routes' and groups' (a route that inherits the
    /// base's lookup shares its cache).
    #[cfg(feature = "origin-lookup")]
    pub(crate) fn each_lookup(&self, mut f: impl FnMut(&super::origin_lookup::OriginLookup)) {
        let mut seen: Vec<*const super::origin_lookup::OriginLookup> = Vec::new();
        let members = self.set.iter().flat_map(|set| set.policies().map(|p| &**p));
        for policy in std::iter::once(self).chain(members) {
            let Some(lookup) = policy.async_origin().and_then(|c| c.lookup()) else {
                continue;
            };
            if !seen.contains(&std::ptr::from_ref(lookup)) {
                seen.push(std::ptr::from_ref(lookup));
                f(lookup);
            }
        }
    }

    /// Whether the async origin check is a cached origin lookup (which a
    /// report-only trial may ask), rather than an async predicate.
    pub(crate) fn has_origin_lookup(&self) -> bool {
        match &self.async_origin {
            #[cfg(feature = "origin-lookup")]
            Some(AsyncOriginCheck::Lookup(_)) => true,
            _ => false,
        }
    }

    /// Starts the async check of a deferred request's origin, and gives the
    /// origin back; `None` if the policy has no check or the origin is not
    /// one it may allow (`null`, malformed).
    #[inline]
    pub(crate) fn start_check<'a>(
        &self,
        deferred: &Rejected<'a>,
        parts: &Parts,
    ) -> Option<(Check, &'a HeaderValue)> {
        let check = self.async_origin.as_ref()?;
        let origin = deferred.checkable_origin()?;
        let started = check.start(origin.header_value(), origin.as_str(), parts);
        Some((started, origin.header_value()))
    }

    /// The decision `answer` makes of a deferred request of `kind` from
    /// `origin`: what the static rules would have decided had they allowed
    /// the origin, or its refusal. Pure, like [`Policy::decide`]. A
    /// preflight's method and headers are checked next, so `preflight`
    /// holds its header map.
    pub(crate) fn resolve<'a>(
        &'a self,
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
            Answer::Saturated => Decision::Rejected(Rejected::other(
                kind,
                origin,
                Rejection::OriginLookupSaturated(origin.as_str()),
            )),
            Answer::Allowed if kind == RequestKind::Preflight => {
                let classified =
                    preflight.map(|headers| CorsRequest::classify(&Method::OPTIONS, headers));
                match classified {
                    Some(Ok(CorsRequest::Preflight(preflight))) => {
                        let allow_origin = AllowOrigin::Value(preflight.origin().header_value());
                        self.decide_preflight(preflight, allow_origin)
                    }
                    // Unreachable: the request was classified as a preflight.
                    _ => Decision::Rejected(Rejected::origin(kind, origin)),
                }
            }
            Answer::Allowed => Decision::Actual(AllowedActual::new(AllowOrigin::Value(
                origin.header_value(),
            ))),
        }
    }
}
