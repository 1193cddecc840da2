//! `allow_origin_async_predicate`: asked only when the static rules refuse an
//! origin; actual requests reach the inner service at once, preflights wait.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{actual, has_cors_headers, preflight, vary_tokens, APP};
use http::{header, Method, Request, Response, StatusCode};
use tokio::sync::oneshot;
use tokio::time::timeout;
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{ConfigError, CorsLayer};

const TENANT: &str = "https://shop.tenant.example";
const BOUND: Duration = Duration::from_secs(5);

/// `common::run`, bounded: a regression must fail, not hang.
async fn run(
    layer: &CorsLayer,
    req: Request<String>,
    inner_headers: &[(&'static str, &'static str)],
) -> (Response<String>, usize) {
    timeout(BOUND, crate::common::run(layer, req, inner_headers))
        .await
        .expect("request did not complete")
}

/// A layer allowing APP statically and TENANT through the async predicate;
/// the counter says how often the predicate ran.
fn layer() -> (CorsLayer, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_origin_async_predicate(move |origin, _parts| {
            counter.fetch_add(1, Ordering::SeqCst);
            let allowed = origin == TENANT;
            async move {
                tokio::task::yield_now().await;
                allowed
            }
        })
        .build()
        .unwrap();
    (layer, asked)
}

#[tokio::test]
async fn statically_allowed_origin_never_runs_the_predicate() {
    let (layer, asked) = layer();
    let (res, calls) = run(&layer, actual(Method::GET, Some(APP)), &[]).await;
    assert_eq!(calls, 1);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    let (res, _) = run(&layer, preflight(APP, "PUT", None), &[]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, _) = run(&layer, actual(Method::GET, None), &[]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn actual_request_allowed_by_the_predicate_gets_the_origin_echoed() {
    let (layer, asked) = layer();
    let (res, calls) = run(&layer, actual(Method::POST, Some(TENANT)), &[]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(calls, 1);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
    assert_eq!(res.body(), "inner");
}

#[tokio::test]
async fn actual_request_refused_by_the_predicate_still_reaches_the_inner_service_undecorated() {
    let (layer, asked) = layer();
    let (res, calls) = run(
        &layer,
        actual(Method::POST, Some("https://evil.example")),
        &[("access-control-allow-origin", "*")],
    )
    .await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn preflight_allowed_by_the_predicate_is_answered_by_the_layer() {
    let (layer, _) = layer();
    let (res, calls) = run(&layer, preflight(TENANT, "PUT", None), &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
    assert!(res.body().is_empty());
}

#[tokio::test]
async fn preflight_allowed_by_the_predicate_still_checks_method_and_headers() {
    // Refused for the method or a header, the allowed origin gets the
    // policy's lists, which lack them: the browser names what is missing.
    let (layer, _) = layer();
    let (res, calls) = run(&layer, preflight(TENANT, "DELETE", None), &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");
    let (res, _) = run(&layer, preflight(TENANT, "PUT", Some("x-secret")), &[]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
}

#[tokio::test]
async fn preflight_refused_by_the_predicate_gets_403() {
    let (layer, asked) = layer();
    let (res, calls) = run(&layer, preflight("https://evil.example", "PUT", None), &[]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!has_cors_headers(res.headers()));
}

#[tokio::test]
async fn null_and_malformed_origins_never_reach_the_predicate() {
    let (layer, asked) = layer();
    run(&layer, actual(Method::GET, Some("null")), &[]).await;
    run(&layer, preflight("null", "PUT", None), &[]).await;
    run(&layer, actual(Method::GET, Some("not an origin")), &[]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn inner_service_runs_while_the_check_is_pending() {
    let (release, released) = oneshot::channel::<bool>();
    let released = Arc::new(std::sync::Mutex::new(Some(released)));
    let layer = CorsLayer::builder()
        .allow_origin_async_predicate(move |_, _| {
            let rx = released.lock().unwrap().take().expect("asked once");
            async move { rx.await.unwrap_or(false) }
        })
        .build()
        .unwrap();
    let (inner_called, inner_seen) = oneshot::channel::<()>();
    let inner_called = Arc::new(std::sync::Mutex::new(Some(inner_called)));
    let svc = layer.layer(service_fn(move |_req: Request<String>| {
        let _ = inner_called.lock().unwrap().take().unwrap().send(());
        async { Ok::<_, Infallible>(Response::new(String::from("inner"))) }
    }));
    let pending = tokio::spawn(svc.oneshot(actual(Method::GET, Some(TENANT))));
    // The inner service is called before the check has an answer...
    timeout(BOUND, inner_seen).await.unwrap().unwrap();
    assert!(!pending.is_finished());
    // ...and the response is decorated once it has one.
    release.send(true).unwrap();
    let res = timeout(BOUND, pending).await.unwrap().unwrap().unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[tokio::test]
async fn inner_errors_pass_through_without_waiting_for_the_check() {
    let layer = CorsLayer::builder()
        .allow_origin_async_predicate(|_, _| std::future::pending::<bool>())
        .build()
        .unwrap();
    let svc = layer.layer(service_fn(|_req: Request<String>| async {
        Err::<Response<String>, _>("inner failed")
    }));
    let result = timeout(BOUND, svc.oneshot(actual(Method::GET, Some(TENANT))))
        .await
        .unwrap();
    assert_eq!(result.unwrap_err(), "inner failed");
}

#[tokio::test]
async fn predicate_sees_the_request_head() {
    let layer = CorsLayer::builder()
        .allow_origin_async_predicate(|_, parts| {
            let public = parts.uri.path().starts_with("/api/");
            async move { public }
        })
        .build()
        .unwrap();
    let (res, _) = run(&layer, actual(Method::GET, Some(TENANT)), &[]).await;
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[tokio::test]
async fn works_under_axum() {
    let (layer, _) = layer();
    let app: axum::Router = axum::Router::new()
        .route("/api/items", axum::routing::get(|| async { "items" }))
        .layer(layer);
    let req = Request::get("/api/items")
        .header(header::ORIGIN, TENANT)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
}

#[test]
fn async_predicate_with_any_origin_is_refused() {
    let err = CorsLayer::builder()
        .allow_any_origin()
        .allow_origin_async_predicate(|_, _| async { true })
        .build()
        .unwrap_err();
    assert!(
        matches!(err, ConfigError::AnyOriginWithList { .. }),
        "{err:?}"
    );
}
