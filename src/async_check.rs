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
use http::{HeaderMap, HeaderValue, Method, Response, Uri};

use crate::answer::{Answer, Check, CheckFuture};
use crate::policy::{AllowOrigin, Policy};
use crate::rejection::{Rejected, Rejection};
use crate::request::{CorsRequest, RequestKind};
use crate::response::{rejected_preflight, strip};
use crate::trace::Head;

/// A started check, for a request the static rules rejected for its origin.
pub(crate) enum Started {
    /// Answered at once: a cached lookup answer (or a lookup that cannot
    /// run). The request goes on as if the static rules had decided.
    Ready(Answer),
    /// To wait for.
    Pending(Pending),
}

/// A check to wait for, and the origin it checks.
pub(crate) struct Pending {
    check: CheckFuture,
    origin: HeaderValue,
    /// What a rejection event names: the request moves on to the inner
    /// service before the answer is in.
    method: Method,
    uri: Uri,
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
        Check::Ready(answer) => Started::Ready(answer),
        Check::Pending(check) => Started::Pending(Pending {
            check,
            origin: origin.clone(),
            method: parts.method.clone(),
            uri: parts.uri.clone(),
        }),
    })
}

/// The rejection a refused or failed check logs.
fn refusal(answer: Answer, origin: &str) -> Rejection<'_> {
    match answer {
        Answer::Failed => Rejection::OriginLookupFailed(origin),
        Answer::Saturated => Rejection::OriginLookupSaturated(origin),
        Answer::Allowed | Answer::Refused => Rejection::OriginNotAllowed(origin),
    }
}

/// Finishes an actual request's response under `answer`: CORS headers if
/// allowed, none (and a reported rejection) otherwise.
fn finish_actual(check: &ActualCheck<impl Sized>, answer: Answer, headers: &mut HeaderMap) {
    if answer == Answer::Allowed {
        crate::counters::allowed(RequestKind::Actual);
        check
            .policy
            .actual_headers()
            .apply(check.origin.clone(), headers);
    } else {
        report_refusal(
            RequestKind::Actual,
            answer,
            &check.origin,
            &check.method,
            &check.uri,
        );
        strip(headers, true);
    }
}

/// Reports (a `tracing` event, a counter) a request the async check refused
/// or failed on.
pub(crate) fn report_refusal(
    kind: RequestKind,
    answer: Answer,
    origin: &HeaderValue,
    method: &Method,
    uri: &Uri,
) {
    let reason = refusal(answer, origin.to_str().unwrap_or_default());
    let mut headers = HeaderMap::new();
    if cfg!(feature = "tracing") {
        headers.insert(ORIGIN, origin.clone());
    }
    let head = Head {
        method,
        uri,
        headers: &headers,
    };
    crate::trace::rejection(kind, reason, head);
    crate::counters::refused(kind, reason);
}

/// A preflight's answer under `answer`: the policy's full answer if the
/// origin is allowed (its method and header checks still apply), else 403.
pub(crate) fn answer_preflight(policy: &Policy, parts: &Parts, answer: Answer) -> Response<()> {
    let Ok(CorsRequest::Preflight(preflight)) =
        CorsRequest::classify(&parts.method, &parts.headers)
    else {
        // Unreachable: the request was classified as a preflight before.
        return rejected_preflight(HeaderMap::new());
    };
    let origin = preflight.origin();
    let checked = if answer == Answer::Allowed {
        policy.check_preflight(preflight, AllowOrigin::Value(origin.header_value()))
    } else {
        Err(refusal(answer, origin.as_str()))
    };
    match checked {
        Ok(allowed) => {
            crate::counters::allowed(RequestKind::Preflight);
            allowed.response()
        }
        Err(reason) => {
            let head = Head {
                method: &parts.method,
                uri: &parts.uri,
                headers: &parts.headers,
            };
            crate::trace::rejection(RequestKind::Preflight, reason, head);
            crate::counters::refused(RequestKind::Preflight, reason);
            // An allowed origin refused for its method or a header gets the
            // policy's answer, as in `Policy::refused_preflight`.
            let answer =
                (answer == Answer::Allowed).then(|| policy.refused_preflight(&parts.headers));
            answer
                .flatten()
                .unwrap_or_else(|| rejected_preflight(HeaderMap::new()))
        }
    }
}

/// An actual request under an async check: the inner service's response is
/// parked here if it arrives before the answer.
pub(crate) struct ActualCheck<B> {
    check: CheckFuture,
    answer: Option<Answer>,
    origin: HeaderValue,
    method: Method,
    uri: Uri,
    policy: Arc<Policy>,
    parked: Option<Response<B>>,
    inner_done: bool,
    /// For a guarded WebSocket handshake: the inner future is not polled
    /// before the answer, and a refusal is answered with 403 made with
    /// this body.
    handshake: Option<fn() -> B>,
}

impl<B> ActualCheck<B> {
    pub(crate) fn new(started: Pending, policy: Arc<Policy>) -> Box<Self> {
        Box::new(ActualCheck {
            check: started.check,
            answer: None,
            origin: started.origin,
            method: started.method,
            uri: started.uri,
            policy,
            parked: None,
            inner_done: false,
            handshake: None,
        })
    }

    /// A WebSocket handshake under the guard: its inner future waits for
    /// the answer, so a refused origin never runs the handler.
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
        if self.answer.is_none() {
            if let Poll::Ready(answer) = self.check.as_mut().poll(cx) {
                self.answer = Some(answer);
            }
        }
        if let Some(make_body) = self.handshake {
            match self.answer {
                None => return Poll::Pending,
                Some(Answer::Allowed) => {}
                Some(answer) => {
                    report_refusal(
                        RequestKind::WebSocket,
                        answer,
                        &self.origin,
                        &self.method,
                        &self.uri,
                    );
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
        let Some(answer) = self.answer else {
            return Poll::Pending;
        };
        let Some(mut response) = self.parked.take() else {
            return Poll::Pending;
        };
        finish_actual(self, answer, response.headers_mut());
        Poll::Ready(Ok(response))
    }
}

/// A preflight under an async check: answered when the answer is in.
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
        let answer = match self.check.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(answer) => answer,
        };
        let response = answer_preflight(&self.policy, &self.parts, answer);
        Poll::Ready(response.map(|()| (self.make_body)()))
    }
}
