//! `guard_websockets`: WebSocket handshakes from refused origins get 403 and
//! never reach the inner service; everything else is decided as without it.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::*;
use http::{header, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{CorsLayer, Decision, Malformed, Rejection, RequestKind};

const EVIL: &str = "https://evil.example";

fn guarded() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP, "https://*.tenants.example"])
        .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".trusted.example"))
        .guard_websockets(true)
        .build()
        .unwrap()
}

fn request(method: Method, headers: &[(&str, &str)]) -> Request<String> {
    let mut builder = Request::builder().method(method).uri("/ws");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(String::new()).unwrap()
}

/// One table row: name, method, request headers, expected outcome.
type Case<'a> = (&'a str, Method, &'a [(&'a str, &'a str)], Outcome);

/// What the guarded layer does with a request: its status and whether the
/// inner service was called.
enum Outcome {
    /// 403 from the layer, inner service not called.
    Refused,
    /// Reached the inner service.
    Passed,
}

#[tokio::test]
async fn handshakes_from_refused_origins_are_refused_and_others_pass() {
    let upgrade = [("upgrade", "websocket"), ("connection", "Upgrade")];
    let cases: &[Case] = &[
        (
            "h1 handshake, refused origin",
            Method::GET,
            &[("origin", EVIL), upgrade[0], upgrade[1]],
            Outcome::Refused,
        ),
        (
            "h1 handshake, upper-case token",
            Method::GET,
            &[("origin", EVIL), ("upgrade", "WebSocket")],
            Outcome::Refused,
        ),
        (
            "h1 handshake, token inside a list",
            Method::GET,
            &[("origin", EVIL), ("upgrade", "h2c, websocket")],
            Outcome::Refused,
        ),
        (
            "h1 handshake, token on a second line",
            Method::GET,
            &[
                ("origin", EVIL),
                ("upgrade", "h2c"),
                ("upgrade", "websocket"),
            ],
            Outcome::Refused,
        ),
        (
            "h1 handshake without Connection",
            Method::GET,
            &[("origin", EVIL), ("upgrade", "websocket")],
            Outcome::Refused,
        ),
        (
            "h1 handshake, null origin",
            Method::GET,
            &[("origin", "null"), ("upgrade", "websocket")],
            Outcome::Refused,
        ),
        (
            "h1 handshake, malformed origin",
            Method::GET,
            &[("origin", "https://a b"), ("upgrade", "websocket")],
            Outcome::Refused,
        ),
        (
            "h1 handshake, two origins",
            Method::GET,
            &[("origin", APP), ("origin", EVIL), ("upgrade", "websocket")],
            Outcome::Refused,
        ),
        (
            "h2 extended CONNECT, refused origin",
            Method::CONNECT,
            &[("origin", EVIL)],
            Outcome::Refused,
        ),
        (
            "h1 handshake, exact origin",
            Method::GET,
            &[("origin", APP), upgrade[0], upgrade[1]],
            Outcome::Passed,
        ),
        (
            "h1 handshake, pattern origin",
            Method::GET,
            &[
                ("origin", "https://a.tenants.example"),
                ("upgrade", "websocket"),
            ],
            Outcome::Passed,
        ),
        (
            "h1 handshake, predicate origin",
            Method::GET,
            &[
                ("origin", "https://x.trusted.example"),
                ("upgrade", "websocket"),
            ],
            Outcome::Passed,
        ),
        (
            "h2 extended CONNECT, allowed origin",
            Method::CONNECT,
            &[("origin", APP)],
            Outcome::Passed,
        ),
        (
            "h1 handshake without Origin",
            Method::GET,
            &[upgrade[0], upgrade[1]],
            Outcome::Passed,
        ),
        (
            "CONNECT without Origin",
            Method::CONNECT,
            &[],
            Outcome::Passed,
        ),
        (
            "ordinary GET, refused origin",
            Method::GET,
            &[("origin", EVIL)],
            Outcome::Passed,
        ),
        (
            "other upgrade, refused origin",
            Method::GET,
            &[("origin", EVIL), ("upgrade", "h2c")],
            Outcome::Passed,
        ),
        (
            "POST with Upgrade, refused origin",
            Method::POST,
            &[("origin", EVIL), ("upgrade", "websocket")],
            Outcome::Passed,
        ),
    ];
    for (name, method, headers, outcome) in cases {
        let (res, calls) = run(&guarded(), request(method.clone(), headers), &[]).await;
        match outcome {
            Outcome::Refused => {
                assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
                assert_eq!(calls, 0, "{name}: inner service called");
                assert!(!has_cors_headers(res.headers()), "{name}");
            }
            Outcome::Passed => {
                assert_eq!(res.status(), StatusCode::OK, "{name}");
                assert_eq!(calls, 1, "{name}: inner service not called");
            }
        }
    }
}

#[tokio::test]
async fn allowed_handshakes_get_the_cors_headers_of_an_actual_request() {
    let req = request(Method::GET, &[("origin", APP), ("upgrade", "websocket")]);
    let (res, calls) = run(&guarded(), req, &[]).await;
    assert_eq!(calls, 1);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(vary_tokens(res.headers()).contains(&"origin".to_owned()));
}

#[tokio::test]
async fn without_the_guard_handshakes_are_decided_as_actual_requests() {
    for method in [Method::GET, Method::CONNECT] {
        let req = request(
            method.clone(),
            &[("origin", EVIL), ("upgrade", "websocket")],
        );
        let (res, calls) = run(&layer(), req, &[]).await;
        assert_eq!(res.status(), StatusCode::OK, "{method}");
        assert_eq!(calls, 1, "{method}");
        assert!(!has_cors_headers(res.headers()), "{method}");
    }
}

#[tokio::test]
async fn under_any_origin_every_handshake_passes() {
    let any = CorsLayer::builder()
        .allow_any_origin()
        .guard_websockets(true)
        .build()
        .unwrap();
    for origin in [EVIL, "null", "https://a b"] {
        let req = request(Method::GET, &[("origin", origin), ("upgrade", "websocket")]);
        let (res, calls) = run(&any, req, &[]).await;
        assert_eq!(res.status(), StatusCode::OK, "{origin}");
        assert_eq!(calls, 1, "{origin}");
    }
}

#[tokio::test]
async fn preflights_are_untouched_by_the_guard() {
    let req = preflight(APP, "GET", None);
    let (res, calls) = run(&guarded(), req, &[]).await;
    assert_eq!((res.status(), calls), (StatusCode::NO_CONTENT, 0));
    let req = preflight(EVIL, "GET", None);
    let (res, calls) = run(&guarded(), req, &[]).await;
    assert_eq!((res.status(), calls), (StatusCode::FORBIDDEN, 0));
}

#[test]
fn refused_handshakes_are_decided_with_the_websocket_kind_and_the_origin_reason() {
    let cases: &[(&[(&str, &str)], Rejection<'static>)] = &[
        (
            &[("origin", EVIL), ("upgrade", "websocket")],
            Rejection::OriginNotAllowed(EVIL),
        ),
        (
            &[("origin", "https://a/b"), ("upgrade", "websocket")],
            Rejection::Malformed(Malformed::Origin),
        ),
        (
            &[("origin", APP), ("origin", APP), ("upgrade", "websocket")],
            Rejection::Malformed(Malformed::MultipleOrigins),
        ),
    ];
    let layer = guarded();
    for (headers, reason) in cases {
        let parts = parts(Method::GET, headers);
        let Decision::Rejected(rejected) = layer.policy().decide(&parts) else {
            panic!("{headers:?} allowed");
        };
        assert_eq!(rejected.kind(), RequestKind::WebSocket, "{headers:?}");
        assert_eq!(rejected.reason(), *reason, "{headers:?}");
    }
    let parts = parts(Method::GET, &[("origin", EVIL), ("upgrade", "websocket")]);
    let Decision::Rejected(rejected) = layer.policy().decide(&parts) else {
        unreachable!()
    };
    assert_eq!(
        rejected.to_string(),
        "WebSocket handshake rejected: origin \"https://evil.example\" is not allowed"
    );
}

#[test]
fn the_guard_shows_in_the_policy_summary_only_when_on() {
    assert!(guarded()
        .policy()
        .to_string()
        .ends_with("; websocket handshakes: guarded"));
    assert!(!layer().policy().to_string().contains("websocket"));
}

/// An inner service whose future counts how often it was polled to the
/// end, which is when a handler would run.
async fn run_counting_polls(layer: &CorsLayer, req: Request<String>) -> (StatusCode, usize) {
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    let inner = service_fn(move |_req: Request<String>| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Infallible>(Response::new(String::new()))
        }
    });
    let res = layer.layer(inner).oneshot(req).await.unwrap();
    (res.status(), ran.load(Ordering::SeqCst))
}

#[tokio::test]
async fn under_an_async_predicate_a_refused_handshake_never_runs_the_handler() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_async_predicate(|origin, _| {
            let allowed = origin == "https://tenant.example";
            async move {
                tokio::task::yield_now().await;
                allowed
            }
        })
        .guard_websockets(true)
        .build()
        .unwrap();
    let handshake = |origin| request(Method::GET, &[("origin", origin), ("upgrade", "websocket")]);
    assert_eq!(
        run_counting_polls(&layer, handshake(EVIL)).await,
        (StatusCode::FORBIDDEN, 0)
    );
    assert_eq!(
        run_counting_polls(&layer, handshake("https://tenant.example")).await,
        (StatusCode::OK, 1)
    );
    // An ordinary request from a refused origin still reaches the handler.
    let ordinary = request(Method::GET, &[("origin", EVIL)]);
    assert_eq!(
        run_counting_polls(&layer, ordinary).await,
        (StatusCode::OK, 1)
    );
}
