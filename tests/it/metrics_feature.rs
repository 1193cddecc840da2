//! The `metrics` feature: one counter, `tower_cors_requests_total`, by kind
//! and outcome, read here from a recorder installed for the test alone.
//!
//! CI runs it with `--all-features`.
#![cfg(feature = "metrics")]

use crate::common::*;
use http::{HeaderName, Method};
use tower_cors::CorsLayer;

/// Asserts the counts after `requests` through `layer` are exactly `want`,
/// as `(kind, outcome, count)`.
#[track_caller]
fn counts(layer: &CorsLayer, requests: Vec<http::Request<String>>, want: &[(&str, &str, u64)]) {
    let counted = counters(false, || async {
        for request in requests {
            run(layer, request, &[]).await;
        }
    });
    let mut want: Vec<_> =
        want.iter().map(|(k, o, n)| (k.to_string(), o.to_string(), *n)).collect();
    want.sort();
    assert_eq!(counted, want);
}

#[test]
#[rustfmt::skip]
fn requests_are_counted_by_kind_and_outcome() {
    let layer = app(|b| b.allow_methods([Method::PUT]).allow_headers([HeaderName::from_static("x-ok")]));
    let requests = vec![
        actual(Method::GET, None), actual(Method::GET, None), get(APP), get(EVIL), get("not an origin"),
        preflight(APP, "PUT", Some("x-ok")), preflight(APP, "DELETE", None), preflight(APP, "PUT", Some("x-evil")),
        preflight(EVIL, "PUT", None),
    ];
    counts(&layer, requests, &[
        ("not_cors", "allowed", 2), ("actual", "allowed", 1), ("actual", "origin_not_allowed", 1), ("actual", "malformed", 1),
        ("preflight", "allowed", 1), ("preflight", "method_not_allowed", 1), ("preflight", "header_not_allowed", 1),
        ("preflight", "origin_not_allowed", 1),
    ]);
}

/// Labels never carry request values: a thousand distinct origins, methods
/// and header names make no new series.
#[test]
#[rustfmt::skip]
fn labels_stay_bounded_whatever_clients_send() {
    let mut requests = Vec::new();
    for i in 0..300 {
        requests.push(get(&format!("https://o{i}.example")));
        requests.push(preflight(APP, &format!("M{i}"), None));
        requests.push(preflight(APP, "GET", Some(&format!("x-h{i}"))));
    }
    counts(&app(|b| b), requests, &[
        ("actual", "origin_not_allowed", 300), ("preflight", "method_not_allowed", 300), ("preflight", "header_not_allowed", 300),
    ]);
}

#[test]
#[rustfmt::skip]
fn the_async_check_is_counted_when_it_decides() {
    let tenant = "https://tenant.example";
    let predicate = move |origin: &http::HeaderValue, _: &_| std::future::ready(origin == tenant);
    let layer = CorsLayer::builder().allow_origin_async_predicate(predicate).build().unwrap();
    let requests = vec![get(tenant), get(EVIL), preflight(tenant, "POST", None), preflight(EVIL, "POST", None)];
    counts(&layer, requests, &[
        ("actual", "allowed", 1), ("actual", "origin_not_allowed", 1), ("preflight", "allowed", 1),
        ("preflight", "origin_not_allowed", 1),
    ]);
}
