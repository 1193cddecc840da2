//! The stored async origin predicate of
//! [`CorsBuilder::allow_origin_async_predicate`](crate::CorsBuilder::allow_origin_async_predicate);
//! the futures that wait for it are in `async_check.rs`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

/// The predicate's future, boxed: the one allocation this feature costs per
/// checked request, besides its bookkeeping.
pub(crate) type CheckFuture = Pin<Box<dyn Future<Output = bool> + Send + 'static>>;

/// The predicate with its future boxed.
type CheckFn = dyn Fn(&HeaderValue, &Parts) -> CheckFuture + Send + Sync + 'static;

/// A stored async origin predicate.
#[derive(Clone)]
pub(crate) struct AsyncOriginCheck(Arc<CheckFn>);

impl fmt::Debug for AsyncOriginCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncOriginCheck")
    }
}

impl AsyncOriginCheck {
    /// Stores `f`, boxing the futures it returns.
    pub(crate) fn new<F, Fut>(f: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        AsyncOriginCheck(Arc::new(move |origin, parts| {
            Box::pin(f(origin, parts)) as CheckFuture
        }))
    }

    /// Starts a check of `origin`.
    pub(crate) fn start(&self, origin: &HeaderValue, parts: &Parts) -> CheckFuture {
        (self.0)(origin, parts)
    }
}
