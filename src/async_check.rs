//! The futures of requests whose origin only the async origin predicate can
//! allow: entered only when [`Policy::decide`] rejected an origin and an
//! async predicate is configured, so every other request pays nothing.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response};

use crate::async_origin::CheckFuture;
use crate::policy::{AllowOrigin, Policy};
use crate::rejection::{Rejected, Rejection};
use crate::request::{CorsRequest, RequestKind};
use crate::response::{rejected_preflight, strip};

/// A started check, for a request the static rules rejected for its origin.
pub(crate) struct Started {
    check: CheckFuture,
    origin: HeaderValue,
}

/// Starts the async check if `rejected` is an origin rejection that the
/// policy's async predicate may overturn.
pub(crate) fn start(policy: &Policy, rejected: &Rejected<'_>, parts: &Parts) -> Option<Started> {
    let predicate = policy.async_origin()?;
    match rejected.reason() {
        Rejection::OriginNotAllowed(origin) if origin != "null" => {}
        _ => return None,
    }
    let origin = parts.headers.get(ORIGIN)?;
    Some(Started {
        check: predicate.start(origin, parts),
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
    /// For a guarded WebSocket handshake: the inner future is not polled
    /// before the verdict, and a refusal is answered with 403 made with
    /// this body.
    handshake: Option<fn() -> B>,
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
            handshake: None,
        })
    }

    /// A WebSocket handshake under the guard: its inner future waits for
    /// the verdict, so a refused origin never runs the handler.
    pub(crate) fn handshake(
        started: Started,
        policy: Arc<Policy>,
        make_body: fn() -> B,
    ) -> Box<Self> {
        let mut check = ActualCheck::new(started, policy);
        check.handshake = Some(make_body);
        check
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
        if let Some(make_body) = self.handshake {
            match self.verdict {
                None => return Poll::Pending,
                Some(false) => {
                    let origin = self.origin.to_str().unwrap_or_default();
                    let reason = Rejection::OriginNotAllowed(origin);
                    crate::trace::rejection(RequestKind::WebSocket, reason);
                    let refused: Response<()> = rejected_preflight(HeaderMap::new());
                    return Poll::Ready(Ok(refused.map(|()| make_body())));
                }
                Some(true) => {}
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
            let actual = self.policy.actual_headers();
            actual.apply(self.origin.clone(), headers);
        } else {
            let origin = self.origin.to_str().unwrap_or_default();
            crate::trace::rejection(RequestKind::Actual, Rejection::OriginNotAllowed(origin));
            strip(headers, self.policy.varies_by_origin());
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
            CorsRequest::classify(&self.parts.method, &self.parts.headers)
        else {
            // Unreachable: the request was classified as a preflight before.
            return rejected_preflight(HeaderMap::new());
        };
        let origin = preflight.origin();
        let checked = if origin_allowed {
            policy.check_preflight(preflight, AllowOrigin::Value(origin.header_value()))
        } else {
            Err(Rejection::OriginNotAllowed(origin.as_str()))
        };
        match checked {
            Ok(allowed) => allowed.response(),
            Err(reason) => {
                crate::trace::rejection(RequestKind::Preflight, reason);
                rejected_preflight(HeaderMap::new())
            }
        }
    }
}
