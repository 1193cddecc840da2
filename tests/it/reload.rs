//! `CorsLayer::reloadable` and `ReloadHandle`: every request is decided
//! wholly under the policy in force when its `call` began.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{
    app, assert_lines, copy_request, get, policy, preflight, run, values, ACAM, ACAO, ACMA, APP,
};
use http::{header, Method, Request, Response, StatusCode};
use tokio::sync::Notify;
use tokio::time::timeout;
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_cors::CorsLayer;

const OTHER: &str = "https://other.example.com";
const BOUND: Duration = Duration::from_secs(10);

/// Policy A: APP with credentials, PUT, exposes x-a, max-age 10.
fn policy_a() -> CorsLayer {
    app(|b| {
        b.allow_methods([Method::PUT])
            .allow_headers([header::CONTENT_TYPE])
            .expose_headers([header::HeaderName::from_static("x-a")])
            .allow_credentials(true)
            .max_age(Duration::from_secs(10))
    })
}

/// Policy B: APP and OTHER, no credentials, DELETE, exposes x-b, max-age 20.
fn policy_b() -> CorsLayer {
    policy(&[APP, OTHER], |b| {
        b.allow_methods([Method::DELETE])
            .allow_headers([header::AUTHORIZATION])
            .expose_headers([header::HeaderName::from_static("x-b")])
            .max_age(Duration::from_secs(20))
    })
}

/// The CORS headers and `Vary` of a response, with its status: what a
/// response owes to its policy.
type View = (u16, BTreeMap<String, Vec<String>>);

fn cors_view(response: &Response<String>) -> View {
    let headers = response.headers();
    let names = headers.keys().map(|n| n.as_str());
    let cors = names.filter(|n| n.starts_with("access-control-") || *n == "vary");
    let view = cors.map(|n| (n.to_owned(), values(headers, n))).collect();
    (response.status().as_u16(), view)
}

/// What `layer` alone answers to `request`.
async fn view_under(layer: &CorsLayer, request: Request<String>) -> View {
    cors_view(&run(layer, request, &[]).await.0)
}

/// The requests whose answers tell A and B apart.
#[rustfmt::skip]
fn probes() -> Vec<(&'static str, Request<String>)> {
    vec![
        ("GET from APP", get(APP)), ("GET from OTHER", get(OTHER)),
        ("preflight PUT from APP", preflight(APP, "PUT", Some("content-type"))),
        ("preflight DELETE from OTHER", preflight(OTHER, "DELETE", None)),
    ]
}

type Ready = std::future::Ready<Result<Response<String>, Infallible>>;

fn ok_inner() -> tower::util::ServiceFn<fn(Request<String>) -> Ready> {
    service_fn(|_req| std::future::ready(Ok(Response::new(String::new()))))
}

#[tokio::test]
async fn services_made_before_and_after_a_replacement_follow_it() {
    let (layer, handle) = policy_a().reloadable();
    let before = layer.layer(ok_inner());
    for (installed, expected) in [(policy_b(), policy_b()), (policy_a(), policy_a())] {
        handle.replace(installed);
        let after = layer.layer(ok_inner());
        for (name, request) in probes() {
            let want = view_under(&expected, copy_request(&request)).await;
            for svc in [before.clone(), after.clone()] {
                let response = svc.oneshot(copy_request(&request)).await.unwrap();
                assert_eq!(cors_view(&response), want, "{name}");
            }
        }
    }
}

#[tokio::test]
async fn a_request_in_flight_finishes_with_the_headers_its_policy_chose() {
    let gate = Arc::new(Notify::new());
    let inner_gate = Arc::clone(&gate);
    let inner = service_fn(move |_req: Request<String>| {
        let gate = Arc::clone(&inner_gate);
        async move {
            gate.notified().await;
            Ok::<_, Infallible>(Response::new(String::new()))
        }
    });
    let (layer, handle) = policy_a().reloadable();
    let mut svc = layer.layer(inner);
    let want = view_under(&policy_a(), get(APP)).await;
    let in_flight = svc.ready().await.unwrap().call(get(APP));
    handle.replace(policy_b());
    gate.notify_one();
    let response = timeout(BOUND, in_flight).await.unwrap().unwrap();
    assert_eq!(cors_view(&response), want);

    // The next request is B's.
    let want_b = view_under(&policy_b(), get(APP)).await;
    gate.notify_one();
    let response =
        timeout(BOUND, svc.ready().await.unwrap().call(get(APP))).await.unwrap().unwrap();
    assert_eq!(cors_view(&response), want_b);
}

#[tokio::test]
async fn an_async_origin_check_started_under_the_old_policy_finishes_under_it() {
    let tenant = "https://shop.tenant.example";
    let gate = Arc::new(Notify::new());
    let predicate_gate = Arc::clone(&gate);
    let old = app(|b| {
        let b = b.allow_methods([Method::PUT]).max_age(Duration::from_secs(10));
        b.allow_origin_async_predicate(move |origin, _parts| {
            let allowed = origin == tenant;
            let gate = Arc::clone(&predicate_gate);
            async move {
                gate.notified().await;
                allowed
            }
        })
    });
    let (layer, handle) = old.reloadable();
    let mut svc = layer.layer(ok_inner());

    let in_flight = svc.ready().await.unwrap().call(preflight(tenant, "PUT", None));
    // The new policy refuses the tenant outright.
    handle.replace(app(|b| b));
    gate.notify_one();
    let response = timeout(BOUND, in_flight).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let want = [(ACAO, tenant), (ACAM, "PUT"), (ACMA, "10")];
    assert_lines("in flight", response.headers(), &want);

    // A preflight beginning now is the new policy's: refused, no check.
    let next = svc.ready().await.unwrap().call(preflight(tenant, "PUT", None));
    let response = timeout(BOUND, next).await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[test]
fn current_is_the_policy_in_force_which_a_failed_rebuild_leaves_serving() {
    let (layer, handle) = policy_a().reloadable();
    let before = handle.current();
    // Not canonical: build() refuses it, so there is nothing to install.
    match CorsLayer::builder().allow_origins(["https://App.example.com/"]).build() {
        Ok(layer) => handle.replace(layer),
        Err(error) => assert!(error.to_string().contains("https://app.example.com")),
    }
    assert!(Arc::ptr_eq(&before, &handle.current()));
    assert!(handle.current().allows_credentials());
    handle.replace(policy_b());
    assert!(!handle.current().allows_credentials());
    // `policy()` is the policy the layer was made from.
    assert!(layer.policy().allows_credentials());
    assert!(layer.layer(ok_inner()).policy().allows_credentials());
}

/// A reloadable layer made reloadable again shares its switch; replacing a
/// policy with a reloadable layer installs what that layer enforces then,
/// and later changes to its switch do not reach this one.
#[tokio::test]
async fn reloadable_layers_share_one_switch_and_install_what_they_enforce_now() {
    let serves_b = view_under(&policy_b(), get(OTHER)).await;
    let (first, handle) = policy_a().reloadable();
    let (second, second_handle) = first.reloadable();
    second_handle.replace(policy_b());
    assert!(!handle.current().allows_credentials());
    assert_eq!(view_under(&second, get(OTHER)).await, serves_b, "made reloadable again");

    let (layer, handle) = policy_a().reloadable();
    let (other, other_handle) = policy_b().reloadable();
    handle.replace(other);
    other_handle.replace(policy_a());
    assert!(!handle.current().allows_credentials());
    assert_eq!(view_under(&layer, get(OTHER)).await, serves_b, "replaced by a reloadable layer");
}

#[test]
fn the_handle_is_clone_send_and_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<tower_cors::ReloadHandle>();
    check::<CorsLayer>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_each_get_exactly_one_policys_answer() {
    let mut expected = Vec::new();
    for (name, request) in probes() {
        let a = view_under(&policy_a(), copy_request(&request)).await;
        let b = view_under(&policy_b(), copy_request(&request)).await;
        // This test and the others tell the two policies apart by the probes.
        assert_ne!(a, b, "{name}");
        expected.push((request, a, b));
    }
    let expected = Arc::new(expected);
    let (layer, handle) = policy_a().reloadable();
    let stop = Arc::new(AtomicBool::new(false));
    let replacer = {
        let (stop, a, b) = (Arc::clone(&stop), policy_a(), policy_b());
        tokio::spawn(async move {
            let mut replacements = 0;
            while !stop.load(Ordering::Relaxed) {
                for policy in [&b, &a] {
                    handle.replace(policy.clone());
                    replacements += 1;
                    tokio::task::yield_now().await;
                }
            }
            replacements
        })
    };
    let mut hammers = Vec::new();
    for task in 0..4 {
        let (svc, expected) = (layer.layer(ok_inner()), Arc::clone(&expected));
        hammers.push(tokio::spawn(async move {
            let mut seen = [0usize; 2];
            for i in 0..2_000 {
                let probe = (i + task) % expected.len();
                let (request, a, b) = &expected[probe];
                let response = svc.clone().oneshot(copy_request(request)).await.unwrap();
                let got = cors_view(&response);
                match (got == *a, got == *b) {
                    (true, false) => seen[0] += 1,
                    (false, true) => seen[1] += 1,
                    _ => panic!("probe {probe}: {got:?} is neither {a:?} nor {b:?}"),
                }
                if i % 16 == 0 {
                    tokio::task::yield_now().await;
                }
            }
            seen
        }));
    }
    let (mut a_total, mut b_total) = (0, 0);
    for hammer in hammers {
        let [a, b] = timeout(Duration::from_secs(60), hammer).await.unwrap().unwrap();
        (a_total, b_total) = (a_total + a, b_total + b);
    }
    stop.store(true, Ordering::Relaxed);
    assert!(replacer.await.unwrap() > 2);
    assert_eq!(a_total + b_total, 4 * 2_000);
    // Both policies served: the replacements happened while requests ran.
    assert!(a_total > 0 && b_total > 0, "A served {a_total}, B {b_total}");
}
