//! The `Cors<S>` service inside real stacks: mock services, error types,
//! readiness, axum.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::*;
use axum::{routing, Router};
use http::{header, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceBuilder, ServiceExt};

#[derive(Debug, PartialEq)]
struct InnerError(&'static str);

/// Whatever the classification: allowed, not CORS, rejected, OPTIONS
/// without a request method; boxed errors (as tonic uses) too.
#[tokio::test]
async fn inner_errors_pass_through_unchanged() {
    let origins = [Some(APP), None, Some("https://evil.example")];
    let requests = origins.map(|o| actual(Method::GET, o)).into_iter();
    for req in requests.chain([actual(Method::OPTIONS, Some(APP))]) {
        let inner = service_fn(|_req: Request<String>| async {
            Err::<Response<String>, _>(InnerError("db down"))
        });
        assert_eq!(layer().layer(inner).oneshot(req).await.unwrap_err(), InnerError("db down"));
    }
    let inner = service_fn(|_req: Request<String>| async {
        Err::<Response<String>, Box<dyn std::error::Error + Send + Sync>>("boom".into())
    });
    let err = layer().layer(inner).oneshot(actual(Method::GET, None)).await;
    assert_eq!(err.unwrap_err().to_string(), "boom");
}

#[tokio::test]
async fn readiness_is_delegated_to_the_inner_service() {
    let (mock, mut handle) = tower_test::mock::pair::<Request<String>, Response<String>>();
    let mut svc = tower_test::mock::Spawn::new(layer().layer(mock));
    handle.allow(0);
    assert!(svc.poll_ready().is_pending());
    handle.allow(1);
    assert!(svc.poll_ready().is_ready());
}

#[tokio::test]
async fn layer_and_service_clones_share_the_policy() {
    let layer = layer();
    assert!(std::ptr::eq(layer.policy(), layer.clone().policy()));
    // The service is `Clone` when the inner service is.
    let svc = layer.layer(service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    }));
    let a = svc.clone().oneshot(get(APP)).await.unwrap();
    let b = svc.oneshot(get(APP)).await.unwrap();
    assert_eq!(a.headers(), b.headers());
}

#[tokio::test]
async fn works_inside_a_service_builder_stack() {
    let svc = ServiceBuilder::new().layer(layer()).concurrency_limit(4).service_fn(
        |_req: Request<String>| async { Ok::<_, Infallible>(Response::new(String::from("ok"))) },
    );
    let res = svc.oneshot(actual(Method::GET, Some(APP))).await.unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
}

#[tokio::test]
async fn works_as_an_axum_router_layer() {
    let handled = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&handled);
    let app = Router::new()
        .route(
            "/api/items",
            routing::get(|| async { "[]" }).put(move || {
                h.fetch_add(1, Ordering::SeqCst);
                async { StatusCode::NO_CONTENT }
            }),
        )
        .layer(layer());

    // (request, status, lines, handler runs so far); axum's own 405 answers
    // are decorated too, so scripts can read the status.
    let rows = [
        (preflight(APP, "PUT", Some("")), StatusCode::NO_CONTENT, (ACAM, "PUT"), 0),
        (actual(Method::PUT, Some(APP)), StatusCode::NO_CONTENT, (ACAO, APP), 1),
        (actual(Method::DELETE, Some(APP)), StatusCode::METHOD_NOT_ALLOWED, (ACAO, APP), 1),
    ];
    for (req, status, line, runs) in rows {
        let case = format!("{} {}", req.method(), status);
        let res = app.clone().oneshot(req.map(axum::body::Body::from)).await.unwrap();
        assert_eq!((res.status(), handled.load(Ordering::SeqCst)), (status, runs), "{case}");
        assert_lines(&case, res.headers(), &[line]);
    }
}
