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

#[tokio::test]
async fn inner_errors_pass_through_unchanged() {
    let inner = service_fn(|_req: Request<String>| async {
        Err::<Response<String>, _>(InnerError("db down"))
    });
    let err = layer().layer(inner).oneshot(get(APP)).await.unwrap_err();
    assert_eq!(err, InnerError("db down"));

    // Whatever the classification: not CORS, rejected, OPTIONS without a request method.
    for req in [
        actual(Method::GET, None),
        actual(Method::GET, Some("https://evil.example")),
        actual(Method::OPTIONS, Some(APP)),
    ] {
        let inner = service_fn(|_req: Request<String>| async {
            Err::<Response<String>, _>(InnerError("boom"))
        });
        let err = layer().layer(inner).oneshot(req).await.unwrap_err();
        assert_eq!(err, InnerError("boom"));
    }

    // Boxed errors, as tonic uses, too.
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
async fn the_service_is_clone_when_the_inner_service_is() {
    let inner = service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    });
    let svc = layer().layer(inner);
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

    let send = |r: Request<String>| app.clone().oneshot(r.map(axum::body::Body::from));
    let res = send(preflight(APP, "PUT", Some(""))).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_lines("preflight", res.headers(), &[(ACAM, "PUT")]);
    assert_eq!(handled.load(Ordering::SeqCst), 0);
    let res = send(actual(Method::PUT, Some(APP))).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_lines("PUT", res.headers(), &[(ACAO, APP)]);
    assert_eq!(handled.load(Ordering::SeqCst), 1);
    // axum's own 405 answers are decorated too, so scripts can read the status.
    let res = send(actual(Method::DELETE, Some(APP))).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_lines("DELETE", res.headers(), &[(ACAO, APP)]);
}

#[test]
fn the_layer_is_cheap_to_clone_and_shares_its_policy() {
    let a = layer();
    let b = a.clone();
    assert!(std::ptr::eq(a.policy(), b.policy()));
}
