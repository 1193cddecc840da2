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
//!
//! The states below are boxed into the response future, so they don't grow
//! the future of every other request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::ORIGIN;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, Uri};

use crate::observe;
use crate::policy::origin_check::{Answer, CheckFuture};
use crate::policy::Policy;
use crate::request::RequestKind;
use crate::response::{self, Reply};

/// A request the inner service answers (an actual request, or a guarded
/// WebSocket handshake) whose origin waits for the check. The inner
/// service's response is parked here if it arrives before the answer.
pub(crate) struct ActualCheck<B> {
    check: CheckFuture,
    answer: Option<Answer>,
    kind: RequestKind,
    origin: HeaderValue,
    /// What a refusal event names: the request moved on to the inner
    /// service before the answer is in.
    method: Method,
    uri: Uri,
    policy: Arc<Policy>,
    parked: Option<Response<B>>,
    inner_done: bool,
    make_body: fn() -> B,
}

impl<B> ActualCheck<B> {
    /// A check of `origin` for a request of `kind` with head `parts`. A kind
    /// the layer answers itself when refused (a guarded handshake) does not
    /// poll the inner future before the answer, so a refused origin never
    /// runs the handler.
    pub(crate) fn new(
        check: CheckFuture,
        kind: RequestKind,
        origin: HeaderValue,
        parts: &Parts,
        policy: Arc<Policy>,
        make_body: fn() -> B,
    ) -> Box<Self> {
        Box::new(ActualCheck {
            check,
            answer: None,
            kind,
            origin,
            method: parts.method.clone(),
            uri: parts.uri.clone(),
            policy,
            parked: None,
            inner_done: false,
            make_body,
        })
    }

    /// Resolves, observes and replies to the answer.
    fn reply(&self, answer: Answer) -> Reply<()> {
        let (policy, kind, origin) = (&self.policy, self.kind, &self.origin);
        answered(policy, kind, origin, answer, &self.method, &self.uri, None)
    }

    /// Polls the check and the inner future; finishes the response when
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
        if self.kind.is_answered_when_refused() {
            match self.answer {
                None => return Poll::Pending,
                Some(Answer::Allowed) => {}
                Some(answer) => {
                    // Written by `response/` like any refusal: 403.
                    let refused = match self.reply(answer) {
                        Reply::Answer(response) => response,
                        _ => response::refusal(HeaderMap::new()),
                    };
                    return Poll::Ready(Ok(refused.map(|()| (self.make_body)())));
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
        self.reply(answer).finish(response.headers_mut());
        Poll::Ready(Ok(response))
    }
}

/// A preflight whose origin waits for the check: answered when the answer
/// is in.
pub(crate) struct PreflightCheck<B> {
    check: CheckFuture,
    parts: Parts,
    policy: Arc<Policy>,
    make_body: fn() -> B,
}

impl<B> PreflightCheck<B> {
    pub(crate) fn new(
        check: CheckFuture,
        parts: Parts,
        policy: Arc<Policy>,
        make_body: fn() -> B,
    ) -> Box<Self> {
        Box::new(PreflightCheck {
            check,
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
        let parts = &self.parts;
        let reply = match parts.headers.get(ORIGIN) {
            Some(origin) => {
                let (kind, headers) = (RequestKind::Preflight, Some(&parts.headers));
                answered(
                    &self.policy,
                    kind,
                    origin,
                    answer,
                    &parts.method,
                    &parts.uri,
                    headers,
                )
            }
            None => Reply::Refuse,
        };
        let response = match reply {
            Reply::Answer(response) => response,
            _ => response::refusal(std::mem::take(&mut self.parts.headers)),
        };
        Poll::Ready(response.map(|()| (self.make_body)()))
    }
}

/// What the check's `answer` makes of a waiting request of `kind` from
/// `origin` with this method and URI: resolved into a decision, observed,
/// and replied to like a static one. A preflight gives its header map,
/// whose method and headers are checked next.
fn answered(
    policy: &Policy,
    kind: RequestKind,
    origin: &HeaderValue,
    answer: Answer,
    method: &Method,
    uri: &Uri,
    preflight: Option<&HeaderMap>,
) -> Reply<()> {
    let decision = policy.resolve(kind, origin, answer, preflight);
    observe::decided(&decision, method, uri);
    response::reply(policy, decision, preflight.unwrap_or(&HeaderMap::new()))
}
