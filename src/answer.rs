//! The answer of an async origin check (the async predicate or the origin
//! lookup), shared by the checks and the futures that wait for them.

use std::future::Future;
use std::pin::Pin;

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

/// A started check: answered at once (a cached lookup answer), or to wait for.
pub(crate) enum Check {
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    Ready(Answer),
    Pending(CheckFuture),
}
