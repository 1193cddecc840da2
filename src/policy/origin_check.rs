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

#[cfg(feature = "origin-lookup")]
use crate::origin_lookup::{LookupFn, LookupSettings, OriginLookup};

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
