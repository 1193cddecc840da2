//! Shared helpers for the integration tests: request builders and a counting
//! mock service.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::CorsLayer;

pub const APP: &str = "https://app.example.com";

/// The policy most tests use: one exact origin, PUT besides the safelisted methods.
pub fn layer() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap()
}

/// A request head with the given method and headers.
pub fn parts(method: Method, headers: &[(&str, &str)]) -> http::request::Parts {
    let mut builder = Request::builder().method(method).uri("/api/items");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap().into_parts().0
}

/// A preflight from `origin` asking for `method` and `headers`.
pub fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<String> {
    let mut b = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/items")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method);
    if let Some(h) = headers {
        b = b.header(header::ACCESS_CONTROL_REQUEST_HEADERS, h);
    }
    b.body(String::new()).unwrap()
}

/// An actual request with the given method from `origin` (None: no Origin).
pub fn actual(method: Method, origin: Option<&str>) -> Request<String> {
    let mut b = Request::builder().method(method).uri("/api/items");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(String::new()).unwrap()
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
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let inner_headers = inner_headers.to_vec();
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
    let n = calls.load(Ordering::SeqCst);
    (res, n)
}

/// All values of `name`, as strings.
pub fn values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The Vary tokens of a response, lowercased.
pub fn vary_tokens(headers: &HeaderMap) -> Vec<String> {
    tokens(headers, header::VARY.as_str())
}

/// Comma-separated items of all lines of `name`, trimmed, lowercased.
pub fn tokens(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap()
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether any `access-control-*` header is present.
pub fn has_cors_headers(headers: &HeaderMap) -> bool {
    headers
        .keys()
        .any(|k| k.as_str().starts_with("access-control-"))
}

pub fn status(res: &Response<String>) -> StatusCode {
    res.status()
}

/// The layer's answer to a preflight: it needs no inner service and no
/// runtime, so it is ready at the first poll.
pub fn preflight_answer(layer: &CorsLayer, req: Request<String>) -> Response<String> {
    use std::future::Future;
    use std::task::{Context, Poll, Wake, Waker};

    struct NoopWake;
    impl Wake for NoopWake {
        fn wake(self: Arc<Self>) {}
    }
    let inner = service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    });
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(layer.layer(inner).oneshot(req));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("a preflight answer is immediate"),
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
