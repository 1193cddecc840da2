//! The `metrics` feature: one counter, `tower_cors_requests_total`, by kind
//! and outcome, read here from a recorder installed for the test alone.
//!
//! CI runs it with `--all-features`.
#![cfg(feature = "metrics")]

use std::collections::BTreeMap;

use crate::common::*;
use http::{HeaderName, Method};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use tower_cors::CorsLayer;

/// Runs `requests` through `layer` with a local debugging recorder; the
/// counters by (kind, outcome), and every label name seen.
fn counted(
    layer: &CorsLayer,
    requests: Vec<http::Request<String>>,
) -> BTreeMap<(String, String), u64> {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for request in requests {
                run(layer, request, &[]).await;
            }
        });
    });
    let mut counts = BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        assert_eq!(key.name(), "tower_cors_requests_total");
        let labels: BTreeMap<&str, &str> = key.labels().map(|l| (l.key(), l.value())).collect();
        assert_eq!(
            labels.keys().copied().collect::<Vec<_>>(),
            ["kind", "outcome"]
        );
        let DebugValue::Counter(n) = value else {
            panic!("not a counter")
        };
        counts.insert((labels["kind"].to_owned(), labels["outcome"].to_owned()), n);
    }
    counts
}

fn key(kind: &str, outcome: &str) -> (String, String) {
    (kind.to_owned(), outcome.to_owned())
}

#[test]
fn requests_are_counted_by_kind_and_outcome() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_headers([HeaderName::from_static("x-ok")])
        .build()
        .unwrap();
    let counts = counted(
        &layer,
        vec![
            actual(Method::GET, None),
            actual(Method::GET, None),
            actual(Method::GET, Some(APP)),
            actual(Method::GET, Some("https://evil.example")),
            actual(Method::GET, Some("not an origin")),
            preflight(APP, "PUT", Some("x-ok")),
            preflight(APP, "DELETE", None),
            preflight(APP, "PUT", Some("x-evil")),
            preflight("https://evil.example", "PUT", None),
        ],
    );
    let expected = BTreeMap::from([
        (key("not_cors", "allowed"), 2),
        (key("actual", "allowed"), 1),
        (key("actual", "origin_not_allowed"), 1),
        (key("actual", "malformed"), 1),
        (key("preflight", "allowed"), 1),
        (key("preflight", "method_not_allowed"), 1),
        (key("preflight", "header_not_allowed"), 1),
        (key("preflight", "origin_not_allowed"), 1),
    ]);
    assert_eq!(counts, expected);
}

/// Labels never carry request values: a thousand distinct origins, methods
/// and header names make no new series.
#[test]
fn labels_stay_bounded_whatever_clients_send() {
    let layer = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    let mut requests = Vec::new();
    for i in 0..300 {
        requests.push(actual(Method::GET, Some(&format!("https://o{i}.example"))));
        requests.push(preflight(APP, &format!("M{i}"), None));
        requests.push(preflight(APP, "GET", Some(&format!("x-h{i}"))));
    }
    let counts = counted(&layer, requests);
    assert_eq!(
        counts,
        BTreeMap::from([
            (key("actual", "origin_not_allowed"), 300),
            (key("preflight", "method_not_allowed"), 300),
            (key("preflight", "header_not_allowed"), 300),
        ])
    );
}

#[test]
fn the_async_check_is_counted_when_it_decides() {
    let layer = CorsLayer::builder()
        .allow_origin_async_predicate(|origin, _| {
            let ok = origin == "https://tenant.example";
            async move { ok }
        })
        .build()
        .unwrap();
    let counts = counted(
        &layer,
        vec![
            actual(Method::GET, Some("https://tenant.example")),
            actual(Method::GET, Some("https://evil.example")),
            preflight("https://tenant.example", "POST", None),
            preflight("https://evil.example", "POST", None),
        ],
    );
    assert_eq!(
        counts,
        BTreeMap::from([
            (key("actual", "allowed"), 1),
            (key("actual", "origin_not_allowed"), 1),
            (key("preflight", "allowed"), 1),
            (key("preflight", "origin_not_allowed"), 1),
        ])
    );
}
