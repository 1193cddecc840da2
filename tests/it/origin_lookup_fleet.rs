//! The origin lookup under load and outage: `origin_lookup_concurrency`
//! bounds the lookups in flight whatever clients invent, and
//! `origin_lookup_stale_if_error` serves an expired "allowed" answer, and
//! nothing else, while the store fails. On Tokio's paused clock.
#![cfg(feature = "origin-lookup")]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{actual, app, run};
use http::{header, Method};
use tokio::task::JoinSet;
use tokio::time::{sleep, Instant};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer};

const TENANT: &str = "https://shop.tenant.example";
const STRANGER: &str = "https://stranger.example";

/// How a failing store fails.
#[derive(Clone, Copy, Debug, Default)]
enum Outage {
    #[default]
    Errors,
    Hangs,
}

/// A store that allows `TENANT` (and, if `open`, every origin), takes
/// `latency` per query, counts the queries in flight and their peak, and
/// fails as `outage` says while `down`.
#[derive(Clone, Default)]
struct Store {
    latency: Duration,
    open: bool,
    outage: Outage,
    /// `TENANT` taken out of the store.
    removed: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    asked: Arc<AtomicUsize>,
}

impl Store {
    fn new(latency: Duration, open: bool, outage: Outage) -> Self {
        Store { latency, open, outage, ..Store::default() }
    }

    fn layer(&self, configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> CorsLayer {
        let store = self.clone();
        app(|b| configure(b.allow_origin_lookup(move |origin| store.clone().ask(origin))))
    }

    async fn ask(self, origin: String) -> std::io::Result<bool> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        // Decremented however the query ends, also when the timeout drops it.
        let _left = Leave(Arc::clone(&self.in_flight));
        match (self.down.load(Ordering::SeqCst), self.outage) {
            (true, Outage::Errors) => return Err(std::io::Error::other("down")),
            (true, Outage::Hangs) => std::future::pending::<()>().await,
            (false, _) => {}
        }
        sleep(self.latency).await;
        let tenant = origin == TENANT && !self.removed.load(Ordering::SeqCst);
        Ok(self.open || tenant)
    }
}

struct Leave(Arc<AtomicUsize>);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether an actual request from `origin` gets its origin allowed.
async fn allowed(layer: &CorsLayer, origin: &str) -> bool {
    let (res, _) = run(layer, actual(Method::GET, Some(origin)), &[]).await;
    res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_some_and(|value| value == origin)
}

#[tokio::test(start_paused = true)]
async fn a_flood_of_invented_origins_never_has_more_lookups_in_flight_than_the_bound() {
    const BOUND: usize = 8;
    let store = Store::new(Duration::from_millis(100), true, Outage::Errors);
    let timeout = Duration::from_secs(2);
    let layer = store.layer(|b| b.origin_lookup_concurrency(BOUND).origin_lookup_timeout(timeout));
    assert!(allowed(&layer, TENANT).await, "warmed before the flood");
    let start = Instant::now();
    let mut flood = JoinSet::new();
    for i in 0..2_000 {
        let layer = layer.clone();
        flood
            .spawn(async move { allowed(&layer, &format!("https://t{i}.invented.example")).await });
    }
    // Let every flood request start its lookup (the clock moves only when
    // every task waits).
    sleep(Duration::from_millis(1)).await;
    assert_eq!(store.in_flight.load(Ordering::SeqCst), BOUND);
    // A cached answer is served at once while the store is saturated.
    let before = Instant::now();
    assert!(allowed(&layer, TENANT).await);
    assert_eq!(before.elapsed(), Duration::ZERO);
    assert_eq!(store.asked.load(Ordering::SeqCst), BOUND + 1);
    let mut answered = 0;
    while let Some(allowed) = flood.join_next().await {
        answered += usize::from(allowed.unwrap());
    }
    assert_eq!(store.peak.load(Ordering::SeqCst), BOUND);
    // Every request ended within the timeout: the 8 slots served 2 s of
    // 100 ms queries, and the rest were refused.
    assert!(start.elapsed() <= Duration::from_secs(2));
    assert!((BOUND..=BOUND * 20).contains(&answered), "{answered} lookups answered");
    // A query cut at the deadline is asked but not answered: one round at most.
    let asked = store.asked.load(Ordering::SeqCst) - 1;
    assert!((answered..=answered + BOUND).contains(&asked), "{asked} asked");
    // Refused for saturation is not cached: the next request asks again.
    assert!(allowed(&layer, "https://t1999.invented.example").await);
}

#[test]
fn a_lookup_concurrency_of_zero_is_refused_with_the_fix() {
    let lookup = |_: String| async { Ok::<_, std::io::Error>(true) };
    let error = CorsLayer::builder().allow_origin_lookup(lookup).origin_lookup_concurrency(0);
    let error = error.build().unwrap_err();
    assert!(matches!(error, ConfigError::ZeroLookupConcurrency { .. }), "{error:?}");
    let message = error.to_string();
    let fix =
        message.contains("origin_lookup_concurrency(0)") && message.contains("use at least 1");
    assert!(fix, "{message}");
}

#[tokio::test(start_paused = true)]
async fn stale_if_error_extends_allowed_answers_only_within_the_grace() {
    // A store warmed with TENANT (allowed) and STRANGER (refused), then
    // failing as `outage`, asked `after` s later, with a 60 s TTL, a 5 s
    // refused TTL, a 1 s timeout and `grace` s: (name, grace, outage,
    // after, invalidated, TENANT allowed); STRANGER is refused in each.
    #[rustfmt::skip]
    let cases = [
        ("fail closed by default", 0, Outage::Errors, 61, false, false),
        ("store errors, within grace", 30, Outage::Errors, 61, false, true),
        ("store hangs, within grace", 30, Outage::Hangs, 85, false, true),
        ("past TTL + grace", 30, Outage::Errors, 91, false, false),
        ("invalidated, within grace", 30, Outage::Errors, 61, true, false),
        ("still fresh: no stale needed", 0, Outage::Errors, 59, false, true),
    ];
    for (name, grace, outage, after, invalidate, tenant) in cases {
        let store = Store::new(Duration::ZERO, false, outage);
        let layer = store.layer(|b| {
            b.origin_lookup_ttl(Duration::from_secs(60))
                .origin_lookup_refused_ttl(Duration::from_secs(5))
                .origin_lookup_timeout(Duration::from_secs(1))
                .origin_lookup_stale_if_error(Duration::from_secs(grace))
        });
        let warmed = (allowed(&layer, TENANT).await, allowed(&layer, STRANGER).await);
        assert_eq!(warmed, (true, false), "{name}: warmed");
        store.down.store(true, Ordering::SeqCst);
        tokio::time::advance(Duration::from_secs(after)).await;
        if invalidate {
            layer.invalidate_origin(TENANT);
        }
        let start = Instant::now();
        assert_eq!(allowed(&layer, TENANT).await, tenant, "{name}");
        assert!(start.elapsed() <= Duration::from_secs(1), "{name}");
        assert!(!allowed(&layer, STRANGER).await, "{name}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_recovered_store_is_heard_at_once_despite_the_grace() {
    let store = Store::new(Duration::ZERO, false, Outage::Errors);
    let (ttl, grace) = (Duration::from_secs(60), Duration::from_secs(3600));
    let layer = store.layer(|b| b.origin_lookup_ttl(ttl).origin_lookup_stale_if_error(grace));
    assert!(allowed(&layer, TENANT).await);
    store.down.store(true, Ordering::SeqCst);
    tokio::time::advance(Duration::from_secs(120)).await;
    assert!(allowed(&layer, TENANT).await, "stale while down");
    let asked = store.asked.load(Ordering::SeqCst);
    assert!(allowed(&layer, TENANT).await, "stale again, asked again");
    assert_eq!(store.asked.load(Ordering::SeqCst), asked + 1);
    // Back up without the tenant: refused at once, grace or not.
    store.removed.store(true, Ordering::SeqCst);
    store.down.store(false, Ordering::SeqCst);
    assert!(!allowed(&layer, TENANT).await, "the store is asked first");
    // A refused answer is never extended: down again, it stays refused.
    store.down.store(true, Ordering::SeqCst);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(!allowed(&layer, TENANT).await);
}

#[cfg(feature = "metrics")]
#[test]
fn a_saturated_lookup_is_counted_apart_from_a_failed_one() {
    let counted = crate::common::counters(true, || async {
        let store = Store::new(Duration::ZERO, false, Outage::Hangs);
        store.down.store(true, Ordering::SeqCst);
        let second = Duration::from_secs(1);
        let layer = store.layer(|b| b.origin_lookup_concurrency(1).origin_lookup_timeout(second));
        // The first holds the only slot until its timeout; the second
        // waits for it as long, and is refused for saturation.
        let (a, b) = ("https://a.example", "https://b.example");
        let (a, b) = tokio::join!(allowed(&layer, a), allowed(&layer, b));
        assert!(!a && !b);
    });
    let outcomes: Vec<_> = counted.iter().map(|(_, outcome, n)| (outcome.as_str(), *n)).collect();
    assert_eq!(outcomes, [("origin_lookup_failed", 1), ("origin_lookup_saturated", 1)]);
}
