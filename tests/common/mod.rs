//! Shared helpers for the integration tests: request builders, a counting
//! mock service, and the assertions response tables use.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{CorsBuilder, CorsLayer, Decision};

pub const APP: &str = "https://app.example.com";
pub const EVIL: &str = "https://evil.example";

pub const ACAO: &str = "access-control-allow-origin";
pub const ACAC: &str = "access-control-allow-credentials";
pub const ACAM: &str = "access-control-allow-methods";
pub const ACAH: &str = "access-control-allow-headers";
pub const ACMA: &str = "access-control-max-age";
pub const ACEH: &str = "access-control-expose-headers";
pub const ACAPN: &str = "access-control-allow-private-network";
pub const ACRPN: &str = "access-control-request-private-network";
pub const VARY: &str = "vary";
/// The `Vary` line of every preflight answer.
pub const PREFLIGHT_VARY: &str =
    "origin, access-control-request-method, access-control-request-headers";

/// As the value in [`assert_lines`]: the header must be missing.
pub const ABSENT: &str = "(absent)";

/// The policy most tests use: one exact origin, PUT besides the safelisted methods.
pub fn layer() -> CorsLayer {
    app(|b| b.allow_methods([Method::PUT]))
}

/// A policy allowing [`APP`], configured further by `configure`.
pub fn app(configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> CorsLayer {
    configure(CorsLayer::builder().allow_origins([APP])).build().unwrap()
}

/// A policy allowing `origins`, configured further by `configure`.
pub fn policy(origins: &[&str], configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> CorsLayer {
    configure(CorsLayer::builder().allow_origins(origins.iter().copied())).build().unwrap()
}

/// A request head with the given method and headers.
pub fn parts(method: Method, headers: &[(&str, &str)]) -> http::request::Parts {
    request(method, headers).into_parts().0
}

/// A request to `/api/items` with the given method and header lines, in order.
pub fn request(method: Method, headers: &[(&str, &str)]) -> Request<String> {
    let mut builder = Request::builder().method(method).uri("/api/items");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(String::new()).unwrap()
}

/// `req` with the header lines `extra` appended.
pub fn with(mut req: Request<String>, extra: &[(&'static str, &str)]) -> Request<String> {
    for (name, value) in extra {
        let value = HeaderValue::from_str(value).unwrap();
        req.headers_mut().append(*name, value);
    }
    req
}

/// A preflight from `origin` asking for `method` and `headers`.
pub fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<String> {
    let asked =
        request(Method::OPTIONS, &[("origin", origin), ("access-control-request-method", method)]);
    with(asked, headers.map(|h| ("access-control-request-headers", h)).as_slice())
}

/// An actual request with the given method from `origin` (None: no Origin).
pub fn actual(method: Method, origin: Option<&str>) -> Request<String> {
    request(method, origin.map(|o| ("origin", o)).as_slice())
}

/// A GET from `origin`.
pub fn get(origin: &str) -> Request<String> {
    actual(Method::GET, Some(origin))
}

/// Runs `req` through `layer` around an inner service that answers 200 "inner"
/// with the headers `inner_headers`; returns the response and how often the
/// inner service was called.
pub async fn run(
    layer: &CorsLayer,
    req: Request<String>,
    inner_headers: &[(&'static str, &'static str)],
) -> (Response<String>, usize) {
    run_with(layer, req, StatusCode::OK, inner_headers).await
}

/// [`run`] with an inner service answering `status`.
pub async fn run_with(
    layer: &CorsLayer,
    req: Request<String>,
    status: StatusCode,
    inner_headers: &[(&'static str, &'static str)],
) -> (Response<String>, usize) {
    let (calls, inner_headers) = (Arc::new(AtomicUsize::new(0)), inner_headers.to_vec());
    let counter = Arc::clone(&calls);
    let inner = service_fn(move |_req: Request<String>| {
        counter.fetch_add(1, Ordering::SeqCst);
        let mut res = Response::new(String::from("inner"));
        *res.status_mut() = status;
        for (n, v) in &inner_headers {
            res.headers_mut().append(*n, HeaderValue::from_static(v));
        }
        async move { Ok::<_, Infallible>(res) }
    });
    let res = layer.layer(inner).oneshot(req).await.unwrap();
    (res, calls.load(Ordering::SeqCst))
}

/// [`run`] without inner headers, bounded: a regression must fail, not hang.
pub async fn run_bounded(layer: &CorsLayer, req: Request<String>) -> (Response<String>, usize) {
    let ran = tokio::time::timeout(BOUND, run(layer, req, &[])).await;
    ran.expect("request did not complete")
}

/// [`expect`], bounded like [`run_bounded`].
pub async fn expect_bounded(
    case: &str,
    layer: &CorsLayer,
    req: Request<String>,
    inner: &[(&'static str, &'static str)],
    by: &str,
    want: &[(&str, &str)],
) -> Response<String> {
    let checked = tokio::time::timeout(BOUND, expect(case, layer, req, inner, by, want)).await;
    checked.expect("request did not complete")
}

/// How long [`run_bounded`] waits (on Tokio's clock, paused or not).
pub const BOUND: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `req` through `layer` around an inner service answering 200
/// "handler"; returns the response and how often the inner service's future
/// ran to the end, which is when a handler would run.
pub async fn run_polled(layer: &CorsLayer, req: Request<String>) -> (Response<String>, usize) {
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    let inner = service_fn(move |_req: Request<String>| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Infallible>(Response::new("handler".to_owned()))
        }
    });
    let res = layer.layer(inner).oneshot(req).await.unwrap();
    (res, ran.load(Ordering::SeqCst))
}

/// Runs `requests` on a current-thread runtime (`paused`: Tokio's clock
/// paused) under a debugging recorder of its own; every count recorded, as
/// (kind, outcome, count), sorted. Asserts each is a count of
/// `tower_cors_requests_total` labelled by kind and outcome alone: a label
/// naming a route, origin or method would make a series per client value.
#[cfg(feature = "metrics")]
pub fn counters<F: std::future::Future>(
    paused: bool,
    requests: impl FnOnce() -> F,
) -> Vec<(String, String, u64)> {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let mut runtime = tokio::runtime::Builder::new_current_thread();
        runtime.enable_all().start_paused(paused).build().unwrap().block_on(requests());
    });
    let mut all: Vec<_> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let DebugValue::Counter(n) = value else { panic!("not a counter: {key:?}") };
            assert_eq!(key.key().name(), "tower_cors_requests_total");
            let labels: Vec<_> = key.key().labels().map(|l| (l.key(), l.value())).collect();
            let [("kind", kind), ("outcome", outcome)] = labels[..] else { panic!("{key:?}") };
            (kind.to_owned(), outcome.to_owned(), n)
        })
        .collect();
    all.sort();
    all
}

/// Runs `req` through `layer` (see [`run`]) and asserts the answer, naming
/// `case` in every message: `by` is `"inner"` when the inner service must
/// answer (called once, its 200 and body kept), or the status the layer
/// must answer with itself (inner service not called, empty body). Then
/// asserts `want` (see [`assert_lines`]) and returns the response.
pub async fn expect(
    case: &str,
    layer: &CorsLayer,
    req: Request<String>,
    inner: &[(&'static str, &'static str)],
    by: &str,
    want: &[(&str, &str)],
) -> Response<String> {
    let (res, calls) = run(layer, req, inner).await;
    if by == "inner" {
        assert_eq!((calls, res.status().as_u16()), (1, 200), "{case}");
        assert_eq!(res.body(), "inner", "{case}");
    } else {
        assert_eq!(calls, 0, "{case}: the inner service was called");
        assert_eq!(res.status().as_str(), by, "{case}");
        assert!(res.body().is_empty(), "{case}: {:?}", res.body());
    }
    assert_lines(case, res.headers(), want);
    res
}

/// A header line as a row wants it: `(name, value)` (see [`assert_lines`]).
pub type Line = (&'static str, &'static str);

/// One row of a response table, the arguments of [`expect`]: what it pins,
/// the policy, the request, the inner service's headers, who answers, and
/// the lines the response must have.
pub type Row = (&'static str, CorsLayer, Request<String>, &'static [Line], &'static str, Vec<Line>);

/// [`expect`] for each row.
pub async fn expect_rows(rows: Vec<Row>) {
    assert!(!rows.is_empty());
    for (case, layer, req, inner, by, want) in rows {
        expect(case, &layer, req, inner, by, &want).await;
    }
}

/// Asserts each `(name, value)` of `want`: `value` is the one line of `name`
/// (several lines are written `a | b`), or there is no line when `value` is
/// [`ABSENT`]. For `vary`, `value` is the tokens of all lines, lowercased,
/// in order. A name ending in `*` (`"access-control-*"`) stands for every
/// header with that prefix, which only [`ABSENT`] may follow.
#[track_caller]
pub fn assert_lines(case: &str, headers: &HeaderMap, want: &[(&str, &str)]) {
    for (name, value) in want {
        if let Some(prefix) = name.strip_suffix('*') {
            assert_eq!(*value, ABSENT, "{case}: a prefix can only be absent");
            let present: Vec<_> =
                headers.keys().filter(|k| k.as_str().starts_with(prefix)).collect();
            assert!(present.is_empty(), "{case}: {present:?} in {headers:?}");
            continue;
        }
        let got = match values(headers, name) {
            lines if lines.is_empty() => ABSENT.to_owned(),
            _ if *name == VARY => vary_tokens(headers).join(", "),
            lines => lines.join(" | "),
        };
        assert_eq!(got, *value, "{case}: {name}");
    }
}

/// [`Policy::decide`](tower_cors::Policy::decide) on the head of `req`, in
/// words: `not cors`, `actual`, `preflight`, `deferred <kind>`, or
/// `<kind> refused: <reason>` with the kind and reason as `Debug` prints them.
pub fn decision(layer: &CorsLayer, req: &Request<String>) -> String {
    let (head, _) = copy_request(req).into_parts();
    match layer.policy().decide(&head) {
        Decision::NotCors => "not cors".to_owned(),
        Decision::Actual(_) => "actual".to_owned(),
        Decision::Preflight(_) => "preflight".to_owned(),
        Decision::Deferred(d) => format!("deferred {:?}", d.kind()),
        Decision::Rejected(r) => format!("{:?} refused: {:?}", r.kind(), r.reason()),
        other => panic!("a new kind of decision: {other:?}"),
    }
}

/// All values of `name`, as strings.
pub fn values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers.get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// The Vary tokens of a response, lowercased.
pub fn vary_tokens(headers: &HeaderMap) -> Vec<String> {
    tokens(headers, header::VARY.as_str())
}

/// Comma-separated items of all lines of `name`, trimmed, lowercased.
pub fn tokens(headers: &HeaderMap, name: &str) -> Vec<String> {
    let items = headers.get_all(name).iter().flat_map(|v| v.to_str().unwrap().split(','));
    items.map(|t| t.trim().to_ascii_lowercase()).filter(|t| !t.is_empty()).collect()
}

/// Polls `future` once: what the layer answers without waiting (preflights,
/// refusals, inner services that are ready) needs no runtime.
pub fn ready_now<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct NoopWake;
    impl Wake for NoopWake {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    match std::pin::pin!(future).poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the answer was not ready at the first poll"),
    }
}

/// The layer's answer to a preflight: it needs no inner service and no
/// runtime, so it is ready at the first poll.
pub fn preflight_answer(layer: &CorsLayer, req: Request<String>) -> Response<String> {
    let inner = service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    });
    match ready_now(layer.layer(inner).oneshot(req)) {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A copy of `request`: method, URI, headers and body (`Request` is not `Clone`).
pub fn copy_request(request: &Request<String>) -> Request<String> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The `Access-Control-Allow-Origin` an axum router under `layer` answers a
/// GET of `/api/items` from `origin` with.
pub async fn acao_under_axum(layer: CorsLayer, origin: &str) -> Option<String> {
    let app: axum::Router = axum::Router::new()
        .route("/api/items", axum::routing::get(|| async { "items" }))
        .layer(layer);
    let res = app.oneshot(get(origin).map(axum::body::Body::from)).await.unwrap();
    res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).map(|v| v.to_str().unwrap().to_owned())
}

/// What a report-only candidate's divergence said, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: tower_cors::RequestKind,
    pub origin: String,
    pub method: String,
    pub path: String,
    pub enforced: String,
    pub candidate: String,
    pub header: Option<String>,
    pub line: String,
}

pub type Reports = Arc<std::sync::Mutex<Vec<Report>>>;

/// The one report made, asserting there was exactly one.
pub fn only(reports: &Reports) -> Report {
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports[0].clone()
}

/// `enforced` trialling `candidate`, and what it reported.
pub fn trial(enforced: CorsLayer, candidate: CorsLayer) -> (CorsLayer, Reports) {
    let reports: Reports = Arc::default();
    let sink = Arc::clone(&reports);
    let layer = enforced.with_report_only(candidate, move |d: &tower_cors::Divergence<'_>| {
        sink.lock().unwrap().push(Report {
            kind: d.kind(),
            origin: d.origin().to_owned(),
            method: d.method().to_string(),
            path: d.path().to_owned(),
            enforced: format!("{:?}", d.enforced()),
            candidate: format!("{:?}", d.candidate()),
            header: d.header().map(|h| h.as_str().to_owned()),
            line: d.to_string(),
        });
    });
    (layer, reports)
}
