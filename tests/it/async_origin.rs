//! `allow_origin_async_predicate`: asked only when the static rules refuse an
//! origin; actual requests reach the inner service at once, preflights wait.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::{
    acao_under_axum, actual, app, expect_bounded as check, get, preflight, run_bounded as run,
    ABSENT, ACAH, ACAM, ACAO, APP, BOUND, EVIL, VARY,
};
use http::{Method, Request, Response};
use std::future::ready;
use tokio::sync::{oneshot, Notify};
use tokio::time::timeout;
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{ConfigError, CorsLayer};

const TENANT: &str = "https://shop.tenant.example";

/// A layer allowing APP statically and TENANT through the async predicate;
/// the counter says how often the predicate ran.
fn layer() -> (CorsLayer, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let predicate = move |origin: &http::HeaderValue, _: &http::request::Parts| {
        counter.fetch_add(1, Ordering::SeqCst);
        let allowed = origin == TENANT;
        async move {
            tokio::task::yield_now().await;
            allowed
        }
    };
    (app(|b| b.allow_methods([Method::PUT]).allow_origin_async_predicate(predicate)), asked)
}

#[tokio::test]
#[rustfmt::skip]
async fn statically_allowed_origins_never_run_the_predicate_and_the_predicate_decides_the_rest() {
    let (layer, asked) = layer();
    check("static actual", &layer, get(APP), &[], "inner", &[(ACAO, APP)]).await;
    check("static preflight", &layer, preflight(APP, "PUT", None), &[], "204", &[(ACAO, APP)]).await;
    check("no Origin", &layer, actual(Method::GET, None), &[], "inner", &[]).await;
    // Null and malformed origins never reach the predicate either.
    let none = [("access-control-*", ABSENT)];
    check("null actual", &layer, get("null"), &[], "inner", &none).await;
    check("null preflight", &layer, preflight("null", "PUT", None), &[], "403", &none).await;
    check("malformed actual", &layer, get("not an origin"), &[], "inner", &none).await;
    assert_eq!(asked.load(Ordering::SeqCst), 0);
    // Allowed by the predicate: the origin echoed.
    check("allowed actual", &layer, actual(Method::POST, Some(TENANT)), &[], "inner", &[(ACAO, TENANT), (VARY, "origin")]).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // Refused, the actual request still reaches the inner service, undecorated.
    let none = [("access-control-*", ABSENT), (VARY, "origin")];
    check("refused actual", &layer, actual(Method::POST, Some(EVIL)), &[(ACAO, "*")], "inner", &none).await;
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    check("allowed preflight", &layer, preflight(TENANT, "PUT", None), &[], "204", &[(ACAO, TENANT), (ACAM, "PUT")]).await;
    // Refused for the method or a header, the allowed origin gets the
    // policy's lists, which lack them: the browser names what is missing.
    check("refused method", &layer, preflight(TENANT, "DELETE", None), &[], "204", &[(ACAO, TENANT), (ACAM, "PUT")]).await;
    check("refused header", &layer, preflight(TENANT, "PUT", Some("x-secret")), &[], "204", &[(ACAH, ABSENT)]).await;
    let before = asked.load(Ordering::SeqCst);
    check("refused preflight", &layer, preflight(EVIL, "PUT", None), &[], "403", &[("access-control-*", ABSENT)]).await;
    assert_eq!(asked.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn inner_service_runs_while_the_check_is_pending() {
    let (release, released) = oneshot::channel::<bool>();
    let released = Arc::new(std::sync::Mutex::new(Some(released)));
    let predicate = move |_: &_, _: &_| {
        let rx = released.lock().unwrap().take().expect("asked once");
        async move { rx.await.unwrap_or(false) }
    };
    let layer = CorsLayer::builder().allow_origin_async_predicate(predicate).build().unwrap();
    let inner_seen = Arc::new(Notify::new());
    let inner_called = Arc::clone(&inner_seen);
    let svc = layer.layer(service_fn(move |_req: Request<String>| {
        inner_called.notify_one();
        ready(Ok::<_, Infallible>(Response::new(String::from("inner"))))
    }));
    let pending = tokio::spawn(svc.oneshot(actual(Method::GET, Some(TENANT))));
    // The inner service is called before the check has an answer...
    timeout(BOUND, inner_seen.notified()).await.unwrap();
    assert!(!pending.is_finished());
    // ...and the response is decorated once it has one.
    release.send(true).unwrap();
    let res = timeout(BOUND, pending).await.unwrap().unwrap().unwrap();
    assert_eq!(res.headers()[ACAO], TENANT);
}

#[tokio::test]
async fn inner_errors_pass_through_without_waiting_for_the_check() {
    let layer = CorsLayer::builder().allow_origin_async_predicate(|_, _| std::future::pending());
    let failing =
        service_fn(|_: Request<String>| ready(Err::<Response<String>, _>("inner failed")));
    let svc = layer.build().unwrap().layer(failing);
    let result = timeout(BOUND, svc.oneshot(actual(Method::GET, Some(TENANT)))).await.unwrap();
    assert_eq!(result.unwrap_err(), "inner failed");
}

#[tokio::test]
async fn predicate_sees_the_request_head() {
    let head = |_: &_, parts: &http::request::Parts| ready(parts.uri.path().starts_with("/api/"));
    let layer = CorsLayer::builder().allow_origin_async_predicate(head).build().unwrap();
    let (res, _) = run(&layer, get(TENANT)).await;
    assert_eq!(res.headers()[ACAO], TENANT);
}

#[tokio::test]
async fn works_under_axum() {
    assert_eq!(acao_under_axum(layer().0, TENANT).await.as_deref(), Some(TENANT));
}

#[test]
fn async_predicate_with_any_origin_is_refused() {
    let any = CorsLayer::builder().allow_any_origin();
    let err = any.allow_origin_async_predicate(|_, _| ready(true)).build().unwrap_err();
    assert!(matches!(err, ConfigError::AnyOriginWithList { .. }), "{err:?}");
}
