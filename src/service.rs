//! [`CorsLayer`], the [`Cors`] service and its response future: a thin shell
//! that applies [`Policy::decide`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::request::Parts;
use http::{header, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::answer::Answer;
use crate::async_check::{self, ActualCheck, Pending, PreflightCheck, Started};
use crate::counters;
use crate::divergence::{Head, Trial};
use crate::headers::STAR;
use crate::installed::{Rules, Source};
use crate::policy::{Decision, Policy};
use crate::rejection::Rejected;
use crate::request::RequestKind;
use crate::response::{rejected_preflight, Reply};
use crate::trace::Head as LogHead;
use crate::warning::ConfigWarning;

/// CORS as a Tower layer: a compiled [`Policy`] behind an `Arc`, cheap to clone.
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .expect("valid CORS configuration");
/// let app: Router = Router::new().route("/", get(|| async { "hello" })).layer(cors);
/// ```
#[derive(Debug, Clone)]
pub struct CorsLayer {
    source: Source,
}

impl CorsLayer {
    /// For development and fully public APIs: any origin (`*`), any method,
    /// any request header, every response header exposed, no credentials.
    ///
    /// ```
    /// let dev = tower_cors::CorsLayer::permissive();
    /// assert!(!dev.policy().allows_credentials());
    /// ```
    pub fn permissive() -> CorsLayer {
        CorsLayer::from_policy(Policy::permissive())
    }

    /// The compiled policy, for inspection and for tests without a service.
    /// For a [reloadable](CorsLayer::reloadable) layer, the policy it was
    /// made from; the one in force is
    /// [`ReloadHandle::current`](crate::ReloadHandle::current).
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let (parts, ()) = Request::get("/").body(()).unwrap().into_parts();
    /// assert!(matches!(CorsLayer::permissive().policy().decide(&parts), Decision::NotCors));
    /// ```
    pub fn policy(&self) -> &Policy {
        self.source.policy()
    }

    /// The policy in force now: for a reloadable layer, the latest one
    /// swapped in.
    #[cfg(feature = "origin-lookup")]
    pub(crate) fn policy_in_force(&self) -> Arc<Policy> {
        self.source.enforced()
    }

    /// What [`build`](crate::CorsBuilder::build) accepted but a user should know
    /// (a `max_age` Chromium cuts short, a setting browsers no longer read,
    /// ...); empty for a plain policy. With the `tracing` feature `build()`
    /// also logs each at `warn`.
    ///
    /// ```
    /// use tower_cors::{ConfigWarning, CorsLayer};
    ///
    /// let plain = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    /// assert!(plain.warnings().is_empty());
    ///
    /// let pna = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// assert_eq!(pna.warnings(), [ConfigWarning::PrivateNetworkAccessRetired]);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn warnings(&self) -> &[ConfigWarning] {
        self.source.policy().warnings()
    }

    pub(crate) fn from_policy(policy: Policy) -> CorsLayer {
        CorsLayer::from_source(Source::Static(Arc::new(policy)))
    }

    pub(crate) fn from_source(source: Source) -> CorsLayer {
        CorsLayer { source }
    }

    /// Where the layer's services find their policy.
    pub(crate) fn source(&self) -> &Source {
        &self.source
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            source: self.source.clone(),
        }
    }
}

/// The service [`CorsLayer`] wraps around an inner service.
///
/// Preflights are answered here without calling the inner service (readiness
/// is still delegated to it, as Tower requires before `call`); every other
/// request is forwarded and its response decorated. Errors of the inner
/// service pass through unchanged.
///
/// ```
/// use std::convert::Infallible;
/// use http::{header, Request, Response};
/// use tower::{Layer, ServiceExt};
/// use tower_cors::CorsLayer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
/// let svc = cors.layer(tower::service_fn(|_req: Request<String>| async {
///     Ok::<_, Infallible>(Response::new(String::from("hi")))
/// }));
/// let req = Request::get("/")
///     .header(header::ORIGIN, "https://app.example.com")
///     .body(String::new())
///     .unwrap();
/// let res = svc.oneshot(req).await.unwrap();
/// assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Cors<S> {
    inner: S,
    source: Source,
}

impl<S> Cors<S> {
    /// Wraps `inner` with the layer's policy; the same as `layer.layer(inner)`.
    ///
    /// ```
    /// use tower_cors::{Cors, CorsLayer};
    ///
    /// let inner = tower::service_fn(|_req: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let mut cors = Cors::new(inner, &CorsLayer::permissive());
    /// assert!(!cors.policy().allows_credentials());
    /// ```
    pub fn new(inner: S, layer: &CorsLayer) -> Self {
        layer.layer(inner)
    }

    /// The compiled policy; for a service of a
    /// [reloadable](CorsLayer::reloadable) layer, the policy the layer was
    /// made from.
    ///
    /// ```
    /// use tower_cors::{Cors, CorsLayer};
    ///
    /// let inner = tower::service_fn(|_req: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let mut cors = Cors::new(inner, &CorsLayer::permissive());
    /// assert!(!cors.policy().varies_by_origin());
    /// ```
    pub fn policy(&self) -> &Policy {
        self.source.policy()
    }

    /// The inner service.
    ///
    /// ```
    /// use tower_cors::{Cors, CorsLayer};
    ///
    /// let inner = tower::service_fn(|_req: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let mut cors = Cors::new(inner, &CorsLayer::permissive());
    /// let _inner = cors.get_ref();
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// ```
    /// use tower_cors::{Cors, CorsLayer};
    ///
    /// let inner = tower::service_fn(|_req: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let mut cors = Cors::new(inner, &CorsLayer::permissive());
    /// let _inner = cors.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower_cors::{Cors, CorsLayer};
    ///
    /// let inner = tower::service_fn(|_req: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let mut cors = Cors::new(inner, &CorsLayer::permissive());
    /// let _inner = cors.into_inner();
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    // Forced, with both paths inlined: with the reloadable path in `call`
    // but `call` left to the compiler, the fixed path lost 37 instructions
    // per request ((b) 2818 -> 2855) to a call and a copy of the request.
    #[inline(always)]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // Checked once: a fixed policy is one pointer away, as before
        // reloading existed; the other two are out of line, so that this
        // path stays as small as it was.
        match &self.source {
            Source::Static(policy) => call_under(&mut self.inner, policy, None, request),
            _ => self.call_shared(request),
        }
    }
}

impl<S> Cors<S> {
    /// [`Service::call`] under rules that may be replaced or have a
    /// report-only candidate.
    #[inline(always)]
    fn call_shared<ReqBody, ResBody>(
        &mut self,
        request: Request<ReqBody>,
    ) -> ResponseFuture<S::Future, ResBody>
    where
        S: Service<Request<ReqBody>, Response = Response<ResBody>>,
        ResBody: Default,
    {
        let loaded;
        let rules: &Rules = match &self.source {
            Source::Static(policy) => return call_under(&mut self.inner, policy, None, request),
            Source::Trialled(rules) => rules,
            Source::Reloadable { current, .. } => {
                // The one atomic load: this request is decided, and
                // finished, under the rules in force now, whatever
                // replaces them later.
                loaded = current.load();
                &loaded
            }
        };
        call_under(
            &mut self.inner,
            &rules.enforced,
            rules.trial.as_ref(),
            request,
        )
    }
}

/// [`Service::call`] under one policy, with its candidate if on trial.
// Forced with the other request-path steps (see `reply`).
#[inline(always)]
fn call_under<S, ReqBody, ResBody>(
    inner: &mut S,
    policy: &Arc<Policy>,
    trial: Option<&Trial>,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    if policy.needs_parts() || trial.is_some_and(Trial::needs_parts) {
        return call_with_parts(inner, policy, trial, request);
    }
    // Without predicates, decide on the request as it is: splitting and
    // rebuilding it would copy it twice.
    let decision = policy.decide_head(request.method(), request.headers());
    if let Some(trial) = trial {
        let head = Head {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            parts: None,
        };
        trial.observe(policy, &decision, head);
    }
    match reply(policy, decision, || LogHead::of(&request)) {
        Reply::Answer(response) => ResponseFuture::ready(response),
        Reply::RejectPreflight => {
            // The preflight's own header map, emptied, holds the answer.
            let headers = std::mem::take(request.headers_mut());
            ResponseFuture::ready(rejected_preflight(headers))
        }
        finish => ResponseFuture::forward(inner.call(request), finish),
    }
}

/// [`Service::call`] under policies with predicates, which see the request
/// head as `Parts`: the rarer path, kept out of `call` so that the common
/// path stays small.
fn call_with_parts<S, ReqBody, ResBody>(
    inner: &mut S,
    policy: &Arc<Policy>,
    trial: Option<&Trial>,
    request: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    let (parts, body) = request.into_parts();
    let decision = policy.decide(&parts);
    if let Some(trial) = trial {
        let head = Head {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            parts: Some(&parts),
        };
        trial.observe(policy, &decision, head);
    }
    if let Decision::Deferred(deferred) = &decision {
        // An origin the static rules rejected may still pass the async
        // predicate (async_check.rs). The check keeps this request's policy:
        // a replacement meanwhile does not change how it ends.
        let rejected = deferred.if_refused();
        let kind = rejected.kind();
        match async_check::start(policy, &rejected, &parts) {
            None => {}
            Some(Started::Ready(answer)) => {
                return call_answered(inner, policy, parts, body, kind, answer);
            }
            Some(Started::Pending(pending)) => {
                let policy = Arc::clone(policy);
                return match kind {
                    RequestKind::Preflight => {
                        ResponseFuture::async_preflight(pending, parts, policy)
                    }
                    RequestKind::Actual => {
                        let future = inner.call(Request::from_parts(parts, body));
                        ResponseFuture::async_actual(future, pending, policy)
                    }
                    RequestKind::WebSocket => {
                        // Tower's `call` cannot wait, so the inner future is
                        // made now and polled only once the origin is allowed.
                        let future = inner.call(Request::from_parts(parts, body));
                        ResponseFuture::async_handshake(future, pending, policy)
                    }
                };
            }
        }
    }
    let head = || LogHead {
        method: &parts.method,
        uri: &parts.uri,
        headers: &parts.headers,
    };
    match reply(policy, decision, head) {
        Reply::Answer(response) => ResponseFuture::ready(response),
        Reply::RejectPreflight => ResponseFuture::ready(rejected_preflight(parts.headers)),
        finish => {
            let future = inner.call(Request::from_parts(parts, body));
            ResponseFuture::forward(future, finish)
        }
    }
}

/// A request whose origin an async check answered at once (a cached
/// lookup answer): finished like a static decision, without boxing.
fn call_answered<S, ReqBody, ResBody>(
    inner: &mut S,
    policy: &Policy,
    parts: Parts,
    body: ReqBody,
    kind: RequestKind,
    answer: Answer,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    match kind {
        RequestKind::Preflight => {
            let response = async_check::answer_preflight(policy, &parts, answer);
            return ResponseFuture::ready(response.map(|()| ResBody::default()));
        }
        // A guarded handshake from a refused origin never reaches the
        // inner service.
        RequestKind::WebSocket if answer != Answer::Allowed => {
            if let Some(origin) = parts.headers.get(header::ORIGIN) {
                async_check::report_refusal(kind, answer, origin, &parts.method, &parts.uri);
            }
            return ResponseFuture::ready(rejected_preflight(parts.headers));
        }
        RequestKind::WebSocket | RequestKind::Actual => {}
    }
    let reply = match parts.headers.get(header::ORIGIN) {
        Some(origin) if answer == Answer::Allowed => {
            counters::allowed(kind);
            Reply::Allow(origin.clone(), policy.actual_headers())
        }
        origin => {
            if let Some(origin) = origin {
                async_check::report_refusal(kind, answer, origin, &parts.method, &parts.uri);
            }
            Reply::Strip { vary: true }
        }
    };
    ResponseFuture::forward(inner.call(Request::from_parts(parts, body)), reply)
}

/// What the layer does with a decided request.
// Forced with the other request-path steps: (b) 3030 -> 2974 instructions/request.
#[inline(always)]
fn reply<'h, B: Default>(
    policy: &Policy,
    decision: Decision<'_>,
    head: impl FnOnce() -> LogHead<'h>,
) -> Reply<B> {
    match decision {
        Decision::NotCors if policy.varies_by_origin() => {
            counters::not_cors();
            Reply::Vary
        }
        // Any origin: `*` on every response, so that a cached one also
        // serves a later `fetch()` (Fetch, "CORS protocol and HTTP caches").
        Decision::NotCors => {
            counters::not_cors();
            Reply::Allow(STAR, policy.actual_headers())
        }
        Decision::Actual(allowed) => {
            counters::allowed(RequestKind::Actual);
            Reply::Allow(allowed.allow_origin().clone(), policy.actual_headers())
        }
        Decision::Preflight(allowed) => {
            counters::allowed(RequestKind::Preflight);
            Reply::Answer(allowed.response())
        }
        Decision::Rejected(rejected) => reject(policy, &rejected, head()),
        // Only if the async check could not start: the static rules stand.
        Decision::Deferred(deferred) => reject(policy, &deferred.if_refused(), head()),
    }
}

/// What the layer does with a rejected request.
fn reject<B: Default>(policy: &Policy, rejected: &Rejected<'_>, head: LogHead<'_>) -> Reply<B> {
    crate::trace::rejected(rejected, head);
    counters::rejected(rejected);
    match rejected.kind() {
        // The browser then refuses the real request itself and names the
        // method or header the answer lacks.
        RequestKind::Preflight if rejected.origin_allowed() => policy
            .refused_preflight(head.headers)
            .map_or(Reply::RejectPreflight, Reply::Answer),
        RequestKind::Preflight | RequestKind::WebSocket => Reply::RejectPreflight,
        // `Vary: Origin` under any-origin too: a response without CORS
        // headers must not be served from a cache to other origins.
        RequestKind::Actual => Reply::Strip { vary: true },
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Cors`]: either a preflight answer or the inner
    /// service's response, decorated.
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        Ready { response: Option<Response<B>> },
        Inner { #[pin] future: F, reply: Option<Reply<B>> },
        // The two states of `allow_origin_async_predicate` (async_check.rs):
        // boxed, so they don't grow the future of every other request.
        AsyncActual { #[pin] future: F, check: Box<ActualCheck<B>> },
        AsyncPreflight { check: Box<PreflightCheck<B>> },
    }
}

impl<F, B> ResponseFuture<F, B> {
    fn forward(future: F, reply: Reply<B>) -> Self {
        ResponseFuture {
            state: State::Inner {
                future,
                reply: Some(reply),
            },
        }
    }

    fn async_actual(future: F, started: Pending, policy: Arc<Policy>) -> Self {
        ResponseFuture {
            state: State::AsyncActual {
                future,
                check: ActualCheck::new(started, policy),
            },
        }
    }

    fn async_handshake(future: F, started: Pending, policy: Arc<Policy>) -> Self
    where
        B: Default,
    {
        ResponseFuture {
            state: State::AsyncActual {
                future,
                check: ActualCheck::handshake(started, policy, B::default),
            },
        }
    }

    fn async_preflight(started: Pending, parts: Parts, policy: Arc<Policy>) -> Self
    where
        B: Default,
    {
        ResponseFuture {
            state: State::AsyncPreflight {
                check: PreflightCheck::new(started, parts, policy, B::default),
            },
        }
    }

    fn ready(response: Response<B>) -> Self {
        ResponseFuture {
            state: State::Ready {
                response: Some(response),
            },
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polling a completed future breaks the Future contract; like
                // the futures of std and tokio, this one panics then. No
                // request or configuration can reach this line.
                None => panic!("ResponseFuture polled after completion"),
            },
            StateProj::Inner { future, reply } => {
                // Decorated where the inner future left it: moving the
                // response out and back costs more than the headers do.
                let mut poll = future.poll(cx);
                if let Poll::Ready(Ok(response)) = &mut poll {
                    if let Some(reply) = reply.take() {
                        reply.finish(response.headers_mut());
                    }
                }
                poll
            }
            StateProj::AsyncActual { future, check } => check.poll(future, cx),
            StateProj::AsyncPreflight { check } => check.poll(cx).map(Ok),
        }
    }
}
