//! Heap allocations per request, counted by a global allocator, for every
//! benchmark scenario (benches/scenarios/mod.rs) and all three contestants.
//!
//! Pins the allocation targets so a regression fails CI: tower-cors adds at
//! most the bounds below (none today), and always fewer than tower-http.
//! Run with `--nocapture` to see the table.

use std::convert::Infallible;
use std::task::{Context, Poll};

use http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

#[path = "common/counting.rs"]
mod counting;
#[path = "../benches/scenarios/mod.rs"]
#[rustfmt::skip] // formatted by its own target (tests/rustfmt.toml is not its config)
mod scenarios;

use counting::{allocations as allocated, held};
use scenarios::{noop_waker, serve};

/// Most allocations tower-cors may add per request over no layer, by
/// scenario: the counts measured when this was written. Lower is welcome
/// (then lower the bound); higher fails.
#[rustfmt::skip]
const OURS_AT_MOST: [(&str, isize); 9] =
    [("a", 0), ("b", 0), ("c", 0), ("d", 0), ("e", 0), ("f", 0), ("g", 0), ("h", 0), ("i", 0)];

/// Allocations while serving a clone of `request` through `service`, the
/// response dropped, after one unmeasured warm-up request. The clone is made
/// before counting starts.
fn allocations<S>(service: &mut S, request: &Request<()>) -> isize
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    drop(serve(service, request.clone(), &mut cx));
    let (request, before) = (request.clone(), allocated());
    drop(serve(service, request, &mut cx));
    (allocated() - before) as isize
}

#[test]
fn tower_cors_allocates_less_than_tower_http_and_nothing_without_an_allowed_origin() {
    let mut failures = Vec::new();
    println!("| scenario | no layer | tower-http | tower-cors | tower-http added | tower-cors added | bound |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for s in scenarios::all() {
        let mut c = s.contestants();
        let r = &s.request;
        let (none, theirs_total) = (allocations(&mut c.none, r), allocations(&mut c.tower_http, r));
        let ours_total = allocations(&mut c.ours, r);
        // Negative when the layer skips work the bare service does: a
        // preflight answered by the layer never builds the inner response.
        let (theirs, ours) = (theirs_total - none, ours_total - none);
        let bound = OURS_AT_MOST.iter().find(|(id, _)| *id == s.id).expect("a bound per scenario");
        let (row, bound) = (format!("({}) {}", s.id, s.name), bound.1);
        println!(
            "| {row} | {none} | {theirs_total} | {ours_total} | {theirs} | {ours} | {bound} |"
        );
        let added = format!("{row}: tower-cors adds {ours} allocations");
        if ours > bound {
            failures.push(format!("{added}, at most {bound} allowed"));
        }
        if ours > 0 && ours >= theirs {
            failures.push(format!("{added}, tower-http {theirs}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A policy with every kind of configured value, distinct for each `i`.
fn distinct_policy(i: u64) -> tower_cors::CorsLayer {
    let name = |prefix: &str| http::HeaderName::from_bytes(format!("{prefix}-{i}").as_bytes());
    tower_cors::CorsLayer::builder()
        .allow_origins([
            format!("https://app{i}.example.com"),
            format!("https://*.tenant{i}.example.com"),
            format!("http://localhost:{}", 1024 + i),
        ])
        .allow_methods([http::Method::from_bytes(format!("M{i}").as_bytes()).expect("method")])
        .allow_headers([name("x-request").expect("header name")])
        .expose_headers([name("x-response").expect("header name")])
        .max_age(std::time::Duration::from_secs(i % 86_400))
        .build()
        .expect("valid policy")
}

/// Bytes still held after building and dropping `make(i)` for each `i < n`.
/// `make(n)` is built and dropped first: it may set up what lives as long as
/// the process (e.g. the tracing callsite registry with the `tracing` feature).
fn held_after<T>(n: u64, make: impl Fn(u64) -> T) -> isize {
    drop(make(n));
    let before = held();
    (0..n).for_each(|i| drop(make(i)));
    held() - before
}

#[test]
fn building_and_dropping_policies_gives_back_every_byte() {
    assert_eq!(held_after(10_000, distinct_policy), 0, "bytes still held after 10 000 policies");
}

#[test]
fn a_reloadable_layer_allocates_exactly_what_a_fixed_one_does() {
    for s in scenarios::all() {
        let (reloadable, handle) = s.ours.clone().reloadable();
        // Replaced once, so the request meets a policy that was swapped in.
        handle.replace(s.ours.clone());
        // The warm-up also registers the thread with arc-swap (once per thread).
        let fixed = allocations(&mut s.ours.layer(scenarios::Inner), &s.request);
        let reloading = allocations(&mut reloadable.layer(scenarios::Inner), &s.request);
        assert_eq!(reloading, fixed, "({}) {}", s.id, s.name);
    }
}

#[test]
fn replacing_a_policy_ten_thousand_times_gives_back_every_byte() {
    use std::future::Future;

    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let request = |i: u64| {
        let origin = format!("https://app{i}.example.com");
        Request::get("/").header(http::header::ORIGIN, origin).body(()).expect("valid request")
    };
    // An inner service whose response is ready at the second poll, so a
    // request can be left in flight across a replacement.
    let second_poll = tower::service_fn(|_: Request<()>| {
        let mut polled = false;
        std::future::poll_fn(move |_| match std::mem::replace(&mut polled, true) {
            true => Poll::Ready(Ok::<_, Infallible>(Response::new(()))),
            false => Poll::Pending,
        })
    });
    let first = distinct_policy(10_000);
    let (layer, handle) = first.clone().reloadable();
    let mut service = layer.layer(second_poll);
    // Warm-up: the first load and replacement on this thread, and the
    // first request, may set up what lives as long as the process.
    handle.replace(first.clone());
    let mut warm = std::pin::pin!(service.call(request(10_000)));
    while warm.as_mut().poll(&mut cx).is_pending() {}

    let before = held();
    for i in 0..10_000 {
        handle.replace(distinct_policy(i));
        // A request begins under policy i and is still in flight when
        // policy i + 1 replaces it; it ends with policy i's headers.
        let mut in_flight = Box::pin(service.call(request(i)));
        assert!(in_flight.as_mut().poll(&mut cx).is_pending());
        handle.replace(distinct_policy(i + 1));
        let Poll::Ready(Ok(response)) = in_flight.as_mut().poll(&mut cx) else {
            panic!("the second poll answers");
        };
        let got = &response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN];
        assert_eq!(got, format!("https://app{i}.example.com").as_str());
    }
    handle.replace(first);
    assert_eq!(held() - before, 0, "bytes still held after 10 000 replacements");
    drop(service);
}

/// A cached answer of the origin lookup.
#[cfg(feature = "origin-lookup")]
mod lookup {
    use super::*;

    const TENANT: &str = "https://shop.tenant.example";

    fn tenant_request() -> Request<()> {
        let request = Request::get("/api/items").header(http::header::HOST, "api.example.com");
        request.header(http::header::ORIGIN, TENANT).body(()).expect("valid request")
    }

    /// A layer allowing scenario (b)'s origins statically and `TENANT` through
    /// the origin lookup, with the tenant's answer already cached.
    fn warmed_lookup_layer() -> tower_cors::CorsLayer {
        let layer = tower_cors::CorsLayer::builder()
            .allow_origins(scenarios::ORIGINS)
            .allow_origin_lookup(|origin: String| async move {
                Ok::<_, std::io::Error>(origin == TENANT)
            })
            .build()
            .expect("valid policy");
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let service = layer.layer(scenarios::Inner);
        let response = runtime.block_on(tower::ServiceExt::oneshot(service, tenant_request()));
        assert!(response.unwrap().headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
        layer
    }

    #[test]
    fn a_cached_origin_lookup_answer_allocates_nothing() {
        let layer = warmed_lookup_layer();
        let mut ours = layer.layer(scenarios::Inner);
        let request = tenant_request();
        let waker = noop_waker();
        let response = serve(&mut ours, request.clone(), &mut Context::from_waker(&waker));
        let got = &response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN];
        assert_eq!(got, TENANT, "answered from the cache, in one poll");
        let added = allocations(&mut ours, &request) - allocations(&mut scenarios::Inner, &request);
        assert!(added <= 0, "a lookup hit adds {added} allocations");
    }

    #[test]
    fn a_dropped_lookup_policy_gives_back_its_cache() {
        let held = held_after(100, |_| warmed_lookup_layer());
        assert_eq!(held, 0, "bytes still held after 100 lookup policies");
    }
}
