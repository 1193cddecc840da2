//! Testing a CORS policy three ways, from cheapest to closest to production.
//!
//! ```text
//! cargo run -p tower-cors-examples --example testing
//! ```
//!
//! 1. [`Policy::decide`]: a pure function of the request head. No service,
//!    no runtime, no mocks: the right tool for most policy tests.
//! 2. The layer around [`tower::service_fn`]: checks the headers actually
//!    written, and whether the inner service was called.
//! 3. The layer around a `tower-test` mock: also checks exactly what request
//!    the inner service received, and lets the test choose its response.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tower::{Layer, ServiceExt};
use tower_cors::{CorsLayer, Decision, Policy, Rejection};

/// The policy under test: what the application would build at startup.
pub fn cors() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com", "https://*.preview.example.com"])
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("valid CORS configuration")
}

/// A request head: method, path and headers.
fn head(method: Method, headers: &[(&str, &str)]) -> http::request::Parts {
    let mut request = Request::builder().method(method).uri("/api/items");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

/// 1. Pure decisions.
pub fn check_with_decide() {
    let cors = cors();
    let policy: &Policy = cors.policy();

    // An allowed preflight, and the origin it will be answered with (the
    // service test below checks the whole answer).
    let preflight = head(
        Method::OPTIONS,
        &[
            ("origin", "https://pr-42.preview.example.com"),
            ("access-control-request-method", "DELETE"),
            ("access-control-request-headers", "authorization"),
        ],
    );
    let Decision::Preflight(allowed) = policy.decide(&preflight) else {
        panic!("preview deployments must be able to delete");
    };
    assert_eq!(allowed.allow_origin(), "https://pr-42.preview.example.com");

    // Rejections come with a typed reason...
    let cases: [(&[(&str, &str)], Rejection<'_>); 3] = [
        (
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "PUT"),
            ],
            Rejection::OriginNotAllowed("https://evil.example"),
        ),
        (
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PATCH"),
            ],
            Rejection::MethodNotAllowed("PATCH"),
        ),
        (
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-debug"),
            ],
            Rejection::HeaderNotAllowed("x-debug"),
        ),
    ];
    for (headers, expected) in cases {
        let parts = head(Method::OPTIONS, headers);
        match policy.decide(&parts) {
            Decision::Rejected(rejected) => assert_eq!(rejected.reason(), expected),
            other => panic!("expected {expected:?}, got {other:?}"),
        }
    }

    // ...and the apex domain is not a preview deployment.
    let apex = head(Method::GET, &[("origin", "https://preview.example.com")]);
    assert!(matches!(policy.decide(&apex), Decision::Rejected(_)));

    // Requests without Origin are not CORS at all.
    assert!(matches!(
        policy.decide(&head(Method::GET, &[])),
        Decision::NotCors
    ));
}

/// 2. The layer around `tower::service_fn`, counting inner calls.
pub async fn check_with_service_fn() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let inner = tower::service_fn(move |_req: Request<String>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::new(String::from("[]"))) }
    });
    let service = cors().layer(inner);

    let preflight = Request::options("/api/items")
        .header(header::ORIGIN, "https://app.example.com")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .body(String::new())
        .unwrap();
    let response = service.clone().oneshot(preflight).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let headers = response.headers();
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.com"
    );
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(headers[header::ACCESS_CONTROL_MAX_AGE], "600");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "preflights never reach the handler"
    );

    let get = Request::get("/api/items")
        .header(header::ORIGIN, "https://app.example.com")
        .body(String::new())
        .unwrap();
    let response = service.oneshot(get).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.com"
    );
    assert_eq!(response.headers()[header::VARY], "origin");
}

/// 3. The layer around a `tower-test` mock: the test plays the handler.
pub async fn check_with_mock() {
    let (mock, mut handle) = tower_test::mock::pair::<Request<String>, Response<String>>();
    let service = cors().layer(mock);

    let request = Request::delete("/api/items/7")
        .header(header::ORIGIN, "https://evil.example")
        .body(String::new())
        .unwrap();
    let pending = tokio::spawn(service.oneshot(request));

    // A rejected actual request still reaches the handler, unchanged...
    let (received, reply) = tokio::time::timeout(Duration::from_secs(5), handle.next_request())
        .await
        .expect("the inner service was not called")
        .expect("the service was dropped");
    assert_eq!(received.method(), Method::DELETE);
    assert_eq!(received.headers()[header::ORIGIN], "https://evil.example");

    // ...and whatever CORS headers the handler sets are removed.
    let mut response = Response::new(String::from("deleted"));
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    reply.send_response(response);
    let response = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("no response")
        .unwrap()
        .unwrap();
    assert!(response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert_eq!(response.body(), "deleted");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    check_with_decide();
    println!("Policy::decide checks passed");
    check_with_service_fn().await;
    println!("service_fn checks passed");
    check_with_mock().await;
    println!("tower-test mock checks passed");
}
