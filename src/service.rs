//! [`CorsLayer`], the [`Cors`] service and its response future: a thin shell
//! that runs the pipeline (classify and decide, resolve, observe, write) on
//! each request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::request::Parts;
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::lookup::{ActualCheck, PreflightCheck};
use crate::observe;
use crate::policy::origin_check::{Check, CheckFuture};
use crate::policy::{Decision, Policy};
use crate::request::{Head, RequestKind};
use crate::response::{self, Reply};
use crate::source::{CorsLayer, Decides, Rules, Source};

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

    // Forced inline: see BENCHMARKS.md, "Forced inlines".
    #[inline(always)]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // Checked once: a fixed policy is one pointer away, as before
        // reloading existed; the other sources are out of line, so that
        // this path stays as small as it was.
        match &self.source {
            Source::Static(policy) => call_under(&mut self.inner, policy, request),
            _ => self.call_shared(request),
        }
    }
}

impl<S> Cors<S> {
    /// [`Service::call`] under rules that may be replaced or have a
    /// report-only candidate.
    #[inline]
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
            Source::Static(policy) => return call_under(&mut self.inner, policy, request),
            Source::Trialled(rules) => rules,
            Source::Reloadable { current, .. } => {
                // The one atomic load: this request is decided, and
                // finished, under the rules in force now, whatever
                // replaces them later.
                loaded = current.load();
                &loaded
            }
        };
        match rules.trial {
            Some(_) => call_under(&mut self.inner, rules, request),
            None => call_under(&mut self.inner, &rules.enforced, request),
        }
    }
}

/// [`Service::call`] under one source of decisions: classify and decide,
/// observe, write.
// Forced inline: see BENCHMARKS.md, "Forced inlines".
#[inline(always)]
fn call_under<S, D, ReqBody, ResBody>(
    inner: &mut S,
    rules: &D,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    D: Decides,
    ResBody: Default,
{
    if rules.needs_parts() {
        return call_with_parts(inner, rules, request);
    }
    // Without predicates, decide on the request as it is: splitting and
    // rebuilding it would copy it twice.
    let head = Head::of(&request);
    let policy = rules.select(head);
    let decision = policy.decide_head(head);
    rules.observe(policy, &decision, head);
    observe::decided(&decision, request.method(), request.uri());
    // `forward`, written out: a call here costs a copy of the request.
    match response::reply(policy, decision, request.headers()) {
        Reply::Answer(response) => ResponseFuture::ready(response),
        Reply::Refuse => {
            let headers = std::mem::take(request.headers_mut());
            ResponseFuture::ready(response::refusal(headers))
        }
        finish => ResponseFuture::forward(inner.call(request), finish),
    }
}

/// Sends `request` on, or answers it, as `reply` says.
#[inline]
fn forward<S, ReqBody, ResBody>(
    inner: &mut S,
    reply: Reply<ResBody>,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    match reply {
        Reply::Answer(response) => ResponseFuture::ready(response),
        // The request's own header map, emptied, holds the answer.
        Reply::Refuse => {
            let headers = std::mem::take(request.headers_mut());
            ResponseFuture::ready(response::refusal(headers))
        }
        finish => ResponseFuture::forward(inner.call(request), finish),
    }
}

/// [`Service::call`] under policies with predicates or an async origin
/// check, which see the request head as `Parts`: the rarer path, kept out
/// of `call` so that the common path stays small.
fn call_with_parts<S, D, ReqBody, ResBody>(
    inner: &mut S,
    rules: &D,
    request: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    D: Decides,
    ResBody: Default,
{
    let (parts, body) = request.into_parts();
    let head = Head::of_parts(&parts);
    let policy = rules.select(head);
    let decision = policy.decide_head(head);
    rules.observe(policy, &decision, head);
    let decision = match decision {
        // Only the async origin check can allow the origin: its answer
        // becomes the decision. The check keeps this request's policy: a
        // replacement meanwhile does not change how it ends.
        Decision::Deferred(deferred) => match policy.start_check(&deferred, &parts) {
            None => Decision::Rejected(deferred),
            Some((Check::Ready(answer), origin)) => {
                let headers = Some(&parts.headers);
                policy.resolve(deferred.kind(), origin, answer, headers)
            }
            Some((Check::Pending(check), origin)) => {
                let (kind, origin) = (deferred.kind(), origin.clone());
                return wait(inner, policy, kind, origin, check, parts, body);
            }
        },
        decision => decision,
    };
    observe::decided(&decision, &parts.method, &parts.uri);
    let reply = response::reply(policy, decision, &parts.headers);
    forward(inner, reply, Request::from_parts(parts, body))
}

/// A request whose origin waits for the async check.
fn wait<S, ReqBody, ResBody>(
    inner: &mut S,
    policy: &Arc<Policy>,
    kind: RequestKind,
    origin: http::HeaderValue,
    check: CheckFuture,
    parts: Parts,
    body: ReqBody,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    let policy = Arc::clone(policy);
    let state = match kind {
        RequestKind::Preflight => State::PendingPreflight {
            check: PreflightCheck::new(check, parts, policy, ResBody::default),
        },
        // Tower's `call` cannot wait, so the inner future is made now; for
        // a guarded handshake it is polled only once the origin is allowed.
        kind => {
            let check = ActualCheck::new(check, kind, origin, &parts, policy, ResBody::default);
            State::PendingActual {
                future: inner.call(Request::from_parts(parts, body)),
                check,
            }
        }
    };
    ResponseFuture { state }
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
        // Waiting for an async origin check (`lookup/`): boxed, so they
        // don't grow the future of every other request.
        PendingActual { #[pin] future: F, check: Box<ActualCheck<B>> },
        PendingPreflight { check: Box<PreflightCheck<B>> },
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
            StateProj::PendingActual { future, check } => check.poll(future, cx),
            StateProj::PendingPreflight { check } => check.poll(cx).map(Ok),
        }
    }
}
