//! [`CorsBuilder::allow_origin_async_predicate`]: an origin check that needs
//! I/O, run only for origins the static rules refused.
//!
//! Kept apart from the request path of every other request: the service
//! enters this module only when [`Policy::decide`] refused an origin and an
//! async predicate is configured.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderValue, Response};

use crate::builder::CorsBuilder;
use crate::policy::{apply_rejected, AllowOrigin, Policy, Rejected, Rejection};
use crate::request::{CorsRequest, RequestKind};

/// The predicate's future, boxed: the one allocation this feature costs per
/// checked request, besides its bookkeeping.
type CheckFuture = Pin<Box<dyn Future<Output = bool> + Send + 'static>>;

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

impl CorsBuilder {
    /// Allows origins that an async check accepts, e.g. a lookup of
    /// registered tenant origins in a database. It is asked only when the
    /// listed origins, patterns and [`allow_origin_predicate`]s did not allow
    /// the origin, and never for `null` or malformed origins; an allowed
    /// origin is echoed back. A later call replaces an earlier one.
    ///
    /// The function gets the `Origin` value and the request head and returns
    /// a `'static` future: clone what it needs (a pool handle, the origin)
    /// into it.
    ///
    /// - **Actual requests** reach the inner service at once; the check runs
    ///   alongside, and the response gets CORS headers when both are done
    ///   and the check said yes. No `Clone` bound on the inner service.
    /// - **Preflights** wait for the check, then are answered (204 or 403)
    ///   as usual.
    ///
    /// [`Policy::decide`](crate::Policy::decide) stays synchronous and
    /// applies the static rules only: for an origin that only this predicate
    /// would allow it returns `Rejected` with `OriginNotAllowed`, and the
    /// layer then asks the predicate. With the `tracing` feature, the
    /// rejection event is emitted only if the predicate also says no.
    ///
    /// **Cost**: requests whose origin the static rules allow, and requests
    /// without `Origin`, pay nothing. Each other request pays the check
    /// itself, one boxed future, one small box of state, and for actual
    /// requests a clone of the `Origin` value. Cache answers in the
    /// predicate if the lookup is slow, and keep the static rules for the
    /// origins you know, so the common case never gets here.
    ///
    /// [`allow_origin_predicate`]: Self::allow_origin_predicate
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, RwLock};
    /// use tower_cors::CorsLayer;
    ///
    /// // Stands in for a database of tenant origins.
    /// let tenants = Arc::new(RwLock::new(HashSet::from(["https://shop.tenant.example".to_owned()])));
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_origin_async_predicate(move |origin, _parts| {
    ///         let tenants = Arc::clone(&tenants);
    ///         let origin = origin.to_str().unwrap_or_default().to_owned();
    ///         async move { tenants.read().unwrap().contains(&origin) }
    ///     })
    ///     .build()?;
    /// assert!(cors.policy().to_string().contains("+ async predicate"));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_async_predicate<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.async_origin = Some(AsyncOriginCheck(Arc::new(move |origin, parts| {
            Box::pin(f(origin, parts)) as CheckFuture
        })));
        self
    }
}

/// A started check, for a request the static rules refused for its origin.
pub(crate) struct Started {
    check: CheckFuture,
    origin: HeaderValue,
}

/// Starts the async check if `rejected` is an origin refusal that the
/// policy's async predicate may overturn.
pub(crate) fn start(policy: &Policy, rejected: &Rejected<'_>, parts: &Parts) -> Option<Started> {
    let predicate = policy.async_origin.as_ref()?;
    match rejected.reason() {
        Rejection::OriginNotAllowed(origin) if origin != "null" => {}
        _ => return None,
    }
    let origin = parts.headers.get(ORIGIN)?;
    Some(Started {
        check: (predicate.0)(origin, parts),
        origin: origin.clone(),
    })
}

/// An actual request under an async check: the inner service's response is
/// parked here if it arrives before the verdict.
pub(crate) struct ActualCheck<B> {
    check: CheckFuture,
    verdict: Option<bool>,
    origin: HeaderValue,
    policy: Arc<Policy>,
    parked: Option<Response<B>>,
    inner_done: bool,
}

impl<B> ActualCheck<B> {
    pub(crate) fn new(started: Started, policy: Arc<Policy>) -> Box<Self> {
        Box::new(ActualCheck {
            check: started.check,
            verdict: None,
            origin: started.origin,
            policy,
            parked: None,
            inner_done: false,
        })
    }

    /// Polls the check and the inner future; decorates the response when
    /// both are done. Inner errors pass through at once.
    pub(crate) fn poll<F, E>(
        &mut self,
        inner: Pin<&mut F>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Response<B>, E>>
    where
        F: Future<Output = Result<Response<B>, E>>,
    {
        if self.verdict.is_none() {
            if let Poll::Ready(allowed) = self.check.as_mut().poll(cx) {
                self.verdict = Some(allowed);
            }
        }
        if !self.inner_done {
            match inner.poll(cx) {
                Poll::Pending => {}
                Poll::Ready(Err(error)) => {
                    self.inner_done = true;
                    return Poll::Ready(Err(error));
                }
                Poll::Ready(Ok(response)) => {
                    self.inner_done = true;
                    self.parked = Some(response);
                }
            }
        }
        let Some(allowed) = self.verdict else {
            return Poll::Pending;
        };
        let Some(mut response) = self.parked.take() else {
            return Poll::Pending;
        };
        let headers = response.headers_mut();
        if allowed {
            self.policy.apply_allowed(self.origin.clone(), headers);
        } else {
            let origin = self.origin.to_str().unwrap_or_default();
            crate::trace::rejection(RequestKind::Actual, Rejection::OriginNotAllowed(origin));
            apply_rejected(headers, self.policy.varies_by_origin());
        }
        Poll::Ready(Ok(response))
    }
}

/// A preflight under an async check: answered when the verdict is in.
pub(crate) struct PreflightCheck<B> {
    check: CheckFuture,
    parts: Parts,
    policy: Arc<Policy>,
    make_body: fn() -> B,
}

impl<B> PreflightCheck<B> {
    pub(crate) fn new(
        started: Started,
        parts: Parts,
        policy: Arc<Policy>,
        make_body: fn() -> B,
    ) -> Box<Self> {
        Box::new(PreflightCheck {
            check: started.check,
            parts,
            policy,
            make_body,
        })
    }

    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Response<B>> {
        let allowed = match self.check.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(allowed) => allowed,
        };
        let response = self.answer(allowed);
        Poll::Ready(response.map(|()| (self.make_body)()))
    }

    fn answer(&self, origin_allowed: bool) -> Response<()> {
        let policy = &*self.policy;
        let Ok(CorsRequest::Preflight(preflight)) =
            CorsRequest::parse(&self.parts.method, &self.parts.headers)
        else {
            // Unreachable: the request was classified as a preflight before.
            return policy.rejected_preflight_response();
        };
        let origin = preflight.origin();
        let checked = if origin_allowed {
            policy.check_preflight_request(preflight, AllowOrigin::Value(origin.header_value()))
        } else {
            Err(Rejection::OriginNotAllowed(origin.as_str()))
        };
        match checked {
            Ok(allowed) => allowed.response(),
            Err(reason) => {
                crate::trace::rejection(RequestKind::Preflight, reason);
                policy.rejected_preflight_response()
            }
        }
    }
}
