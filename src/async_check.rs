//! Requests whose origin only the async origin check (the async predicate or
//! the origin lookup) can allow: entered only when [`Policy::decide`]
//! rejected an origin and such a check is configured, so every other request
//! pays nothing. A check answered at once (a cached lookup answer) finishes
//! like a static decision; one to wait for gets the futures below.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response};

use crate::policy::{AllowOrigin, Policy};
use crate::rejection::{Rejected, Rejection};
use crate::request::{CorsRequest, RequestKind};
use crate::response::{rejected_preflight, strip};
use crate::verdict::{Check, CheckFuture, Verdict};

/// A started check, for a request the static rules rejected for its origin.
pub(crate) enum Started {
    /// Answered at once: a cached lookup answer (or a lookup that cannot
    /// run). The request goes on as if the static rules had decided.
    Ready(Verdict),
    /// To wait for.
    Pending(Pending),
}

/// A check to wait for, and the origin it checks.
pub(crate) struct Pending {
    check: CheckFuture,
    origin: HeaderValue,
}

/// Starts the async check if `rejected` is an origin rejection that the
/// policy's async check may overturn: never for `null`, a malformed origin,
/// or any other rejection.
#[inline]
pub(crate) fn start(policy: &Policy, rejected: &Rejected<'_>, parts: &Parts) -> Option<Started> {
    let check = policy.async_origin()?;
    let text = match rejected.reason() {
        Rejection::OriginNotAllowed(origin) if origin != "null" => origin,
        _ => return None,
    };
    let origin = parts.headers.get(ORIGIN)?;
    Some(match check.start(origin, text, parts) {
        Check::Ready(verdict) => Started::Ready(verdict),
        Check::Pending(check) => Started::Pending(Pending {
            check,
            origin: origin.clone(),
        }),
    })
}

/// The rejection a refused or failed check logs.
fn refusal(verdict: Verdict, origin: &str) -> Rejection<'_> {
    match verdict {
        Verdict::Failed => Rejection::OriginLookupFailed(origin),
        Verdict::Allowed | Verdict::Refused => Rejection::OriginNotAllowed(origin),
    }
}

/// Finishes an actual request's response under `verdict`: CORS headers if
/// allowed, none (and a logged rejection) otherwise.
pub(crate) fn finish_actual(
    policy: &Policy,
    verdict: Verdict,
    origin: &HeaderValue,
    headers: &mut HeaderMap,
) {
    if verdict == Verdict::Allowed {
        policy.actual_headers().apply(origin.clone(), headers);
    } else {
        log_refusal(RequestKind::Actual, verdict, origin);
        strip(headers, policy.varies_by_origin());
    }
}

/// Logs (with `tracing`) a request the async check refused or failed on.
pub(crate) fn log_refusal(kind: RequestKind, verdict: Verdict, origin: &HeaderValue) {
    let origin = origin.to_str().unwrap_or_default();
    crate::trace::rejection(kind, refusal(verdict, origin));
}

/// A preflight's answer under `verdict`: the policy's full answer if the
/// origin is allowed (its method and header checks still apply), else 403.
pub(crate) fn answer_preflight(policy: &Policy, parts: &Parts, verdict: Verdict) -> Response<()> {
    let Ok(CorsRequest::Preflight(preflight)) =
        CorsRequest::classify(&parts.method, &parts.headers)
    else {
        // Unreachable: the request was classified as a preflight before.
        return rejected_preflight(HeaderMap::new());
    };
    let origin = preflight.origin();
    let checked = if verdict == Verdict::Allowed {
        policy.check_preflight(preflight, AllowOrigin::Value(origin.header_value()))
    } else {
        Err(refusal(verdict, origin.as_str()))
    };
    match checked {
        Ok(allowed) => allowed.response(),
        Err(reason) => {
            crate::trace::rejection(RequestKind::Preflight, reason);
            rejected_preflight(HeaderMap::new())
        }
    }
}

/// An actual request under an async check: the inner service's response is
/// parked here if it arrives before the verdict.
pub(crate) struct ActualCheck<B> {
    check: CheckFuture,
    verdict: Option<Verdict>,
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
    pub(crate) fn new(started: Pending, policy: Arc<Policy>) -> Box<Self> {
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
        started: Pending,
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
            if let Poll::Ready(verdict) = self.check.as_mut().poll(cx) {
                self.verdict = Some(verdict);
            }
        }
        if let Some(make_body) = self.handshake {
            match self.verdict {
                None => return Poll::Pending,
                Some(Verdict::Allowed) => {}
                Some(verdict) => {
                    log_refusal(RequestKind::WebSocket, verdict, &self.origin);
                    let refused: Response<()> = rejected_preflight(HeaderMap::new());
                    return Poll::Ready(Ok(refused.map(|()| make_body())));
                }
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
        let Some(verdict) = self.verdict else {
            return Poll::Pending;
        };
        let Some(mut response) = self.parked.take() else {
            return Poll::Pending;
        };
        finish_actual(&self.policy, verdict, &self.origin, response.headers_mut());
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
        started: Pending,
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
        let verdict = match self.check.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(verdict) => verdict,
        };
        let response = answer_preflight(&self.policy, &self.parts, verdict);
        Poll::Ready(response.map(|()| (self.make_body)()))
    }
}
