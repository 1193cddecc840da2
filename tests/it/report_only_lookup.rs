//! A report-only candidate with an origin lookup: its lookup is asked
//! (through its own cache and single flight), the divergence is reported
//! when the answer lands and names what the lookup said, and the enforced
//! response never waits for it.
#![cfg(feature = "origin-lookup")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{actual, only, policy, preflight, run, Reports, ACAO, APP};
use http::Method;
use tokio::sync::Notify;
use tower_cors::{CorsLayer, Rejection, Verdict};

const TENANT: &str = "https://shop.tenant.example";
const GONE: &str = "https://gone.tenant.example";

fn enforced() -> CorsLayer {
    policy(&[APP, TENANT, GONE], |b| b.allow_methods([Method::PUT, Method::PATCH]))
}

/// The enforced policy trialling a candidate that lists APP alone and asks
/// a store allowing `TENANT` only; the store waits for the gate on its first
/// call. Returns the gate, the store's calls, the reports and the layer.
fn trial() -> (Arc<Notify>, Arc<AtomicUsize>, Reports, CorsLayer) {
    let (gate, calls) = (Arc::new(Notify::new()), Arc::new(AtomicUsize::new(0)));
    let (waits, counts) = (Arc::clone(&gate), Arc::clone(&calls));
    let candidate = policy(&[APP], |b| {
        b.allow_methods([Method::PUT]).allow_origin_lookup(move |origin: String| {
            let first = counts.fetch_add(1, Ordering::SeqCst) == 0;
            let gate = Arc::clone(&waits);
            async move {
                if first {
                    gate.notified().await;
                }
                Ok::<_, std::io::Error>(origin == TENANT)
            }
        })
    });
    let (layer, reports) = crate::common::trial(enforced(), candidate);
    (gate, calls, reports, layer)
}

async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn the_candidates_lookup_is_asked_and_its_refusal_reported_when_it_lands() {
    let (gate, calls, reports, layer) = trial();
    // The enforced answer does not wait for the candidate's lookup.
    let (res, inner) = run(&layer, actual(Method::GET, Some(GONE)), &[]).await;
    assert_eq!((inner, res.headers()[ACAO].to_str().unwrap()), (1, GONE));
    settle().await;
    assert!(reports.lock().unwrap().is_empty(), "reported before the lookup answered");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    gate.notify_one();
    settle().await;
    let seen = only(&reports);
    let refused = Verdict::Refused(Rejection::OriginNotAllowed(GONE));
    assert_eq!((seen.enforced.as_str(), seen.candidate), ("Allowed", format!("{refused:?}")));
    let why = "is not allowed (its origin lookup refuses the origin)";
    let line = format!("the candidate refuses it: origin \"{GONE}\" {why}");
    assert!(seen.line.ends_with(&line), "{}", seen.line);

    // The answer is cached: the next request is reported at once, and the
    // store is not asked again.
    run(&layer, actual(Method::GET, Some(GONE)), &[]).await;
    assert_eq!((reports.lock().unwrap().len(), calls.load(Ordering::SeqCst)), (2, 1));
}

#[tokio::test]
async fn an_origin_the_candidates_lookup_allows_is_not_reported_and_its_checks_still_apply() {
    let (gate, calls, reports, layer) = trial();
    gate.notify_one();
    run(&layer, actual(Method::GET, Some(TENANT)), &[]).await;
    settle().await;
    assert!(reports.lock().unwrap().is_empty(), "{:?}", reports.lock().unwrap());

    // Allowed by the lookup, refused for its method by the candidate alone.
    run(&layer, preflight(TENANT, "PATCH", None), &[]).await;
    settle().await;
    let line = "method \"PATCH\" is not allowed (its origin lookup allows the origin)";
    assert!(only(&reports).line.contains(line), "{:?}", only(&reports));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one lookup per origin");
}

#[tokio::test]
async fn a_lookup_that_never_answers_delays_no_response_and_reports_its_failure() {
    let hanging = policy(&[APP], |b| {
        let never = |_: String| std::future::pending::<Result<bool, std::io::Error>>();
        b.allow_origin_lookup(never).origin_lookup_timeout(Duration::from_millis(50))
    });
    let (layer, reports) = crate::common::trial(enforced(), hanging);
    let answer = run(&layer, actual(Method::GET, Some(TENANT)), &[]);
    let waited = tokio::time::timeout(Duration::from_secs(5), answer).await;
    let (res, _) = waited.expect("the enforced response never waits for the candidate");
    assert_eq!(res.headers()[ACAO], TENANT);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen = only(&reports);
    assert!(seen.line.contains("the origin lookup failed"), "{}", seen.line);
}
